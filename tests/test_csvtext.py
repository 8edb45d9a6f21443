"""The column-at-a-time CSV text against Python's csv module, cell by cell."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundgraph.csvtext import csv_chunks
from fundgraph.money import yuan
from fundgraph.tables import FORMULA_STARTS, MONEY_COLUMNS, arrow_table, neutralise_formulas


def reference(df: pd.DataFrame, schema: dict[str, str], headers=None) -> bytes:
    """What the file must hold: each cell formatted on its own, rows by the csv module."""
    cols = []
    for col in df.columns:
        s = df[col]
        kind = schema.get(col)
        if col in MONEY_COLUMNS and kind in ("int64", "Int64"):
            cells = ["" if pd.isna(v) else yuan(int(v)) for v in s]
        elif kind == "datetime":
            cells = ["" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S") for v in s]
        elif kind == "float":
            cells = ["" if pd.isna(v) else repr(float(v)) for v in s]
        elif kind == "bool":
            cells = ["true" if v else "false" for v in s]
        elif kind in ("int64", "Int64"):
            cells = ["" if pd.isna(v) else str(int(v)) for v in s]
        else:
            cells = list(neutralise_formulas(s))
        cols.append(cells)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([(headers or {}).get(c, c) for c in df.columns])
    w.writerows(zip(*cols, strict=True) if cols else [[] for _ in range(len(df))])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def written(df, schema, headers=None, **kw) -> bytes:
    return b"".join(csv_chunks(df, schema, headers, **kw))


TEXT = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(
            [
                *FORMULA_STARTS,
                "'",
                "`",
                ",",
                '"',
                "\r",
                "\n",
                " ",
                "1",
                "2",
                ".",
                "e",
                "a",
                "张",
                "三",
                "—",
            ]
        ),
        max_size=8,
    ),
)
CENTS = st.integers(min_value=-(10**15), max_value=10**15)
TIMES = st.one_of(
    st.none(),
    st.integers(min_value=-2_000_000_000_000_000_000, max_value=4_000_000_000_000_000_000).map(
        lambda ns: pd.Timestamp(ns)
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            TEXT,
            TEXT,
            CENTS,
            st.one_of(st.none(), CENTS),
            TIMES,
            st.booleans(),
            st.one_of(st.none(), st.floats(allow_nan=False, width=64)),
        ),
        max_size=12,
    ),
    chunk=st.integers(min_value=1, max_value=5),
)
def test_every_cell_is_written_as_the_csv_module_writes_it(rows, chunk):
    schema = {
        "memo": "str",
        "src_name": "str",
        "amount": "int64",
        "balance": "Int64",
        "time": "datetime",
        "obtained": "bool",
        "score": "float",
        "n": "Int64",
    }
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 7
    df = pd.DataFrame(
        {
            "memo": pd.Series(cols[0], dtype=object),
            "src_name": pd.Series(cols[1], dtype=object),
            "amount": pd.Series(cols[2], dtype="int64"),
            "balance": pd.Series(cols[3], dtype="Int64"),
            "time": pd.Series(cols[4], dtype="datetime64[ns]"),
            "obtained": pd.Series(cols[5], dtype=bool),
            "score": pd.Series(cols[6], dtype="float64"),
            "n": pd.Series(cols[3], dtype="Int64"),
        }
    )
    expected = reference(df, schema)
    assert written(df, schema, chunk_rows=chunk) == expected
    assert written(df, schema, table=arrow_table(df), chunk_rows=chunk) == expected


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame({"a": ["", "x", None, ""]}),  # the only field, empty: ""
        pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype="int64")}),
        pd.DataFrame({'we,ird "name"': ["1"], "": [""]}),
    ],
)
def test_edge_shapes(df):
    assert written(df, {}) == reference(df, {})


def test_a_table_without_columns_is_blank_lines():
    assert written(pd.DataFrame(index=range(2)), {}) == "\ufeff\r\n\r\n\r\n".encode()


def test_translated_headers_and_mixed_text():
    df = pd.DataFrame({"src": ["=x", 12, 1.5, None, True], "amount": [1, 2, 3, 4, -100]})
    headers = {"src": "转出账号", "amount": "金额(元)"}
    assert written(df, {"src": "str"}, headers) == reference(
        df, {"src": "str", "amount": "int64"}, headers
    )


def test_times_outside_four_digit_years_and_with_zones_are_written_as_pandas_writes_them():
    odd = pd.Series(
        pd.to_datetime(["0099-03-04 05:06:07", "2022-01-01 00:00:00"], format="ISO8601")
    )
    zoned = pd.Series(pd.to_datetime(["2022-01-01 08:00:00+08:00", None], format="ISO8601"))
    pre_epoch = pd.Series([pd.Timestamp("1969-12-31 23:59:59.75"), pd.Timestamp("1970-01-01")])
    for s in (odd, zoned, pre_epoch):
        df = pd.DataFrame({"time": s, "n": [1, 2]})
        text = s.dt.strftime("%Y-%m-%d %H:%M:%S").where(s.notna(), "")
        lines = written(df, {"time": "datetime"}).decode("utf-8-sig").split("\r\n")[1:-1]
        assert lines == [f"{t},{i}" for t, i in zip(text, (1, 2), strict=True)]


def test_a_hundred_thousand_formula_cells_keep_their_order():
    n = 100_003
    memo = np.where(np.arange(n) % 7 == 0, "=SUM(A1)", "ok").astype(object)
    df = pd.DataFrame({"memo": memo, "amount": np.arange(n, dtype=np.int64)})
    lines = written(df, {"memo": "str", "amount": "int64"}).decode("utf-8-sig").split("\r\n")
    assert (
        lines[1] == "'=SUM(A1),0.00" and lines[2] == "ok,0.01" and lines[n] == "'=SUM(A1),1000.02"
    )
    assert sum(x.startswith("'=") for x in lines) == len(range(0, n, 7))
