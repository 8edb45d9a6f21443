"""Roles, levels and structures on small hand-built tables."""

from __future__ import annotations

import pandas as pd

from fundgraph.analysis import find_structures
from tests.analysis.helpers import DAY, T0, WAN, pyramid_rows, table


def roles(t, **kw):
    return find_structures(t, **kw).accounts["role"]


def test_three_level_pyramid(pyramid):
    t, _ = pyramid
    r = find_structures(t)
    a = r.accounts
    assert a.loc["core", "role"] == "core"
    assert a.loc["lead", "role"] == "collector"
    assert a.loc[["sale1", "sale2"], "role"].tolist() == ["collector", "collector"]
    assert a.loc["pay", "role"] == "transit"
    assert a.loc["boss", "role"] == "beneficiary"
    assert a.loc["estate", "role"] == "beneficiary"
    assert a.loc["core", "level"] == 0
    assert a.loc["lead", "level"] == 1
    assert a.loc["sale1", "level"] == 2
    # participants: one level below the account they paid
    assert a.loc["p00", "level"] == 2  # paid the leader
    assert a.loc["p05", "level"] == 3  # paid a salesperson
    assert pd.isna(a.loc["boss", "level"])
    parts = a.index[a["role"] == "participant"]
    assert sorted(parts) == [f"p{i:02d}" for i in range(12)]
    assert len(r.structures) == 1
    s = r.structures[0]
    assert s.core == ("core",)
    assert s.collectors == {1: ("lead",), 2: ("sale1", "sale2")}
    assert s.transit == ("pay",)
    assert s.max_level == 3 and s.depth == 4
    assert s.beneficiaries == ("boss", "estate")
    assert a.loc[["boss", "estate"], "structure"].tolist() == [0, 0]


def test_investments_and_returns_exact(pyramid):
    t, expected = pyramid
    r = find_structures(t)
    paid = r.investments.groupby("src")["amount"].sum().to_dict()
    back = r.returns.groupby("dst")["amount"].sum().to_dict()
    assert paid == expected["paid_in"]
    assert back == expected["received_back"]


def shop_rows(n_customers=40, prefix="c"):
    rows = []
    for i in range(n_customers):
        for k in range(3):
            amt = 1_000 + (i * 7919 + k * 104_729) % 90_000  # irregular small sums
            rows.append((f"{prefix}{i}", "shop", amt, T0 + (i % 20 + 7 * k) * DAY))
    for w in range(8):
        rows.append(("shop", f"supplier{w % 3}", 500_000 + 1_234 * w, T0 + 7 * w * DAY, "货款"))
    return rows


def test_shop_is_not_a_scheme():
    r = find_structures(table(shop_rows()))
    assert r.structures == []
    assert set(r.accounts["role"]) == {"other"}


def test_shop_with_round_payments_and_no_returns_is_not_a_scheme():
    rows = [(f"c{i}", "shop", 2 * WAN, T0 + i * DAY) for i in range(20)]
    rows += [("shop", "supplier", 30 * WAN, T0 + 25 * DAY)]
    assert set(roles(table(rows))) == {"other"}


def payroll_rows(n=15, months=4, employer="factory"):
    rows = []
    for i in range(n):
        for m in range(months):
            rows.append(
                (employer, f"e{i}", 800_000 + 1_000 * (i % 5), T0 + (30 * m + 9) * DAY, "代发工资")
            )
    return rows


def test_payroll_is_not_a_scheme():
    r = find_structures(table(payroll_rows()))
    assert r.structures == []
    assert set(r.accounts["role"]) == {"other"}
    assert bool(r.accounts.loc["factory", "payroll"])


def test_landlord_is_not_a_scheme():
    rows = []
    for i in range(8):
        for m in range(6):
            rows.append((f"tenant{i}", "landlord", 5_000_00 * 1, T0 + (30 * m + i) * DAY))
        rows.append(("landlord", f"tenant{i}", 5_000_00, T0 + 200 * DAY, "押金退还"))
    rows.append(("landlord", "mortgage_bank", 20 * WAN, T0 + 40 * DAY))
    r = find_structures(table(rows))
    assert r.structures == []
    assert set(r.accounts["role"]) == {"other"}


def test_family_transfers_are_not_a_scheme():
    rows = []
    for m in range(6):
        rows.append(("wife", "husband", 1 * WAN, T0 + 30 * m * DAY))
        rows.append(("husband", "wife", 1 * WAN, T0 + (30 * m + 3) * DAY))
        rows.append(("son", "husband", 2 * WAN, T0 + (30 * m + 5) * DAY))
    assert set(roles(table(rows))) == {"other"}


