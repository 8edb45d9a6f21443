"""Following the money through mixed accounts: FIFO, LIFO, proportional and LIBR tracing.

An account mixes the money it receives; to say where one sum went, a rule must say which
money leaves first (docs/method.md). :func:`trace_forward` follows the money that entered an
account to where it ended; :func:`trace_backward` follows the money that entered an account
back to where it came from. Both respect time — money never leaves an account before it
arrived — and conserve money: the ending amounts sum exactly, to the cent, to the amount
traced.

The rules
---------
``fifo``
    First in, first out: the oldest money in the account leaves first (Clayton's case).
``lifo``
    Last in, first out: the newest money leaves first.
``proportional``
    Every outflow carries the account's mix at that moment (pro rata, "rolling charge").
``libr``
    Lowest intermediate balance rule: the account holder's own (untraced) money is deemed to
    leave first, so the traced money left in the account never exceeds the lowest balance
    the account fell to since it arrived; when the balance dips below the traced money,
    the traced funds leave pro rata among themselves.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"src": ["p1", "p2", "col", "col"], "dst": ["col", "col", "core", ""],
...                   "amount": [10_000, 30_000, 25_000, 15_000],
...                   "time": pd.to_datetime(["2022-01-01", "2022-01-02",
...                                           "2022-01-03", "2022-01-04"])})
>>> r = trace_forward(t, "p1", method="fifo")
>>> r[["path", "end_kind", "amount"]].values.tolist()
[['p1 → col → core', 'left_scope', 10000]]
>>> r = trace_forward(t, "p2", method="fifo")
>>> r[["path", "end_kind", "amount"]].values.tolist()
[['p2 → col → (cash)', 'cash', 15000], ['p2 → col → core', 'left_scope', 15000]]
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..coded import CodedTransfers, code_transfers, text_ends
from ..errors import InputError
from ..money import split_largest_remainder
from ..schema import CASH, is_unknown

__all__ = [
    "METHODS",
    "END_KINDS",
    "CASH_LABEL",
    "UNNAMED_LABEL",
    "RESULT_COLUMNS",
    "trace_forward",
    "trace_backward",
    "trace_destinations",
    "resolve_account",
    "opening_balances",
    "split_largest_remainder",
]

#: The tracing rules, in the order they are presented.
METHODS = ("fifo", "lifo", "proportional", "libr")

#: How a traced sum ends (``end_kind``).
END_KINDS = ("cash", "unnamed", "held", "left_scope", "unknown")

#: How a cash withdrawal (or deposit) is written in ``path``.
CASH_LABEL = "(cash)"

#: How money to or from a counterparty the statement does not name (not cash) is written
#: in ``path``.
UNNAMED_LABEL = "(unnamed)"

# the code name of that counterparty inside the tracer (no account id holds a NUL)
_UNNAMED = "\x00unnamed"

_ARROW = " → "
_UNTRACED = -1
_NEVER = 2**62  # a time (ns) later than any data: relabelled lots never expire again
_BEFORE = -(2**62)  # a time (ns) before any data: opening balances

RESULT_COLUMNS = [
    "path",
    "hops",
    "start",
    "end",
    "end_kind",
    "amount",
    "first_time",
    "last_time",
    "method",
    "transfer_ids",
]


def _push(pieces: list[list[int]], label: int, amount: int) -> None:
    if amount <= 0:
        return
    if pieces and pieces[-1][0] == label:
        pieces[-1][1] += amount
    else:
        pieces.append([label, amount])


# --------------------------------------------------------------------------- ledgers


class _Queue:
    """Lots in arrival order; FIFO takes from the oldest end, LIFO from the newest."""

    __slots__ = ("lots", "lifo", "merge_any", "checked")

    def __init__(self, lifo: bool, merge_any: bool) -> None:
        self.lots: deque[list[int]] = deque()  # [time, amount, label]
        self.lifo = lifo
        self.merge_any = merge_any  # merge adjacent lots of one label whatever their times
        self.checked = 0  # leading lots already past the max_gap cut-off

    def add(self, t: int, amount: int, label: int) -> None:
        lots = self.lots
        if lots:
            last = lots[-1]
            if last[2] == label and (self.merge_any or label == _UNTRACED or last[0] == t):
                last[1] += amount
                return
        lots.append([t, amount, label])

    def take(self, x: int) -> list[list[int]]:
        out: list[list[int]] = []
        lots = self.lots
        lifo = self.lifo
        while x > 0 and lots:
            lot = lots[-1] if lifo else lots[0]
            if lot[1] <= x:
                if lifo:
                    lots.pop()
                else:
                    lots.popleft()
                    if self.checked:
                        self.checked -= 1
                x -= lot[1]
                _push(out, lot[2], lot[1])
            else:
                lot[1] -= x
                _push(out, lot[2], x)
                x = 0
        if self.checked > len(lots):
            self.checked = len(lots)
        if x > 0:
            _push(out, _UNTRACED, x)
        return out

    def expire(self, cutoff: int, relabel) -> None:
        lots = self.lots
        i = self.checked
        n = len(lots)
        while i < n and lots[i][0] < cutoff:
            lot = lots[i]
            if lot[2] != _UNTRACED:
                lot[2] = relabel(lot[2], lot[1])
            i += 1
        self.checked = i

    def items(self) -> Iterable[tuple[int, int]]:
        for _, a, lab in self.lots:
            if lab != _UNTRACED and a > 0:
                yield lab, a


class _Pool:
    """Untraced money plus traced parts; outflows split pro rata (or untraced first: LIBR)."""

    __slots__ = ("u", "parts", "total", "libr", "timed")

    def __init__(self, libr: bool, timed: bool) -> None:
        self.u = 0
        self.parts: dict[Any, int] = {}  # label, or (label, time) when max_gap is set
        self.total = 0
        self.libr = libr
        self.timed = timed

    def add(self, t: int, amount: int, label: int) -> None:
        if label == _UNTRACED:
            self.u += amount
            return
        key = (label, t) if self.timed else label
        self.parts[key] = self.parts.get(key, 0) + amount
        self.total += amount

    def _label(self, key) -> int:
        return key[0] if self.timed else key

    def _all_parts(self, out: list[list[int]]) -> None:
        for key, a in self.parts.items():
            _push(out, self._label(key), a)
        self.parts = {}
        self.total = 0

    def _split_parts(self, x: int, out: list[list[int]], with_untraced: bool) -> None:
        keys = list(self.parts)
        weights = [self.parts[k] for k in keys]
        if with_untraced:
            shares = split_largest_remainder([self.u, *weights], x)
            self.u -= shares[0]
            _push(out, _UNTRACED, shares[0])
            shares = shares[1:]
        else:
            shares = split_largest_remainder(weights, x)
        merged: dict[int, int] = {}
        for k, s in zip(keys, shares, strict=True):
            if s:
                left = self.parts[k] - s
                if left:
                    self.parts[k] = left
                else:
                    del self.parts[k]
                self.total -= s
                lab = self._label(k)
                merged[lab] = merged.get(lab, 0) + s
        for lab, s in merged.items():
            _push(out, lab, s)

    def take(self, x: int) -> list[list[int]]:
        out: list[list[int]] = []
        if not self.parts:
            used = min(x, self.u)
            self.u -= used
            _push(out, _UNTRACED, x)
            return out
        if self.libr:
            used = min(x, self.u)
            self.u -= used
            _push(out, _UNTRACED, used)
            x -= used
            if x >= self.total:
                x -= self.total
                self._all_parts(out)
                _push(out, _UNTRACED, x)
            elif x:
                self._split_parts(x, out, with_untraced=False)
            return out
        if x >= self.u + self.total:
            x -= self.u + self.total
            _push(out, _UNTRACED, self.u)
            self.u = 0
            self._all_parts(out)
            _push(out, _UNTRACED, x)
            return out
        self._split_parts(x, out, with_untraced=True)
        return out

    def expire(self, cutoff: int, relabel) -> None:
        if not self.timed:
            return
        old = [k for k in self.parts if k[1] < cutoff]
        for k in old:
            a = self.parts.pop(k)
            self.total -= a
            new = relabel(k[0], a)
            if new == _UNTRACED:
                self.u += a
            else:
                nk = (new, _NEVER)
                self.parts[nk] = self.parts.get(nk, 0) + a
                self.total += a

    def items(self) -> Iterable[tuple[int, int]]:
        merged: dict[int, int] = {}
        for k, a in self.parts.items():
            lab = self._label(k)
            merged[lab] = merged.get(lab, 0) + a
        return [(lab, a) for lab, a in merged.items() if a > 0]


def _ledger(method: str, timed: bool):
    if method == "fifo":
        return _Queue(lifo=False, merge_any=not timed)
    if method == "lifo":
        return _Queue(lifo=True, merge_any=not timed)
    return _Pool(libr=method == "libr", timed=timed)


# --------------------------------------------------------------------------- input


class _Flows:
    """The transfers as integer arrays: account codes, cents, times (ns), ids.

    Codes 0 and 1 are cash and the unnamed counterparty; the accounts follow in the order
    of the case's coded transfers (``coded``, :mod:`fundgraph.coded`; built here from
    ``transfers`` when not given). Transfers of no money or from an account to itself are
    left out; the others are in time order.
    """

    def __init__(
        self,
        transfers: pd.DataFrame,
        obtained: set[str] | None,
        coded: CodedTransfers | None = None,
    ) -> None:
        for col in ("src", "dst", "amount", "time"):
            if col not in transfers.columns:
                raise InputError(f"transfers table has no {col!r} column")
        t = transfers
        if "transfer_id" not in t.columns:
            t = t.assign(transfer_id=np.arange(len(t), dtype=np.int64))
        if coded is None:
            ends = {c: t[c].fillna(CASH).astype(str) for c in ("src", "dst")}
            coded = code_transfers(t[["amount", "time"]].assign(**ends))
        # a missing side the statement does not call cash is an unnamed counterparty
        void = np.where(is_unknown(t), 1, 0)
        src = np.where(coded.s_all >= 0, coded.s_all + 2, void)
        dst = np.where(coded.d_all >= 0, coded.d_all + 2, void)
        amount = coded.a_all
        time = coded.t_all.astype(np.int64)
        tid = t["transfer_id"].to_numpy(dtype=np.int64)
        keep = (amount > 0) & (src != dst)
        src, dst, amount, time, tid = src[keep], dst[keep], amount[keep], time[keep], tid[keep]
        order = np.lexsort((tid, time))
        self.names = np.concatenate(
            [np.array([CASH, _UNNAMED], dtype=object), coded.nodes.to_numpy(dtype=object)]
        )
        self.src = src[order].astype(np.int64)
        self.dst = dst[order].astype(np.int64)
        self.cash = 0
        self.unnamed = 1
        #: the codes that are no account (cash, the unnamed counterparty)
        self.void = np.zeros(len(self.names), dtype=bool)
        self.void[[self.cash, self.unnamed]] = True
        #: the codes some traced transfer names
        self.present = np.zeros(len(self.names), dtype=bool)
        self.present[self.src] = True
        self.present[self.dst] = True
        self.amount = amount[order]
        self.time = time[order]
        self.tid = tid[order]
        self.index = {str(a): i for i, a in enumerate(self.names)}
        ob = np.zeros(len(self.names), dtype=bool)
        if obtained is not None:
            for a in obtained:
                if a in self.index:
                    ob[self.index[a]] = True
        elif "seen" in t.columns:
            seen = t["seen"].fillna("").astype(str).to_numpy(dtype=object)[keep][order]
            ob[self.src[(seen == "both") | (seen == "src")]] = True
            ob[self.dst[(seen == "both") | (seen == "dst")]] = True
        else:
            ob[self.src] = True  # without statements' provenance: accounts seen paying out
        ob[self.void] = False
        self.obtained = ob

    def code(self, account: str) -> int:
        c = self.index.get(str(account))
        if c is None or self.void[c] or not self.present[c]:
            raise InputError(f"account {account!r} does not appear in the transfers")
        return c


def _opening_codes(f: _Flows, opening: Mapping[str, int] | None) -> dict[int, int]:
    out: dict[int, int] = {}
    for name, cents in (opening or {}).items():
        c = f.index.get(str(name))
        if c is not None and not f.void[c] and cents and int(cents) > 0:
            out[c] = int(cents)
    return out


def _obtained_from_accounts(accounts: pd.DataFrame | None) -> set[str] | None:
    if accounts is None or "obtained" not in accounts.columns or not len(accounts):
        return None
    ob = accounts["obtained"].fillna(False).astype(bool)
    if not ob.any():
        return None
    return set(accounts.loc[ob, "account"].astype(str))


def _case_account(obj, account: str) -> str:
    """Resolve an alias when tracing through a Case (its accounts table knows them)."""
    if hasattr(obj, "transfers") and hasattr(obj, "accounts") and not isinstance(obj, pd.DataFrame):
        return resolve_account(obj, account)
    return account


def _as_transfers(obj) -> tuple[pd.DataFrame, set[str] | None, CodedTransfers | None]:
    """A transfers table (and the obtained accounts, where known, and the coded transfers
    of a Case) from a Case, table or graph."""
    if isinstance(obj, pd.DataFrame):
        return obj, None, None
    if hasattr(obj, "transfers") and hasattr(obj, "accounts"):
        coded = obj.coded() if hasattr(obj, "coded") and text_ends(obj.transfers) else None
        return obj.transfers, _obtained_from_accounts(obj.accounts), coded
    if isinstance(obj, nx.MultiDiGraph):
        rows = [
            (s, d, int(k), int(a["amount"]), a["time"])
            for s, d, k, a in obj.edges(keys=True, data=True)
        ]
        t = pd.DataFrame(rows, columns=["src", "dst", "transfer_id", "amount", "time"])
        t["time"] = pd.to_datetime(t["time"])
        return t, None, None
    if isinstance(obj, nx.Graph):
        raise InputError(
            "tracing needs one edge per transfer with its time: pass the transfers table or "
            "fundgraph.graph.transfer_multigraph(transfers), not an aggregated graph"
        )
    raise InputError(f"cannot trace through a {type(obj).__name__}; pass a transfers table")


def _check_options(method, max_hops, amount, min_amount, since, max_gap):
    if method not in METHODS:
        raise InputError(f"unknown tracing method {method!r}; choose one of {', '.join(METHODS)}")
    if not isinstance(max_hops, (int, np.integer)) or max_hops < 1:
        raise InputError(f"max_hops must be a positive integer, not {max_hops!r}")
    if amount is not None and (not isinstance(amount, (int, np.integer)) or amount <= 0):
        raise InputError(f"amount must be a positive number of cents, not {amount!r}")
    if not isinstance(min_amount, (int, np.integer)) or min_amount < 1:
        raise InputError(f"min_amount must be a positive number of cents, not {min_amount!r}")
    try:
        since_ns = None if since is None else int(pd.Timestamp(since).value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"since: not a time: {since!r}") from exc
    try:
        gap_ns = None if max_gap is None else int(pd.Timedelta(max_gap).value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"max_gap: not a duration: {max_gap!r}") from exc
    if gap_ns is not None and gap_ns < 0:
        raise InputError("max_gap must not be negative")
    return since_ns, gap_ns


def _event_order(f: _Flows, mask: np.ndarray) -> list[int]:
    """Positions of the selected transfers in time order.

    Transfers recorded at the same time are ordered so that money received at that time can
    leave at that time (an account's inflows of that instant come before its outflows);
    otherwise, and to break cycles, by ``transfer_id``.
    """
    pos = np.flatnonzero(mask)
    if len(pos) < 2:
        return pos.tolist()
    t = f.time[pos]
    same = t[1:] == t[:-1]
    if not same.any():
        return pos.tolist()
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], len(pos)]
    out: list[int] = []
    plist = pos.tolist()
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        if b - a == 1:
            out.append(plist[a])
        else:
            out.extend(_same_time_order(f, plist[a:b]))
    return out


def _same_time_order(f: _Flows, group: list[int]) -> list[int]:
    void = f.void
    pending: dict[int, int] = {}
    for p in group:
        d = int(f.dst[p])
        if not void[d]:
            pending[d] = pending.get(d, 0) + 1
    waiting: dict[int, list[int]] = {}
    ready: list[int] = []
    for k, p in enumerate(group):
        s = int(f.src[p])
        if pending.get(s, 0):
            waiting.setdefault(s, []).append(k)
        else:
            ready.append(k)
    heapq.heapify(ready)
    done = [False] * len(group)
    out: list[int] = []
    nxt = 0
    while len(out) < len(group):
        if ready:
            k = heapq.heappop(ready)
            if done[k]:
                continue
        else:  # a cycle at one instant: take the smallest remaining transfer
            while done[nxt]:
                nxt += 1
            k = nxt
        done[k] = True
        p = group[k]
        out.append(p)
        d = int(f.dst[p])
        if not void[d]:
            pending[d] -= 1
            if pending[d] == 0:
                for w in waiting.pop(d, ()):
                    if not done[w]:
                        heapq.heappush(ready, w)
    return out


# --------------------------------------------------------------------------- paths


class _Paths:
    """Registry of traced-money labels: each is a path of accounts (and, backward, a kind)."""

    def __init__(self, max_hops: int) -> None:
        self.accts: list[tuple[int, ...]] = []
        self.kind: list[str] = []
        self.parents: list[set[int]] = []
        self.last: list[set[int]] = []  # transfer positions of the last hop
        self.max_hops = max_hops
        self._key: dict[tuple, int] = {}
        self._child: dict[tuple[int, int], int] = {}

    def get(self, accts: tuple[int, ...], kind: str) -> int:
        key = (accts, kind)
        lab = self._key.get(key)
        if lab is None:
            lab = len(self.accts)
            self._key[key] = lab
            self.accts.append(accts)
            self.kind.append(kind)
            self.parents.append(set())
            self.last.append(set())
        return lab

    def child(self, lab: int, dst: int, pos: int) -> int:
        ck = (lab, dst)
        c = self._child.get(ck)
        if c is None:
            accts = self.accts[lab] + (dst,)
            kind = self.kind[lab]
            if len(accts) - 1 > self.max_hops:  # backward: keep the last max_hops hops
                accts = accts[1:]
                kind = "held"
            c = self.get(accts, kind)
            self._child[ck] = c
            self.parents[c].add(lab)
        self.last[c].add(pos)
        return c

    def hop_positions(self, lab: int) -> list[set[int]]:
        hops = len(self.accts[lab]) - 1
        out: list[set[int]] = [set() for _ in range(hops)]
        level = {lab}
        for h in range(hops - 1, -1, -1):
            nxt: set[int] = set()
            for x in level:
                out[h] |= self.last[x]
                nxt |= self.parents[x]
            level = nxt
        return out


def _rows(
    f: _Flows,
    paths: _Paths,
    amounts: Mapping[tuple[int, str], int],
    *,
    start: str,
    method: str,
    backward: bool,
    root_positions: set[int] | None = None,
) -> pd.DataFrame:
    recs = []
    for (lab, kind), amt in amounts.items():
        if amt <= 0:
            continue
        accts = paths.accts[lab]
        names = [
            CASH_LABEL if a == f.cash else UNNAMED_LABEL if a == f.unnamed else str(f.names[a])
            for a in accts
        ]
        hop_pos = paths.hop_positions(lab)
        if hop_pos:
            first: int | None = min(int(f.time[p]) for p in hop_pos[0])
            last: int | None = max(int(f.time[p]) for p in hop_pos[-1])
            ids = sorted({int(f.tid[p]) for s in hop_pos for p in s})
        else:
            pos = root_positions or set()
            first = min((int(f.time[p]) for p in pos), default=None)
            last = max((int(f.time[p]) for p in pos), default=None)
            ids = []
        endc = accts[0] if backward else accts[-1]
        recs.append(
            {
                "path": _ARROW.join(names),
                "hops": len(accts) - 1,
                "start": start,
                "end": CASH if f.void[endc] else str(f.names[endc]),
                "end_kind": kind,
                "amount": int(amt),
                "first_time": pd.NaT if first is None else pd.Timestamp(first),
                "last_time": pd.NaT if last is None else pd.Timestamp(last),
                "method": method,
                "transfer_ids": ";".join(str(i) for i in ids),
            }
        )
    df = pd.DataFrame(recs, columns=RESULT_COLUMNS)
    df["hops"] = df["hops"].astype("int64")
    df["amount"] = df["amount"].astype("int64")
    df["first_time"] = pd.to_datetime(df["first_time"]).astype("datetime64[ns]")
    df["last_time"] = pd.to_datetime(df["last_time"]).astype("datetime64[ns]")
    for c in ("path", "start", "end", "end_kind", "method", "transfer_ids"):
        df[c] = df[c].astype(object)
    df = df.sort_values(
        ["amount", "path", "end_kind"], ascending=[False, True, True], kind="mergesort"
    )
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- forward


def trace_forward(
    transfers,
    account: str,
    *,
    method: str = "fifo",
    max_hops: int = 5,
    amount: int | None = None,
    since=None,
    max_gap=None,
    min_amount: int = 1,
    origin: str = "auto",
    obtained: Iterable[str] | None = None,
    opening: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Follow the money that entered ``account`` to where it ended.

    Parameters
    ----------
    transfers : DataFrame, Case or networkx.MultiDiGraph
        The transfers (:data:`fundgraph.schema.TRANSFERS`: ``src``, ``dst`` ("" for cash),
        ``amount`` cents, ``time``, ``transfer_id``), a :class:`fundgraph.case.Case`, or a
        :func:`fundgraph.graph.transfer_multigraph` (which has no cash withdrawals).
    account : str
        The starting account (with a Case, its id or one of its aliases).
    method : {"fifo", "lifo", "proportional", "libr"}
        The rule for which money leaves a mixed account first (module docstring).
    max_hops : int
        Transfers followed from the starting account; money still moving after that many
        hops ends as ``held`` where it arrived.
    amount : int, optional
        Cents to trace: the earliest traced money, up to this sum (never more than entered).
    since : time, optional
        Trace only money that entered (``origin="outflows"``: left) at or after this time.
    max_gap : timedelta or str, optional
        Longest time traced money may wait in an account and still be followed when it
        leaves (as in i2's "find linked items"); money that waited longer ends as ``held``.
    min_amount : int
        Cents below which a traced sum arriving at an account is not followed further: it
        ends there as ``held``. The default 1 follows every cent.
    origin : {"auto", "inflows", "outflows"}
        Which money is traced. ``inflows``: the money that entered ``account`` (from
        ``since``, up to ``amount``), followed through the account by the rule.
        ``outflows``: the transfers ``account`` made (from ``since``, up to ``amount``) —
        for a participant whose statement was not obtained, what they paid into the
        scheme. Traced money that comes back to ``account`` along a cycle is the same
        money, not counted again, so the amount traced can differ slightly between rules.
        ``auto`` (default): ``inflows`` for an obtained account that received
        money, ``outflows`` otherwise (an account's balance cannot be followed without its
        statement). ``attrs["origin"]`` says which was used.
    obtained : iterable of str, optional
        Accounts whose statements were obtained. Default: ``accounts.obtained`` of a
        Case, else the ``seen`` column of the transfers, else every account that pays out.
    opening : mapping of str to int, optional
        Untraced money (cents) already in an account before its first transfer, where a
        statement's balance column shows it (see :func:`opening_balances`). Otherwise every
        account starts at zero and an outflow larger than the balance is deemed paid from
        untraced money not in the data.

    Returns
    -------
    DataFrame
        One row per path and way of ending, largest amount first: ``path`` (accounts
        joined by " → ", a cash withdrawal as ``(cash)``), ``hops``, ``start``, ``end``
        (last account, "" for cash or an unnamed counterparty), ``end_kind`` — ``cash``
        (withdrawn as cash), ``unnamed`` (paid to a counterparty the statement does not
        name, written ``(unnamed)`` in ``path``),
        ``held`` (still in ``end`` at the end of the data, or tracing stopped there:
        ``max_hops``, ``max_gap``, ``min_amount``), ``left_scope`` (reached an account
        whose statement was not obtained, so it cannot be followed) — ``amount`` (cents),
        ``first_time``/``last_time`` (earliest first-hop and latest last-hop transfer;
        for money held in the starting account, its traced inflows), ``method`` and
        ``transfer_ids`` (the transfers along the path that carried traced money,
        ";"-joined). ``attrs["traced"]`` is the amount traced, which the rows sum to
        exactly; ``attrs["carried"]`` maps each transfer id to the traced cents it carried.

    Raises
    ------
    InputError
        Unknown account or method, or an option out of range.

    See Also
    --------
    trace_backward : where the money that reached an account came from.
    trace_destinations : where traced money ended, per account.
    opening_balances : the ``opening`` balances from the statements.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"src": ["x", "y", "a", "a"], "dst": ["a", "a", "b", "c"],
    ...     "amount": [100, 100, 150, 50], "time": pd.to_datetime(
    ...     ["2022-01-01", "2022-01-02", "2022-01-03", "2022-01-04"])})
    >>> fifo = trace_forward(t, "x", method="fifo", origin="outflows")
    >>> fifo[["path", "amount"]].values.tolist()
    [['x → a → b', 100]]
    >>> lifo = trace_forward(t, "x", method="lifo", origin="outflows")
    >>> lifo[["path", "amount"]].values.tolist()
    [['x → a → b', 50], ['x → a → c', 50]]
    >>> prop = trace_forward(t, "x", method="proportional", origin="outflows")
    >>> prop[["path", "amount"]].values.tolist()
    [['x → a → b', 75], ['x → a → c', 25]]

    Notes
    -----
    One sweep in time order over the transfers of the accounts the traced money can
    reach (time-respecting reachability within ``max_hops``, computed first with vectorised
    passes); each account keeps a ledger of lots (FIFO/LIFO) or of traced parts and
    untraced money (proportional/LIBR). Transfers at the same recorded time are ordered so
    that money received at that instant can leave at that instant. Splits are exact integer
    arithmetic with largest-remainder rounding (:func:`split_largest_remainder`), so
    nothing is invented or lost: the rows sum to ``attrs["traced"]``.

    Sums are grouped by the path of accounts; ``transfer_ids`` lists, for each hop, the
    transfers that carried traced money along that path's accounts up to that hop.

    References
    ----------
    .. [1] Devaynes v Noble (Clayton's case) (1816) 1 Mer 572 — first in, first out.
    .. [2] James Roscoe (Bolton) Ltd v Winder [1915] 1 Ch 62 — lowest intermediate balance.
    .. [3] Re Hallett's Estate (1880) 13 Ch D 696 — the holder's own money leaves first.
    .. [4] docs/method.md, "Following the money"; i2 Analyst's Notebook, Find Linked Items.
    """
    table, ob_case, coded = _as_transfers(transfers)
    since_ns, gap_ns = _check_options(method, max_hops, amount, min_amount, since, max_gap)
    if origin not in ("auto", "inflows", "outflows"):
        raise InputError(f"origin must be auto, inflows or outflows, not {origin!r}")
    f = _Flows(table, set(map(str, obtained)) if obtained is not None else ob_case, coded)
    start = f.code(_case_account(transfers, account))
    if origin == "auto":
        has_in = bool(((f.dst == start) & (f.time >= (since_ns or -(2**63)))).any())
        origin = "inflows" if f.obtained[start] and has_in else "outflows"
    budget = amount if amount is not None else None
    since_v = since_ns if since_ns is not None else -(2**63)

    # time-respecting reachability: earliest arrival of traced money, hop by hop
    INF = np.iinfo(np.int64).max
    arr = np.full(len(f.names), INF, dtype=np.int64)
    passes = f.obtained.copy()
    if origin == "inflows":
        sel_in = (f.dst == start) & (f.time >= since_v)
        if not sel_in.any():
            return _empty_result(method)
        arr[start] = int(f.time[sel_in].min())
        passes[start] = True
    else:
        passes[start] = False
        sel_out = (f.src == start) & (f.time >= since_v)
        if not sel_out.any():
            return _empty_result(method)
        np.minimum.at(arr, f.dst[sel_out], f.time[sel_out])
    for _ in range(max_hops):
        reached = arr < INF
        m = reached[f.src] & passes[f.src] & (f.time >= arr[f.src]) & ~f.void[f.dst]
        if not m.any():
            break
        earliest = arr.copy()
        np.minimum.at(earliest, f.dst[m], f.time[m])
        if (earliest == arr).all():
            break
        arr = earliest
    inside_mask = (arr < INF) & passes
    inside_mask[f.void] = False
    inside = set(np.flatnonzero(inside_mask).tolist())
    if origin == "outflows":
        inside.discard(start)

    ev_mask = inside_mask[f.src] | inside_mask[f.dst]
    if origin == "outflows":
        ev_mask |= f.src == start
    order = _event_order(f, ev_mask)

    timed = gap_ns is not None
    ledgers = {a: _ledger(method, timed) for a in inside}
    for c, cents in _opening_codes(f, opening).items():
        if c in ledgers:
            ledgers[c].add(_BEFORE, cents, _UNTRACED)

    paths = _Paths(max_hops)
    root = paths.get((start,), "held")
    obtained_arr = f.obtained
    ends: dict[tuple[int, str], int] = {}
    carried: dict[int, int] = {}
    root_positions: set[int] = set()
    traced_total = 0
    src_a, dst_a, amt_a, time_a, tid_a = f.src, f.dst, f.amount, f.time, f.tid
    cash, unnamed = f.cash, f.unnamed

    def stay_kind(a: int) -> str:
        return "held" if (obtained_arr[a] or a == start) else "left_scope"

    def end(lab: int, kind: str, x: int) -> None:
        k = (lab, kind)
        ends[k] = ends.get(k, 0) + x

    def expirer(acct: int):
        kind = stay_kind(acct)

        def relabel(lab: int, x: int) -> int:
            end(lab, kind, x)
            return _UNTRACED

        return relabel

    for p in order:
        s = int(src_a[p])
        d = int(dst_a[p])
        a = int(amt_a[p])
        t = int(time_a[p])
        if s in inside:
            led = ledgers[s]
            if timed:
                led.expire(t - gap_ns, expirer(s))
            pieces = led.take(a)
        elif (
            origin == "outflows" and s == start and t >= since_v and (budget is None or budget > 0)
        ):
            x = a if budget is None else min(a, budget)
            if budget is not None:
                budget -= x
            traced_total += x
            root_positions.add(p)
            pieces = [[root, x]]
            if a - x:
                pieces.append([_UNTRACED, a - x])
        else:
            pieces = [[_UNTRACED, a]]
        if origin == "inflows" and d == start and t >= since_v and (budget is None or budget > 0):
            fresh = 0
            for pc in pieces:
                if pc[0] == _UNTRACED:
                    fresh += pc[1]
            x = fresh if budget is None else min(fresh, budget)
            if x:
                if budget is not None:
                    budget -= x
                traced_total += x
                root_positions.add(p)
                paths.last[root].add(p)
                ledgers[start].add(t, x, root)
                rest = x
                for pc in pieces:  # the tagged part is no longer untraced
                    if pc[0] == _UNTRACED and rest:
                        used = min(pc[1], rest)
                        pc[1] -= used
                        rest -= used
        dled = ledgers.get(d)
        for lab, x in pieces:
            if x <= 0:
                continue
            if lab == _UNTRACED:
                if dled is not None:
                    dled.add(t, x, _UNTRACED)
                continue
            new = paths.child(lab, d, p)
            tid = int(tid_a[p])
            carried[tid] = carried.get(tid, 0) + x
            if d == cash:
                end(new, "cash", x)
            elif d == unnamed:
                end(new, "unnamed", x)
            elif dled is None or len(paths.accts[new]) - 1 >= max_hops or x < min_amount:
                end(new, stay_kind(d), x)
                if dled is not None:
                    dled.add(t, x, _UNTRACED)
            else:
                dled.add(t, x, new)
    for acct in sorted(ledgers):
        kind = stay_kind(acct)
        for lab, x in ledgers[acct].items():
            end(lab, kind, x)

    root_pos = {p for p in root_positions if int(dst_a[p]) == start}
    df = _rows(
        f, paths, ends, start=str(account), method=method, backward=False, root_positions=root_pos
    )
    df.attrs["traced"] = int(traced_total)
    df.attrs["carried"] = dict(sorted(carried.items()))
    df.attrs["origin"] = origin
    return df


def _empty_result(method: str) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in RESULT_COLUMNS})
    df["hops"] = df["hops"].astype("int64")
    df["amount"] = df["amount"].astype("int64")
    df["first_time"] = df["first_time"].astype("datetime64[ns]")
    df["last_time"] = df["last_time"].astype("datetime64[ns]")
    df.attrs["traced"] = 0
    df.attrs["carried"] = {}
    return df


