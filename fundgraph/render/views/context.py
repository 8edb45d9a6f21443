"""The data model of the views: the case reduced to integer-coded arrays (accounts,
edges, money per time slot) that a view selects from, and what a selection holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...case import Case
from ...coded import CodedTransfers, text_ends
from ...graph import aggregate_edges
from ...results import alert_texts
from ...schema import CASH, ROLES

#: A case spanning at most this many days gets one time-window step per day, else per month.
DAY_SLOTS_UP_TO = 92


_ROLE_INDEX = {r: i for i, r in enumerate(ROLES)}


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
        t = pd.DatetimeIndex(pd.to_datetime(times)).to_numpy()
        if self.unit == "day":
            days = t.astype("datetime64[D]") - np.datetime64(self.first.date(), "D")
            return days.astype("int64")
        month = np.datetime64(self.first.strftime("%Y-%m"), "M")
        return (t.astype("datetime64[M]") - month).astype("int64")

    def starts(self) -> list[str]:
        """The first day of every slot, ``YYYY-MM-DD``."""
        step = pd.DateOffset(days=1) if self.unit == "day" else pd.DateOffset(months=1)
        return [(self.first + k * step).strftime("%Y-%m-%d") for k in range(self.count)]


def _flat_series(frame: pd.DataFrame, key: str) -> dict[int, list[int]]:
    """``key`` -> ``[slot, cents, slot, cents, ...]`` (slots ascending) from key/slot/amount rows."""
    f = frame.sort_values([key, "slot"])
    return _flat_lists(f[key].to_numpy(), f["slot"].to_numpy(), f["amount"].to_numpy())


def _flat_lists(keys: np.ndarray, slot: np.ndarray, amount: np.ndarray) -> dict[int, list[int]]:
    """:func:`_flat_series` of rows already in the order of (key, slot)."""
    out: dict[int, list[int]] = {}
    if not len(keys):
        return out
    flat = np.column_stack([slot, amount]).astype("int64").ravel().tolist()
    cuts = np.flatnonzero(np.diff(keys)) + 1
    lo, hi = np.r_[0, cuts], np.r_[cuts, len(keys)]
    # one slice of the flat list per key, cut without a Python loop
    parts = map(flat.__getitem__, map(slice, (2 * lo).tolist(), (2 * hi).tolist()))
    out.update(zip(keys[lo].astype("int64").tolist(), parts, strict=True))
    return out


def _sum_by(key: np.ndarray, amount: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``key`` (ascending, each in ``range(size)``) and the sum of
    ``amount`` (integer cents) over each.

    Counted in one pass (``numpy.bincount``) where the key range is not much larger than
    the keys, else over the distinct keys; the float sums are exact while the amounts'
    absolute total stays below 2**52, else the sums are taken on the sorted integers.

    >>> k, s = _sum_by(np.array([3, 1, 3]), np.array([5, 0, 7]), 4)
    >>> k.tolist(), s.tolist()
    ([1, 3], [0, 12])
    """
    key = np.asarray(key, dtype="int64")
    amount = np.asarray(amount, dtype="int64")
    if not len(key):
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    uniq = None
    if size > 4 * len(key) + (1 << 20):
        uniq, key = np.unique(key, return_inverse=True)
        size = len(uniq)
    if int(np.abs(amount).sum()) < 2**52:
        present = np.flatnonzero(np.bincount(key, minlength=size))
        sums = np.bincount(key, weights=amount, minlength=size)[present].astype("int64")
    else:
        order = np.argsort(key, kind="stable")
        k = key[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        present = k[starts]
        sums = np.add.reduceat(amount[order], starts)
    return (present if uniq is None else uniq[present]).astype("int64"), sums


@dataclass
class _Moves:
    """The dated transfers as arrays, one entry each: their ends as account codes (-1 for
    cash, or an account not in ``acc``), time slot, cents, and the row of ``edges`` each
    one is part of (-1: cash, or an account paying itself)."""

    u: np.ndarray
    v: np.ndarray
    slot: np.ndarray
    amount: np.ndarray
    edge: np.ndarray


@dataclass
class _Context:
    """The case reduced to integer-coded arrays the views select from."""

    acc: pd.DataFrame  # one row per account, RangeIndex = account code
    edges: pd.DataFrame  # u, v (codes), amount, count, first_time, last_time
    pairs: pd.DataFrame  # a, b, amount: undirected, both orientations
    alerts: dict[str, str]
    lang: str
    slots: _Slots  # the steps of the time window
    moves: _Moves  # the dated transfers, each summed into a page per slot
    error_lang: str = "zh"
    _index: dict[str, int] | None = field(default=None, init=False, repr=False)
    _rank: np.ndarray | None = field(default=None, init=False, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def code_of(self, account: str) -> int | None:
        if self._index is None:
            self._index = {a: i for i, a in enumerate(self.acc["account"])}
        hit = self._index.get(account)
        if hit is not None:
            return hit
        if "aliases" in self.acc:
            for i, al in zip(self.acc.index, self.acc["aliases"], strict=False):
                if al and account in str(al).split(";"):
                    return int(i)
        return None

    def role_codes(self) -> np.ndarray:
        """Each account's role as its place in :data:`fundgraph.schema.ROLES`."""
        if "roles" not in self._cache:
            self._cache["roles"] = self.acc["role"].map(_ROLE_INDEX).to_numpy(dtype="int64")
        return self._cache["roles"]

    def account_rank(self) -> np.ndarray:
        """Each account's place in the order of the account ids (as text)."""
        if self._rank is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            ids = pa.array(self.acc["account"].to_numpy(dtype=object), type=pa.string())
            order = pc.sort_indices(ids).to_numpy()
            rank = np.empty(len(order), dtype="int64")
            rank[order] = np.arange(len(order))
            self._rank = rank
        return self._rank


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


def _end_codes(case: Case) -> CodedTransfers | None:
    """The case's coded transfers (:meth:`fundgraph.case.Case.coded`), or None when the
    ends are not all text (then the views use the slower general path)."""
    if not text_ends(case.transfers):
        return None
    return case.coded()


def _account_edges(transfers: pd.DataFrame, coded: CodedTransfers | None) -> pd.DataFrame:
    """:func:`fundgraph.graph.aggregate_edges` (same rows, order and values), from the
    coded transfers' pairs (:meth:`~fundgraph.coded.CodedTransfers.pair_edges`, which the
    analysis has already summed) where they are known."""
    if coded is None:
        return aggregate_edges(transfers)
    e = coded.pair_edges()
    if not len(e.src):
        return aggregate_edges(transfers.iloc[:0])
    ids = e.nodes.to_numpy(dtype=object)
    nat, top = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    first = np.full(len(e.src), top, dtype="int64")
    np.minimum.at(first, e.pair, np.where(coded.tns == nat, top, coded.tns))
    first[first == top] = nat
    last = np.full(len(e.src), nat, dtype="int64")
    np.maximum.at(last, e.pair, coded.tns)
    return pd.DataFrame(
        {
            "src": ids[e.src],
            "dst": ids[e.dst],
            "amount": e.amount.astype("int64"),
            "count": e.count.astype("int64"),
            "first_time": first.view("datetime64[ns]"),
            "last_time": last.view("datetime64[ns]"),
        }
    )


def _prepare(case: Case, lang: str, error_lang: str | None = None) -> _Context:
    coded = _end_codes(case)
    agg = _account_edges(case.transfers, coded)
    acc = case.accounts.copy()
    if "account" not in acc:
        acc = pd.DataFrame({"account": pd.Series(dtype=object)})
    acc["account"] = acc["account"].astype(str)
    if coded is not None and len(agg):
        # the pairs' accounts by number: every text id is looked at once, not once a pair
        e = coded.pair_edges()
        ids = e.nodes.to_numpy(dtype=object)
        named = np.zeros(len(ids), dtype=bool)
        named[e.src] = True
        named[e.dst] = True
        seen = ids[named]
        src_of, dst_of = e.src, e.dst
    else:
        ids = pd.unique(pd.concat([agg["src"], agg["dst"]], ignore_index=True).astype(str))
        seen = ids
        src_of = pd.Index(ids).get_indexer(agg["src"].astype(str))
        dst_of = pd.Index(ids).get_indexer(agg["dst"].astype(str))
    known = pd.Series(seen, dtype=object).isin(acc["account"].to_numpy(dtype=object))
    missing = sorted(seen[~known.to_numpy()])
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
    blank = ((acc["in_amount"] == 0) & (acc["out_amount"] == 0)).to_numpy()
    if blank.any():
        at = pd.Index(ids).get_indexer(acc.loc[blank, "account"])
        amount = agg["amount"].to_numpy(dtype="int64")
        for col, end, w in (
            ("in_amount", dst_of, amount),
            ("out_amount", src_of, amount),
            ("in_count", dst_of, agg["count"].to_numpy(dtype="int64")),
            ("out_count", src_of, agg["count"].to_numpy(dtype="int64")),
        ):
            total = np.zeros(len(ids) + 1, dtype="int64")  # the last: not an end of any pair
            k, sums = _sum_by(end, w, len(ids))
            total[k] = sums
            acc.loc[blank, col] = total[at]
    acc["flow"] = np.maximum(acc["in_amount"].to_numpy(), acc["out_amount"].to_numpy())

    code = pd.Index(acc["account"])
    of_id = code.get_indexer(ids)
    u_all, v_all = of_id[src_of], of_id[dst_of]
    keep = (u_all >= 0) & (v_all >= 0) & (u_all != v_all)
    edges = pd.DataFrame(
        {
            "u": u_all[keep],
            "v": v_all[keep],
            "amount": agg["amount"].to_numpy(dtype="int64")[keep],
            "count": agg["count"].to_numpy(dtype="int64")[keep],
            "first_time": agg["first_time"].to_numpy()[keep],
            "last_time": agg["last_time"].to_numpy()[keep],
        }
    )
    edge_of_pair = np.full(len(agg) + 1, -1, dtype="int64")  # the last: no pair
    edge_of_pair[np.flatnonzero(keep)] = np.arange(len(edges))
    # both orientations summed per unordered pair, in the order they first appear
    n = max(len(acc), 1)
    a = np.r_[edges["u"].to_numpy(), edges["v"].to_numpy()].astype("int64")
    b = np.r_[edges["v"].to_numpy(), edges["u"].to_numpy()].astype("int64")
    pair_no, pair_key = pd.factorize(a * n + b)
    _, pair_amount = _sum_by(pair_no, np.r_[edges["amount"], edges["amount"]], len(pair_key))
    pair_key = np.asarray(pair_key, dtype="int64")
    pairs = pd.DataFrame({"a": pair_key // n, "b": pair_key % n, "amount": pair_amount})

    alerts: dict[str, str] = {}
    for ac, r in zip(
        case.alerts["account"].astype(str), alert_texts(case.alerts, lang)["reasons"], strict=True
    ):
        if r:
            alerts[ac] = r[:400]
    slots, moves = _moves(case.transfers, code, coded, edge_of_pair, edges)
    return _Context(
        acc=acc,
        edges=edges,
        pairs=pairs,
        alerts=alerts,
        lang=lang,
        slots=slots,
        moves=moves,
        error_lang=error_lang or lang,
    )


def _moves(
    transfers: pd.DataFrame,
    code: pd.Index,
    coded: CodedTransfers | None,
    edge_of_pair: np.ndarray,
    edges: pd.DataFrame,
) -> tuple[_Slots, _Moves]:
    """The time slots of the case and its dated transfers as :class:`_Moves`
    (``edge_of_pair``: the row of ``edges`` of each of ``coded``'s pairs, -1 where none)."""
    none = np.zeros(0, dtype="int64")
    if transfers is None or not len(transfers) or "time" not in transfers:
        return _Slots.spanning(pd.Series(dtype="datetime64[ns]")), _Moves(*[none] * 5)
    if coded is not None:
        times = coded.t_all
        dated = ~np.isnat(times)
        e = coded.pair_edges()
        # account code per number of the coded transfers (cash, -1, stays -1)
        node_code = np.r_[code.get_indexer(coded.nodes), -1]
        edge = np.full(len(transfers), -1, dtype="int64")
        edge[coded.row] = edge_of_pair[e.pair] if len(e.src) else -1
        u, v, amount = node_code[coded.s_all], node_code[coded.d_all], coded.a_all
        if not dated.all():
            u, v, edge, amount, times = u[dated], v[dated], edge[dated], amount[dated], times[dated]
    else:
        t = transfers[["src", "dst", "amount", "time"]].copy()
        t["time"] = pd.to_datetime(t["time"], errors="coerce")
        dated = t["time"].notna().to_numpy()
        t = t[dated]
        src = t["src"].fillna(CASH).astype(str)
        dst = t["dst"].fillna(CASH).astype(str)
        u = np.where(src.to_numpy() == CASH, -1, code.get_indexer(src))
        v = np.where(dst.to_numpy() == CASH, -1, code.get_indexer(dst))
        n = max(len(code), 1)
        at = pd.Index(edges["u"].to_numpy() * n + edges["v"].to_numpy()).get_indexer(u * n + v)
        edge = np.where((u >= 0) & (v >= 0), at, -1)
        amount, times = t["amount"].to_numpy(dtype="int64"), t["time"].to_numpy()
    span = pd.Series([times.min(), times.max()]) if len(times) else pd.Series(times)
    slots = _Slots.spanning(span)
    moves = _Moves(
        u=np.asarray(u, dtype="int64"),
        v=np.asarray(v, dtype="int64"),
        slot=slots.of(times) if len(times) else none,
        amount=np.asarray(amount, dtype="int64"),
        edge=np.asarray(edge, dtype="int64"),
    )
    return slots, moves


def _anchors(ctx: _Context, candidates: np.ndarray, shown: np.ndarray) -> pd.Series:
    """For each candidate account, the shown account it exchanged most money with (of
    equal amounts the lowest code), indexed by the candidates in ascending order."""
    n = len(ctx.acc)
    cand = np.zeros(n, dtype=bool)
    cand[candidates] = True
    sh = np.zeros(n, dtype=bool)
    sh[shown] = True
    p = ctx.pairs
    a, b = p["a"].to_numpy(dtype="int64"), p["b"].to_numpy(dtype="int64")
    hit = np.flatnonzero(cand[a] & sh[b])
    if not len(hit):
        return pd.Series(dtype="int64")
    a, b, amount = a[hit], b[hit], p["amount"].to_numpy(dtype="int64")[hit]
    most = np.full(n, np.iinfo(np.int64).min, dtype="int64")
    np.maximum.at(most, a, amount)
    top = amount == most[a]
    best = np.full(n, n, dtype="int64")
    np.minimum.at(best, a[top], b[top])
    found = np.flatnonzero(best < n)
    return pd.Series(best[found], index=found)


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
    role_code = ctx.role_codes()[folded]
    rank = np.full(len(ctx.acc) + 1, len(shown), dtype="int64")
    rank[shown_arr] = np.arange(len(shown_arr))
    # one group per (anchor, role), numbered by the anchor's place among the shown
    combo, member = np.unique((anc + 1) * len(ROLES) + role_code, return_inverse=True)
    g_anchor, g_role = combo // len(ROLES) - 1, combo % len(ROLES)
    order = np.lexsort((g_role, rank[g_anchor]))
    gid = np.empty(len(combo), dtype="int64")
    gid[order] = np.arange(len(combo))
    group_of = dict(zip(folded.tolist(), gid[member].tolist(), strict=True))
    groups = [
        {"kind": "members", "role": ROLES[r], "anchor": a if a >= 0 else None}
        for a, r in zip(g_anchor[order].tolist(), g_role[order].tolist(), strict=True)
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
