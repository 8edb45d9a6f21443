"""Pro-rata restitution: exact to the cent, deterministic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundgraph.analysis import restitution_plan


def parts(losses, persons=None, back=None):
    n = len(losses)
    persons = persons or [f"P{i:03d}" for i in range(n)]
    back = back or [0] * n
    return pd.DataFrame(
        {
            "account": [f"a{i}" for i in range(n)],
            "person": persons,
            "holder_name": "",
            "paid_in": [x + b for x, b in zip(losses, back, strict=True)],
            "received_back": back,
            "net_loss": losses,
        }
    )


def test_sums_exactly_with_remainders():
    plan = restitution_plan(parts([100, 100, 100]), 100)
    assert plan["recovered_share"].sum() == 100
    assert sorted(plan["recovered_share"]) == [33, 33, 34]


@pytest.mark.parametrize("seed", range(20))
def test_random_plans_sum_exactly(seed):
    rng = np.random.default_rng(seed)
    losses = rng.integers(1, 10**9, rng.integers(1, 300)).tolist()
    recovered = int(rng.integers(0, sum(losses) * 2))
    plan = restitution_plan(parts(losses), recovered)
    assert int(plan["recovered_share"].sum()) == min(recovered, sum(losses))
    assert (plan["recovered_share"] <= plan["net_loss"]).all()
    assert (plan["recovered_share"] >= 0).all()
    # each share within one cent of the exact pro-rata figure
    pot = min(recovered, sum(losses))
    exact = plan["net_loss"].astype(object) * pot / sum(losses)
    assert all(abs(s - e) < 1 for s, e in zip(plan["recovered_share"], exact, strict=True))


def test_more_recovered_than_lost_pays_everyone_in_full():
    plan = restitution_plan(parts([500, 250]), 10_000)
    assert plan["recovered_share"].tolist() == [500, 250]
    assert (plan["net_loss"] - plan["recovered_share"]).tolist() == [0, 0]


def test_person_with_two_cards_counts_once_and_gains_are_left_out():
    p = parts([300, 100, -50], persons=["X", "X", "Y"], back=[0, 0, 150])
    plan = restitution_plan(p, 200)
    assert plan["person"].tolist() == ["X"]
    assert plan["accounts"].tolist() == ["a0;a1"]
    assert plan["recovered_share"].tolist() == [200]


def test_ties_are_broken_by_person_id():
    plan = restitution_plan(parts([1, 1, 1], persons=["C", "A", "B"]), 2)
    got = dict(zip(plan["person"], plan["recovered_share"], strict=True))
    assert got == {"A": 1, "B": 1, "C": 0}


def test_huge_amounts_do_not_overflow():
    plan = restitution_plan(parts([9 * 10**15, 10**15]), 7 * 10**15 + 3)
    assert int(plan["recovered_share"].sum()) == 7 * 10**15 + 3


def test_negative_recovered_is_refused():
    with pytest.raises(ValueError):
        restitution_plan(parts([1]), -1)


def test_empty():
    assert restitution_plan(parts([]), 100).empty
