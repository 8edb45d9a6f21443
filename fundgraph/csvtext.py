"""The bytes of a case table as CSV, built a column at a time with Arrow's compute kernels.

What :func:`fundgraph.tables.write_csv` writes: UTF-8 with a byte-order mark, rows ended by
CRLF, money columns (integer cents) as yuan with two decimals, times as
``YYYY-MM-DD HH:MM:SS``, whole numbers as digits, ``true``/``false``, floats as Python's
``repr``, missing values as empty cells, text cells neutralised against spreadsheet
formulas (:func:`fundgraph.tables.neutralise_formulas`), and a cell quoted the way
Python's :mod:`csv` writer quotes it (``QUOTE_MINIMAL`` with CRLF line ends: a cell holding
``,``, ``"``, CR or LF is put in double quotes and its quotes doubled; the cell of a
one-column row that is empty is written ``""``).

Each column becomes one Arrow string array; the columns are joined into lines by one
kernel call and the lines' text buffer is handed to the file as it is, so no cell passes
through a Python loop. Only the few cells whose first character could start a formula
are looked at one by one, and float columns (the small tables' scores) keep ``repr``.
Column kinds Arrow does not cover here (text mixed with other objects, times with a time
zone) are formatted by pandas as before.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["csv_chunks"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: rows turned into text at a time, so a million-row table never exists twice over as text
CHUNK_ROWS = 100_000
_BOM = "\ufeff".encode()
_QUOTE_BYTES = (b",", b'"', b"\r", b"\n")  # what makes the csv module quote a cell
_LARGE = pa.large_string()


def csv_chunks(
    df: pd.DataFrame,
    schema: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    *,
    table: pa.Table | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[bytes | memoryview]:
    """The CSV file of ``df`` in pieces: the byte-order mark and header, then the rows.

    Parameters
    ----------
    df : DataFrame
        The table; its columns are written in order.
    schema : dict, optional
        Column kinds (:mod:`fundgraph.schema`); a column not named is written by its dtype.
    headers : dict, optional
        New names for columns in the written header (translated copies).
    table : pyarrow.Table, optional
        ``df`` already converted (``pa.Table.from_pandas(df, preserve_index=False)``, as
        for its Parquet copy): its text columns are used instead of converting them again.
    chunk_rows : int
        Rows per piece.

    Examples
    --------
    >>> df = pd.DataFrame({"memo": ["=1+1", 'say "hi", bye'], "amount": [1250, -5]})
    >>> b"".join(csv_chunks(df, {"memo": "str", "amount": "int64"})).decode("utf-8-sig")
    'memo,amount\\r\\n\\'=1+1,12.50\\r\\n"say ""hi"", bye",-0.05\\r\\n'
    """
    if table is not None and (table.num_rows != len(df) or table.num_columns != len(df.columns)):
        raise ValueError("table is not the Arrow copy of df")
    kinds = dict(schema or {})
    names = _quoted(
        pa.array([str((headers or {}).get(c, c)) for c in df.columns], type=pa.string())
    )
    yield _BOM + bytes(_lines([names.slice(i, 1) for i in range(len(names))], rows=1))
    for start in range(0, len(df), chunk_rows):
        part = df.iloc[start : start + chunk_rows]
        cols = []
        for i, c in enumerate(df.columns):
            arrow = table.column(i).slice(start, len(part)) if table is not None else None
            cols.append(_cell_text(part.iloc[:, i], kinds.get(c), c, arrow))
        yield _lines(cols, rows=len(part))


def _lines(cols: list[pa.Array], rows: int) -> memoryview:
    """The text of ``rows`` rows whose cells are ``cols`` (one string array without nulls
    per column), each row ended by CRLF."""
    if not cols:  # a table without columns: blank lines
        return memoryview(b"\r\n" * rows)
    cols = [c.cast(_LARGE) for c in cols]
    if len(cols) == 1:
        # Python's csv module writes the only field of a row as "" when it is empty (else
        # the row would be a blank line)
        joined = pc.if_else(pc.equal(cols[0], _large("")), _large('""'), cols[0])
    else:
        joined = pc.binary_join_element_wise(*cols, _large(","))
    return _buffer(pc.binary_join_element_wise(joined, _large("\r\n"), _large("")))


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, _LARGE)


def _buffer(arr: pa.Array) -> memoryview:
    """The character data of a string array without nulls: its cells back to back."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not len(arr):
        return memoryview(b"")
    width = 8 if pa.types.is_large_string(arr.type) else 4
    offsets = np.frombuffer(
        arr.buffers()[1],
        dtype=np.int64 if width == 8 else np.int32,
        count=len(arr) + 1,
        offset=arr.offset * width,
    )
    return memoryview(arr.buffers()[2])[int(offsets[0]) : int(offsets[-1])]


