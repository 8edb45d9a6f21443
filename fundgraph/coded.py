"""The transfers of one case as integer-coded arrays, built once and read by every stage.

:func:`encode_accounts` numbers the accounts (their sorted ids; cash is -1);
:func:`code_transfers` builds a :class:`CodedTransfers` (account codes, amounts, times,
months, per-account totals) from a transfers table. A case builds it once
(:meth:`fundgraph.case.Case.coded`) and the analysis, the views and the tracer read that
one object instead of numbering the accounts again. Nothing here knows about schemes: the
signals of the investment score live in :mod:`fundgraph.analysis.coded`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .schema import CASH

__all__ = [
    "CodedTransfers",
    "PairEdges",
    "code_transfers",
    "encode_accounts",
    "bincount",
    "text_ends",
]


def bincount(idx: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    """``numpy.bincount`` of length ``n`` that accepts an empty ``idx``.

    >>> bincount(np.array([], dtype=np.int64), None, 2).tolist()
    [0.0, 0.0]
    """
    if len(idx) == 0:
        return np.zeros(n)
    return np.bincount(idx, weights=weights, minlength=n)


def encode_accounts(
    transfers: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Sorted account ids and the integer code of each transfer's ``src``/``dst`` (-1: cash).

    Accounts of ``accounts`` (its ``account`` column) that no transfer names are numbered
    too, in their sorted place.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["b", "", "a"], "dst": ["a", "b", ""]})
    >>> nodes, s, d = encode_accounts(t)
    >>> list(nodes), s.tolist(), d.tolist()
    (['a', 'b'], [1, -1, 0], [0, 1, -1])
    """
    m = len(transfers)
    parts = [transfers["src"].to_numpy(dtype=object), transfers["dst"].to_numpy(dtype=object)]
    if accounts is not None and len(accounts):
        parts.append(accounts["account"].to_numpy(dtype=object))
    codes, uniques = pd.factorize(np.concatenate(parts), sort=True)
    uniques = np.asarray(uniques, dtype=object)
    is_cash = uniques == CASH
    # drop the cash placeholder and renumber
    shift = np.cumsum(~is_cash) - 1
    mapped = np.where(codes >= 0, shift[np.maximum(codes, 0)], -1)
    if is_cash.any():
        mapped = np.where(codes == np.flatnonzero(is_cash)[0], -1, mapped)
    nodes = pd.Index(uniques[~is_cash], dtype=object)
    return nodes, mapped[:m].astype(np.int64), mapped[m : 2 * m].astype(np.int64)


@dataclass(frozen=True)
class PairEdges:
    """The transfers between two accounts summed per ordered pair.

    ``nodes`` are the accounts some transfer names (cash-only accounts included), sorted;
    ``src``/``dst`` index them; ``amount`` is the cents summed per pair, ``count`` the
    number of transfers; pairs in the order of (``src``, ``dst``). ``pair`` is the pair of
    each transfer between two accounts (of :attr:`CodedTransfers.s`, in that order).
    """

    nodes: pd.Index
    src: np.ndarray
    dst: np.ndarray
    amount: np.ndarray
    count: np.ndarray
    pair: np.ndarray


