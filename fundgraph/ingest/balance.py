"""Running-balance check (余额校验): each row's balance should be the previous balance plus
money in or minus money out. A break means rows are missing, duplicated or out of order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..money import yuan
from ..schema import WARNINGS
from ..tables import conform

__all__ = ["balance_breaks"]


def _breaks(g: pd.DataFrame) -> np.ndarray:
    signed = np.where(g["direction"].to_numpy() == "in", 1, -1) * g["amount"].to_numpy()
    bal = g["balance"].to_numpy(dtype="float64", na_value=np.nan)  # cents, exact below 2**53
    prev = np.r_[np.nan, bal[:-1]]
    expected = prev + signed
    known = ~np.isnan(prev) & ~np.isnan(bal)
    return known & (expected != bal)


def balance_breaks(transactions: pd.DataFrame) -> pd.DataFrame:
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
    found = []
    for _, g in t.groupby(["source_file", "source_sheet", "account"], sort=True):
        fwd = _breaks(g)
        rev = _breaks(g.iloc[::-1])[::-1]
        use_rev = rev.sum() < fwd.sum()
        mask = rev if use_rev else fwd
        if not mask.any():
            continue
        order = g.iloc[::-1] if use_rev else g
        bal = order["balance"].to_numpy(dtype=object)
        signed = np.where(order["direction"].to_numpy() == "in", 1, -1) * order["amount"].to_numpy()
        m = mask[::-1] if use_rev else mask
        pos = np.flatnonzero(m)
        for p in pos:
            exp = int(bal[p - 1]) + int(signed[p])
            shown = int(bal[p])
            row = order.iloc[p]
            found.append(
                {
                    "code": "balance_break",
                    "account": row["account"],
                    "source_file": row["source_file"],
                    "source_row": int(row["source_row"]),
                    "detail": f"expected {yuan(exp)}, statement shows {yuan(shown)} "
                    f"(difference {yuan(shown - exp)})",
                }
            )
    df = pd.DataFrame(found)
    if len(df):
        df = df.sort_values(["source_file", "source_row"], kind="stable")
    return conform(df, WARNINGS, extra=False)
