"""The case report: one self-contained HTML file a prosecutor reads, and prints to PDF.

:func:`render_report` writes ``report.html`` from an analysed :class:`~fundgraph.case.Case`.
The page asks the network for nothing (no CDN, no web font: CJK text uses the system's
fonts), carries its pictures as inline SVG drawn by :mod:`fundgraph.render.svg`, and holds
one small inline script that sorts the participants' tables. Every text a person reads
comes from the message catalogue (``locales/<lang>/report.json``); every text that comes
from a bank file goes through :func:`~fundgraph.render.html.esc`.

The same case always gives the same bytes: rows are sorted with complete keys, and the
only dates shown are taken from the data.

Sections
--------
1. case summary; 2. legal thresholds; 3. collection structures and a picture of the main
one; 4. top accounts; 5. participants and the restitution plan; 6. alerts; 7. rejected
rows and data-quality warnings; 8. timeline; 9. method notes.
"""

from __future__ import annotations

import numbers
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd

from ..accounts import known_names
from ..case import Case
from ..i18n import LANGS, catalogue, check_lang, t, t_or
from ..money import cents, format_cny
from ..schema import ROLES
from ..tables import atomic_write_text
from .html import esc, json_for_script
from .svg import Series, StructureNode, bar_chart_svg, line_chart_svg, structure_svg

__all__ = ["render_report", "report_html", "PARTICIPANT_ROWS", "SECTIONS"]

#: Participants (and restitution lines) written as table rows; the rest are counted.
PARTICIPANT_ROWS = 2000
#: Accounts listed in each "top accounts" table.
TOP_ACCOUNTS = 20
#: Alerts listed in full; the rest are counted.
ALERT_ROWS = 500
#: Collectors drawn per level of the structure picture (the rest share one box).
BOXES_PER_LEVEL = 5
#: Statement files listed in the data-quality section.
FILE_ROWS = 300

#: Section ids, in page order.
SECTIONS = (
    "summary",
    "thresholds",
    "structures",
    "accounts",
    "participants",
    "alerts",
    "quality",
    "timeline",
    "method",
)

_MONEY_METRICS = ("amount", "absorbed", "loss", "collected", "sum", "fee")