def _quoted(values: pa.Array) -> pa.Array:
    # , " CR and LF are ASCII, never part of another character's UTF-8 bytes: when the
    # column's text holds none of them (most columns), no cell needs quotes
    data = bytes(_buffer(values))
    if not any(b in data for b in _QUOTE_BYTES):
        return values
    need = pc.match_substring_regex(values, '[,"\r\n]')
    quote, nothing = pa.scalar('"', values.type), pa.scalar("", values.type)
    doubled = pc.replace_substring(values, '"', '""')
    return pc.if_else(need, pc.binary_join_element_wise(quote, doubled, quote, nothing), values)


def _cell_text(s: pd.Series, kind: str | None, name: str, arrow=None) -> pa.Array:
    """The written text of every cell of column ``name`` (a string array without nulls);
    ``arrow`` is the column already converted to Arrow, if it was."""
    from .tables import MONEY_COLUMNS

    if name in MONEY_COLUMNS and (kind in ("int64", "Int64") or pd.api.types.is_integer_dtype(s)):
        return _yuan(s)
    if kind == "datetime" or pd.api.types.is_datetime64_any_dtype(s):
        return _times(s)
    if kind == "float" or pd.api.types.is_float_dtype(s):
        return _floats(s)
    if kind == "bool" or pd.api.types.is_bool_dtype(s):
        if s.dtype == bool:
            return pc.if_else(pa.array(s.to_numpy()), "true", "false")
        return _strings(["true" if v else "false" for v in s.to_numpy(dtype=object)])
    if kind in ("int64", "Int64") or pd.api.types.is_integer_dtype(s):
        return _whole(s)
    return _quoted(_text(s, arrow))


def _strings(values) -> pa.Array:
    return pa.array(values, type=pa.string())


def _float_text(v) -> str:
    return "" if pd.isna(v) else repr(float(v))


def _floats(s: pd.Series) -> pa.Array:
    """Python's ``repr`` of each float (the shortest text that reads back the same), once
    per distinct value: scores repeat (0.0, 1.0) and Arrow's own float text differs."""
    if s.dtype != np.float64:
        return _strings([_float_text(v) for v in s.to_numpy(dtype=object)])
    # distinct by their bits, so that -0.0 and 0.0 stay apart
    bits, at = np.unique(s.to_numpy().view(np.int64), return_inverse=True)
    texts = _strings([_float_text(v) for v in bits.view(np.float64)])
    return pc.take(texts, pa.array(at.reshape(-1)))


