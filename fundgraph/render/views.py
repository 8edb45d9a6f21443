"""Interactive views of an analysed case: one self-contained HTML page each.

Four views, all summarised so that a page never draws more than a few thousand nodes
however large the case:

``overview``
    The collection structures (core, collectors, transit accounts, beneficiaries) and the
    largest accounts by amount and by PageRank; everything else is folded into group
    nodes ("312 participants of collector X, ¥1.2亿") that open on click.
``pyramid``
    The structures as a layered picture: beneficiaries on the top row, the core below
    them, then one row per level of collectors; each collector's participants folded into
    one group node beneath it. Money flows upwards.
``community``
    One node per community (sized by amount, coloured by the most serious role in it);
    click one to open it into its accounts.
``ego``
    An account and everything within ``hops`` transfers of it, with all edges among them.

The pages draw with vis-network (as distributed with pyvis), inlined together with the
data, so they open from disk with no server and ask the network for nothing. Positions
are computed here and physics is off, so a page is usable the moment it is drawn. Every
text from a bank file reaches the page as JSON data and is shown through canvas text or
DOM text nodes, never parsed as HTML.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..case import Case
from ..coded import text_ends
from ..errors import InputError
from ..graph import aggregate_edges
from ..i18n import catalogue, check_lang, t
from ..money import format_cny
from ..schema import CASH, ROLES
from ..tables import atomic_write_text
from .html import esc, inline_asset, json_for_script
from .layout import layered_forest, radial_forest, spring_positions

__all__ = [
    "VIEWS",
    "DEFAULT_MAX_NODES",
    "PYRAMID_PER_ROW",
    "ROLE_COLORS",
    "render_view",
    "render_all",
    "view_data",
]

#: The views :func:`render_view` draws.
VIEWS = ("overview", "pyramid", "community", "ego")

#: Nodes drawn when the page opens (accounts and group nodes), per view.
DEFAULT_MAX_NODES = {"overview": 400, "pyramid": 1500, "community": 300, "ego": 600}

#: Colour of each role (and of group nodes) in every view and in the legend.
ROLE_COLORS = {
    "core": "#d62728",
    "collector": "#ff7f0e",
    "transit": "#9467bd",
    "participant": "#1f77b4",
    "beneficiary": "#2ca02c",
    "other": "#8c8c8c",
}

#: Members of one group added to the drawing per click.
EXPAND_PAGE = 300
#: Folded accounts whose details are carried in the page (to be opened and searched).
EMBED_LIMIT = 60_000
#: Scheme accounts drawn per level of the pyramid (the rest fold into branch groups).
PYRAMID_PER_ROW = 16
#: Edges carried per folded account (its largest).
EDGES_PER_FOLDED = 6
#: Page data above this many bytes is rebuilt with fewer edges per folded account, so that
#: a page (with vis-network's ~0.7 MB) stays under 10 MB.
PAGE_DATA_BUDGET = 8_500_000
#: Edges drawn at most at once (the largest).
MAX_DRAWN_EDGES = 12_000
#: A case spanning at most this many days gets one time-window step per day, else per month.
DAY_SLOTS_UP_TO = 92

_ROLE_INDEX = {r: i for i, r in enumerate(ROLES)}
_SCHEME = ("core", "collector", "transit")
_TEMPLATE = "graph.html"


# --------------------------------------------------------------------------- data model
@dataclass
class _Slots:
    """The steps of a page's time window: calendar months, or days for a short case."""

    unit: str  # "month" or "day"
    first: pd.Timestamp  # start of slot 0
    count: int

    @classmethod
    def spanning(cls, times: pd.Series) -> _Slots:
        t = pd.to_datetime(times, errors="coerce").dropna()
        if t.empty:
            return cls("month", pd.Timestamp("2000-01-01"), 0)
        lo, hi = t.min().normalize(), t.max().normalize()
        if (hi - lo).days < DAY_SLOTS_UP_TO:
            return cls("day", lo, (hi - lo).days + 1)
        first = lo.replace(day=1)
        return cls("month", first, (hi.year - first.year) * 12 + hi.month - first.month + 1)

    def of(self, times: Any) -> np.ndarray:
        """Slot number of each time (int64; times must not be missing)."""
        t = pd.DatetimeIndex(pd.to_datetime(times))
        if self.unit == "day":
            days = t.to_numpy().astype("datetime64[D]") - np.datetime64(self.first.date(), "D")
            return days.astype("int64")
        return (
            t.year.to_numpy() * 12
            + t.month.to_numpy()
            - 1
            - (self.first.year * 12 + self.first.month - 1)
        ).astype("int64")

    def starts(self) -> list[str]:
        """The first day of every slot, ``YYYY-MM-DD``."""
        step = pd.DateOffset(days=1) if self.unit == "day" else pd.DateOffset(months=1)
        return [(self.first + k * step).strftime("%Y-%m-%d") for k in range(self.count)]


def _flat_series(frame: pd.DataFrame, key: str) -> dict[int, list[int]]:
    """``key`` -> ``[slot, cents, slot, cents, ...]`` (slots ascending) from key/slot/amount rows."""
    f = frame.sort_values([key, "slot"])
    keys = f[key].to_numpy()
    flat = np.column_stack([f["slot"].to_numpy(), f["amount"].to_numpy()]).astype("int64")
    out: dict[int, list[int]] = {}
    if not len(f):
        return out
    cuts = np.flatnonzero(np.diff(keys)) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(f)], strict=True):
        out[int(keys[lo])] = flat[lo:hi].ravel().tolist()
    return out


@dataclass
class _Context:
    """The case reduced to integer-coded arrays the views select from."""

    acc: pd.DataFrame  # one row per account, RangeIndex = account code
    edges: pd.DataFrame  # u, v (codes), amount, count, first_time, last_time
    pairs: pd.DataFrame  # a, b, amount: undirected, both orientations
    alerts: dict[str, str]
    lang: str
    slots: _Slots  # the steps of the time window
    flows: pd.DataFrame  # one row per (u, v, slot): amount, between accounts (codes)
    acc_in: pd.DataFrame  # a, slot, amount: money into each account per slot, cash included
    acc_out: pd.DataFrame  # a, slot, amount: money out of each account per slot, cash included
    error_lang: str = "zh"

    def code_of(self, account: str) -> int | None:
        hit = self._index.get(account)
        if hit is not None:
            return hit
        if "aliases" in self.acc:
            for i, al in zip(self.acc.index, self.acc["aliases"], strict=False):
                if al and account in str(al).split(";"):
                    return int(i)
        return None

    def __post_init__(self) -> None:
        self._index = {a: i for i, a in enumerate(self.acc["account"])}


@dataclass
class _Selection:
    """What a view draws: shown accounts, folded groups and how they are placed."""

    shown: list[int]  # account codes drawn as themselves, in display order
    group_of: dict[int, int]  # folded account code -> group number
    groups: list[dict[str, Any]]  # group number -> {kind, role, anchor, community}
    positions: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)  # row labels (pyramid)
    expand: str = "ring"  # how opened members are placed: "ring" or "grid"
    note: str = ""
    tree: list[tuple[tuple[str, int], tuple[str, int]]] = field(default_factory=list)
    font_scale: float = 0.0  # label size factor so labels stay legible when fitted; 0: from extent
    row_height: float = 0.0


