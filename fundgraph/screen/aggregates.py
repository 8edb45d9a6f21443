"""Mergeable per-account and per-pair aggregates of statement rows.

Every table here is keyed by a few columns and holds only values whose merge is exact and
independent of order: counts and cent sums add, first/last times take the minimum and
maximum, names take the largest non-empty spelling. Two sets of aggregates of disjoint
rows therefore merge into exactly the aggregates of all the rows, which is what makes a
day-by-day run equal a full run, and lets partitions be aggregated anywhere.

A statement row is one account's side of one transaction. It becomes a directed pair
``src -> dst`` *seen by* one side: ``seen = "src"`` for the sender's own statement (an
``out`` row), ``"dst"`` for the receiver's (an ``in`` row). A transfer between two
accounts whose statements are both in the feed is seen twice; the ranking takes each
account's money from its own statement where the feed holds one, and from the other side
only otherwise (see :func:`fundgraph.screen.rank.authoritative_pairs`), so no transfer is
counted twice and no mirror matching across partitions is needed.

Tables
------
``accounts``  (``account``) rows of its own statement, holder name and id, first/last time.
``pairs``     (``src, dst, seen``) transfers, cents, first/last time, largest single sum,
              names and ids of both ends.
``amounts``   (``src, dst, seen, amount``) how many transfers of exactly that sum.
``months``    (``src, dst, seen, month``) transfers and cents per calendar month.
``hours``     (``account, view, hour``) money in and out per clock hour, ``view`` ``own``
              (from its statement) or ``cp`` (from its counterparties' statements).
``aliases``   (``alias, card``) numbers printed beside a card number on the same row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema as S

__all__ = [
    "ROW_COLUMNS",
    "TABLES",
    "aggregate_rows",
    "distinct_rows",
    "empty_aggregates",
    "merge_aggregates",
    "canonical",
    "group_agg",
]

#: Transaction columns the screen reads (a subset of :data:`fundgraph.schema.TRANSACTIONS`).
ROW_COLUMNS = {
    c: S.TRANSACTIONS[c]
    for c in (
        "source_file",
        "source_sheet",
        "account",
        "holder_name",
        "holder_id",
        "time",
        "direction",
        "amount",
        "counterparty",
        "counterparty_name",
        "counterparty_id",
        "reference",
        "currency",
        "memo",
        "channel",
    )
}

#: table -> (key columns, {value column: merge op}); ops: sum, min, max.
TABLES: dict[str, tuple[list[str], dict[str, str]]] = {
    "accounts": (
        ["account"],
        {
            "rows": "sum",
            "holder_name": "max",
            "holder_id": "max",
            "first_time": "min",
            "last_time": "max",
        },
    ),
    "pairs": (
        ["src", "dst", "seen"],
        {
            "n": "sum",
            "amount": "sum",
            "max_amount": "max",
            "first_time": "min",
            "last_time": "max",
            "src_name": "max",
            "src_id": "max",
            "dst_name": "max",
            "dst_id": "max",
        },
    ),
    "amounts": (["src", "dst", "seen", "amount"], {"n": "sum"}),
    "months": (["src", "dst", "seen", "month"], {"n": "sum", "amount": "sum"}),
    "hours": (
        ["account", "view", "hour"],
        {"in_amount": "sum", "out_amount": "sum", "in_n": "sum", "out_n": "sum"},
    ),
    "aliases": (["alias", "card"], {}),
}

_KINDS = {
    "account": "str",
    "src": "str",
    "dst": "str",
    "seen": "str",
    "view": "str",
    "month": "str",
    "alias": "str",
    "card": "str",
    "holder_name": "str",
    "holder_id": "str",
    "src_name": "str",
    "src_id": "str",
    "dst_name": "str",
    "dst_id": "str",
    "first_time": "datetime",
    "last_time": "datetime",
    "hour": "datetime",
}

#: Currencies summed as yuan; rows in any other currency are counted and left out.
YUAN_CURRENCIES = frozenset({"", "CNY", "RMB", "人民币", "156", "元", "CNY人民币"})


def _column(df: pd.DataFrame, col: str, kind: str) -> pd.Series:
    if col not in df:
        if kind == "datetime":
            return pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        if kind in ("int64",):
            return pd.Series(0, index=df.index, dtype="int64")
        return pd.Series("", index=df.index, dtype=object)
    s = df[col]
    if kind == "str":
        s = s.astype(object)
        if s.isna().any():
            s = s.where(s.notna(), "")
        if pd.api.types.infer_dtype(s, skipna=False) in ("string", "empty"):
            return s
        return s.map(lambda v: v if isinstance(v, str) else str(v))
    if kind == "datetime":
        return pd.to_datetime(s).astype("datetime64[ns]")
    return s.astype("int64")


def canonical(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with exactly the columns of table ``name`` in fixed dtypes, sorted by its key."""
    keys, values = TABLES[name]
    cols = {}
    for c in keys + list(values):
        kind = _KINDS.get(c, "int64")
        cols[c] = _column(df, c, kind)
    out = pd.DataFrame(cols, index=df.index)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def empty_aggregates() -> dict[str, pd.DataFrame]:
    """Aggregates of no rows."""
    return {name: canonical(name, pd.DataFrame()) for name in TABLES}


