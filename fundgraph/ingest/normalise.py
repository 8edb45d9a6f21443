"""Normaliser: one raw table of text cells to canonical transactions and rejects.

Vectorised over columns (no per-row Python): amounts to exact cents, date and time columns
combined and parsed, direction taken from a flag column, from debit/credit columns or from
the sign of the amount. Every non-empty row comes out either accepted or rejected with a
stable code; the caller checks ``rows_read == accepted + rejected``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..ids import normalise_accounts, normalise_person_ids
from .layouts import Layout
from .readers import RawTable
from .vocabulary import (
    AMOUNT_NOTE_RE,
    CARD_HINTS,
    CARD_IN_RE,
    CARD_OUT_RE,
    CASH_FLAG_YES,
    CASH_MEMO_RE,
    CURRENCY_CODES,
    DIRECTION_IN,
    DIRECTION_NEUTRAL,
    DIRECTION_OUT,
    FILLER_NAMES,
    FOOTER_WORDS,
    NEUTRAL_IN_RE,
    NEUTRAL_INTERNAL_RE,
    NEUTRAL_OUT_RE,
    NEUTRAL_REFUND_RE,
    NO_RECORD_WORDS,
    PAY_LATER_RE,
    PLACEHOLDERS,
    STATUS_CLOSED,
    STATUS_FAILED,
    STATUS_OK,
    TOTAL_MARKERS,
    TOTAL_WORDS,
    column_role,
    header_key,
)

__all__ = [
    "normalise_table",
    "normalise_table_info",
    "FileInfo",
    "parse_cents",
    "parse_times",
    "clean_cells",
    "REJECT_CODES",
]

#: Reject codes in the order they are tested (the first that applies is reported).
REJECT_CODES = (
    "repeated_header",
    "totals_line",
    "no_record",
    "footer",
    "failed_transaction",
    "no_time",
    "bad_time",
    "no_amount",
    "bad_amount",
    "zero_amount",
    "negative_amount",
    "both_debit_and_credit",
    "unknown_direction",
    "unclear_sign",
    "order_closed",
    "pay_later",
    "internal_transfer",
    "no_direction",
    "no_account",
)

_WS = "\t\r\n \u3000\u00a0\ufeff\u200b"


def clean_cells(s: pd.Series) -> pd.Series:
    """Strip padding (``\\t``, full-width spaces), a leading ``'`` text marker, and blank out
    placeholders such as ``-------`` or ``NULL``.

    The marker is the one spreadsheets put before a number to keep it text (``'6222…``,
    ``'99-88-74``); a quote before words is part of the value (``'Brien`` stays).

    >>> clean_cells(pd.Series(["'6222 0001", "`2024-01-02", "'Brien", " ------ "])).tolist()
    ['6222 0001', '2024-01-02', "'Brien", '']
    """
    if not (isinstance(s.dtype, pd.StringDtype) and not s.hasnans):
        s = s.astype(object).where(s.notna(), "").astype(str)
    s = s.str.strip(_WS)
    first = s.str.slice(0, 1)
    quoted = first.isin(("'", "`"))
    if quoted.any():
        rest = s[quoted].str.slice(1).str.strip(_WS)
        rest = rest[rest.str.fullmatch(_MARKED_NUMBER).fillna(False).astype(bool)]
        if len(rest):
            s = s.copy()
            s.loc[rest.index] = rest
        first = s.str.slice(0, 1)
    # only cells that could be placeholders are tested with the regular expression
    dashy = first.isin(_DASHES)
    blank = s.isin(_PLACEHOLDER_SPELLINGS)
    if dashy.any():
        blank |= dashy & s.where(dashy, "x").str.fullmatch("[-—_*=~ \t\u3000]+")
    if blank.any():
        s = s.where(~blank, "")
    return s


# what a spreadsheet's text marker stands before: a number, a date, a card or sort code
_MARKED_NUMBER = r"[0-9A-Za-z*＊ .,:/+\-]*[0-9][0-9A-Za-z*＊ .,:/+\-'`]*"

_ID_COLUMNS = {
    "account": normalise_accounts,
    "counterparty": normalise_accounts,
    "holder_id": normalise_person_ids,
    "counterparty_id": normalise_person_ids,
}

_DASHES = tuple("-—_*=~")
_PLACEHOLDER_SPELLINGS = frozenset(
    v for p in PLACEHOLDERS for v in (p, p.lower(), p.title(), p.capitalize())
) | {"NaN", "n/a", "N/a"}


# ---------------------------------------------------------------- amounts

# explicit whitespace (no ``\\s``), so that the vectorised string engine can run these
_MONEY_JUNK = "[ \t\r\n\u3000\u00a0,，¥￥$元]|RMB|CNY|HKD|USD|EUR|GBP|CAD|人民币"
# ``12.000,00``, ``-1.234.567,89``, ``12,5``: a comma before the last one or two digits
_DECIMAL_COMMA_RE = r"^\s*[+\-]?[¥￥$]?\s*(?:\d{1,3}(?:\.\d{3})+|\d+),\d{1,2}\s*(?:元)?\s*$"


def _is_ascii(x: pd.Series) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(x.to_numpy(dtype=object), type=pa.large_string())
    return pc.string_is_ascii(arr).to_numpy(zero_copy_only=False).astype(bool)


def _fold_digits(v: str) -> str:
    """Full-width and other Unicode decimal digits (and signs) as ASCII."""
    v = unicodedata.normalize("NFKC", v)
    if v.isascii():
        return v
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in v
    )


def parse_cents(
    s: pd.Series, by: np.ndarray | None = None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Text amounts to exact integer cents.

    Returns ``(cents, present, ok)``: cents as Int64 (<NA> where absent or bad), whether a
    value was present, and whether it parsed. Accepts ``12000``, ``12,000.00``,
    ``¥12,000.00``, ``12000.00元``, ``-12,000.00``, ``(12.00)``; more than two decimals are
    accepted only when the extra digits are zeros.

    Examples
    --------
    >>> c, present, ok = parse_cents(pd.Series(["¥12,000.00", "-5.5", "12000.00元", "", "1.2.3"]))
    >>> c.tolist(), present.tolist(), ok.tolist()
    ([1200000, -550, 1200000, <NA>, <NA>], [True, True, True, False, True], [True, True, True, False, False])

    Full-width and other Unicode digits are folded first (``１２３.45`` is 123.45); a
    decimal comma (``12.000,00``) is read as such where no value of the same file (``by``
    gives each value's file) uses a decimal point with thousands commas, else rejected.

    >>> parse_cents(pd.Series(["１２３.45", "12.000,00", "12,5"]))[0].tolist()
    [12345, 1200000, 1250]
    """
    x = s.astype(str)
    nonascii = ~_is_ascii(x)
    if nonascii.any():
        x = x.copy()
        x[nonascii] = x[nonascii].map(_fold_digits)
    comma = x.str.contains(",", regex=False).to_numpy(dtype=bool).copy()
    if comma.any():
        comma[comma] = x[comma].str.contains(_DECIMAL_COMMA_RE, regex=True).to_numpy(dtype=bool)
    if comma.any():
        point = x.str.contains(r"\d,\d{3}(?:,\d{3})*\.\d{1,2}\s*$", regex=True).to_numpy(dtype=bool)
        if by is None:
            clash = np.full(len(x), point.any())
        else:
            by = np.asarray(by)
            bad_groups = np.unique(by[point]) if point.any() else np.array([], dtype=by.dtype)
            clash = np.isin(by, bad_groups)
        conv = comma & ~clash
        x = x.copy()
        if conv.any():
            x[conv] = x[conv].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        if (comma & clash).any():
            x[comma & clash] = "?" + x[comma & clash]  # unreadable: the file also uses points
    x = x.str.replace(_MONEY_JUNK, "", regex=True)
    x = x.str.replace("－", "-", regex=False)
    present = x != ""
    # the two shapes nearly every export uses, read without a per-cell regular expression
    with_cents = x.str.fullmatch(r"-?[0-9]{1,15}\.[0-9]{2}").to_numpy(dtype=bool)
    whole = x.str.fullmatch(r"-?[0-9]{1,15}").to_numpy(dtype=bool)
    cents = np.zeros(len(x), dtype=np.int64)
    ok = with_cents | whole
    if with_cents.any():
        cents[with_cents] = pd.to_numeric(x[with_cents].str.replace(".", "", regex=False)).to_numpy(
            np.int64
        )
    if whole.any():
        cents[whole] = pd.to_numeric(x[whole]).to_numpy(np.int64) * 100
    rest = ~ok & present.to_numpy(dtype=bool)
    if rest.any():
        c_rest, ok_rest = _parse_cents_slow(x[rest])
        cents[rest] = c_rest
        ok[rest] = ok_rest
    out = pd.Series(cents, index=s.index).astype("Int64").where(ok, pd.NA)
    return out, present, pd.Series(ok, index=s.index)


