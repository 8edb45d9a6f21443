"""``fundgraph trace`` and ``fundgraph timeline`` on a small case folder written by the test."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from fundgraph.case import Case, finish_case, write_case_data
from fundgraph.cli import group
from fundgraph.results import CaseSummary
from fundgraph.schema import TRANSFERS
from fundgraph.tables import conform, read_csv

ROWS = [
    ("p1", "col", 1_000_000, "2022-01-03 10:00"),
    ("p2", "col", 3_000_000, "2022-01-04 10:00"),
    ("col", "core", 4_000_000, "2022-01-05 10:00"),
    ("core", "p1", 100_000, "2022-02-03 10:00"),
    ("core", "boss", 2_500_000, "2022-02-10 10:00"),
    ("core", "", 400_000, "2022-02-11 10:00"),
]


@pytest.fixture
def case_dir(tmp_path):
    t = pd.DataFrame(ROWS, columns=["src", "dst", "amount", "time"])
    t["time"] = pd.to_datetime(t["time"])
    t["transfer_id"] = range(len(t))
    t["seen"] = "both"
    accounts = pd.DataFrame(
        {
            "account": ["boss", "col", "core", "p1", "p2"],
            "aliases": ["", "6200-COL", "", "", ""],
            "obtained": [False, True, True, False, False],
            "role": ["beneficiary", "collector", "core", "participant", "participant"],
            "level": pd.array([None, 1, 0, 2, 2], dtype="Int64"),
        }
    )
    participants = pd.DataFrame(
        {
            "account": ["p1", "p2"],
            "person": ["p1", "p2"],
            "paid_in": [1_000_000, 3_000_000],
            "received_back": [100_000, 0],
        }
    )
    case = Case(
        transfers=conform(t, TRANSFERS),
        accounts=accounts,
        participants=participants,
        summary=CaseSummary(transfers=len(t)),
    )
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    return d


def run(*args):
    return CliRunner().invoke(group, list(map(str, args)))


def test_trace_forward_writes_csv_and_summary(case_dir):
    r = run("trace", case_dir, "--from", "6200-COL", "--lang", "en")
    assert r.exit_code == 0, r.output
    out = case_dir / "trace-col-fifo.csv"
    assert out.is_file()
    assert "Traced ¥40,000.00 that entered col" in r.output
    assert "boss" in r.output and "¥25,000.00" in r.output
    df = read_csv(out, {"amount": "int64", "hops": "int64"})
    assert int(df["amount"].sum()) == 4_000_000
    assert set(df["end"]) == {"boss", "p1", "", "core"}  # core still holds 100k


def test_trace_backward_chinese_and_output_file(case_dir, tmp_path):
    out = tmp_path / "back.csv"
    r = run(
        "trace", case_dir, "--to", "boss", "--method", "proportional", "--lang", "zh", "-o", out
    )
    assert r.exit_code == 0, r.output
    assert "资金来源" in r.output
    df = read_csv(out, {"amount": "int64"})
    # core got 4M from col (p1 1M, p2 3M); 100k left to p1, so 3.9M at 1:3 when boss
    # got 2.5M: 625k of p1's money and 1.875M of p2's
    assert dict(zip(df["end"], df["amount"], strict=True)) == {"p2": 1_875_000, "p1": 625_000}
    assert set(df["path"]) == {"p1 → col → core → boss", "p2 → col → core → boss"}


def test_trace_errors(case_dir, tmp_path):
    r = run("trace", case_dir, "--from", "nobody")
    assert r.exit_code == 1 and "unknown account" in r.output
    r = run("trace", case_dir)
    assert r.exit_code == 2
    r = run("trace", case_dir, "--from", "col", "--to", "core")
    assert r.exit_code == 2
    r = run("trace", tmp_path / "missing", "--from", "col")
    assert r.exit_code == 1 and "case.json" in r.output
    r = run("trace", case_dir, "--from", "col", "--amount", "abc")
    assert r.exit_code == 2


def test_timeline_command(case_dir):
    r = run("timeline", case_dir, "--lang", "en")
    assert r.exit_code == 0, r.output
    df = read_csv(case_dir / "timeline-month.csv", {"deposits_in": "int64", "returns_out": "int64"})
    assert df["period"].tolist() == ["2022-01", "2022-02"]
    assert df["deposits_in"].tolist() == [4_000_000, 0]
    assert "Collapse: the last return to a participant was paid on 2022-02-03." in r.output
    r = run("timeline", case_dir, "--by", "week", "--lang", "zh")
    assert r.exit_code == 0 and "崩盘" in r.output
    assert (case_dir / "timeline-week.csv").is_file()
