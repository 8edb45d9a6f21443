"""Writing and reading the case tables: CSV for people and Excel, Parquet for programs.

CSV files are UTF-8 with a byte-order mark (so Excel picks the encoding), money as yuan
with two decimals, times as ``YYYY-MM-DD HH:MM:SS``, and any text cell that a spreadsheet
would run as a formula (starting with ``= + - @``, a tab, a line or page break, or their
full-width forms ``＝ ＋ － ＠``, and not a number) prefixed with ``'``; reading takes exactly
that ``'`` off again, so a genuine leading ``'`` or backtick (``'Brien``) survives.
Files are written to a temporary name and renamed, so a reader never sees half a file; a
temporary file left behind by a killed process is removed the next time that file is
written.
"""

from __future__ import annotations

import glob
import json
import os
import re
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CaseError
from .money import cents_series

__all__ = [
    "MONEY_COLUMNS",
    "FORMULA_STARTS",
    "write_csv",
    "csv_bytes",
    "read_csv",
    "write_parquet",
    "arrow_table",
    "read_parquet",
    "write_json",
    "dumps_json",
    "read_json",
    "atomic_path",
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "neutralise_formulas",
    "clean_stale_parts",
    "empty_frame",
    "conform",
]

#: Columns (in any table) that hold money in cents.
MONEY_COLUMNS = frozenset(
    {
        "amount",
        "balance",
        "in_amount",
        "out_amount",
        "cash_in",
        "cash_out",
        "paid_in",
        "received_back",
        "net_loss",
        "recovered_share",
        "absorbed",
        "deposits_in",
        "returns_out",
        "commissions",
        "to_beneficiaries",
        "core_balance",
        "traced",
    }
)

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# temporary files are created private (0600); the finished file gets the usual mode
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
_NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
#: First characters that make a spreadsheet evaluate a cell (LibreOffice and Excel skip
#: tab, CR, VT and FF before a formula and take the full-width signs for ASCII ones).
FORMULA_STARTS = "=+-@\t\r\x0b\x0c\uff1d\uff0b\uff0d\uff20"
_RISKY_RE = "^'*[" + re.escape(FORMULA_STARTS) + "]"
_MARKED_RE = "^'+[" + re.escape(FORMULA_STARTS) + "]"
# temporary names: ".<name>.<pid>.<random>.part"
_PART_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.part$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def clean_stale_parts(folder: str | os.PathLike, name: str | None = None) -> list[Path]:
    """Remove temporary ``.part`` files that a killed writer left in ``folder``.

    Only files named like :func:`atomic_open`'s temporary files are touched, and only
    those whose writing process is gone (or that carry no process id at all).

    Parameters
    ----------
    folder : path
        The folder to clean (not recursive).
    name : str, optional
        Only the leftovers of this target file name.

    Returns
    -------
    list of Path
        The files removed.
    """
    d = Path(folder)
    removed: list[Path] = []
    pattern = f".{glob.escape(name)}.*.part" if name else ".*.part"
    try:
        candidates = sorted(d.glob(pattern))
    except OSError:
        return removed
    for p in candidates:
        m = _PART_RE.match(p.name)
        if m and name is not None and m.group("name") != name:
            continue
        if m and _pid_alive(int(m.group("pid"))):
            continue
        try:
            if p.is_file() and not p.is_symlink():
                p.unlink()
                removed.append(p)
        except OSError:
            pass
    return removed


def _part_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


