"""The value formats of docs/input.md: amounts, times, padding and placeholders."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph.ingest.normalise import clean_cells, parse_cents, parse_times


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12000", 1200000),
        ("12,000.00", 1200000),
        ("¥12,000.00", 1200000),
        ("￥12,000.00", 1200000),
        ("12000.00元", 1200000),
        ("-12,000.00", -1200000),
        ("12,000.5", 1200050),
        ("0.01", 1),
        ("(12.00)", -1200),
        ("12.00-", -1200),
        ("RMB 1,234.56", 123456),
        ("12000.000", 1200000),
    ],
)
def test_amount_formats(text, cents):
    c, present, ok = parse_cents(pd.Series([text]))
    assert bool(present[0]) and bool(ok[0])
    assert int(c[0]) == cents


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12.345", "--5", "1e5", "¥", "12,000.00.00"])
def test_bad_amounts(text):
    c, present, ok = parse_cents(pd.Series([text]))
    assert not bool(ok[0])
    assert pd.isna(c[0])


def test_empty_amount_is_absent_not_bad():
    c, present, ok = parse_cents(pd.Series([""]))
    assert not bool(present[0]) and not bool(ok[0])


@pytest.mark.parametrize(
    "text",
    [
        "2022-03-05 14:22:10",
        "2022/3/5 14:22:10",
        "2022-03-05T14:22:10",
        "20220305 142210",
        "2022年03月05日 14:22:10",
        "2022年3月5日14:22:10",
        "20220305142210",
        "2022.03.05 14:22:10",
        "2022-03-05 14:22:10.000",
        "44625.598726851854",  # an Excel serial day number (2022-03-05 14:22:10)
    ],
)
def test_time_formats(text):
    t, present, day_only = parse_times(pd.Series([text]))
    assert t[0] == pd.Timestamp("2022-03-05 14:22:10")
    assert not bool(day_only[0])


@pytest.mark.parametrize("text", ["2022-03-05", "20220305", "2022年03月05日", "2022/3/5", "44625"])
def test_date_only(text):
    t, present, day_only = parse_times(pd.Series([text]))
    assert t[0] == pd.Timestamp("2022-03-05")
    assert bool(day_only[0])


@pytest.mark.parametrize(
    "text",
    ["2022-02-30", "2022-13-01", "2022-03-05 25:61:00", "2022-03-05 23:59:60", "1900-01-01", "abc"],
)
def test_impossible_times(text):
    t, present, _ = parse_times(pd.Series([text]))
    assert pd.isna(t[0]) and bool(present[0])


@pytest.mark.parametrize(
    ("cell", "clean"),
    [
        ("\t6222020200001234\t", "6222020200001234"),
        ("  张三  ", "张三"),
        ("\u3000张三", "张三"),
        ("-------", ""),
        ("——", ""),
        ("NULL", ""),
        ("'6222020200001234", "6222020200001234"),
        ("-12.50", "-12.50"),
    ],
)
def test_padding_and_placeholders(cell, clean):
    assert clean_cells(pd.Series([cell]))[0] == clean