def _parse_cents_slow(x: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    paren = x.str.startswith("(") & x.str.endswith(")")
    if paren.any():
        x = x.where(~paren, "-" + x.str.slice(1, -1))
    trailing_minus = x.str.endswith("-") & ~x.str.startswith("-")
    if trailing_minus.any():
        x = x.where(~trailing_minus, "-" + x.str.slice(0, -1))
    parts = x.str.extract(r"^([+-]?)(\d*)(?:\.(\d*))?$")
    whole = parts[1].fillna("")
    frac = parts[2].fillna("")
    ok = parts[1].notna() & ((whole != "") | (frac != ""))
    extra = frac.str.slice(2)
    ok &= extra.str.fullmatch(r"0*").fillna(False).astype(bool)
    ok &= whole.str.len() <= 15
    frac2 = frac.str.slice(0, 2).str.ljust(2, "0")
    whole_n = (
        pd.to_numeric(whole.where(ok & (whole != ""), "0"), errors="coerce")
        .fillna(0)
        .astype("int64")
    )
    frac_n = pd.to_numeric(frac2.where(ok, "00"), errors="coerce").fillna(0).astype("int64")
    cents = whole_n * 100 + frac_n
    cents = cents.where(parts[0] != "-", -cents)
    ok = ok.fillna(False).astype(bool)
    return cents.where(ok, 0).to_numpy(np.int64), ok.to_numpy(dtype=bool)


# ---------------------------------------------------------------- times

_SEP_RE = (
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:[.,]\d+)?)?$"
)
_COMPACT_RE = r"^(\d{4})(\d{2})(\d{2})(?:[ T]*(\d{2}):?(\d{2}):?(\d{2})?)?$"
_SERIAL_RE = r"^(\d{5})(?:\.(\d+))?$"


