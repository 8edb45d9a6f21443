"""The case as an i2 Analyst's Notebook chart (ANX) and as the CSV pair ANB's import wizard reads.

Target
------
ANX is the Analyst's Notebook Exchange format: chart XML that i2 Analyst's Notebook opens
with *File > Open* (and imports with *Import > Analyst's Notebook Exchange*). This module
writes the subset of the chart schema that ANB 8 and ANB 9 (8.9, 9.x, 10.x read it too)
share with earlier versions back to 7:

- root ``<Chart IdReferenceLinking="false" Rigorous="true">``; its children in schema
  order ``StrengthCollection``, ``AttributeClassCollection``, ``EntityTypeCollection``,
  ``LinkTypeCollection``, ``ChartItemCollection``;
- ``AttributeClass`` with ``Type`` one of ``AttText``, ``AttNumber``, ``AttTime``
  (``AttDate``/``AttDateTime`` do not exist), values of ``AttTime`` as
  ``YYYY-MM-DDTHH:MM:SS``;
- an entity is ``<ChartItem Id Label XPosition><End X Y Z><Entity EntityId Identity>
  <Icon><IconStyle Type IconShadingColour/></Icon></Entity></End><AttributeCollection>``,
  position on ``ChartItem/@XPosition`` (ANB 7 and later) and ``End/@X``/``@Y``;
- a link is ``<ChartItem Id Label DateTime DateSet TimeSet><Link End1Id End2Id>
  <LinkStyle Strength Type LinkTypeReference ArrowStyle="ArrowOnHead" LineWidth/></Link>
  <AttributeCollection>``; with ``IdReferenceLinking="false"`` the link ends name the
  ``EntityId`` of the entities (not the ``ChartItem`` ids);
- colours are Windows COLORREF integers (blue * 65536 + green * 256 + red).

What was checked: the element and attribute names, their order and the two linking
dialects against public descriptions of the format and against independent writers whose
output ANB 9 opens; that every written chart parses as XML, that every link's two ends are
entities of the chart and that every ``Id`` and ``EntityId`` is unique (the tests). What was
not: opening the files in ANB itself (it is not available here). Two things are left out on
purpose because ANB handles them badly: links from an account to itself (ANB refuses
self-links) and an ``IconFile`` for accounts (ANB's icon names differ between icon sets; the
entity type then shows ANB's default icon, coloured by role).

Content
-------
Entities ``账户``/``Account`` (identity = the account number) with holder, holder id,
role, level, structure, community, money in/out, cash in/out, transfer counts and
first/last transfer; ``人员``/``Person`` (identity = the holder id) for every holder id a
statement shows, linked to their accounts by ``持有``/``Holds``. One link per ordered pair of
accounts that money moved between, labelled with the amount and the number of transfers,
dated with the first transfer and carrying first and last time. The role is shown by the
icon's colour (the same colours as the HTML views) and as an attribute. Layout: one band
per level from the core (level 0) down, beneficiaries above the core, accounts outside any
structure below; within a band accounts are grouped by community.

The CSV pair (:func:`write_i2_csv`): ``entities`` (one row per account and person) and
``links`` (one row per aggregated transfer and per holding), UTF-8 with BOM, money in yuan
with two decimals, formulas neutralised (``fundgraph.tables.write_csv``), for the import
wizard's *entity* and *link* column mapping.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd

from ..case import Case
from ..graph import aggregate_edges
from ..i18n import check_lang, t
from ..money import format_cny, yuan
from ..tables import atomic_write_bytes, write_csv
from ._common import column_label, role_label, xml_safe

__all__ = ["anx_chart", "write_anx", "write_i2_csv", "i2_tables", "ROLE_COLOURREF"]

_HEX = {
    "core": "#d62728",
    "collector": "#ff7f0e",
    "transit": "#9467bd",
    "participant": "#1f77b4",
    "beneficiary": "#2ca02c",
    "other": "#8c8c8c",
}


def _colorref(hex_colour: str) -> int:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return b * 65536 + g * 256 + r


#: Icon shading of each role as a Windows COLORREF (same colours as the HTML views).
ROLE_COLOURREF = {role: _colorref(c) for role, c in _HEX.items()}

_TIME = "%Y-%m-%dT%H:%M:%S"
_COL_SPACING = 160
_LINE_HEIGHT = 140
_BAND_GAP = 220
_PER_LINE = 40

# attribute class: (column label key, ANX type)
_ENTITY_ATTRS = (
    ("account", "AttText"),
    ("holder_name", "AttText"),
    ("holder_id", "AttText"),
    ("role", "AttText"),
    ("level", "AttNumber"),
    ("structure", "AttNumber"),
    ("community", "AttNumber"),
    ("in_amount", "AttNumber"),
    ("out_amount", "AttNumber"),
    ("cash_in", "AttNumber"),
    ("cash_out", "AttNumber"),
    ("unknown_in", "AttNumber"),
    ("unknown_out", "AttNumber"),
    ("in_count", "AttNumber"),
    ("out_count", "AttNumber"),
    ("first_time", "AttTime"),
    ("last_time", "AttTime"),
    ("alert_score", "AttNumber"),
)
_LINK_ATTRS = (
    ("amount", "AttNumber"),
    ("count", "AttNumber"),
    ("first_time", "AttTime"),
    ("last_time", "AttTime"),
)
_MONEY = {"in_amount", "out_amount", "cash_in", "cash_out", "unknown_in", "unknown_out", "amount"}


def _int_or_none(v: Any) -> int | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _time(v: Any) -> str:
    if v is None or pd.isna(v):
        return ""
    return pd.Timestamp(v).strftime(_TIME)


def _text(v: Any) -> str:
    return xml_safe(v)


def i2_tables(case: Case, *, lang: str = "zh") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Entities and links of the chart as two tables (what both the ANX and the CSV pair hold).

    Returns
    -------
    entities : DataFrame
        ``entity_type`` (``account`` or ``person``), ``identity``, ``label``, the account
        columns (money in cents), ``x``, ``y``.
    links : DataFrame
        ``link_type`` (``transfer`` or ``holds``), ``from_identity``, ``to_identity``,
        ``amount`` (cents), ``count``, ``first_time``, ``last_time``.
    """
    check_lang(lang)
    acc = case.accounts.copy()
    tr = case.transfers
    known = set(acc["account"].astype(str)) if len(acc) else set()
    extra = set()
    if len(tr):
        extra = (set(tr["src"].astype(str)) | set(tr["dst"].astype(str))) - known - {""}
    if extra:
        acc = pd.concat([acc, pd.DataFrame({"account": sorted(extra)})], ignore_index=True)
    acc = acc.sort_values("account", kind="stable").reset_index(drop=True) if len(acc) else acc
    for col in ("holder_name", "holder_id", "role"):
        acc[col] = acc[col].fillna("").astype(str) if col in acc else ""
    acc.loc[acc["role"] == "", "role"] = "other"

    positions = _layout(acc)
    ent_rows = []
    for r in acc.to_dict("records"):
        account = str(r["account"])
        holder = str(r.get("holder_name") or "")
        x, y = positions[account]
        ent_rows.append(
            {
                "entity_type": "account",
                "identity": account,
                "label": f"{holder}\n{account}" if holder else account,
                "account": account,
                "holder_name": holder,
                "holder_id": str(r.get("holder_id") or ""),
                "role": str(r.get("role") or "other"),
                **{
                    c: _int_or_none(r.get(c))
                    for c in (
                        "level",
                        "structure",
                        "community",
                        "in_amount",
                        "out_amount",
                        "cash_in",
                        "cash_out",
                        "unknown_in",
                        "unknown_out",
                        "in_count",
                        "out_count",
                    )
                },
                "first_time": r.get("first_time"),
                "last_time": r.get("last_time"),
                "alert_score": r.get("alert_score"),
                "x": x,
                "y": y,
            }
        )
    link_rows: list[dict[str, Any]] = []
    # persons: every holder id shown, linked to each of their accounts
    persons: dict[str, list[str]] = {}
    for e in ent_rows:
        if e["holder_id"]:
            persons.setdefault(e["holder_id"], []).append(e["identity"])
    by_account = {e["identity"]: e for e in ent_rows}
    for pid in sorted(persons):
        accounts = sorted(persons[pid])
        first = by_account[accounts[0]]
        ent_rows.append(
            {
                "entity_type": "person",
                "identity": pid,
                "label": first["holder_name"] or pid,
                "holder_name": first["holder_name"],
                "holder_id": pid,
                "role": "",
                "x": first["x"],
                "y": first["y"] - _LINE_HEIGHT // 2,
            }
        )
        for a in accounts:
            link_rows.append({"link_type": "holds", "from_identity": pid, "to_identity": a})
    if len(tr):
        for e in aggregate_edges(tr).itertuples(index=False):
            if e.src == e.dst:
                continue  # ANB refuses links from an entity to itself
            link_rows.append(
                {
                    "link_type": "transfer",
                    "from_identity": str(e.src),
                    "to_identity": str(e.dst),
                    "amount": int(e.amount),
                    "count": int(e.count),
                    "first_time": e.first_time,
                    "last_time": e.last_time,
                }
            )
    # object columns keep integers exact (no float for a column with gaps)
    entities = pd.DataFrame(ent_rows, dtype=object)
    links = pd.DataFrame(
        link_rows,
        dtype=object,
        columns=[
            "link_type",
            "from_identity",
            "to_identity",
            "amount",
            "count",
            "first_time",
            "last_time",
        ],
    )
    return entities, links


