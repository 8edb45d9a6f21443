"""Timeline facts and tracing on synthetic cases, against the truth they were drawn from."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph import pipeline, synth
from fundgraph.analysis.timeline import timeline, timeline_facts
from fundgraph.analysis.tracing import trace_backward, trace_forward

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=[0, 1, 2])
def analysed(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"synth{request.param}")
    truth = synth.generate_case(out, seed=request.param, participants=150)
    case = pipeline.build_case([out / "exports"])
    return truth, case


def test_facts_match_the_truth(analysed):
    truth, case = analysed
    series = timeline(case)
    facts = timeline_facts(case, series)
    assert facts.collapse_date.date == truth["collapse_date"]
    assert facts.payouts_exceed_deposits.period == truth["payout_exceeds_deposits_month"]
    assert facts.last_deposit.time == pd.Timestamp(truth["last_deposit"])
    share = facts.returns_funded_by_later_deposits_share
    assert 0 < share.funded_by_later <= share.returns


def test_series_sum_to_the_participants(analysed):
    _, case = analysed
    for by in ("month", "week"):
        tl = timeline(case, by=by)
        p = case.participants
        assert int(tl["deposits_in"].sum()) == int(p["paid_in"].sum())
        assert int(tl["returns_out"].sum()) == int(p["received_back"].sum())
        assert int(tl["new_participants"].sum()) == p["person"].nunique()


def test_tracing_conserves_money_on_a_whole_case(analysed):
    _, case = analysed
    acc = case.accounts
    collector = acc[acc["role"] == "collector"].sort_values(["in_amount", "account"])
    start = collector["account"].iloc[-1]
    core = acc.loc[acc["role"] == "core", "account"].iloc[0]
    for method in ("fifo", "lifo", "libr"):
        r = trace_forward(case, start, method=method)
        assert int(r["amount"].sum()) == r.attrs["traced"] > 0
        b = trace_backward(case, core, method=method, max_hops=3)
        assert int(b["amount"].sum()) == b.attrs["traced"]
        into_core = case.transfers.loc[case.transfers["dst"] == core, "amount"].sum()
        assert b.attrs["traced"] == int(into_core)
