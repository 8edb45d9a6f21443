"""Cash is what the statement calls cash; a counterparty it does not name is kept apart.

One hand-built set of transfers: account ``a`` takes 600.00 in cash and 250.00 from a
counterparty its statement leaves blank, pays 100.00 to ``b``, withdraws 300.00 in cash
and pays 400.00 to a blank counterparty. Every figure below is computed by hand.
"""

from __future__ import annotations

import pandas as pd

from fundgraph.analysis.features import account_flows
from fundgraph.analysis.tracing import UNNAMED_LABEL, trace_backward, trace_forward
from fundgraph.graph import flow_graph
from fundgraph.schema import is_cash, is_unknown


def transfers() -> pd.DataFrame:
    rows = [
        # src, dst, cents, day, kind
        ("", "a", 60000, 1, "cash"),
        ("", "a", 25000, 2, "unknown"),
        ("a", "b", 10000, 3, "account"),
        ("a", "", 30000, 4, "cash"),
        ("a", "", 40000, 5, "unknown"),
    ]
    return pd.DataFrame(
        {
            "transfer_id": range(len(rows)),
            "src": [r[0] for r in rows],
            "dst": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "time": [pd.Timestamp(2022, 3, r[3], 10) for r in rows],
            "counterparty_kind": [r[4] for r in rows],
        }
    )


def test_masks():
    t = transfers()
    assert is_cash(t).tolist() == [True, False, False, True, False]
    assert is_unknown(t).tolist() == [False, True, False, False, True]
    # a table without the column (written by hand) keeps reading empty sides as cash
    assert is_cash(t.drop(columns="counterparty_kind")).tolist() == [True, True, False, True, True]


def test_account_totals_keep_cash_and_unknown_apart():
    f = account_flows(transfers()).loc["a"]
    assert (f["cash_in"], f["cash_out"]) == (60000, 30000)
    assert (f["unknown_in"], f["unknown_out"]) == (25000, 40000)
    assert (f["in_amount"], f["out_amount"]) == (85000, 80000)


def test_graph_nodes_keep_cash_and_unknown_apart():
    G = flow_graph(transfers())
    a = G.nodes["a"]
    assert (a["cash_in"], a["cash_out"], a["unknown_in"], a["unknown_out"]) == (
        60000,
        30000,
        25000,
        40000,
    )
    assert list(G.nodes) == ["a", "b"]  # neither is a node


def test_forward_trace_ends_in_cash_or_unnamed():
    r = trace_forward(transfers(), "a", method="fifo", origin="inflows")
    ends = r.groupby("end_kind")["amount"].sum().to_dict()
    # FIFO: the 600 in cash is spent first: 100 to b, 300 cash, 200 of the 400 unnamed;
    # then the 250 unnamed deposit pays the other 200 unnamed; 50 stays in a
    assert ends == {"cash": 30000, "unnamed": 40000, "left_scope": 10000, "held": 5000}
    unnamed = r[r["end_kind"] == "unnamed"]
    assert set(unnamed["path"]) == {f"a → {UNNAMED_LABEL}"}
    assert set(unnamed["end"]) == {""}
    assert r["amount"].sum() == r.attrs["traced"] == 85000


def test_backward_trace_names_unnamed_origins():
    r = trace_backward(transfers(), "b", method="fifo")
    assert r.groupby("end_kind")["amount"].sum().to_dict() == {"cash": 10000}
    t = transfers()
    t.loc[0, "time"] = pd.Timestamp(2022, 3, 2, 12)  # the unnamed deposit is now first
    r = trace_backward(t, "b", method="fifo")
    assert r.groupby("end_kind")["amount"].sum().to_dict() == {"unnamed": 10000}
