"""Every alert code on a small table, and reading watchlists."""

from __future__ import annotations

import pandas as pd
import pytest

from fundgraph.analysis import account_alerts, analyze_case, read_watchlist
from fundgraph.case import Case
from fundgraph.errors import InputError
from fundgraph.results import Alert, alert_texts
from tests.analysis.helpers import DAY, T0, WAN, table


def alerts_for(rows, names=None, **kw):
    """The alerts as ``alerts.csv`` gives them (reasons as text in the run's language)."""
    case = analyze_case(Case(transfers=table(rows, names=names)), **kw)
    return alert_texts(case.alerts, case.lang).set_index("account"), case


def codes(al, account):
    return al.loc[account, "codes"].split(";") if account in al.index else []


def test_fast_in_fast_out_with_dwell_hours():
    rows = []
    for i in range(6):
        rows.append((f"s{i}", "mule", 20 * WAN + i * 1_234, T0 + i * DAY))
        rows.append(("mule", "sink", 20 * WAN + i * 1_234, T0 + i * DAY + pd.Timedelta(hours=5)))
    al, case = alerts_for(rows, lang="en")
    assert "fast_in_fast_out" in codes(al, "mule")
    assert "5.0 h" in al.loc["mule", "reasons"]
    acc = case.accounts.set_index("account")
    assert acc.loc["mule", "median_dwell_hours"] == pytest.approx(5.0)


def test_cycle():
    rows = []
    for k in range(3):
        rows += [
            ("a", "b", 30 * WAN, T0 + k * DAY),
            ("b", "c", 30 * WAN, T0 + k * DAY + DAY / 4),
            ("c", "a", 30 * WAN, T0 + k * DAY + DAY / 2),
        ]
    al, _ = alerts_for(rows)
    for x in "abc":
        assert "cycle" in codes(al, x)


def test_fan_in_counts_round_investment_payers():
    rows = [(f"p{i}", "hub", 5 * WAN, T0 + i * DAY) for i in range(12)]
    al, case = alerts_for(rows, lang="en")
    assert "fan_in" in codes(al, "hub")
    assert "12 distinct" in al.loc["hub", "reasons"]
    # in memory a reason is its code and figures, made text only when shown
    typed = case.alerts.set_index("account").loc["hub", "reasons"]
    assert Alert("fan_in", {"n": 12, "days": 30}) in typed
    assert "12 个不同账户转入" in "\n".join(x.text("zh") for x in typed)


def test_fan_out_to_persons_but_not_payroll():
    rows = [("spray", f"r{i}", 3 * WAN + 17 * i, T0 + i * DAY) for i in range(12)]
    rows += [
        ("factory", f"e{i}", 800_000, T0 + (30 * m + 9) * DAY) for i in range(12) for m in range(3)
    ]
    al, _ = alerts_for(rows)
    assert "fan_out" in codes(al, "spray")
    assert "fan_out" not in codes(al, "factory")


def test_structuring_below_reporting_limits():
    rows = [("", "smurf", 49_000_00, T0 + i * DAY) for i in range(4)]  # cash just below 5万
    rows += [("p", "q", 49 * WAN + 5_000_00, T0 + i * DAY) for i in range(3)]  # below 50万
    al, _ = alerts_for(rows)
    assert "structuring" in codes(al, "smurf")
    assert "structuring" in codes(al, "q")


def test_structuring_cash_limit_needs_cash():
    """49,000 yuan from a counterparty the statement leaves blank is no cash deposit."""
    rows = [("", "smurf", 49_000_00, T0 + i * DAY) for i in range(4)]
    t = table(rows)
    t["counterparty_kind"] = "unknown"
    case = analyze_case(Case(transfers=t))
    al = case.alerts.set_index("account")
    assert "structuring" not in codes(al, "smurf")
    t["counterparty_kind"] = "cash"
    al = analyze_case(Case(transfers=t)).alerts.set_index("account")
    assert "structuring" in codes(al, "smurf")


def test_round_amounts_and_night_activity():
    rows = [
        ("x", f"y{i % 3}", 2 * WAN, T0.normalize() + i * DAY + pd.Timedelta(hours=2))
        for i in range(12)
    ]
    al, _ = alerts_for(rows)
    assert "round_amounts" in codes(al, "x")
    assert "night_activity" in codes(al, "x")


def test_dates_without_time_are_not_night():
    rows = [("x", f"y{i % 3}", 12_345, T0.normalize() + i * DAY) for i in range(12)]
    al, _ = alerts_for(rows)
    assert "night_activity" not in codes(al, "x")


def test_keyword_name():
    rows = [("a", "b", 12_345, T0)]
    al, _ = alerts_for(rows, names={"b": "某某投资咨询有限公司", "a": "张三"}, lang="zh")
    assert codes(al, "b") == ["keyword_name"]
    assert "投资咨询" in al.loc["b", "reasons"]
    assert "a" not in al.index


def test_watchlist_by_name_id_and_account(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("name,id,account\n李四,,\n,ID-9,\n,,acct-c\n", encoding="utf-8")
    wl = read_watchlist(p)
    t = table([("a", "b", 100, T0), ("c", "a", 100, T0)], names={"a": "李四"}, ids={"b": "ID-9"})
    case = analyze_case(Case(transfers=t), watchlist=wl)
    # the holder id reaches the accounts table from the transfers
    al = case.alerts.set_index("account")
    assert codes(al, "a") == ["watchlist"]
    assert codes(al, "b") == ["watchlist"]
    t2 = table([("acct-c", "z", 100, T0)])
    assert codes(
        analyze_case(Case(transfers=t2), watchlist=wl).alerts.set_index("account"), "acct-c"
    ) == ["watchlist"]


def test_scores_rank_scheme_accounts_first(pyramid):
    t, _ = pyramid
    case = analyze_case(Case(transfers=t))
    top = case.alerts["account"].iloc[0]
    assert top in {"core", "lead", "sale1", "sale2"}
    assert list(case.alerts["score"]) == sorted(case.alerts["score"], reverse=True)
    acc = case.accounts.set_index("account")
    assert acc.loc["core", "alert_score"] > 0
    assert "scheme_role" in case.alerts.set_index("account").loc["core", "codes"]


def test_account_alerts_on_empty_accounts():
    empty = pd.DataFrame(columns=["account", "holder_name", "role"])
    assert account_alerts(empty, table([("a", "b", 1, T0)])).empty


# --- watchlist files -------------------------------------------------------------------


def test_watchlist_one_entry_per_line_txt(tmp_path):
    p = tmp_path / "w.txt"
    p.write_text("张三\n\n622202000011112222\n110101199001011234\n", encoding="utf-8")
    wl = read_watchlist(p)
    assert wl["kind"].unique().tolist() == ["any"]
    assert wl["value"].tolist() == ["110101199001011234", "622202000011112222", "张三"]


def test_watchlist_gbk_with_chinese_headers(tmp_path):
    p = tmp_path / "w.csv"
    p.write_bytes("姓名,身份证号,账号\n王五,1101,6222\n".encode("gbk"))
    wl = read_watchlist(p)
    assert wl.values.tolist() == [["account", "6222"], ["id", "1101"], ["name", "王五"]]


def test_watchlist_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_watchlist(tmp_path / "missing.csv")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_watchlist(empty)
    binary = tmp_path / "w.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00\x00binary")
    with pytest.raises(InputError, match="not a text file"):
        read_watchlist(binary)