def _integers(s: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """The int64 values of an integer column and its missing cells (None when there are none)."""
    if s.dtype == np.int64:
        return s.to_numpy(), None
    s = s.astype("Int64")  # raises for text that is not a whole number, as pandas did
    missing = s.isna().to_numpy()
    return s.fillna(0).astype("int64").to_numpy(), (missing if missing.any() else None)


def _digits(v: np.ndarray) -> pa.Array:
    return pa.array(v, type=pa.int64()).cast(pa.string())


def _whole(s: pd.Series) -> pa.Array:
    v, missing = _integers(s)
    text = _digits(v)
    return pc.if_else(pa.array(missing), "", text) if missing is not None else text


def _yuan(s: pd.Series) -> pa.Array:
    """Cents as yuan with two decimals (``-12.50``), like :func:`fundgraph.money.yuan_series`."""
    v, missing = _integers(s)
    a = np.abs(v)
    frac = pc.utf8_lpad(_digits(a % 100), 2, "0")
    sign = pc.if_else(pa.array(v < 0), "-", "")
    text = pc.binary_join_element_wise(sign, _digits(a // 100), ".", frac, "")
    return pc.if_else(pa.array(missing), "", text) if missing is not None else text


# "YYYY-MM-DD HH:MM:SS": where each field's digits go, most significant first
_TIME_FIELDS = ((0, 4), (5, 2), (8, 2), (11, 2), (14, 2), (17, 2))
_TIME_WIDTH = 19
_TIME_TEMPLATE = np.frombuffer(b"0000-00-00 00:00:00", dtype=np.uint8)


def _times(s: pd.Series) -> pa.Array:
    """Times as ``YYYY-MM-DD HH:MM:SS`` (seconds rounded down, as a clock shows them)."""
    if pd.api.types.is_datetime64_dtype(s) and len(s):
        values = s.to_numpy()
        missing = np.isnat(values)
        secs = values.astype("datetime64[s]").astype(np.int64)
        secs[missing] = 0
        fields = _calendar(secs)
        if fields[0].min() >= 1000 and fields[0].max() <= 9999:
            text = _fixed_digits(fields)
            return pc.if_else(pa.array(missing), "", text) if missing.any() else text
    # text, times with a zone, years of other widths: as pandas writes them
    t = pd.to_datetime(s)
    return _strings(t.dt.strftime(TIME_FORMAT).where(t.notna(), "").to_numpy(dtype=object))


def _calendar(secs: np.ndarray) -> tuple[np.ndarray, ...]:
    """Year, month, day, hour, minute, second of seconds since 1970-01-01 (proleptic
    Gregorian calendar; the days-to-civil algorithm of H. Hinnant, "chrono-Compatible
    Low-Level Date Algorithms")."""
    days, sod = np.divmod(secs, 86_400)
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1_460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    hour, rest = np.divmod(sod, 3_600)
    minute, second = np.divmod(rest, 60)
    return year, month, day, hour, minute, second


def _fixed_digits(fields: tuple[np.ndarray, ...]) -> pa.Array:
    """A string array of ``YYYY-MM-DD HH:MM:SS`` built as bytes, without a per-cell step."""
    n = len(fields[0])
    out = np.empty((n, _TIME_WIDTH), dtype=np.uint8)
    out[:] = _TIME_TEMPLATE
    for (at, width), v in zip(_TIME_FIELDS, fields, strict=True):
        for k in range(width - 1, -1, -1):
            v, digit = np.divmod(v, 10)
            out[:, at + k] = 48 + digit
    offsets = np.arange(0, (n + 1) * _TIME_WIDTH, _TIME_WIDTH, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(out))


def _text(s: pd.Series, arrow=None) -> pa.Array:
    """Text cells with missing ones empty and formulas neutralised."""
    from .tables import FORMULA_STARTS, neutralise_formulas

    if arrow is not None and (
        pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)
    ):
        arr = pc.fill_null(
            arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow, ""
        )
    else:
        values = s.to_numpy(dtype=object)
        missing = pd.isna(values)
        if missing.any():
            values = values.copy()
            values[missing] = ""
        if pd.api.types.infer_dtype(values, skipna=False) not in ("string", "empty"):
            values = np.array([v if isinstance(v, str) else str(v) for v in values], dtype=object)
        arr = pa.array(values, type=pa.string())
    first = pc.utf8_slice_codeunits(arr, 0, 1)
    maybe = pc.is_in(first, value_set=pa.array([*FORMULA_STARTS, "'"], type=arr.type))
    if not pc.any(maybe).as_py():
        return arr
    # the few cells that could start a formula get the one rule of tables.neutralise_formulas
    picked = pc.filter(arr, maybe).to_pylist()
    fixed = neutralise_formulas(pd.Series(picked, dtype=object)).tolist()
    return pc.replace_with_mask(arr, maybe, pa.array(fixed, type=arr.type))