def group_agg(df: pd.DataFrame, keys: list[str], spec: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """``df.groupby(keys).agg(**spec)`` with the index reset, where the largest of a text
    column is found through sorted integer codes (pandas falls back to a Python loop per
    group for ``max`` of strings)."""
    work = {}
    decode = {}
    for out, (col, op) in spec.items():
        s = df[col]
        if op in ("max", "min") and s.dtype == object:
            codes, uniques = pd.factorize(s.where(s.notna(), ""), sort=True)
            work[out] = (f"__{out}", op)
            df = df.assign(**{f"__{out}": codes})
            decode[out] = np.asarray(uniques, dtype=object)
        else:
            work[out] = (col, op)
    g = df.groupby(keys, sort=False, dropna=False).agg(**work).reset_index()
    for out, uniques in decode.items():
        g[out] = uniques[g[out].to_numpy()] if len(uniques) else ""
    return g


def _group(name: str, df: pd.DataFrame) -> pd.DataFrame:
    keys, values = TABLES[name]
    if df.empty:
        return canonical(name, df)
    if not values:
        return canonical(name, df[keys].drop_duplicates())
    g = group_agg(df, keys, {c: (c, op) for c, op in values.items()})
    return canonical(name, g)


def merge_aggregates(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Merge aggregates of disjoint sets of rows (exact; the order of ``parts`` is irrelevant).

    Examples
    --------
    >>> a = {"accounts": pd.DataFrame({"account": ["A"], "rows": [2], "holder_name": [""]})}
    >>> b = {"accounts": pd.DataFrame({"account": ["A"], "rows": [3], "holder_name": ["张三"]})}
    >>> m = merge_aggregates(a, b)["accounts"]
    >>> m[["account", "rows", "holder_name"]].values.tolist()
    [['A', 5, '张三']]
    """
    out = {}
    for name in TABLES:
        frames = [canonical(name, p[name]) for p in parts if name in p and len(p[name])]
        if not frames:
            out[name] = canonical(name, pd.DataFrame())
        elif len(frames) == 1:
            out[name] = frames[0]
        else:
            out[name] = _group(name, pd.concat(frames, ignore_index=True))
    return out


def distinct_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that stand for distinct transactions, with their multiplicity ``weight``.

    Within one statement (file and sheet) a row repeated with the same reference is one
    transaction (the rule of :func:`fundgraph.ingest.dedupe.find_duplicate_rows`); rows
    without a reference repeated in one statement stay as many (two equal payments in one
    second can be real). The same rows in several files (a statement delivered twice) count
    as often as the file that holds them most often.

    ``rows`` must hold every row of each of its own accounts (the caller partitions by
    ``account``).
    """
    key = ["account", "direction", "counterparty", "amount", "time", "reference"]
    if rows.empty:
        out = rows.reindex(columns=key)
        out["weight"] = pd.Series(dtype="int64")
        return out
    per_file = rows.groupby(key + ["source_file", "source_sheet"], sort=False, dropna=False).size()
    per_file = per_file.rename("weight").reset_index()
    per_file.loc[per_file["reference"] != "", "weight"] = 1
    out = per_file.groupby(key, sort=False, dropna=False)["weight"].max().reset_index()
    out["weight"] = out["weight"].astype("int64")
    return out


def aggregate_rows(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Aggregates of canonical statement rows (:data:`ROW_COLUMNS`).

    ``rows`` must hold every row of each of its own accounts (rows of one account never
    split between two calls), so that repeated rows are recognised; the aggregates of
    calls over disjoint sets of accounts merge with :func:`merge_aggregates`.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "source_file": ["a.csv"] * 3, "source_sheet": "", "account": "B",
    ...     "holder_name": "乙", "holder_id": "", "direction": ["in", "in", "out"],
    ...     "time": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:00", "2024-01-01 11:00"]),
    ...     "amount": [100, 100, 150], "counterparty": ["P", "P", "C"],
    ...     "counterparty_name": ["张三", "张三", "丙"], "counterparty_id": "",
    ...     "reference": ["r1", "r1", "r2"], "currency": ""})
    >>> agg = aggregate_rows(rows)
    >>> agg["pairs"][["src", "dst", "seen", "n", "amount"]].values.tolist()
    [['B', 'C', 'src', 1, 150], ['P', 'B', 'dst', 1, 100]]
    """
    from .coded import aggregate_coded, decode

    out = decode(aggregate_coded(rows))
    out["aliases"] = canonical("aliases", pd.DataFrame())
    return out
