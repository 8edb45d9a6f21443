"""Money: integer cents inside, yuan with two decimals outside.

Examples
--------
>>> yuan(123456)
'1234.56'
>>> yuan(-5)
'-0.05'
>>> cents("1234.56"), cents("-0.05"), cents("12")
(123456, -5, 1200)
>>> format_cny(123456789012, "zh")
'¥12.35亿'
>>> format_cny(5000000, "zh")
'¥5万'
>>> format_cny(123456, "en")
'¥1,234.56'
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "yuan",
    "yuan_decimal",
    "cents",
    "yuan_series",
    "cents_series",
    "format_cny",
    "split_largest_remainder",
]

_YUAN_RE = re.compile(r"^(-?)(\d+)(?:\.(\d{1,2}))?$")


def yuan(c: int) -> str:
    """Cents as a yuan string with exactly two decimals.

    Parameters
    ----------
    c : int
        An amount in integer cents (a Python or numpy integer), of any sign and size.

    Returns
    -------
    str
        ``[-]<yuan>.<cents>``: exactly two decimals, no thousands separators, no currency
        sign; the form of the money columns of the case folder's CSV files.

    See Also
    --------
    cents : the inverse, text to cents.
    yuan_series : the same for a whole Series.
    format_cny : cents for a reader (``¥1.2亿``, ``¥1,234.56``).

    Examples
    --------
    >>> yuan(123456), yuan(-5), yuan(0)
    ('1234.56', '-0.05', '0.00')
    >>> import numpy as np
    >>> yuan(np.int64(158_544_000_000))
    '1585440000.00'
    >>> cents(yuan(-1_200_050))
    -1200050
    """
    c = int(c)
    sign = "-" if c < 0 else ""
    q, r = divmod(abs(c), 100)
    return f"{sign}{q}.{r:02d}"


def yuan_decimal(c: int) -> Decimal:
    """Cents as an exact :class:`~decimal.Decimal` of yuan (two decimals)."""
    return Decimal(yuan(c))


def cents(text: str | Decimal | int) -> int:
    """A yuan amount written with at most two decimals, as integer cents (exact)."""
    if isinstance(text, int):
        return text * 100
    m = _YUAN_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"not a yuan amount with at most two decimals: {text!r}")
    sign, whole, frac = m.groups()
    value = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
    return -value if sign else value


def yuan_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`yuan` for an integer (possibly nullable) Series; <NA> becomes ""."""
    s = pd.Series(values)
    if s.empty:
        return pd.Series([], index=s.index, dtype=object)
    mask = s.isna()
    v = s.fillna(0).astype("int64").to_numpy()
    neg = v < 0
    a = np.abs(v)
    whole = (a // 100).astype(str)
    frac = np.char.zfill((a % 100).astype(str), 2)
    out = np.char.add(np.char.add(np.where(neg, "-", ""), whole), np.char.add(".", frac))
    res = pd.Series(out, index=s.index, dtype=object)
    res[mask.to_numpy()] = ""
    return res


def cents_series(values: pd.Series) -> pd.Series:
    """Vectorised :func:`cents` for strings written by :func:`yuan_series`; "" becomes <NA>."""
    s = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    empty = s == ""
    parts = s.str.extract(r"^(-?)(\d+)(?:\.(\d{1,2}))?$")
    bad = parts[1].isna() & ~empty
    if bad.any():
        raise ValueError(f"not a yuan amount: {s[bad].iloc[0]!r}")
    whole = pd.to_numeric(parts[1].fillna("0")).astype("int64")
    frac = pd.to_numeric(parts[2].fillna("0").str.ljust(2, "0")).astype("int64")
    v = whole * 100 + frac
    v = v.where(parts[0] != "-", -v)
    out = v.astype("Int64")
    out[empty] = pd.NA
    return out


def format_cny(c: int, lang: str = "zh") -> str:
    """Cents for a reader: ``¥1.2亿``/``¥35.6万`` in Chinese, ``¥1,234.56`` in English."""
    c = int(c)
    sign = "-" if c < 0 else ""
    a = abs(c)
    if lang == "zh":
        if a >= 100_000_000_00:
            return f"{sign}¥{_trim(a / 100_000_000_00)}亿"
        if a >= 10_000_00:
            return f"{sign}¥{_trim(a / 10_000_00)}万"
        return f"{sign}¥{yuan(a)}"
    q, r = divmod(a, 100)
    return f"{sign}¥{q:,}.{r:02d}"


def _trim(x: float) -> str:
    # a display figure only (never summed): two decimals without trailing zeros
    return f"{x:.2f}".rstrip("0").rstrip(".")


def split_largest_remainder(
    weights: Sequence[int], total: int, *, ties: Sequence[Any] | None = None
) -> list[int]:
    """Split ``total`` cents in proportion to ``weights`` exactly (largest remainder).

    Each part gets the floor of its exact share; the cents left over go one each to the
    parts with the largest remainders, ties to the earlier part (or, with ``ties``, to the
    part with the smaller key). The parts always sum to ``total``.

    Parameters
    ----------
    weights : sequence of int
        Non-negative integers with a positive sum.
    total : int
        Non-negative integer to split.
    ties : sequence, optional
        One sort key per part, for parts with equal remainders.

    Returns
    -------
    list of int

    Examples
    --------
    >>> split_largest_remainder([1, 1, 1], 100)
    [34, 33, 33]
    >>> split_largest_remainder([50, 30, 20], 7)
    [4, 2, 1]
    >>> split_largest_remainder([1, 1, 1], 100, ties=[2, 0, 1])
    [33, 34, 33]

    References
    ----------
    .. [1] Hamilton's method of apportionment (largest remainder).
    """
    w_sum = sum(weights)
    if w_sum <= 0:
        raise ValueError("weights must have a positive sum")
    if ties is None and len(weights) > 32 and max(weights) * total < 2**62:
        # the same arithmetic, vectorised where the products fit in int64
        w = np.asarray(weights, dtype=np.int64)
        prod = w * total
        q = prod // w_sum
        short = total - int(q.sum())
        if short:
            r = prod % w_sum
            q[np.lexsort((np.arange(len(w)), -r))[:short]] += 1
        return q.tolist()
    parts = []
    rems = []
    for i, weight in enumerate(weights):
        part, rem = divmod(weight * total, w_sum)
        parts.append(part)
        rems.append((-rem, i) if ties is None else (-rem, ties[i], i))
    short = total - sum(parts)
    if short:
        for key in heapq.nsmallest(short, rems):
            parts[key[-1]] += 1
    return parts