# --------------------------------------------------------------------------- backward


def _labelled_sweep(
    f: _Flows,
    order: list[int],
    inside: set[int],
    method: str,
    gap_ns: int | None,
    *,
    entry,
    own,
    move,
    expire_label,
    record: set[int],
    opening: Mapping[int, int] | None = None,
) -> dict[int, list[list[int]]]:
    """Sweep where every sum carries a label; returns the labelled pieces of ``record``.

    Money an account holds of unknown origin (``opening``, or an outflow larger than its
    balance) leaves labelled ``own(account)``.
    """
    timed = gap_ns is not None
    ledgers = {a: _ledger(method, timed) for a in inside}
    for c, cents in (opening or {}).items():
        if c in ledgers:
            ledgers[c].add(_BEFORE, cents, _UNTRACED)
    out: dict[int, list[list[int]]] = {}
    src_a, dst_a, amt_a, time_a = f.src, f.dst, f.amount, f.time
    for p in order:
        s = int(src_a[p])
        d = int(dst_a[p])
        a = int(amt_a[p])
        t = int(time_a[p])
        led = ledgers.get(s)
        if led is not None:
            if gap_ns is not None:
                led.expire(t - gap_ns, lambda lab, x, s=s: expire_label(s, lab))
            pieces = led.take(a)
            for pc in pieces:
                if pc[0] == _UNTRACED:
                    pc[0] = own(s)
        else:
            pieces = [[entry(p), a]]
        pieces = [[move(lab, p, x), x] for lab, x in pieces if x > 0]
        if p in record:
            out[p] = pieces
        dled = ledgers.get(d)
        if dled is not None:
            for lab, x in pieces:
                dled.add(t, x, lab)
    return out


