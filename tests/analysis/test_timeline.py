"""The scheme over time on a hand-made case whose every sum is worked out below."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph.analysis.timeline import scheme_flows, timeline, timeline_facts
from fundgraph.case import Case
from fundgraph.errors import InputError
from fundgraph.results import CaseSummary

# core <- col (level 1) <- participants p1, p2 (one person: ID1), q, r
ACCOUNTS = pd.DataFrame(
    {
        "account": ["core", "col", "pay", "p1", "p2", "q", "r", "boss", "shop"],
        "role": [
            "core",
            "collector",
            "transit",
            "participant",
            "participant",
            "participant",
            "participant",
            "beneficiary",
            "other",
        ],
        "level": pd.array([0, 1, 1, 2, 2, 2, 2, None, None], dtype="Int64"),
        "structure": pd.array([0, 0, 0, 0, 0, 0, 0, 0, None], dtype="Int64"),
    }
)
ROWS = [
    # (src, dst, cents, time, memo)
    ("p1", "col", 1_000_000, "2022-01-03 10:00", ""),  # 0 deposit, ID1 first
    ("col", "core", 1_000_000, "2022-01-03 12:00", ""),  # 1 passed up
    ("q", "col", 2_000_000, "2022-02-01 10:00", ""),  # 2 deposit, q first
    ("col", "core", 2_000_000, "2022-02-01 11:00", ""),  # 3
    ("core", "pay", 500_000, "2022-02-02 09:00", ""),  # 4 funding the payout account
    ("pay", "p1", 300_000, "2022-02-03 09:00", ""),  # 5 return to ID1
    ("core", "col", 60_000, "2022-02-05 09:00", ""),  # 6 commission
    ("p2", "core", 500_000, "2022-03-01 10:00", ""),  # 7 deposit, ID1 again
    ("r", "core", 700_000, "2022-03-02 10:00", "工资"),  # 8 salary memo: not a deposit
    ("pay", "q", 200_000, "2022-03-03 09:00", ""),  # 9 return to q
    ("core", "boss", 1_500_000, "2022-03-20 09:00", ""),  # 10 to a beneficiary
    ("core", "", 400_000, "2022-04-01 09:00", ""),  # 11 cash
    ("core", "p1", 1_000_000, "2022-04-10 09:00", ""),  # 12 redemption to ID1
    ("col", "shop", 500, "2022-04-11 09:00", ""),  # 13 everyday: no flow
]
PARTICIPANTS = pd.DataFrame(
    {
        "account": ["p1", "p2", "q"],
        "person": ["ID1", "ID1", "q"],
        "paid_in": [1_000_000, 500_000, 2_000_000],
        "received_back": [1_300_000, 0, 200_000],
    }
)


def make_case():
    t = pd.DataFrame(ROWS, columns=["src", "dst", "amount", "time", "memo"])
    t["time"] = pd.to_datetime(t["time"])
    t["transfer_id"] = range(len(t))
    return Case(transfers=t, accounts=ACCOUNTS.copy(), participants=PARTICIPANTS.copy())


def test_flows_classified():
    fl = scheme_flows(make_case()).set_index("transfer_id")
    assert fl.loc[[0, 2, 7], "flow"].tolist() == ["deposits_in"] * 3
    assert fl.loc[[5, 9, 12], "flow"].tolist() == ["returns_out"] * 3
    assert fl.loc[6, "flow"] == "commissions"
    assert fl.loc[10, "flow"] == "to_beneficiaries"
    assert fl.loc[11, "flow"] == "cash_out"
    assert fl.loc[[1, 3, 4, 8, 13], "flow"].tolist() == [""] * 5
    assert fl.loc[[0, 7, 5], "person"].tolist() == ["ID1", "ID1", "ID1"]


def test_monthly_series_by_hand():
    tl = timeline(make_case())
    assert tl["period"].tolist() == ["2022-01", "2022-02", "2022-03", "2022-04"]
    assert tl["deposits_in"].tolist() == [1_000_000, 2_000_000, 500_000, 0]
    assert tl["returns_out"].tolist() == [0, 300_000, 200_000, 1_000_000]
    assert tl["commissions"].tolist() == [0, 60_000, 0, 0]
    assert tl["to_beneficiaries"].tolist() == [0, 0, 1_500_000, 0]
    assert tl["cash_out"].tolist() == [0, 0, 0, 400_000]
    assert tl["new_participants"].tolist() == [1, 1, 0, 0]
    # core: +100k | +200k -50k -6k | +50k +70k -150k | -40k -100k
    assert tl["core_balance"].tolist() == [1_000_000, 2_440_000, 2_140_000, 740_000]
    for c in ("deposits_in", "returns_out", "core_balance", "new_participants"):
        assert tl[c].dtype == "int64"


def test_series_sum_to_participants_totals():
    case = make_case()
    for by in ("month", "week", "day"):
        tl = timeline(case, by=by)
        assert int(tl["deposits_in"].sum()) == int(case.participants["paid_in"].sum())
        assert int(tl["returns_out"].sum()) == int(case.participants["received_back"].sum())
        assert int(tl["new_participants"].sum()) == case.participants["person"].nunique()
    week = timeline(case, by="week")
    assert week["period"].iloc[0] == "2022-01-03"  # a Monday
    assert (week["period_start"].dt.day_of_week == 0).all()
    assert len(timeline(case, by="day")) == 98  # 2022-01-03 .. 2022-04-10, empty days kept


def test_filters():
    case = make_case()
    only_col = timeline(case, account="col")
    assert int(only_col["deposits_in"].sum()) == 3_000_000
    assert int(only_col["returns_out"].sum()) == 0
    assert only_col["core_balance"].iloc[-1] == 1_000_000 + 2_000_000 + 60_000 - 3_000_000 - 500
    assert timeline(case, structure=0)["deposits_in"].sum() == 3_500_000
    with pytest.raises(InputError):
        timeline(case, structure=7)
    with pytest.raises(InputError):
        timeline(case, by="year")
    with pytest.raises(InputError):
        timeline(Case())


def test_facts_by_hand():
    f = timeline_facts(make_case())
    # Jan 0 > 1M no; Feb 300k > 2M no; Mar 200k < 500k; Apr 1M > 0: first and only
    p = f.payouts_exceed_deposits
    assert p.period == "2022-04"
    assert p.transfer_ids == (12,)
    assert f.last_deposit.transfer_id == 7
    assert f.last_deposit.date == "2022-03-01"
    c = f.collapse_date
    assert c.date == "2022-04-10" and c.transfer_ids == (12,)
    assert c.days_after_last_deposit == 40
    # FIFO through col/core/pay, every entering sum labelled by its transfer:
    #  col: [p1 1M] -> core (#1); [q 2M] -> core (#3)
    #  core: [p1 1M, q 2M]; #4 500k to pay = p1's; #6 60k = p1's; then +p2 500k, +r 700k
    #  pay #5 300k to p1 = p1's own money (not counted)
    #  pay #9 200k to q = p1's money (ID1 deposited 2022-01-03, before q's first deposit): no
    #  core: [p1 440k, q 2M, p2 500k, r 700k]; #10 1.5M = p1 440k + q 1.06M; #11 400k = q's
    #  #12 1M to p1 (ID1, first deposit 2022-01-03) = q's 540k + p2's 460k (ID1: own) -> 540k
    s = f.returns_funded_by_later_deposits_share
    assert s.returns == 1_500_000
    assert s.funded_by_later == 540_000
    assert s.transfer_ids == (12,)
    assert s.share == pytest.approx(540_000 / 1_500_000)
    # LIFO: core [p1 1M, q 2M]; #4 500k to pay = q's; #5 300k to p1 = q's (later, other): 300k
    #  #6 60k = q's; core [p1 1M, q 1.44M, p2 500k, r 700k]; #9 200k to q = q's own: no
    #  #10 1.5M = r 700k + p2 500k + q 300k; #11 400k = q's; #12 1M = q 740k + p1 260k: 740k
    lifo = timeline_facts(make_case(), method="lifo").returns_funded_by_later_deposits_share
    assert lifo.returns == 1_500_000
    assert lifo.funded_by_later == 300_000 + 740_000
    assert lifo.transfer_ids == (5, 12)


def test_facts_with_no_returns():
    case = make_case()
    case.transfers = case.transfers[case.transfers["transfer_id"].isin([0, 1, 2, 3])]
    f = timeline_facts(case)
    assert f.payouts_exceed_deposits is None
    assert f.collapse_date is None
    assert f.last_deposit.transfer_id == 2


def test_withdrawal_to_an_unnamed_counterparty_is_not_cash():
    case = make_case()
    t = case.transfers
    cash_row = t.index[t["transfer_id"] == 11][0]
    case.transfers["counterparty_kind"] = [
        "cash" if (s == "" or d == "") else "account"
        for s, d in zip(t["src"], t["dst"], strict=True)
    ]
    case.transfers.loc[cash_row, "counterparty_kind"] = "unknown"
    fl = scheme_flows(case).set_index("transfer_id")
    assert fl.loc[11, "flow"] == "to_unknown"
    tl = timeline(case)
    assert tl["cash_out"].tolist() == [0, 0, 0, 0]
    assert tl["to_unknown"].tolist() == [0, 0, 0, 400_000]


def test_other_currencies_stay_out_of_the_series():
    case = make_case()
    base = timeline(case)
    hkd = case.transfers.iloc[[0]].copy()  # a second deposit from p1, in HKD
    hkd["transfer_id"] = len(case.transfers)
    hkd["currency"] = "HKD"
    case.transfers["currency"] = "CNY"
    case.transfers = pd.concat([case.transfers, hkd], ignore_index=True)
    case.summary = CaseSummary(currency="CNY")
    tl = timeline(case)
    assert tl["deposits_in"].tolist() == base["deposits_in"].tolist()
    case.summary = CaseSummary()  # without a stated main currency every row counts, as before
    assert timeline(case)["deposits_in"].iloc[0] == base["deposits_in"].iloc[0] + 1_000_000
