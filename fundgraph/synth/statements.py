"""From the case model to statement rows: numbers, layouts, both sides, balances, failures.

Each obtained account gets one statement. A transfer between two obtained accounts is
written twice (out in the sender's, in in the receiver's, the receiver's clock 0–120 s
late). Statements in layouts with a status column also carry a few failed attempts that
leave the balance unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import names
from .world import CASH, TRANSFER_KINDS, World

__all__ = ["LAYOUTS", "Statements", "number_accounts", "assign_layouts", "statement_rows"]

#: layout -> (container, has status column, shows card + account number, bank key, weight)
LAYOUTS = {
    "police": ("xlsx", True, True, None, 0.24),
    "icbc": ("text", False, False, "icbc", 0.15),
    "ccb": ("text", False, True, "ccb", 0.14),
    "signed": ("text", False, False, "abc", 0.10),
    "english": ("text", True, False, "cmb", 0.10),
    "utf16": ("text", True, False, "psbc", 0.10),
    "xls": ("xls", False, False, "rcc", 0.08),
    "xlsx_title": ("xlsx", True, False, "bocom", 0.09),
}
EXCEL_MAX_ROWS = 4_000  # larger statements go to text layouts
# spreadsheet writing is slow: big cases keep a realistic but bounded number in xlsx/xls
EXCEL_BUDGET = 12_000  # rows
EXCEL_FILES = 80  # statements
QUOTA = 8  # statements each layout gets first, so every header variant shows up

MEMOS = {
    "deposit": ["转账", "投资款", "理财款", "入股", "手机转账"],
    "forward": ["转账", "往来款", "汇款", "货款"],
    "funding": ["往来款", "备用金", "转账"],
    "interest": ["利息", "返利", "分红", "收益"],
    "redemption": ["退本金", "赎回", "还款"],
    "commission": ["提成", "奖金", "业绩奖励"],
    "siphon": ["往来款", "借款", "转账"],
    "property": ["购房款", "房款", "首付款"],
    "cash": ["现金", "ATM取款", "取现"],
    "salary": ["工资", "代发工资"],
    "income": ["货款", "工程款", "服务费"],
    "shopping": ["消费", "快捷支付", "POS消费", "网购"],
    "supplier": ["货款", "进货款"],
    "family": ["转账", "生活费", "还钱"],
    "rent": ["房租", "租金"],
}
CHANNELS = {
    "cash": ["ATM", "柜面"],
    "salary": ["代发", "批量代发"],
    "shopping": ["快捷支付", "POS", "第三方支付"],
}
DEFAULT_CHANNELS = ["网上银行", "手机银行", "柜面"]


@dataclass
class Statements:
    """All statement rows (sorted by statement, then time) and one row per statement."""

    rows: pd.DataFrame
    meta: pd.DataFrame


def number_accounts(rng: np.random.Generator, world: World, layout: np.ndarray) -> None:
    """Give every account its bank, number and (for some obtained persons) an alias."""
    acc = world.accounts
    n = len(acc)
    bank_keys = np.array(list(names.BANKS), dtype=object)
    bank = rng.choice(bank_keys, n)
    lay_bank = np.array([LAYOUTS[x][3] if x else None for x in layout], dtype=object)
    bank = np.where(pd.notna(lay_bank) & (lay_bank != None), lay_bank, bank)  # noqa: E711
    comp = acc["company"].to_numpy()
    prefix = np.array([names.BANKS[b][1] for b in bank], dtype=object)
    number = np.empty(n, dtype=object)
    number[~comp] = names.card_numbers(rng, prefix[~comp])
    number[comp] = names.account_numbers(rng, int(comp.sum()))
    shows = np.array([bool(x) and LAYOUTS[x][2] for x in layout])
    has_alias = shows & ~comp & (rng.random(n) < 0.6)
    alias = np.full(n, "", dtype=object)
    alias[has_alias] = names.account_numbers(rng, int(has_alias.sum()), 17, 19)
    # numbers must never collide
    for _ in range(5):
        allnum = np.r_[number, alias[has_alias]]
        u, c = np.unique(allnum, return_counts=True)
        bad = np.isin(number, u[c > 1])
        if not bad.any():
            break
        number[bad & ~comp] = names.card_numbers(rng, prefix[bad & ~comp])
        number[bad & comp] = names.account_numbers(rng, int((bad & comp).sum()))
    acc["bank"] = [names.BANKS[b][0] for b in bank]
    acc["number"] = number
    acc["alias"] = alias
    acc["layout"] = [x or "" for x in layout]


def assign_layouts(rng: np.random.Generator, world: World, allowed: list[str]) -> np.ndarray:
    """Pick a layout for each obtained account's statement (size decides what is possible)."""
    acc = world.accounts
    tr = world.transfers
    sides = np.bincount(tr["src"][tr["src_obt"]].to_numpy(), minlength=len(acc)) + np.bincount(
        tr["dst"][tr["dst_obt"]].to_numpy(), minlength=len(acc)
    )
    layout = np.full(len(acc), None, dtype=object)
    obtained = np.flatnonzero(acc["obtained"].to_numpy() & (sides > 0))
    order = rng.permutation(obtained)
    text = [x for x in allowed if LAYOUTS[x][0] == "text"] or list(allowed)
    used = dict.fromkeys(allowed, 0)
    excel_rows = excel_files = 0
    for a in order:
        rows = int(sides[a])
        excel_ok = (
            rows <= EXCEL_MAX_ROWS
            and excel_rows + rows <= EXCEL_BUDGET
            and excel_files < EXCEL_FILES
        )
        pool = list(allowed) if excel_ok else text
        short = [x for x in pool if used[x] < QUOTA]
        if short:
            choice = short[int(rng.integers(len(short)))]
        else:
            w = np.array([LAYOUTS[x][4] for x in pool])
            choice = pool[int(rng.choice(len(pool), p=w / w.sum()))]
        used[choice] += 1
        if LAYOUTS[choice][0] != "text":
            excel_rows += rows
            excel_files += 1
        layout[a] = choice
    return layout