def _band(r: dict) -> tuple[int, int]:
    level = _int_or_none(r.get("level"))
    if level is not None:
        return (1, level)
    if r.get("role") == "beneficiary":
        return (0, 0)
    return (2, 0)


def _layout(acc: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Positions by level: a band per level (beneficiaries above the core, the rest below),
    accounts in a band grouped by structure and community, wrapped every ``_PER_LINE``."""
    rows = acc.to_dict("records") if len(acc) else []
    bands: dict[tuple[int, int], list[dict]] = {}
    for r in rows:
        bands.setdefault(_band(r), []).append(r)
    out: dict[str, tuple[int, int]] = {}
    y = 0
    for key in sorted(bands):
        members = sorted(
            bands[key],
            key=lambda r: (
                _int_or_none(r.get("structure"))
                if _int_or_none(r.get("structure")) is not None
                else 1 << 30,
                _int_or_none(r.get("community"))
                if _int_or_none(r.get("community")) is not None
                else 1 << 30,
                str(r["account"]),
            ),
        )
        for start in range(0, len(members), _PER_LINE):
            line = members[start : start + _PER_LINE]
            for i, r in enumerate(line):
                x = int((i - (len(line) - 1) / 2) * _COL_SPACING)
                out[str(r["account"])] = (x, y)
            y += _LINE_HEIGHT
        y += _BAND_GAP
    return out


def _attr_value(name: str, value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if name in _MONEY:
        return yuan(int(value))
    if name in ("first_time", "last_time"):
        return _time(value) or None
    if isinstance(value, float):
        return repr(value)
    return _text(value)


def anx_chart(case: Case, *, lang: str = "zh") -> bytes:
    """The ANX document (UTF-8 XML) of ``case``; see the module docstring for what it holds.

    Examples
    --------
    >>> import xml.etree.ElementTree as ET
    >>> from fundgraph.case import Case
    >>> ET.fromstring(anx_chart(Case(), lang="en")).tag
    'Chart'
    """
    entities, links = i2_tables(case, lang=lang)
    root = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    ET.SubElement(
        ET.SubElement(root, "StrengthCollection"),
        "Strength",
        {"Id": "STR1", "Name": "Default", "DotStyle": "DotStyleSolid"},
    )

    classes: dict[str, str] = {}  # label -> Id
    acc_coll = ET.SubElement(root, "AttributeClassCollection")

    def attr_class(name: str, kind: str) -> str:
        label = column_label(name, lang)
        if label not in classes:
            cid = f"AC{len(classes) + 1}"
            classes[label] = cid
            attrs = {"Id": cid, "Name": label, "Type": kind, "ShowValue": "false"}
            if name in _MONEY:
                attrs["DecimalPlaces"] = "2"
            ET.SubElement(acc_coll, "AttributeClass", attrs)
        return classes[label]

    for name, kind in _ENTITY_ATTRS + _LINK_ATTRS:
        attr_class(name, kind)

    type_account, type_person = t("export.i2.account", lang), t("export.i2.person", lang)
    etc = ET.SubElement(root, "EntityTypeCollection")
    ET.SubElement(
        etc,
        "EntityType",
        {
            "Id": "ET1",
            "Name": type_account,
            "Colour": "0",
            "PreferredRepresentation": "RepresentAsIcon",
        },
    )
    ET.SubElement(
        etc,
        "EntityType",
        {
            "Id": "ET2",
            "Name": type_person,
            "IconFile": "Person",
            "Colour": "0",
            "PreferredRepresentation": "RepresentAsIcon",
        },
    )
    link_transfer, link_holds = t("export.i2.transfer", lang), t("export.i2.holds", lang)
    ltc = ET.SubElement(root, "LinkTypeCollection")
    ET.SubElement(ltc, "LinkType", {"Id": "LT1", "Name": link_transfer, "Colour": "0"})
    ET.SubElement(ltc, "LinkType", {"Id": "LT2", "Name": link_holds, "Colour": "0"})

    items = ET.SubElement(root, "ChartItemCollection")
    entity_ids: dict[tuple[str, str], str] = {}
    n = 0

    def add_attributes(item: ET.Element, values: list[tuple[str, Any]]) -> None:
        coll = None
        for name, value in values:
            text = _attr_value(name, value)
            if text is None or text == "":
                continue
            if coll is None:
                coll = ET.SubElement(item, "AttributeCollection")
            label = column_label(name, lang)
            ET.SubElement(
                coll,
                "Attribute",
                {"AttributeClass": label, "AttributeClassReference": classes[label], "Value": text},
            )

    for e in entities.to_dict("records") if len(entities) else []:
        n += 1
        kind = e["entity_type"]
        eid = str(n)
        entity_ids[(kind, e["identity"])] = eid
        x, y = int(e["x"]), int(e["y"])
        role = str(e.get("role") or "")
        item = ET.SubElement(
            items,
            "ChartItem",
            {
                "Id": f"CI{n}",
                "Label": _text(e["label"]),
                "XPosition": str(x),
                **({"Description": _text(role_label(role, lang))} if kind == "account" else {}),
            },
        )
        end = ET.SubElement(item, "End", {"X": str(x), "Y": str(y), "Z": "0"})
        ent = ET.SubElement(
            end,
            "Entity",
            {"EntityId": eid, "Identity": _text(e["identity"]), "LabelIsIdentity": "false"},
        )
        style = {"Type": type_account if kind == "account" else type_person}
        if kind == "account":
            style["IconShadingColour"] = str(ROLE_COLOURREF.get(role, ROLE_COLOURREF["other"]))
        ET.SubElement(ET.SubElement(ent, "Icon"), "IconStyle", style)
        if kind == "account":
            add_attributes(
                item,
                [
                    (name, role_label(role, lang) if name == "role" else e.get(name))
                    for name, _ in _ENTITY_ATTRS
                ],
            )
        else:
            add_attributes(
                item, [("holder_name", e.get("holder_name")), ("holder_id", e.get("holder_id"))]
            )

    biggest = int(links["amount"].max()) if len(links) and links["amount"].notna().any() else 0
    for ln in links.to_dict("records") if len(links) else []:
        n += 1
        holds = ln["link_type"] == "holds"
        end1 = entity_ids[("person" if holds else "account", ln["from_identity"])]
        end2 = entity_ids[("account", ln["to_identity"])]
        attrs = {"Id": f"CI{n}"}
        if holds:
            attrs["Label"] = link_holds
        else:
            attrs["Label"] = t(
                "export.i2.link_label",
                lang,
                amount=format_cny(int(ln["amount"]), "en"),
                count=int(ln["count"]),
            )
            attrs.update(
                {"DateTime": _time(ln["first_time"]), "DateSet": "true", "TimeSet": "true"}
            )
        item = ET.SubElement(items, "ChartItem", attrs)
        link = ET.SubElement(item, "Link", {"End1Id": end1, "End2Id": end2})
        style = {
            "Strength": "Default",
            "StrengthReference": "STR1",
            "Type": link_holds if holds else link_transfer,
            "LinkTypeReference": "LT2" if holds else "LT1",
        }
        if not holds:
            style["ArrowStyle"] = "ArrowOnHead"
            share = int(ln["amount"]) / biggest if biggest else 0
            style["LineWidth"] = str(1 + round(4 * share**0.5))
        ET.SubElement(link, "LinkStyle", style)
        if not holds:
            add_attributes(item, [(name, ln.get(name)) for name, _ in _LINK_ATTRS])
    ET.indent(root, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def write_anx(case: Case, out_path: str | os.PathLike, *, lang: str = "zh") -> Path:
    """Write the ANX chart of ``case`` to ``out_path`` (atomically) and return the path."""
    out = Path(out_path)
    atomic_write_bytes(out, anx_chart(case, lang=lang))
    return out


def write_i2_csv(
    case: Case,
    entities_path: str | os.PathLike,
    links_path: str | os.PathLike,
    *,
    lang: str = "zh",
) -> tuple[Path, Path]:
    """Write the entities and links CSV files for ANB's import wizard.

    Both are UTF-8 with BOM, money in yuan with two decimals, times
    ``YYYY-MM-DD HH:MM:SS``, headers in ``lang``, and any cell a spreadsheet would run as a
    formula prefixed with ``'`` (:func:`fundgraph.tables.write_csv`).
    """
    entities, links = i2_tables(case, lang=lang)
    type_names = {
        "account": t("export.i2.account", lang),
        "person": t("export.i2.person", lang),
        "transfer": t("export.i2.transfer", lang),
        "holds": t("export.i2.holds", lang),
    }
    ent_cols = [
        "entity_type",
        "identity",
        "label",
        "holder_name",
        "holder_id",
        "role",
        "level",
        "structure",
        "community",
        "in_amount",
        "out_amount",
        "cash_in",
        "cash_out",
        "unknown_in",
        "unknown_out",
        "in_count",
        "out_count",
        "first_time",
        "last_time",
    ]
    ent = entities.reindex(columns=ent_cols).copy()
    if len(ent):
        ent["entity_type"] = ent["entity_type"].map(type_names)
        ent["label"] = ent["label"].astype(str).str.replace("\n", " ", regex=False)
        ent["role"] = ent["role"].map(lambda r: role_label(r, lang) if r else "")
    schema = {
        "entity_type": "str",
        "identity": "str",
        "label": "str",
        "holder_name": "str",
        "holder_id": "str",
        "role": "str",
        "level": "Int64",
        "structure": "Int64",
        "community": "Int64",
        "in_amount": "Int64",
        "out_amount": "Int64",
        "cash_in": "Int64",
        "cash_out": "Int64",
        "unknown_in": "Int64",
        "unknown_out": "Int64",
        "in_count": "Int64",
        "out_count": "Int64",
        "first_time": "datetime",
        "last_time": "datetime",
    }
    from ..tables import conform

    ent = conform(ent, schema, extra=False)
    lk = links.copy()
    lk["link_type"] = lk["link_type"].map(type_names)
    lk_schema = {
        "link_type": "str",
        "from_identity": "str",
        "to_identity": "str",
        "amount": "Int64",
        "count": "Int64",
        "first_time": "datetime",
        "last_time": "datetime",
    }
    lk = conform(lk, lk_schema, extra=False)
    labels = {
        "entity_type": t("export.i2.entity_type", lang),
        "identity": t("export.i2.identity", lang),
        "label": t("export.i2.label", lang),
        "link_type": t("export.i2.link_type", lang),
        "from_identity": t("export.i2.from", lang),
        "to_identity": t("export.i2.to", lang),
    }
    for c in set(ent_cols + list(lk_schema)) - set(labels):
        labels[c] = column_label(c, lang)
    e_out, l_out = Path(entities_path), Path(links_path)
    write_csv(ent, e_out, schema, headers=labels)
    write_csv(lk, l_out, lk_schema, headers=labels)
    return e_out, l_out
