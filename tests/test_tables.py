"""Case tables on disk: formula-safe CSV that reads back exactly, atomic writes."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundgraph import case as case_module
from fundgraph import csvtext, tables
from fundgraph import schema as S
from fundgraph.case import Case, finish_case, load_case, write_case_data
from fundgraph.results import CaseSummary
from fundgraph.tables import atomic_write_bytes, atomic_write_text, read_csv, write_csv

SCHEMA = {
    "holder_name": "str",
    "memo": "str",
    "amount": "int64",
    "balance": "Int64",
    "time": "datetime",
}


def _frame(names, memos, amounts):
    n = len(names)
    return pd.DataFrame(
        {
            "holder_name": pd.Series(names, dtype=object),
            "memo": pd.Series(memos, dtype=object),
            "amount": pd.Series(amounts, dtype="int64"),
            "balance": pd.array(
                [None if i % 2 else a for i, a in enumerate(amounts)], dtype="Int64"
            ),
            "time": pd.Series(
                pd.date_range("2022-01-01 00:00:01", periods=n, freq="37s"), dtype="datetime64[ns]"
            ),
        }
    )


def test_formulas_neutralised_numbers_kept(tmp_path):
    df = _frame(
        ['=HYPERLINK("http://x","y")', "+86 138", "-12.50", "@SUM(A1)", "张三", "-", "\t=1+1"],
        ["=1+1", "-12.50", "+5", "1e5", "'=A1", "普通", "-x"],
        [-1250, 1250, 0, 1, -1, 5, 7],
    )
    p = tmp_path / "t.csv"
    write_csv(df, p, SCHEMA)
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert rows["holder_name"].tolist() == [
        '\'=HYPERLINK("http://x","y")',
        "'+86 138",
        "-12.50",
        "'@SUM(A1)",
        "张三",
        "'-",
        "'\t=1+1",
    ]
    assert rows["memo"].tolist() == ["'=1+1", "-12.50", "+5", "1e5", "''=A1", "普通", "'-x"]
    assert rows["amount"].tolist() == ["-12.50", "12.50", "0.00", "0.01", "-0.01", "0.05", "0.07"]
    assert "\r\n" in text
    back = read_csv(p, SCHEMA)
    pd.testing.assert_frame_equal(back[list(SCHEMA)], df, check_dtype=False)
    assert back["amount"].dtype == "int64"


cell_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
) | st.sampled_from(
    ["=1+1", "+1", "-1", "@a", "'=x", "''-y", "-12.50", "\t=x", "", " ", "'", "\r\n", '"']
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(cell_text, cell_text, st.integers(-(10**15), 10**15)), min_size=1, max_size=20
    )
)
def test_csv_round_trip(rows):
    import tempfile

    names, memos, amounts = zip(*rows, strict=True)
    df = _frame(list(names), list(memos), list(amounts))
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "t.csv")
        write_csv(df, p, SCHEMA)
        back = read_csv(p, SCHEMA)
    assert back["holder_name"].tolist() == list(names)
    assert back["memo"].tolist() == list(memos)
    assert back["amount"].tolist() == list(amounts)
    assert back["balance"].astype(object).where(back["balance"].notna(), None).tolist() == [
        None if i % 2 else a for i, a in enumerate(amounts)
    ]
    assert back["time"].tolist() == df["time"].tolist()


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    p = tmp_path / "x.txt"
    atomic_write_text(p, "old")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tables.os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_bytes(p, b"new" * 1000)
    assert p.read_text() == "old"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["x.txt"]


def _small_case():
    c = Case(lang="en")
    c.transfers = tables.conform(
        pd.DataFrame(
            {"src": ["=A"], "dst": ["B"], "amount": [100], "time": [pd.Timestamp("2022-01-01")]}
        ),
        S.TRANSFERS,
    )
    c.summary = CaseSummary(rows_read=1)
    return c


def test_interrupted_case_write_leaves_no_case_json_and_no_part_files(tmp_path, monkeypatch):
    out = tmp_path / "case"
    c = _small_case()
    write_case_data(c, out)
    finish_case(c, out)
    assert (out / "case.json").is_file()
    assert load_case(out).transfers["src"].tolist() == ["=A"]

    calls = {"n": 0}
    real = csvtext._lines

    def failing(cols, rows):
        calls["n"] += 1
        if calls["n"] == 5:  # the third file, half written: half the folder is new, half old
            raise KeyboardInterrupt
        return real(cols, rows)

    monkeypatch.setattr(csvtext, "_lines", failing)
    with pytest.raises(KeyboardInterrupt):
        write_case_data(c, out)
    assert not (out / "case.json").exists()
    assert not list(out.rglob("*.part"))
    with pytest.raises(Exception, match="case.json"):
        load_case(out)


def test_interrupted_parquet_write_leaves_no_part_files(tmp_path, monkeypatch):
    out = tmp_path / "case"
    c = _small_case()
    write_case_data(c, out)
    finish_case(c, out)

    import pyarrow.parquet as pq

    def broken(table, where, **kw):
        with open(where, "wb") as fh:
            fh.write(b"PAR1 half")
        raise OSError(5, "I/O error")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        write_case_data(c, out)
    assert not (out / "case.json").exists()
    assert not list(out.rglob("*.part"))
    assert case_module.CASE_FILES  # the csv files before it were written whole
    assert (out / "transfers.csv").read_bytes().startswith(b"\xef\xbb\xbf")
