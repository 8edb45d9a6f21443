"""The fund-flow graphs built from a transfers table."""

import pandas as pd

from fundgraph.graph import aggregate_edges, flow_graph, transfer_multigraph


def _transfers():
    return pd.DataFrame(
        {
            "transfer_id": [0, 1, 2, 3, 4],
            "src": ["6222000000000000001", "6222000000000000001", "B", "", "B"],
            "dst": ["B", "B", "C", "B", ""],
            "amount": [100_000_00, 50_000_00, 140_000_00, 2_000_00, 1_000_00],
            "time": pd.to_datetime(
                [
                    "2022-01-01 09:00",
                    "2022-01-01 10:00",
                    "2022-01-02 00:00",
                    "2022-01-03 00:00",
                    "2022-01-04 00:00",
                ]
            ),
            "memo": ["投资", "投资", "", "", ""],
        }
    )


def test_flow_graph_aggregates_pairs_in_cents():
    G = flow_graph(_transfers())
    e = G["6222000000000000001"]["B"]
    assert (e["amount"], e["count"]) == (150_000_00, 2)
    assert e["first_time"] == pd.Timestamp("2022-01-01 09:00")
    assert e["last_time"] == pd.Timestamp("2022-01-01 10:00")
    assert "" not in G  # cash is not a node
    assert G.nodes["B"]["cash_in"] == 2_000_00 and G.nodes["B"]["cash_out"] == 1_000_00
    assert all(isinstance(n, str) for n in G.nodes)


def test_multigraph_keeps_every_transfer():
    M = transfer_multigraph(_transfers())
    assert M.number_of_edges() == 3
    assert sorted(k for _, _, k in M.edges(keys=True)) == [0, 1, 2]
    assert M["B"]["C"][2]["amount"] == 140_000_00


def test_aggregate_edges_table_and_empty_input():
    agg = aggregate_edges(_transfers())
    assert agg[["src", "dst", "amount", "count"]].values.tolist() == [
        ["6222000000000000001", "B", 150_000_00, 2],
        ["B", "C", 140_000_00, 1],
    ]
    empty = aggregate_edges(_transfers().iloc[:0])
    assert list(empty.columns) == ["src", "dst", "amount", "count", "first_time", "last_time"]


def test_account_attributes_from_the_accounts_table():
    acc = pd.DataFrame(
        {"account": ["B"], "holder_name": ["张三"], "role": ["collector"], "level": [1]}
    )
    G = flow_graph(_transfers(), acc)
    assert G.nodes["B"]["holder_name"] == "张三" and G.nodes["B"]["role"] == "collector"
