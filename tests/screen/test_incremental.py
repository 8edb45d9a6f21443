"""A month's feed at a time through --state gives the full run's ranking, byte for byte."""

from __future__ import annotations

import pandas as pd

from fundgraph.screen import TABLES, screen
from fundgraph.screen.state import read_state


def test_month_by_month_equals_full_run(feed, full_run, tmp_path):
    state = tmp_path / "state"
    months = sorted(p for p in feed.iterdir() if p.is_dir())
    assert len(months) >= 5
    for month in months:
        res = screen([month], tmp_path / "out", state_dir=state, scheduler="synchronous", lang="en")
    assert (tmp_path / "out" / "screen.csv").read_bytes() == (
        full_run[1] / "screen.csv"
    ).read_bytes()
    aggs, files = read_state(state)
    for name in TABLES:
        pd.testing.assert_frame_equal(aggs[name], full_run[0].aggregates[name], check_dtype=False)
    assert int(files["rows_read"].sum()) == full_run[0].summary["rows_read"]
    assert res.summary["rows_read"] == full_run[0].summary["rows_read"]

    # the same month again: every file is already in the state, nothing counted twice
    again = screen(
        [months[1]], tmp_path / "again", state_dir=state, scheduler="synchronous", lang="en"
    )
    assert (tmp_path / "again" / "screen.csv").read_bytes() == (
        full_run[1] / "screen.csv"
    ).read_bytes()
    assert again.summary["rows_read"] == full_run[0].summary["rows_read"]


def test_state_of_the_text_format_is_read_and_continued(feed, full_run, tmp_path):
    """A state folder of format 1 (the text tables) is merged into and written back in
    format 2; the ranking is the full run's."""
    from fundgraph.tables import read_json, write_json, write_parquet

    state = tmp_path / "state"
    months = sorted(p for p in feed.iterdir() if p.is_dir())
    for month in months[:3]:
        screen([month], tmp_path / "out", state_dir=state, scheduler="synchronous", lang="en")
    aggs, files = read_state(state)
    for p in state.iterdir():
        p.unlink()
    for name in TABLES:
        write_parquet(aggs[name], state / f"{name}.parquet")
    write_parquet(files, state / "files.parquet")
    write_json({"format": 1}, state / "state.json")
    again, _ = read_state(state)
    for name in TABLES:
        pd.testing.assert_frame_equal(again[name], aggs[name], check_dtype=False)
    for month in months[3:]:
        screen([month], tmp_path / "out", state_dir=state, scheduler="synchronous", lang="en")
    assert read_json(state / "state.json")["format"] == 2
    assert (tmp_path / "out" / "screen.csv").read_bytes() == (
        full_run[1] / "screen.csv"
    ).read_bytes()