@contextmanager
def atomic_path(path: str | os.PathLike):
    """A temporary file name beside ``path`` to write to, renamed to ``path`` on success.

    On any error the temporary file is removed instead, so a reader never sees half a
    file. Leftovers of a killed writer of ``path`` are removed first.

    Parameters
    ----------
    path : path
        The file to write in the end; its folder is created.

    Yields
    ------
    str
        The temporary file's name (``.<name>.<pid>.<random>.part`` in the same folder,
        already created, empty), for a writer that wants a file name rather than a file
        object. On success it gets the permissions of a file opened the usual way
        (``0o666`` less the umask) and is renamed to ``path``, replacing any file there.

    Raises
    ------
    BaseException
        Whatever the block raised (an interrupt too), after the temporary file is
        removed; ``path`` is left as it was.

    See Also
    --------
    atomic_open : the same, with the file opened.
    clean_stale_parts : removes what a killed writer left.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> target = Path(tmp.name, "case", "note.txt")
    >>> with atomic_path(target) as part:
    ...     _ = Path(part).write_text("first", encoding="utf-8")
    ...     print(Path(part).name.endswith(".part"), target.exists())
    True False
    >>> target.read_text(encoding="utf-8"), sorted(p.name for p in target.parent.iterdir())
    ('first', ['note.txt'])
    >>> with atomic_path(target) as part:
    ...     _ = Path(part).write_text("half", encoding="utf-8")
    ...     raise OSError("disk full")
    Traceback (most recent call last):
    OSError: disk full
    >>> target.read_text(encoding="utf-8"), sorted(p.name for p in target.parent.iterdir())
    ('first', ['note.txt'])
    >>> tmp.cleanup()
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_parts(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=_part_prefix(path), suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", **kwargs):
    """Open a temporary file beside ``path`` (:func:`atomic_path`); on success it is
    renamed to ``path``, on any error removed, so a reader never sees half a file."""
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | os.PathLike, text: str, *, bom: bool = False) -> None:
    """Write ``text`` as UTF-8 (with a byte-order mark if ``bom``) to ``path``, atomically."""
    atomic_write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


def neutralise_formulas(s: pd.Series) -> pd.Series:
    """Prefix ``'`` to text cells a spreadsheet would evaluate (see :data:`FORMULA_STARTS`;
    a plain number such as ``-12.50`` is left alone).

    A cell that already starts with ``'`` before such a character gets one more, so that
    :func:`read_csv` can take exactly one off and give back the text as it was.

    >>> neutralise_formulas(pd.Series(["=1+1", "-12.50", "'=x", "张三"])).tolist()
    ["'=1+1", '-12.50', "''=x", '张三']
    """
    s = s.astype(object).where(s.notna(), "")
    s = s.astype(str)
    # the regular expressions only run on the few cells whose first character could matter
    maybe = s.str.slice(0, 1).isin((*FORMULA_STARTS, "'")).to_numpy()
    if not maybe.any():
        return s
    sub = s[maybe]
    risky = sub.str.match(_RISKY_RE) & ~sub.str.match(_NUMBER_RE)
    if risky.any():
        s = s.copy()
        s[sub.index[risky.to_numpy()]] = "'" + sub[risky]
    return s


def _unneutralise(s: pd.Series) -> pd.Series:
    marked = s.str.match(_MARKED_RE)
    if marked.any():
        s = s.where(~marked, s.str.slice(1))
    return s


def empty_frame(schema: dict[str, str]) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of ``schema``."""
    return conform(pd.DataFrame({c: [] for c in schema}), schema)


def conform(df: pd.DataFrame, schema: dict[str, str], *, extra: bool = True) -> pd.DataFrame:
    """Columns of ``schema`` first (missing ones filled), in its dtypes; others kept after."""
    out = {}
    n = len(df)
    for col, kind in schema.items():
        if col in df.columns:
            s = df[col]
        else:
            s = pd.Series([None] * n, index=df.index, dtype=object)
        out[col] = _as_kind(s, kind)
    if extra:
        for col in df.columns:
            if col not in schema:
                out[col] = df[col]
    return pd.DataFrame(out, index=df.index).reset_index(drop=True)


