"""GraphML and GEXF, read back with networkx's readers."""

from __future__ import annotations

from decimal import Decimal

import networkx as nx
import pytest

from fundgraph.case import load_case
from fundgraph.export.graph import GEXF_DATE, write_gexf, write_graphml
from fundgraph.graph import aggregate_edges
from tests.export.export_cases import (
    BEN,
    COL,
    CONTROL_HOLDER,
    CORE,
    HOSTILE_HOLDER,
    P1,
    P2,
    SCRIPT_HOLDER,
    SHOP,
)

READERS = {"graphml": (write_graphml, nx.read_graphml), "gexf": (write_gexf, nx.read_gexf)}


def _yuan(v) -> Decimal:
    assert isinstance(v, float), v
    return Decimal(repr(v))


@pytest.fixture(scope="module", params=sorted(READERS))
def graph(request, hand_dir, tmp_path_factory):
    write, read = READERS[request.param]
    out = write(load_case(hand_dir), tmp_path_factory.mktemp("g") / f"g.{request.param}", lang="zh")
    return read(out)


def test_nodes_and_edges_as_in_the_case(graph):
    assert sorted(graph.nodes) == sorted([CORE, COL, P1, P2, BEN, SHOP])
    # P1->COL, P2->COL, COL->CORE, CORE->P1, CORE->BEN, SHOP->SHOP, P1->SHOP; cash is no edge
    assert graph.number_of_edges() == 7
    e = graph.edges[P1, COL]
    assert _yuan(e["amount"]) == Decimal("3000.03") and e["count"] == 2
    assert e["first_time"] == "2022-01-05T10:00:00" and e["last_time"] == "2022-02-05T10:00:00"
    assert _yuan(graph.edges[COL, CORE]["amount"]) == Decimal("8000.03")


def test_node_attributes(graph):
    col = graph.nodes[COL]
    assert col["role"] == "collector" and col["role_label"] == "归集账户"
    assert col["level"] == 1 and col["structure"] == 0 and col["community"] == 0
    assert col["holder"] == HOSTILE_HOLDER and col["label"] == HOSTILE_HOLDER
    assert _yuan(col["in_amount"]) == Decimal("8000.03") and col["in_count"] == 3
    assert col["account"] == COL and isinstance(col["account"], str)
    assert _yuan(graph.nodes[P2]["cash_out"]) == Decimal("200.00")
    assert "level" not in graph.nodes[SHOP]  # outside every structure: no level, not 0
    assert graph.nodes[BEN]["obtained"] is False and graph.nodes[CORE]["obtained"] is True


def test_hostile_text_is_data(graph):
    assert graph.nodes[P1]["holder"] == SCRIPT_HOLDER
    assert graph.nodes[P2]["holder"] == CONTROL_HOLDER.replace("\x01", "\ufffd")


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_byte_identical(fmt, hand_dir, tmp_path):
    write = READERS[fmt][0]
    case = load_case(hand_dir)
    a = write(case, tmp_path / f"a.{fmt}").read_bytes()
    b = write(case, tmp_path / f"b.{fmt}").read_bytes()
    assert a == b
    if fmt == "gexf":
        assert f'lastmodifieddate="{GEXF_DATE}"'.encode() in a


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_synthetic_case(fmt, synth_dir, tmp_path):
    write, read = READERS[fmt]
    case = load_case(synth_dir)
    G = read(write(case, tmp_path / f"s.{fmt}"))
    edges = aggregate_edges(case.transfers)
    assert G.number_of_nodes() == len(case.accounts)
    assert G.number_of_edges() == len(edges)
    total = sum(_yuan(d["amount"]) for _, _, d in G.edges(data=True))
    assert total == Decimal(int(edges["amount"].sum())) / 100
    roles = dict(zip(case.accounts["account"], case.accounts["role"], strict=True))
    assert {n: d["role"] for n, d in G.nodes(data=True)} == roles
