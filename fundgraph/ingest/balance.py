"""Running-balance check (余额校验): each row's balance should be the previous balance plus
money in or minus money out. A break means rows are missing, duplicated or out of order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import t as _t
from ..money import yuan
from ..schema import WARNINGS
from ..tables import conform
from .dedupe import _sorted_codes

__all__ = ["balance_breaks"]


def balance_breaks(transactions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows whose balance does not follow from the row before in the same statement.

    Statements listed newest first are recognised, and so are rows not in file order
    (checked in time order); per statement the order with fewest breaks is used, and each
    currency's balance is checked apart.
    Returns :data:`fundgraph.schema.WARNINGS` rows with code ``balance_break``.

    Examples
    --------
    >>> t = pd.DataFrame({"source_file": "a.csv", "source_sheet": "", "account": "A",
    ...     "source_row": [2, 3, 4], "direction": ["in", "out", "in"],
    ...     "amount": [1000, 300, 50], "balance": pd.array([1000, 700, 800], dtype="Int64")})
    >>> balance_breaks(t)[["source_row", "detail"]].values.tolist()
    [[4, 'expected 7.50, statement shows 8.00 (difference 0.50)']]
    """
    keys = ["source_file", "source_sheet", "account"]
    keys += ["currency"] if "currency" in transactions else []
    # only the columns the checks read: each order tried sorts these, not every column
    cols = [*keys, "source_row", "balance", "direction", "amount"]
    cols += ["time"] if "time" in transactions else []
    t = transactions.loc[transactions["balance"].notna().to_numpy(), cols]
    if t.empty:
        return conform(pd.DataFrame(), WARNINGS, extra=False)
    # file order (oldest or newest first) or time order: rows of several banks merged into
    # one file are seldom in time order; per statement the order with fewest breaks is used
    best = None
    # each statement numbered once in the order of its keys (sorting texts once, then
    # integers for each order tried)
    stmt = _statement_numbers(t, keys)
    # the orders are tried on integer columns only; the texts are read back for the breaks
    text = {c: t[c].to_numpy(dtype=object) for c in ("account", "source_file")}
    t = pd.DataFrame(
        {
            "_stmt": stmt,
            "source_row": t["source_row"].to_numpy(),
            "balance": t["balance"].to_numpy(dtype=np.int64),
            "_in": t["direction"].to_numpy() == "in",
            "amount": t["amount"].to_numpy(dtype=np.int64),
            **({"time": t["time"].to_numpy()} if "time" in t else {}),
            "_pos": np.arange(len(t)),
        }
    )
    orders: tuple[list[str], ...] = (["source_row"],)
    if "time" in t:
        t = t.assign(_back=-t["source_row"].to_numpy())  # equal times tried both ways
        orders = (["source_row"], ["time", "source_row"], ["time", "_back"])
    for order in orders:
        got = _breaks(t.iloc[_stable_order(t, ["_stmt"] + order)], ["_stmt"])
        if best is None:
            best = got
            continue
        better = got[4] < best[4].reindex(got[4].index).to_numpy()
        keep = set(got[4].index[better])
        if keep:
            take_new = np.isin(got[5], list(keep))
            take_old = ~np.isin(best[5], list(keep))
            best = (
                pd.concat([best[0][take_old], got[0][take_new]]),
                np.r_[best[1][take_old], got[1][take_new]],
                np.r_[best[2][take_old], got[2][take_new]],
                None,
                best[4],
                np.r_[best[5][take_old], got[5][take_new]],
            )
    hits, expected, shown = best[0], best[1], best[2]
    if not len(hits):
        return conform(pd.DataFrame(), WARNINGS, extra=False)
    detail = [
        _t("warning.balance_break", lang, expected=yuan(e), shown=yuan(v), difference=yuan(v - e))
        for e, v in zip(expected.tolist(), shown.tolist(), strict=True)
    ]
    df = pd.DataFrame(
        {
            "code": "balance_break",
            "account": text["account"][hits["_pos"].to_numpy()],
            "source_file": text["source_file"][hits["_pos"].to_numpy()],
            "source_row": hits["source_row"].to_numpy(),
            "detail": detail,
        }
    )
    df = df.sort_values(["source_file", "source_row"], kind="stable")
    return conform(df, WARNINGS, extra=False)


