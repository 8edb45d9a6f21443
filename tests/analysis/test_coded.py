"""One coded-transfers object per case: built once, read by every stage, same results."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import fundgraph.coded as coded_module
from fundgraph.accounts import account_flows, account_table, most_frequent
from fundgraph.analysis import analyze_case, flow_centrality, louvain_communities
from fundgraph.analysis.centrality import edge_codes
from fundgraph.analysis.coded import SchemeTransfers, investment_mask, scheme_transfers
from fundgraph.analysis.timeline import case_timeline
from fundgraph.analysis.tracing import trace_backward, trace_forward
from fundgraph.case import Case
from fundgraph.coded import CodedTransfers, code_transfers
from fundgraph.errors import InputError
from fundgraph.render import view_data
from tests.analysis.helpers import pyramid_rows, table


def _case() -> Case:
    rows, _ = pyramid_rows()
    t = table(rows, names={"core": "某某投资咨询有限公司", "p00": "张三"})
    t.loc[t.index[:3], "counterparty_kind"] = "account"
    # an account of the accounts table that no transfer names
    tx = pd.DataFrame({"account": ["core", "zz-no-transfers"], "holder_name": ["", "王五"]})
    for col in ("holder_id", "counterparty", "counterparty_name", "counterparty_id"):
        tx[col] = ""
    return Case(transfers=t, accounts=account_table(tx, t))


def _count_builds(monkeypatch, of: pd.DataFrame | None = None) -> list[int]:
    """Counts the codings (of the table ``of`` only, if given) from now on."""
    calls: list[int] = []
    real = coded_module.encode_accounts

    def counting(transfers, *args, **kwargs):
        if of is None or transfers is of:
            calls.append(1)
        return real(transfers, *args, **kwargs)

    monkeypatch.setattr(coded_module, "encode_accounts", counting)
    return calls


def test_analysis_codes_the_transfers_once(monkeypatch):
    case = _case()
    calls = _count_builds(monkeypatch)
    out = analyze_case(case, lang="en")
    assert len(calls) == 1
    assert out.accounts["role"].eq("core").any()
    # the accounts table's own accounts are numbered too, in their sorted place
    c = case.coded()
    assert list(c.nodes) == sorted(c.nodes)
    assert "zz-no-transfers" in set(c.nodes)


def test_case_keeps_its_coded_transfers_until_a_table_is_replaced():
    case = _case()
    first = case.coded()
    assert case.coded() is first
    case.accounts = case.accounts.copy()
    again = case.coded()
    assert again is not first
    case.transfers = case.transfers.iloc[:-1]
    assert case.coded() is not again and case.coded().row.max() < len(case.transfers)
    # a copy of the case builds its own
    assert dataclasses.replace(case).coded() is not case.coded()


def test_consumers_give_the_same_results_from_the_case_or_the_table():
    case = _case()
    t, c = case.transfers, case.coded()
    # the pairs and centralities over the accounts the transfers name only
    for a, b in zip(edge_codes(t), edge_codes(c), strict=True):
        assert list(a) == list(b)
    pd.testing.assert_frame_equal(flow_centrality(t), flow_centrality(c))
    pd.testing.assert_series_equal(louvain_communities(t), louvain_communities(c))
    # totals: one row per coded account, zeros where no transfer names it
    flows = account_flows(t, c)
    pd.testing.assert_frame_equal(flows.drop(index="zz-no-transfers"), account_flows(t))
    assert flows.loc["zz-no-transfers", ["in_amount", "out_count"]].tolist() == [0, 0]
    # the tracer through the case (its coded transfers) and through the table
    obtained = set(case.accounts.loc[case.accounts["obtained"], "account"])
    for trace, acct in ((trace_forward, "p03"), (trace_backward, "core")):
        for method in ("fifo", "proportional"):
            via_case = trace(case, acct, method=method)
            via_table = trace(t, acct, method=method, obtained=obtained)
            pd.testing.assert_frame_equal(via_case, via_table)
            assert via_case.attrs == via_table.attrs
    with pytest.raises(InputError, match="does not appear"):
        trace_forward(case, "zz-no-transfers")


def test_views_timeline_and_tracer_share_the_case_coded_transfers(monkeypatch):
    case = analyze_case(_case(), lang="en")
    # the timeline also traces its own table of scheme flows: not the case's transfers
    calls = _count_builds(monkeypatch, of=case.transfers)
    series, facts = case_timeline(case)
    a = view_data(case, view="overview", lang="en")
    b = view_data(case, view="pyramid", lang="en")
    r = trace_backward(case, "core", method="libr")
    # the analysis hands its coded transfers on with the case: nothing codes them again
    assert len(calls) == 0
    assert case.coded() is case.coded()
    fresh = code_transfers(case.transfers, case.accounts)
    assert case.coded().nodes.equals(fresh.nodes) and (case.coded().s_all == fresh.s_all).all()
    assert len(series) and a["title"] and b["title"] and len(r)


def test_scheme_signals_share_the_arrays():
    case = _case()
    c = case.coded()
    sc = scheme_transfers(c, case.accounts)
    assert isinstance(sc, SchemeTransfers) and isinstance(sc, CodedTransfers)
    assert sc.s is c.s and sc.nodes is c.nodes
    assert scheme_transfers(sc) is sc
    assert sc.company[c.nodes.get_loc("core")]
    assert investment_mask(sc).sum() > 0


def test_pair_edges_of_a_table_without_times():
    t = pd.DataFrame({"src": ["b", "a", "a", ""], "dst": ["a", "b", "b", "a"], "amount": 1})
    e = code_transfers(t).pair_edges()
    assert (list(e.nodes), e.src.tolist(), e.dst.tolist(), e.count.tolist()) == (
        ["a", "b"],
        [0, 1],
        [1, 0],
        [2, 1],
    )


def test_most_frequent_serves_both_name_choices():
    keys = ["a", "a", "a", "b", "b", "", None]
    vals = ["李四", " 张三 ", " 张三 ", "王五", "赵六", "x", "y"]
    assert most_frequent(keys, vals).to_dict() == {"a": " 张三 ", "b": "王五"}
    assert most_frequent(keys, vals, strip=True).to_dict() == {"a": "张三", "b": "王五"}
    assert most_frequent([], []).empty
    assert np.array_equal(most_frequent(["b", "a"], ["x", "y"]).index, ["a", "b"])
