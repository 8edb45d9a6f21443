"""Ranking rules on the hand-built feed (see conftest.py) and on tiny hand-made aggregates."""

from __future__ import annotations

import pandas as pd

from fundgraph.screen import aggregate_rows, merge_aggregates, rank_accounts
from tests.screen.feed_case import C2, P01, TIERS, C, E, K, Q, S


def _row(table, acct):
    hit = table[table["account"] == acct]
    return hit.iloc[0] if len(hit) else None


def test_collector_ranks_above_shop_and_payroll(full_run):
    table = full_run[0].table
    assert S not in set(table["account"]) and E not in set(table["account"])  # below --min-score
    everything = rank_accounts(full_run[0].aggregates, lang="en", min_score=0)
    rank = dict(zip(everything["account"], everything["rank"], strict=True))
    assert rank[C] < rank[S]
    assert E not in rank or rank[C] < rank[E]
    c = _row(table, C)
    for code in ("many_payers", "tiered_sums", "fast_forwarding", "concentration", "sudden_growth"):
        assert code in c["codes"].split(";"), code
    shop = _row(everything, S)
    assert "many_payers" in shop["codes"]
    assert "tiered_sums" not in shop["codes"] and "fast_forwarding" not in shop["codes"]
    payroll = _row(everything, E)
    assert payroll is None or "many_payers" not in payroll["codes"]


def test_collector_money_counted_once(full_run):
    """C's statement is in the feed twice (a resent copy) and P01's statement shows one of
    the same payments: C's money in is still each payment once."""
    c = _row(full_run[0].table, C)
    paid = sum(TIERS[i % 3] for i in range(40)) + 2 * 300_000
    assert int(c["in_amount"]) == paid
    assert int(c["payers"]) == 41 and int(c["natural_payers"]) == 41
    # P01 paid once: its own statement shows one payment out
    pairs = full_run[0].aggregates["pairs"]
    mine = pairs[(pairs["src"] == P01) & (pairs["dst"] == C)]
    assert sorted(mine["seen"]) == ["dst", "src"]
    assert mine["n"].tolist() == [1, 1]


def test_core_upstream_and_returns(full_run):
    k = _row(full_run[0].table, K)
    codes = k["codes"].split(";")
    assert "upstream_of_collectors" in codes and "periodic_payouts" in codes
    assert "keyword_name" in codes
    assert "2 fan-in accounts" in k["reasons"] and C in k["reasons"] and C2 in k["reasons"]
    assert "40 payees" in k["reasons"]


def test_keyword_name(full_run):
    q = _row(full_run[0].table, Q)
    assert q["codes"] == "keyword_name"
    assert '"投资理财"' in q["reasons"]  # the most specific word


def test_tier_amounts_not_round(full_run):
    c = _row(full_run[0].table, C)
    assert "round_sums" not in c["codes"]  # 20,666 / 30,888 / 9,980 are no multiples of 1,000
    assert "¥20,666.00×14" in c["reasons"]


def _rows(records):
    df = pd.DataFrame(
        records,
        columns=["account", "direction", "counterparty", "counterparty_name", "amount", "time"],
    )
    df["time"] = pd.to_datetime(df["time"])
    for c in (
        "source_file",
        "source_sheet",
        "holder_name",
        "holder_id",
        "counterparty_id",
        "reference",
        "currency",
        "memo",
        "channel",
    ):
        df[c] = ""
    df["source_file"] = "x.csv"
    return df


def test_watchlist_hits_name_id_and_account():
    rows = _rows([("A1", "in", "B1", "周八", 5_000, "2024-01-01 10:00")])
    agg = aggregate_rows(rows)
    wl = pd.DataFrame({"kind": ["name", "account"], "value": ["周八", "A1"]})
    table = rank_accounts(agg, watchlist=wl, lang="en")
    assert table.set_index("account")["codes"].to_dict() == {"A1": "watchlist", "B1": "watchlist"}
    assert "on the watch list: 周八" in table.set_index("account").at["B1", "reasons"]


def test_fast_forwarding_is_first_in_first_out():
    # 10 persons pay 1万 each at 09:00 on day 1; 5万 leaves 3 h later, 5万 four days later
    recs = [("X", "in", f"P{i}", f"张{i}", 1_000_000, "2024-03-01 09:00") for i in range(10)]
    recs += [
        ("X", "out", "U", "上家", 5_000_000, "2024-03-01 12:00"),
        ("X", "out", "U", "上家", 5_000_000, "2024-03-05 09:00"),
    ]
    table = rank_accounts(aggregate_rows(_rows(recs)), lang="en")
    assert "fast_forwarding" not in table.set_index("account").at["X", "codes"]  # only 50 % fast
    recs[-1] = ("X", "out", "U", "上家", 5_000_000, "2024-03-02 08:00")  # 23 h later
    table = rank_accounts(aggregate_rows(_rows(recs)), lang="en")
    x = table.set_index("account").loc["X"]
    assert "fast_forwarding" in x["codes"]
    assert "100% of the money in left within 48 h (median dwell 3 h)" in x["reasons"]


