"""Tracing rules checked against sums worked out by hand, plus the invariants."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from fundgraph.analysis.tracing import (
    CASH_LABEL,
    opening_balances,
    resolve_account,
    split_largest_remainder,
    trace_backward,
    trace_destinations,
    trace_forward,
)
from fundgraph.case import Case
from fundgraph.errors import InputError
from fundgraph.graph import transfer_multigraph


def table(rows):
    """rows: (src, dst, amount cents, time) -> transfers table with ids in row order."""
    t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    t["time"] = pd.to_datetime(t["time"])
    t["transfer_id"] = range(len(t))
    return t


# S (a participant, statement not obtained) pays 300 into A, which also holds the
# holder's own money: 200 before and 100 after. A then pays 250 to B, 250 to C, 100 cash.
#   balance: d1 200u | d2 +300t = 500 | d3 +100u = 600 | d4 -250 | d5 -250 | d6 -100 = 0
MIXED = table(
    [
        ("U", "A", 200, "2022-01-01"),
        ("S", "A", 300, "2022-01-02"),
        ("U", "A", 100, "2022-01-03"),
        ("A", "B", 250, "2022-01-04"),
        ("A", "C", 250, "2022-01-05"),
        ("A", "", 100, "2022-01-06"),
    ]
)
OBTAINED = ["A"]


def ends(result):
    return {(r.end, r.end_kind): r.amount for r in result.itertuples()}


def test_fifo_by_hand():
    # queue [200u, 300t, 100u]: B takes 200u + 50t; C takes 250t; cash takes 100u
    r = trace_forward(MIXED, "S", method="fifo", obtained=OBTAINED)
    assert ends(r) == {("B", "left_scope"): 50, ("C", "left_scope"): 250}
    assert r.attrs["traced"] == 300
    assert r.attrs["origin"] == "outflows"
    assert r.loc[r["end"] == "C", "path"].item() == "S → A → C"
    assert r.loc[r["end"] == "C", "transfer_ids"].item() == "1;4"


def test_lifo_by_hand():
    # d4: 100u + 150t leave to B (stack [200u, 150t]); d5: 150t + 100u to C; cash 100u
    r = trace_forward(MIXED, "S", method="lifo", obtained=OBTAINED)
    assert ends(r) == {("B", "left_scope"): 150, ("C", "left_scope"): 150}


def test_proportional_by_hand():
    # d4: 250 of 600, half traced -> 125; d5: 250 of 350 (175t) -> 125; cash: 100 of 100 (50t)
    r = trace_forward(MIXED, "S", method="proportional", obtained=OBTAINED)
    assert ends(r) == {("B", "left_scope"): 125, ("C", "left_scope"): 125, ("", "cash"): 50}
    cash = r[r["end_kind"] == "cash"].iloc[0]
    assert cash["path"] == f"S → A → {CASH_LABEL}"


def test_libr_by_hand():
    # untraced leaves first: d4 250 of the 300u; d5 50u + 200t to C; cash 100t
    r = trace_forward(MIXED, "S", method="libr", obtained=OBTAINED)
    assert ends(r) == {("C", "left_scope"): 200, ("", "cash"): 100}


def test_proportional_rounding_is_exact():
    # 100t + 200u; 100 leaves: exact share 33.33t -> 33t (u has the larger remainder)
    t = table(
        [
            ("S", "A", 100, "2022-01-01"),
            ("U", "A", 200, "2022-01-02"),
            ("A", "B", 100, "2022-01-03"),
            ("A", "C", 200, "2022-01-04"),
        ]
    )
    r = trace_forward(t, "S", method="proportional", obtained=["A"])
    assert ends(r) == {("B", "left_scope"): 33, ("C", "left_scope"): 67}


def test_libr_traced_never_exceeds_lowest_balance():
    # A holds 100t, falls to 30 (70 out), is refilled with 500u; only 30t can remain
    t = table(
        [
            ("S", "A", 100, "2022-01-01"),
            ("A", "B", 70, "2022-01-02"),
            ("U", "A", 500, "2022-01-03"),
            ("A", "C", 400, "2022-01-04"),
        ]
    )
    r = trace_forward(t, "S", method="libr", obtained=["A"])
    assert ends(r) == {("B", "left_scope"): 70, ("A", "held"): 30}


def test_inflows_of_an_obtained_account_and_amount_since():
    t = table(
        [
            ("P1", "col", 100, "2022-01-01"),
            ("P2", "col", 200, "2022-01-02"),
            ("col", "core", 300, "2022-01-03"),
            ("core", "boss", 120, "2022-01-04"),
            ("core", "", 180, "2022-01-05"),
        ]
    )
    ob = ["col", "core"]
    r = trace_forward(t, "col", obtained=ob)
    assert r.attrs["origin"] == "inflows"
    assert ends(r) == {("boss", "left_scope"): 120, ("", "cash"): 180}
    assert r["hops"].tolist() == [2, 2]
    r = trace_forward(t, "col", amount=150, obtained=ob)  # P1's 100 + 50 of P2's
    assert r.attrs["traced"] == 150
    assert ends(r) == {("boss", "left_scope"): 120, ("", "cash"): 30}
    r = trace_forward(t, "col", since="2022-01-02", obtained=ob)  # P2's 200, after P1's 100
    assert ends(r) == {("boss", "left_scope"): 20, ("", "cash"): 180}
    r = trace_forward(t, "col", max_hops=1, obtained=ob)
    assert ends(r) == {("core", "held"): 300}


def test_money_cannot_leave_before_it_arrived():
    t = table([("A", "B", 100, "2022-01-01"), ("S", "A", 100, "2022-01-02")])
    r = trace_forward(t, "S", obtained=["A", "B"])
    assert ends(r) == {("A", "held"): 100}


def test_same_instant_passes_through():
    # the forward is listed (and numbered) before the inflow at the same second
    t = pd.DataFrame(
        {
            "transfer_id": [0, 1],
            "src": ["A", "S"],
            "dst": ["B", "A"],
            "amount": [100, 100],
            "time": pd.to_datetime(["2022-01-01 10:00", "2022-01-01 10:00"]),
        }
    )
    r = trace_forward(t, "S", obtained=["A"])
    assert ends(r) == {("B", "left_scope"): 100}
    assert r["transfer_ids"].tolist() == ["0;1"]


def test_max_gap_and_min_amount_stop_the_trace():
    t = table(
        [
            ("S", "A", 100, "2022-01-01"),
            ("A", "B", 100, "2022-01-10"),
            ("B", "C", 100, "2022-01-11"),
        ]
    )
    ob = ["A", "B"]
    assert ends(trace_forward(t, "S", obtained=ob)) == {("C", "left_scope"): 100}
    assert ends(trace_forward(t, "S", obtained=ob, max_gap="2D")) == {("A", "held"): 100}
    assert ends(trace_forward(t, "S", obtained=ob, max_gap="10D")) == {("C", "left_scope"): 100}
    assert ends(trace_forward(t, "S", obtained=ob, min_amount=101)) == {("A", "held"): 100}


def test_cycle_back_to_start_and_conservation():
    t = table(
        [
            ("P", "col", 100, "2022-01-01"),
            ("col", "core", 100, "2022-01-02"),
            ("core", "col", 40, "2022-01-03"),  # commission back to the collector
            ("col", "", 40, "2022-01-04"),
        ]
    )
    r = trace_forward(t, "col", obtained=["col", "core"])
    assert ends(r) == {("", "cash"): 40, ("core", "held"): 60}
    assert set(r["path"]) == {"col → core → col → (cash)", "col → core"}
    assert int(r["amount"].sum()) == r.attrs["traced"] == 100


def test_opening_balance_is_untraced_money():
    t = table([("S", "A", 100, "2022-01-02"), ("A", "B", 100, "2022-01-03")])
    # without it, A's outflow must be the traced money; with 100 opening, FIFO spends that
    assert ends(trace_forward(t, "S", obtained=["A"])) == {("B", "left_scope"): 100}
    r = trace_forward(t, "S", obtained=["A"], opening={"A": 100})
    assert ends(r) == {("A", "held"): 100}


def test_backward_by_hand():
    # A: x 100 (d1), y 300 (d2); A -> T 200 (d3), A -> T 200 (d4)
    t = table(
        [
            ("x", "A", 100, "2022-01-01"),
            ("", "A", 300, "2022-01-02"),
            ("A", "T", 200, "2022-01-03"),
            ("A", "T", 200, "2022-01-04"),
        ]
    )
    ob = ["A", "T"]
    r = trace_backward(t, "T", method="fifo", obtained=ob)
    assert ends(r) == {("x", "left_scope"): 100, ("", "cash"): 300}
    assert r.attrs["traced"] == 400
    r = trace_backward(t, "T", method="fifo", obtained=ob, transfer_ids=[2])
    assert ends(r) == {("x", "left_scope"): 100, ("", "cash"): 100}
    r = trace_backward(t, "T", method="lifo", obtained=ob, transfer_ids=[2])
    assert ends(r) == {("", "cash"): 200}
    r = trace_backward(t, "T", method="proportional", obtained=ob, transfer_ids=[2])
    assert ends(r) == {("x", "left_scope"): 50, ("", "cash"): 150}
    assert r.loc[r["end"] == "", "path"].item() == f"{CASH_LABEL} → A → T"
    r = trace_backward(t, "T", obtained=ob, max_hops=1)
    assert ends(r) == {("A", "held"): 400}


def test_backward_max_gap_and_min_amount():
    t = table(
        [
            ("x", "A", 100, "2022-01-01"),
            ("y", "A", 50, "2022-01-09"),
            ("A", "T", 150, "2022-01-10"),
        ]
    )
    ob = ["A"]
    assert ends(trace_backward(t, "T", obtained=ob)) == {
        ("x", "left_scope"): 100,
        ("y", "left_scope"): 50,
    }
    # x's money waited 9 days in A: not followed back further than A
    r = trace_backward(t, "T", obtained=ob, max_gap="2D")
    assert ends(r) == {("A", "held"): 100, ("y", "left_scope"): 50}
    r = trace_backward(t, "T", obtained=ob, min_amount=60)  # y's 50 is not followed back
    assert ends(r) == {("x", "left_scope"): 100, ("A", "held"): 50}


def test_backward_unknown_origin_and_libr():
    # A pays 150 having received only 100: 50 is money of unknown origin
    t = table([("x", "A", 100, "2022-01-01"), ("A", "T", 150, "2022-01-02")])
    r = trace_backward(t, "T", obtained=["A"])
    assert ends(r) == {("x", "left_scope"): 100, ("A", "unknown"): 50}
    # LIBR: the opening 100 of unknown origin leaves first
    t = table([("x", "A", 100, "2022-01-01"), ("A", "T", 120, "2022-01-02")])
    r = trace_backward(t, "T", method="libr", obtained=["A"], opening={"A": 100})
    assert ends(r) == {("A", "unknown"): 100, ("x", "left_scope"): 20}
    r = trace_backward(t, "T", method="fifo", obtained=["A"], opening={"A": 100})
    assert ends(r) == {("A", "unknown"): 100, ("x", "left_scope"): 20}
    r = trace_backward(t, "T", method="lifo", obtained=["A"], opening={"A": 100})
    assert ends(r) == {("x", "left_scope"): 100, ("A", "unknown"): 20}


def test_inputs_case_graph_and_errors():
    case = Case(
        transfers=MIXED.assign(memo=""),
        accounts=pd.DataFrame(
            {"account": ["A", "S"], "obtained": [True, False], "aliases": ["A-ALIAS", ""]}
        ),
    )
    assert ends(trace_forward(case, "S")) == ends(trace_forward(MIXED, "S", obtained=["A"]))
    assert ends(trace_backward(case, "A-ALIAS")) == ends(trace_backward(MIXED, "A", obtained=["A"]))
    G = transfer_multigraph(MIXED)
    assert isinstance(G, nx.MultiDiGraph)
    r = trace_forward(G, "S", obtained=["A"])  # no cash in the graph: 100 stays in A
    assert int(r["amount"].sum()) == 300
    with pytest.raises(InputError, match="aggregated"):
        trace_forward(nx.DiGraph(), "S")
    with pytest.raises(InputError, match="nobody"):
        trace_forward(MIXED, "nobody")
    with pytest.raises(InputError, match="method"):
        trace_forward(MIXED, "S", method="magic")
    with pytest.raises(InputError):
        trace_forward(MIXED, "S", max_hops=0)
    assert resolve_account(case, "A-ALIAS") == "A"
    assert resolve_account(case, "U") == "U"
    with pytest.raises(InputError, match="unknown account"):
        resolve_account(case, "zz")


def test_destinations_and_helpers():
    r = trace_forward(MIXED, "S", method="proportional", obtained=OBTAINED)
    d = trace_destinations(r)
    assert d["amount"].tolist() == [125, 125, 50]
    assert d["share"].sum() == pytest.approx(1.0)
    assert split_largest_remainder([2, 1], 1) == [1, 0]
    assert sum(split_largest_remainder([7, 11, 13], 1001)) == 1001
    tx = pd.DataFrame(
        {
            "account": ["a", "b"],
            "time": pd.to_datetime(["2022-01-01"] * 2),
            "direction": ["in", "out"],
            "amount": [100, 10],
            "balance": pd.array([100, pd.NA], dtype="Int64"),
        }
    )
    assert opening_balances(tx) == {}


def test_empty_and_deterministic():
    r = trace_forward(MIXED, "A", since="2030-01-01", obtained=OBTAINED)
    assert r.empty and r.attrs["traced"] == 0
    a = trace_forward(MIXED, "U", method="proportional", obtained=OBTAINED)
    b = trace_forward(
        MIXED.sample(frac=1, random_state=3), "U", method="proportional", obtained=OBTAINED
    )
    pd.testing.assert_frame_equal(a, b)