def _text_objects(s: pd.Series) -> pd.Series:
    """An Arrow-backed text column as Python strings, one object per distinct value
    (``astype(object)`` would make one per cell: a million rows, a million copies of each
    bank's name), missing values as ""."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    vals = np.append(np.asarray(uniques, dtype=object), "")  # code -1 picks the ""
    return pd.Series(vals[codes], index=s.index, dtype=object)


def _as_kind(s: pd.Series, kind: str) -> pd.Series:
    if kind == "str":
        if isinstance(s.dtype, pd.StringDtype):
            return _text_objects(s)
        s = s.astype(object)
        missing = s.isna()
        if missing.any():
            s = s.where(~missing, "")
        # a column that already holds text keeps its string objects (no copy of every cell)
        if pd.api.types.infer_dtype(s, skipna=False) in ("string", "empty"):
            return s
        return s.map(lambda v: v if isinstance(v, str) else str(v)).astype(object)
    if kind == "int64":
        return (
            pd.to_numeric(s, errors="raise").fillna(0).astype("int64")
            if len(s)
            else s.astype("int64")
        )
    if kind == "Int64":
        return pd.to_numeric(s, errors="raise").astype("Int64") if len(s) else s.astype("Int64")
    if kind == "float":
        return pd.to_numeric(s, errors="raise").astype("float64")
    if kind == "bool":
        if s.dtype == bool:
            return s
        return s.map(lambda v: str(v).lower() in ("true", "1", "yes")).astype(bool)
    if kind == "datetime":
        return pd.to_datetime(s, errors="raise").astype("datetime64[ns]")
    raise ValueError(f"unknown column kind {kind!r}")


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike,
    schema: dict[str, str] | None = None,
    *,
    headers: dict[str, str] | None = None,
    table=None,
) -> None:
    """Write ``df`` as an Excel-friendly, formula-safe CSV (see module docstring).

    ``headers`` renames columns in the written file only (for translated copies);
    ``table`` is ``df`` already converted to Arrow (:func:`arrow_table`), whose text
    columns are then not converted again. The text is built a column at a time
    (:mod:`fundgraph.csvtext`).
    """
    from .csvtext import csv_chunks

    with atomic_open(path, "wb") as fh:
        for piece in csv_chunks(df, schema, headers, table=table):
            fh.write(piece)


def csv_bytes(df: pd.DataFrame, schema: dict[str, str] | None = None) -> bytes:
    """The exact bytes :func:`write_csv` would write for ``df``."""
    from .csvtext import csv_chunks

    return b"".join(csv_chunks(df, schema))


_INT_RE = r"^-?\d+$"
_YUAN_RE = r"^-?\d+(\.\d{1,2})?$"
_BOOL_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _bad_value(path, column: str, row: int, value: str, kind: str | None, money: bool):
    expected = "money" if money else kind
    return CaseError(
        key=f"error.case.bad_value.{expected}",
        file=str(path),
        row=row,
        column=column,
        value=repr(value[:60]),
    )


def _parse_column(s: pd.Series, kind: str | None, money: bool):
    """``(values, bad)``: the column in its dtype and a mask of the cells that do not fit."""
    empty = s == ""
    if money and kind in ("int64", "Int64"):
        bad = ~s.str.match(_YUAN_RE) & ~empty
        if kind == "int64":
            bad |= empty
        if bad.any():
            return None, bad
        v = cents_series(s)
        return (v.fillna(0).astype("int64") if kind == "int64" else v), bad
    if kind == "datetime":
        t = pd.to_datetime(s.where(~empty, None), format=_TIME_FORMAT, errors="coerce")
        bad = t.isna() & ~empty
        return t.astype("datetime64[ns]"), bad
    if kind == "float":
        v = pd.to_numeric(s.where(~empty, np.nan), errors="coerce").astype("float64")
        return v, v.isna() & ~empty
    if kind == "bool":
        low = s.str.strip().str.lower()
        bad = ~low.isin(tuple(_BOOL_TEXT))
        return low.map(_BOOL_TEXT).fillna(False).astype(bool), bad
    if kind in ("int64", "Int64"):
        bad = ~s.str.match(_INT_RE) & ~empty
        if kind == "int64":
            bad |= empty
        if bad.any():
            return None, bad
        if kind == "int64":
            return pd.to_numeric(s).astype("int64"), bad
        return pd.to_numeric(s.where(~empty, None)).astype("Int64"), bad
    if kind not in (None, "str"):
        raise ValueError(f"unknown column kind {kind!r}")
    return s.astype(object), empty & False


def read_csv(
    path: str | os.PathLike, schema: dict[str, str], *, required: bool = False
) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` back into the dtypes of ``schema``.

    Parameters
    ----------
    path : path
        The file.
    schema : dict
        ``{column: kind}`` (see :mod:`fundgraph.schema`); other columns stay text.
    required : bool
        Refuse a file that lacks a column of ``schema`` (otherwise it is added, empty).

    Raises
    ------
    CaseError
        Naming the file, the row (as a spreadsheet numbers it, the header being row 1) and
        the column of the first cell that is not of its column's kind, or the missing
        column; or the file when it is not CSV text at all.
    """
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", na_filter=False
        )
    except UnicodeDecodeError:
        raise CaseError(key="error.case.not_csv", file=str(path), detail="not UTF-8 text") from None
    except pd.errors.EmptyDataError:
        raise CaseError(key="error.case.not_csv", file=str(path), detail="empty file") from None
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())[:200]
        raise CaseError(key="error.case.not_csv", file=str(path), detail=detail) from None
    if required:
        missing = [c for c in schema if c not in raw.columns]
        if missing:
            raise CaseError(
                key="error.case.missing_column", file=str(path), column=", ".join(missing)
            )
    out = {}
    for col in raw.columns:
        s = _unneutralise(raw[col].astype(object))
        kind = schema.get(col)
        values, bad = _parse_column(s, kind, col in MONEY_COLUMNS)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise _bad_value(path, str(col), i + 2, str(s.iat[i]), kind, col in MONEY_COLUMNS)
        out[col] = values
    df = pd.DataFrame(out, columns=list(raw.columns))
    for col, kind in schema.items():
        if col not in df.columns:
            df[col] = empty_frame({col: kind})[col].reindex(range(len(df)))
    return df


