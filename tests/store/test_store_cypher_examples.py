"""The investigator queries in examples/cypher run on a pushed case and find what they should."""

from __future__ import annotations

import re
from pathlib import Path

import neo4j
import pytest

from fundgraph.store import push_case

pytestmark = pytest.mark.neo4j

CYPHER = Path(__file__).resolve().parents[2] / "examples" / "cypher"
PARAMS = {"account": "6222000000000011", "structure": 1}


def run_file(bolt, path, case_name):
    text = path.read_text(encoding="utf-8")
    statement = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    statement = statement.strip().rstrip(";")
    wanted = set(re.findall(r"\$([A-Za-z_]+)", statement))
    params = {k: v for k, v in PARAMS.items() if k in wanted}
    params["case"] = case_name
    assert wanted <= set(params), f"{path.name} needs parameters {wanted - set(params)}"
    with neo4j.GraphDatabase.driver(bolt["uri"], auth=(bolt["user"], bolt["password"])) as d:
        with d.session(database=bolt["database"]) as s:
            return [r.data() for r in s.run(statement, params)]


@pytest.fixture
def pushed(bolt, case_name, case_dir):
    push_case(case_dir, case_name, **bolt)
    return case_name


def test_every_example_file_is_covered():
    assert {p.stem for p in CYPHER.glob("*.cypher")} == {
        "top_collectors",
        "participant_to_core",
        "structure_members",
        "biggest_out_of_core",
        "case_overview",
    }


def test_top_collectors(bolt, pushed):
    rows = run_file(bolt, CYPHER / "top_collectors.cypher", pushed)
    assert rows[0]["account"] == "6222000000000002"  # four participants pay 张收
    assert rows[0]["participants"] == 4


def test_participant_to_core(bolt, pushed):
    rows = run_file(bolt, CYPHER / "participant_to_core.cypher", pushed)
    assert rows and rows[0]["accounts"][0] == PARAMS["account"]
    assert rows[0]["accounts"][-1] == "6222000000000001"
    assert rows[0]["hops"] == 2


def test_structure_members(bolt, pushed):
    rows = run_file(bolt, CYPHER / "structure_members.cypher", pushed)
    assert [r["level"] for r in rows] == sorted(r["level"] for r in rows)
    assert rows[0]["role"] == "core" and len(rows) == 9


def test_biggest_out_of_core(bolt, pushed):
    rows = run_file(bolt, CYPHER / "biggest_out_of_core.cypher", pushed)
    assert rows[0]["amount_yuan"] == 50000.0 and rows[0]["to_role"] == "beneficiary"
    assert all(r["to_role"] != "core" for r in rows)


def test_case_overview(bolt, pushed):
    rows = run_file(bolt, CYPHER / "case_overview.cypher", pushed)
    assert rows == [
        {
            "case": pushed,
            "complete": True,
            "total_absorbed_yuan": 105000.15,
            "direct_loss_yuan": 103500.14,
            "participant_persons": 5,
            "max_level": 2,
            "accounts": 13,
            "participants": 6,
        }
    ]