def trace_backward(
    transfers,
    account: str,
    *,
    method: str = "fifo",
    max_hops: int = 5,
    amount: int | None = None,
    since=None,
    max_gap=None,
    min_amount: int = 1,
    transfer_ids: Iterable[int] | None = None,
    obtained: Iterable[str] | None = None,
    opening: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Follow the money that entered ``account`` back to where it came from.

    Every sum in the accounts upstream is labelled with the path it came by; each account
    passes its labels on by the rule, so the money arriving at ``account`` is split exactly
    over its origins.

    Parameters
    ----------
    transfers : DataFrame, Case or networkx.MultiDiGraph
        As for :func:`trace_forward`.
    account : str
        The account whose incoming money is traced.
    method, max_hops, max_gap, min_amount, obtained, opening
        As for :func:`trace_forward`; here a sum smaller than ``min_amount`` leaving an
        account, or one that waited there longer than ``max_gap``, is not followed further
        back: it ends as ``held`` in that account.
    amount : int, optional
        Cents to trace: the earliest inflows, up to this sum (the last one pro rata).
    since : time, optional
        Trace only inflows at or after this time.
    transfer_ids : iterable of int, optional
        Trace only these inflows of ``account`` (for example one return payment).

    Returns
    -------
    DataFrame
        The columns of :func:`trace_forward`; ``path`` runs in the direction of the money,
        from the origin (``end``) to ``account`` (``start``). ``end_kind``: ``cash`` (a cash
        deposit), ``unnamed`` (from a counterparty the statement does not name), ``left_scope`` (came from an account whose statement was not obtained —
        the origin as far as the data go), ``held`` (came from an obtained account whose
        own sources were not followed: ``max_hops``, ``max_gap`` or ``min_amount``),
        ``unknown`` (paid from money the account held before its first recorded transfer,
        or that its records do not show). ``attrs["traced"]`` is the amount traced.

    Raises
    ------
    InputError
        Unknown account or method, or an option out of range.

    See Also
    --------
    trace_forward : where the money that entered an account went.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"src": ["x", "y", "a"], "dst": ["a", "a", "b"],
    ...     "amount": [100, 300, 200], "time": pd.to_datetime(
    ...     ["2022-01-01", "2022-01-02", "2022-01-03"])})
    >>> r = trace_backward(t, "b", method="fifo", obtained=["a", "b"])
    >>> r[["path", "end_kind", "amount"]].values.tolist()
    [['x → a → b', 'left_scope', 100], ['y → a → b', 'left_scope', 100]]
    >>> r = trace_backward(t, "b", method="proportional", obtained=["a", "b"])
    >>> r[["path", "amount"]].values.tolist()
    [['y → a → b', 150], ['x → a → b', 50]]
    >>> r.attrs["traced"]
    200
    >>> trace_backward(t, "z")
    Traceback (most recent call last):
    fundgraph.errors.InputError: account 'z' does not appear in the transfers

    Notes
    -----
    Backward tracing has no "untraced" money: every sum is labelled with its origin. LIBR
    therefore only differs from the proportional rule in that an account's money of unknown
    origin (opening balance, missing rows) is deemed to leave first.

    References
    ----------
    .. [1] docs/method.md, "Following the money" (来源可溯、去向可查).
    .. [2] See :func:`trace_forward`.
    """
    table, ob_case, coded = _as_transfers(transfers)
    since_ns, gap_ns = _check_options(method, max_hops, amount, min_amount, since, max_gap)
    f = _Flows(table, set(map(str, obtained)) if obtained is not None else ob_case, coded)
    target = f.code(_case_account(transfers, account))
    since_v = since_ns if since_ns is not None else -(2**63)
    sel = (f.dst == target) & (f.time >= since_v)
    if transfer_ids is not None:
        sel &= np.isin(f.tid, np.asarray(list(transfer_ids), dtype=np.int64))
    if not sel.any():
        return _empty_result(method)
    if amount is not None:  # the earliest inflows up to amount
        pos = np.flatnonzero(sel)
        cum = np.cumsum(f.amount[pos])
        k = int(np.searchsorted(cum, amount, side="left"))
        sel = np.zeros_like(sel)
        sel[pos[: k + 1]] = True

    # accounts whose money can reach the target within max_hops - 1 further hops
    NONE = np.iinfo(np.int64).min
    dep = np.full(len(f.names), NONE, dtype=np.int64)
    np.maximum.at(dep, f.src[sel], f.time[sel])
    dep[f.void] = NONE
    inside_mask = np.zeros(len(f.names), dtype=bool)
    frontier = (dep > NONE) & f.obtained
    for _ in range(max_hops - 1):
        frontier &= ~inside_mask
        if not frontier.any():
            break
        inside_mask |= frontier
        m = inside_mask[f.dst] & (f.time <= dep[f.dst]) & ~f.void[f.src]
        new = dep.copy()
        np.maximum.at(new, f.src[m], f.time[m])
        new[f.void] = NONE
        frontier = (new > dep) & f.obtained
        dep = new
    inside_mask[f.void] = False
    inside = set(np.flatnonzero(inside_mask).tolist())
    order = _event_order(f, inside_mask[f.src] | inside_mask[f.dst] | sel)

    paths = _Paths(max_hops)
    cash, unnamed = f.cash, f.unnamed
    obtained_arr = f.obtained

    def kind_of(a: int) -> str:
        if a == cash:
            return "cash"
        if a == unnamed:
            return "unnamed"
        return "held" if obtained_arr[a] else "left_scope"

    def entry(p: int) -> int:
        s = int(f.src[p])
        return paths.get((s,), kind_of(s))

    def own(s: int) -> int:
        return paths.get((s,), "unknown")

    def move(lab: int, p: int, x: int) -> int:
        s = int(f.src[p])
        if x < min_amount and paths.accts[lab][-1] == s and len(paths.accts[lab]) > 1:
            lab = paths.get((s,), "held")
        return paths.child(lab, int(f.dst[p]), p)

    def expire_label(acct: int, lab: int) -> int:
        return paths.get((acct,), "held")

    record = set(np.flatnonzero(sel).tolist())
    got = _labelled_sweep(
        f,
        order,
        inside,
        method,
        gap_ns,
        entry=entry,
        own=own,
        move=move,
        expire_label=expire_label,
        record=record,
        opening=_opening_codes(f, opening),
    )
    amounts: dict[tuple[int, str], int] = {}
    traced = 0
    remaining = amount
    for p in sorted(record, key=lambda q: (int(f.time[q]), int(f.tid[q]))):
        pieces = got.get(p, [])
        if remaining is not None:
            a = int(f.amount[p])
            take = min(a, remaining)
            remaining -= take
            if take < a:
                shares = split_largest_remainder([x for _, x in pieces], take)
                pieces = [[lab, s] for (lab, _), s in zip(pieces, shares, strict=True)]
        for lab, x in pieces:
            if x:
                key = (lab, paths.kind[lab])
                amounts[key] = amounts.get(key, 0) + x
                traced += x
    df = _rows(f, paths, amounts, start=str(account), method=method, backward=True)
    df.attrs["traced"] = int(traced)
    return df


# --------------------------------------------------------------------------- helpers


def trace_destinations(result: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Where the traced money ended, summed by final account and way of ending.

    Parameters
    ----------
    result : DataFrame
        From :func:`trace_forward` or :func:`trace_backward` (then: the origins).
    top : int, optional
        Keep only the largest ``top`` rows.

    Returns
    -------
    DataFrame
        ``end``, ``end_kind``, ``amount`` (cents), ``paths`` (count), ``share`` (of the
        traced amount, a float for display), largest amount first.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"end": ["b", "b", ""], "end_kind": ["held", "held", "cash"],
    ...                   "amount": [30, 20, 50]})
    >>> trace_destinations(r)[["end", "end_kind", "amount", "paths"]].values.tolist()
    [['', 'cash', 50, 1], ['b', 'held', 50, 2]]
    """
    if not len(result):
        return pd.DataFrame(
            {
                "end": pd.Series(dtype=object),
                "end_kind": pd.Series(dtype=object),
                "amount": pd.Series(dtype="int64"),
                "paths": pd.Series(dtype="int64"),
                "share": pd.Series(dtype="float64"),
            }
        )
    g = (
        result.groupby(["end", "end_kind"], sort=True)
        .agg(amount=("amount", "sum"), paths=("amount", "size"))
        .reset_index()
    )
    g["amount"] = g["amount"].astype("int64")
    g["paths"] = g["paths"].astype("int64")
    total = int(g["amount"].sum())
    g["share"] = g["amount"] / total if total else 0.0
    g = g.sort_values(
        ["amount", "end", "end_kind"], ascending=[False, True, True], kind="mergesort"
    ).reset_index(drop=True)
    return g.head(top) if top is not None else g