class _Text:
    """Catalogue look-ups for one language, with optional keys kept apart from required ones."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.messages = catalogue(lang)

    def __call__(self, key: str, /, **values: object) -> str:
        return t(key, self.lang, **values)

    def maybe(self, key: str, default: str, /, **values: object) -> str:
        """The message ``key`` if the catalogue has it, else ``default`` (shown as is)."""
        return t_or(key, self.lang, default, **values)

    def generic(self, key: str, default: str, /) -> str:
        """The message ``key`` with its ``{placeholders}`` shown as an ellipsis (a category name)."""
        text = self.messages.get(key)
        if text is None:
            return default
        return re.sub(r"\{[^{}]*\}", "…", text)

    def same_text(self, text: str, prefix: str) -> str:
        """``text`` in this language, when it is a catalogue message (of any language) under
        ``prefix``; otherwise ``text`` itself. Case files keep such texts in the language of
        the run that wrote them."""
        if not text:
            return ""
        for lang in LANGS:
            for key, value in catalogue(lang).items():
                if value == text and key.startswith(prefix):
                    return self.messages.get(key, text)
        return text

    def money(self, c: int) -> str:
        """Exact amount, ``¥1,234,567.89``, the same in both languages."""
        return format_cny(int(c), "en")

    def money_short(self, c: int) -> str:
        """Rounded amount for figures and charts (``¥123.46万`` in Chinese)."""
        return format_cny(int(c), self.lang)

    def axis_money(self, c: float) -> str:
        """Short amount for a chart axis: ``¥500万`` in Chinese, ``¥1.5M`` / ``¥300k`` in English."""
        c = int(c)
        if self.lang == "zh" or abs(c) < 1000_00:
            text = format_cny(c, self.lang)
            return text[:-3] if text.endswith(".00") else text
        for unit, suffix in ((1_000_000_000_00, "B"), (1_000_000_00, "M"), (1000_00, "k")):
            if abs(c) >= unit:
                return f"¥{c / unit:.2f}".rstrip("0").rstrip(".") + suffix
        return format_cny(c, "en")

    def count(self, n: Any) -> str:
        try:
            return f"{int(n):,}"
        except (TypeError, ValueError):
            return str(n)

    def role(self, role: str) -> str:
        return self.maybe(f"role.{role}", str(role or ""))


# ---------------------------------------------------------------------------- values


def _is_missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _as_cents(v: Any) -> int | None:
    """Yuan (Decimal, float, str) as cents; ``None`` when missing or unreadable."""
    if _is_missing(v):
        return None
    if isinstance(v, Decimal):
        return int((v * 100).to_integral_value())
    if isinstance(v, float):
        return int(round(v * 100))
    if isinstance(v, int):
        return v * 100
    try:
        return cents(str(v))
    except ValueError:
        try:
            return int((Decimal(str(v)) * 100).to_integral_value())
        except InvalidOperation:
            return None


def _date(v: Any) -> str:
    if _is_missing(v):
        return ""
    return pd.Timestamp(v).strftime("%Y-%m-%d")


def _datetime(v: Any) -> str:
    if _is_missing(v):
        return ""
    return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")


def _sort_value(v: Any) -> str:
    """A ``data-v`` value for the sorting script (numbers as numbers, times as epoch)."""
    if _is_missing(v):
        return ""
    if isinstance(v, (pd.Timestamp,)) or hasattr(v, "timestamp"):
        return str(int(pd.Timestamp(v).value // 10**9))
    return str(int(v))


def _col(df: pd.DataFrame | None, name: str) -> bool:
    return df is not None and name in df.columns


def _first(d: Mapping[str, Any], *keys: str, default: Any = None) -> Any:
    for k in keys:
        if k in d and not _is_missing(d[k]):
            return d[k]
    return default


# ---------------------------------------------------------------------------- html bits


def _table(
    headers: Sequence[tuple[str, str]], rows: Iterable[str], *, cls: str = "", attrs: str = ""
) -> str:
    """A table; ``headers`` are (label, css class); ``rows`` are ready ``<tr>`` strings."""
    head = "".join(f'<th class="{c}">{esc(h)}</th>' for h, c in headers)
    body = "".join(rows)
    return (
        f'<table class="{cls}"{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _td(text: Any, cls: str = "", v: str | None = None) -> str:
    c = f' class="{cls}"' if cls else ""
    d = f' data-v="{esc(v)}"' if v is not None else ""
    return f"<td{c}{d}>{esc(text)}</td>"


def _p(text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<p{c}>{esc(text)}</p>"


def _section(sid: str, title: str, body: str) -> str:
    return f'<section id="{sid}" class="section"><h2>{esc(title)}</h2>{body}</section>'


# ---------------------------------------------------------------------------- 1 summary


def _date_range(case: Case) -> tuple[str, str]:
    s = case.summary
    lo, hi = _first(s, "date_from", "first_time"), _first(s, "date_to", "last_time")
    if (lo is None or hi is None) and _col(case.transfers, "time") and len(case.transfers):
        times = pd.to_datetime(case.transfers["time"]).dropna()
        if len(times):
            lo, hi = times.min(), times.max()
    return _date(lo), _date(hi)


def _summary(case: Case, T: _Text) -> str:
    s = case.summary
    lo, hi = _date_range(case)
    rows: list[tuple[str, str, str]] = []

    def count(key: str) -> None:
        if key in s and not _is_missing(s[key]):
            rows.append(
                (T(f"report.summary.{key}"), T.count(s[key]), T(f"report.summary.{key}.hint"))
            )

    def money(key: str) -> None:
        c = _as_cents(s.get(key))
        if c is not None:
            value = T.money(c)
            if T.lang == "zh" and abs(c) >= 10_000_00:
                value += f"（{T.money_short(c)}）"
            rows.append((T(f"report.summary.{key}"), value, T(f"report.summary.{key}.hint")))

    count("files")
    if s.get("files_unreadable"):
        count("files_unreadable")
    for key in (
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "transfers",
        "transfers_seen_twice",
        "accounts",
        "accounts_obtained",
        "warnings",
    ):
        count(key)
    money("total_absorbed")
    count("participant_persons")
    count("participant_accounts")
    money("direct_loss")
    count("max_level")
    if lo:
        rows.append(
            (
                T("report.summary.date_range"),
                T("report.range", start=lo, end=hi),
                T("report.summary.date_range.hint"),
            )
        )
    body = "".join(
        f'<tr><th scope="row">{esc(k)}</th><td class="num">{esc(v)}</td><td class="hint">{esc(h)}</td></tr>'
        for k, v, h in rows
    )
    cards = []
    for key in ("total_absorbed", "participant_persons", "direct_loss", "max_level"):
        if key not in s or _is_missing(s[key]):
            continue
        value = (
            T.money_short(_as_cents(s[key]) or 0)
            if key in ("total_absorbed", "direct_loss")
            else T.count(s[key])
        )
        cards.append(
            f'<div class="card"><div class="card-value">{esc(value)}</div>'
            f'<div class="card-label">{esc(T(f"report.summary.{key}"))}</div></div>'
        )
    met = [t for t in s.get("thresholds") or [] if isinstance(t, Mapping) and _met(t) is True]
    verdict = ""
    if s.get("thresholds"):
        verdict = _p(
            T("report.summary.thresholds_met", met=len(met), total=len(s["thresholds"])), "verdict"
        )
    out = (
        f'<div class="cards">{"".join(cards)}</div>{verdict}'
        f'<table class="kv"><tbody>{body}</tbody></table>'
    )
    return _section("summary", T("report.sec.summary"), out)


# ---------------------------------------------------------------------------- 2 thresholds


def _met(item: Mapping[str, Any]) -> bool | None:
    """``met`` of a threshold entry as True/False, or None when it was left undecided."""
    v = item.get("met")
    if _is_missing(v) or isinstance(v, str):
        return None
    return bool(v)


def _threshold_value(metric: str, v: Any, T: _Text, *, round_figure: bool = False) -> str:
    if _is_missing(v):
        return "—"
    if isinstance(v, bool):
        return T("report.yes") if v else T("report.no")
    money_like = any(w in str(metric).lower() for w in _MONEY_METRICS)
    if isinstance(v, (Decimal, float)) or (money_like and not isinstance(v, numbers.Integral)):
        c = _as_cents(v)
        if c is None:
            return str(v)
        if round_figure and c % 100 == 0:
            # a threshold is a round figure: ¥100万 / ¥1,000,000 is exact and fits the column
            if T.lang == "zh" and c % 10_000_00 == 0:
                return T.money_short(c)
            return T.money(c)[:-3]
        return T.money(c)
    if isinstance(v, numbers.Integral):
        return T.count(v)
    return str(v)


def _thresholds(case: Case, T: _Text) -> str:
    items = [x for x in case.summary.get("thresholds") or [] if isinstance(x, Mapping)]
    if not items:
        return _section(
            "thresholds", T("report.sec.thresholds"), _p(T("report.thresholds.none"), "empty")
        )
    headers = [
        (T("report.th.law"), "c-law"),
        (T("report.th.metric"), "c-metric"),
        (T("report.th.value"), "num"),
        (T("report.th.threshold"), "num"),
        (T("report.th.met"), "c-met"),
        (T("report.th.note"), "c-note"),
    ]
    rows = []
    explained: set[str] = set()
    for item in items:
        metric = str(item.get("metric", ""))
        if metric in explained:
            method = T("report.metric.as_above")
        else:
            method = T.maybe(f"report.metric.{metric}.method", T("report.metric.other.method"))
            explained.add(metric)
        law = T.same_text(str(item.get("law", "") or ""), "threshold.")
        clause = T.same_text(str(item.get("clause", "") or ""), "threshold.")
        met = _met(item)
        if met is True:
            met_text, met_cls = T("report.met.yes"), "met-yes"
        elif met is False:
            met_text, met_cls = T("report.met.no"), "met-no"
        else:
            met_text, met_cls = T("report.met.unknown"), "met-unknown"
        note = T.same_text(str(item.get("note", "") or ""), "threshold.")
        rows.append(
            "<tr>"
            f'<td><div class="law">{esc(law)}</div><div class="clause">{esc(clause)}</div></td>'
            + f'<td><div class="metric">{esc(T.maybe(f"report.metric.{metric}", metric))}</div>'
            + f'<div class="method">{esc(method)}</div></td>'
            + _td(_threshold_value(metric, item.get("value"), T), "num")
            + _td(_threshold_value(metric, item.get("threshold"), T, round_figure=True), "num")
            + f'<td class="{met_cls}">{esc(met_text)}</td>'
            + _td(note, "small")
            + "</tr>"
        )
    body = (
        _p(T("report.thresholds.intro"))
        + _table(headers, rows, cls="thresholds")
        + _p(T("report.thresholds.caveat"), "caveat")
    )
    return _section("thresholds", T("report.sec.thresholds"), body)


# ---------------------------------------------------------------------------- 3 structures


def _account_names(case: Case) -> dict[str, str]:
    if not _col(case.accounts, "holder_name"):
        return {}
    names = known_names(case.accounts)
    return {str(a): n for a, n in names.items() if isinstance(n, str)}


def _as_account_list(v: Any) -> list[str]:
    """Accounts from a list of ids, a list of dicts with ``account``, a ";"-joined string."""
    if _is_missing(v):
        return []
    if isinstance(v, str):
        return [a for a in v.split(";") if a]
    if isinstance(v, Mapping):
        return [str(_first(v, "account", "id", default=""))] if _first(v, "account", "id") else []
    out: list[str] = []
    for x in v:
        if isinstance(x, Mapping):
            a = _first(x, "account", "id")
            if a is not None:
                out.append(str(a))
        elif not _is_missing(x):
            out.append(str(x))
    return out


def _collectors_by_level(st: Mapping[str, Any]) -> dict[int, list[str]]:
    """Collectors of a structure as {level: [accounts]}, whatever shape the dict uses."""
    raw = _first(st, "collectors_by_level", "levels", "collectors")
    out: dict[int, list[str]] = {}
    if raw is None:
        return out
    if isinstance(raw, Mapping):
        for k, v in raw.items():
            try:
                lvl = int(k)
            except (TypeError, ValueError):
                continue
            out.setdefault(lvl, []).extend(_as_account_list(v))
    elif isinstance(raw, (list, tuple)):
        if raw and all(isinstance(x, Mapping) for x in raw):
            for x in raw:
                if "accounts" in x or "collectors" in x:
                    lvl = int(_first(x, "level", default=len(out) + 1))
                    out.setdefault(lvl, []).extend(
                        _as_account_list(_first(x, "accounts", "collectors"))
                    )
                else:
                    a, lvl = _first(x, "account", "id"), _first(x, "level", default=1)
                    if a is not None:
                        out.setdefault(int(lvl), []).append(str(a))
        elif raw and all(isinstance(x, (list, tuple)) for x in raw):
            for i, x in enumerate(raw, start=1):
                out[i] = _as_account_list(x)
        else:
            out[1] = _as_account_list(raw)
    return {k: v for k, v in sorted(out.items()) if v and k > 0}


def _structure_info(case: Case, st: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Normalised view of one structure dict, filled from the accounts table where missing."""
    sid = _first(st, "id", "structure", default=index)
    cores = _as_account_list(_first(st, "core", "cores", "core_accounts"))
    levels = _collectors_by_level(st)
    acc = case.accounts
    if _col(acc, "structure") and _col(acc, "level") and len(acc):
        try:
            mine = acc[acc["structure"].astype("Int64") == int(sid)]
        except (TypeError, ValueError):
            mine = acc.iloc[0:0]
        if not cores:
            cores = sorted(mine.loc[(mine["level"] == 0).fillna(False), "account"].astype(str))
        if not levels:
            roles = mine["role"] if "role" in mine.columns else pd.Series("", index=mine.index)
            sel = mine[(mine["level"] > 0).fillna(False) & roles.isin(["collector", "transit"])]
            for lvl, grp in sel.groupby(sel["level"].astype(int), sort=True):
                levels[int(lvl)] = sorted(grp["account"].astype(str))
    depth = _first(st, "depth", "levels_count")
    if depth is None:
        top = _first(st, "max_level")
        depth = int(top) + 1 if top is not None else max(levels, default=0) + 1
    participants = _first(
        st, "participant_count", "participants", "participant_accounts", "n_participants"
    )
    if isinstance(participants, (list, tuple)):
        participants = len(participants)
    persons = _first(st, "participant_persons", "persons")
    if isinstance(persons, (list, tuple)):
        persons = len(persons)
    absorbed = _as_cents(_first(st, "absorbed", "amount_absorbed", "total_absorbed", "amount"))
    return {
        "id": sid,
        "cores": cores,
        "levels": levels,
        "depth": depth,
        "participants": participants,
        "persons": persons,
        "absorbed": absorbed,
        "transit": _as_account_list(_first(st, "transit", "transits")),
        "beneficiaries": _as_account_list(_first(st, "beneficiaries", "beneficiary")),
    }


