"""Finding and reading feed files; where tasks run; the state folder's guards."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph.errors import FundgraphError
from fundgraph.screen import SCHEDULER_ENV, aggregate_feed, dask_scheduler, find_feed, screen
from fundgraph.screen.aggregates import distinct_rows


def test_find_feed_exports_and_parquet(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("h\n1\n", encoding="utf-8")
    pd.DataFrame({"account": ["A"]}).to_parquet(tmp_path / "a" / "y.parquet")
    (tmp_path / "a" / "notes.md").write_text("skip me", encoding="utf-8")
    files = find_feed([tmp_path / "a"])
    assert [(f.name, f.kind) for f in files] == [("x.csv", "export"), ("y.parquet", "parquet")]
    with pytest.raises(FundgraphError, match="no such file"):
        find_feed([tmp_path / "missing"])


def test_unreadable_and_incomplete_files_are_counted(tmp_path):
    pd.DataFrame({"account": ["A", "B"], "amount": [1, 2]}).to_parquet(tmp_path / "bad.parquet")
    (tmp_path / "junk.csv").write_bytes(b"\x00\x01\x02binary")
    got = aggregate_feed(find_feed([tmp_path]), scheduler="synchronous")
    files = got.files.set_index("source_file")
    assert files.at["bad.parquet", "rows_rejected"] == 2
    assert files.at["bad.parquet", "problem"].startswith("missing columns: ")
    assert files.at["junk.csv", "problem"] != ""
    assert got.aggregates["pairs"].empty


def test_scheduler_from_environment(monkeypatch):
    monkeypatch.setenv(SCHEDULER_ENV, "synchronous")
    with dask_scheduler() as sched:
        assert sched == "synchronous"


def test_repeated_rows_rules():
    rows = pd.DataFrame(
        {
            "source_file": ["a.csv", "a.csv", "a.csv", "a.csv", "b.csv", "b.csv"],
            "source_sheet": "",
            "account": "A",
            "direction": "in",
            "counterparty": "P",
            "amount": 100,
            "time": pd.Timestamp("2024-01-01 10:00"),
            # r1 twice in a.csv: one row; no reference twice in a.csv: two payments;
            # b.csv repeats a.csv (delivered twice): nothing more
            "reference": ["r1", "r1", "", "", "r1", ""],
        }
    )
    d = distinct_rows(rows).sort_values("reference")
    assert d[["reference", "weight"]].values.tolist() == [["", 2], ["r1", 1]]


def test_interrupted_state_is_refused(tmp_path, feed):
    state = tmp_path / "state"
    screen([feed / "2024-01"], tmp_path / "out", state_dir=state, scheduler="synchronous")
    (state / "state.json").unlink()
    with pytest.raises(FundgraphError, match="incomplete state"):
        screen([feed / "2024-02"], tmp_path / "out", state_dir=state, scheduler="synchronous")
