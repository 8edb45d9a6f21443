"""Helpers shared by the export formats: texts, names, XML-safe strings, money as numbers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..case import Case
from ..i18n import catalogue, check_lang, t, t_or
from ..money import yuan_decimal

__all__ = [
    "case_title",
    "role_label",
    "xml_safe",
    "yuan_number",
    "yuan_numbers",
    "column_label",
]

# XML 1.0 forbids these code points outright; one of them in a holder name would make the
# whole file unreadable, so they become U+FFFD (visible, and never markup).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Largest cents value whose yuan amount a double holds to the cent (2**53).
EXACT_CENTS = 2**53


def xml_safe(value: Any) -> str:
    """``value`` as text that any XML 1.0 writer accepts (forbidden characters become U+FFFD).

    >>> xml_safe("a\\x00b\\tc")
    'a\\ufffdb\\tc'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return _XML_ILLEGAL.sub("\ufffd", str(value))


def yuan_number(cents: int) -> float:
    """Cents as a number of yuan: the double nearest to the exact amount.

    The conversion goes through :class:`~decimal.Decimal`; for every amount below 10**15
    cents the shortest decimal that reads back to the result (its ``repr``) is the
    amount itself, so a reader sees exactly the yuan amount.

    >>> yuan_number(123456), yuan_number(-5), repr(yuan_number(10))
    (1234.56, -0.05, '0.1')
    """
    return float(yuan_decimal(int(cents)))


def yuan_numbers(cents: pd.Series) -> np.ndarray:
    """Vectorised :func:`yuan_number` (``NaN`` for missing values).

    IEEE division of an integer below 2**53 by 100 is correctly rounded, so the result is
    the same double :func:`yuan_number` gives for every value, without a Python loop.
    """
    s = pd.Series(cents)
    mask = s.isna().to_numpy()
    v = s.fillna(0).astype("int64").to_numpy()
    if len(v) and int(np.abs(v).max()) >= EXACT_CENTS:
        # beyond 2**53 cents a double cannot hold the amount: convert one by one, exactly
        out = np.array([float(Decimal(int(c)) / 100) for c in v], dtype="float64")
    else:
        out = v.astype("float64") / 100.0
    out[mask] = np.nan
    return out


def case_title(case: Case, lang: str) -> str:
    """The report's title, with the case name when ``case.json`` gives one."""
    name = (case.summary.case or "").strip()
    title = t("report.title", check_lang(lang))
    return f"{title} — {name}" if name else title


def role_label(role: Any, lang: str) -> str:
    """The role code as a reader's word (``core`` → 核心账户); unknown codes as they are."""
    code = "" if role is None or (not isinstance(role, str) and pd.isna(role)) else str(role)
    return t_or(f"role.{code}", lang, code)


def column_label(column: str, lang: str) -> str:
    """Header text of a column in ``lang`` (the column name where none is defined)."""
    msgs = catalogue(lang)
    return msgs.get(f"export.col.{column}") or msgs.get(f"column.{column}") or column