def arrow_table(df: pd.DataFrame):
    """``df`` as the Arrow table its Parquet copy holds: no pandas index, no metadata."""
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(None)


def write_parquet(df, path: str | os.PathLike) -> None:
    """Write ``df`` (a DataFrame, or its :func:`arrow_table`) to Parquet atomically
    (deterministic: no pandas index, fixed metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = df if isinstance(df, pa.Table) else arrow_table(df)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")


def read_parquet(path: str | os.PathLike, schema: dict[str, str] | None = None) -> pd.DataFrame:
    df = pd.read_parquet(path)
    for col in df.columns:
        if df[col].dtype != object and pd.api.types.is_string_dtype(df[col]):
            df[col] = df[col].astype(object)
    return conform(df, schema) if schema else df


def _json_lines(obj, indent: int, level: int) -> str:
    pad = " " * (indent * (level + 1))
    end = " " * (indent * level)
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [
            f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_json_lines(v, indent, level + 1)}"
            for k, v in obj.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        items = [pad + _json_lines(v, indent, level + 1) for v in obj]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    if isinstance(obj, (np.integer,)):
        return str(int(obj))
    if isinstance(obj, (np.floating, float)):
        return json.dumps(float(obj))
    if isinstance(obj, (np.bool_,)):
        return "true" if obj else "false"
    if isinstance(obj, pd.Timestamp):
        return json.dumps(obj.strftime(_TIME_FORMAT))
    if obj is pd.NA or obj is pd.NaT:
        return "null"
    return json.dumps(obj, ensure_ascii=False)


def dumps_json(obj) -> str:
    """JSON text with :class:`~decimal.Decimal` written as exact numbers (money in yuan)."""
    return _json_lines(obj, 2, 0) + "\n"


def write_json(obj, path: str | os.PathLike) -> None:
    atomic_write_text(path, dumps_json(obj))


def read_json(path: str | os.PathLike):
    """Read JSON with non-integer numbers as :class:`~decimal.Decimal` (exact money)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh, parse_float=Decimal)