def _pick(
    rng: np.random.Generator, options: dict[str, list[str]], kinds: np.ndarray, default: list[str]
):
    out = np.empty(len(kinds), dtype=object)
    u = rng.random(len(kinds))
    for code, kind in enumerate(TRANSFER_KINDS):
        m = kinds == code
        if m.any():
            opts = np.array(options.get(kind, default), dtype=object)
            out[m] = opts[(u[m] * len(opts)).astype(int)]
    return out


def statement_rows(rng: np.random.Generator, world: World) -> Statements:
    """Every obtained account's side of every visible transfer, plus failed attempts."""
    acc = world.accounts
    tr = world.transfers
    n_tr = len(tr)
    tid = np.arange(n_tr)
    src, dst = tr["src"].to_numpy(), tr["dst"].to_numpy()
    so, do = tr["src_obt"].to_numpy(), tr["dst_obt"].to_numpy()
    t = tr["t"].to_numpy()
    shift = np.where(so & do, rng.integers(0, 121, n_tr), 0)
    out = pd.DataFrame({"tid": tid[so], "acct": src[so], "cp": dst[so], "dir": -1, "t": t[so]})
    inn = pd.DataFrame(
        {"tid": tid[do], "acct": dst[do], "cp": src[do], "dir": 1, "t": (t + shift)[do]}
    )
    rows = pd.concat([out, inn], ignore_index=True)
    rows["amount"] = tr["amount"].to_numpy()[rows["tid"].to_numpy()]
    rows["kind"] = tr["kind"].to_numpy()[rows["tid"].to_numpy()]
    rows["failed"] = False
    layout = acc["layout"].to_numpy()
    status = np.array([bool(x) and LAYOUTS[x][1] for x in layout])
    # failed attempts: an outgoing payment tried a few minutes earlier and refused
    cand = rows[(rows["dir"] == -1) & status[rows["acct"].to_numpy()]]
    fail = cand[rng.random(len(cand)) < 0.02].copy()
    fail["failed"] = True
    fail["t"] = np.maximum(fail["t"].to_numpy() - rng.integers(60, 900, len(fail)), 0)
    rows = pd.concat([rows, fail], ignore_index=True)
    rows = rows.sort_values(
        ["acct", "t", "tid", "failed"], ascending=[True, True, True, False], kind="stable"
    )
    rows = rows.reset_index(drop=True)
    signed = np.where(
        rows["failed"].to_numpy(), 0, rows["dir"].to_numpy() * rows["amount"].to_numpy()
    )
    cum = pd.Series(signed).groupby(rows["acct"].to_numpy()).cumsum().to_numpy()
    low = pd.Series(cum).groupby(rows["acct"].to_numpy()).min()
    opening = np.maximum(0, -low.to_numpy()) + rng.integers(0, 500_000, len(low))
    open_of = pd.Series(opening, index=low.index)
    rows["balance"] = open_of.reindex(rows["acct"].to_numpy()).to_numpy() + cum
    # what the row shows for its counterparty
    cp = rows["cp"].to_numpy()
    cash = cp == CASH
    cpi = np.where(cash, 0, cp)
    number = acc["number"].to_numpy()
    alias = acc["alias"].to_numpy()
    show_alias = (alias[cpi] != "") & (rng.random(len(rows)) < 0.35)
    rows["cp_number"] = np.where(cash, "", np.where(show_alias, alias[cpi], number[cpi]))
    rows["cp_name"] = np.where(cash, "", acc["holder_name"].to_numpy()[cpi])
    rows["cp_id"] = np.where(cash, "", acc["holder_id"].to_numpy()[cpi])
    rows["cp_bank"] = np.where(cash, "", acc["bank"].to_numpy()[cpi])
    kinds = rows["kind"].to_numpy()
    rows["memo"] = _pick(rng, MEMOS, kinds, ["转账"])
    rows["channel"] = _pick(rng, CHANNELS, kinds, DEFAULT_CHANNELS)
    rows["ref"] = rng.integers(10**15, 10**16 - 1, len(rows))
    starts = np.r_[0, np.flatnonzero(np.diff(rows["acct"].to_numpy())) + 1]
    ends = np.r_[starts[1:], len(rows)]
    ids = rows["acct"].to_numpy()[starts]
    meta = acc.loc[
        ids,
        ["id", "kind", "company", "holder_name", "holder_id", "bank", "number", "alias", "layout"],
    ].copy()
    meta["lo"] = starts
    meta["hi"] = ends
    meta["opening"] = open_of.reindex(ids).to_numpy()
    return Statements(rows=rows, meta=meta.reset_index(drop=True))
