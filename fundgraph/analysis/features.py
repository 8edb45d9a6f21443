"""Per-transfer and per-account signals shared by the analysis rules.

Every function here is vectorised (pandas/numpy) so that the rules built on them scale to
about a million transfers. Money stays in integer cents; shares and hours are floats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import CASH, is_cash

__all__ = [
    "WAN",
    "COMPANY_PATTERN",
    "NON_INVESTMENT_MEMO",
    "INVESTMENT_MEMO",
    "encode_accounts",
    "memo_matches",
    "is_company_name",
    "is_round_amount",
    "non_investment_memo",
    "payroll_senders",
    "dwell_hours",
    "account_flows",
]

#: 1万元 in cents.
WAN = 1_000_000

#: Holder names of organisations rather than natural persons.
COMPANY_PATTERN = (
    r"公司|有限|集团|中心|合伙|商行|超市|商店|便利店|门店|酒店|饭店|餐厅|药房|厂|银行|事务所|"
    r"工作室|协会|合作社|学校|医院|店$|Co\.|Ltd|Inc\b|LLC|Company|Corp|Shop|Store|Bank"
)

#: Memo words of investments, fees and scheme products (docs/method.md).
INVESTMENT_MEMO = r"投资|理财|入股|认购|集资|入会|会员费|会费|套餐|加盟|股金|invest|membership"

#: Memo words of everyday payments that are never an investment nor a return.
NON_INVESTMENT_MEMO = (
    r"工资|薪|代发|奖金|报销|社保|公积金|货款|房租|租金|水电|物业|生活费|退款|退货|学费|医药|"
    r"salary|payroll|wage|rent|refund|invoice|goods"
)


def encode_accounts(
    transfers: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Sorted account ids and the integer code of each transfer's ``src``/``dst`` (-1: cash).

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


def memo_matches(memo: pd.Series, pattern: str) -> np.ndarray:
    """True where a memo matches the regular expression ``pattern`` (case-insensitive).

    Examples
    --------
    >>> memo_matches(pd.Series(["入会费", "", None]), INVESTMENT_MEMO).tolist()
    [True, False, False]
    """
    codes, uniques = pd.factorize(memo.to_numpy(dtype=object), use_na_sentinel=True)
    if len(uniques) == 0:
        return np.zeros(len(memo), dtype=bool)
    hit = (
        pd.Series(uniques, dtype=object)
        .astype(str)
        .str.contains(pattern, case=False, regex=True)
        .to_numpy()
    )
    return np.where(codes >= 0, hit[np.maximum(codes, 0)], False)


def is_company_name(names: pd.Series) -> pd.Series:
    """True where a holder name looks like an organisation.

    Examples
    --------
    >>> is_company_name(pd.Series(["张三", "某某投资咨询有限公司", "好又多超市"])).tolist()
    [False, True, True]
    """
    return names.fillna("").astype(str).str.contains(COMPANY_PATTERN, case=False, regex=True)


def is_round_amount(amount: pd.Series | np.ndarray, unit: int = WAN) -> np.ndarray:
    """True where an amount in cents is a positive multiple of ``unit`` (default 1万元).

    Examples
    --------
    >>> is_round_amount(np.array([1_000_000, 5_000_000, 1_234_500])).tolist()
    [True, True, False]
    """
    a = np.asarray(amount, dtype="int64")
    return (a > 0) & (a % unit == 0)


def non_investment_memo(memo: pd.Series) -> np.ndarray:
    """True where a memo names an everyday payment (salary, rent, refund, goods ...).

    Examples
    --------
    >>> non_investment_memo(pd.Series(["代发工资", "投资款", "", "房租3月"])).tolist()
    [True, False, False, True]
    """
    return memo_matches(memo, NON_INVESTMENT_MEMO)


def payroll_senders(
    transfers: pd.DataFrame, *, min_receivers: int = 5, max_cv: float = 0.25, min_share: float = 0.6
) -> pd.Index:
    """Accounts that pay many people similar sums month after month (an employer's payroll).

    A sender qualifies when at least ``min_receivers`` receivers were paid in two or more
    distinct months with a coefficient of variation of at most ``max_cv``, and these make
    up at least ``min_share`` of its receivers.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["e"] * 10, "dst": list("abcde") * 2,
    ...     "amount": [800_000, 810_000, 790_000, 805_000, 800_000] * 2,
    ...     "time": pd.to_datetime(["2022-01-10"] * 5 + ["2022-02-10"] * 5)})
    >>> list(payroll_senders(t))
    ['e']
    """
    t = transfers[(transfers["src"] != CASH) & (transfers["dst"] != CASH)]
    if t.empty:
        return pd.Index([], dtype=object)
    month = t["time"].dt.year * 12 + t["time"].dt.month
    a = t["amount"].astype("float64")
    g = pd.DataFrame({"src": t["src"], "dst": t["dst"], "m": month, "a": a}).groupby(
        ["src", "dst"], sort=False
    )
    pair = g.agg(months=("m", "nunique"), mean=("a", "mean"), std=("a", "std"))
    pair["steady"] = (pair["months"] >= 2) & (pair["std"].fillna(0) <= max_cv * pair["mean"])
    per = pair.groupby(level=0).agg(receivers=("steady", "size"), steady=("steady", "sum"))
    ok = (per["steady"] >= min_receivers) & (per["steady"] >= min_share * per["receivers"])
    return pd.Index(sorted(per.index[ok]), dtype=object)


def dwell_hours(transfers: pd.DataFrame) -> pd.DataFrame:
    """How long money stays in each account: hours from each inflow to the next outflow.

    Returns one row per account that had an inflow followed by an outflow:
    ``median_dwell_hours`` and ``forwarded_within_72h`` (share of inflow amount followed by
    an outflow within three days). Cash deposits and withdrawals count as flows.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["p", "c"], "dst": ["c", "k"], "amount": [100, 100],
    ...     "time": pd.to_datetime(["2022-01-01 09:00", "2022-01-01 15:00"])})
    >>> float(dwell_hours(t).loc["c", "median_dwell_hours"])
    6.0
    """
    ins = pd.DataFrame(
        {"account": transfers["dst"], "time": transfers["time"], "amount": transfers["amount"]}
    )
    ins = ins[ins["account"] != CASH]
    outs = pd.DataFrame({"account": transfers["src"], "out_time": transfers["time"]})
    outs = outs[outs["account"] != CASH]
    if ins.empty or outs.empty:
        return pd.DataFrame(
            {
                "median_dwell_hours": pd.Series(dtype=float),
                "forwarded_within_72h": pd.Series(dtype=float),
            }
        )
    ins = ins.sort_values("time", kind="stable")
    outs = outs.sort_values("out_time", kind="stable")
    m = pd.merge_asof(
        ins,
        outs,
        left_on="time",
        right_on="out_time",
        by="account",
        direction="forward",
        allow_exact_matches=True,
    )
    m = m[m["out_time"].notna()]
    h = (m["out_time"] - m["time"]).dt.total_seconds() / 3600.0
    fast = m["amount"].where(h <= 72, 0)
    g = pd.DataFrame({"account": m["account"], "h": h, "fast": fast, "amt": m["amount"]}).groupby(
        "account", sort=True
    )
    out = pd.DataFrame({"median_dwell_hours": g["h"].median()})
    tot_in = ins.groupby("account")["amount"].sum()
    out["forwarded_within_72h"] = (g["fast"].sum() / tot_in.reindex(out.index)).astype(float)
    out.index.name = "account"
    return out


def account_flows(transfers: pd.DataFrame) -> pd.DataFrame:
    """Per-account totals from the transfers table (cents and counts).

    Columns: ``in_amount``, ``out_amount`` (cash included), ``in_count``, ``out_count``,
    ``in_degree``, ``out_degree`` (distinct accounts), ``cash_in``, ``cash_out`` (the
    statement says cash), ``unknown_in``, ``unknown_out`` (no counterparty named, not
    cash: see :func:`fundgraph.schema.is_cash`), ``first_time``, ``last_time``.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "a", ""], "dst": ["b", "b", "a"], "amount": [1, 2, 5],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"])})
    >>> account_flows(t)[["in_amount", "out_amount", "out_degree", "cash_in"]].values.tolist()
    [[5, 3, 1, 5], [3, 0, 0, 0]]
    """
    nodes, s, d = encode_accounts(transfers)
    n = len(nodes)
    amt = transfers["amount"].to_numpy(np.int64)
    tm = transfers["time"].to_numpy().astype("datetime64[ns]").astype(np.int64)

    def total(idx, mask):
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, idx[mask], amt[mask])
        return out

    def count(idx, mask):
        return np.bincount(idx[mask], minlength=n).astype(np.int64)

    def distinct(a, b, mask):
        key = np.unique(a[mask] * max(n, 1) + b[mask])
        return np.bincount(key // max(n, 1), minlength=n).astype(np.int64)

    hi = np.iinfo(np.int64).max
    first = np.full(n, hi, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    for side in (s, d):
        ok = side >= 0
        np.minimum.at(first, side[ok], tm[ok])
        np.maximum.at(last, side[ok], tm[ok])
    both = (s >= 0) & (d >= 0)
    cash = is_cash(transfers)
    df = pd.DataFrame(
        {
            "in_amount": total(d, d >= 0),
            "out_amount": total(s, s >= 0),
            "in_count": count(d, d >= 0),
            "out_count": count(s, s >= 0),
            "in_degree": distinct(d, s, both),
            "out_degree": distinct(s, d, both),
            "cash_in": total(d, (d >= 0) & (s < 0) & cash),
            "cash_out": total(s, (s >= 0) & (d < 0) & cash),
            "unknown_in": total(d, (d >= 0) & (s < 0) & ~cash),
            "unknown_out": total(s, (s >= 0) & (d < 0) & ~cash),
            "first_time": pd.to_datetime(
                np.where(first == hi, np.datetime64("NaT"), first.astype("datetime64[ns]"))
            ),
            "last_time": pd.to_datetime(last.astype("datetime64[ns]")),
        },
        index=pd.Index(nodes, name="account"),
    )
    return df