def resolve_account(case_or_accounts, name: str) -> str:
    """The canonical id of an account given by its id or by one of its aliases.

    Parameters
    ----------
    case_or_accounts : Case or DataFrame
        A case (its ``accounts`` and ``transfers``) or an accounts table.
    name : str
        An account id or alias (``accounts.aliases`` is ";"-joined).

    Raises
    ------
    InputError
        If no account has that id or alias.

    Examples
    --------
    >>> import pandas as pd
    >>> acc = pd.DataFrame({"account": ["6222001"], "aliases": ["3301;3302"]})
    >>> resolve_account(acc, "3302")
    '6222001'
    """
    text = str(name).strip()
    if isinstance(case_or_accounts, pd.DataFrame):
        accounts, transfers = case_or_accounts, None
    else:
        accounts = case_or_accounts.accounts
        transfers = case_or_accounts.transfers
    known: set[str] = set()
    if accounts is not None and len(accounts) and "account" in accounts.columns:
        known = set(accounts["account"].astype(str))
    if text in known:
        return text
    if transfers is not None and len(transfers):
        if text and ((transfers["src"] == text).any() or (transfers["dst"] == text).any()):
            return text
    if accounts is not None and len(accounts) and "aliases" in accounts.columns:
        al = accounts["aliases"].fillna("").astype(str)
        for acc, aliases in zip(accounts["account"].astype(str), al, strict=True):
            if text and text in [a.strip() for a in aliases.split(";")]:
                return acc
    raise InputError(key="error.unknown_account", account=name)