def _end_codes(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each transfer's ``src`` and ``dst`` as the number of its account in the case's coded
    transfers (:meth:`fundgraph.case.Case.coded`; -1 for cash and missing ends), with the
    account ids; None when the ends are not all text (then the views use the slower
    general path)."""
    if not text_ends(case.transfers):
        return None
    c = case.coded()
    return c.s_all, c.d_all, c.nodes.to_numpy(dtype=object)


def _account_edges(transfers: pd.DataFrame, ends) -> pd.DataFrame:
    """:func:`fundgraph.graph.aggregate_edges` (same rows, order and values), grouped on
    the numbered ends instead of the text ids."""
    if ends is None:
        return aggregate_edges(transfers)
    src, dst, ids = ends
    keep = (src >= 0) & (dst >= 0)
    if not keep.any():
        return aggregate_edges(transfers.iloc[:0])
    key = src[keep].astype("int64") * len(ids) + dst[keep]
    t = pd.DataFrame(
        {
            "key": key,
            "amount": transfers["amount"].to_numpy()[keep],
            "time": transfers["time"].to_numpy()[keep],
        }
    )
    g = t.groupby("key", sort=True).agg(
        amount=("amount", "sum"),
        count=("amount", "size"),
        first_time=("time", "min"),
        last_time=("time", "max"),
    )
    k = g.index.to_numpy()
    return pd.DataFrame(
        {
            "src": ids[k // len(ids)],
            "dst": ids[k % len(ids)],
            "amount": g["amount"].to_numpy().astype("int64"),
            "count": g["count"].to_numpy().astype("int64"),
            "first_time": g["first_time"].to_numpy(),
            "last_time": g["last_time"].to_numpy(),
        }
    )


def _prepare(case: Case, lang: str, error_lang: str | None = None) -> _Context:
    ends = _end_codes(case)
    agg = _account_edges(case.transfers, ends)
    acc = case.accounts.copy()
    if "account" not in acc:
        acc = pd.DataFrame({"account": pd.Series(dtype=object)})
    acc["account"] = acc["account"].astype(str)
    seen = pd.unique(pd.concat([agg["src"], agg["dst"]], ignore_index=True).astype(str))
    missing = sorted(set(seen) - set(acc["account"]))
    if missing:
        acc = pd.concat([acc, pd.DataFrame({"account": missing})], ignore_index=True)
    acc = acc.drop_duplicates("account").reset_index(drop=True)
    defaults: dict[str, Any] = {
        "holder_name": "",
        "role": "other",
        "pagerank": 0.0,
        "in_amount": 0,
        "out_amount": 0,
        "in_count": 0,
        "out_count": 0,
        "aliases": "",
    }
    for col, val in defaults.items():
        if col not in acc:
            acc[col] = val
        acc[col] = acc[col].fillna(val) if col != "role" else acc[col].fillna(val)
    acc["role"] = acc["role"].where(acc["role"].isin(ROLES), "other")
    for col in ("level", "structure", "community"):
        if col not in acc:
            acc[col] = pd.array([pd.NA] * len(acc), dtype="Int64")
    for col in ("first_time", "last_time"):
        if col not in acc:
            acc[col] = pd.Series([pd.NaT] * len(acc), dtype="datetime64[ns]")
    for col in ("in_amount", "out_amount", "in_count", "out_count"):
        acc[col] = pd.to_numeric(acc[col], errors="coerce").fillna(0).astype("int64")
    acc["pagerank"] = pd.to_numeric(acc["pagerank"], errors="coerce").fillna(0.0)
    # accounts known only from the transfers: totals from the edges
    flow_in = agg.groupby("dst")[["amount", "count"]].sum()
    flow_out = agg.groupby("src")[["amount", "count"]].sum()
    blank = (acc["in_amount"] == 0) & (acc["out_amount"] == 0)
    if blank.any():
        a = acc.loc[blank, "account"]
        acc.loc[blank, "in_amount"] = a.map(flow_in["amount"]).fillna(0).astype("int64").to_numpy()
        acc.loc[blank, "out_amount"] = (
            a.map(flow_out["amount"]).fillna(0).astype("int64").to_numpy()
        )
        acc.loc[blank, "in_count"] = a.map(flow_in["count"]).fillna(0).astype("int64").to_numpy()
        acc.loc[blank, "out_count"] = a.map(flow_out["count"]).fillna(0).astype("int64").to_numpy()
    acc["flow"] = np.maximum(acc["in_amount"].to_numpy(), acc["out_amount"].to_numpy())

    code = pd.Index(acc["account"])
    edges = pd.DataFrame(
        {
            "u": code.get_indexer(agg["src"].astype(str)),
            "v": code.get_indexer(agg["dst"].astype(str)),
            "amount": agg["amount"].to_numpy(dtype="int64"),
            "count": agg["count"].to_numpy(dtype="int64"),
            "first_time": agg["first_time"].to_numpy(),
            "last_time": agg["last_time"].to_numpy(),
        }
    )
    edges = edges[(edges["u"] >= 0) & (edges["v"] >= 0) & (edges["u"] != edges["v"])]
    both = pd.concat(
        [
            pd.DataFrame({"a": edges["u"], "b": edges["v"], "amount": edges["amount"]}),
            pd.DataFrame({"a": edges["v"], "b": edges["u"], "amount": edges["amount"]}),
        ],
        ignore_index=True,
    )
    pairs = both.groupby(["a", "b"], sort=False, as_index=False)["amount"].sum()

    alerts: dict[str, str] = {}
    if len(case.alerts) and "account" in case.alerts:
        col = "reasons" if "reasons" in case.alerts else "codes"
        for a, r in zip(
            case.alerts["account"].astype(str),
            case.alerts[col].fillna("").astype(str),
            strict=False,
        ):
            if r:
                alerts[a] = r[:400]
    slots, flows, acc_in, acc_out = _time_flows(case.transfers, code, ends)
    return _Context(
        acc=acc,
        edges=edges.reset_index(drop=True),
        pairs=pairs,
        alerts=alerts,
        lang=lang,
        slots=slots,
        flows=flows,
        acc_in=acc_in,
        acc_out=acc_out,
        error_lang=error_lang or lang,
    )


def _time_flows(
    transfers: pd.DataFrame, code: pd.Index, ends=None
) -> tuple[_Slots, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The transfers summed per time slot: between accounts (u, v) and per account in/out
    (``ends``: the transfers' numbered ends from :func:`_end_codes`, if known)."""
    empty = pd.DataFrame({k: pd.Series(dtype="int64") for k in ("a", "slot", "amount")})
    no_flows = pd.DataFrame({k: pd.Series(dtype="int64") for k in ("u", "v", "slot", "amount")})
    if transfers is None or not len(transfers) or "time" not in transfers:
        return _Slots.spanning(pd.Series(dtype="datetime64[ns]")), no_flows, empty, empty.copy()
    t = transfers[["src", "dst", "amount", "time"]].copy()
    t["time"] = pd.to_datetime(t["time"], errors="coerce")
    dated = t["time"].notna().to_numpy()
    t = t[dated]
    slots = _Slots.spanning(t["time"])
    if ends is not None:
        src_code, dst_code, ids = ends
        of_id = np.r_[code.get_indexer(ids), -1]  # cash (-1) stays -1
        u, v = of_id[src_code[dated]], of_id[dst_code[dated]]
    else:
        src = t["src"].fillna(CASH).astype(str)
        dst = t["dst"].fillna(CASH).astype(str)
        u = np.where(src.to_numpy() == CASH, -1, code.get_indexer(src))
        v = np.where(dst.to_numpy() == CASH, -1, code.get_indexer(dst))
    f = pd.DataFrame(
        {"u": u, "v": v, "slot": slots.of(t["time"]), "amount": t["amount"].to_numpy(dtype="int64")}
    )

    def per_account(col: str) -> pd.DataFrame:
        x = f[f[col] >= 0]
        return x.groupby([col, "slot"], as_index=False)["amount"].sum().rename(columns={col: "a"})

    between = f[(f["u"] >= 0) & (f["v"] >= 0) & (f["u"] != f["v"])]
    flows = between.groupby(["u", "v", "slot"], as_index=False)["amount"].sum()
    return slots, flows, per_account("v"), per_account("u")


def _anchors(ctx: _Context, candidates: np.ndarray, shown: np.ndarray) -> pd.Series:
    """For each candidate account, the shown account it exchanged most money with."""
    n = len(ctx.acc)
    cand = np.zeros(n, dtype=bool)
    cand[candidates] = True
    sh = np.zeros(n, dtype=bool)
    sh[shown] = True
    p = ctx.pairs
    hit = p[cand[p["a"].to_numpy()] & sh[p["b"].to_numpy()]]
    if hit.empty:
        return pd.Series(dtype="int64")
    best = hit.sort_values(["amount", "b"], ascending=[False, True]).drop_duplicates("a")
    return pd.Series(best["b"].to_numpy(), index=best["a"].to_numpy())


def _fold_by_anchor(
    ctx: _Context, scope: np.ndarray, shown: list[int]
) -> tuple[dict[int, int], list[dict[str, Any]]]:
    """Group every account of ``scope`` that is not shown by (strongest shown neighbour, role)."""
    shown_arr = np.asarray(shown, dtype="int64")
    mask = np.zeros(len(ctx.acc), dtype=bool)
    mask[scope] = True
    mask[shown_arr] = False
    folded = np.flatnonzero(mask)
    if len(folded) == 0:
        return {}, []
    anchor = _anchors(ctx, folded, shown_arr)
    anc_all = np.full(len(ctx.acc), -1, dtype="int64")
    if len(anchor):
        anc_all[anchor.index.to_numpy(dtype="int64")] = anchor.to_numpy(dtype="int64")
    anc = anc_all[folded]
    role_code = ctx.acc["role"].map(_ROLE_INDEX).to_numpy(dtype="int64")[folded]
    rank = np.full(len(ctx.acc) + 1, len(shown), dtype="int64")
    rank[shown_arr] = np.arange(len(shown_arr))
    keys = pd.DataFrame({"acc": folded, "anchor": anc, "role": role_code, "anchor_rank": rank[anc]})
    uniq = (
        keys[["anchor", "role", "anchor_rank"]]
        .drop_duplicates(["anchor", "role"])
        .sort_values(["anchor_rank", "role"])
        .reset_index(drop=True)
    )
    uniq["gid"] = np.arange(len(uniq))
    keys = keys.merge(uniq[["anchor", "role", "gid"]], on=["anchor", "role"], how="left")
    group_of = dict(zip(keys["acc"].tolist(), keys["gid"].tolist(), strict=True))
    groups = [
        {"kind": "members", "role": ROLES[r], "anchor": a if a >= 0 else None}
        for a, r in zip(uniq["anchor"].tolist(), uniq["role"].tolist(), strict=True)
    ]
    return group_of, groups


def _fit(
    ctx: _Context, priority: list[int], scope: np.ndarray, max_nodes: int
) -> tuple[list[int], dict[int, int], list[dict[str, Any]]]:
    """Shown accounts (the longest prefix of ``priority``) plus their groups within ``max_nodes``.

    Fewer shown accounts means fewer groups to fold the rest into, so the prefix length
    is found by bisection (about ten foldings however large the case).
    """
    cache: dict[int, tuple[list[int], dict[int, int], list[dict[str, Any]]]] = {}

    def fold(budget: int) -> tuple[list[int], dict[int, int], list[dict[str, Any]]]:
        if budget not in cache:
            shown = priority[:budget]
            cache[budget] = (shown, *_fold_by_anchor(ctx, scope, shown))
        return cache[budget]

    def fits(budget: int) -> bool:
        shown, _g, groups = fold(budget)
        return len(shown) + len(groups) <= max_nodes

    hi = min(len(priority), max_nodes)
    if hi <= 1 or fits(hi):
        return fold(max(hi, 0))
    lo = 1
    hi -= 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return fold(lo)


def _ranked(ctx: _Context, mask: np.ndarray, by: str = "flow") -> list[int]:
    idx = np.flatnonzero(mask)
    if len(idx) == 0:
        return []
    vals = ctx.acc[by].to_numpy()[idx]
    acct = ctx.acc["account"].to_numpy()[idx]
    order = np.lexsort((acct, -vals))
    return [int(i) for i in idx[order]]


def _strongest_parent(
    ctx: _Context, nodes: list[int], allowed: Callable[[int, int], bool]
) -> dict[int, int | None]:
    """For each node, the other node it exchanged most money with among those ``allowed``."""
    parent: dict[int, int | None] = {n: None for n in nodes}
    if not nodes:
        return parent
    p = ctx.pairs
    node_set = np.zeros(len(ctx.acc), dtype=bool)
    node_set[np.asarray(nodes, dtype="int64")] = True
    sub = p[node_set[p["a"].to_numpy()] & node_set[p["b"].to_numpy()]]
    sub = sub.sort_values(["amount", "b"], ascending=[False, True])
    for a, b in zip(sub["a"].to_numpy(), sub["b"].to_numpy(), strict=True):
        a, b = int(a), int(b)
        if parent[a] is None and allowed(a, b):
            parent[a] = b
    return parent


# --------------------------------------------------------------------------- the views
def _derive_levels(ctx: _Context) -> np.ndarray:
    """Levels from the case, or hops up the money flow from core accounts where absent."""
    lv = ctx.acc["level"].astype("Float64").fillna(-1).astype("int64").to_numpy().copy()
    roles = ctx.acc["role"].to_numpy()
    lv[(roles == "core") & (lv < 0)] = 0
    if (lv >= 0).sum() > (roles == "core").sum() or not (roles == "core").any():
        return lv
    # no levels in the case: breadth-first against the money flow through scheme accounts
    e = ctx.edges
    scheme = np.isin(roles, _SCHEME)
    ups: dict[int, list[int]] = {}
    for u, v in zip(e["u"].to_numpy(), e["v"].to_numpy(), strict=False):
        if scheme[u]:
            ups.setdefault(int(v), []).append(int(u))
    frontier = [int(i) for i in np.flatnonzero(lv == 0)]
    while frontier:
        nxt = []
        for n in frontier:
            for s in ups.get(n, ()):
                if lv[s] < 0:
                    lv[s] = lv[n] + 1
                    nxt.append(s)
        frontier = nxt
    return lv


def _select_overview(ctx: _Context, max_nodes: int) -> _Selection:
    roles = ctx.acc["role"].to_numpy()
    n = len(roles)
    priority: list[int] = []
    priority += _ranked(ctx, roles == "core")
    priority += _ranked(ctx, np.isin(roles, ("collector", "transit")))
    priority += _ranked(ctx, roles == "beneficiary")
    other = roles == "other"
    by_amount = _ranked(ctx, other)[:30]
    by_rank = _ranked(ctx, other, by="pagerank")[:30]
    seen: set[int] = set(priority)
    for a in (
        [x for pair in zip(by_amount, by_rank, strict=False) for x in pair] + by_amount + by_rank
    ):
        if a not in seen:
            priority.append(a)
            seen.add(a)
    for a in _ranked(ctx, roles == "participant")[:20]:
        if a not in seen:
            priority.append(a)
            seen.add(a)
    shown, group_of, groups = _fit(ctx, priority, np.arange(n), max_nodes)
    sel = _Selection(shown=shown, group_of=group_of, groups=groups)
    parent_for = _tree_parents(ctx, shown, groups, _derive_levels(ctx))
    units = [("a", a) for a in shown] + [("g", g) for g in range(len(groups))]
    weight = {("g", g): 2.0 for g in range(len(groups))}
    sel.positions = radial_forest(units, parent_for, weight=weight)
    sel.tree = [(u, q) for u, q in parent_for.items() if q is not None]
    return sel


def _tree_parents(
    ctx: _Context, shown: list[int], groups: list[dict[str, Any]], levels: np.ndarray
) -> dict[tuple[str, int], tuple[str, int] | None]:
    """A spanning forest for radial layouts: each account hangs under its strongest
    neighbour one level closer to the core (or any stronger shown account), each group
    under its anchor."""
    roles = ctx.acc["role"].to_numpy()
    rank = {a: i for i, a in enumerate(shown)}
    levels_shown = {int(levels[a]) for a in shown}

    def allowed(a: int, b: int) -> bool:
        if roles[a] == "core" and levels[a] == 0:
            return False
        if levels[a] > 0 and levels[a] - 1 in levels_shown:
            return levels[b] == levels[a] - 1
        return rank[b] < rank[a]

    par = _strongest_parent(ctx, shown, allowed)
    out: dict[tuple[str, int], tuple[str, int] | None] = {
        ("a", a): (("a", p) if p is not None else None) for a, p in par.items()
    }
    for g, grp in enumerate(groups):
        out[("g", g)] = ("a", grp["anchor"]) if grp.get("anchor") is not None else None
    return out


def _pyramid_fold(
    ctx: _Context,
    levels: np.ndarray,
    scheme: np.ndarray,
    benef: np.ndarray,
    particip: np.ndarray,
    max_nodes: int,
    per_row: int = PYRAMID_PER_ROW,
) -> tuple[list[int], dict[int, int], list[dict[str, Any]]]:
    """Scheme accounts to draw, level by level, and the groups the rest fold into.

    Each level shows at most ``per_row`` accounts (the largest whose upstream account is
    shown); a collector left out is folded, with everything below it and its
    participants, into one "branch" group under its nearest shown upstream account.
    Participants fold by the scheme account they paid most.
    """
    flow = ctx.acc["flow"].to_numpy()
    acct = ctx.acc["account"].to_numpy()
    scheme_idx = [int(a) for a in np.flatnonzero(scheme)]
    up = _strongest_parent(
        ctx,
        scheme_idx,
        lambda a, b: bool(levels[a] > 0 and scheme[b] and levels[b] == levels[a] - 1),
    )
    part_idx = np.flatnonzero(particip)
    main = (
        _anchors(ctx, part_idx, np.asarray(scheme_idx, dtype="int64"))
        if scheme_idx
        else pd.Series(dtype="int64")
    )
    by_level: dict[int, list[int]] = {}
    for a in sorted(scheme_idx, key=lambda a: (-int(flow[a]), acct[a])):
        by_level.setdefault(int(levels[a]), []).append(a)
    benef_rank = _ranked(ctx, benef)
    while True:
        shown_set: set[int] = set()
        shown: list[int] = []
        for lv in sorted(by_level):
            visible = [a for a in by_level[lv] if up.get(a) is None or up[a] in shown_set]
            keep = visible if lv == 0 else visible[:per_row]
            shown += keep
            shown_set.update(keep)
        shown += benef_rank[:per_row]
        shown_set.update(benef_rank[:per_row])

        key_of: dict[int, tuple[int, str]] = {}
        for a in scheme_idx:
            if a not in shown_set:
                anc = _shown_ancestor(a, up, shown_set)
                key_of[a] = (anc if anc is not None else -1, "branch")
        for p, m in zip(main.index.to_numpy(), main.to_numpy(), strict=True):
            p, m = int(p), int(m)
            key_of[p] = (m, "participant") if m in shown_set else key_of.get(m, (-1, "participant"))
        for p in part_idx:
            key_of.setdefault(int(p), (-1, "participant"))
        for b in benef_rank[per_row:]:
            key_of[b] = (-1, "beneficiary")
        order = {a: i for i, a in enumerate(shown)}
        keys = sorted(set(key_of.values()), key=lambda k: (order.get(k[0], len(order)), k[1]))
        if len(shown) + len(keys) <= max_nodes or per_row <= 1:
            break
        per_row = max(1, per_row * 2 // 3)
    gid = {k: i for i, k in enumerate(keys)}
    group_of = {a: gid[k] for a, k in key_of.items()}
    groups = [
        {
            "kind": "branch" if kind == "branch" else "members",
            "role": "collector" if kind == "branch" else kind,
            "anchor": anc if anc >= 0 else None,
        }
        for anc, kind in keys
    ]
    return shown, group_of, groups


def _shown_ancestor(a: int, up: dict[int, int | None], shown: set[int]) -> int | None:
    """The nearest account up the chain ``up`` that is drawn (cycles are cut after 64 steps)."""
    cur: int | None = a
    for _ in range(64):
        if cur is None or cur in shown:
            break
        cur = up.get(cur)
    return cur if cur in shown else None


def _select_pyramid(ctx: _Context, max_nodes: int, per_level: int = PYRAMID_PER_ROW) -> _Selection:
    roles = ctx.acc["role"].to_numpy()
    levels = _derive_levels(ctx)
    in_structure = levels >= 0
    scheme = np.isin(roles, _SCHEME) & in_structure
    benef = roles == "beneficiary"
    particip = roles == "participant"
    lv_key = np.where(levels >= 0, levels, 99)
    flow = ctx.acc["flow"].to_numpy()
    shown, group_of, groups = _pyramid_fold(
        ctx, levels, scheme, benef, particip, max_nodes, per_row=per_level
    )
    sel = _Selection(shown=shown, group_of=group_of, groups=groups, expand="grid")
    if not shown:
        sel.note = t("views.note.no_structure", ctx.lang)

    # rows: beneficiaries 0, core 1, level L -> L + 1; groups one row below their anchor
    row: dict[tuple[str, int], int] = {}
    for a in shown:
        row[("a", a)] = 0 if benef[a] and levels[a] < 0 else int(lv_key[a]) + 1
    if shown and max(row.values()) >= 99:
        fix = max([r for r in row.values() if r < 99] + [1])
        for unit, r in row.items():
            if r >= 99:
                row[unit] = fix
    for g, grp in enumerate(groups):
        anc = grp["anchor"]
        if grp["role"] == "beneficiary":
            row[("g", g)] = 0
        elif anc is None:
            row[("g", g)] = max(row.values(), default=1) + 1
        else:
            row[("g", g)] = row[("a", anc)] + 1 if row[("a", anc)] > 0 else 2
    # parents: the strongest shown neighbour one row up
    par = _strongest_parent(
        ctx, shown, lambda a, b: row[("a", a)] > 1 and row[("a", b)] == row[("a", a)] - 1
    )
    parent: dict[tuple[str, int], tuple[str, int] | None] = {}
    tree_units: list[tuple[str, int]] = []
    for a in shown:
        if row[("a", a)] == 0:
            continue
        tree_units.append(("a", a))
        parent[("a", a)] = ("a", q) if (q := par.get(a)) is not None else None
    for g, grp in enumerate(groups):
        if row[("g", g)] == 0:
            continue
        tree_units.append(("g", g))
        anc = grp["anchor"]
        parent[("g", g)] = ("a", anc) if anc is not None and ("a", anc) in parent else None
    # children ordered by amount so the biggest branches stand out on the left
    gflow = _group_flows(ctx, group_of, len(groups))
    size = {u: (flow[u[1]] if u[0] == "a" else gflow[u[1]]) for u in tree_units}
    tree_units.sort(key=lambda u: (row[u], -size[u], u))
    x_gap = 160.0
    pos = layered_forest(tree_units, parent, row, x_gap=x_gap, y_gap=1.0)
    # beneficiaries: a row above the core, centred over the drawing
    top = [("a", a) for a in shown if row[("a", a)] == 0] + [
        ("g", g) for g in range(len(groups)) if row[("g", g)] == 0
    ]
    xs = [p[0] for p in pos.values()] or [0.0]
    cores = [pos[("a", a)][0] for a in shown if row[("a", a)] == 1 and ("a", a) in pos]
    mid = sum(cores) / len(cores) if cores else (min(xs) + max(xs)) / 2
    for i, u in enumerate(top):
        pos[u] = (mid + (i - (len(top) - 1) / 2) * 1.6 * x_gap, 0.0)
    # rows as tall as needed for the drawing to fill a landscape screen when fitted,
    # and busy rows zig-zagged so neighbouring labels do not collide
    xs = [p[0] for p in pos.values()] or [0.0]
    width = max(xs) - min(xs) + x_gap + 600.0
    n_rows = len(set(row.values()))
    y_gap = min(1400.0, max(220.0, 0.58 * width / max(1, n_rows - 1)))
    by_row_x: dict[int, list[tuple[float, tuple[str, int]]]] = {}
    for u, (x, _y) in pos.items():
        by_row_x.setdefault(row[u], []).append((x, u))
    placed: dict[tuple[str, int], tuple[float, float]] = {}
    for r, items in by_row_x.items():
        items.sort()
        lanes = 1 if len(items) <= 4 else (2 if len(items) <= 24 else 3)
        offsets = {1: [0.0], 2: [-0.17, 0.17], 3: [-0.24, 0.0, 0.24]}[lanes]
        for k, (x, u) in enumerate(items):
            dy = offsets[k % lanes] * y_gap
            placed[u] = (round(x, 1), round(r * y_gap + dy, 1))
    sel.positions = placed
    sel.tree = [(u, p) for u, p in parent.items() if p is not None]
    scale = 1050.0 / width
    sel.font_scale = round(min(8.0, max(1.0, 12.5 / (14.0 * scale))), 2)
    sel.row_height = y_gap
    # row labels
    rows_used = sorted(set(row.values()))
    lang = ctx.lang
    for r in rows_used:
        members = [u for u, rr in row.items() if rr == r]
        n_acc = sum(1 for u in members if u[0] == "a")
        n_fold = sum(1 for u in members if u[0] == "g")
        if r == 0:
            text = t("views.row.beneficiaries", lang)
        elif r == 1:
            text = t("views.row.core", lang)
        else:
            text = t("views.row.level", lang, level=r - 1)
        sel.rows.append({"y": r * y_gap, "text": text, "accounts": n_acc, "groups": n_fold})
    return sel


def _group_flows(ctx: _Context, group_of: dict[int, int], n_groups: int) -> list[int]:
    out = [0] * n_groups
    flow = ctx.acc["flow"].to_numpy()
    for a, g in group_of.items():
        out[g] += int(flow[a])
    return out


def _select_community(ctx: _Context, max_nodes: int) -> _Selection:
    acc = ctx.acc
    com = acc["community"].astype("Float64")
    if com.isna().all():
        com = acc["structure"].astype("Float64")
    if com.isna().all():
        com = pd.Series(_components(ctx), dtype="Float64")
    com = com.fillna(-1).astype("int64").to_numpy()
    has = com >= 0
    totals = (
        pd.DataFrame({"c": com[has], "flow": acc["flow"].to_numpy()[has]})
        .groupby("c")["flow"]
        .agg(["sum", "size"])
        .sort_values(["sum", "size"], ascending=False)
    )
    keep = list(totals.index[: max(1, max_nodes - 1)])
    rest = list(totals.index[max(1, max_nodes - 1) :])
    roles = acc["role"].to_numpy()
    gid = {int(c): i for i, c in enumerate(keep)}
    groups: list[dict[str, Any]] = []
    for c in keep:
        members = np.flatnonzero(com == c)
        worst = min((_ROLE_INDEX[r] for r in roles[members]), default=len(ROLES) - 1)
        groups.append(
            {"kind": "community", "role": ROLES[worst], "anchor": None, "community": int(c)}
        )
    group_of = {int(a): gid[int(c)] for a, c in enumerate(com) if c in gid}
    if rest:
        groups.append(
            {
                "kind": "communities",
                "role": "other",
                "anchor": None,
                "community": None,
                "communities": len(rest),
            }
        )
        g = len(groups) - 1
        rest_set = set(int(c) for c in rest)
        for a, c in enumerate(com):
            if int(c) in rest_set:
                group_of[a] = g
    sel = _Selection(shown=[], group_of=group_of, groups=groups)
    # layout: spring on the community graph (a few hundred nodes at most)
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(("g", g) for g in range(len(groups)))
    e = ctx.edges
    gu = pd.Series(e["u"].to_numpy()).map(group_of)
    gv = pd.Series(e["v"].to_numpy()).map(group_of)
    ok = gu.notna() & gv.notna() & (gu != gv)
    if ok.any():
        w = (
            pd.DataFrame(
                {
                    "a": gu[ok].astype("int64"),
                    "b": gv[ok].astype("int64"),
                    "amount": e["amount"].to_numpy()[ok.to_numpy()],
                }
            )
            .assign(lo=lambda d: d[["a", "b"]].min(axis=1), hi=lambda d: d[["a", "b"]].max(axis=1))
            .groupby(["lo", "hi"])["amount"]
            .sum()
        )
        for (a, b), amt in w.items():
            G.add_edge(("g", int(a)), ("g", int(b)), weight=math.log10(max(int(amt), 100)))
    sel.positions = spring_positions(G)
    return sel


def _components(ctx: _Context) -> np.ndarray:
    """Weakly connected components (union-find over the edges), as community ids."""
    n = len(ctx.acc)
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in zip(ctx.edges["u"].to_numpy(), ctx.edges["v"].to_numpy(), strict=False):
        ru, rv = find(int(u)), find(int(v))
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    roots = np.array([find(i) for i in range(n)])
    _, ids = np.unique(roots, return_inverse=True)
    return ids


def _hops_from(ctx: _Context, start: int, hops: int) -> np.ndarray:
    """Transfers (either direction) from ``start`` to every account, -1 beyond ``hops``.

    Breadth-first over a sparse adjacency matrix of the aggregated edges: each step takes
    the rows of the whole frontier at once, so a hub with 50,000 neighbours costs one
    slice, not 50,000 Python iterations.
    """
    from scipy.sparse import csr_matrix

    n = len(ctx.acc)
    p = ctx.pairs
    adj = csr_matrix(
        (np.ones(len(p), dtype=bool), (p["a"].to_numpy(), p["b"].to_numpy())), shape=(n, n)
    )
    hop = np.full(n, -1, dtype="int64")
    hop[start] = 0
    frontier = np.array([start], dtype="int64")
    for h in range(1, max(0, hops) + 1):
        if not len(frontier):
            break
        reached = np.unique(adj[frontier].indices)
        new = reached[hop[reached] < 0]
        hop[new] = h
        frontier = new
    return hop


def _select_ego(ctx: _Context, max_nodes: int, focus: str, hops: int) -> _Selection:
    start = ctx.code_of(str(focus).strip())
    if start is None:
        raise InputError(t("views.error.unknown_focus", ctx.error_lang, account=focus))
    hop_all = _hops_from(ctx, start, hops)
    reached = np.flatnonzero(hop_all >= 0)
    hop = dict(zip(reached.tolist(), hop_all[reached].tolist(), strict=True))
    flow = ctx.acc["flow"].to_numpy()
    acct = ctx.acc["account"].to_numpy()
    order = np.lexsort((acct[reached], -flow[reached], hop_all[reached]))
    priority = [int(a) for a in reached[order]]
    scope = np.array(priority, dtype="int64")
    shown, group_of, groups = _fit(ctx, priority, scope, max_nodes)
    sel = _Selection(shown=shown, group_of=group_of, groups=groups)
    par = _strongest_parent(ctx, shown, lambda a, b: hop[a] > 0 and hop[b] == hop[a] - 1)
    parent: dict[tuple[str, int], tuple[str, int] | None] = {
        ("a", a): (("a", q) if q is not None else None) for a, q in par.items()
    }
    for g, grp in enumerate(groups):
        parent[("g", g)] = ("a", grp["anchor"]) if grp["anchor"] is not None else None
    units = [("a", a) for a in shown] + [("g", g) for g in range(len(groups))]
    sel.positions = radial_forest(units, parent, weight={("g", g): 2.0 for g in range(len(groups))})
    sel.tree = [(u, q) for u, q in parent.items() if q is not None]
    sel.note = t("views.note.ego", ctx.lang, account=acct[start], hops=hops, n=len(hop))
    return sel


# --------------------------------------------------------------------------- page data
def _minutes(ts: Any, base: pd.Timestamp) -> int | None:
    if ts is None or pd.isna(ts):
        return None
    return int((pd.Timestamp(ts) - base).total_seconds() // 60)


def _minutes_array(values: Any, base: pd.Timestamp) -> list[int | None]:
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    m = ((s - base).dt.total_seconds() // 60).astype("Int64")
    return m.astype(object).where(m.notna(), None).tolist()


def _ints_or_none(values: pd.Series) -> list[int | None]:
    v = pd.to_numeric(values, errors="coerce").astype("Float64").round().astype("Int64")
    return v.astype(object).where(v.notna(), None).tolist()


def _texts(values: pd.Series) -> list[str]:
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def view_data(
    case: Case,
    *,
    view: str = "overview",
    focus: str | None = None,
    hops: int = 2,
    lang: str = "zh",
    max_nodes: int | None = None,
    size_by: str = "amount",
    max_per_level: int | None = None,
    error_lang: str | None = None,
    json_text: list[str] | None = None,
) -> dict[str, Any]:
    """The data a view page draws, as plain JSON-ready objects.

    Parameters are those of :func:`render_view`. Useful to inspect or test what a page
    will show without a browser.

    Returns
    -------
    dict
        ``accounts`` (columnar: every account drawn or carried inside a group),
        ``groups``, ``edges`` (``u``/``v`` are account rows, or ``-(g + 1)`` for a group's
        accounts not carried in the page), ``slots`` (the steps of the time window) and
        per-slot amounts: ``edges.series`` and ``accounts.series`` as sparse
        ``[slot, cents, slot, cents, ...]`` lists where they cannot be derived (module
        notes of :func:`render_view`), ``groups.seriesIn``/``seriesOut``; ``rows``,
        ``text`` and display options. When ``json_text`` is a list, the data's
        :func:`~fundgraph.render.html.json_for_script` text is appended to it.
    """
    check_lang(lang)
    err = check_lang(error_lang or lang)
    if view not in VIEWS:
        raise InputError(t("views.error.unknown_view", err, view=view, views=", ".join(VIEWS)))
    if size_by not in ("amount", "pagerank"):
        raise InputError(f"size_by must be 'amount' or 'pagerank', not {size_by!r}")
    limit = int(max_nodes or DEFAULT_MAX_NODES[view])
    if limit < 1:
        raise InputError(f"max_nodes must be at least 1, not {max_nodes!r}")
    per_level = PYRAMID_PER_ROW if max_per_level is None else int(max_per_level)
    if per_level < 1:
        raise InputError(t("views.error.max_per_level", err, n=max_per_level))
    ctx = _prepare(case, lang, err)
    if view == "overview":
        sel = _select_overview(ctx, limit)
    elif view == "pyramid":
        sel = _select_pyramid(ctx, limit, per_level)
    elif view == "community":
        sel = _select_community(ctx, limit)
    else:
        if not focus:
            raise InputError(t("views.error.no_focus", err))
        sel = _select_ego(ctx, limit, focus, hops)
    cache: dict[str, Any] = {}
    data = _page_data(ctx, sel, view=view, size_by=size_by, case=case, cache=cache)
    text = json_for_script(data)
    # a big case stays under the page budget by carrying fewer edges per folded account
    for per_folded in (3, 1):
        if len(text) <= PAGE_DATA_BUDGET:
            break
        data = _page_data(
            ctx,
            sel,
            view=view,
            size_by=size_by,
            case=case,
            edges_per_folded=per_folded,
            cache=cache,
        )
        text = json_for_script(data)
    if json_text is not None:
        json_text.append(text)
    return data


def _page_data(
    ctx: _Context,
    sel: _Selection,
    *,
    view: str,
    size_by: str,
    case: Case,
    edges_per_folded: int = EDGES_PER_FOLDED,
    cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The page's data with ``edges_per_folded`` edges carried per folded account; what
    does not depend on that number is computed once per ``cache``."""
    cache = {} if cache is None else cache
    if "frame" not in cache:
        cache["frame"] = _page_frame(ctx, sel, view=view, size_by=size_by, case=case)
    data, row_of, base = cache["frame"]
    edges_out, edge_slots = _page_edges(
        ctx, sel, row_of, set(sel.shown), base, edges_per_folded, cache=cache
    )
    out = dict(data)  # same keys in the same order; accounts' series come last
    out["accounts"] = {**data["accounts"], "series": _account_series(ctx, row_of, edge_slots)}
    out["edges"] = edges_out
    return out


def _page_frame(
    ctx: _Context, sel: _Selection, *, view: str, size_by: str, case: Case
) -> tuple[dict[str, Any], dict[int, int], pd.Timestamp]:
    """Everything of the page's data but its edges and the accounts' series (which depend
    on the edges carried), the account row of each carried account, and the time base."""
    acc = ctx.acc
    lang = ctx.lang
    n_groups = len(sel.groups)
    flow = acc["flow"].to_numpy()
    acct = acc["account"].to_numpy()
    # members of each group, largest first; the first ones are carried in the page
    members: list[list[int]] = [[] for _ in range(n_groups)]
    for a, g in sel.group_of.items():
        members[g].append(a)
    budget = EMBED_LIMIT
    carried: list[list[int]] = []
    for g, ms in enumerate(members):
        ms.sort(key=lambda a: (-int(flow[a]), acct[a]))
        take = ms if sel.groups[g]["kind"] != "communities" else []
        take = take[: max(0, budget)]
        budget -= len(take)
        carried.append(take)
    rows = list(sel.shown) + [a for ms in carried for a in ms]
    row_of = {a: i for i, a in enumerate(rows)}
    group_col = [-1] * len(sel.shown) + [g for g, ms in enumerate(carried) for _ in ms]

    # times as minutes from the first day of the case
    times = pd.concat([ctx.edges["first_time"], acc["first_time"]], ignore_index=True).dropna()
    base = pd.Timestamp(times.min()).normalize() if len(times) else pd.Timestamp("2000-01-01")

    sub = acc.iloc[rows] if rows else acc.iloc[[]]
    levels = pd.to_numeric(sub["level"], errors="coerce").astype("Float64").round().astype("Int64")
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a in sel.shown:
        x, y = sel.positions.get(("a", a), (0.0, 0.0))
        xs.append(round(float(x), 1))
        ys.append(round(float(y), 1))
    accounts = {
        "id": _texts(sub["account"]),
        "name": _texts(sub["holder_name"]),
        "role": sub["role"].map(_ROLE_INDEX).astype("int64").tolist(),
        "level": levels.astype(object).where(levels.notna(), None).tolist(),
        "in": sub["in_amount"].astype("int64").tolist(),
        "out": sub["out_amount"].astype("int64").tolist(),
        "inCount": sub["in_count"].astype("int64").tolist(),
        "outCount": sub["out_count"].astype("int64").tolist(),
        "first": _minutes_array(sub["first_time"], base),
        "last": _minutes_array(sub["last_time"], base),
        "pagerank": [float(f"{x:.3g}") for x in sub["pagerank"]],  # shown to 3 digits
        "community": _ints_or_none(sub["community"]),
        # row -> alert text, for the few accounts that have one
        "alerts": {
            str(k): ctx.alerts[a] for k, a in enumerate(_texts(sub["account"])) if a in ctx.alerts
        },
        "group": group_col,
        "x": xs,  # positions of the accounts drawn when the page opens (the first rows)
        "y": ys,
    }

    # groups: totals over all members (carried or not)
    groups_out: dict[str, list[Any]] = {
        k: []
        for k in (
            "kind",
            "role",
            "anchor",
            "community",
            "communities",
            "n",
            "amount",
            "in",
            "out",
            "pagerank",
            "first",
            "last",
            "members",
            "x",
            "y",
        )
    }
    a_in = acc["in_amount"].to_numpy()
    a_out = acc["out_amount"].to_numpy()
    a_pr = acc["pagerank"].to_numpy()
    first_m = _minutes_array(acc["first_time"], base)
    last_m = _minutes_array(acc["last_time"], base)
    for g, grp in enumerate(sel.groups):
        ms = members[g]
        fs = [m for a in ms if (m := first_m[a]) is not None]
        ls = [m for a in ms if (m := last_m[a]) is not None]
        x, y = sel.positions.get(("g", g), (0.0, 0.0))
        groups_out["kind"].append(grp["kind"])
        groups_out["role"].append(_ROLE_INDEX[grp["role"]])
        anc = grp.get("anchor")
        groups_out["anchor"].append(row_of.get(anc, -1) if anc is not None else -1)
        groups_out["community"].append(grp.get("community"))
        groups_out["communities"].append(grp.get("communities", 0))
        groups_out["n"].append(len(ms))
        groups_out["amount"].append(int(sum(int(flow[a]) for a in ms)))
        groups_out["in"].append(int(sum(int(a_in[a]) for a in ms)))
        groups_out["out"].append(int(sum(int(a_out[a]) for a in ms)))
        groups_out["pagerank"].append(float(f"{sum(float(a_pr[a]) for a in ms):.4g}"))
        groups_out["first"].append(min(fs) if fs else None)
        groups_out["last"].append(max(ls) if ls else None)
        # carried members are consecutive rows: [first row, how many]
        groups_out["members"].append(
            [row_of[carried[g][0]], len(carried[g])] if carried[g] else [len(rows), 0]
        )
        groups_out["x"].append(round(float(x), 1))
        groups_out["y"].append(round(float(y), 1))

    groups_out["seriesIn"], groups_out["seriesOut"] = _group_series(ctx, sel)

    def end(u: tuple[str, int]) -> int:
        return row_of[u[1]] if u[0] == "a" else -(u[1] + 1)

    tree = [[end(c), end(p)] for c, p in sel.tree]
    font_scale = sel.font_scale or _font_scale(list(sel.positions.values()))
    text = {k: v for k, v in catalogue(lang).items() if k.startswith(("views.", "role."))}
    title = t(f"views.title.{view}", lang)
    summary = case.summary or {}
    facts = []
    if summary.get("total_absorbed") not in (None, ""):
        try:
            from ..money import cents

            facts.append(
                t(
                    "views.fact.absorbed",
                    lang,
                    amount=format_cny(cents(str(summary["total_absorbed"])), lang),
                )
            )
        except (ValueError, TypeError):
            pass
    if summary.get("participant_persons") not in (None, ""):
        facts.append(t("views.fact.persons", lang, n=summary["participant_persons"]))
    if summary.get("max_level") not in (None, ""):
        facts.append(t("views.fact.levels", lang, n=summary["max_level"]))
    facts.append(t("views.fact.accounts", lang, n=f"{len(acc):,}"))
    return (
        {
            "view": view,
            "lang": lang,
            "title": title,
            "facts": facts,
            "note": sel.note,
            "sizeBy": size_by,
            "expand": sel.expand,
            "expandPage": EXPAND_PAGE,
            "maxEdges": MAX_DRAWN_EDGES,
            "base": base.strftime("%Y-%m-%dT%H:%M:%S"),
            "slots": {"unit": ctx.slots.unit, "start": ctx.slots.starts()},
            "roles": list(ROLES),
            "colors": [ROLE_COLORS[r] for r in ROLES],
            "rows": sel.rows,
            "rowHeight": sel.row_height,
            "fontScale": font_scale,
            "tree": tree,
            "accounts": accounts,
            "groups": groups_out,
            "edges": None,
            "text": text,
        },
        row_of,
        base,
    )


def _font_scale(points: list[tuple[float, float]]) -> float:
    """How much to enlarge labels so that they are about 12 px on screen when the whole
    drawing is fitted into a ~1050 x 750 px canvas (between 1 and 5)."""
    if len(points) < 2:
        return 1.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    w = max(xs) - min(xs) + 200.0
    h = max(ys) - min(ys) + 200.0
    scale = min(1050.0 / w, 750.0 / h)
    return round(min(5.0, max(1.0, 12.5 / (14.0 * scale))), 2)


def _page_edges(
    ctx: _Context,
    sel: _Selection,
    row_of: dict[int, int],
    shown: set[int],
    base: pd.Timestamp,
    edges_per_folded: int = EDGES_PER_FOLDED,
    cache: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Edges between page ends: an account row, or ``-(g + 1)`` for a group's uncarried rest.

    Also returns the carried edges' amounts per time slot (``u``, ``v``, ``slot``,
    ``amount``). ``series`` in the page holds them only for edges whose money is not all
    in the slot of their first transfer: for most edges (one transfer, or one month) the
    page derives the series from ``first`` and ``amount``. The sums over all edges and
    flows, which do not depend on ``edges_per_folded``, are kept in ``cache``.
    """
    cache = {} if cache is None else cache
    if "edges" not in cache:
        cache["edges"] = _page_edge_sums(ctx, sel, row_of)
    d, folded_u, folded_v, rank_u, rank_v, per_slot = cache["edges"]
    ok = (~folded_u | (rank_u < edges_per_folded)) & (~folded_v | (rank_v < edges_per_folded))
    d = d[ok].sort_values(["u", "v"]).reset_index(drop=True)

    edge_no = pd.Series(np.arange(len(d)), index=pd.MultiIndex.from_frame(d[["u", "v"]]))
    per_slot = per_slot.copy()
    per_slot["edge"] = edge_no.reindex(pd.MultiIndex.from_frame(per_slot[["u", "v"]])).to_numpy()
    per_slot = per_slot[per_slot["edge"].notna()].astype({"edge": "int64"})
    # edges whose money is all in the slot of their first transfer need no series
    n_slots = per_slot.groupby("edge")["slot"].agg(["size", "min"])
    first_ok = d["first"].notna().to_numpy()
    first_slot = np.full(len(d), -1, dtype="int64")
    if first_ok.any():
        first_slot[first_ok] = ctx.slots.of(d.loc[first_ok, "first"])
    implied = np.zeros(len(d), dtype=bool)
    idx = n_slots.index.to_numpy()
    implied[idx] = (n_slots["size"].to_numpy() == 1) & (
        n_slots["min"].to_numpy() == first_slot[idx]
    )
    implied &= d["amount"].to_numpy() == np.bincount(
        per_slot["edge"], weights=per_slot["amount"], minlength=len(d)
    ).astype("int64")
    explicit = per_slot[~implied[per_slot["edge"].to_numpy()]]
    series = {str(k): v for k, v in _flat_series(explicit, "edge").items()}
    out = {
        "u": d["u"].astype("int64").tolist(),
        "v": d["v"].astype("int64").tolist(),
        "amount": d["amount"].astype("int64").tolist(),
        "count": d["count"].astype("int64").tolist(),
        "first": _minutes_array(d["first"], base),
        # null where the edge is one transfer (last = first)
        "last": _minutes_array(d["last"].where(d["count"] > 1), base),
        "series": series,
    }
    return out, per_slot[["u", "v", "slot", "amount"]]


def _page_edge_sums(ctx: _Context, sel: _Selection, row_of: dict[int, int]):
    """The edges between page ends, largest first, with each one's rank among the edges
    of its two ends; and the flows between page ends per slot (``u``, ``v``, ``slot``,
    ``amount``)."""
    e = ctx.edges
    n = len(ctx.acc)
    none = np.iinfo(np.int64).min
    end = np.full(n, none, dtype="int64")
    for a, g in sel.group_of.items():
        end[a] = -(g + 1)
    for a, r in row_of.items():
        end[a] = r
    u = end[e["u"].to_numpy()]
    v = end[e["v"].to_numpy()]
    keep = (u != none) & (v != none)
    d = pd.DataFrame(
        {
            "u": u[keep],
            "v": v[keep],
            "amount": e["amount"].to_numpy()[keep],
            "count": e["count"].to_numpy()[keep],
            "first": e["first_time"].to_numpy()[keep],
            "last": e["last_time"].to_numpy()[keep],
        }
    )
    d = d.groupby(["u", "v"], as_index=False, sort=True).agg(
        amount=("amount", "sum"),
        count=("count", "sum"),
        first=("first", "min"),
        last=("last", "max"),
    )
    d = d[d["u"] != d["v"]]
    # a folded account carries only its largest few edges
    n_shown = len(sel.shown)
    d = d.sort_values(["amount", "u", "v"], ascending=[False, True, True])
    folded_u = d["u"] >= n_shown
    folded_v = d["v"] >= n_shown
    rank_u = d.groupby("u").cumcount()
    rank_v = d.groupby("v").cumcount()

    f = ctx.flows
    fu = end[f["u"].to_numpy()]
    fv = end[f["v"].to_numpy()]
    fk = (fu != none) & (fv != none) & (fu != fv)
    per_slot = (
        pd.DataFrame(
            {
                "u": fu[fk],
                "v": fv[fk],
                "slot": f["slot"].to_numpy()[fk],
                "amount": f["amount"].to_numpy()[fk],
            }
        )
        .groupby(["u", "v", "slot"], as_index=False)["amount"]
        .sum()
    )
    return d, folded_u, folded_v, rank_u, rank_v, per_slot


def _account_series(
    ctx: _Context, row_of: dict[int, int], edge_slots: pd.DataFrame
) -> dict[str, Any]:
    """Row -> ``[in, out]`` sparse per-slot series, for the accounts whose carried edges
    do not add up to their own flows (cash, edges left out of the page, big accounts);
    for the others the page sums the edges."""
    codes = np.fromiter(row_of.keys(), dtype="int64", count=len(row_of))
    rows = np.fromiter(row_of.values(), dtype="int64", count=len(row_of))
    to_row = np.full(len(ctx.acc), -1, dtype="int64")
    to_row[codes] = rows

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        r = to_row[frame["a"].to_numpy()]
        return pd.DataFrame(
            {"r": r, "slot": frame["slot"].to_numpy(), "amount": frame["amount"].to_numpy()}
        )[r >= 0]

    def derived(col: str) -> pd.DataFrame:
        x = edge_slots[edge_slots[col] >= 0]
        return x.groupby([col, "slot"], as_index=False)["amount"].sum().rename(columns={col: "r"})

    mine_in, mine_out = own(ctx.acc_in), own(ctx.acc_out)
    differ: set[int] = set()
    for mine, edges in ((mine_in, derived("v")), (mine_out, derived("u"))):
        m = mine.merge(edges, on=["r", "slot"], how="outer", suffixes=("", "_e")).fillna(0)
        differ.update(m.loc[m["amount"] != m["amount_e"], "r"].astype("int64").tolist())
    if not differ:
        return {}
    pick = np.zeros(len(row_of) + 1, dtype=bool)
    pick[list(differ)] = True
    s_in = _flat_series(mine_in[pick[mine_in["r"].to_numpy()]], "r")
    s_out = _flat_series(mine_out[pick[mine_out["r"].to_numpy()]], "r")
    return {str(r): [s_in.get(r, []), s_out.get(r, [])] for r in sorted(differ)}


def _group_series(ctx: _Context, sel: _Selection) -> tuple[list[list[int]], list[list[int]]]:
    """Each group's money in and out per slot, over all its members (carried or not)."""
    n = len(sel.groups)
    gof = np.full(len(ctx.acc), -1, dtype="int64")
    if sel.group_of:
        gof[np.fromiter(sel.group_of.keys(), dtype="int64")] = np.fromiter(
            sel.group_of.values(), dtype="int64"
        )
    out = []
    for frame in (ctx.acc_in, ctx.acc_out):
        g = gof[frame["a"].to_numpy()]
        x = pd.DataFrame(
            {"g": g, "slot": frame["slot"].to_numpy(), "amount": frame["amount"].to_numpy()}
        )
        x = x[x["g"] >= 0].groupby(["g", "slot"], as_index=False)["amount"].sum()
        flat = _flat_series(x, "g")
        out.append([flat.get(k, []) for k in range(n)])
    return out[0], out[1]


# --------------------------------------------------------------------------- the page
def _vis_options() -> dict[str, Any]:
    """vis-network options for large, pre-positioned graphs (physics off, straight edges).

    Written out here rather than through pyvis's ``Network``: importing pyvis pulls in
    IPython and costs more than a second, while the page only needs these options.
    """
    opts: dict[str, Any] = {}
    font = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
    opts["configure"] = {"enabled": False}
    opts["layout"] = {"improvedLayout": False, "randomSeed": 7}
    opts["physics"] = {
        "enabled": False,
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -8000, "springLength": 120, "avoidOverlap": 0.3},
        "stabilization": {"enabled": False},
    }
    opts["interaction"] = {
        "hover": True,
        "tooltipDelay": 150,
        "hideEdgesOnDrag": True,
        "hideEdgesOnZoom": False,
        "multiselect": False,
        "navigationButtons": False,
        "keyboard": False,
    }
    opts["nodes"] = {
        "shape": "dot",
        "borderWidth": 1,
        "font": {
            "face": font,
            "size": 14,
            "color": "#1f2933",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"enabled": False, "drawThreshold": 6}},
    }
    opts["edges"] = {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "font": {"face": font, "size": 11},
        "selectionWidth": 2,
        "color": {"inherit": False},
    }
    return opts


def _template() -> str:
    return (resources.files("fundgraph") / "render" / "templates" / _TEMPLATE).read_text(
        encoding="utf-8"
    )


def _fill(template: str, values: dict[str, str]) -> str:
    # one pass over the template: a substituted value is never scanned for markers, so
    # a holder name such as "{{DATA}}" stays text
    missing = [k for k in values if "{{" + k + "}}" not in template]
    if missing:
        raise ValueError(f"template {_TEMPLATE} has no {{{{{missing[0]}}}}}")
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_view(
    case: Case,
    out_path: str | os.PathLike,
    *,
    view: str = "overview",
    focus: str | None = None,
    hops: int = 2,
    lang: str = "zh",
    max_nodes: int | None = None,
    size_by: str = "amount",
    max_per_level: int | None = None,
    error_lang: str | None = None,
) -> Path:
    """Write one interactive view of ``case`` as a self-contained HTML page.

    Parameters
    ----------
    case : Case
        An analysed case (:func:`fundgraph.case.load_case`).
    out_path : path
        The HTML file to write (its folder is created).
    view : {"overview", "pyramid", "community", "ego"}
        Which picture to draw (see the module documentation).
    focus : str, optional
        The account at the centre of the ``ego`` view (an alias is accepted).
    hops : int
        How many transfers away from ``focus`` the ``ego`` view reaches.
    lang : {"zh", "en"}
        Language of every text on the page; amounts follow it (``¥1.2亿`` / ``¥120,000,000.00``).
    max_nodes : int, optional
        Nodes (accounts and groups) drawn when the page opens; default per view in
        :data:`DEFAULT_MAX_NODES`. Accounts beyond it are folded into group nodes.
    size_by : {"amount", "pagerank"}
        Initial node size measure (the page can switch).
    max_per_level : int, optional
        ``pyramid`` only: scheme accounts drawn per level (the largest whose upstream
        account is drawn), default :data:`PYRAMID_PER_ROW`; the others fold into branch
        groups. Lowered further when the page would exceed ``max_nodes``.
    error_lang : {"zh", "en"}, optional
        Language of the errors raised (default ``lang``): the command line passes its own.

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    InputError
        Unknown view, ``ego`` without ``focus``, or a ``focus`` that is not in the case.

    Notes
    -----
    A folded account carries its largest :data:`EDGES_PER_FOLDED` edges into the page;
    at most :data:`EMBED_LIMIT` folded accounts are carried (the largest first), the rest
    are counted in their group's totals but cannot be opened. Positions are computed here
    (layered rows for ``pyramid``, radial trees for ``overview`` and ``ego``, a small
    force layout over communities), so physics is off when the page opens.

    Every page has a time window over the case's months (days when the case spans less
    than :data:`DAY_SLOTS_UP_TO` days). Each carried edge has its amount per slot, written
    out only where it is not all in the slot of the edge's first transfer; each account
    its money in and out per slot, written out only where its carried edges do not add up
    to it; each group the sum over all its members. The window hides edges with no money
    in it, sizes the rest by the money in it, and hides accounts and groups left without
    an edge (core accounts stay, faded).

    Examples
    --------
    >>> from fundgraph.case import load_case  # doctest: +SKIP
    >>> render_view(load_case("case"), "case/pyramid.html", view="pyramid")  # doctest: +SKIP
    PosixPath('case/pyramid.html')
    """
    text: list[str] = []
    data = view_data(
        case,
        view=view,
        focus=focus,
        hops=hops,
        lang=lang,
        max_nodes=max_nodes,
        size_by=size_by,
        max_per_level=max_per_level,
        error_lang=error_lang,
        json_text=text,
    )
    page = _fill(
        _template(),
        {
            "LANG": esc("zh-CN" if lang == "zh" else "en"),
            "TITLE": esc(data["title"]),
            "VIS_CSS": inline_asset("vis-network.css"),
            "VIS_JS": inline_asset("vis-network.min.js"),
            "OPTIONS": json_for_script(_vis_options()),
            "DATA": text[0],
        },
    )
    out = Path(out_path)
    atomic_write_text(out, page)
    return out


def render_all(case: Case, out_dir: str | os.PathLike, lang: str = "zh") -> list[Path]:
    """Write the pages the pipeline ships with a case: ``graph.html`` (the overview) and
    ``report.html`` (:func:`fundgraph.render.report.render_report`).

    Parameters
    ----------
    case : Case
        The analysed case.
    out_dir : path
        The case folder.
    lang : {"zh", "en"}
        Language of the page.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir)
    paths = [render_view(case, out / "graph.html", view="overview", lang=lang)]
    from .report import render_report

    paths.append(Path(render_report(case, out / "report.html", lang=lang)))
    return paths