def _flows_into(case: Case, dsts: set[str]) -> pd.DataFrame:
    tr = case.transfers
    if not (_col(tr, "src") and _col(tr, "dst") and _col(tr, "amount")) or not dsts:
        return pd.DataFrame(columns=["src", "dst", "amount"])
    sel = tr[tr["dst"].isin(dsts)]
    return sel[["src", "dst", "amount"]]


def _structure_picture(case: Case, info: dict[str, Any], T: _Text) -> str:
    names = _account_names(case)
    cores = list(info["cores"])[:3]
    levels: dict[int, list[str]] = info["levels"]
    drawn_accounts = set(cores) | {a for v in levels.values() for a in v}
    participants = (
        set(case.participants["account"].astype(str))
        if _col(case.participants, "account")
        else set()
    )
    flows = _flows_into(case, drawn_accounts)
    from_part = flows[flows["src"].isin(participants)] if len(flows) else flows
    part_count: dict[str, int] = {}
    part_amount: dict[str, int] = {}
    if len(from_part):
        grp = from_part.groupby("dst", sort=True)
        part_count = {str(k): int(v) for k, v in grp["src"].nunique().items()}
        part_amount = {str(k): int(v) for k, v in grp["amount"].sum().items()}

    # parent of each collector: the account one level up it sent most money to
    level_of = {a: 0 for a in info["cores"]}
    for lvl, accs in levels.items():
        for a in accs:
            level_of.setdefault(a, lvl)
    tr = case.transfers
    parent: dict[str, str] = {}
    if _col(tr, "src") and len(tr) and drawn_accounts:
        up = tr[tr["src"].isin(drawn_accounts) & tr["dst"].isin(set(level_of))]
        if len(up):
            sums = up.groupby(["src", "dst"], sort=True)["amount"].sum().reset_index()
            sums["src_level"] = sums["src"].map(level_of)
            sums["dst_level"] = sums["dst"].map(level_of)
            sums = sums[sums["dst_level"] == sums["src_level"] - 1]
            sums = sums.sort_values(["src", "amount", "dst"], ascending=[True, False, True])
            for src, grp in sums.groupby("src", sort=True):
                parent[str(src)] = str(grp["dst"].iloc[0])

    nodes: list[StructureNode] = []
    absorbed = info["absorbed"]
    for a in cores:
        detail = (
            T("report.svg.absorbed", amount=T.money_short(absorbed)) if absorbed is not None else ""
        )
        if a in part_count:
            detail = detail or T(
                "report.svg.participants", count=part_count[a], amount=T.money_short(part_amount[a])
            )
        nodes.append(StructureNode(a, names.get(a, a), a, detail, 0, None, "core"))
    shown_prev: list[str] = list(cores)
    hidden_to: dict[str, str] = {}
    for lvl in sorted(levels):
        accs = sorted(set(levels[lvl]), key=lambda a: (-part_amount.get(a, 0), a))
        keep, rest = accs, []
        if len(accs) > BOXES_PER_LEVEL:
            keep, rest = accs[: BOXES_PER_LEVEL - 1], accs[BOXES_PER_LEVEL - 1 :]
        order = {a: i for i, a in enumerate(shown_prev)}

        def up_of(a: str) -> str | None:
            p = parent.get(a)
            return hidden_to.get(p, p) if p is not None else None

        def keep_key(a: str, order: dict[str, int] = order) -> tuple[int, int, str]:
            return (order.get(up_of(a) or "", len(order)), -part_amount.get(a, 0), a)

        keep.sort(key=keep_key)
        for a in keep:
            detail = T(
                "report.svg.participants",
                count=part_count.get(a, 0),
                amount=T.money_short(part_amount.get(a, 0)),
            )
            nodes.append(StructureNode(a, names.get(a, a), a, detail, lvl, up_of(a), "collector"))
        shown = list(keep)
        if rest:
            key = f"\x00more-{lvl}"
            n = sum(part_count.get(a, 0) for a in rest)
            amt = sum(part_amount.get(a, 0) for a in rest)
            ups = sorted(
                {up_of(a) or "" for a in rest} - {""}, key=lambda p: (order.get(p, len(order)), p)
            )
            nodes.append(
                StructureNode(
                    key,
                    T("report.svg.more", count=len(rest)),
                    T("report.svg.level", level=lvl),
                    T("report.svg.participants", count=n, amount=T.money_short(amt)),
                    lvl,
                    ups[0] if ups else None,
                    "more",
                    tuple(ups),
                )
            )
            for a in rest:
                hidden_to[a] = key
            shown.append(key)
        shown_prev = shown
    if not nodes:
        return ""
    return (
        '<figure class="picture">'
        + structure_svg(nodes, title=T("report.svg.title"), id_prefix="fg-structure")
        + f"<figcaption>{esc(T('report.svg.note'))}<br>{esc(T('report.svg.caption'))}</figcaption></figure>"
    )


def _evidence_text(st: Mapping[str, Any], T: _Text) -> str:
    """The kind of a structure and the evidence that kept it, as one line of text."""
    kind = str(st.get("kind") or "")
    ev = st.get("evidence") or {}
    if kind not in ("ponzi", "pyramid", "fraud") or not isinstance(ev, Mapping):
        return "—"
    fields = {k: ev.get(k, "") for k in ("payers", "looped_payers", "required", "members",
              "levels", "relaying_sponsors", "sponsors", "organiser", "payers_paid_back")}  # fmt: skip
    fields["exit"] = f"{100 * float(ev.get('exit_share', 0) or 0):.0f}"
    fields["kept"] = f"{100 * float(ev.get('kept_share', 0) or 0):.0f}"
    fields["exits"] = "、".join(str(x) for x in (ev.get("exits") or [])[:5]) or "—"
    return T(f"report.kind.{kind}") + ": " + T(f"report.ev.{kind}", **fields)


