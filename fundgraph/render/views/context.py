"""The data model of the views: the case reduced to integer-coded arrays (accounts,
edges, money per time slot) that a view selects from, and what a selection holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...case import Case
from ...coded import text_ends
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
    for a, r in zip(
        case.alerts["account"].astype(str), alert_texts(case.alerts, lang)["reasons"], strict=True
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
