"""push_case / pull_case against a Bolt server: round trip, idempotence, isolation."""

from __future__ import annotations

import filecmp

import neo4j
import pandas as pd
import pytest

from fundgraph.case import Case
from fundgraph.errors import StoreError
from fundgraph.results import CaseSummary
from fundgraph.store import pull_case, push_case
from tests.store.store_case import INJECTIONS, make_case, write_case

pytestmark = pytest.mark.neo4j

COMPARED_BYTES = (
    "transfers.csv",
    "accounts.csv",
    "participants.csv",
    "alerts.csv",
    "warnings.csv",
    "files.csv",
    "communities.csv",
    "structures.json",
    "case.json",
)


def query(bolt, text, **params):
    with neo4j.GraphDatabase.driver(bolt["uri"], auth=(bolt["user"], bolt["password"])) as d:
        with d.session(database=bolt["database"]) as s:
            return [r.data() for r in s.run(text, params)]


def snapshot(bolt, name):
    """Every node and relationship of case ``name`` with its properties, sorted."""
    nodes = query(
        bolt,
        "MATCH (n) WHERE n.case = $case RETURN labels(n) AS l, properties(n) AS p",
        case=name,
    )
    rels = query(
        bolt,
        "MATCH (a)-[r]->(b) WHERE r.case = $case "
        "RETURN type(r) AS t, labels(a) AS la, a.account AS a, labels(b) AS lb, "
        "b.account AS b, properties(r) AS p",
        case=name,
    )
    return sorted(map(repr, nodes)), sorted(map(repr, rels))


def assert_same_case_files(a, b):
    for name in COMPARED_BYTES:
        assert filecmp.cmp(a / name, b / name, shallow=False), f"{name} differs after a round trip"
    # the timeline is not stored: the pull derives it from the tables as the analysis did
    if (a / "timeline.json").is_file():
        assert filecmp.cmp(a / "timeline.json", b / "timeline.json", shallow=False)
    else:
        assert (b / "timeline.json").is_file()
    for name in ("transfers.parquet", "accounts.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(a / name), pd.read_parquet(b / name), check_dtype=False
        )


def test_round_trip_is_byte_for_byte(bolt, case_name, case_dir, tmp_path):
    counts = push_case(case_dir, case_name, batch_size=7, **bolt)
    assert counts == {
        "accounts": 13,  # 12 listed + one counterparty seen only in a transfer
        "participants": 6,
        "persons": 8,
        "holds": 9,
        "transfers": 31,
        "cash": 1,
        "unknown": 1,
    }
    out = pull_case(case_name, tmp_path / "pulled", **bolt)
    assert_same_case_files(case_dir, out)
    # rejected rows stay with the case folder; their counts travel in case.json
    assert (out / "rejects.csv").read_text(encoding="utf-8-sig").count("\n") == 1


def test_empty_case_round_trip(bolt, case_name, tmp_path):
    empty = Case(summary=CaseSummary(transfers=0, accounts=0, total_absorbed=0))
    folder = write_case(empty, tmp_path / "empty")
    counts = push_case(folder, case_name, **bolt)
    assert counts["transfers"] == 0 and counts["accounts"] == 0
    out = pull_case(case_name, tmp_path / "back", **bolt)
    for name in ("transfers.csv", "accounts.csv", "participants.csv", "case.json"):
        assert filecmp.cmp(folder / name, out / name, shallow=False), name


def test_push_from_a_case_object(bolt, case_name, small_case, tmp_path):
    push_case(small_case, case_name, **bolt)
    written = write_case(small_case, tmp_path / "mem")
    assert_same_case_files(written, pull_case(case_name, tmp_path / "back", **bolt))


def test_second_push_leaves_the_same_graph(bolt, case_name, case_dir):
    first = push_case(case_dir, case_name, **bolt)
    before = snapshot(bolt, case_name)
    second = push_case(case_dir, case_name, batch_size=4, **bolt)
    assert second == first
    assert snapshot(bolt, case_name) == before


def test_interrupted_push_completes_on_rerun(bolt, case_name, case_dir, tmp_path):
    class Stop(Exception):
        pass

    def stop_half_way(stage, done, total):
        if stage == "transfers" and 0 < done < total and done >= total // 2:
            raise Stop

    with pytest.raises(Stop):
        push_case(case_dir, case_name, batch_size=5, progress=stop_half_way, **bolt)
    partial = query(
        bolt, "MATCH ()-[t:TRANSFER {case: $case}]->() RETURN count(t) AS n", case=case_name
    )[0]["n"]
    assert 0 < partial < 31
    with pytest.raises(StoreError, match="incomplete"):
        pull_case(case_name, tmp_path / "early", **bolt)

    counts = push_case(case_dir, case_name, batch_size=5, **bolt)
    assert counts["transfers"] == 31
    assert_same_case_files(case_dir, pull_case(case_name, tmp_path / "done", **bolt))


def test_replace_touches_only_its_own_case(bolt, case_name, case_dir, tmp_path):
    other = f"{case_name}-other"
    try:
        push_case(case_dir, other, **bolt)
        other_before = snapshot(bolt, other)
        push_case(case_dir, case_name, **bolt)

        smaller = make_case()
        smaller.transfers = smaller.transfers.iloc[:10].reset_index(drop=True)
        smaller.participants = smaller.participants.iloc[:2].reset_index(drop=True)
        smaller_dir = write_case(smaller, tmp_path / "smaller")
        counts = push_case(smaller_dir, case_name, replace=True, batch_size=3, **bolt)
        assert counts["transfers"] == 10
        assert counts["participants"] == 2
        assert snapshot(bolt, other) == other_before
        assert_same_case_files(smaller_dir, pull_case(case_name, tmp_path / "back", **bolt))
    finally:
        from fundgraph.store import delete_case

        delete_case(other, **bolt)