def test_merge_is_exact_and_order_free():
    recs = [
        ("X", "in", f"P{i}", f"张{i}", 100 + i, f"2024-0{1 + i % 3}-0{1 + i % 5} 10:00")
        for i in range(12)
    ]
    rows = _rows(recs)
    whole = aggregate_rows(rows)
    a, b = rows.iloc[:5], rows.iloc[5:]
    # rows of one account split between two parts: exact for sums, counts, min/max
    merged = merge_aggregates(aggregate_rows(b), aggregate_rows(a))
    for name in ("pairs", "amounts", "months", "hours"):
        pd.testing.assert_frame_equal(merged[name], whole[name])
    assert int(whole["pairs"]["amount"].sum()) == sum(100 + i for i in range(12))


def test_standing_orders_are_not_tiers():
    # a landlord: 12 tenants pay 3,000 元 on the 1st of four months; the same 12 paying
    # 3,000 元 once each would be a tier
    recs = [
        ("L", "in", f"T{i}", f"租{i}", 300_000, f"2024-0{m}-01 10:00")
        for i in range(12)
        for m in range(1, 5)
    ]
    table = rank_accounts(aggregate_rows(_rows(recs)), lang="en")
    assert table.set_index("account").at["L", "codes"] == "many_payers"
    once = [("L", "in", f"T{i}", f"租{i}", 300_000, "2024-01-01 10:00") for i in range(12)]
    table = rank_accounts(aggregate_rows(_rows(once)), lang="en")
    assert table.set_index("account").at["L", "codes"] == "many_payers;tiered_sums"


def test_min_score_keeps_named_hits():
    recs = [("X", "in", f"P{i}", f"张{i}", 5_000, "2024-01-01 10:00") for i in range(12)]
    recs.append(("Y", "in", "Z", "某某投资有限公司", 100, "2024-01-01 10:00"))
    table = rank_accounts(aggregate_rows(_rows(recs)), lang="en", min_score=3.0)
    assert table["account"].tolist() == ["Z"]  # X: many small payers only, 1.5 < 3


def _upstream_case(paid, payers: int, prefix: str, up: str):
    """Three accounts each paid by ``payers`` persons (``paid(i)`` cents, spread over
    days) and sweeping each day's money to ``up`` at 22:00."""
    recs = []
    for s in range(3):
        acct = f"{prefix}{s}"
        for i in range(payers):
            day = 1 + i % 9
            recs.append(
                (acct, "in", f"{prefix}P{s}-{i}", f"刘{s}{i}", paid(i), f"2024-04-{day:02d} 10:00")
            )
        for day in range(1, 10):
            total = sum(paid(i) for i in range(payers) if 1 + i % 9 == day)
            recs.append((acct, "out", up, "", total, f"2024-04-{day:02d} 22:00"))
    return recs


def test_core_behind_collectors_of_many_persons_is_listed():
    """A fraud core that only salespeople pay (no returns, few payers of its own) is listed
    by what ends up there: the investment-sized money of many persons; a chain's head office
    that its shops sweep their small takings to is structurally the same but is not."""
    fraud = _upstream_case(lambda i: (2_000_000, 5_000_000, 10_000_000)[i % 3], 12, "S", "F")
    shops = _upstream_case(lambda i: 9_000 + 731 * (i % 11), 450, "M", "H")
    everything = rank_accounts(aggregate_rows(_rows(fraud + shops)), lang="en", min_score=0)
    by = everything.set_index("account")
    assert by.at["F", "codes"] == by.at["H", "codes"] == "upstream_of_collectors"
    assert "36 natural persons paid them" in by.at["F", "reasons"]
    assert "1350 natural persons paid them" in by.at["H", "reasons"]
    assert by.at["F", "score"] > by.at["H", "score"] == 2.5
    listed = rank_accounts(aggregate_rows(_rows(fraud + shops)), lang="en", min_score=3.0)
    assert "F" in set(listed["account"]) and "H" not in set(listed["account"])
    for s in range(3):  # the feeders themselves are listed either way
        assert f"S{s}" in set(listed["account"]) and f"M{s}" in set(listed["account"])
