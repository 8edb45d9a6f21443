"""Made-up files that reproduce each real layout (headers, title lines, value spellings,
footers) with rows of our own, and the police 查询反馈 return. Every expectation below was
computed by hand from the rows in ``tests/data/layouts``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundgraph.ingest import build_transfers, read_exports

DATA = Path(__file__).resolve().parents[1] / "data" / "layouts"

# file -> (rows read, own account, account_source, {(currency, direction): (n, cents)},
#          [(row, reject code)], counterparty accounts, {row: (direction, cents, kind)})
EXPECTED = {
    "alipay.csv": (
        8,
        "me@example.com",
        "title",
        {("", "in"): (3, 55050), ("", "out"): (4, 15700)},
        [(18, "order_closed")],
        {"abc***@x.com", "card***@z.com", "def***@y.com"},
        {16: ("in", 3000, "unknown"), 19: ("out", 4000, "account"), 22: ("out", 500, "unknown")},
    ),
    "wechat.csv": (
        9,
        "@[小明]",
        "derived",
        {("", "in"): (3, 40000), ("", "out"): (5, 405655)},
        [(13, "internal_transfer")],
        set(),
        {
            11: ("in", 30000, "unknown"),
            12: ("out", 5005, "unknown"),
            16: ("out", 150000, "unknown"),
            17: ("out", 150000, "unknown"),
        },
    ),
    "icbc-debit.csv": (
        4,
        "6212****0001",
        "title",
        {("CNY", "in"): (1, 800000), ("CNY", "out"): (2, 128880)},
        [(12, "totals_line")],
        set(),
        {8: ("out", 8880, "unknown")},
    ),
    "icbc-credit.csv": (
        4,
        "6222****0002",
        "title",
        {("CNY", "in"): (1, 100000), ("CNY", "out"): (2, 7650)},
        [(12, "totals_line")],
        set(),
        {9: ("in", 100000, "unknown")},
    ),
    "cmb-debit.csv": (
        4,
        "@cmb-debit.csv",
        "derived",
        {("CNY", "in"): (1, 300000), ("CNY", "out"): (3, 71230)},
        [],
        {"12121212121", "62226666666666", "77777777"},
        {3: ("out", 50000, "account"), 4: ("out", 20000, "cash")},
    ),
    "boc-debit.csv": (
        2,
        "4321",
        "column",
        {("CNY", "in"): (1, 100000), ("CNY", "out"): (1, 4500)},
        [],
        {"Z200******0001", "6222******9999"},
        {3: ("out", 4500, "account")},
    ),
    "bocom-debit.csv": (
        2,
        "@bocom-debit.csv",
        "derived",
        {("", "in"): (1, 50), ("", "out"): (1, 2000)},
        [],
        {"1323132313211331313", "8888888888888888"},
        {2: ("in", 50, "account")},
    ),
    "abc-debit.csv": (
        4,
        "@abc-debit.csv",
        "derived",
        {("", "in"): (2, 200002), ("", "out"): (1, 30000)},
        [(5, "zero_amount")],
        {"98769876987698769"},
        {3: ("out", 30000, "account")},
    ),
    "jd.csv": (
        6,
        "jd_testuser01",
        "title",
        {("", "in"): (2, 13000), ("", "out"): (2, 28000)},
        [(14, "pay_later"), (15, "zero_amount")],
        set(),
        {10: ("out", 20000, "unknown"), 12: ("out", 8000, "unknown"), 13: ("in", 8000, "unknown")},
    ),
    "hsbchk-debit.csv": (
        4,
        "@hsbchk-debit.csv",
        "derived",
        {("HKD", "in"): (1, 100000), ("CNY", "in"): (1, 30000), ("HKD", "out"): (2, 7000)},
        [],
        set(),
        {5: ("out", 5000, "cash"), 2: ("out", 2000, "unknown")},
    ),
    "bmo-debit.csv": (
        2,
        "1111222233334444",
        "column",
        {("", "in"): (1, 1250), ("", "out"): (1, 325)},
        [],
        set(),
        {8: ("out", 325, "unknown")},
    ),
    "td-activity.csv": (
        3,
        "@td-activity.csv",
        "derived",
        {("CAD", "in"): (1, 10000), ("CAD", "out"): (2, 2750)},
        [],
        set(),
        {2: ("in", 10000, "unknown")},
    ),
    "lloyds.csv": (
        2,
        "11223312345678",
        "column",
        {("", "in"): (1, 100000), ("", "out"): (1, 999)},
        [],
        set(),
        {3: ("in", 100000, "unknown")},
    ),
    "revolut.csv": (
        3,
        "@revolut.csv",
        "derived",
        {("EUR", "in"): (1, 10000), ("EUR", "out"): (1, 450)},
        [(4, "failed_transaction")],
        set(),
        {3: ("out", 450, "unknown")},
    ),
    "Chase1234_Activity_20240401.CSV": (
        3,
        "****1234",
        "file_name",
        {("", "in"): (1, 200000), ("", "out"): (2, 51500)},
        [],
        set(),
        {4: ("out", 1500, "unknown")},
    ),
}
TIMES = {  # transaction time, not posting time; day and month order per file
    ("icbc-credit.csv", 8): "2024-04-02 00:00:00",
    ("hsbchk-debit.csv", 3): "2024-04-14 00:00:00",
    ("lloyds.csv", 2): "2024-02-20 00:00:00",
    ("Chase1234_Activity_20240401.CSV", 2): "2024-03-15 00:00:00",
    ("td-activity.csv", 3): "2024-02-03 00:00:00",
    ("revolut.csv", 3): "2024-03-02 20:00:00",
    ("abc-debit.csv", 2): "2024-08-01 10:10:10",
}


@pytest.fixture(scope="module")
def ing():
    return read_exports([DATA], workers=1, layouts=[DATA / "td.toml"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_reproduction(ing, name):
    read, account, source, sums, rejects, cps, spot = EXPECTED[name]
    tx = ing.transactions[ing.transactions["source_file"] == name]
    f = ing.files[ing.files["source_file"] == name].iloc[0]
    assert f["rows_read"] == read == f["rows_accepted"] + f["rows_rejected"]
    assert set(tx["account"]) == {account}
    assert f["account_source"] == source
    got = {k: (len(g), int(g["amount"].sum())) for k, g in tx.groupby(["currency", "direction"])}
    assert got == sums
    rej = ing.rejects[ing.rejects["source_file"] == name]
    assert [(int(r), c) for r, c in rej[["source_row", "code"]].values] == rejects
    assert set(tx["counterparty"]) - {""} == cps
    rows = tx.set_index("source_row")
    for row, want in spot.items():
        r = rows.loc[row]
        assert (r["direction"], int(r["amount"]), r["counterparty_kind"]) == want, row
    for (fname, row), when in TIMES.items():
        if fname == name:
            assert str(rows.loc[row, "time"]) == when


def test_every_real_layout_is_reproduced():
    written = {p.name for p in DATA.iterdir() if p.suffix.lower() == ".csv"} - {
        "police-feedback.csv"
    }
    assert written == set(EXPECTED)


def test_unknown_status_is_kept_and_reported(ing):
    f = ing.files.set_index("source_file").loc["alipay.csv"]
    assert "处理完毕:1" in f["status_values"].split(";")
    w = ing.warnings
    assert ((w["code"] == "unknown_status") & (w["source_file"] == "alipay.csv")).sum() == 1


def test_derived_accounts_are_warned(ing):
    w = ing.warnings[ing.warnings["code"] == "derived_account"]
    assert set(w["source_file"]) == {n for n, e in EXPECTED.items() if e[2] == "derived"}


def _xls(path: Path, rows: list[list], sheet: str) -> Path:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet(sheet)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v is not None:
                ws.write(i, j, v)
    wb.save(str(path))
    return path


def test_ccb_workbook_cell_pairs_and_footer(tmp_path):
    # 建设银行: spaced labels in cells, the account masked, its last four in the sheet name
    rows = [
        ["China Construction Bank"],
        ["开户机构：", "某支行"],
        ["币\u3000\u3000种：", "人民币"],
        ["账\u3000\u3000号：", "xxxxx*********xxxx"],
        [],
        [
            "记账日          ",
            "交易日期          ",
            "交易时间      ",
            "支出     ",
            "收入     ",
            "账户余额   ",
            "币种   ",
            "摘要   ",
            "对方账号   ",
            "对方户名   ",
            "交易地点    ",
        ],
        [
            "20240302",
            "20240301",
            "10:11:12",
            25.5,
            0,
            974.5,
            "人民币",
            "消费",
            "2088*****0001",
            "某商户",
            "某地",
        ],
        [
            "20240302",
            "20240302",
            "08:00:00",
            0,
            1000,
            1974.5,
            "人民币",
            "转账",
            "6222*****0002",
            "某人",
            "",
        ],
        ["以上数据仅供参考|具体内容请以柜台为准"],
    ]
    p = _xls(tmp_path / "ccb.xls", rows, "交易明细_9876_20240301_20240331.xls")
    ing = read_exports([p], workers=1)
    tx = ing.transactions
    assert tx[["source_row", "direction", "amount", "counterparty"]].values.tolist() == [
        [7, "out", 2550, "2088*****0001"],
        [8, "in", 100000, "6222*****0002"],
    ]
    assert set(tx["account"]) == {"xxxxx*********9876"}
    assert str(tx["time"].iloc[0]) == "2024-03-01 10:11:12"  # 交易日期, not 记账日
    assert ing.rejects[["source_row", "code"]].values.tolist() == [[9, "footer"]]
    assert ing.files["account_source"].tolist() == ["file_name"]


def test_citic_card_sign_decided_from_evidence(tmp_path):
    # 中信信用卡: positive amounts are spending; a repayment and a cashback are negative
    rows = [
        ["本期账单明细(人民币)"],
        [
            "交易日期",
            "入账日期",
            "交易描述",
            "卡末四位",
            "交易币种",
            "结算币种",
            "交易金额",
            "结算金额",
        ],
        [
            "2024-05-03",
            "2024-05-04",
            "支付宝－某商户",
            1234.0,
            "人民币",
            "人民币",
            "50.00",
            "50.00",
        ],
        ["2024-05-02", "2024-05-02", "0.5元现金奖励", 1234.0, "人民币", "人民币", "-0.50", "-0.50"],
        ["2024-05-01", "2024-05-01", "财付通还款", 1234.0, "人民币", "人民币", "-30.00", "-30.00"],
        ["2024-05-01", "2024-05-02", "美元消费", 1234.0, "美元", "人民币", "1.00", "7.20"],
    ]
    ing = read_exports([_xls(tmp_path / "citic.xls", rows, "本期账单明细(人民币)")], workers=1)
    tx = ing.transactions
    assert tx[["direction", "amount", "counterparty_kind", "currency"]].values.tolist() == [
        ["out", 5000, "unknown", "CNY"],
        ["in", 50, "unknown", "CNY"],
        ["in", 3000, "unknown", "CNY"],
        ["out", 720, "unknown", "CNY"],  # the settlement amount and currency
    ]
    assert set(tx["account"]) == {"1234"}
    assert str(tx["time"].iloc[0]) == "2024-05-03 00:00:00"
    assert ing.files["direction_rule"].iloc[0].startswith("sign (positive is out")


# ---------------------------------------------------------------- the police return


@pytest.fixture(scope="module")
def police():
    return read_exports([DATA / "police-feedback.csv"], workers=1)


def test_police_return_rows(police):
    tx, rej = police.transactions, police.rejects
    assert police.rows_read == 15 and police.rows_accepted == 13
    assert rej[["source_row", "code"]].values.tolist() == [
        [11, "no_record"],
        [14, "failed_transaction"],
    ]
    got = {k: (len(g), int(g["amount"].sum())) for k, g in tx.groupby(["currency", "direction"])}
    assert got == {
        ("CNY", "in"): (5, 50542000),
        ("CNY", "out"): (6, 40572000),
        ("HKD", "in"): (1, 50000),
        ("HKD", "out"): (1, 100000),
    }
    rows = tx.set_index("source_row")
    # the card and account number of one holder are one account
    assert set(tx.loc[tx["holder_name"] == "张三", "account"]) == {"6222000000000001"}
    # a reversal under 出: the balance rose by the amount, so money came back
    assert (rows.loc[10, "direction"], rows.loc[10, "amount"]) == ("in", 500000)
    # a negative amount under 出 that the balance shows leaving is an outflow
    assert (rows.loc[12, "direction"], rows.loc[12, "amount"]) == ("out", 30000)
    # credit-card rows without 收付标志: spending positive, repayment negative (from memo words)
    assert rows.loc[[2, 7, 13], "direction"].tolist() == ["out", "out", "in"]
    assert rows.loc[2, "counterparty_name"] == ""  # 贷记卡卡号 is bank filler
    # cash only where 现金标志 says so; a misplaced 交易类型 "现金" does not make cash
    assert rows.loc[5, "counterparty_kind"] == "cash"
    assert rows.loc[8, "counterparty_kind"] == "unknown"
    assert (rows.loc[[2, 7, 13], "counterparty_kind"] == "unknown").all()
    files = police.files.iloc[0]
    assert files["status_values"] == "01:13;02:1"
    assert files["currencies"] == "CNY:11;HKD:2"


def test_police_return_balances_in_time_order_and_reversal_linked(police):
    w = police.warnings
    assert not (w["code"] == "balance_break").any()  # checked per account in time order
    rev = w[w["code"] == "reversal"]
    assert rev[["source_row", "detail"]].values.tolist() == [
        [10, "money back in: 5000.00, reverses row 8"]
    ]


def test_police_return_equal_rows_with_different_balances_are_two_transfers(police):
    t = build_transfers(police.transactions)
    big = t[(t["amount"] == 20000000)]
    assert len(big) == 2 and (big["seen"] == "both").all()
    assert sorted(t["counterparty_kind"].value_counts().items()) == [
        ("account", 4),
        ("cash", 1),
        ("unknown", 6),
    ]
    assert set(t.loc[t["currency"] == "HKD", "amount"]) == {100000, 50000}


def test_derived_account_never_refuses_a_file(tmp_path):
    p = tmp_path / "statement.csv"
    p.write_text(
        "交易时间,交易金额,摘要\n2024-01-01 10:00:00,-5.00,x\n2024-01-02 10:00:00,7.00,y\n",
        encoding="utf-8",
    )
    ing = read_exports([p], workers=1)
    assert ing.transactions["account"].tolist() == ["@statement.csv"] * 2
    assert ing.files["account_source"].tolist() == ["derived"]


def test_unsigned_amounts_without_direction_are_rejected_and_named(tmp_path):
    p = tmp_path / "bill.csv"
    p.write_text(
        "交易时间,金额,摘要\n2024-01-01 10:00:00,5.00,x\n2024-01-02 10:00:00,7.00,y\n",
        encoding="utf-8",
    )
    ing = read_exports([p], workers=1)
    assert ing.rows_accepted == 0
    assert ing.rejects["code"].tolist() == ["no_direction", "no_direction"]
    assert ing.files["direction_rule"].tolist() == ["none"]
    assert (ing.warnings["code"] == "no_direction_info").sum() == 1


def test_unsigned_amounts_decided_by_the_running_balance(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        "账号,交易时间,交易金额,余额\n6222,2024-01-01 10:00:00,100.00,100.00\n6222,2024-01-02 10:00:00,30.00,70.00\n"
        "6222,2024-01-03 10:00:00,5.00,75.00\n",
        encoding="utf-8",
    )
    tx = read_exports([p], workers=1).transactions
    assert tx["direction"].tolist() == ["in", "out", "in"]


@pytest.mark.parametrize(
    ("dates", "order", "first"),
    [
        (["13/02/2024", "01/03/2024"], "dmy", "2024-02-13"),  # a first field above 12: day first
        (["02/13/2024", "03/01/2024"], "mdy", "2024-02-13"),  # a second field above 12: month first
        (["01/02/2024", "03/04/2024"], "dmy?", "2024-02-01"),  # ambiguous: day first, warned
    ],
)
def test_day_or_month_first_per_file(tmp_path, dates, order, first):
    p = tmp_path / "s.csv"
    p.write_text(
        "账号,交易日期,交易金额\n" + "".join(f"6222,{d},-1.00\n" for d in dates), encoding="utf-8"
    )
    ing = read_exports([p], workers=1)
    assert ing.files["date_order"].tolist() == [order]
    assert str(ing.transactions["time"].iloc[0].date()) == first
    assert ((ing.warnings["code"] == "ambiguous_date_order").sum() == 1) == order.endswith("?")


@pytest.mark.parametrize(
    ("title", "account"),
    [
        ("账　　号：6222000011112222", "6222000011112222"),  # ideographic spaces, colon
        ("账 号 6222000011112222", None),  # a label with no colon is not a title line ...
        ("卡号,6222000011112222", "6222000011112222"),  # ... unless label and value are two cells
        ("户名：张三  查询账号: 6217 0000 1111 2222", "6217000011112222"),
    ],
)
def test_own_account_from_title_lines(tmp_path, title, account):
    p = tmp_path / "s.csv"
    p.write_text(
        f"{title}\n交易时间,交易金额,摘要\n2024-01-01 10:00:00,-5.00,x\n", encoding="utf-8"
    )
    ing = read_exports([p], workers=1)
    want = account or "@s.csv"
    assert ing.transactions["account"].tolist() == [want]
    assert ing.files["account_source"].tolist() == ["title" if account else "derived"]


def test_own_account_from_a_footer(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        "交易时间,交易金额,摘要\n2024-01-01 10:00:00,-5.00,x\n账号：6222333344445555\n",
        encoding="utf-8",
    )
    ing = read_exports([p], workers=1)
    assert ing.transactions["account"].tolist() == ["6222333344445555"]
    assert ing.files["account_source"].tolist() == ["footer"]
    assert ing.rejects["code"].tolist() == ["footer"]


def test_amounts_full_width_and_decimal_comma(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        '账号,交易时间,交易金额\n6222,2024-01-01 10:00:00,-１２３.45\n6222,2024-01-02 10:00:00,"12.000,50"\n',
        encoding="utf-8",
    )
    tx = read_exports([p], workers=1).transactions
    assert tx["amount"].tolist() == [12345, 1200050]
    mixed = tmp_path / "m.csv"
    mixed.write_text(
        '账号,交易时间,交易金额\n6222,2024-01-01 10:00:00,"-1,000.50"\n6222,2024-01-02 10:00:00,"12,50"\n',
        encoding="utf-8",
    )
    ing = read_exports([mixed], workers=1)
    assert ing.transactions["amount"].tolist() == [100050]
    assert ing.rejects["code"].tolist() == ["bad_amount"]  # never read as 1250.00 or 0


def test_case_analysis_keeps_currencies_apart(tmp_path):
    from fundgraph.pipeline import build_case

    case = build_case([DATA / "police-feedback.csv"], lang="en")
    cur = case.summary.currencies
    assert case.summary.currency == "CNY"
    assert cur["HKD"].in_analysis is False and cur["HKD"].transfers == 2
    assert cur["HKD"].amount == 1500_00
    assert set(case.transfers["currency"]) == {"CNY", "HKD"}
    acc = case.accounts.set_index("account").loc["6222000000000001"]
    assert (acc["cash_in"], acc["unknown_in"], acc["unknown_out"]) == (10000000, 500000, 530000)
    assert pd.Series(case.accounts["in_amount"]).sum() >= 0
