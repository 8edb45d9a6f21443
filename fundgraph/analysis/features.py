"""Per-transfer and per-account signals shared by the analysis rules.

Every function here is vectorised (pandas/numpy) so that the rules built on them scale to
about a million transfers. Money stays in integer cents; shares and hours are floats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..accounts import account_flows
from ..coded import encode_accounts
from ..schema import CASH

__all__ = [
    "WAN",
    "COMPANY_PATTERN",
    "NON_INVESTMENT_MEMO",
    "INVESTMENT_MEMO",
    "RETURN_MEMO",
    "COMMISSION_MEMO",
    "WAGE_MEMO",
    "encode_accounts",
    "memo_matches",
    "is_company_name",
    "is_round_amount",
    "non_investment_memo",
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

#: Memo words of money paid back on an investment (interest, rebates, dividends).
RETURN_MEMO = r"利息|收益|返利|分红|红利|回报|本息|interest|dividend|rebate"

#: Memo words of money paid for collecting: commissions on what a salesperson brought in.
COMMISSION_MEMO = r"提成|佣金|commission"

#: Memo words of pay for work (wages, salary); a commission is often paid under them.
WAGE_MEMO = r"工资|薪|salary|wage"

#: Memo words of everyday payments that are never an investment nor a return.
NON_INVESTMENT_MEMO = (
    r"工资|薪|代发|奖金|报销|社保|公积金|货款|房租|租金|水电|物业|生活费|退款|退货|学费|医药|"
    r"salary|payroll|wage|rent|refund|invoice|goods"
)


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


def dwell_hours(transfers: pd.DataFrame, coded=None) -> pd.DataFrame:
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

    ``coded`` (:class:`fundgraph.coded.CodedTransfers` of ``transfers``) gives the same
    result through integer account codes (faster on millions of transfers):

    >>> from fundgraph.coded import code_transfers
    >>> dwell_hours(t, code_transfers(t)).equals(dwell_hours(t))
    True
    """
    if coded is not None:
        # the codes number the sorted account ids: grouping codes sorts as the ids do
        ins = pd.DataFrame({"account": coded.d_all, "time": coded.t_all, "amount": coded.a_all})
        ins = ins[ins["account"] >= 0]
        outs = pd.DataFrame({"account": coded.s_all, "out_time": coded.t_all})
        outs = outs[outs["account"] >= 0]
    else:
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
    if coded is not None:
        out.index = pd.Index(coded.nodes[out.index.to_numpy()], dtype=object)
    out.index.name = "account"
    return out
