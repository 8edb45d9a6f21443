"""Aliases, mirrors, repeated rows and exports read twice; the running-balance check."""

from __future__ import annotations

import pandas as pd

from fundgraph.ingest import build_transfers
from tests.ingest.ingest_helpers import ingest, write_text_export

H = ["交易卡号", "交易时间", "交易金额", "收付标志", "对手账号", "交易流水号"]


def test_card_and_account_number_aliases(tmp_path):
    # A's statement shows its card and its account number
    a = write_text_export(
        tmp_path / "a.csv",
        ["交易卡号", "交易账号", "交易时间", "交易金额", "收付标志", "对手账号"],
        [["6222000000000001", "A-ACC-1", "2022-03-05 10:00:00", "100", "进", "6217000000000002"]],
    )
    # B's statement names A by its account number only
    b = write_text_export(
        tmp_path / "b.csv",
        ["卡号", "交易时间", "交易金额", "收付标志", "对方账号"],
        [["6217000000000002", "2022-03-05 10:00:30", "100", "出", "A-ACC-1"]],
    )
    ing = ingest(a, b)
    assert ing.aliases == {"A-ACC-1": "6222000000000001"}
    assert set(ing.transactions["counterparty"]) == {"6217000000000002", "6222000000000001"}
    tr = build_transfers(ing.transactions)
    assert tr[["src", "dst", "amount", "seen"]].values.tolist() == [
        ["6217000000000002", "6222000000000001", 10000, "both"]
    ]


def test_mirror_rows_90_seconds_apart_are_one_transfer(tmp_path):
    a = write_text_export(
        tmp_path / "a.csv", H, [["A", "2022-03-05 10:00:00", "5,000.00", "出", "B", "r-a-1"]]
    )
    b = write_text_export(
        tmp_path / "b.csv", H, [["B", "2022-03-05 10:01:30", "5000", "进", "A", "r-b-9"]]
    )
    tr = build_transfers(ingest(a, b).transactions)
    assert len(tr) == 1
    row = tr.iloc[0]
    assert (row["src"], row["dst"], row["amount"], row["seen"]) == ("A", "B", 500000, "both")
    assert row["sources"] == "a.csv:2;b.csv:2"
    assert row["time"] == pd.Timestamp("2022-03-05 10:00:00")  # the sender's clock


def test_two_genuine_equal_payments_stay_two(tmp_path):
    rows = [
        ["A", "2022-03-05 10:00:00", "100", "出", "B", "r1"],
        ["A", "2022-03-05 15:00:00", "100", "出", "B", "r2"],
    ]
    tr = build_transfers(ingest(write_text_export(tmp_path / "a.csv", H, rows)).transactions)
    assert len(tr) == 2 and set(tr["seen"]) == {"src"}


def test_three_rows_against_two_mirrors(tmp_path):
    a = write_text_export(
        tmp_path / "a.csv",
        H,
        [
            ["A", "2022-03-05 10:00:00", "100", "出", "B", "a1"],
            ["A", "2022-03-05 12:00:00", "100", "出", "B", "a2"],
            ["A", "2022-03-05 16:00:00", "100", "出", "B", "a3"],
        ],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        H,
        [
            ["B", "2022-03-05 10:00:40", "100", "进", "A", "b1"],
            ["B", "2022-03-05 15:59:10", "100", "进", "A", "b2"],
        ],
    )
    tr = build_transfers(ingest(a, b).transactions)
    assert sorted(tr["seen"]) == ["both", "both", "src"]
    assert tr.loc[tr["seen"] == "src", "sources"].tolist() == ["a.csv:3"]


def test_same_statement_exported_twice(tmp_path):
    rows = [
        ["A", "2022-03-05 10:00:00", "100", "出", "B", "r1"],
        ["A", "2022-03-06 10:00:00", "250", "进", "C", "r2"],
    ]
    one = write_text_export(tmp_path / "one.csv", H, rows)
    two = write_text_export(tmp_path / "two.txt", H, rows, delimiter="\t", encoding="gbk")
    tr = build_transfers(ingest(one, two).transactions)
    assert len(tr) == 2
    assert tr["sources"].tolist() == ["one.csv:2;two.txt:2", "one.csv:3;two.txt:3"]


def test_duplicate_row_in_one_statement_is_rejected(tmp_path):
    rows = [["A", "2022-03-05 10:00:00", "100", "出", "B", "r1"]] * 2 + [
        ["A", "2022-03-05 10:00:00", "100", "出", "B", ""]
    ] * 2
    ing = ingest(write_text_export(tmp_path / "a.csv", H, rows))
    assert ing.rejects[["source_row", "code"]].values.tolist() == [[3, "duplicate_row"]]
    assert ing.rows_accepted == 3 and ing.rows_rejected == 1
    assert ing.files[["rows_read", "rows_accepted", "rows_rejected"]].values.tolist() == [[4, 3, 1]]


def _balance_rows(rows):
    return [
        ["A", f"2022-03-05 10:00:{i:02d}", amt, d, "B", f"r{i}", bal]
        for i, (amt, d, bal) in enumerate(rows)
    ]


def test_balance_check_finds_a_missing_row(tmp_path):
    header = [*H, "余额"]
    full = [("100", "进", "100"), ("30", "出", "70"), ("5", "进", "75"), ("10", "出", "65")]
    missing = full[:2] + full[3:]  # the 5 in is gone
    ok = ingest(write_text_export(tmp_path / "ok.csv", header, _balance_rows(full)))
    assert ok.warnings.empty
    ing = ingest(write_text_export(tmp_path / "gap.csv", header, _balance_rows(missing)))
    w = ing.warnings
    assert w[["code", "source_row"]].values.tolist() == [["balance_break", 4]]
    assert "difference 5.00" in w["detail"][0]


def test_balance_check_finds_an_inserted_row(tmp_path):
    header = [*H, "余额"]
    rows = [("100", "进", "100"), ("30", "出", "70"), ("999", "进", "70"), ("5", "进", "75")]
    ing = ingest(write_text_export(tmp_path / "ins.csv", header, _balance_rows(rows)))
    assert ing.warnings["source_row"].tolist() == [4]


def test_balance_check_newest_first(tmp_path):
    header = [*H, "余额"]
    rows = [("5", "进", "75"), ("30", "出", "70"), ("100", "进", "100")]
    ing = ingest(write_text_export(tmp_path / "rev.csv", header, _balance_rows(rows)))
    assert ing.warnings.empty
