"""Running-balance check (余额校验): each row's balance should be the previous balance plus
money in or minus money out. A break means rows are missing, duplicated or out of order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..i18n import t as _t
from ..money import yuan
from ..schema import WARNINGS
from ..tables import conform

__all__ = ["balance_breaks"]


def balance_breaks(transactions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Rows whose balance does not follow from the row before in the same statement.

    Statements listed newest first are recognised (the order with fewer breaks is used).
    Returns :data:`fundgraph.schema.WARNINGS` rows with code ``balance_break``.

    Examples
    --------
    >>> t = pd.DataFrame({"source_file": "a.csv", "source_sheet": "", "account": "A",
    ...     "source_row": [2, 3, 4], "direction": ["in", "out", "in"],
    ...     "amount": [1000, 300, 50], "balance": pd.array([1000, 700, 800], dtype="Int64")})
    >>> balance_breaks(t)[["source_row", "detail"]].values.tolist()
    [[4, 'expected 7.50, statement shows 8.00 (difference 0.50)']]
    """
    t = transactions[transactions["balance"].notna()]
    if t.empty:
        return conform(pd.DataFrame(), WARNINGS, extra=False)
    t = t.sort_values(["source_file", "source_sheet", "account", "source_row"], kind="stable")
    grp = t.groupby(["source_file", "source_sheet", "account"], sort=False).ngroup().to_numpy()
    bal = t["balance"].to_numpy(dtype=np.int64)
    signed = np.where(t["direction"].to_numpy() == "in", 1, -1) * t["amount"].to_numpy(dtype=np.int64)
    same_prev = np.r_[False, grp[1:] == grp[:-1]]  # row i has a predecessor in its statement
    same_next = np.r_[grp[:-1] == grp[1:], False]
    prev = np.r_[0, bal[:-1]]
    nxt = np.r_[bal[1:], 0]
    # oldest first: balance = previous + this row; newest first: balance = next + this row
    exp_fwd = prev + signed
    exp_rev = nxt + signed
    fwd = same_prev & (exp_fwd != bal)
    rev = same_next & (exp_rev != bal)
    use_rev = (np.bincount(grp, weights=rev, minlength=grp.max() + 1)
               < np.bincount(grp, weights=fwd, minlength=grp.max() + 1))[grp]
    mask = np.where(use_rev, rev, fwd)
    if not mask.any():
        return conform(pd.DataFrame(), WARNINGS, extra=False)
    expected = np.where(use_rev, exp_rev, exp_fwd)[mask]
    shown = bal[mask]
    hits = t[mask]
    detail = [
        _t("warning.balance_break", lang, expected=yuan(e), shown=yuan(v), difference=yuan(v - e))
        for e, v in zip(expected.tolist(), shown.tolist(), strict=True)
    ]
    df = pd.DataFrame(
        {
            "code": "balance_break",
            "account": hits["account"].to_numpy(),
            "source_file": hits["source_file"].to_numpy(),
            "source_row": hits["source_row"].to_numpy(),
            "detail": detail,
        }
    )
    df = df.sort_values(["source_file", "source_row"], kind="stable")
    return conform(df, WARNINGS, extra=False)
