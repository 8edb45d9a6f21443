"""The case report: one self-contained HTML file a prosecutor reads, and prints to PDF.

:func:`render_report` writes ``report.html`` from an analysed :class:`~fundgraph.case.Case`.
The page asks the network for nothing (no CDN, no web font: CJK text uses the system's
fonts), carries its pictures as inline SVG drawn by :mod:`fundgraph.render.svg`, and holds
one small inline script that sorts the participants' tables. Every text a person reads
comes from the message catalogue (``locales/<lang>/report.json``).

The markup is the Jinja2 template ``templates/report.html.j2``, rendered with
autoescaping: every value it writes is escaped as :func:`~fundgraph.render.html.esc` does,
so a text from a bank file cannot become markup. Its style sheet and script are
``templates/report.css`` and ``templates/report.js``, inlined when the page is made. The
nine section functions below only prepare each section's data (texts, rows, pictures).

The same case always gives the same bytes: rows are sorted with complete keys, and the
only dates shown are taken from the data.

Sections
--------
1. case summary; 2. legal thresholds; 3. collection structures and a picture of the main
one; 4. top accounts; 5. participants and the restitution plan; 6. alerts; 7. rejected
rows and data-quality warnings; 8. timeline; 9. method notes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup

from ..accounts import known_names
from ..case import Case
from ..coded import CodedTransfers, text_ends
from ..i18n import catalogue, check_lang, t, t_or
from ..money import format_cny
from ..results import Structure, Threshold, TimelineFacts
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


# ---------------------------------------------------------------------------- the page

_TEMPLATES = resources.files("fundgraph") / "render" / "templates"


def _escaped(value: Any) -> Markup:
    """How the template writes a value: markup the report made as it is, anything else
    escaped by :func:`~fundgraph.render.html.esc` (None and missing values as nothing)."""
    return value if isinstance(value, Markup) else Markup(esc(value))


@cache
def _page() -> jinja2.Template:
    """``report.html.j2`` with its line breaks and indentation left out (see its header)."""
    source = (_TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, finalize=_escaped, undefined=jinja2.StrictUndefined)
    return env.from_string(re.sub(r"\n[ \t]*", "", source))


@cache
def _asset(name: str) -> Markup:
    """``report.css`` or ``report.js``, inlined into the page."""
    return Markup((_TEMPLATES / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- 1 summary


def _date_range(case: Case) -> tuple[str, str]:
    lo: Any = case.summary.date_from
    hi: Any = case.summary.date_to
    if (lo is None or hi is None) and _col(case.transfers, "time") and len(case.transfers):
        times = pd.to_datetime(case.transfers["time"]).dropna()
        if len(times):
            lo, hi = times.min(), times.max()
    return _date(lo), _date(hi)


def _summary(case: Case, T: _Text) -> dict[str, Any]:
    s = case.summary
    lo, hi = _date_range(case)
    rows: list[tuple[str, str, str]] = []

    def count(key: str) -> None:
        v = getattr(s, key)
        if v is not None:
            rows.append((T(f"report.summary.{key}"), T.count(v), T(f"report.summary.{key}.hint")))

    def money(key: str) -> None:
        c = getattr(s, key)
        if c is not None:
            value = T.money(c)
            if T.lang == "zh" and abs(c) >= 10_000_00:
                value += f"（{T.money_short(c)}）"
            rows.append((T(f"report.summary.{key}"), value, T(f"report.summary.{key}.hint")))

    count("files")
    if s.files_unreadable:
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
    cards = []
    for key in ("total_absorbed", "participant_persons", "direct_loss", "max_level"):
        v = getattr(s, key)
        if v is not None:
            value = T.money_short(v) if key in ("total_absorbed", "direct_loss") else T.count(v)
            cards.append((value, T(f"report.summary.{key}")))
    verdict = None
    if s.thresholds:
        met = sum(1 for th in s.thresholds if th.met)
        verdict = T("report.summary.thresholds_met", met=met, total=len(s.thresholds))
    return {"cards": cards, "verdict": verdict, "rows": rows}


# ---------------------------------------------------------------------------- 2 thresholds


def _threshold_value(th: Threshold, v: int, T: _Text, *, round_figure: bool = False) -> str:
    if not th.money:
        return T.count(v)
    if round_figure and v % 100 == 0:
        # a threshold is a round figure: ¥100万 / ¥1,000,000 is exact and fits the column
        if T.lang == "zh" and v % 10_000_00 == 0:
            return T.money_short(v)
        return T.money(v)[:-3]
    return T.money(v)


def _thresholds(case: Case, T: _Text) -> dict[str, Any]:
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
    for th in case.summary.thresholds or ():
        metric = th.metric
        if metric in explained:
            method = T("report.metric.as_above")
        else:
            method = T.maybe(f"report.metric.{metric}.method", T("report.metric.other.method"))
            explained.add(metric)
        rows.append(
            {
                "law": th.law(T.lang),
                "clause": th.clause(T.lang),
                "metric": T.maybe(f"report.metric.{metric}", metric),
                "method": method,
                "value": _threshold_value(th, th.value, T),
                "threshold": _threshold_value(th, th.threshold, T, round_figure=True),
                "met": T("report.met.yes") if th.met else T("report.met.no"),
                "met_class": "met-yes" if th.met else "met-no",
                "note": th.note(T.lang),
            }
        )
    return {"headers": headers, "rows": rows}


# ---------------------------------------------------------------------------- 3 structures


def _account_names(case: Case, accounts: set[str]) -> dict[str, str]:
    """The holder name of each of ``accounts`` that has one."""
    acc = case.accounts
    if not _col(acc, "holder_name") or not accounts:
        return {}
    names = known_names(acc[acc["account"].astype(str).isin(accounts).to_numpy()])
    return {str(a): n for a, n in names.items() if isinstance(n, str)}


def _pair_sums(
    case: Case, dsts: set[str], srcs: set[str], coded: CodedTransfers | None
) -> pd.DataFrame:
    """``src``, ``dst``, ``amount``: the money each of ``srcs`` paid each of ``dsts``, one
    row per pair that exchanged any, sorted by (src, dst). From the pairs the analysis
    summed (``coded``: the case's coded transfers, where the accounts are text), so that
    no transfer is looked at again."""
    tr = case.transfers
    if not (_col(tr, "src") and _col(tr, "dst") and _col(tr, "amount")) or not dsts or not srcs:
        return pd.DataFrame(columns=["src", "dst", "amount"])
    if coded is not None:
        e = coded.pair_edges()
        ids = e.nodes.to_numpy(dtype=object)

        def among(accounts: set[str]) -> np.ndarray:
            return pd.Series(ids, dtype=object).isin(list(accounts)).to_numpy()

        hit = among(dsts)[e.dst] & among(srcs)[e.src]
        return pd.DataFrame(
            {"src": ids[e.src[hit]], "dst": ids[e.dst[hit]], "amount": e.amount[hit]}
        )
    sel = tr[tr["dst"].isin(dsts) & tr["src"].isin(srcs)]
    return sel.groupby(["src", "dst"], sort=True, as_index=False)["amount"].sum()


def _structure_picture(
    case: Case, st: Structure, T: _Text, names: dict[str, str] | None = None
) -> Markup | None:
    """The SVG picture of ``st`` (None when there is nothing to draw)."""
    cores = list(st.core)[:3]
    levels = {lvl: list(accs) for lvl, accs in sorted(st.collectors.items())}
    drawn_accounts = set(cores) | {a for v in levels.values() for a in v}
    if names is None:
        names = _account_names(case, drawn_accounts)
    participants = (
        set(case.participants["account"].astype(str))
        if _col(case.participants, "account")
        else set()
    )
    coded = case.coded() if text_ends(case.transfers) else None
    from_part = _pair_sums(case, drawn_accounts, participants, coded)
    part_count: dict[str, int] = {}
    part_amount: dict[str, int] = {}
    if len(from_part):
        grp = from_part.groupby("dst", sort=True)
        part_count = {str(k): int(v) for k, v in grp["src"].nunique().items()}
        part_amount = {str(k): int(v) for k, v in grp["amount"].sum().items()}

    # parent of each collector: the account one level up it sent most money to
    level_of = {a: 0 for a in st.core}
    for lvl, accs in levels.items():
        for a in accs:
            level_of.setdefault(a, lvl)
    parent: dict[str, str] = {}
    if drawn_accounts:
        sums = _pair_sums(case, set(level_of), drawn_accounts, coded)
        if len(sums):
            sums["src_level"] = sums["src"].map(level_of)
            sums["dst_level"] = sums["dst"].map(level_of)
            sums = sums[sums["dst_level"] == sums["src_level"] - 1]
            sums = sums.sort_values(["src", "amount", "dst"], ascending=[True, False, True])
            for src, grp in sums.groupby("src", sort=True):
                parent[str(src)] = str(grp["dst"].iloc[0])

    nodes: list[StructureNode] = []
    for a in cores:
        detail = T("report.svg.absorbed", amount=T.money_short(st.absorbed))
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
        return None
    return Markup(structure_svg(nodes, title=T("report.svg.title"), id_prefix="fg-structure"))


def _evidence_text(st: Structure, T: _Text) -> str:
    """The kind of a structure and the evidence that kept it, as one line of text."""
    kind, ev = st.kind, st.evidence
    if kind not in ("ponzi", "pyramid", "fraud"):
        return "—"
    fields = {k: ev.get(k, "") for k in ("payers", "looped_payers", "required", "members",
              "levels", "relaying_sponsors", "sponsors", "organiser", "payers_paid_back")}  # fmt: skip
    fields["exit"] = f"{100 * float(ev.get('exit_share', 0) or 0):.0f}"
    fields["kept"] = f"{100 * float(ev.get('kept_share', 0) or 0):.0f}"
    fields["exits"] = "、".join(str(x) for x in (ev.get("exits") or [])[:5]) or "—"
    return T(f"report.kind.{kind}") + ": " + T(f"report.ev.{kind}", **fields)


def _structures(case: Case, T: _Text) -> dict[str, Any]:
    structures = sorted(case.structures, key=lambda st: (-st.absorbed, str(st.id)))
    wanted = {a for st in structures for a in st.core[:5]}
    if structures:
        main_st = structures[0]
        wanted |= set(main_st.core[:3]) | {a for v in main_st.collectors.values() for a in v}
    names = _account_names(case, wanted)
    headers = [
        (T("report.st.id"), ""),
        (T("report.st.core"), ""),
        (T("report.st.levels"), ""),
        (T("report.st.depth"), "num"),
        (T("report.st.participants"), "num"),
        (T("report.st.absorbed"), "num"),
        (T("report.st.evidence"), ""),
    ]
    rows = []
    for st in structures:
        bits = [
            T("report.st.level_count", level=lvl, count=len(accs))
            for lvl, accs in sorted(st.collectors.items())
        ]
        if st.transit:
            bits.append(T("report.st.role_count", role=T.role("transit"), count=len(st.transit)))
        if st.beneficiaries:
            bits.append(
                T(
                    "report.st.role_count",
                    role=T.role("beneficiary"),
                    count=len(st.beneficiaries),
                )
            )
        rows.append(
            {
                "id": st.id,
                "core": [(names.get(a, ""), a) for a in st.core[:5]],
                "more_core": T("report.and_more", count=len(st.core) - 5)
                if len(st.core) > 5
                else None,
                "levels": T("report.sep").join(bits) or "—",
                "depth": T.count(st.depth),
                "participants": T(
                    "report.st.participants_value",
                    accounts=T.count(st.participant_accounts),
                    persons=T.count(st.participant_persons),
                ),
                "absorbed": T.money(st.absorbed),
                "evidence": _evidence_text(st, T),
            }
        )
    main = structures[0] if structures else None
    return {
        "headers": headers,
        "rows": rows,
        "main": T("report.structures.main", id=main.id) if main else None,
        "picture": _structure_picture(case, main, T, names) if main else None,
    }


# ---------------------------------------------------------------------------- 4 accounts


def _accounts(case: Case, T: _Text) -> dict[str, Any]:
    acc = case.accounts
    if not _col(acc, "account") or not len(acc):
        return {"none": True}
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

    def rows(df: pd.DataFrame) -> list[dict[str, Any]]:
        out = []
        for i, r in enumerate(df.itertuples(index=False), start=1):
            lvl: Any = getattr(r, "level", None)
            pr = r.pagerank
            out.append(
                {
                    "i": i,
                    "account": r.account,
                    "holder": getattr(r, "holder_name", ""),
                    "role": T.role(str(getattr(r, "role", "") or "")),
                    "level": "" if _is_missing(lvl) else int(lvl),
                    "in_amount": T.money(r.in_amount),
                    "out_amount": T.money(r.out_amount),
                    "in_degree": T.count(r.in_degree),
                    "pagerank": "" if _is_missing(pr) else f"{float(pr):.4f}",
                }
            )
        return out

    by_amount = acc.sort_values(["in_amount", "account"], ascending=[False, True]).head(
        TOP_ACCOUNTS
    )
    pr = acc[acc["pagerank"].notna()]
    by_pr = pr.sort_values(["pagerank", "account"], ascending=[False, True]).head(TOP_ACCOUNTS)
    roles = None
    if all_roles is not None:
        counts = all_roles.value_counts()
        items = [
            T("report.accounts.role_count", role=T.role(r), count=int(counts[r]))
            for r in ROLES
            if r in counts
        ]
        roles = T("report.accounts.roles", list=T("report.sep").join(items))
    return {
        "none": False,
        "headers": headers,
        "by_amount": rows(by_amount),
        "by_pagerank": rows(by_pr),
        "roles": roles,
    }


# ---------------------------------------------------------------------------- 5 participants


def _sort_header(
    label: str, kind: str, cls: str = "", state: str = "none"
) -> tuple[str, str, str, str]:
    return (label, kind, cls, state)


def _participants(case: Case, T: _Text) -> dict[str, Any]:
    p = case.participants
    restitution = _restitution(case, T)
    if not _col(p, "account") or not len(p):
        return {"rows": [], "restitution": restitution}
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
            {
                "i": str(i),
                "account": r.account,
                "holder": r.holder_name if has["holder_name"] else "",
                "holder_id": r.holder_id if has["holder_id"] else "",
                "paid_in": T.money(r.paid_in),
                "paid_in_v": str(int(r.paid_in)),
                "received_back": T.money(r.received_back),
                "received_back_v": str(int(r.received_back)),
                "net_loss": T.money(r.net_loss),
                "net_loss_v": str(int(r.net_loss)),
                "first_paid": _date(fp),
                "first_paid_v": _sort_value(fp),
                "last_paid": _date(lp),
                "last_paid_v": _sort_value(lp),
            }
        )
    totals = T(
        "report.participants.totals",
        count=T.count(total),
        paid_in=T.money(int(p["paid_in"].sum())),
        received_back=T.money(int(p["received_back"].sum())),
        net_loss=T.money(int(p["net_loss"].clip(lower=0).sum())),
    )
    more = None
    if total > len(shown):
        more = T(
            "report.participants.more",
            shown=T.count(len(shown)),
            more=T.count(total - len(shown)),
        )
    return {
        "heads": heads,
        "rows": rows,
        "totals": totals,
        "more": more,
        "restitution": restitution,
    }


def _restitution(case: Case, T: _Text) -> dict[str, Any]:
    r = case.restitution
    if r is None or not len(r) or "recovered_share" not in r.columns:
        return {"rows": []}
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
        rows.append(
            {
                "i": str(i),
                "key": row["fg_key"],
                "holder": row["holder_name"],
                "accounts": [a for a in str(row["accounts"] or "").split(";") if a],
                "net_loss": T.money(nl),
                "net_loss_v": str(nl),
                "share": T.money(share),
                "share_v": str(share),
                "remaining": T.money(max(nl, 0) - share),
                "remaining_v": str(max(nl, 0) - share),
            }
        )
    more = None
    if len(r) > len(shown):
        more = T(
            "report.restitution.more",
            shown=T.count(len(shown)),
            more=T.count(len(r) - len(shown)),
        )
    return {
        "intro": T(
            "report.restitution.intro",
            recovered=T.money(recovered),
            loss=T.money(loss),
            ratio=ratio,
        ),
        "heads": heads,
        "rows": rows,
        "more": more,
    }


# ---------------------------------------------------------------------------- 6 alerts


def _alert_name(code: str, T: _Text) -> str:
    """Short name of an alert code: the report's own, else the alert message up to its colon."""
    name = T.maybe(f"report.alert.{code}", "")
    if name:
        return name
    text = T.generic(f"alert.{code}", code)
    return re.split(r"[:：]", text, maxsplit=1)[0].strip() or code


def _alerts(case: Case, T: _Text) -> dict[str, Any]:
    a = case.alerts
    if not _col(a, "account") or not len(a):
        return {"rows": []}
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
    stored = False
    for i, r in enumerate(shown.itertuples(index=False), start=1):
        codes = [c for c in str(r.codes or "").split(";") if c]
        stored = stored or any(x.stored is not None for x in r.reasons)
        score = r.score
        rows.append(
            {
                "i": i,
                "account": r.account,
                "holder": getattr(r, "holder_name", ""),
                "score": "" if _is_missing(score) else f"{float(score):.2f}",
                "codes": T("report.sep").join(_alert_name(c, T) for c in codes),
                "reasons": [x.text(T.lang) for x in r.reasons],
            }
        )
    more = None
    if len(a) > len(shown):
        more = T("report.alerts.more", shown=T.count(len(shown)), more=T.count(len(a) - len(shown)))
    return {
        "intro": T("report.alerts.intro", count=T.count(len(a))),
        # reasons read from a file that does not give their codes' messages stay as written
        "lang_note": stored and case.lang != T.lang,
        "headers": headers,
        "rows": rows,
        "more": more,
    }


# ---------------------------------------------------------------------------- 7 quality


def _where(file: Any, sheet: Any, row: Any) -> str:
    f = "" if _is_missing(file) else str(file)
    if not _is_missing(sheet) and str(sheet):
        f += f"[{sheet}]"
    if not _is_missing(row):
        f += f":{int(row)}"
    return f


def _quality(case: Case, T: _Text) -> dict[str, Any]:
    out: dict[str, Any] = {"balance": None, "rejects": [], "warnings": [], "files": []}
    s = case.summary
    read, acc, rej = s.rows_read, s.rows_accepted, s.rows_rejected
    if read is not None and acc is not None and rej is not None:
        key = "report.quality.balance_ok" if read == acc + rej else "report.quality.balance_bad"
        out["balance"] = T(key, read=T.count(read), accepted=T.count(acc), rejected=T.count(rej))

    rj = case.rejects
    if _col(rj, "code") and len(rj):
        rj = rj.copy()
        rj["code"] = rj["code"].astype(str)
        for code, grp in sorted(rj.groupby("code", sort=True), key=lambda kv: (-len(kv[1]), kv[0])):
            grp = grp.sort_values(
                [c for c in ("source_file", "source_sheet", "source_row") if c in grp.columns],
                kind="mergesort",
            )
            reason = grp["reason"].iloc[0] if "reason" in grp.columns else ""
            label = T.generic(f"reject.{code}", str(reason) or code)
            examples = []
            for r in grp.head(3).to_dict("records"):
                where = _where(r.get("source_file"), r.get("source_sheet"), r.get("source_row"))
                why = str(r.get("reason") or "")
                # the row's own reason names the value at fault ("…" in the category label)
                examples.append((where, why if why and why != label else ""))
            out["rejects"].append(
                {"code": code, "label": label, "count": T.count(len(grp)), "examples": examples}
            )
        out["reject_headers"] = [
            (T("report.col.code"), ""),
            (T("report.col.reason"), ""),
            (T("report.col.count"), "num"),
            (T("report.col.examples"), ""),
        ]
        out["rejects_intro"] = T("report.quality.rejects_intro", count=T.count(len(rj)))

    w = case.warnings
    if _col(w, "code") and len(w):
        w = w.copy()
        w["code"] = w["code"].astype(str)
        for code, grp in sorted(w.groupby("code", sort=True), key=lambda kv: (-len(kv[1]), kv[0])):
            sort_cols = [c for c in ("account", "source_file", "source_row") if c in grp.columns]
            grp = grp.sort_values(sort_cols, kind="mergesort") if sort_cols else grp
            ex = []
            for r in grp.head(3).to_dict("records"):
                where = _where(r.get("source_file"), r.get("source_sheet"), r.get("source_row"))
                bits = [str(r.get("account") or ""), where, str(r.get("detail") or "")]
                ex.append(" · ".join(b for b in bits if b))
            accounts = grp["account"].astype(str).nunique() if "account" in grp.columns else 0
            out["warnings"].append(
                {
                    "code": code,
                    "meaning": T.maybe(
                        f"report.warning.{code}", T.generic(f"warning.{code}", code)
                    ),
                    "count": T.count(len(grp)),
                    "accounts": T.count(accounts),
                    "examples": ex,
                }
            )
        out["warning_headers"] = [
            (T("report.col.code"), ""),
            (T("report.col.meaning"), ""),
            (T("report.col.count"), "num"),
            (T("report.col.accounts"), "num"),
            (T("report.col.examples"), ""),
        ]

    f = case.files
    if _col(f, "source_file") and len(f):
        f = f.sort_values(
            [c for c in ("source_file", "source_sheet") if c in f.columns], kind="mergesort"
        )
        shown = f.head(FILE_ROWS)
        for r in shown.to_dict("records"):
            out["files"].append(
                {
                    "file": _where(r.get("source_file"), r.get("source_sheet"), None),
                    "layout": re.sub(r",(?=\S)", ", ", str(r.get("layout", "") or "")),
                    "encoding": r.get("encoding", ""),
                    "rows_read": T.count(r.get("rows_read", 0)),
                    "rows_accepted": T.count(r.get("rows_accepted", 0)),
                    "rows_rejected": T.count(r.get("rows_rejected", 0)),
                }
            )
        out["file_headers"] = [
            (T("report.col.file"), ""),
            (T("report.col.layout"), ""),
            (T("report.col.encoding"), ""),
            (T("report.col.rows_read"), "num"),
            (T("report.col.rows_accepted"), "num"),
            (T("report.col.rows_rejected"), "num"),
        ]
        out["files_title"] = T("report.quality.files", count=T.count(len(f)))
        out["files_more"] = (
            T("report.quality.files_more", more=T.count(len(f) - len(shown)))
            if len(f) > len(shown)
            else None
        )
    return out


# ---------------------------------------------------------------------------- 8 timeline


def _ids_text(ids: Sequence[int], T: _Text, limit: int = 8) -> str:
    items = sorted(set(ids))
    if not items:
        return ""
    text = ", ".join(f"#{i}" for i in items[:limit])
    if len(items) > limit:
        text += " " + T("report.and_more", count=len(items) - limit)
    return text


def _fact_sentences(facts: TimelineFacts, T: _Text) -> list[str]:
    """One sentence per derived fact (see ``timeline_facts``), each citing its transfer ids."""
    out = []
    f1 = facts.payouts_exceed_deposits
    if f1 is not None:
        text = T(
            "report.fact.payouts_exceed_deposits",
            when=f1.period,
            returns=T.money(f1.returns_out),
            deposits=T.money(f1.deposits_in),
            share=f"{f1.share_of_later_periods * 100:.0f}%",
        )
        out.append((text, f1.transfer_ids))
    f2 = facts.last_deposit
    if f2 is not None:
        text = T(
            "report.fact.last_deposit",
            when=_datetime(f2.time),
            account=f2.account,
            amount=T.money(f2.amount),
        )
        out.append((text, f2.transfer_ids))
    f3 = facts.collapse_date
    if f3 is not None:
        if f3.days_after_last_deposit is not None:
            text = T("report.fact.collapse_date", when=f3.date, days=f3.days_after_last_deposit)
        else:
            text = T("report.fact.collapse_date.short", when=f3.date)
        out.append((text, f3.transfer_ids))
    f4 = facts.returns_funded_by_later_deposits_share
    if f4 is not None:
        text = T(
            "report.fact.returns_funded_by_later_deposits_share",
            share=f"{f4.share * 100:.1f}%",
            funded=T.money(f4.funded_by_later),
            returns=T.money(f4.returns),
            method=T.maybe(f"report.trace.{f4.method}", f4.method),
        )
        out.append((text, f4.transfer_ids))
    sentences = []
    for text, ids in out:
        refs = _ids_text(ids, T)
        sentences.append(text + (T("report.fact.refs", ids=refs) if refs else T("report.fact.end")))
    return sentences


def _timeline(
    case: Case, T: _Text, timeline: tuple[pd.DataFrame, TimelineFacts] | None
) -> dict[str, Any]:
    data = timeline if timeline is not None else case.timeline
    if data is None:
        return {"missing": T("report.timeline.missing")}
    if isinstance(data, str):
        return {"missing": T("report.timeline.failed", error=data)}
    df, facts = data
    charts = None
    if len(df):
        df = df.sort_values("period", kind="mergesort")
        periods = [str(p) for p in df["period"]]
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
        for name, fact in (
            ("last_deposit", facts.last_deposit),
            ("collapse_date", facts.collapse_date),
        ):
            if fact is not None:
                markers.append((fact.date[:7], T(f"report.tl.marker.{name}")))
        charts = Markup(
            line_chart_svg(
                periods,
                series,
                fmt=T.axis_money,
                title=T("report.timeline.money_title"),
                markers=markers,
            )
            + bar_chart_svg(
                periods,
                [int(v) for v in df["new_participants"].fillna(0)],
                fmt=lambda v: f"{v:g}",
                title=T("report.tl.new_participants"),
                label=T("report.tl.new_participants"),
            )
        )
    return {"missing": None, "charts": charts, "facts": _fact_sentences(facts, T)}


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


def _method(T: _Text) -> dict[str, Any]:
    return {
        "topics": [
            (T(f"report.method.{topic}.title"), T(f"report.method.{topic}"))
            for topic in _METHOD_TOPICS
        ]
    }


# ---------------------------------------------------------------------------- report


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

    return plain(case.summary.to_dict(case.lang))


def report_html(
    case: Case,
    *,
    lang: str = "zh",
    timeline: tuple[pd.DataFrame, TimelineFacts] | None = None,
) -> str:
    """The report of ``case`` as one HTML document (see :func:`render_report`)."""
    from .. import __version__

    T = _Text(lang)
    lo, hi = _date_range(case)
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        "summary": lambda: _summary(case, T),
        "thresholds": lambda: _thresholds(case, T),
        "structures": lambda: _structures(case, T),
        "accounts": lambda: _accounts(case, T),
        "participants": lambda: _participants(case, T),
        "alerts": lambda: _alerts(case, T),
        "quality": lambda: _quality(case, T),
        "timeline": lambda: _timeline(case, T, timeline),
        "method": lambda: _method(T),
    }
    name = case.summary.case
    title = T("report.title") + (f" — {name}" if name else "")
    return _page().render(
        t=T,
        html_lang="zh-CN" if lang == "zh" else "en",
        title=title,
        period=T("report.period", start=lo, end=hi) if lo else None,
        sections=[(sid, T(f"report.sec.{sid}"), builders[sid]()) for sid in SECTIONS],
        footer=T("report.footer", version=__version__),
        summary_json=Markup(json_for_script(_summary_data(case))),
        css=_asset("report.css"),
        js=_asset("report.js"),
    )


def render_report(
    case: Case,
    out_path: str | os.PathLike,
    *,
    lang: str = "zh",
    timeline: tuple[pd.DataFrame, TimelineFacts] | None = None,
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
    timeline : (DataFrame, TimelineFacts), optional
        Monthly series and derived facts as returned by
        :func:`fundgraph.analysis.timeline.timeline` and
        :func:`~fundgraph.analysis.timeline.timeline_facts`. By default those the
        analysis computed (``case.timeline``); for a case that carries none the section
        says the timeline is missing.

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
