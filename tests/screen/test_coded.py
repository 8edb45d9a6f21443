"""Integer-keyed aggregates of one run: disjoint merges, decoding, hash collisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundgraph.errors import FundgraphError
from fundgraph.screen import TABLES, aggregate_feed, find_feed, merge_aggregates
from fundgraph.screen import coded as K
from fundgraph.screen.aggregates import ROW_COLUMNS, aggregate_rows, canonical
from fundgraph.tables import conform
from tests.screen.feed_case import statement_rows, transfers


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    r = conform(statement_rows(transfers()), ROW_COLUMNS, extra=False)
    r["source_file"] = "feed.csv"
    return r


def _by_account(rows: pd.DataFrame, n: int) -> list[pd.DataFrame]:
    accounts = sorted(set(rows["account"]))
    return [rows[rows["account"].isin(accounts[i::n])] for i in range(n)]


def test_disjoint_merge_equals_general_merge(rows):
    whole = aggregate_rows(rows)
    parts = _by_account(rows, 3)
    assert all(len(p) for p in parts)
    disjoint = K.decode(K.merge_disjoint(*(K.aggregate_coded(p) for p in parts)))
    general = merge_aggregates(*(aggregate_rows(p) for p in parts))
    for name in TABLES:
        if name == "aliases":
            continue
        pd.testing.assert_frame_equal(disjoint[name], whole[name])
        pd.testing.assert_frame_equal(general[name], whole[name])

    # X pays A and B in one hour: X's hours as their statements show them ("cp") overlap
    two = rows.iloc[:2].copy()
    two["account"] = ["A9", "B9"]
    two["counterparty"] = "X9"
    two["direction"] = "in"
    two["time"] = pd.to_datetime(["2024-06-01 10:05", "2024-06-01 10:40"])
    both = pd.concat([rows, two], ignore_index=True)
    split = [both[both["account"] != "B9"], both[both["account"] == "B9"]]
    disjoint = K.decode(K.merge_disjoint(*(K.aggregate_coded(p) for p in split)))
    whole = aggregate_rows(both)
    pd.testing.assert_frame_equal(disjoint["hours"], whole["hours"])
    x = whole["hours"][(whole["hours"]["account"] == "X9") & (whole["hours"]["view"] == "cp")]
    assert x["out_n"].tolist() == [2]


def test_decoded_tables_are_canonical(rows):
    got = aggregate_rows(rows)
    for name, df in got.items():
        pd.testing.assert_frame_equal(canonical(name, df), df)
        assert (df.dtypes == canonical(name, df).dtypes).all()


def test_overlapping_parts_refused(rows):
    a = K.aggregate_coded(rows.iloc[:100])
    b = K.aggregate_coded(rows.iloc[100:])
    with pytest.raises(ValueError, match="share an own account"):
        K.merge_disjoint(a, b)


def test_missing_times_left_out_of_hours_and_months(rows):
    r = rows.iloc[:6].copy()
    r["time"] = r["time"].astype("datetime64[ns]")
    r.loc[r.index[0], "time"] = pd.NaT
    got, rest = aggregate_rows(r), aggregate_rows(r.iloc[1:])
    pd.testing.assert_frame_equal(got["hours"], rest["hours"])
    pd.testing.assert_frame_equal(got["months"], rest["months"])
    assert int(got["pairs"]["n"].sum()) == int(rest["pairs"]["n"].sum()) + 1
    assert got["pairs"]["first_time"].isna().sum() <= 1  # NaT only for a pair of no time
    assert got["accounts"]["first_time"].notna().all()


def test_same_hash_of_two_ids_is_detected(monkeypatch):
    a = pd.DataFrame({"key": [1, 2], "text": ["A", "B"]})
    b = pd.DataFrame({"key": [2, 3], "text": ["B", "C"]})
    assert K._merge_ids([a, b])["text"].tolist() == ["A", "B", "C"]
    c = pd.DataFrame({"key": [3], "text": ["D"]})  # key 3 is "C" already
    with pytest.raises(K.IdCollision):
        K._merge_ids([a, b, c])
    monkeypatch.setattr(
        pd.util, "hash_array", lambda values, **kw: np.zeros(len(values), dtype=np.uint64)
    )
    with pytest.raises(K.IdCollision):
        K.hash_ids(np.array(["x", "y"], dtype=object))


def _weak(real):
    """A hash that numbers the ids of each partition 0, 1, 2 …: unique within a partition,
    colliding across partitions, under the first key only."""

    def hash_ids(texts, hash_key=K.HASH_KEYS[0]):
        if hash_key == K.HASH_KEYS[0]:
            return np.arange(len(texts), dtype=np.int64)
        return real(texts, hash_key)

    return hash_ids


def test_collision_across_partitions_falls_back_to_next_key(feed, full_run, monkeypatch):
    monkeypatch.setattr(K, "hash_ids", _weak(K.hash_ids))
    got = aggregate_feed(find_feed([feed]), scheduler="synchronous", partitions=3)
    for name in TABLES:
        pd.testing.assert_frame_equal(got.aggregates[name], full_run[0].aggregates[name])


def test_collision_under_every_key_is_an_error(feed, monkeypatch):
    monkeypatch.setattr(
        K, "hash_ids", lambda texts, hash_key=None: np.arange(len(texts), dtype=np.int64)
    )
    with pytest.raises(FundgraphError, match="same 64-bit hash"):
        aggregate_feed(find_feed([feed]), scheduler="synchronous", partitions=3)


def test_merge_of_runs_sharing_accounts_equals_one_run(rows):
    """Two runs' coded aggregates (the same accounts in both: a state and a new month)
    merge on the integer keys into the aggregates of all the rows."""
    early = rows["time"] < pd.Timestamp("2024-02-15")
    parts = [K.aggregate_coded(rows[early]), K.aggregate_coded(rows[~early])]
    shared = set(parts[0]["accounts"]["account"]) & set(parts[1]["accounts"]["account"])
    assert shared  # the merge regroups, it does not just concatenate
    merged = K.decode(K.merge_coded(*parts))
    whole = aggregate_rows(rows)
    for name in ("accounts", "pairs", "amounts", "months", "hours"):
        pd.testing.assert_frame_equal(merged[name], whole[name])


def test_state_merge_rehashes_both_after_a_collision(rows, monkeypatch):
    """Ids of a state and of a new run with one hash under the first key: both are hashed
    again under the next key and merged there."""
    from fundgraph.screen import _merge_state
    from fundgraph.screen.feed import FeedAggregates
    from fundgraph.screen.state import CodedState

    monkeypatch.setattr(K, "hash_ids", _weak(K.hash_ids))
    early = rows["time"] < pd.Timestamp("2024-02-15")
    a, b = K.aggregate_coded(rows[early]), K.aggregate_coded(rows[~early])
    with pytest.raises(K.IdCollision):
        K.merge_coded(a, b)
    aliases = canonical("aliases", pd.DataFrame())
    old = CodedState(a, 0, aliases, pd.DataFrame())
    got = FeedAggregates(b, aliases, pd.DataFrame(), {}, 0)
    state = _merge_state(old, got, pd.DataFrame())
    assert state.hash_key == 1
    merged = K.decode(state.coded)
    whole = aggregate_rows(rows)
    for name in ("accounts", "pairs", "amounts", "months", "hours"):
        pd.testing.assert_frame_equal(merged[name], whole[name])