def opening_balances(transactions: pd.DataFrame) -> dict[str, int]:
    """Money (cents) each account held before its first statement row, where shown.

    The balance printed on an account's first row, less that row's own effect (plus an
    outflow, minus an inflow). Accounts whose first row shows no balance are left out.

    Parameters
    ----------
    transactions : DataFrame
        Statement rows (:data:`fundgraph.schema.TRANSACTIONS`).

    Returns
    -------
    dict of str to int
        Only positive balances.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"account": ["a", "a"], "time": pd.to_datetime(
    ...     ["2022-01-02", "2022-01-01"]), "direction": ["out", "in"], "amount": [50, 100],
    ...     "balance": pd.array([1050, 1100], dtype="Int64")})
    >>> opening_balances(tx)
    {'a': 1000}
    """
    if transactions is None or not len(transactions) or "balance" not in transactions:
        return {}
    cols = ["account", "time"] + (["source_row"] if "source_row" in transactions else [])
    tx = transactions.sort_values(cols, kind="mergesort").drop_duplicates("account")
    tx = tx[tx["balance"].notna()]
    signed = np.where(
        tx["direction"].to_numpy() == "in",
        tx["amount"].to_numpy(np.int64),
        -tx["amount"].to_numpy(np.int64),
    )
    before = tx["balance"].astype("int64").to_numpy() - signed
    return {str(a): int(b) for a, b in zip(tx["account"], before, strict=True) if b > 0}
