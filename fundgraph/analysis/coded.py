"""The scheme signals of the coded transfers, and the investment score of every transfer.

:func:`scheme_transfers` adds to the case's :class:`~fundgraph.coded.CodedTransfers`
(built once per case, :mod:`fundgraph.coded`) what the structure steps read besides
(memo flags, holder names, company and payroll flags): a :class:`SchemeTransfers`.
:func:`investment_score` is the per-transfer score of docs/method.md: signals that add up,
none of them required (see :class:`~fundgraph.analysis.rules.SchemeRules`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import coded as _coded
from ..accounts import known_names
from ..coded import CodedTransfers, bincount, encode_accounts
from .features import (
    COMMISSION_MEMO,
    INVESTMENT_MEMO,
    RETURN_MEMO,
    WAGE_MEMO,
    is_company_name,
    memo_matches,
    non_investment_memo,
)
from .rules import DEFAULT_RULES, SchemeRules

__all__ = [
    "CodedTransfers",
    "SchemeTransfers",
    "code_transfers",
    "scheme_transfers",
    "encode_accounts",
    "investment_score",
    "investment_mask",
    "bincount",
    "passed_on",
]


@dataclass
class SchemeTransfers(CodedTransfers):
    """A :class:`~fundgraph.coded.CodedTransfers` with the signals of the structure steps.

    Per account-to-account transfer: ``everyday`` (the memo names an everyday payment),
    ``memo_inv`` (it names an investment), ``memo_ret`` (it names a return: interest,
    返利, dividends), ``memo_com`` (it names a commission: 提成, 佣金), ``memo_wage`` (it names a wage: 工资, 薪). Per account: ``names`` (holder name),
    ``company`` (the name is an organisation's), ``payroll`` (pays a steady payroll).
    """

    everyday: np.ndarray = dataclasses.field(kw_only=True)
    memo_inv: np.ndarray = dataclasses.field(kw_only=True)
    memo_ret: np.ndarray = dataclasses.field(kw_only=True)
    memo_com: np.ndarray = dataclasses.field(kw_only=True)
    memo_wage: np.ndarray = dataclasses.field(kw_only=True)
    names: pd.Series = dataclasses.field(kw_only=True)
    company: np.ndarray = dataclasses.field(kw_only=True)
    payroll: np.ndarray = dataclasses.field(kw_only=True)


def _names(c: CodedTransfers, accounts: pd.DataFrame | None) -> pd.Series:
    """Per account of ``c``: :func:`fundgraph.accounts.known_names` ("" where none)."""
    known = known_names(accounts, c.transfers)
    known = known[known.index.isin(c.nodes)]
    out = np.full(c.n, "", dtype=object)
    out[c.nodes.get_indexer(known.index)] = known.to_numpy()
    return pd.Series(out, index=c.nodes)


def _payroll_codes(
    s: np.ndarray,
    d: np.ndarray,
    famt: np.ndarray,
    month: np.ndarray,
    n: int,
    *,
    min_receivers: int = 5,
    max_cv: float = 0.25,
    min_share: float = 0.6,
) -> np.ndarray:
    """Per account: True for an employer's payroll sender. A sender qualifies when at
    least ``min_receivers`` receivers were paid in two or more distinct months with a
    coefficient of variation of at most ``max_cv``, and these make up at least
    ``min_share`` of its receivers."""
    if len(s) == 0:
        return np.zeros(n, dtype=bool)
    df = pd.DataFrame({"s": s, "d": d, "m": month, "a": famt})
    pair = df.groupby(["s", "d"], sort=False).agg(
        months=("m", "nunique"), mean=("a", "mean"), std=("a", "std")
    )
    steady = (pair["months"] >= 2) & (pair["std"].fillna(0) <= max_cv * pair["mean"])
    src = pair.index.get_level_values(0).to_numpy()
    receivers = np.bincount(src, minlength=n)
    n_steady = np.bincount(src, weights=steady.to_numpy().astype(float), minlength=n)
    return (n_steady >= min_receivers) & (n_steady >= min_share * receivers)


def scheme_transfers(c: CodedTransfers, accounts: pd.DataFrame | None = None) -> SchemeTransfers:
    """``c`` with the scheme signals added (its arrays are shared, not copied).

    Parameters
    ----------
    c : CodedTransfers
        The case's coded transfers.
    accounts : DataFrame, optional
        Accounts table (``account``, ``holder_name``): names before the transfers' own.

    Examples
    --------
    >>> from fundgraph.coded import code_transfers as coded
    >>> t = pd.DataFrame({"src": ["a"], "dst": ["b"], "amount": [5], "memo": ["工资"],
    ...     "dst_name": ["某某有限公司"], "time": pd.to_datetime(["2022-01-01"])})
    >>> sc = scheme_transfers(coded(t))
    >>> sc.everyday.tolist(), sc.company.tolist()
    ([True], [False, True])
    """
    if isinstance(c, SchemeTransfers):
        return c
    transfers = c.transfers
    if "memo" in transfers:
        memo = transfers["memo"].reset_index(drop=True)
        everyday = non_investment_memo(memo)[c.row]
        memo_inv = memo_matches(memo, INVESTMENT_MEMO)[c.row]
        memo_ret = memo_matches(memo, RETURN_MEMO)[c.row]
        memo_com = memo_matches(memo, COMMISSION_MEMO)[c.row]
        memo_wage = memo_matches(memo, WAGE_MEMO)[c.row]
    else:
        everyday = np.zeros(len(c.s), dtype=bool)
        memo_inv = np.zeros(len(c.s), dtype=bool)
        memo_ret = np.zeros(len(c.s), dtype=bool)
        memo_com = np.zeros(len(c.s), dtype=bool)
        memo_wage = np.zeros(len(c.s), dtype=bool)
    names = _names(c, accounts)
    base = {f.name: getattr(c, f.name) for f in dataclasses.fields(CodedTransfers) if f.init}
    out = SchemeTransfers(
        **base,
        everyday=everyday,
        memo_inv=memo_inv,
        memo_ret=memo_ret,
        memo_com=memo_com,
        memo_wage=memo_wage,
        names=names,
        company=is_company_name(names).to_numpy(),
        payroll=_payroll_codes(c.s, c.d, c.famt, c.month, c.n),
    )
    out._edges = c._edges
    return out


def code_transfers(
    transfers: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> SchemeTransfers:
    """:func:`fundgraph.coded.code_transfers` and :func:`scheme_transfers` in one step, for
    a transfers table that has no coded transfers yet.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["p", "q", ""], "dst": ["c", "c", "p"],
    ...     "amount": [5, 7, 9], "memo": ["投资", "房租", ""],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"])})
    >>> c = code_transfers(t)
    >>> c.memo_inv.tolist(), c.everyday.tolist(), c.total_in.tolist()
    ([True, False], [False, True], [12.0, 9.0, 0.0])
    """
    return scheme_transfers(_coded.code_transfers(transfers, accounts), accounts)


def _forwarded_fast(c: CodedTransfers, hours: float) -> np.ndarray:
    """Per account: share of its inflow (cents) followed by outflows of at least as much
    within ``hours`` (cash out counted)."""
    n = c.n
    share = np.zeros(n)
    din = c.d_all >= 0
    sout = c.s_all >= 0
    if not din.any() or not sout.any():
        return share
    ti = c.t_all.astype(np.int64)
    win = int(hours * 3600 * 1e9)
    # cumulative outflow per account over time
    o_acc = c.s_all[sout]
    o_t = ti[sout]
    o_a = c.a_all[sout]
    order = np.lexsort((o_t, o_acc))
    o_acc, o_t, o_a = o_acc[order], o_t[order], o_a[order]
    cum = np.cumsum(o_a)
    i_acc = c.d_all[din]
    i_t = ti[din]
    i_a = c.a_all[din]
    # key so that one searchsorted handles all accounts
    span = int(max(ti.max() - ti.min(), 0)) + 2 * win + 1
    base = ti.min()
    o_key = o_acc.astype(np.float64) * span + (o_t - base)
    lo = np.searchsorted(o_key, i_acc.astype(np.float64) * span + (i_t - base), side="left")
    hi = np.searchsorted(o_key, i_acc.astype(np.float64) * span + (i_t - base + win), side="right")
    got = np.where(hi > lo, cum[np.maximum(hi - 1, 0)] - np.where(lo > 0, cum[lo - 1], 0), 0)
    ok = got >= i_a
    tot = bincount(i_acc, i_a.astype(np.float64), n)
    fast = bincount(i_acc[ok], i_a[ok].astype(np.float64), n)
    np.divide(fast, tot, out=share, where=tot > 0)
    return share


def passed_on(
    c: CodedTransfers, hours: float, share: float, to: np.ndarray | None = None
) -> np.ndarray:
    """True for the account-to-account transfers of ``c`` whose receiver paid out at
    least ``share`` of the sum (to accounts or cash) within ``hours`` after it came in.

    With ``to`` (a boolean per account) only payments to those accounts count (cash
    never): the money was passed on *into* them.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "b", "x"], "dst": ["b", "c", "y"],
    ...     "amount": [100, 90, 100],
    ...     "time": pd.to_datetime(["2022-01-01 09:00", "2022-01-01 12:00", "2022-01-01 00:00"])})
    >>> passed_on(code_transfers(t), 24, 0.5).tolist()
    [True, False, False]
    >>> passed_on(code_transfers(t), 24, 0.5, to=np.array([False, False, False, False, True])).tolist()
    [False, False, False]
    """
    m = len(c.s)
    out = np.zeros(m, dtype=bool)
    sout = c.s_all >= 0
    if to is not None:
        sout &= c.d_all >= 0
        sout[sout] = to[c.d_all[sout]]
    if not m or not sout.any():
        return out
    ti = c.t_all.astype(np.int64)
    win = int(hours * 3600 * 1e9)
    o_acc, o_t, o_a = c.s_all[sout], ti[sout], c.a_all[sout]
    order = np.lexsort((o_t, o_acc))
    o_acc, o_t, o_a = o_acc[order], o_t[order], o_a[order]
    cum = np.cumsum(o_a)
    base = int(ti.min())
    span = float(int(ti.max()) - base + 2 * win + 1)
    key = o_acc.astype(np.float64) * span + (o_t - base)
    k0 = c.d.astype(np.float64) * span + (c.tns - base)
    lo = np.searchsorted(key, k0, side="left")
    hi = np.searchsorted(key, k0 + win, side="right")
    got = np.where(hi > lo, cum[np.maximum(hi - 1, 0)] - np.where(lo > 0, cum[lo - 1], 0), 0)
    return got >= share * c.amt


def investment_score(
    c: SchemeTransfers, rules: SchemeRules = DEFAULT_RULES
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Score of every account-to-account transfer of ``c`` as an investment.

    One point each: the payer is a natural person; the sum is large for that person
    (``large_sum``; a company's large payment is trade); it is round (a multiple of ``round_unit``); the memo names an
    investment (投资, 理财, 入会费 …); it is a tier (``tier_payers`` distinct payers paid the
    receiver this very sum); the payer paid the receiver ``repeat_payments`` times or more;
    the receiver forwarded ``forward_share`` of its inflow within ``forward_hours``.
    Transfers below ``min_investment``, with an everyday memo or from a payroll sender
    score 0.

    Returns
    -------
    score : ndarray of int
    signals : dict of boolean arrays, by signal name

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["p", "q"], "dst": ["c", "c"],
    ...     "amount": [2_066_600, 2_000_000], "memo": ["", "工资"],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02"])})
    >>> score, sig = investment_score(code_transfers(t))
    >>> score.tolist(), sig["large"].tolist(), sig["round"].tolist()
    ([2, 0], [True, True], [False, True])
    """
    s, d, amt = c.s, c.d, c.amt
    m = len(s)
    person = ~c.company[s] if m else np.zeros(0, dtype=bool)
    large = (amt >= rules.large_sum) & person  # large *for a natural person*
    rnd = (amt % rules.round_unit == 0) & (amt >= rules.round_unit)
    if m:
        df = pd.DataFrame({"s": s, "d": d, "a": amt})
        tier = df.groupby(["d", "a"], sort=False)["s"].transform("nunique") >= rules.tier_payers
        tier = tier.to_numpy()
        repeat = df.groupby(["s", "d"], sort=False)["a"].transform("size") >= rules.repeat_payments
        repeat = repeat.to_numpy()
        fast = _forwarded_fast(c, rules.forward_hours)[d] >= rules.forward_share
    else:
        tier = repeat = fast = np.zeros(0, dtype=bool)
    signals = {
        "person": person,
        "large": large,
        "round": rnd,
        "memo": c.memo_inv,
        "tier": tier,
        "repeat": repeat,
        "forwarded": fast,
    }
    score = np.zeros(m, dtype=np.int64)
    for v in signals.values():
        score += v.astype(np.int64)
    barred = (amt < rules.min_investment) | c.everyday
    if m:
        barred |= c.payroll[s]
    score[barred] = 0
    return score, signals


def investment_mask(c: SchemeTransfers, rules: SchemeRules = DEFAULT_RULES) -> np.ndarray:
    """True for the account-to-account transfers of ``c`` that score as investments.

    The score must reach ``investment_score`` and one of the signals must be about the
    sum itself (large for a person, a tier, or an investment memo): a person's repeated
    small payments (pocket money, family help) are never investments by repetition alone.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["p", "p", "q"], "dst": ["c", "c", "c"],
    ...     "amount": [472_000, 283_000, 2_003_700], "memo": "",
    ...     "time": pd.to_datetime(["2022-01-01", "2022-02-01", "2022-01-02"])})
    >>> investment_mask(code_transfers(t)).tolist()
    [False, False, True]
    """
    score, sig = investment_score(c, rules)
    about_sum = sig["large"] | sig["tier"] | sig["memo"]
    return (score >= rules.investment_score) & about_sum