@dataclass
class CodedTransfers:
    """The transfers of one case as integer-coded arrays.

    ``s``/``d``/``amt``/``famt``/``time``/``tns``/``month`` hold the transfers between two
    accounts (cash left out), ``row`` their row in ``transfers``; ``s_all``/``d_all``/
    ``a_all``/``t_all`` every transfer (-1 for cash), row by row. ``nodes`` are the sorted
    account ids (those of the accounts table too); per account (length ``n``):
    ``total_in``, ``total_out`` (cash included), ``out_acc`` (to accounts only).
    """

    transfers: pd.DataFrame
    nodes: pd.Index
    n: int
    s_all: np.ndarray
    d_all: np.ndarray
    a_all: np.ndarray
    t_all: np.ndarray
    row: np.ndarray
    s: np.ndarray
    d: np.ndarray
    amt: np.ndarray
    famt: np.ndarray
    time: pd.Series
    tns: np.ndarray
    month: np.ndarray
    total_in: np.ndarray
    total_out: np.ndarray
    out_acc: np.ndarray
    _edges: PairEdges | None = field(default=None, init=False, repr=False, compare=False)

    def named(self) -> np.ndarray:
        """Per account: True where some transfer names it (as payer or payee)."""
        used = np.zeros(self.n, dtype=bool)
        used[self.s_all[self.s_all >= 0]] = True
        used[self.d_all[self.d_all >= 0]] = True
        return used

    def pair_edges(self) -> PairEdges:
        """The transfers between accounts summed per ordered pair (computed once).

        Examples
        --------
        >>> t = pd.DataFrame({"src": ["a", "a", "b"], "dst": ["b", "b", ""],
        ...     "amount": [1, 2, 5], "time": pd.to_datetime(["2022-01-01"] * 3)})
        >>> e = code_transfers(t, pd.DataFrame({"account": ["z"]})).pair_edges()
        >>> list(e.nodes), e.src.tolist(), e.dst.tolist(), e.amount.tolist(), e.count.tolist()
        (['a', 'b'], [0], [1], [3], [2])
        """
        if self._edges is None:
            used = self.named()
            remap = np.cumsum(used) - 1
            nodes = self.nodes[used]
            base = max(len(nodes), 1)
            key = remap[self.s] * base + remap[self.d]
            uk, inv = np.unique(key, return_inverse=True)
            amount = np.zeros(len(uk), dtype=np.int64)
            np.add.at(amount, inv, self.amt)
            count = np.bincount(inv, minlength=len(uk)).astype(np.int64)
            self._edges = PairEdges(
                nodes=nodes,
                src=(uk // base).astype(np.int64),
                dst=(uk % base).astype(np.int64),
                amount=amount,
                count=count,
                pair=inv.astype(np.int64),
            )
        return self._edges


def code_transfers(transfers: pd.DataFrame, accounts: pd.DataFrame | None = None) -> CodedTransfers:
    """Build the :class:`CodedTransfers` of a transfers table (once per case).

    Parameters
    ----------
    transfers : DataFrame
        ``src``, ``dst`` ("" for cash), ``amount`` (cents), ``time`` (a table without it
        gets no times: enough for the totals and the pairs).
    accounts : DataFrame, optional
        With an ``account`` column: accounts numbered even where no transfer names them.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", ""], "dst": ["b", "a"], "amount": [5, 7],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02"])})
    >>> c = code_transfers(t)
    >>> c.n, c.s.tolist(), c.total_in.tolist()
    (2, [0], [7.0, 5.0])
    """
    if accounts is not None and "account" not in accounts:
        accounts = None
    nodes, s_all, d_all = encode_accounts(transfers, accounts)
    n = len(nodes)
    a_all = transfers["amount"].to_numpy(np.int64)
    if "time" in transfers:
        t_all = pd.to_datetime(transfers["time"]).to_numpy().astype("datetime64[ns]")
    else:
        t_all = np.full(len(transfers), np.datetime64("NaT"), dtype="datetime64[ns]")
    total_in = bincount(d_all[d_all >= 0], a_all[d_all >= 0].astype(np.float64), n)
    total_out = bincount(s_all[s_all >= 0], a_all[s_all >= 0].astype(np.float64), n)
    keep = (s_all >= 0) & (d_all >= 0)
    s = s_all[keep]
    d = d_all[keep]
    amt = a_all[keep]
    famt = amt.astype(np.float64)
    time = pd.Series(t_all[keep])
    month = (time.dt.year * 12 + time.dt.month).to_numpy()
    return CodedTransfers(
        transfers=transfers,
        nodes=nodes,
        n=n,
        s_all=s_all,
        d_all=d_all,
        a_all=a_all,
        t_all=t_all,
        row=np.flatnonzero(keep),
        s=s,
        d=d,
        amt=amt,
        famt=famt,
        time=time,
        tns=t_all[keep].astype(np.int64),
        month=month,
        total_in=total_in,
        total_out=total_out,
        out_acc=bincount(s, famt, n),
    )


def text_ends(transfers: pd.DataFrame) -> bool:
    """True where every ``src``/``dst`` is text or missing (missing counts as cash): the
    accounts are then numbered in the order of their ids as text.

    >>> text_ends(pd.DataFrame({"src": ["a", None], "dst": ["", "b"]}))
    True
    >>> text_ends(pd.DataFrame({"src": [1], "dst": ["b"]}))
    False
    """
    if not len(transfers) or not {"src", "dst"} <= set(transfers.columns):
        return False
    # a column of missing values only is "empty": all cash
    return all(
        pd.api.types.infer_dtype(transfers[col], skipna=True) in ("string", "empty")
        for col in ("src", "dst")
    )
