"""The i2 chart (ANX), checked with an XML parser, and the import wizard's CSV pair."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from fundgraph.case import load_case
from fundgraph.export import i2_csv_paths
from fundgraph.export.anx import ROLE_COLOURREF, anx_chart, write_anx, write_i2_csv
from fundgraph.graph import aggregate_edges
from fundgraph.i18n import t
from tests.export.export_cases import (
    BEN,
    COL,
    CONTROL_HOLDER,
    CORE,
    HOSTILE_HOLDER,
    IDS,
    P1,
    P2,
    PERSON,
    SCRIPT_HOLDER,
    SHOP,
)

CHILDREN = [
    "StrengthCollection",
    "AttributeClassCollection",
    "EntityTypeCollection",
    "LinkTypeCollection",
    "ChartItemCollection",
]


def _parse(data: bytes) -> ET.Element:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(data)


def _entities(root) -> dict[str, ET.Element]:
    """Identity -> ChartItem of every entity."""
    return {
        ci.find("End/Entity").get("Identity"): ci
        for ci in root.iter("ChartItem")
        if ci.find("End") is not None
    }


def _attrs(item: ET.Element) -> dict[str, str]:
    return {a.get("AttributeClass"): a.get("Value") for a in item.iter("Attribute")}


@pytest.fixture(scope="module")
def chart(hand_dir):
    return _parse(anx_chart(load_case(hand_dir), lang="zh"))


def test_structure_and_references(chart):
    assert chart.tag == "Chart" and chart.get("IdReferenceLinking") == "false"
    assert [c.tag for c in chart] == CHILDREN
    items = list(chart.find("ChartItemCollection"))
    ids = [i.get("Id") for i in items]
    assert len(ids) == len(set(ids)) and all(ids)
    entity_ids = [e.get("EntityId") for e in chart.iter("Entity")]
    assert len(entity_ids) == len(set(entity_ids))
    for link in chart.iter("Link"):
        assert link.get("End1Id") in entity_ids and link.get("End2Id") in entity_ids
        assert link.get("End1Id") != link.get("End2Id")
    classes = {c.get("Id"): c for c in chart.iter("AttributeClass")}
    assert {c.get("Type") for c in classes.values()} <= {
        "AttText",
        "AttNumber",
        "AttTime",
        "AttFlag",
    }
    for a in chart.iter("Attribute"):
        assert classes[a.get("AttributeClassReference")].get("Name") == a.get("AttributeClass")
    types = {e.get("Name") for e in chart.iter("EntityType")}
    assert {s.get("Type") for s in chart.iter("IconStyle")} <= types
    link_types = {lt.get("Id"): lt.get("Name") for lt in chart.iter("LinkType")}
    for s in chart.iter("LinkStyle"):
        assert link_types[s.get("LinkTypeReference")] == s.get("Type")


def test_entities_accounts_and_person(chart):
    ents = _entities(chart)
    # one person entity per holder id shown (the company of the core account has one too)
    assert set(ents) == {CORE, COL, P1, P2, BEN, SHOP, PERSON, IDS[CORE]}
    col = ents[COL]
    assert col.get("Label") == f"{HOSTILE_HOLDER}\n{COL}"  # attribute text, escaped by the writer
    a = _attrs(col)
    assert a[t("export.col.in_amount", "zh")] == "8000.03"
    assert a[t("export.col.role", "zh")] == t("role.collector", "zh")
    assert a[t("export.col.level", "zh")] == "1"
    assert a[t("export.col.first_time", "zh")] == "2022-01-05T10:00:00"
    style = col.find("End/Entity/Icon/IconStyle")
    assert style.get("Type") == t("export.i2.account", "zh")
    assert style.get("IconShadingColour") == str(ROLE_COLOURREF["collector"])
    assert ROLE_COLOURREF["core"] == 0x28 * 65536 + 0x27 * 256 + 0xD6  # #d62728 as COLORREF
    assert _attrs(ents[P1])[t("export.col.holder_name", "zh")] == SCRIPT_HOLDER
    assert _attrs(ents[P2])[t("export.col.holder_name", "zh")] == CONTROL_HOLDER.replace(
        "\x01", "\ufffd"
    )
    assert ents[PERSON].find("End/Entity/Icon/IconStyle").get("Type") == t("export.i2.person", "zh")


def test_links_aggregated_labelled_and_dated(chart):
    ents = _entities(chart)
    eid = {k: v.find("End/Entity").get("EntityId") for k, v in ents.items()}
    links = {
        (ci.find("Link").get("End1Id"), ci.find("Link").get("End2Id")): ci
        for ci in chart.iter("ChartItem")
        if ci.find("Link") is not None
    }
    transfer = links[(eid[P1], eid[COL])]
    assert transfer.get("Label") == "¥3,000.03（2笔）"
    assert transfer.get("DateTime") == "2022-01-05T10:00:00" and transfer.get("DateSet") == "true"
    assert transfer.find("Link/LinkStyle").get("ArrowStyle") == "ArrowOnHead"
    a = _attrs(transfer)
    assert a[t("export.col.amount", "zh")] == "3000.03" and a[t("export.col.count", "zh")] == "2"
    assert a[t("export.col.last_time", "zh")] == "2022-02-05T10:00:00"
    # the person holds both cards
    assert (eid[PERSON], eid[P1]) in links and (eid[PERSON], eid[P2]) in links
    # 7 account pairs less the shop's transfer to itself, plus 3 holdings
    assert len(links) == 6 + 3
    assert (eid[SHOP], eid[SHOP]) not in links


def test_laid_out_by_level(chart):
    ents = _entities(chart)
    y = {k: int(v.find("End").get("Y")) for k, v in ents.items()}
    assert y[BEN] < y[CORE] < y[COL] < y[P1] == y[P2] < y[SHOP]
    for v in ents.values():
        assert v.get("XPosition") == v.find("End").get("X")


def test_csv_pair_for_the_import_wizard(hand_dir, tmp_path):
    case = load_case(hand_dir)
    e_path, l_path = write_i2_csv(case, tmp_path / "e.csv", tmp_path / "l.csv", lang="zh")
    for p in (e_path, l_path):
        assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    ent = pd.read_csv(e_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    col = ent[ent[t("export.i2.identity", "zh")] == COL].iloc[0]
    assert col[t("export.col.holder_name", "zh")] == "'" + HOSTILE_HOLDER  # neutralised formula
    assert col[t("export.col.in_amount", "zh")] == "8000.03"
    assert col[t("export.i2.entity_type", "zh")] == t("export.i2.account", "zh")
    assert (ent[t("export.i2.identity", "zh")] == PERSON).sum() == 1
    lk = pd.read_csv(l_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    row = lk[(lk[t("export.i2.from", "zh")] == P1) & (lk[t("export.i2.to", "zh")] == COL)].iloc[0]
    assert (
        row[t("export.col.amount", "zh")] == "3000.03" and row[t("export.col.count", "zh")] == "2"
    )
    assert row[t("export.col.first_time", "zh")] == "2022-01-05 10:00:00"
    assert len(lk) == 9


def test_synthetic_case_and_determinism(synth_dir, tmp_path):
    case = load_case(synth_dir)
    a = write_anx(case, tmp_path / "a.anx", lang="en").read_bytes()
    assert a == anx_chart(case, lang="en")
    root = _parse(a)
    pairs = aggregate_edges(case.transfers)
    pairs = pairs[pairs["src"] != pairs["dst"]]
    transfers = [
        ci
        for ci in root.iter("ChartItem")
        if ci.find("Link/LinkStyle") is not None
        and ci.find("Link/LinkStyle").get("Type") == "Transfer"
    ]
    assert len(transfers) == len(pairs)
    total = sum(int(round(float(_attrs(ci)["Amount (yuan)"]) * 100)) for ci in transfers)
    assert total == int(pairs["amount"].sum())
    accounts = [
        ci
        for ci in root.iter("ChartItem")
        if ci.find("End/Entity/Icon/IconStyle") is not None
        and ci.find("End/Entity/Icon/IconStyle").get("Type") == "Account"
    ]
    assert len(accounts) == len(case.accounts)
    assert i2_csv_paths(tmp_path / "x.anx") == (
        tmp_path / "x-entities.csv",
        tmp_path / "x-links.csv",
    )