def _stable_order(t: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """The positions ``t.sort_values(cols, kind="stable")`` puts the rows in, for integer
    and datetime columns (missing times last, as pandas puts them), by ``np.lexsort``.

    >>> t = pd.DataFrame({"a": [1, 0, 1], "t": pd.to_datetime(["2022-01-02", None, None])})
    >>> _stable_order(t, ["a", "t"]).tolist()
    [1, 0, 2]
    """
    keys = []
    for c in cols:
        s = t[c]
        if pd.api.types.is_datetime64_dtype(s.dtype):
            v = s.to_numpy(dtype="datetime64[ns]").view(np.int64)
            keys.append(np.where(s.isna().to_numpy(), np.iinfo(np.int64).max, v))
        elif pd.api.types.is_integer_dtype(s.dtype) and not s.isna().any():
            keys.append(s.to_numpy(dtype=np.int64))
        else:  # anything else: as pandas sorts it
            sub = t[cols].reset_index(drop=True)
            return sub.sort_values(cols, kind="stable").index.to_numpy()
    return np.lexsort(keys[::-1])


def _statement_numbers(t: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """``t.groupby(keys, sort=True).ngroup()``: each row's statement numbered in the order
    of its keys, from each text column's sorted codes (a groupby sorts tuples of Python
    strings, which at millions of rows costs more than the checks themselves).

    >>> t = pd.DataFrame({"f": ["b", "a", "b", "a"], "a": ["x", "y", "x", "x"]})
    >>> _statement_numbers(t, ["f", "a"]).tolist()
    [2, 1, 2, 0]
    """
    codes = [_sorted_codes(t[k].to_numpy(dtype=object))[0] for k in keys]
    n = len(t)
    if not n or any((c < 0).any() for c in codes):  # a missing key: as the groupby does it
        return t.groupby(keys, sort=True).ngroup().to_numpy()
    order = np.lexsort(codes[::-1])
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for c in codes:
        s = c[order]
        new[1:] |= s[1:] != s[:-1]
    out = np.empty(n, dtype=np.int64)
    out[order] = np.cumsum(new) - 1
    return out


def _breaks(t: pd.DataFrame, keys: list[str]):
    """Breaks of ``t`` in its row order: (rows, expected, shown, -, breaks per statement key,
    statement key of each row)."""
    grp = t.groupby(keys, sort=False).ngroup().to_numpy()
    gkey = grp
    bal = t["balance"].to_numpy(dtype=np.int64)
    signed = np.where(t["_in"].to_numpy(), 1, -1) * t["amount"].to_numpy(dtype=np.int64)
    same_prev = np.r_[False, grp[1:] == grp[:-1]]  # row i has a predecessor in its statement
    same_next = np.r_[grp[:-1] == grp[1:], False]
    prev = np.r_[0, bal[:-1]]
    nxt = np.r_[bal[1:], 0]
    # oldest first: balance = previous + this row; newest first: balance = next + this row
    exp_fwd = prev + signed
    exp_rev = nxt + signed
    fwd = same_prev & (exp_fwd != bal)
    rev = same_next & (exp_rev != bal)
    n_rev = np.bincount(grp, weights=rev, minlength=grp.max() + 1)
    n_fwd = np.bincount(grp, weights=fwd, minlength=grp.max() + 1)
    use_rev = (n_rev < n_fwd)[grp]
    mask = np.where(use_rev, rev, fwd)
    per_key = pd.Series(np.minimum(n_rev, n_fwd), index=np.arange(len(n_rev)))
    expected = np.where(use_rev, exp_rev, exp_fwd)[mask]
    return t[mask], expected, bal[mask], None, per_key, gkey[mask]
