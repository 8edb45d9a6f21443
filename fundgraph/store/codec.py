"""Table values in and out of the graph: columns to property maps (money as exact cents
and float yuan, times as ISO text for ``localdatetime``), pulled records back to tables in
their dtypes, small tables as exact JSON text."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from .. import schema as S
from ..errors import StoreError
from ..tables import MONEY_COLUMNS

# Property names that the model itself uses; a table column may not take them.
_RESERVED = frozenset(
    {"case", "account", "account_row", "participant", "participant_row", "transfer_id"}
)
_PROPERTY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.Int64Dtype) or str(dtype) == "Int64":
        return "Int64"
    if pd.api.types.is_integer_dtype(dtype):
        return "int64"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "str"


def _column_values(series: pd.Series, kind: str) -> list[Any]:
    """Python values for the driver; None where the property is to be absent."""
    if kind == "str":
        return [
            "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in series.tolist()
        ]
    if kind == "bool":
        return [bool(v) for v in series.tolist()]
    if kind == "int64":
        return [int(v) for v in series.to_numpy(dtype="int64")]
    if kind == "Int64":
        return [None if v is pd.NA else int(v) for v in series.astype("Int64").tolist()]
    if kind == "float":
        return [None if v != v else float(v) for v in series.astype("float64").tolist()]
    if kind == "datetime":
        values = series.astype("datetime64[ns]")
        out: list[Any] = [None] * len(values)
        mask = values.notna().to_numpy()
        if mask.any():
            py = values[mask].dt.floor("us").map(lambda t: t.to_pydatetime()).tolist()
            for i, v in zip(np.flatnonzero(mask), py, strict=True):
                out[i] = v
        return out
    raise ValueError(kind)


def _is_money(column: str, kind: str) -> bool:
    return column in MONEY_COLUMNS and kind in ("int64", "Int64")


#: The tables pushed row by row, with the schema whose columns become named properties.
_SCHEMAS = {"accounts": S.ACCOUNTS, "participants": S.PARTICIPANTS, "transfers": S.TRANSFERS}


def _layout(
    df: pd.DataFrame, table: str, taken: set[str], key: str, prefix: str = ""
) -> list[list[str]]:
    """``[[column, kind, property], ...]`` for ``df``; checks every property name."""
    layout = []
    for col in df.columns:
        col = str(col)
        kind = _kind(df[col])
        prop = f"{prefix}{col}" if col in taken else col
        names = [prop, f"{prop}_cents"] if _is_money(col, kind) else [prop]
        for name in names:
            if col == key:
                continue
            if not _PROPERTY_RE.match(name) or name in _RESERVED:
                raise StoreError(
                    f"column {col!r} of the {table} table cannot be stored as a Neo4j property"
                )
        layout.append([col, kind, prop])
    return layout


def _known(table: str, col: str, prop: str) -> bool:
    """Whether ``col`` is a schema column (its property name may appear in Cypher text)."""
    return (
        col in _SCHEMAS[table]
        and prop in (col, f"participant_{col}")
        and _PROPERTY_RE.match(prop) is not None
    )


@dataclass
class _Rows:
    """One table ready to send: its statement and one parameter map per row."""

    statement: str
    rows: list[dict[str, Any]]
    fresh_statement: str | None = None

    def __len__(self) -> int:
        return len(self.rows)


def _rows(
    df: pd.DataFrame,
    table: str,
    layout: list[list[str]],
    templates: tuple[str, str | None],
    var: str,
    keys: dict[str, list[Any]],
    skip: set[str],
    fixed: dict[str, list[Any]],
) -> _Rows:
    """Row maps for ``df`` and its statements, ``{times}`` filled from the schema columns."""
    props = _property_rows(df, [tuple(x) for x in layout if x[0] not in skip])
    times = []
    time_values: dict[str, list[Any]] = {}
    for col, kind, prop in layout:
        if col in skip or kind != "datetime" or not _known(table, col, prop):
            continue
        values = [None if v is None else v.isoformat() for v in _column_values(df[col], kind)]
        time_values[prop] = values
        times.append(f", {var}.{prop} = localdatetime(r.{prop})")
        for row in props:
            row.pop(prop, None)
    rows = []
    for i, p in enumerate(props):
        for k, v in fixed.items():
            p[k] = v[i]
        row = {k: v[i] for k, v in keys.items()}
        row["props"] = {k: v for k, v in p.items() if v is not None}
        for prop, values in time_values.items():
            row[prop] = values[i]
        rows.append(row)
    text = "".join(times)
    statement, fresh = templates
    return _Rows(
        statement.replace("{times}", text), rows, fresh.replace("{times}", text) if fresh else None
    )


def _property_rows(df: pd.DataFrame, layout: list[tuple[str, ...]]) -> list[dict[str, Any]]:
    """One property map per row: money as cents and float yuan, missing values as None."""
    rows: list[dict[str, Any]] = [{} for _ in range(len(df))]
    for col, kind, prop in layout:
        values = _column_values(df[col], kind)
        if _is_money(col, kind):
            for row, v in zip(rows, values, strict=True):
                row[f"{prop}_cents"] = v
                row[prop] = None if v is None else v / 100
        else:
            for row, v in zip(rows, values, strict=True):
                row[prop] = v
    return rows


def _to_python_time(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "to_native"):
        v = v.to_native()
    if isinstance(v, datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    return v


def _pull_fields(table: str, layout: list[list[str]], var: str, skip: set[str]) -> tuple[str, bool]:
    """RETURN items for the schema columns of ``layout``; whether a property map is needed."""
    fields = []
    needs_map = False
    for j, (col, kind, prop) in enumerate(layout):
        if col in skip:
            continue
        if not _known(table, col, prop):
            needs_map = True
            continue
        name = f"{prop}_cents" if _is_money(col, kind) else prop
        fields.append(f", {var}.{name} AS f{j}")
    if needs_map:
        fields.append(f", properties({var}) AS props_")
    return "".join(fields), needs_map


def _frame_from_records(
    table: str,
    records: list[dict[str, Any]],
    layout: list[list[str]],
    given: dict[str, list[Any]],
) -> pd.DataFrame:
    """Rebuild a table from the records of a pull query in the dtypes of ``layout``."""
    data: dict[str, pd.Series] = {}
    n = len(records)
    for j, (col, kind, prop) in enumerate(layout):
        if col in given:
            raw = given[col]
        elif _known(table, col, prop):
            raw = [r[f"f{j}"] for r in records]
        else:
            name = f"{prop}_cents" if _is_money(col, kind) else prop
            raw = [r["props_"].get(name) for r in records]
        data[col] = _series(raw, kind, n)
    return pd.DataFrame(data, columns=[c for c, _, _ in layout])


def _series(raw: list[Any], kind: str, n: int) -> pd.Series:
    if kind == "str":
        return pd.Series(["" if v is None else str(v) for v in raw], dtype=object)
    if kind == "bool":
        return pd.Series([bool(v) for v in raw], dtype=bool)
    if kind == "int64":
        return pd.Series([0 if v is None else int(v) for v in raw], dtype="int64")
    if kind == "Int64":
        return pd.Series([pd.NA if v is None else int(v) for v in raw], dtype="Int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in raw], dtype="float64")
    if kind == "datetime":
        values = [_to_python_time(v) for v in raw]
        return (
            pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
            if n
            else pd.Series([], dtype="datetime64[ns]")
        )
    raise ValueError(kind)


def _table_json(df: pd.DataFrame | None) -> str:
    """A whole (small) table as exact JSON text: columns, kinds and values."""
    if df is None:
        return "null"
    layout = [[str(c), _kind(df[c])] for c in df.columns]
    columns = []
    for col, kind in layout:
        values = _column_values(df[col], kind)
        if kind == "datetime":
            values = [None if v is None else v.isoformat() for v in values]
        elif kind == "float":
            values = [None if v is None else repr(v) for v in values]
        columns.append(values)
    return json.dumps({"layout": layout, "columns": columns}, ensure_ascii=False)


def _table_from_json(text: str | None, schema: dict[str, str] | None) -> pd.DataFrame | None:
    if not text or text == "null":
        return None
    obj = json.loads(text)
    data = {}
    for (col, kind), values in zip(obj["layout"], obj["columns"], strict=True):
        if kind == "datetime":
            values = [None if v is None else datetime.fromisoformat(v) for v in values]
        elif kind == "float":
            values = [None if v is None else float(v) for v in values]
        data[col] = _series(values, kind, len(values))
    return pd.DataFrame(data, columns=[c for c, _ in obj["layout"]])


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (bool, int, float, str)):
        return v
    return None


def _loads_exact(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)