def test_collector_salary_and_shopping_are_not_investments(pyramid):
    t, expected = pyramid
    extra = payroll_rows(n=6, months=4)
    extra += [("factory", "sale1", 812_300, T0 + (30 * m + 9) * DAY, "代发工资") for m in range(4)]
    extra += [("sale1", "shop", 23_456, T0 + 12 * DAY), ("sale1", "shop", 98_765, T0 + 40 * DAY)]
    extra += shop_rows(n_customers=30, prefix="cust")
    t2 = table(list(t[["src", "dst", "amount", "time", "memo"]].itertuples(index=False)) + extra)
    r = find_structures(t2)
    a = r.accounts
    assert a.loc["factory", "role"] == "other"
    assert a.loc["shop", "role"] == "other"
    assert a.loc["sale1", "role"] == "collector"
    paid = r.investments.groupby("src")["amount"].sum().to_dict()
    assert paid == expected["paid_in"]


def test_participant_salary_is_not_a_return(pyramid):
    t, expected = pyramid
    extra = payroll_rows(n=6, months=4)
    extra += [("factory", "p03", 650_000, T0 + (30 * m + 9) * DAY) for m in range(4)]
    t2 = table(list(t[["src", "dst", "amount", "time", "memo"]].itertuples(index=False)) + extra)
    r = find_structures(t2)
    back = r.returns.groupby("dst")["amount"].sum()
    assert back["p03"] == expected["received_back"]["p03"]


def test_two_schemes_are_two_structures():
    rows_a, _ = pyramid_rows(prefix="a_", seed=1)
    rows_b, _ = pyramid_rows(prefix="b_", seed=2, participants=8)
    r = find_structures(table(rows_a + rows_b))
    assert len(r.structures) == 2
    cores = sorted(c for s in r.structures for c in s.core)
    assert cores == ["a_core", "b_core"]
    # numbered by amount absorbed, largest first
    assert r.structures[0].absorbed >= r.structures[1].absorbed


def test_interest_returns_without_payout_account():
    rows = []
    for i in range(6):
        rows.append((f"p{i}", "boss_card", 5 * WAN, T0 + i * DAY))
        for m in (1, 2, 3):
            rows.append(("boss_card", f"p{i}", 1_000_00, T0 + (i + 30 * m) * DAY))
    r = find_structures(table(rows))
    a = r.accounts
    assert a.loc["boss_card", "role"] == "core"
    assert (a.loc[[f"p{i}" for i in range(6)], "role"] == "participant").all()
    assert r.returns["amount"].sum() == 6 * 3 * 1_000_00


def test_accepts_a_multigraph(pyramid):
    from fundgraph.graph import transfer_multigraph

    t, _ = pyramid
    G = transfer_multigraph(t)
    assert find_structures(G).accounts.loc["core", "role"] == "core"


def test_deterministic(pyramid):
    t, _ = pyramid
    a = find_structures(t).accounts
    b = find_structures(t.sample(frac=1, random_state=3)).accounts
    pd.testing.assert_frame_equal(a, b)


def test_pass_through_between_collector_and_core_is_transit():
    rows = []
    for i in range(6):
        rows.append((f"p{i}", "col", 5 * WAN, T0 + i * DAY))
        for m in (1, 2):
            rows.append(("core", f"p{i}", 1_000_00, T0 + (i + 30 * m) * DAY))
    rows.append(("col", "relay", 30 * WAN, T0 + 6 * DAY))
    rows.append(("relay", "core", 30 * WAN, T0 + 6 * DAY + pd.Timedelta(hours=2)))
    a = find_structures(table(rows)).accounts
    assert a.loc[["core", "relay", "col", "p0"], "role"].tolist() == [
        "core",
        "transit",
        "collector",
        "participant",
    ]
    assert a.loc[["core", "relay", "col", "p0"], "level"].tolist() == [0, 1, 2, 3]


def test_steady_payments_are_recurring_uneven_ones_are_not():
    # monthly rent (a day or two late now and then) and quarterly rent are everyday
    # payments; the same sum paid three times 11 and 38 days apart is not
    from fundgraph.analysis.coded import code_transfers
    from fundgraph.analysis.rules import DEFAULT_RULES
    from fundgraph.analysis.structures import _recurring, transfers_table

    days = {"monthly": [0, 31, 59, 92, 120], "quarterly": [0, 91, 182], "uneven": [17, 28, 66]}
    rows = [(k, "ll", 300_000, T0 + x * DAY) for k, xs in days.items() for x in xs]
    c = code_transfers(transfers_table(table(rows)), None)
    rec = _recurring(c, DEFAULT_RULES)
    got: dict[str, set[bool]] = {}
    for s, v in zip(c.s, rec, strict=True):
        got.setdefault(str(c.nodes[s]), set()).add(bool(v))
    assert got == {"monthly": {True}, "quarterly": {True}, "uneven": {False}}
