"""analyze_case end to end: summary, participants by person, determinism, files."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

from fundgraph.analysis import analyze_case
from fundgraph.case import Case, write_case_data
from fundgraph.money import cents
from fundgraph.results import CaseSummary
from fundgraph.schema import ACCOUNTS, PARTICIPANTS
from tests.analysis.helpers import DAY, T0, WAN, pyramid_rows, table


def pyramid_case(**kw):
    rows, expected = pyramid_rows(**kw)
    # noise around the scheme: a shop, a payroll, a landlord
    rows += [(f"cust{i}", "shop", 1_000 + 37 * i * i, T0 + i * DAY) for i in range(30)]
    rows += [("shop", "wholesale", 50_000, T0 + 9 * DAY)]
    rows += [
        ("factory", f"w{i}", 700_000 + 100 * i, T0 + (30 * m + 9) * DAY, "代发工资")
        for i in range(8)
        for m in range(3)
    ]
    rows += [("p03", "landlord", 3_000_00, T0 + 30 * m * DAY) for m in range(4)]
    return table(rows), expected


def test_summary_and_tables():
    t, expected = pyramid_case()
    c = analyze_case(
        Case(transfers=t, summary=CaseSummary(rows_read=7)), recovered=1_000_00, lang="en"
    )
    s = c.summary
    assert s.rows_read == 7  # the pipeline's figures are kept
    paid = sum(expected["paid_in"].values())
    back = sum(expected["received_back"].values())
    assert s.total_absorbed == paid
    assert s.direct_loss == paid - back
    assert s.to_dict()["total_absorbed"] == Decimal(paid) / 100
    assert s.participant_persons == s.participant_accounts == 12
    assert s.max_level == 3
    assert s.structures == 1 and s.communities >= 1
    assert len(s.thresholds) >= 9
    assert list(c.accounts.columns[: len(ACCOUNTS)]) == list(ACCOUNTS)
    assert list(c.participants.columns) == list(PARTICIPANTS)
    roles = c.accounts.set_index("account")["role"]
    for acct in ("shop", "factory", "landlord", "wholesale", "cust3", "w1"):
        assert roles[acct] == "other", acct
    assert int(c.restitution["recovered_share"].sum()) == 1_000_00
    assert set(c.communities.columns) >= {
        "community",
        "size",
        "core",
        "amount",
        "top_accounts",
    }
    st = c.structures[0]
    assert st.participant_persons == 12 and st.absorbed == paid


def test_participant_with_two_cards_is_one_person():
    rows, _ = pyramid_rows()
    rows += [("p00b", "sale1", 3 * WAN, T0 + 40 * DAY)]
    ids = {"p00": "110101199001011234", "p00b": "110101199001011234"}
    c = analyze_case(Case(transfers=table(rows, ids=ids)))
    p = c.participants.set_index("account")
    assert p.loc["p00", "person"] == p.loc["p00b", "person"] == "110101199001011234"
    assert c.summary.participant_accounts == 13
    assert c.summary.participant_persons == 12


def test_holder_id_from_the_participants_own_statement():
    rows, _ = pyramid_rows()
    t = table(rows)
    tx = pd.DataFrame(
        {
            "account": ["p05"],
            "holder_id": ["ID-5"],
            "holder_name": ["赵六"],
            "counterparty": ["sale2"],
            "counterparty_id": [""],
            "counterparty_name": [""],
        }
    )
    c = analyze_case(Case(transfers=t, transactions=tx))
    p = c.participants.set_index("account")
    assert p.loc["p05", "person"] == "ID-5"
    assert p.loc["p05", "holder_name"] == "赵六"
    assert p.loc["p06", "person"] == "p06"


def test_net_loss_exact_per_participant():
    t, expected = pyramid_case(seed=4)
    p = analyze_case(Case(transfers=t)).participants.set_index("account")
    for acct, paid in expected["paid_in"].items():
        back = expected["received_back"].get(acct, 0)
        assert p.loc[acct, "paid_in"] == paid
        assert p.loc[acct, "received_back"] == back
        assert p.loc[acct, "net_loss"] == paid - back


def test_deterministic_and_order_independent():
    t, _ = pyramid_case()
    a = analyze_case(Case(transfers=t))
    b = analyze_case(Case(transfers=t.sample(frac=1, random_state=1).reset_index(drop=True)))
    pd.testing.assert_frame_equal(a.accounts, b.accounts)
    pd.testing.assert_frame_equal(a.participants, b.participants)
    pd.testing.assert_frame_equal(a.alerts, b.alerts)
    assert a.structures == b.structures


def test_no_scheme_at_all():
    rows = [(f"cust{i}", "shop", 1_000 + 37 * i, T0 + i * DAY) for i in range(30)]
    c = analyze_case(Case(transfers=table(rows)))
    assert c.participants.empty and c.structures == []
    assert c.summary.total_absorbed == 0
    assert c.summary.max_level == 0
    assert not any(r.met for r in c.summary.thresholds)
    assert set(c.accounts["role"]) == {"other"}


def test_empty_case():
    c = analyze_case(Case())
    assert c.accounts.empty and c.participants.empty and c.alerts.empty


def test_written_case_files(tmp_path):
    t, _ = pyramid_case()
    c = analyze_case(Case(transfers=t), recovered=5_000_00)
    write_case_data(c, tmp_path)
    st = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    assert st[0]["core"] == ["core"]
    assert (tmp_path / "restitution.csv").is_file()
    assert (tmp_path / "communities.csv").is_file()


def f1(pred: pd.Series, true: pd.Series) -> float:
    tp = int((pred & true).sum())
    return tp / max(1, tp + (int((pred & ~true).sum()) + int((~pred & true).sum())) / 2)


@pytest.mark.slow
def test_against_generated_case(tmp_path):
    from fundgraph import pipeline, synth

    truth = synth.generate_case(tmp_path / "case", seed=11, participants=60)
    c = pipeline.build_case([tmp_path / "case" / "exports"], lang="en")
    acc = c.accounts.set_index("account")
    true_role = pd.Series({k: v["role"] for k, v in truth["accounts"].items()})
    pred = acc["role"].reindex(true_role.index).fillna("other")
    scheme = {"core", "collector", "transit"}
    assert f1(pred.isin(scheme), true_role.isin(scheme)) >= 0.95
    assert f1(pred == "participant", true_role == "participant") >= 0.97
    assert c.summary.total_absorbed == cents(truth["total_absorbed"])
    assert c.summary.direct_loss == cents(truth["direct_loss"])
    shops = [k for k, v in truth["accounts"].items() if v.get("kind") == "shop"]
    assert all(pred[k] == "other" for k in shops)