def test_graph_model(bolt, case_name, case_dir):
    push_case(case_dir, case_name, **bolt)
    q = lambda text: query(bolt, text, case=case_name)  # noqa: E731

    assert q("MATCH (c:Cash {case: $case}) RETURN count(c) AS n") == [{"n": 1}]
    deposits = q(
        "MATCH (:Cash {case: $case})-[t:TRANSFER]->(a:Account) "
        "RETURN a.account AS a, t.amount_cents AS c, t.amount AS y ORDER BY t.transfer_id"
    )
    assert [d["c"] for d in deposits] == [200000, 100]
    assert deposits[0]["y"] == 2000.0
    withdrawals = q(
        "MATCH (a:Account {case: $case})-[t:TRANSFER]->(:Cash) RETURN t.amount_cents AS c "
        "ORDER BY t.transfer_id"
    )
    assert [w["c"] for w in withdrawals] == [100000, 5000000]
    # a counterparty the statement does not name is not cash
    unnamed = q(
        "MATCH (a:Account {case: $case})-[t:TRANSFER]->(:Unknown) "
        "RETURN t.amount_cents AS c, t.counterparty_kind AS k"
    )
    assert unnamed == [{"c": 4321, "k": "unknown"}]

    t = q("MATCH ()-[t:TRANSFER {case: $case, transfer_id: 0}]->() RETURN properties(t) AS t")[0][
        "t"
    ]
    assert t["time"].year == 2022 and t["time"].tzinfo is None  # a LocalDateTime
    assert t["sources"] == "a.csv:2;b.xlsx:10" and t["seen"] == "both"

    core = q(
        "MATCH (a:Account {case: $case, role: 'core'}) "
        "RETURN a.in_amount_cents AS c, a.in_amount AS y, a.level AS level"
    )
    assert core == [{"c": 123456789012, "y": 1234567890.12, "level": 0}]

    part = q(
        "MATCH (a:Account {case: $case, account: '6222000000000011'}) RETURN a.participant AS p, "
        "a.paid_in_cents AS paid, a.net_loss AS loss, a.person AS person, "
        "a.participant_holder_name AS name"
    )
    assert part == [
        {"p": True, "paid": 1000000, "loss": 8500.0, "person": "310101199001010033", "name": "赵一"}
    ]
    holds = q(
        "MATCH (p:Person {case: $case, person: '310101199001010033'})-[:HOLDS]->(a:Account) "
        "RETURN p.name AS name, a.account AS a ORDER BY a"
    )
    assert [h["a"] for h in holds] == ["6222000000000011", "6222000000000016"]
    assert holds[0]["name"] == "赵一"

    case_node = q("MATCH (c:Case {name: $case}) RETURN c")[0]["c"]
    assert case_node["push_complete"] is True
    assert case_node["participant_persons"] == 5
    assert case_node["total_absorbed"] == 105000.15
    assert '"total_absorbed": 105000.15' in case_node["summary_json"]


def test_cypher_in_values_is_only_text(bolt, case_name, tmp_path):
    sentinel = f"{case_name}-sentinel"
    query(bolt, "CREATE (:Sentinel {case: $case})", case=sentinel)
    try:
        before = query(bolt, "MATCH (n) RETURN count(n) AS n")[0]["n"]
        case = make_case(holder_name_of_p3=INJECTIONS[1])
        counts = push_case(write_case(case, tmp_path / "inj"), case_name, **bolt)
        after = query(bolt, "MATCH (n) RETURN count(n) AS n")[0]["n"]
        nodes = counts["accounts"] + counts["persons"] + counts["cash"] + counts["unknown"]
        assert after == before + nodes + 1
        names = {
            r["n"]
            for r in query(
                bolt, "MATCH (a:Account {case: $case}) RETURN a.holder_name AS n", case=case_name
            )
        }
        assert set(INJECTIONS) <= names
        memos = {
            r["m"]
            for r in query(
                bolt, "MATCH ()-[t:TRANSFER {case: $case}]->() RETURN t.memo AS m", case=case_name
            )
        }
        assert set(INJECTIONS) <= memos
        assert (
            query(bolt, "MATCH (s:Sentinel {case: $case}) RETURN count(s) AS n", case=sentinel)[0][
                "n"
            ]
            == 1
        )
    finally:
        query(bolt, "MATCH (s:Sentinel {case: $case}) DELETE s", case=sentinel)


def test_pull_of_unknown_case_is_a_store_error(bolt, case_name, tmp_path):
    with pytest.raises(StoreError, match="no case"):
        pull_case(case_name, tmp_path / "x", **bolt)


def test_analysed_case_round_trip_keeps_its_timeline(bolt, case_name, tmp_path):
    # a case the pipeline analysed: the pulled folder's timeline.json (derived from the
    # pulled tables) is the very file the analysis wrote, and the report shows it
    from fundgraph.pipeline import analyze
    from fundgraph.synth import generate_case

    root = tmp_path / "synth"
    generate_case(root, seed=5, participants=30, months=8)
    analyze([root / "exports"], root / "case", lang="en", html=False)
    push_case(root / "case", case_name, **bolt)
    out = pull_case(case_name, tmp_path / "pulled", **bolt)
    assert_same_case_files(root / "case", out)
    assert (root / "case" / "timeline.json").read_bytes() == (out / "timeline.json").read_bytes()