def _structures(case: Case, T: _Text) -> str:
    infos = [
        _structure_info(case, st, i)
        for i, st in enumerate(case.structures or [])
        if isinstance(st, Mapping)
    ]
    if not infos:
        return _section(
            "structures", T("report.sec.structures"), _p(T("report.structures.none"), "empty")
        )
    infos.sort(key=lambda x: (-(x["absorbed"] or 0), str(x["id"])))
    names = _account_names(case)
    headers = [
        (T("report.st.id"), ""),
        (T("report.st.core"), ""),
        (T("report.st.levels"), ""),
        (T("report.st.depth"), "num"),
        (T("report.st.participants"), "num"),
        (T("report.st.absorbed"), "num"),
        (T("report.st.evidence"), ""),
    ]
    raw = {_first(st, "id", "structure", default=i): st for i, st in enumerate(case.structures or [])
           if isinstance(st, Mapping)}  # fmt: skip
    rows = []
    for info in infos:
        core = "<br>".join(
            f'{esc(names.get(a, ""))} <span class="mono">{esc(a)}</span>' for a in info["cores"][:5]
        )
        if len(info["cores"]) > 5:
            core += "<br>" + esc(T("report.and_more", count=len(info["cores"]) - 5))
        bits = [
            T("report.st.level_count", level=lvl, count=len(accs))
            for lvl, accs in info["levels"].items()
        ]
        if info["transit"]:
            bits.append(
                T("report.st.role_count", role=T.role("transit"), count=len(info["transit"]))
            )
        if info["beneficiaries"]:
            bits.append(
                T(
                    "report.st.role_count",
                    role=T.role("beneficiary"),
                    count=len(info["beneficiaries"]),
                )
            )
        lv = T("report.sep").join(bits)
        parts = info["participants"]
        if info["persons"] is not None:
            parts_text = T(
                "report.st.participants_value",
                accounts=T.count(parts or 0),
                persons=T.count(info["persons"]),
            )
        else:
            parts_text = T.count(parts) if parts is not None else "—"
        rows.append(
            "<tr>"
            + _td(info["id"])
            + f"<td>{core}</td>"
            + _td(lv or "—")
            + _td(T.count(info["depth"]), "num")
            + _td(parts_text, "num")
            + _td(T.money(info["absorbed"]) if info["absorbed"] is not None else "—", "num")
            + _td(_evidence_text(raw.get(info["id"], {}), T))
            + "</tr>"
        )
    main = infos[0]
    body = (
        _p(T("report.structures.intro"))
        + _table(headers, rows, cls="structures")
        + f"<h3>{esc(T('report.structures.main', id=main['id']))}</h3>"
        + _structure_picture(case, main, T)
    )
    return _section("structures", T("report.sec.structures"), body)


# ---------------------------------------------------------------------------- 4 accounts


def _accounts(case: Case, T: _Text) -> str:
    acc = case.accounts
    if not _col(acc, "account") or not len(acc):
        return _section(
            "accounts", T("report.sec.accounts"), _p(T("report.accounts.none"), "empty")
        )
    acc = acc[acc["account"].astype(str) != ""].copy()
    all_roles = acc["role"].astype(str) if "role" in acc.columns else None
    if all_roles is not None:
        # participants have their own table (section 5); here only the scheme's side
        acc = acc[all_roles != "participant"]
    for c in ("in_amount", "out_amount", "in_degree"):
        if c not in acc.columns:
            acc[c] = 0
    if "pagerank" not in acc.columns:
        acc["pagerank"] = float("nan")
    acc["account"] = acc["account"].astype(str)
    headers = [
        ("#", "num"),
        (T("report.col.account"), ""),
        (T("report.col.holder"), ""),
        (T("report.col.role"), ""),
        (T("report.col.level"), "num"),
        (T("report.col.in_amount"), "num"),
        (T("report.col.out_amount"), "num"),
        (T("report.col.in_degree"), "num"),
        (T("report.col.pagerank"), "num"),
    ]

    def rows(df: pd.DataFrame) -> list[str]:
        out = []
        for i, r in enumerate(df.itertuples(index=False), start=1):
            lvl: Any = getattr(r, "level", None)
            pr = r.pagerank
            out.append(
                "<tr>"
                + _td(i, "num")
                + _td(r.account, "mono")
                + _td(getattr(r, "holder_name", ""), "name")
                + _td(T.role(str(getattr(r, "role", "") or "")), "role")
                + _td("" if _is_missing(lvl) else int(lvl), "num")
                + _td(T.money(r.in_amount), "num")
                + _td(T.money(r.out_amount), "num")
                + _td(T.count(r.in_degree), "num")
                + _td("" if _is_missing(pr) else f"{float(pr):.4f}", "num")
                + "</tr>"
            )
        return out

    by_amount = acc.sort_values(["in_amount", "account"], ascending=[False, True]).head(
        TOP_ACCOUNTS
    )
    pr = acc[acc["pagerank"].notna()]
    body = _p(T("report.accounts.intro")) + f"<h3>{esc(T('report.accounts.by_amount'))}</h3>"
    body += _table(headers, rows(by_amount), cls="accounts")
    if len(pr):
        by_pr = pr.sort_values(["pagerank", "account"], ascending=[False, True]).head(TOP_ACCOUNTS)
        body += f"<h3>{esc(T('report.accounts.by_pagerank'))}</h3>" + _table(
            headers, rows(by_pr), cls="accounts"
        )
    if all_roles is not None:
        counts = all_roles.value_counts()
        items = [
            T("report.accounts.role_count", role=T.role(r), count=int(counts[r]))
            for r in ROLES
            if r in counts
        ]
        body += _p(T("report.accounts.roles", list=T("report.sep").join(items)), "small")
    return _section("accounts", T("report.sec.accounts"), body)


# ---------------------------------------------------------------------------- 5 participants


def _sort_header(label: str, kind: str, cls: str = "", state: str = "none") -> str:
    return (
        f'<th class="{cls}" data-type="{kind}" aria-sort="{state}">'
        f'<button type="button" class="sort">{esc(label)}</button></th>'
    )


