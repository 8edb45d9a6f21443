"""Statements whose headers spell the same fields with other words are normalised as one
table; every row still reads as it would in its own file."""

from __future__ import annotations

from fundgraph.ingest import _merge_by_layout, _read_chunk, _shape_key, read_export
from tests.ingest.ingest_helpers import write_text_export

HA = ["本方账号", "交易时间", "交易金额", "借贷标志", "对方账号", "摘要", "备用"]
HB = ["查询账号", "发生时间", "发生额", "收支方向", "对手账号", "附言", "备用"]


def _pair(tmp_path):
    a = write_text_export(
        tmp_path / "a.csv",
        HA,
        [
            ["A", "2022-03-05 10:00:00", "100.00", "出", "B", "房租", "x1"],
            HA,  # its own header again (a page break): rejected
            ["A", "2022-03-06 11:00:00", "1.234,50", "进", "C", "工资", ""],
        ],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        HB,
        [
            ["B", "2022-03-05 10:00:20", "100", "进", "A", "房租", ""],
            HB,
            ["B", "2022-03-07 09:30:00", "12,000.00", "出", "D", "货款", "y"],
        ],
    )
    return a, b


def _rows(res, name):
    t = res["accepted"]
    t = t[t["source_file"] == name].drop(columns=["source_file"]).reset_index(drop=True)
    r = res["rejected"]
    r = r[r["source_file"] == name].drop(columns=["source_file"]).reset_index(drop=True)
    return t, r


def test_headers_of_other_words_are_one_table(tmp_path):
    a, b = _pair(tmp_path)
    (ta,), _ = read_export(a, "a.csv")
    (tb,), _ = read_export(b, "b.csv")
    assert ta.header != tb.header
    assert _shape_key(ta) == _shape_key(tb)
    merged = _merge_by_layout([ta, tb])
    assert len(merged) == 1
    assert merged[0][0].headers == [ta.header, tb.header]


def test_rows_read_as_in_their_own_file(tmp_path):
    a, b = _pair(tmp_path)
    # one worker's share holding both files: their tables are normalised as one
    both = _read_chunk([(str(a), "a.csv"), (str(b), "b.csv")])
    for path in (a, b):
        alone = _read_chunk([(str(path), path.name)])
        t1, r1 = _rows(both, path.name)
        t2, r2 = _rows(alone, path.name)
        assert t1.equals(t2)
        assert r1.equals(r2)
    codes = both["rejected"].set_index("source_file")["code"].to_dict()
    assert codes == {"a.csv": "repeated_header", "b.csv": "repeated_header"}
    # the decimal comma of a.csv is read as such: b.csv's thousands commas are another file
    amounts = both["accepted"].set_index(["source_file", "source_row"])["amount"].to_dict()
    assert amounts[("a.csv", 4)] == 123450
    assert amounts[("b.csv", 4)] == 1200000