def parse_times(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Text times to ``datetime64[ns]``.

    Returns ``(time, present, day_only)``: NaT where absent or impossible (e.g. 2022-02-30),
    and whether only a date (no time of day) was given. Accepts ``2022-03-05 14:22:10``,
    ``2022/3/5 14:22:10``, ``2022-03-05T14:22:10``, ``20220305 142210``,
    ``2022年03月05日 14:22:10``, ``20220305142210`` and Excel serial day numbers.

    Examples
    --------
    >>> t, present, day = parse_times(pd.Series(["2022/3/5 14:22:10", "20220305142210",
    ...     "2022年03月05日 14:22:10", "2022-02-30", "20220305"]))
    >>> [str(v) for v in t], day.tolist()
    (['2022-03-05 14:22:10', '2022-03-05 14:22:10', '2022-03-05 14:22:10', 'NaT', '2022-03-05 00:00:00'], [False, False, False, True, True])
    """
    x = s.astype(str).str.strip()
    present = x != ""
    # the common layout first, in one vectorised call; the regular expressions below only see
    # the cells it could not read
    t = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    day_only = pd.Series(False, index=s.index)
    rest = present.to_numpy().copy()
    for fmt, date_only in _format_order(x, rest):
        if not rest.any():
            break
        sub = x[rest]
        got = pd.to_datetime(sub, format=fmt, errors="coerce")
        # the parser reads a leap second ":60" as the next minute; such cells go the strict way
        ok = got.notna() & (got.dt.year >= 1970) & (got.dt.year <= 2100) & ~sub.str.endswith(":60")
        if not ok.any():
            continue
        idx = np.flatnonzero(rest)[ok.to_numpy()]
        t.iloc[idx] = got[ok].to_numpy()
        if date_only:
            day_only.iloc[idx] = True
        rest[idx] = False
    if rest.any():
        t_rest, day_rest = _parse_times_slow(x[rest])
        t[rest] = t_rest.to_numpy()
        day_only[rest] = day_rest.to_numpy()
    return t.astype("datetime64[ns]"), present, day_only.astype(bool)


def _format_order(
    x: pd.Series, present: np.ndarray, sample: int = 64
) -> tuple[tuple[str, bool], ...]:
    """:data:`_FAST_FORMATS` with those that read a sample of the cells first (most hits
    first): a column in the fifth format no longer costs four failed passes over every cell.

    No cell can be read by two of the formats (each has its own separators, and the two
    formats of digits alone differ in length), so the order changes the cost, not a result.
    """
    idx = np.flatnonzero(present)
    if len(idx) <= sample:
        return _FAST_FORMATS
    sub = x.iloc[idx[:: max(1, len(idx) // sample)][:sample]]
    hits = [
        int(pd.to_datetime(sub, format=f, errors="coerce").notna().sum()) for f, _ in _FAST_FORMATS
    ]
    order = sorted(range(len(_FAST_FORMATS)), key=lambda i: -hits[i])
    return tuple(_FAST_FORMATS[i] for i in order)


# Formats read in one vectorised call each, in order, before the general parser sees the
# cells none of them could read (any order gives the same result, see _format_order).
_FAST_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", False),
    ("%Y%m%d %H%M%S", False),
    ("%Y%m%d%H%M%S", False),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y/%m/%d %H:%M:%S", False),
    ("%Y年%m月%d日 %H:%M:%S", False),
    ("%Y-%m-%d", True),
    ("%Y%m%d", True),
)


def _parse_times_slow(x: pd.Series) -> tuple[pd.Series, pd.Series]:
    x = (
        x.str.replace("年", "-", regex=False)
        .str.replace("月", "-", regex=False)
        .str.replace(r"日\s*", " ", regex=True)
        .str.replace("：", ":", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    sep = x.str.extract(_SEP_RE)
    comp = x.str.extract(_COMPACT_RE)
    parts = sep.where(sep[0].notna(), comp)
    num = {i: pd.to_numeric(parts[i], errors="coerce") for i in range(6)}
    day_only = parts[0].notna() & parts[3].isna()
    frame = pd.DataFrame(
        {
            "year": num[0],
            "month": num[1],
            "day": num[2],
            "hour": num[3].fillna(0),
            "minute": num[4].fillna(0),
            "second": num[5].fillna(0),
        }
    )
    valid = (
        frame["year"].between(1970, 2100)
        & frame["hour"].between(0, 23)
        & frame["minute"].between(0, 59)
        & frame["second"].between(0, 59)
    )
    frame = frame.where(valid)
    t = pd.to_datetime(frame, errors="coerce")
    serial = x.str.extract(_SERIAL_RE)
    is_serial = serial[0].notna() & t.isna()
    if is_serial.any():
        days = pd.to_numeric(x.where(is_serial), errors="coerce")
        days = days.where(days.between(20000, 80000))
        secs = (days * 86400).round()
        st = pd.Timestamp("1899-12-30") + pd.to_timedelta(secs, unit="s")
        t = t.where(~is_serial, st)
        day_only = day_only | (is_serial & serial[1].isna())
    return t.astype("datetime64[ns]"), day_only.fillna(False).astype(bool)


# ---------------------------------------------------------------- one table


def _combine_times(parts: list[pd.Series], looks_tod: tuple[bool, ...]) -> pd.Series:
    """Date and time-of-day columns as one text, time-of-day columns (``looks_tod``) last."""
    parts = [p for p, tod in zip(parts, looks_tod, strict=True) if not tod] + [
        p for p, tod in zip(parts, looks_tod, strict=True) if tod
    ]
    tstr = parts[0]
    for p in parts[1:]:
        # a later column holding a full date-time replaces the date; a time of day is appended
        full = p.str.len() > 10
        # a date cell read from a workbook comes as midnight: its time is the other column's
        date_part = tstr.str.replace(r"[ T]00:00(:00)?$", "", regex=True)
        tstr = tstr.where(
            p == "", date_part.where(full, (date_part + " " + p).str.strip()).where(~full, p)
        )
    return tstr


def _norm_flag(s: pd.Series) -> pd.Series:
    # a flag column holds a handful of distinct values: normalise each once
    values = pd.unique(s.to_numpy(dtype=object))
    table = {v: unicodedata.normalize("NFKC", v).strip().upper() if v else "" for v in values}
    return s.map(table).astype(object)


def _first_nonempty(frame: pd.DataFrame) -> pd.Series:
    if frame.shape[1] == 1:
        return frame.iloc[:, 0]
    out = frame.iloc[:, 0]
    for i in range(1, frame.shape[1]):
        out = out.where(out != "", frame.iloc[:, i])
    return out


def _join_nonempty(frame: pd.DataFrame, sep: str = " ") -> pd.Series:
    out = frame.iloc[:, 0]
    for i in range(1, frame.shape[1]):
        nxt = frame.iloc[:, i]
        out = out.where(nxt == "", out.where(out == "", out + sep) + nxt)
    return out


def _has_title(table: RawTable, key: str) -> bool:
    v = table.title.get(key)
    return v is not None and (not isinstance(v, str) or v != "")


def _group_codes(
    row_file: np.ndarray, row_sheet: np.ndarray
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    if len(row_file) and (row_file[0] == row_file).all() and (row_sheet[0] == row_sheet).all():
        return np.zeros(len(row_file), dtype=np.int64), [(str(row_file[0]), str(row_sheet[0]))]
    key = (
        pd.Series(row_file, dtype=object).astype(str)
        + "\x00"
        + pd.Series(row_sheet, dtype=object).astype(str)
    )
    codes, uniq = pd.factorize(key, sort=False)
    return codes, [tuple(u.split("\x00", 1)) for u in uniq]


def _distinct_per_group(g: np.ndarray, v: np.ndarray) -> dict[int, str]:
    """The distinct non-empty values per group, sorted and ``;``-joined."""
    codes, uniq = pd.factorize(pd.Series(v, dtype=object), sort=True)
    if not len(uniq):
        return {}
    pairs = np.unique(g.astype(np.int64) * len(uniq) + codes)
    out: dict[int, list[str]] = {}
    for x in pairs.tolist():
        gi, vi = divmod(x, len(uniq))
        if uniq[vi]:
            out.setdefault(gi, []).append(uniq[vi])
    return {k: ";".join(vs) for k, vs in out.items()}


_DMY_RE = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(.*)$"


def _date_order(
    tstr: pd.Series, gcode: np.ndarray, forced: str | None
) -> tuple[pd.Series, dict[int, str]]:
    """Rewrite ``dd/mm/yyyy`` or ``mm/dd/yyyy`` cells as ``yyyy-mm-dd``, the order decided per
    file: a first field above 12 means day first, a second field above 12 month first; else
    the layout's order, else day first (reported as ambiguous)."""
    orders: dict[int, str] = {}
    cand = tstr.str.slice(0, 3).str.contains(r"^\d{1,2}[/.\-]", regex=True).to_numpy(dtype=bool)
    if not cand.any():
        return tstr, orders
    parts = tstr[cand].str.extract(_DMY_RE)
    okp = parts[0].notna().to_numpy()
    if not okp.any():
        return tstr, orders
    a = pd.to_numeric(parts[0], errors="coerce").to_numpy()
    b = pd.to_numeric(parts[1], errors="coerce").to_numpy()
    g = gcode[cand]
    out = tstr.copy()
    idx = np.flatnonzero(cand)
    for code in np.unique(g[okp]):
        m = (g == code) & okp
        if forced in ("dmy", "mdy"):
            order = forced
        elif (a[m] > 12).any() and not (b[m] > 12).any():
            order = "dmy"
        elif (b[m] > 12).any() and not (a[m] > 12).any():
            order = "mdy"
        elif (a[m] > 12).any() and (b[m] > 12).any():
            order = "mixed"
        else:
            order = "dmy?"
        orders[int(code)] = order
        if order == "mixed":
            continue
        day, mon = (parts[0], parts[1]) if order.startswith("dmy") else (parts[1], parts[0])
        iso = parts[2] + "-" + mon.str.zfill(2) + "-" + day.str.zfill(2) + parts[3].fillna("")
        out.iloc[idx[m]] = iso[m].to_numpy()
    return out, orders


def _balance_votes(
    balance: pd.Series, signed: np.ndarray, times: pd.Series, gcode: np.ndarray, account: pd.Series
) -> np.ndarray:
    """Per row: +1 where the running balance rose by the amount (money in), -1 where it
    fell by it, 0 where the balance does not tell. Rows are put in time order per file and
    account (not file order), equal times tried both ways."""
    n = len(signed)
    out = np.zeros(n, dtype=np.int8)
    bal = balance.to_numpy(dtype="float64", na_value=np.nan)
    if n == 0 or np.isnan(bal).all():
        return out
    amt = np.abs(signed).astype("float64")
    acc_c, _ = pd.factorize(account, sort=False)
    tnum = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    pos = np.arange(n)
    for sign in (1, -1):
        order = np.lexsort((sign * pos, tnum, acc_c, gcode))
        b = bal[order]
        same = np.zeros(n, dtype=bool)
        same[1:] = (gcode[order][1:] == gcode[order][:-1]) & (acc_c[order][1:] == acc_c[order][:-1])
        d = np.full(n, np.nan)
        d[1:] = b[1:] - b[:-1]
        d[~same] = np.nan
        a = amt[order]
        rose = np.isclose(d, a) & ~np.isnan(d)
        fell = np.isclose(d, -a) & ~np.isnan(d)
        vote = np.where(rose, 1, np.where(fell, -1, 0)).astype(np.int8)
        got = np.zeros(n, dtype=np.int8)
        got[order] = vote
        out = np.where(out == 0, got, np.where((got != 0) & (got != out), 0, out)).astype(np.int8)
    return out


def _search(text: pd.Series, pattern: str) -> np.ndarray:
    if not len(text):
        return np.zeros(0, dtype=bool)
    return text.str.upper().str.contains(pattern, regex=True).to_numpy(dtype=bool)


_CP_INFO_RE = r"^(.*?\D)\s*([0-9][0-9*]{7,}[0-9Xx*]?)$"


def _split_cp_info(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``张三 6666…`` / ``国网电力有限公司9999…`` / ``1234…`` / ``哈哈`` to (name, account)."""
    digits = s.str.fullmatch(r"[0-9*]{6,}[0-9Xx]?").to_numpy(dtype=bool)
    parts = s.str.extract(_CP_INFO_RE)
    has = parts[0].notna().to_numpy() & ~digits
    name = s.where(~(has | digits), "")
    name = name.where(~has, parts[0].fillna("").str.strip(_WS))
    acct = pd.Series(
        np.where(digits, s, np.where(has, parts[1].fillna(""), "")), index=s.index, dtype=object
    )
    return name.astype(object), acct


def _derived_ids(files: list[tuple[str, str]], titles: list[dict]) -> list[tuple[str, str]]:
    """Own account for a file whose rows and title do not name one: the digits its file or
    sheet name carries (``交易明细_1546_2025…``, ``Chase1234_Activity…``), else a derived id
    from its nickname or name. Returns ``(account, account_source)`` per file."""
    out = []
    for (fname, sheet), title in zip(files, titles, strict=True):
        masked = title.get("account", "")
        digits = None
        for nm in (sheet, fname.rsplit("/", 1)[-1]):
            for mt in re.finditer(r"(?<!\d)(\d{4,19})(?!\d)", nm or ""):
                cand = mt.group(1)
                if len(cand) == 8 and cand[:2] in ("19", "20"):
                    continue  # a date
                if (
                    len(cand) == 4
                    and cand[:2] in ("19", "20")
                    and re.match(r"[-_.]\d{1,2}(?!\d)", nm[mt.end() :])
                ):
                    continue  # a year followed by its month
                digits = cand
                break
            if digits:
                break
        if digits:
            if masked and len(masked) > len(digits):
                out.append((masked[: len(masked) - len(digits)] + digits, "file_name"))
            else:
                out.append((("****" + digits) if len(digits) == 4 else digits, "file_name"))
        elif title.get("nickname"):
            out.append(("@" + title["nickname"], "derived"))
        else:
            out.append(("@" + fname, "derived"))
    return out


def _named_account(v: str) -> bool:
    """An own-account value that names something (not ``xxxxx*****xxxx``)."""
    return bool(v) and bool(re.search(r"[0-9A-Za-z@]", v.replace("x", "").replace("X", "")))


@dataclass
class FileInfo:
    """How one file (sheet) was read: the decisions taken per file."""

    account_source: str = ""
    direction_rule: str = ""
    date_order: str = ""
    statuses: dict[str, int] = field(default_factory=dict)
    currencies: dict[str, int] = field(default_factory=dict)
    warnings: list[tuple[str, str, int | None]] = field(default_factory=list)  # code, detail, row


def normalise_table(
    table: RawTable, layout: Layout | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Canonical rows, rejected rows and alias pairs of one raw table.

    Returns
    -------
    accepted : DataFrame
        :data:`fundgraph.schema.TRANSACTIONS` columns (``account``/``counterparty`` as printed;
        aliases are resolved later across all files) plus ``day_only``.
    rejected : DataFrame
        ``source_file``, ``source_sheet``, ``source_row``, ``code``, ``value`` (the
        offending cell, where one field is at fault), ``raw``.
    aliases : DataFrame
        ``alias``, ``card`` pairs seen on the same row (account number next to card number).
    """
    acc, rej, al, _ = normalise_table_info(table, layout)
    return acc, rej, al


def normalise_table_info(
    table: RawTable, layout: Layout | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[tuple[str, str], FileInfo]]:
    """:func:`normalise_table` plus what was decided per file (:class:`FileInfo`)."""
    cells = table.cells
    ncols = cells.shape[1]
    clean = pd.DataFrame({c: clean_cells(cells[c]) for c in cells.columns})
    nonempty = (clean != "").any(axis=1).to_numpy()
    clean = clean[nonempty].reset_index(drop=True)
    raw_rows = table.rows[nonempty]
    n = len(clean)
    # tables of several headers read as one: each row's header (see RawTable.headers)
    many = table.headers is not None and table.header_of_row is not None
    hg = table.header_of_row[nonempty] if many else np.zeros(n, dtype=np.int64)
    headers = table.headers if many else [table.header]

    def per_row(v: object) -> np.ndarray:
        # a value for the whole table, or one per row when tables of one layout were merged
        if isinstance(v, str):
            return np.full(n, v, dtype=object)
        return np.asarray(v, dtype=object)[nonempty]

    row_file, row_sheet = per_row(table.source_file), per_row(table.source_sheet)
    gcode, groups = _group_codes(row_file, row_sheet)
    infos = {g: FileInfo() for g in groups}
    header = list(table.header) + [""] * max(0, ncols - len(table.header))
    fields = list(table.fields) + [None] * max(0, ncols - len(table.fields))
    fields = fields[:ncols]
    roles = [column_role(h) if h else None for h in header[:ncols]]
    if layout is not None:
        fields, roles = layout.refine(header[:ncols], fields, roles)

    # posting dates give way to a transaction date; a settlement amount wins
    tcols_all = [i for i, f in enumerate(fields) if f == "time"]
    if any(roles[i] != "posting_time" for i in tcols_all) and any(
        roles[i] == "posting_time" for i in tcols_all
    ):
        for i in tcols_all:
            if roles[i] == "posting_time":
                fields[i] = None
    by_field: dict[str, list[int]] = {}
    for i, f in enumerate(fields):
        if f:
            by_field.setdefault(f, []).append(i)
    for f in ("amount", "in_amount", "out_amount", "currency"):
        if f in by_field:
            by_field[f] = sorted(
                by_field[f], key=lambda i: roles[i] not in ("settle_amount", "settle_currency")
            )
    prefix_idx = [i for i in by_field.get("account", []) if roles[i] == "account_prefix"]
    if prefix_idx:
        by_field["account"] = [i for i in by_field["account"] if i not in prefix_idx]
        if not by_field["account"]:
            by_field["account"] = prefix_idx
            prefix_idx = []

    # one spelling per account, card and ID number (groups, full-width digits, check letter)
    for fld, norm in _ID_COLUMNS.items():
        for i in by_field.get(fld, []):
            clean[clean.columns[i]] = norm(clean[clean.columns[i]])

    def col(fld: str, how: str = "first") -> pd.Series:
        idx = by_field.get(fld)
        if not idx:
            return pd.Series([""] * n, dtype=object)
        sub = clean[[clean.columns[i] for i in idx]]
        return _join_nonempty(sub) if how == "join" else _first_nonempty(sub)

    def role_col(role: str) -> pd.Series:
        idx = [i for i, r in enumerate(roles) if r == role]
        if not idx:
            return pd.Series([""] * n, dtype=object)
        return _join_nonempty(clean[[clean.columns[i] for i in idx]])

    code = pd.Series([""] * n, dtype=object)
    value = pd.Series([""] * n, dtype=object)  # the offending cell, quoted in the reason

    def flag(mask: pd.Series | np.ndarray, c: str, cell: pd.Series | None = None) -> None:
        m = np.asarray(mask, dtype=bool) & (code.to_numpy() == "")
        if m.any():
            code[m] = c
            if cell is not None:
                value[m] = cell[m].astype(str).str.slice(0, 80).to_numpy()

    # time: date and time-of-day columns combined in their order
    tcols = by_field.get("time", [])
    if len(tcols) > 1:
        parts = [clean[clean.columns[i]] for i in tcols]
        # a time-of-day column written before its date column is moved after it (decided
        # per header where tables of several headers are read as one)
        tod = [p.str.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?|\d{6}").to_numpy(dtype=bool) for p in parts]
        looks = np.array(
            [
                [t[hg == h].mean() > 0.5 if (hg == h).any() else False for t in tod]
                for h in range(len(headers))
            ]
        )
        patterns = {tuple(r) for r in looks.tolist()}
        tstr = None
        for pat in sorted(patterns):
            got = _combine_times(parts, pat)
            if tstr is None:
                tstr = got
            else:
                rows = np.isin(hg, [h for h in range(len(headers)) if tuple(looks[h]) == pat])
                tstr = tstr.where(~rows, got)
    else:
        tstr = col("time")
    forced_order = getattr(layout, "date_order", None) if layout is not None else None
    tstr, orders = _date_order(tstr, gcode, forced_order)
    for c_, order in orders.items():
        infos[groups[c_]].date_order = order
        if order in ("dmy?", "mixed"):
            infos[groups[c_]].warnings.append(("ambiguous_date_order", order, None))
    times, t_present, day_only = parse_times(tstr)

    # rows that are no transaction: repeated headers, totals, footers, "no record" lines
    hkeys = [header_key(h) for h in header[:ncols]]
    named = [i for i, k in enumerate(hkeys) if k]
    if many:  # each row compared with its own header
        padded = [list(h) + [""] * max(0, ncols - len(h)) for h in headers]
        keys_of = [np.array([header_key(h[i]) for h in padded], dtype=object) for i in range(ncols)]
    cand = np.flatnonzero(times.isna().to_numpy())
    amount_cols = [i for f in ("amount", "in_amount", "out_amount") for i in by_field.get(f, [])]
    footer_rows = np.zeros(n, dtype=bool)
    if named and len(cand):
        sub = clean.iloc[cand]
        hc = hg[cand]
        same = sum(
            (sub[sub.columns[i]].map(header_key) == (keys_of[i][hc] if many else hkeys[i])).astype(
                int
            )
            for i in named
        )
        rep = np.zeros(n, dtype=bool)
        rep[cand] = (same >= max(2, (len(named) + 1) // 2)).to_numpy()
        flag(rep, "repeated_header")
    if len(cand):
        sub = clean.iloc[cand]
        # few rows, many columns: joined per row (a column-wise join costs per column)
        cells_l = sub.to_numpy(dtype=object).tolist()
        first = pd.Series([" ".join(x for x in r[:4] if x).upper() for r in cells_l], dtype=object)
        whole = pd.Series([" ".join(x for x in r if x).upper() for r in cells_l], dtype=object)
        is_total = np.zeros(n, dtype=bool)
        hit = first.str.startswith(TOTAL_MARKERS).to_numpy(dtype=bool) | first.str.contains(
            "|".join(TOTAL_WORDS), regex=True
        ).to_numpy(dtype=bool)
        is_total[cand] = hit
        flag(is_total, "totals_line")
        no_rec = np.zeros(n, dtype=bool)
        no_rec[cand] = whole.str.contains("|".join(NO_RECORD_WORDS), regex=True).to_numpy(
            dtype=bool
        )
        flag(no_rec, "no_record")
        n_cells = (sub != "").sum(axis=1).to_numpy()
        no_amt = np.ones(len(cand), dtype=bool)
        for i in amount_cols:
            no_amt = no_amt & ~sub[sub.columns[i]].str.contains(r"\d", regex=True).to_numpy(
                dtype=bool
            )
        words = first.str.contains(
            "|".join(re.escape(w) for w in FOOTER_WORDS), regex=True
        ).to_numpy(dtype=bool)
        count_line = whole.str.contains(r"^共\s*[:：]?\s*\d+\s*笔|^\d+\s*笔", regex=True).to_numpy(
            dtype=bool
        )
        foot = (words | count_line | (n_cells <= 2)) & no_amt
        footer_rows[cand] = foot
        flag(footer_rows, "footer")

    # status: executed, not executed, closed orders, and values kept and reported
    status = _norm_flag(col("status"))
    st_failed = status.isin(STATUS_FAILED).to_numpy().copy()
    st_closed = status.isin(STATUS_CLOSED).to_numpy().copy()
    st_unknown = ((status != "") & ~status.isin(STATUS_OK)).to_numpy() & ~st_failed & ~st_closed
    if layout is not None:
        st_failed |= status.isin(layout.status_failed).to_numpy()
        extra_ok = status.isin(layout.status_ok).to_numpy()
        st_failed &= ~extra_ok
        st_unknown &= ~extra_ok & ~st_failed
    flag(st_failed, "failed_transaction", status)

    # faults the reader found in the file (a card number stored as a number, digits lost)
    if table.row_code is not None:
        found = pd.Series(np.asarray(table.row_code, dtype=object)[nonempty])
        for c in sorted(set(found) - {""}):
            flag(found == c, c, pd.Series(np.asarray(table.row_value, dtype=object)[nonempty]))

    flag(~t_present, "no_time")
    flag(times.isna(), "bad_time", tstr)

    # amounts: a settlement amount first, annotations of a refund dropped
    has_flag_col = "direction" in by_field
    has_dc = "in_amount" in by_field or "out_amount" in by_field
    has_amt = "amount" in by_field
    amt_text = col("amount") if has_amt else pd.Series([""] * n, dtype=object)
    note = (
        amt_text.str.endswith((")", "）")).to_numpy(dtype=bool).copy()
        if has_amt
        else np.zeros(n, bool)
    )
    if note.any():
        note[note] = amt_text[note].str.contains(AMOUNT_NOTE_RE, regex=True).to_numpy(dtype=bool)
    if note.any():
        amt_text = amt_text.where(~note, amt_text.str.replace(AMOUNT_NOTE_RE, "", regex=True))
    if has_amt:
        amt, a_present, a_ok = parse_cents(amt_text, by=gcode)
    else:
        amt = pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
        a_present = a_ok = pd.Series(np.zeros(n, dtype=bool))
    explicit_sign = amt_text.str.startswith(("+", "-")).to_numpy(dtype=bool)
    in_text, out_text = col("in_amount"), col("out_amount")
    if has_dc:
        c_in, in_present, in_ok = parse_cents(in_text, by=gcode)
        c_out, out_present, out_ok = parse_cents(out_text, by=gcode)
    else:
        none = pd.Series(np.zeros(n, dtype=bool))
        c_in = c_out = pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
        in_present = in_ok = out_present = out_ok = none
    vin = c_in.fillna(0).to_numpy(dtype=np.int64)
    vout = c_out.fillna(0).to_numpy(dtype=np.int64)
    dc_row = (
        (vin != 0)
        | (vout != 0)
        | (in_present & ~in_ok).to_numpy()
        | (out_present & ~out_ok).to_numpy()
    )
    use_dc = dc_row if has_amt else np.ones(n, dtype=bool)
    if not has_dc:
        use_dc = np.zeros(n, dtype=bool)
    amt_row = ~use_dc
    flag(amt_row & ~a_present.to_numpy() & ~((vin == 0) & (vout == 0) & has_dc), "no_amount")
    flag(amt_row & ~a_ok.to_numpy() & a_present.to_numpy(), "bad_amount", amt_text)
    flag(use_dc & (in_present & ~in_ok).to_numpy(), "bad_amount", in_text)
    flag(use_dc & (out_present & ~out_ok).to_numpy(), "bad_amount", out_text)
    flag(amt_row & (amt.fillna(0).to_numpy() == 0) & a_present.to_numpy(), "zero_amount")
    flag(use_dc & (vin == 0) & (vout == 0), "no_amount")
    flag(~use_dc & has_dc & ~a_present.to_numpy(), "no_amount")
    flag(use_dc & (vin != 0) & (vout != 0), "both_debit_and_credit")
    flag(use_dc & ((vin < 0) | (vout < 0)), "negative_amount")
    signed = np.where(
        use_dc, np.where(vin != 0, vin, -vout), amt.fillna(0).to_numpy(dtype=np.int64)
    ).astype(np.int64)
    amount = np.abs(signed)

    # the statement's own account: card number canonical, account number an alias
    acc_idx = by_field.get("account", [])
    card_idx = [i for i in acc_idx if any(h in header[i].lower() for h in CARD_HINTS)]
    other_idx = [i for i in acc_idx if i not in card_idx]
    alias_frames = []
    if acc_idx:
        ordered = card_idx + other_idx
        sub = clean[[clean.columns[i] for i in ordered]].apply(lambda c: c.str.strip("'\"` "))
        account = _first_nonempty(sub)
        if prefix_idx:
            pre = _join_nonempty(clean[[clean.columns[i] for i in prefix_idx]], "")
            pre = pre.str.replace(r"[^0-9A-Za-z]", "", regex=True)
            account = account.where((account == "") | (pre == ""), pre + account)
        if len(ordered) > 1:
            for i in ordered:
                v = sub[clean.columns[i]]
                pair = pd.DataFrame({"alias": v, "card": account})
                alias_frames.append(pair[(v != "") & (v != account)])
    else:
        account = pd.Series([""] * n, dtype=object)
    account_src = np.where(account.to_numpy() != "", "column", "")
    # title lines, then footer lines, then the file name, else one derived id per file
    title_acc = (
        normalise_accounts(pd.Series(per_row(table.title["account"]))).to_numpy(dtype=object)
        if _has_title(table, "account")
        else np.full(n, "", dtype=object)
    )
    named_of = {v: _named_account(v) for v in pd.unique(title_acc)} if n else {}
    title_ok = np.array([named_of[v] for v in title_acc], dtype=bool) if n else np.zeros(0, bool)
    fill = (account.to_numpy() == "") & title_ok
    account = account.where(~fill, title_acc)
    account_src = np.where(fill, "title", account_src)
    if layout is not None and getattr(layout, "account", None):
        fill = account.to_numpy() == ""
        account = account.where(~fill, layout.account)
        account_src = np.where(fill, "layout", account_src)
    missing = account.to_numpy() == ""
    if missing.any():
        from .readers import _title_info

        gs = np.unique(gcode[missing])
        titles = []
        for gi in gs:
            rows_g = np.flatnonzero((gcode == gi) & footer_rows)
            foot = _title_info(clean.iloc[rows_g].values.tolist()) if len(rows_g) else {}
            t0 = np.flatnonzero(gcode == gi)[0]
            t = {
                k: (per_row(v)[t0] if not isinstance(v, str) else v) for k, v in table.title.items()
            }
            if _named_account(foot.get("account", "")):
                titles.append({"footer": foot["account"]})
            else:
                titles.append(t)
        derived = _derived_ids(
            [groups[g] for g in gs], [t if "footer" not in t else {} for t in titles]
        )
        for gi, t, (acc_id, src) in zip(gs, titles, derived, strict=True):
            if "footer" in t:
                acc_id, src = t["footer"], "footer"
            m = missing & (gcode == gi)
            account = account.where(~m, acc_id)
            account_src = np.where(m, src, account_src)
            if src == "derived":
                infos[groups[gi]].warnings.append(("derived_account", acc_id, None))
    src_of = _distinct_per_group(gcode, account_src)
    for gi, g in enumerate(groups):
        infos[g].account_source = src_of.get(gi, "")

    # counterparty: its account and name (a cell holding both is split)
    cp_idx = by_field.get("counterparty", [])
    if len(cp_idx) > 1:
        card_cp = [i for i in cp_idx if any(h in header[i].lower() for h in CARD_HINTS)]
        ordered = card_cp + [i for i in cp_idx if i not in card_cp]
        counterparty = _first_nonempty(clean[[clean.columns[i] for i in ordered]])
        for i in ordered:
            v = clean[clean.columns[i]]
            pair = pd.DataFrame({"alias": v, "card": counterparty})
            alias_frames.append(pair[(v != "") & (v != counterparty)])
    else:
        counterparty = col("counterparty")
    cp_name = col("counterparty_name")
    if "counterparty_info" in by_field:
        info_name, info_acct = _split_cp_info(col("counterparty_info"))
        counterparty = counterparty.where(counterparty != "", info_acct)
        cp_name = cp_name.where(cp_name != "", info_name)
    if any(r == "merchant" for r in roles):
        cp_name = cp_name.where(cp_name != "", role_col("merchant"))
    counterparty = counterparty.where(~counterparty.isin(FILLER_NAMES), "")
    cp_name = cp_name.where(~cp_name.isin(FILLER_NAMES), "")

    holder_name = col("holder_name")
    if _has_title(table, "holder_name"):
        holder_name = holder_name.where(holder_name != "", per_row(table.title["holder_name"]))
    holder_id = col("holder_id")
    if _has_title(table, "holder_id"):
        holder_id = holder_id.where(
            holder_id != "", normalise_person_ids(pd.Series(per_row(table.title["holder_id"])))
        )

    # a decimal comma is told apart per header (per statement layout), as for one table
    balance, b_present, b_ok = parse_cents(col("balance"), by=hg if many else None)
    memo = col("memo", "join")
    channel = col("channel")
    category = role_col("category")
    funding = role_col("funding")

    def words_of(mask: np.ndarray) -> pd.Series:
        return memo[mask] + " " + channel[mask] + " " + category[mask]

    # direction: a flag, debit/credit columns, the sign with the file's convention, the
    # running balance; never guessed
    direction = np.full(n, "", dtype=object)
    rule = np.full(n, "", dtype=object)
    need_sign = amt_row.copy()
    bal_vote = None
    if has_flag_col:
        d = _norm_flag(col("direction"))
        # "贷 Cr": every word of the value a flag of the same direction
        uniq = pd.unique(d.to_numpy(dtype=object))
        tok = {v: v.split() for v in uniq}
        fin = d.map(
            {v: bool(t) and all(x in DIRECTION_IN for x in t) for v, t in tok.items()}
        ).astype(bool)
        fout = d.map(
            {v: bool(t) and all(x in DIRECTION_OUT for x in t) for v, t in tok.items()}
        ).astype(bool)
        if layout is not None:
            fin |= d.isin(layout.direction_in)
            fout |= d.isin(layout.direction_out)
        fin, fout = fin.to_numpy(dtype=bool), fout.to_numpy(dtype=bool)
        # a placeholder such as "/" is blank as a cell but says "neutral" in a flag column
        raw_d = _norm_flag(
            _first_nonempty(
                pd.DataFrame(
                    {
                        i: cells.iloc[:, i][nonempty]
                        .astype(str)
                        .str.strip(_WS)
                        .reset_index(drop=True)
                        for i in by_field["direction"]
                    }
                )
            )
        )
        neutral = (
            d.isin(DIRECTION_NEUTRAL) | ((d == "") & raw_d.isin(DIRECTION_NEUTRAL))
        ).to_numpy(dtype=bool)
        empty = (d == "").to_numpy() & ~neutral
        unknown = ~fin & ~fout & ~neutral & ~empty
        flag(unknown, "unknown_direction", col("direction"))
        flagged = fin | fout
        direction[flagged] = np.where(fin[flagged], "in", "out")
        rule[flagged] = "flag"
        # a negative amount under a flag: the running balance decides (a reversal comes back)
        neg = flagged & (signed < 0) & ~use_dc
        if neg.any():
            bal_vote = _balance_votes(balance, signed, times, gcode, account)
            back = neg & (bal_vote == 1)
            gone = neg & (bal_vote == -1)
            direction[back] = "in"
            direction[gone] = "out"
            rule[back | gone] = "balance"
            flag(neg & (bal_vote == 0), "unclear_sign", amt_text)
        # closed orders: not executed unless the row names a direction
        flag(st_closed & ~flagged, "order_closed", status)
        # neutral rows of payment apps: what the row says happened decides
        if neutral.any():
            w = words_of(neutral)
            refund = _search(w, NEUTRAL_REFUND_RE)
            paid = note[neutral]
            later = _search(w + " " + funding[neutral], PAY_LATER_RE)
            internal = _search(w, NEUTRAL_INTERNAL_RE)
            win = _search(w, NEUTRAL_IN_RE)
            wout = _search(w, NEUTRAL_OUT_RE)
            dec = np.full(len(w), "", dtype=object)
            dec[wout] = "out"
            dec[win] = "in"
            dec[paid] = "out"
            dec[refund] = "in"
            idx = np.flatnonzero(neutral)
            later_only = later & ~refund & ~paid
            int_only = internal & ~refund & ~paid & ~later_only
            direction[idx[(dec != "") & ~later_only & ~int_only]] = dec[
                (dec != "") & ~later_only & ~int_only
            ]
            rule[idx[(dec != "") & ~later_only & ~int_only]] = "words"
            m = np.zeros(n, dtype=bool)
            m[idx[later_only]] = True
            flag(m, "pay_later")
            m = np.zeros(n, dtype=bool)
            m[idx[int_only]] = True
            flag(m, "internal_transfer")
        need_sign = amt_row & (direction == "") & empty | (
            amt_row & (direction == "") & neutral & explicit_sign
        )
    dcm = use_dc & (direction == "")
    direction[dcm] = np.where(vin[dcm] != 0, "in", "out")
    rule[dcm] = "debit/credit"
    # the sign, with the convention decided per file (and account) from evidence
    need_sign &= direction == ""
    if need_sign.any():
        if bal_vote is None:
            bal_vote = _balance_votes(balance, signed, times, gcode, account)
        acc_c, _ = pd.factorize(account, sort=False)
        sg = np.sign(signed)
        card_in = np.zeros(n, dtype=bool)
        card_out = np.zeros(n, dtype=bool)
        ns = np.flatnonzero(need_sign)
        w_ns = words_of(need_sign)
        card_in[ns] = _search(w_ns, CARD_IN_RE)
        card_out[ns] = _search(w_ns, CARD_OUT_RE) & ~card_in[ns]
        # a vote for "negative is out": balance moves with the sign, refunds positive ...
        normal = (bal_vote == sg) & (bal_vote != 0)
        invert = (bal_vote == -sg) & (bal_vote != 0)
        normal_w = (card_in & (sg > 0)) | (card_out & (sg < 0))
        invert_w = (card_in & (sg < 0)) | (card_out & (sg > 0))
        gkey = pd.factorize(gcode.astype(np.int64) * (int(acc_c.max()) + 2) + acc_c)[0]
        forced_sign = getattr(layout, "sign", None) if layout is not None else None
        # the evidence summed per file and account (one pass, no loop over statements)
        ns_idx = np.flatnonzero(need_sign)
        gk = gkey[ns_idx]
        ng = int(gk.max()) + 1

        def per(v: np.ndarray) -> np.ndarray:
            return np.bincount(gk, weights=v[ns_idx].astype(np.float64), minlength=ng)

        vn = per(normal.astype(np.int64) + normal_w)
        vi = per(invert.astype(np.int64) + invert_w)
        plus = per(amt_text.str.startswith("+").to_numpy(dtype=bool)) > 0
        neg = per(signed < 0) > 0
        expl = per(explicit_sign) > 0
        mixed = (per(invert) > 0) & (per(normal) > 0) & ~neg
        if forced_sign in ("negative_out", "positive_out"):
            conv_g = np.full(ng, 1 if forced_sign == "negative_out" else -1)
            why_g = np.full(ng, "sign (layout)", dtype=object)
        else:
            conv_g = np.select(
                [plus, mixed, vi > vn, (vn > 0) | neg | expl], [1, 0, -1, 1], default=0
            )
            why_g = np.where(
                conv_g == -1,
                "sign (positive is out: from evidence)",
                np.where(conv_g == 1, "sign", ""),
            )
        conv = conv_g[gk]
        why = why_g[gk]
        by_sign = ns_idx[conv != 0]
        direction[by_sign] = np.where(signed[by_sign] * conv[conv != 0] < 0, "out", "in")
        rule[by_sign] = why[conv != 0]
        # unsigned amounts: the running balance row by row (a first row whose balance is
        # its amount opened the account)
        by_bal = ns_idx[conv == 0]
        if len(by_bal):
            bv = bal_vote[by_bal]
            opened = (
                balance.to_numpy(dtype="float64", na_value=np.nan)[by_bal] == amount[by_bal]
            ) & (bv == 0)
            dm = np.where((bv > 0) | opened, "in", np.where(bv < 0, "out", ""))
            direction[by_bal] = dm
            rule[by_bal] = np.where(dm != "", "balance", "")
    flag(direction == "", "no_direction")
    flag(account == "", "no_account")

    # cash only where the statement says so; an empty counterparty is otherwise unknown
    # the bank's own cash mark decides where it is filled; a cash memo or channel elsewhere
    cash_flag = _norm_flag(role_col("cash_flag"))
    is_cash = cash_flag.isin(CASH_FLAG_YES).to_numpy().copy() | cash_flag.str.contains(
        "现金", regex=False
    ).to_numpy(dtype=bool)
    no_cp = (counterparty == "").to_numpy()
    ask = no_cp & (cash_flag == "").to_numpy()
    if ask.any():
        look = np.zeros(n, dtype=bool)
        look[ask] = _search(memo[ask] + " " + channel[ask], CASH_MEMO_RE)
        is_cash = is_cash | look
    kind = np.where(~no_cp, "account", np.where(is_cash, "cash", "unknown"))

    # per file: how direction was decided, status values, currencies
    ok = (code == "").to_numpy()
    currency = _currency(col("currency"))
    if _has_title(table, "currency"):
        tc = _currency(pd.Series(per_row(table.title["currency"]), dtype=object))
        currency = currency.where(currency != "", tc)
    if layout is not None and getattr(layout, "currency", None):
        currency = currency.where(currency != "", layout.currency)
    rules_of = _distinct_per_group(gcode[ok], rule[ok])
    nodir = set(np.unique(gcode[code.to_numpy() == "no_direction"]).tolist())
    sv = status.to_numpy(dtype=object)
    has_st = sv != ""
    st_counts = pd.DataFrame({"g": gcode[has_st], "s": sv[has_st], "u": st_unknown[has_st]})
    st_counts = st_counts.value_counts(["g", "s", "u"], sort=False).reset_index(name="n")
    st_counts = st_counts.sort_values(["g", "s"], kind="stable").reset_index(drop=True)
    cur_counts = (
        pd.DataFrame({"g": gcode[ok], "c": currency.to_numpy(dtype=object)[ok]})
        .groupby(["g", "c"], sort=True)
        .size()
        .reset_index(name="n")
    )
    for gi, g in enumerate(groups):
        fi = infos[g]
        r = rules_of.get(gi, "")
        if not r and gi in nodir:
            fi.direction_rule = "none"
            fi.warnings.append(
                ("no_direction_info", "amounts unsigned and no direction column", None)
            )
        else:
            fi.direction_rule = r
    for gi, sub in st_counts.groupby("g"):
        fi = infos[groups[gi]]
        fi.statuses = {str(k): int(v) for k, v in zip(sub["s"], sub["n"], strict=True)}
        for k, v, u in zip(sub["s"], sub["n"], sub["u"], strict=True):
            if u:
                fi.warnings.append(("unknown_status", f"{k} ({v})", None))
    for gi, sub in cur_counts.groupby("g"):
        infos[groups[gi]].currencies = {
            str(k): int(v) for k, v in zip(sub["c"], sub["n"], strict=True)
        }
    rev = ok & (rule == "balance") & has_flag_col & (signed < 0) & (direction == "in")
    for i in np.flatnonzero(rev):
        # the row it reverses: the latest earlier outflow of the same amount on the account
        same = np.flatnonzero(
            ok
            & (gcode == gcode[i])
            & (account.to_numpy() == account.iloc[i])
            & (direction == "out")
            & (amount == amount[i])
            & (times.to_numpy() <= times.iloc[i])
        )
        target = f", reverses row {int(raw_rows[same[-1]])}" if len(same) else ""
        infos[groups[gcode[i]]].warnings.append(
            (
                "reversal",
                f"money back in: {amount[i] // 100}.{amount[i] % 100:02d}{target}",
                int(raw_rows[i]),
            )
        )

    # columns fundgraph does not interpret, kept as they are
    extra_idx = [i for i, f in enumerate(fields[:ncols]) if f is None]
    if extra_idx:
        names = []
        for i in extra_idx:
            nm = header[i].strip() or f"column{i + 1}"
            while nm in names:
                nm += "_"
            names.append(nm)
        ex = clean[[clean.columns[i] for i in extra_idx]].copy()
        ex.columns = names
        if (ex != "").to_numpy().any():
            extra = pd.Series(
                ex.to_json(orient="records", lines=True, force_ascii=False).splitlines(),
                dtype=object,
            )
            extra = extra.where((ex != "").any(axis=1).to_numpy(), "")
        else:
            extra = pd.Series([""] * n, dtype=object)
    else:
        extra = pd.Series([""] * n, dtype=object)

    accepted = pd.DataFrame(
        {
            "source_file": row_file[ok],
            "source_sheet": row_sheet[ok],
            "source_row": raw_rows[ok],
            "account": account[ok].to_numpy(),
            "account_raw": account[ok].to_numpy(),
            "holder_name": holder_name[ok].to_numpy(),
            "holder_id": holder_id[ok].to_numpy(),
            "time": times[ok].to_numpy(),
            "direction": direction[ok],
            "amount": amount[ok].astype("int64"),
            "balance": balance[ok].to_numpy(),
            "counterparty": counterparty[ok].to_numpy(),
            "counterparty_kind": kind[ok],
            "counterparty_name": cp_name[ok].to_numpy(),
            "counterparty_id": col("counterparty_id")[ok].to_numpy(),
            "counterparty_bank": col("counterparty_bank")[ok].to_numpy(),
            "memo": memo[ok].to_numpy(),
            "channel": channel[ok].to_numpy(),
            "reference": col("reference")[ok].to_numpy(),
            "branch": col("branch")[ok].to_numpy(),
            "currency": currency[ok].to_numpy(),
            "extra": extra[ok].to_numpy(),
            "day_only": day_only[ok].to_numpy(),
            "bad_balance": (b_present & ~b_ok)[ok].to_numpy(),
        }
    )
    accepted["balance"] = accepted["balance"].astype("Int64")
    bad = ~ok
    # only the rejected rows are taken out of the raw cells (not a copy of the whole table)
    raw_text = _raw_text(cells.iloc[np.flatnonzero(nonempty)[bad]].reset_index(drop=True))
    rejected = pd.DataFrame(
        {
            "source_file": row_file[bad],
            "source_sheet": row_sheet[bad],
            "source_row": raw_rows[bad],
            "code": code[bad].to_numpy(),
            "value": value[bad].to_numpy(),
            "raw": raw_text,
        }
    )
    aliases = (
        pd.concat(alias_frames, ignore_index=True)
        if alias_frames
        else pd.DataFrame({"alias": pd.Series(dtype=object), "card": pd.Series(dtype=object)})
    )
    aliases = aliases[aliases["card"] != ""]
    return accepted, rejected, aliases.drop_duplicates().reset_index(drop=True), infos


def _currency(s: pd.Series) -> pd.Series:
    values = pd.unique(s.to_numpy(dtype=object))
    table = {}
    for v in values:
        k = unicodedata.normalize("NFKC", v).strip().upper() if v else ""
        table[v] = CURRENCY_CODES.get(k, CURRENCY_CODES.get(k.replace(" ", ""), k))
    return s.map(table).astype(object)


def _raw_text(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.array([], dtype=object)
    s = frame.iloc[:, 0].astype(str).str.strip(_WS)
    for i in range(1, frame.shape[1]):
        s = s + " | " + frame.iloc[:, i].astype(str).str.strip(_WS)
    s = s.str.replace(r"(\s\|\s)+$", "", regex=True)
    # one line per reject, bounded so a 1 MB cell does not bloat rejects.csv
    return s.str.replace(r"[\r\n]+", " ", regex=True).str.slice(0, 2000).to_numpy()