def _participants(case: Case, T: _Text) -> str:
    p = case.participants
    if not _col(p, "account") or not len(p):
        body = _p(T("report.participants.none"), "empty")
        return _section("participants", T("report.sec.participants"), body + _restitution(case, T))
    p = p.copy()
    for c in ("paid_in", "received_back", "net_loss"):
        if c not in p.columns:
            p[c] = 0
    p["account"] = p["account"].astype(str)
    total = len(p)
    p = p.sort_values(
        ["net_loss", "paid_in", "account"], ascending=[False, False, True], kind="mergesort"
    )
    shown = p.head(PARTICIPANT_ROWS)
    heads = [
        _sort_header("#", "num", "num"),
        _sort_header(T("report.col.account"), "text"),
        _sort_header(T("report.col.holder"), "text"),
        _sort_header(T("report.col.holder_id"), "text"),
        _sort_header(T("report.col.paid_in"), "num", "num"),
        _sort_header(T("report.col.received_back"), "num", "num"),
        _sort_header(T("report.col.net_loss"), "num", "num net-loss", "descending"),
        _sort_header(T("report.col.first_paid"), "num"),
        _sort_header(T("report.col.last_paid"), "num"),
    ]
    rows = []
    has = {c: c in shown.columns for c in ("holder_name", "holder_id", "first_paid", "last_paid")}
    for i, r in enumerate(shown.itertuples(index=False), start=1):
        fp = r.first_paid if has["first_paid"] else None
        lp = r.last_paid if has["last_paid"] else None
        rows.append(
            f'<tr data-i="{i}">'
            + _td(i, "num", str(i))
            + _td(r.account, "mono")
            + _td(r.holder_name if has["holder_name"] else "", "name")
            + _td(r.holder_id if has["holder_id"] else "", "mono")
            + _td(T.money(r.paid_in), "num", str(int(r.paid_in)))
            + _td(T.money(r.received_back), "num", str(int(r.received_back)))
            + _td(T.money(r.net_loss), "num", str(int(r.net_loss)))
            + _td(_date(fp), "nowrap", _sort_value(fp))
            + _td(_date(lp), "nowrap", _sort_value(lp))
            + "</tr>"
        )
    table = (
        '<table class="sortable participants" id="participants-table"><thead><tr>'
        + "".join(heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    totals = T(
        "report.participants.totals",
        count=T.count(total),
        paid_in=T.money(int(p["paid_in"].sum())),
        received_back=T.money(int(p["received_back"].sum())),
        net_loss=T.money(int(p["net_loss"].clip(lower=0).sum())),
    )
    body = _p(T("report.participants.intro")) + _p(totals, "verdict")
    body += _p(T("report.participants.sort_hint"), "screen-only small")
    body += table
    if total > len(shown):
        body += _p(
            T(
                "report.participants.more",
                shown=T.count(len(shown)),
                more=T.count(total - len(shown)),
            ),
            "more",
        )
    return _section("participants", T("report.sec.participants"), body + _restitution(case, T))


def _restitution(case: Case, T: _Text) -> str:
    r = case.restitution
    head = f'<h3 id="restitution">{esc(T("report.restitution.title"))}</h3>'
    if r is None or not len(r) or "recovered_share" not in r.columns:
        return head + _p(T("report.restitution.none"), "empty")
    r = r.copy()
    key = "person" if "person" in r.columns else ("account" if "account" in r.columns else None)
    if "net_loss" not in r.columns:
        r["net_loss"] = 0
    r["fg_key"] = r[key].astype(str) if key else ""
    if "holder_name" not in r.columns:
        names: dict[str, str] = {}
        if key and _col(case.participants, key) and _col(case.participants, "holder_name"):
            names = dict(
                zip(
                    case.participants[key].astype(str),
                    case.participants["holder_name"],
                    strict=False,
                )
            )
        r["holder_name"] = r["fg_key"].map(names).fillna("")
    if "accounts" not in r.columns:
        r["accounts"] = r["account"].astype(str) if "account" in r.columns else ""
    recovered = int(r["recovered_share"].sum())
    loss = int(r["net_loss"].clip(lower=0).sum())
    ratio = f"{recovered / loss * 100:.2f}%" if loss else "—"
    r = r.sort_values(["net_loss", "fg_key"], ascending=[False, True], kind="mergesort")
    shown = r.head(PARTICIPANT_ROWS)
    heads = [
        _sort_header("#", "num", "num"),
        _sort_header(
            T("report.col.person") if key == "person" else T("report.col.account"), "text"
        ),
        _sort_header(T("report.col.holder"), "text"),
        _sort_header(T("report.col.accounts_of"), "text"),
        _sort_header(T("report.col.net_loss"), "num", "num", "descending"),
        _sort_header(T("report.col.recovered_share"), "num", "num"),
        _sort_header(T("report.col.remaining"), "num", "num"),
    ]
    rows = []
    for i, row in enumerate(shown.to_dict("records"), start=1):
        nl, share = int(row["net_loss"]), int(row["recovered_share"])
        accs = [a for a in str(row["accounts"] or "").split(";") if a]
        rows.append(
            f'<tr data-i="{i}">'
            + _td(i, "num", str(i))
            + _td(row["fg_key"], "mono")
            + _td(row["holder_name"], "name")
            + '<td class="mono">'
            + "<br>".join(esc(a) for a in accs)
            + "</td>"
            + _td(T.money(nl), "num", str(nl))
            + _td(T.money(share), "num", str(share))
            + _td(T.money(max(nl, 0) - share), "num", str(max(nl, 0) - share))
            + "</tr>"
        )
    table = (
        '<table class="sortable restitution" id="restitution-table"><thead><tr>'
        + "".join(heads)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )
    body = head + _p(
        T("report.restitution.intro", recovered=T.money(recovered), loss=T.money(loss), ratio=ratio)
    )
    body += table
    if len(r) > len(shown):
        body += _p(
            T(
                "report.restitution.more",
                shown=T.count(len(shown)),
                more=T.count(len(r) - len(shown)),
            ),
            "more",
        )
    return body


# ---------------------------------------------------------------------------- 6 alerts


def _alert_name(code: str, T: _Text) -> str:
    """Short name of an alert code: the report's own, else the alert message up to its colon."""
    name = T.maybe(f"report.alert.{code}", "")
    if name:
        return name
    text = T.generic(f"alert.{code}", code)
    return re.split(r"[:：]", text, maxsplit=1)[0].strip() or code


def _alerts(case: Case, T: _Text) -> str:
    a = case.alerts
    if not _col(a, "account") or not len(a):
        return _section("alerts", T("report.sec.alerts"), _p(T("report.alerts.none"), "empty"))
    a = a.copy()
    if "score" not in a.columns:
        a["score"] = 0.0
    a["account"] = a["account"].astype(str)
    a = a.sort_values(["score", "account"], ascending=[False, True], kind="mergesort")
    shown = a.head(ALERT_ROWS)
    headers = [
        ("#", "num"),
        (T("report.col.account"), ""),
        (T("report.col.holder"), ""),
        (T("report.col.score"), "num"),
        (T("report.col.codes"), ""),
        (T("report.col.reasons"), "wide"),
    ]
    rows = []
    for i, r in enumerate(shown.itertuples(index=False), start=1):
        codes = [c for c in str(getattr(r, "codes", "") or "").split(";") if c]
        codes_text = T("report.sep").join(_alert_name(c, T) for c in codes)
        reasons = [x for x in str(getattr(r, "reasons", "") or "").splitlines() if x.strip()]
        score = r.score
        rows.append(
            "<tr>"
            + _td(i, "num")
            + _td(r.account, "mono")
            + _td(getattr(r, "holder_name", ""))
            + _td("" if _is_missing(score) else f"{float(score):.2f}", "num")
            + _td(codes_text)
            + '<td class="wide"><ul class="reasons">'
            + "".join(f"<li>{esc(x)}</li>" for x in reasons)
            + "</ul></td></tr>"
        )
    body = _p(T("report.alerts.intro", count=T.count(len(a))))
    if case.lang != T.lang:
        body += _p(T("report.alerts.lang_note"), "small")
    body += _table(headers, rows, cls="alerts")
    if len(a) > len(shown):
        body += _p(
            T("report.alerts.more", shown=T.count(len(shown)), more=T.count(len(a) - len(shown))),
            "more",
        )
    return _section("alerts", T("report.sec.alerts"), body)


# ---------------------------------------------------------------------------- 7 quality


def _where(file: Any, sheet: Any, row: Any) -> str:
    f = "" if _is_missing(file) else str(file)
    if not _is_missing(sheet) and str(sheet):
        f += f"[{sheet}]"
    if not _is_missing(row):
        f += f":{int(row)}"
    return f


def _quality(case: Case, T: _Text) -> str:
    parts: list[str] = []
    s = case.summary
    read, acc, rej = s.get("rows_read"), s.get("rows_accepted"), s.get("rows_rejected")
    if isinstance(read, int) and isinstance(acc, int) and isinstance(rej, int):
        key = "report.quality.balance_ok" if read == acc + rej else "report.quality.balance_bad"
        parts.append(
            _p(T(key, read=T.count(read), accepted=T.count(acc), rejected=T.count(rej)), "verdict")
        )

    parts.append(f"<h3>{esc(T('report.quality.rejects'))}</h3>")
    rj = case.rejects
    if _col(rj, "code") and len(rj):
        rj = rj.copy()
        rj["code"] = rj["code"].astype(str)
        rows = []
        for code, grp in sorted(rj.groupby("code", sort=True), key=lambda kv: (-len(kv[1]), kv[0])):
            grp = grp.sort_values(
                [c for c in ("source_file", "source_sheet", "source_row") if c in grp.columns],
                kind="mergesort",
            )
            reason = grp["reason"].iloc[0] if "reason" in grp.columns else ""
            label = T.generic(f"reject.{code}", str(reason) or code)
            ex = []
            for r in grp.head(3).to_dict("records"):
                where = _where(r.get("source_file"), r.get("source_sheet"), r.get("source_row"))
                why = str(r.get("reason") or "")
                # the row's own reason names the value at fault ("…" in the category label)
                tail = f' <span class="why">{esc(why)}</span>' if why and why != label else ""
                ex.append(f'<span class="mono">{esc(where)}</span>{tail}')
            rows.append(
                "<tr>"
                + _td(code, "mono")
                + _td(label)
                + _td(T.count(len(grp)), "num")
                + '<td class="small">'
                + "<br>".join(ex)
                + "</td></tr>"
            )
        headers = [
            (T("report.col.code"), ""),
            (T("report.col.reason"), ""),
            (T("report.col.count"), "num"),
            (T("report.col.examples"), ""),
        ]
        parts.append(_p(T("report.quality.rejects_intro", count=T.count(len(rj)))))
        parts.append(_table(headers, rows, cls="rejects"))
    else:
        parts.append(_p(T("report.quality.no_rejects"), "empty"))

    parts.append(f"<h3>{esc(T('report.quality.warnings'))}</h3>")
    w = case.warnings
    if _col(w, "code") and len(w):
        w = w.copy()
        w["code"] = w["code"].astype(str)
        rows = []
        for code, grp in sorted(w.groupby("code", sort=True), key=lambda kv: (-len(kv[1]), kv[0])):
            sort_cols = [c for c in ("account", "source_file", "source_row") if c in grp.columns]
            grp = grp.sort_values(sort_cols, kind="mergesort") if sort_cols else grp
            ex = []
            for r in grp.head(3).to_dict("records"):
                where = _where(r.get("source_file"), r.get("source_sheet"), r.get("source_row"))
                bits = [str(r.get("account") or ""), where, str(r.get("detail") or "")]
                ex.append(" · ".join(b for b in bits if b))
            accounts = grp["account"].astype(str).nunique() if "account" in grp.columns else 0
            rows.append(
                "<tr>"
                + _td(code, "mono")
                + _td(T.maybe(f"report.warning.{code}", T.generic(f"warning.{code}", code)))
                + _td(T.count(len(grp)), "num")
                + _td(T.count(accounts), "num")
                + '<td class="small">'
                + "<br>".join(esc(e) for e in ex)
                + "</td></tr>"
            )
        headers = [
            (T("report.col.code"), ""),
            (T("report.col.meaning"), ""),
            (T("report.col.count"), "num"),
            (T("report.col.accounts"), "num"),
            (T("report.col.examples"), ""),
        ]
        parts.append(_table(headers, rows, cls="warnings"))
    else:
        parts.append(_p(T("report.quality.no_warnings"), "empty"))

    f = case.files
    if _col(f, "source_file") and len(f):
        f = f.sort_values(
            [c for c in ("source_file", "source_sheet") if c in f.columns], kind="mergesort"
        )
        shown = f.head(FILE_ROWS)
        rows = []
        for r in shown.to_dict("records"):
            rows.append(
                "<tr>"
                + _td(_where(r.get("source_file"), r.get("source_sheet"), None), "file small")
                + _td(re.sub(r",(?=\S)", ", ", str(r.get("layout", "") or "")), "small")
                + _td(r.get("encoding", ""), "small")
                + _td(T.count(r.get("rows_read", 0)), "num")
                + _td(T.count(r.get("rows_accepted", 0)), "num")
                + _td(T.count(r.get("rows_rejected", 0)), "num")
                + "</tr>"
            )
        headers = [
            (T("report.col.file"), ""),
            (T("report.col.layout"), ""),
            (T("report.col.encoding"), ""),
            (T("report.col.rows_read"), "num"),
            (T("report.col.rows_accepted"), "num"),
            (T("report.col.rows_rejected"), "num"),
        ]
        parts.append(f"<h3>{esc(T('report.quality.files', count=T.count(len(f))))}</h3>")
        parts.append(_table(headers, rows, cls="files"))
        if len(f) > len(shown):
            parts.append(
                _p(T("report.quality.files_more", more=T.count(len(f) - len(shown))), "more")
            )
    return _section("quality", T("report.sec.quality"), "".join(parts))


# ---------------------------------------------------------------------------- 8 timeline


def _compute_timeline(case: Case) -> tuple[pd.DataFrame, dict] | str | None:
    """Monthly series and facts of a case that does not carry them (``case.timeline``: a
    case built in a program, or a folder written before ``timeline.json``); None without
    the timeline module, or the error's text when it could not compute them (the rest of
    the report still renders)."""
    try:
        from ..analysis import timeline as tl_module
    except ImportError:
        return None
    return tl_module.case_timeline(case)


def _ids_text(ids: Any, T: _Text, limit: int = 8) -> str:
    if ids is None:
        return ""
    if isinstance(ids, (int, str)):
        ids = [ids]
    items: list[int] | list[str]
    try:
        items = sorted({int(i) for i in ids})
    except (TypeError, ValueError):
        items = sorted({str(i) for i in ids})
    if not items:
        return ""
    text = ", ".join(f"#{i}" for i in items[:limit])
    if len(items) > limit:
        text += " " + T("report.and_more", count=len(items) - limit)
    return text


def _fact_period(v: Any) -> str:
    if _is_missing(v):
        return ""
    if isinstance(v, str):
        return v
    try:
        return _date(v)
    except (TypeError, ValueError):
        return str(v)


def _fact_money(f: Mapping[str, Any], key: str, T: _Text) -> str | None:
    v: Any = f.get(key)
    if _is_missing(v):
        return None
    try:
        return T.money(int(v))
    except (TypeError, ValueError):
        return None


def _fact_sentences(facts: Mapping[str, Any], T: _Text) -> list[str]:
    """One sentence per derived fact (see ``timeline_facts``), each citing its transfer ids.

    Each fact is a dict; when one lacks the fields of the full sentence, a shorter sentence
    with what it has is used.
    """
    out = []
    for name in (
        "payouts_exceed_deposits",
        "last_deposit",
        "collapse_date",
        "returns_funded_by_later_deposits_share",
    ):
        f = facts.get(name)
        if f is None or f is False:
            continue
        if not isinstance(f, Mapping):
            f = {"value": f}
        ids = _first(f, "transfer_ids", "transfers", "ids")
        if ids is None and f.get("transfer_id") is not None:
            ids = [f["transfer_id"]]
        refs = _ids_text(ids, T)
        when = _fact_period(_first(f, "period", "date", "time", "month", "value"))
        text = ""
        if name == "payouts_exceed_deposits":
            returns, deposits = _fact_money(f, "returns_out", T), _fact_money(f, "deposits_in", T)
            later = f.get("share_of_later_periods")
            if when and returns and deposits and isinstance(later, (int, float)):
                text = T(
                    "report.fact.payouts_exceed_deposits",
                    when=when,
                    returns=returns,
                    deposits=deposits,
                    share=f"{float(later) * 100:.0f}%",
                )
            elif when:
                text = T("report.fact.payouts_exceed_deposits.short", when=when)
        elif name == "last_deposit":
            amount = _fact_money(f, "amount", T)
            account = f.get("account")
            if when and amount and account:
                if not _is_missing(f.get("time")):
                    when = _datetime(f["time"])
                text = T("report.fact.last_deposit", when=when, account=account, amount=amount)
            elif when:
                text = T("report.fact.last_deposit.short", when=when)
        elif name == "collapse_date":
            days = f.get("days_after_last_deposit")
            if when and isinstance(days, int):
                text = T("report.fact.collapse_date", when=when, days=days)
            elif when:
                text = T("report.fact.collapse_date.short", when=when)
        else:
            share = _first(f, "share", "value", "ratio")
            try:
                pct = f"{float(share) * 100:.1f}%"
            except (TypeError, ValueError):
                continue
            funded, returns = _fact_money(f, "funded_by_later", T), _fact_money(f, "returns", T)
            method = str(f.get("method") or "")
            if funded and returns and method:
                text = T(
                    f"report.fact.{name}",
                    share=pct,
                    funded=funded,
                    returns=returns,
                    method=T.maybe(f"report.trace.{method}", method),
                )
            else:
                text = T(f"report.fact.{name}.short", share=pct)
        if not text:
            continue
        text += T("report.fact.refs", ids=refs) if refs else T("report.fact.end")
        out.append(text)
    return out


def _timeline(case: Case, T: _Text, timeline: tuple[pd.DataFrame, Mapping[str, Any]] | None) -> str:
    data = timeline if timeline is not None else case.timeline
    if data is None:
        data = _compute_timeline(case)
    if data is None:
        return _section(
            "timeline", T("report.sec.timeline"), _p(T("report.timeline.missing"), "empty")
        )
    if isinstance(data, str):
        return _section(
            "timeline",
            T("report.sec.timeline"),
            _p(T("report.timeline.failed", error=data), "empty"),
        )
    df, facts = data
    if df is None or not len(df) or "period" not in df.columns:
        body = _p(T("report.timeline.empty"), "empty")
    else:
        df = df.sort_values("period", kind="mergesort")
        periods = [_fact_period(p)[:7] if not isinstance(p, str) else p for p in df["period"]]
        styles = [
            ("deposits_in", "#1d4e89", "", 2.6),
            ("returns_out", "#b42318", "6 3", 2.2),
            ("commissions", "#b7791f", "2 3", 2.2),
            ("to_beneficiaries", "#6b21a8", "10 3 2 3", 2.2),
            ("cash_out", "#3f6212", "12 4", 2.2),
            ("to_unknown", "#475467", "1 3", 2.0),
        ]
        series = [
            Series(T(f"report.tl.{c}"), [int(v) for v in df[c].fillna(0)], color, dash, w)
            for c, color, dash, w in styles
            if c in df.columns
        ]
        markers = []
        for name in ("last_deposit", "collapse_date"):
            f = (facts or {}).get(name)
            if isinstance(f, Mapping):
                f = _first(f, "date", "period", "time", "month", "value")
            when = _fact_period(f)
            if when:
                markers.append((when[:7], T(f"report.tl.marker.{name}")))
        body = line_chart_svg(
            periods,
            series,
            fmt=T.axis_money,
            title=T("report.timeline.money_title"),
            markers=markers,
        )
        if "new_participants" in df.columns:
            body += bar_chart_svg(
                periods,
                [int(v) for v in df["new_participants"].fillna(0)],
                fmt=lambda v: f"{v:g}",
                title=T("report.tl.new_participants"),
                label=T("report.tl.new_participants"),
            )
        body = f'<figure class="picture">{body}<figcaption>{esc(T("report.timeline.caption"))}</figcaption></figure>'
    sentences = _fact_sentences(facts or {}, T)
    if sentences:
        body += f"<h3>{esc(T('report.timeline.facts'))}</h3>" + _p(
            T("report.timeline.facts_intro"), "small"
        )
        body += "<ul class='facts'>"
        body += "".join(f"<li>{esc(x)}</li>" for x in sentences) + "</ul>"
    return _section("timeline", T("report.sec.timeline"), body)


# ---------------------------------------------------------------------------- 9 method


_METHOD_TOPICS = (
    "roles",
    "levels",
    "participants",
    "losses",
    "thresholds",
    "traces",
    "timeline",
    "limits",
)


def _method(T: _Text) -> str:
    body = ""
    for topic in _METHOD_TOPICS:
        body += f"<h3>{esc(T(f'report.method.{topic}.title'))}</h3>" + _p(
            T(f"report.method.{topic}")
        )
    return _section("method", T("report.sec.method"), body)


# ---------------------------------------------------------------------------- page


_CSS = """
:root{--ink:#1f2933;--muted:#52606d;--line:#cbd2d9;--soft:#f5f7fa;--accent:#1d4e89;--red:#b42318;--green:#2f6f3e}
*{box-sizing:border-box}
html{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC","Hiragino Sans GB",sans-serif;color:var(--ink);font-size:14px;line-height:1.55}
body{margin:0;background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
header.top{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:8px}
h1{font-size:26px;margin:0 0 6px}
h2{font-size:20px;border-bottom:1px solid var(--line);padding-bottom:4px;margin:34px 0 12px;color:var(--accent)}
h3{font-size:16px;margin:22px 0 8px}
p{margin:6px 0 10px}
.sub{color:var(--muted);margin:2px 0}
nav.toc{background:var(--soft);border:1px solid var(--line);padding:10px 16px;margin:14px 0}
nav.toc ul{margin:4px 0;padding-left:4px;columns:2;list-style:none}
nav.toc a{color:var(--accent);text-decoration:none}
button.print{float:right;font:inherit;padding:6px 14px;border:1px solid var(--accent);background:#fff;color:var(--accent);border-radius:4px;cursor:pointer}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0 14px}
.card{flex:1 1 150px;border:1px solid var(--line);border-left:4px solid var(--accent);padding:10px 14px;background:#fff}
.card-value{font-size:22px;font-weight:bold}
.card-label{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 7px;vertical-align:top;text-align:left}
thead th{background:#e4ebf3;font-weight:bold}
tbody tr:nth-child(even){background:#fafbfc}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.mono{font-family:"DejaVu Sans Mono",Consolas,"Noto Sans Mono CJK SC",monospace;font-size:12px;white-space:nowrap}
td.role,td.nowrap{white-space:nowrap}
td.name{min-width:5em}
table.thresholds{table-layout:fixed}
th.c-law{width:18%}th.c-metric{width:23%}th.c-met{width:8%}th.c-note{width:26%}
table.thresholds th.num:nth-child(3){width:14%}table.thresholds th.num:nth-child(4){width:11%}
.metric{font-weight:bold}
.why{color:var(--muted)}
table.files{table-layout:fixed}
table.files td.small{overflow-wrap:anywhere}
table.files th:nth-child(1){width:32%}table.files th:nth-child(2){width:35%}table.files th:nth-child(3){width:8%}
table.files th.num{white-space:normal}
.method{color:var(--muted);font-size:12px;margin-top:2px}
table.kv th{width:22%;background:var(--soft)}
table.kv td.num{width:22%}
td.hint,.small{color:var(--muted);font-size:12px}
.verdict{font-weight:bold}
.caveat{border-left:4px solid var(--red);padding:6px 10px;background:#fff5f5}
.empty{color:var(--muted);font-style:italic}
.more{color:var(--muted)}
.met-yes{color:var(--red);font-weight:bold}
.met-no{color:var(--green)}
.met-unknown{color:#b7791f;font-weight:bold}
.law{font-weight:bold}
.clause{color:var(--muted);font-size:12px}
ul.reasons{margin:0;padding-left:18px}
ul.facts li{margin:4px 0}
figure.picture{margin:10px 0 16px;border:1px solid var(--line);padding:10px;background:#fff}
figcaption{color:var(--muted);font-size:12px;margin-top:6px}
svg.chart{display:block;margin:0 auto 6px;height:auto}
th button.sort{font:inherit;font-weight:bold;background:none;border:0;padding:0;cursor:pointer;color:inherit;text-align:inherit}
th[aria-sort=ascending] button.sort::after{content:" \\25B2"}
th[aria-sort=descending] button.sort::after{content:" \\25BC"}
footer{margin-top:40px;border-top:1px solid var(--line);padding-top:8px;color:var(--muted);font-size:12px}
@page{size:A4;margin:16mm 14mm 18mm;@bottom-right{content:counter(page) " / " counter(pages);font-size:9pt;color:#52606d}}
@media print{
 html{font-size:11pt}
 main{max-width:none;padding:0}
 button.print,.screen-only,nav.toc{display:none}
 section.section{break-before:page}
 section#summary{break-before:auto}
 h2,h3{break-after:avoid}
 tr,figure,.card{break-inside:avoid}
 thead{display:table-header-group}
 table{font-size:9pt}
 .mono{font-size:8pt}
 table.participants,table.restitution,table.accounts{font-size:8pt}
 table.participants .mono,table.restitution .mono,table.accounts .mono{font-size:7.5pt}
 th,td{padding:3px 4px}
 .method,.small,td.hint{font-size:8pt}
 th button.sort{pointer-events:none}
 th[aria-sort] button.sort::after{content:""}
 a{color:inherit;text-decoration:none}
 tbody tr:nth-child(even){background:none}
}
"""

# Sorting of the participants' tables: numbers come from data-v (cents, epoch seconds),
# text from the cell; ties keep the original order (data-i) so the result is stable.
_JS = """
(function () {
  "use strict";
  var collator = new Intl.Collator(document.documentElement.lang, {numeric: true});
  function sortBy(table, th) {
    var col = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row) {
      var cell = row.cells[col], v = cell.getAttribute("data-v");
      var k = numeric ? ((v === null || v === "") ? -Infinity : parseFloat(v))
                      : (v !== null ? v : cell.textContent);
      return {row: row, k: k, i: +row.getAttribute("data-i")};
    });
    keyed.sort(function (a, b) {
      var r = numeric ? (a.k === b.k ? 0 : (a.k < b.k ? -1 : 1)) : collator.compare(a.k, b.k);
      return r === 0 ? a.i - b.i : r * dir;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (x) { frag.appendChild(x.row); });
    body.appendChild(frag);
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      if (c.hasAttribute("aria-sort")) { c.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var b = th.querySelector("button.sort");
      if (b) { b.addEventListener("click", function () { sortBy(table, th); }); }
    });
  });
  var p = document.getElementById("print-button");
  if (p) { p.addEventListener("click", function () { window.print(); }); }
})();
"""

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


def _summary_data(case: Case) -> dict[str, Any]:
    """The summary as JSON-ready data (money as yuan strings), embedded for other programs."""

    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return format(v, "f")
        if isinstance(v, Mapping):
            return {str(k): plain(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if _is_missing(v):
            return None
        if isinstance(v, (bool, int, float, str)):
            return v
        if hasattr(v, "item"):
            return v.item()
        return str(v)

    return plain(dict(case.summary))


def report_html(
    case: Case,
    *,
    lang: str = "zh",
    timeline: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
) -> str:
    """The report of ``case`` as one HTML document (see :func:`render_report`)."""
    from .. import __version__

    T = _Text(lang)
    lo, hi = _date_range(case)
    sections: list[tuple[str, Callable[[], str]]] = [
        ("summary", lambda: _summary(case, T)),
        ("thresholds", lambda: _thresholds(case, T)),
        ("structures", lambda: _structures(case, T)),
        ("accounts", lambda: _accounts(case, T)),
        ("participants", lambda: _participants(case, T)),
        ("alerts", lambda: _alerts(case, T)),
        ("quality", lambda: _quality(case, T)),
        ("timeline", lambda: _timeline(case, T, timeline)),
        ("method", lambda: _method(T)),
    ]
    toc = "".join(
        f'<li><a href="#{sid}">{esc(T(f"report.sec.{sid}"))}</a></li>' for sid, _ in sections
    )
    name = _first(case.summary, "case", "name", "case_name")
    title = T("report.title") + (f" — {name}" if name else "")
    period = _p(T("report.period", start=lo, end=hi), "sub") if lo else ""
    head = (
        '<header class="top">'
        f'<button type="button" class="print" id="print-button">{esc(T("report.print"))}</button>'
        f"<h1>{esc(title)}</h1>{period}"
        + _p(T("report.subtitle"), "sub")
        + "</header>"
        + f'<nav class="toc"><strong>{esc(T("report.toc"))}</strong><ul>{toc}</ul></nav>'
    )
    body = "".join(render() for _, render in sections)
    foot = f"<footer>{esc(T('report.footer', version=__version__))}</footer>"
    html_lang = "zh-CN" if lang == "zh" else "en"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head>\n"
        f"<body><main>{head}{body}{foot}</main>\n"
        f'<script type="application/json" id="case-summary">{json_for_script(_summary_data(case))}</script>\n'
        f"<script>{_JS}</script>\n</body></html>\n"
    )


def render_report(
    case: Case,
    out_path: str | os.PathLike,
    *,
    lang: str = "zh",
    timeline: tuple[pd.DataFrame, Mapping[str, Any]] | None = None,
) -> Path:
    """Write the case report, a self-contained HTML page to read on screen and print.

    Parameters
    ----------
    case : Case
        An analysed case (e.g. from :func:`fundgraph.case.load_case`).
    out_path : path
        The file to write, or an existing folder (the case folder) to write
        ``report.html`` into.
    lang : {"zh", "en"}, optional
        Language of every text on the page (the data is shown as it is).
    timeline : (DataFrame, dict), optional
        Monthly series and derived facts as returned by
        :func:`fundgraph.analysis.timeline.timeline` and
        :func:`~fundgraph.analysis.timeline.timeline_facts`. By default those the
        analysis computed (``case.timeline``); computed here only for a case that carries
        none, when that module is available, else the section says it is missing.

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    The page requests nothing from the network; fonts are the system's CJK fonts. Up to
    :data:`PARTICIPANT_ROWS` participants (largest net loss first) are written as table
    rows; the page says how many more are in ``participants.csv``. The same case gives
    byte-identical output.

    Examples
    --------
    >>> from fundgraph.case import Case
    >>> import tempfile, pathlib
    >>> out = render_report(Case(), pathlib.Path(tempfile.mkdtemp()), lang="en")
    >>> out.name
    'report.html'
    """
    out = Path(out_path)
    if out.is_dir():
        out = out / "report.html"
    atomic_write_text(out, report_html(case, lang=lang, timeline=timeline))
    return out
