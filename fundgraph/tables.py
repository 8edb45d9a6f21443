"""Writing and reading the case tables: CSV for people and Excel, Parquet for programs.

CSV files are UTF-8 with a byte-order mark (so Excel picks the encoding), money as yuan
with two decimals, times as ``YYYY-MM-DD HH:MM:SS``, and any text cell that a spreadsheet
would run as a formula (starting with ``= + - @`` and not a number) prefixed with ``'``.
Files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from .money import cents_series, yuan_series

__all__ = [
    "MONEY_COLUMNS",
    "write_csv",
    "read_csv",
    "write_parquet",
    "read_parquet",
    "write_json",
    "dumps_json",
    "read_json",
    "atomic_open",
    "atomic_write_bytes",
    "atomic_write_text",
    "neutralise_formulas",
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
CSV_CHUNK_ROWS = 100_000
# temporary files are created private (0600); the finished file gets the usual mode
_UMASK = os.umask(0)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK
_NUMBER_RE = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", **kwargs):
    """Open a temporary file beside ``path``; on success it is renamed to ``path``, on any
    error removed, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | os.PathLike, text: str, *, bom: bool = False) -> None:
    atomic_write_bytes(path, (("\ufeff" if bom else "") + text).encode("utf-8"))


def neutralise_formulas(s: pd.Series) -> pd.Series:
    """Prefix ``'`` to text cells a spreadsheet would evaluate (``= + - @`` start, not a number).

    A cell that already starts with ``'`` before such a character gets one more, so that
    :func:`read_csv` can take exactly one off and give back the text as it was.

    >>> neutralise_formulas(pd.Series(["=1+1", "-12.50", "'=x", "张三"])).tolist()
    ["'=1+1", '-12.50', "''=x", '张三']
    """
    s = s.astype(object).where(s.notna(), "")
    s = s.astype(str)
    # the regular expressions only run on the few cells whose first character could matter
    maybe = s.str.slice(0, 1).isin(("=", "+", "-", "@", "\t", "\r", "'")).to_numpy()
    if not maybe.any():
        return s
    sub = s[maybe]
    risky = sub.str.match(r"^'*[=+\-@\t\r]") & ~sub.str.match(_NUMBER_RE)
    if risky.any():
        s = s.copy()
        s[sub.index[risky.to_numpy()]] = "'" + sub[risky]
    return s


def _unneutralise(s: pd.Series) -> pd.Series:
    marked = s.str.match(r"^'+[=+\-@\t\r]")
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


def _as_kind(s: pd.Series, kind: str) -> pd.Series:
    if kind == "str":
        s = s.astype(object)
        missing = s.isna()
        if missing.any():
            s = s.where(~missing, "")
        # a column that already holds text keeps its string objects (no copy of every cell)
        if pd.api.types.infer_dtype(s, skipna=False) in ("string", "empty"):
            return s
        return s.map(lambda v: v if isinstance(v, str) else str(v)).astype(object)
    if kind == "int64":
        return pd.to_numeric(s, errors="raise").fillna(0).astype("int64") if len(s) else s.astype("int64")
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


def _csv_frame(df: pd.DataFrame, schema: dict[str, str] | None) -> pd.DataFrame:
    kinds = dict(schema or {})
    out = {}
    for col in df.columns:
        s = df[col]
        kind = kinds.get(col)
        if col in MONEY_COLUMNS and (kind in ("int64", "Int64") or pd.api.types.is_integer_dtype(s)):
            out[col] = yuan_series(s) if len(s) else pd.Series([], dtype=object)
        elif kind == "datetime" or pd.api.types.is_datetime64_any_dtype(s):
            t = pd.to_datetime(s)
            out[col] = t.dt.strftime(_TIME_FORMAT).where(t.notna(), "")
        elif kind == "float" or pd.api.types.is_float_dtype(s):
            out[col] = s.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        elif kind == "bool" or pd.api.types.is_bool_dtype(s):
            out[col] = s.map(lambda v: "true" if v else "false")
        elif kind in ("int64", "Int64") or pd.api.types.is_integer_dtype(s):
            out[col] = s.astype("Int64").astype(str).replace("<NA>", "")
        else:
            out[col] = neutralise_formulas(s)
    return pd.DataFrame(out, columns=list(df.columns))


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike,
    schema: dict[str, str] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> None:
    """Write ``df`` as an Excel-friendly, formula-safe CSV (see module docstring).

    ``headers`` renames columns in the written file only (for translated copies).
    """
    # in slices, so a million-row table never exists twice over as text
    with atomic_open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\ufeff")
        for start in range(0, max(len(df), 1), CSV_CHUNK_ROWS):
            frame = _csv_frame(df.iloc[start : start + CSV_CHUNK_ROWS], schema)
            if headers:
                frame = frame.rename(columns=headers)
            fh.write(frame.to_csv(index=False, header=start == 0, lineterminator="\r\n"))


def read_csv(path: str | os.PathLike, schema: dict[str, str]) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv` back into the dtypes of ``schema``."""
    raw = pd.read_csv(
        path, dtype=str, keep_default_na=False, encoding="utf-8-sig", na_filter=False
    )
    out = {}
    for col in raw.columns:
        s = _unneutralise(raw[col].astype(object))
        kind = schema.get(col)
        if col in MONEY_COLUMNS and kind in ("int64", "Int64"):
            v = cents_series(s)
            out[col] = v.fillna(0).astype("int64") if kind == "int64" else v
        elif kind == "datetime":
            out[col] = pd.to_datetime(s.replace("", None), format=_TIME_FORMAT).astype(
                "datetime64[ns]"
            )
        elif kind == "float":
            out[col] = pd.to_numeric(s.replace("", np.nan)).astype("float64")
        elif kind == "bool":
            out[col] = s == "true"
        elif kind == "int64":
            out[col] = pd.to_numeric(s).astype("int64")
        elif kind == "Int64":
            out[col] = pd.to_numeric(s.replace("", None)).astype("Int64")
        else:
            out[col] = s.astype(object)
    df = pd.DataFrame(out, columns=list(raw.columns))
    for col, kind in schema.items():
        if col not in df.columns:
            df[col] = empty_frame({col: kind})[col].reindex(range(len(df)))
    return df


def write_parquet(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write ``df`` to Parquet atomically (deterministic: no pandas index, fixed metadata)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    table = table.replace_schema_metadata(None)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


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
