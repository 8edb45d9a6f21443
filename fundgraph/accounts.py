"""The per-account table every later stage starts from: totals, counts, names, aliases."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import ACCOUNTS, CASH
from .tables import conform

__all__ = ["account_table", "best_names"]


def _mode(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    """Most frequent non-empty ``value`` per ``key`` (ties: smallest text)."""
    f = frame[(frame[key] != "") & (frame[value] != "")][[key, value]]
    if f.empty:
        return pd.Series(dtype=object)
    c = f.value_counts().reset_index(name="n")
    c = c.sort_values([key, "n", value], ascending=[True, False, True], kind="stable")
    return c.drop_duplicates(key).set_index(key)[value]


def best_names(transactions: pd.DataFrame, transfers: pd.DataFrame) -> pd.DataFrame:
    """Holder name and id per account: its own statement first, else what others' statements
    show for it as counterparty."""
    own_name = _mode(transactions, "account", "holder_name")
    own_id = _mode(transactions, "account", "holder_id")
    seen = pd.concat(
        [
            transfers[["src", "src_name", "src_id"]].set_axis(["account", "name", "id"], axis=1),
            transfers[["dst", "dst_name", "dst_id"]].set_axis(["account", "name", "id"], axis=1),
        ],
        ignore_index=True,
    )
    other_name = _mode(seen, "account", "name")
    other_id = _mode(seen, "account", "id")
    names = own_name.combine_first(other_name)
    ids = own_id.combine_first(other_id)
    return pd.DataFrame({"holder_name": names, "holder_id": ids})


def account_table(
    transactions: pd.DataFrame, transfers: pd.DataFrame, aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per account seen (in a statement or as a counterparty), sorted by account.

    ``in_amount``/``out_amount`` include cash deposits and withdrawals (also shown apart as
    ``cash_in``/``cash_out``) and money from or to a counterparty the statement does not
    name (``unknown_in``/``unknown_out``: not cash unless the statement says so); ``in_degree``/``out_degree`` count distinct counterparty
    accounts. Analysis columns (role, level, ...) are left empty.
    """
    t = transfers
    accts = pd.unique(pd.concat([t["src"], t["dst"], transactions["account"]], ignore_index=True))
    accts = np.array(sorted(a for a in accts if a != CASH), dtype=object)
    df = pd.DataFrame({"account": accts}).set_index("account")
    inn = t[t["dst"] != CASH].groupby("dst")
    out = t[t["src"] != CASH].groupby("src")
    df["in_amount"] = inn["amount"].sum()
    df["in_count"] = inn["amount"].size()
    df["out_amount"] = out["amount"].sum()
    df["out_count"] = out["amount"].size()
    flows = t[(t["src"] != CASH) & (t["dst"] != CASH)]
    df["in_degree"] = flows.groupby("dst")["src"].nunique()
    df["out_degree"] = flows.groupby("src")["dst"].nunique()
    kind = t["counterparty_kind"] if "counterparty_kind" in t else pd.Series("cash", index=t.index)
    cash = kind == "cash"
    unknown = ~cash & (kind != "account")
    df["cash_in"] = t[(t["src"] == CASH) & cash].groupby("dst")["amount"].sum()
    df["cash_out"] = t[(t["dst"] == CASH) & cash].groupby("src")["amount"].sum()
    df["unknown_in"] = t[(t["src"] == CASH) & unknown].groupby("dst")["amount"].sum()
    df["unknown_out"] = t[(t["dst"] == CASH) & unknown].groupby("src")["amount"].sum()
    times = pd.concat(
        [
            t.loc[t["src"] != CASH, ["src", "time"]].set_axis(["account", "time"], axis=1),
            t.loc[t["dst"] != CASH, ["dst", "time"]].set_axis(["account", "time"], axis=1),
        ],
        ignore_index=True,
    ).groupby("account")["time"]
    df["first_time"] = times.min()
    df["last_time"] = times.max()
    for c in (
        "in_amount",
        "in_count",
        "out_amount",
        "out_count",
        "in_degree",
        "out_degree",
        "cash_in",
        "cash_out",
        "unknown_in",
        "unknown_out",
    ):
        df[c] = df[c].fillna(0).astype("int64")
    names = best_names(transactions, t)
    df = df.join(names)
    df["holder_name"] = df["holder_name"].fillna("")
    df["holder_id"] = df["holder_id"].fillna("")
    df["obtained"] = df.index.isin(set(transactions["account"]))
    alias_lists: dict[str, list[str]] = {}
    for alias, canon in (aliases or {}).items():
        alias_lists.setdefault(canon, []).append(alias)
    df["aliases"] = [";".join(sorted(alias_lists.get(a, []))) for a in df.index]
    df["role"] = ""
    return conform(df.reset_index(), ACCOUNTS)
