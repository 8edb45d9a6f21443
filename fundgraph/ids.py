"""One spelling per account, card and person-ID number.

Banks print the same number in many ways: in groups (``6222 0000 0000 0002``,
``6222-0000-0000-0002``), in full-width digits (``６２２２…``, typed with a Chinese input
method), with a lower-case check letter (``…123x``). Every place a number enters fundgraph
(statement cells, title lines, the watch-list, command-line options) goes through the
functions here, so that one account or one person is one key everywhere.

Only the spelling is folded; a value that is not a number (``A1``, a company's internal
code, a name) is kept as written, apart from Unicode compatibility folding (NFKC) and
surrounding spaces.

>>> normalise_account("6222 0000 0000 0002"), normalise_account("６２２２-０００２")
('6222000000000002', '62220002')
>>> normalise_person_id("11010119900101123x"), normalise_person_id("１１０１０１")
('11010119900101123X', '110101')
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

__all__ = [
    "normalise_account",
    "normalise_person_id",
    "normalise_accounts",
    "normalise_person_ids",
]

# separators printed between digit groups: spaces (also full-width and no-break), hyphens
# and dashes of every width
_SEPARATORS = " \t\u00a0\u3000\u2002\u2003\u2009\u202f-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d"
_GROUPED = re.compile(r"[0-9]+(?:[" + re.escape(_SEPARATORS) + r"]+[0-9]+)+")
_GROUPED_ID = re.compile(
    r"[0-9]+(?:["
    + re.escape(_SEPARATORS)
    + r"]+[0-9]+)*(?:["
    + re.escape(_SEPARATORS)
    + r"]*[xX])?"
)
_SEP_RE = re.compile("[" + re.escape(_SEPARATORS) + "]+")
_STRIP = " \t\r\n\u00a0\u3000\ufeff\u200b"
_CHECK_LETTER = re.compile(r"[0-9]{17}[xX]|[0-9]{14}[xX]")
_CODE = re.compile(r"[0-9A-Za-z]*[0-9][0-9A-Za-z]*")


def _fold(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), other decimal digits to ASCII."""
    s = unicodedata.normalize("NFKC", text)
    if not s.isascii():
        s = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in s)
    return s.strip(_STRIP)


def _joined(text: object, grouped: re.Pattern) -> str:
    """``text`` folded, with the separators between digit groups removed where ``grouped``
    matches the whole value (``None`` and NaN give ``""``)."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if s.isascii() and s.isdigit():
        return s
    s = _fold(s)
    if grouped.fullmatch(s):
        s = _SEP_RE.sub("", s)
    return s


def normalise_account(text: object) -> str:
    """The one spelling of an account or card number.

    Full-width and other Unicode digits become ASCII digits; separators between digit
    groups (spaces, hyphens, dashes) are removed when the value is digits and separators
    only; surrounding spaces are dropped. Anything else is kept as written.

    Parameters
    ----------
    text : object
        A cell, title value, watch-list entry or command-line option (``None`` and NaN
        give ``""``).

    Returns
    -------
    str

    See Also
    --------
    normalise_accounts : the same over a Series.
    normalise_person_id : for ID numbers.

    Examples
    --------
    >>> normalise_account(" 6222-0000-0000-0002 ")
    '6222000000000002'
    >>> normalise_account("ACC-001"), normalise_account("")
    ('ACC-001', '')
    """
    return _joined(text, _GROUPED)


def normalise_person_id(text: object) -> str:
    """The one spelling of a person's (or company's) ID number.

    As :func:`normalise_account`, and the check letter of a resident ID (18 digits with
    ``X`` last, or 15 with an ``X``) is upper case; an ASCII code holding digits and
    letters (a passport, a unified social credit code) is upper-cased as well. Values
    without a digit (a name written in the wrong column) are kept as written.

    Parameters
    ----------
    text : object
        A cell, title value or watch-list entry (``None`` and NaN give ``""``).

    Returns
    -------
    str

    See Also
    --------
    normalise_person_ids : the same over a Series.
    normalise_account : for account and card numbers.

    Examples
    --------
    >>> normalise_person_id("1101 0119 9001 0112 3x")
    '11010119900101123X'
    >>> normalise_person_id("e12345678"), normalise_person_id("张三")
    ('E12345678', '张三')
    """
    s = _joined(text, _GROUPED_ID)
    if _CHECK_LETTER.fullmatch(s) or (s.isascii() and _CODE.fullmatch(s)):
        s = s.upper()
    return s


def _by_unique(s: pd.Series, fn) -> pd.Series:
    values = s.to_numpy(dtype=object)
    # most cells are already plain ASCII digits or empty: only the others are looked at
    uniques = pd.unique(values)
    table = {}
    for v in uniques:
        if isinstance(v, str) and (v == "" or (v.isascii() and v.isdigit())):
            continue
        out = fn(v)
        if out != v:
            table[v] = out
    if not table:
        return s
    mapped = s.map(table)
    return mapped.where(mapped.notna(), s).astype(object)


def normalise_accounts(s: pd.Series) -> pd.Series:
    """:func:`normalise_account` over a Series of text cells (each distinct value once).

    Parameters
    ----------
    s : Series
        Text cells (``None`` and NaN give ``""``).

    Returns
    -------
    Series
        Of the same index; ``s`` itself when no value changes.

    See Also
    --------
    normalise_account : one value.

    Examples
    --------
    >>> normalise_accounts(pd.Series(["6222 0002", "62220002", "A1"])).tolist()
    ['62220002', '62220002', 'A1']
    """
    return _by_unique(s, normalise_account)


def normalise_person_ids(s: pd.Series) -> pd.Series:
    """:func:`normalise_person_id` over a Series of text cells (each distinct value once).

    Parameters
    ----------
    s : Series
        Text cells (``None`` and NaN give ``""``).

    Returns
    -------
    Series
        Of the same index; ``s`` itself when no value changes.

    See Also
    --------
    normalise_person_id : one value.

    Examples
    --------
    >>> normalise_person_ids(pd.Series(["11010119900101123x", "11010119900101123X"])).tolist()
    ['11010119900101123X', '11010119900101123X']
    """
    return _by_unique(s, normalise_person_id)
