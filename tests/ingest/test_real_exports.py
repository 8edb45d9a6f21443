"""The 17 real exports kept beside the project (``../shared/real-exports``), each read as
an analyst reads it. The expectations were worked out from the files' bytes by hand (and
agree with the figures of that folder's README); spot rows are quoted from the files.

The folder is not part of the repository: the tests skip without it. The same layouts
are reproduced with made-up rows in ``tests/data/layouts`` (test_layout_fixtures.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundgraph.ingest import read_exports

ROOT = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-exports"
LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"

# file -> expected reading. in/out: {currency: (count, cents)} ("" where the file names no
# currency); rejects: [(row, code)]; cp: counterparty accounts; spot: row -> (direction,
# cents, counterparty account, counterparty name, time)
EXPECTED: dict[str, dict] = {
    "deg/alipay-2023-gbk.csv": {
        "read": 10,
        "account": "xx@gmail.com",
        "source": "title",
        "in": {"": (4, 22239387)},
        "out": {"": (5, 21164)},
        "rejects": [(31, "order_closed")],
        "cp": {"rim***@qq.com", "xxx***@163.com", "fin***@jieyisoft.com"},
        "spot": {
            27: (
                "out",
                2000,
                "rim***@qq.com",
                "x4***6",
                "2023-02-08 14:16:52",
            ),  # 等待确认收货: paid
            29: (
                "in",
                9934,
                "",
                "蚂蚁财富-蚂蚁（杭州）基金销售有限公司",
                "2023-02-02 15:24:35",
            ),  # 卖出至余额宝
            33: (
                "out",
                5000,
                "fin***@jieyisoft.com",
                "一卡通",
                "2023-01-09 18:21:50",
            ),  # closed, refunded
        },
    },
    "deg/wechat.csv": {
        "read": 27,
        "account": "@[测试]",
        "source": "derived",
        "in": {"": (7, 332849)},
        "out": {"": (18, 2306941)},
        "rejects": [(30, "internal_transfer"), (31, "internal_transfer")],
        "cp": set(),
        "spot": {
            23: ("in", 200000, "", "", "2021-01-17 10:07:31"),  # 转入零钱通-来自工商银行
            24: ("out", 10010, "", "招商银行()", "2021-07-15 16:29:37"),  # 零钱提现 with its fee
            44: ("out", 1, "", "测试", "2024-06-07 23:40:27"),  # unknown 交易类型: still a row
        },
    },
    "deg/icbc-debit-v1.csv": {
        "read": 12,
        "account": "1234****9876",
        "source": "title",
        "in": {"CNY": (5, 284174)},
        "out": {"CNY": (6, 424108)},
        "rejects": [(20, "totals_line")],
        "cp": set(),
        "spot": {
            8: ("out", 1340, "", "深圳市财付通支付科技有限公司", "2023-05-02 00:00:00"),
            10: ("in", 123456, "", "李四", "2023-04-22 00:00:00"),
            18: ("in", 104, "", "深圳市财付通支付科技有限公司", "2023-02-08 00:00:00"),
        },
    },
    "deg/icbc-credit.csv": {
        "read": 10,
        "account": "1234****5678",
        "source": "title",
        "in": {"CNY": (1, 462101)},
        "out": {"CNY": (8, 36313)},
        "rejects": [(18, "totals_line")],
        "cp": set(),
        "spot": {
            8: ("out", 1, "", "", "2023-04-22 00:00:00"),
            13: ("in", 462101, "", "", "2023-04-25 00:00:00"),  # 人民币自动转帐还款
            16: ("out", 2945, "", "", "2023-03-20 00:00:00"),  # masked 摘要
        },
    },
    "deg/ccb-debit.xls": {
        "read": 7,
        "account": "xxxxx*********1546",
        "source": "file_name",
        "in": {},
        "out": {"CNY": (6, 70326)},
        "rejects": [(13, "footer")],
        "cp": {
            "20883313166*****0156",
            "2088131*****0121",
            "20880216448*****0156",
            "802080*****0015",
        },
        "spot": {
            7: ("out", 6700, "20883313166*****0156", "中***融科技有限公司", "2025-01-01 18:53:19"),
            10: ("out", 51502, "802080*****0015", "中***网络有限公司", "2025-01-05 17:12:28"),
            12: ("out", 6640, "2088131*****0121", "**微超", "2025-01-06 12:03:39"),
        },
    },
    "deg/cmb-debit.csv": {
        "read": 5,
        "account": "@deg/cmb-debit.csv",
        "source": "derived",
        "in": {"CNY": (1, 123400)},
        "out": {"CNY": (4, 201314)},
        "rejects": [],
        "cp": {"1111111111", "66666666666666", "99999999999999", "888888888"},
        "spot": {
            3: ("out", 100000, "66666666666666", "张三", "2024-01-01 00:00:00"),
            4: ("out", 300, "99999999999999", "国网电力有限公司", "2024-01-27 00:00:00"),
            5: ("out", 100000, "", "", "2024-01-20 00:00:00"),  # ATM: cash
        },
        "cash": {5},
    },
    "deg/boc-debit.csv": {
        "read": 17,
        "account": "3167",
        "source": "column",
        "in": {"CNY": (4, 982100)},
        "out": {"CNY": (13, 939430)},
        "rejects": [],
        "cp": {
            "6226******5669",
            "Z200******010N",
            "8000******1303",
            "6222******4664",
            "6225******4294",
            "3101******6787",
            "4888******N",
            "4520******1924",
            "2088******0156",
            "6205******2260",
            "6222******0258",
        },
        "spot": {
            4: ("out", 32600, "Z200******010N", "支付宝-李四", "2025-08-22 12:24:20"),
            14: ("in", 577100, "4520******1924", "美金数据有限公司", "2025-08-05 16:00:44"),  # 工资
            19: ("in", 100000, "6222******0258", "张三", "2025-08-01 08:57:00"),
        },
    },
    "deg/bocom-debit.csv": {
        "read": 6,
        "account": "@deg/bocom-debit.csv",
        "source": "derived",
        "in": {"": (3, 1125)},
        "out": {"": (3, 11400)},
        "rejects": [],
        "cp": {"1323132313211331313", "6666666666666666", "555551312313213123", "11111111111111"},
        "spot": {
            2: (
                "in",
                123,
                "1323132313211331313",
                "应付个人活期储蓄存款利息",
                "2025-01-01 00:00:00",
            ),
            3: ("out", 321, "6666666666666666", "哈哈", "2024-02-02 13:15:12"),
            7: (
                "out",
                10079,
                "11111111111111",
                "京东肯特瑞基金销售有限公司",
                "2024-06-06 11:30:54",
            ),
        },
    },
    "deg/abc-debit.csv": {
        "read": 5,
        "account": "@deg/abc-debit.csv",
        "source": "derived",
        "in": {"": (2, 1000001)},
        "out": {"": (2, 1235589)},
        "rejects": [(6, "zero_amount")],
        "cp": {"12341234123412341"},
        "spot": {
            2: ("in", 1000000, "", "哈哈", "2024-01-01 12:34:56"),
            4: ("out", 1234589, "12341234123412341", "", "2024-01-03 00:00:00"),  # 7 cells
            5: ("in", 1, "", "", "2024-01-04 00:00:00"),
        },
    },
    "deg/citic-credit.xls": {
        "read": 13,
        "account": "6688",
        "source": "column",
        "in": {"CNY": (2, 141)},
        "out": {"CNY": (11, 109880)},
        "rejects": [],
        "cp": set(),
        "spot": {
            3: ("out", 590, "", "", "2024-11-09 00:00:00"),
            4: ("in", 20, "", "", "2024-11-09 00:00:00"),  # 0.2元现金奖励: cashback, not cash
            12: ("in", 121, "", "", "2024-10-20 00:00:00"),  # 财付通还款
        },
    },
    "deg/jd.csv": {
        "read": 26,
        "account": "jd_55370d18d5bb4",
        "source": "title",
        "in": {"": (6, 109759)},
        "out": {"": (17, 274602)},
        "rejects": [(28, "zero_amount"), (29, "zero_amount"), (38, "pay_later")],
        "cp": set(),
        "spot": {
            26: ("out", 13177, "", "京东平台商户", "2024-12-28 13:27:56"),  # 131.77(已退款89.84)
            36: ("out", 46832, "", "京东平台商户", "2024-12-24 22:33:07"),  # 468.32(已全额退款)
            35: ("in", 39784, "", "京东平台商户", "2024-12-24 22:33:54"),
        },
    },
    "deg/hsbchk-debit.csv": {
        "read": 10,
        "account": "@deg/hsbchk-debit.csv",
        "source": "derived",
        "in": {"HKD": (3, 1300545), "CNY": (1, 1250000)},
        "out": {"HKD": (6, 352650)},
        "rejects": [],
        "cp": set(),
        "date_order": "dmy",
        "spot": {
            2: ("out", 100, "", "", "2025-03-24 00:00:00"),
            8: ("in", 1250000, "", "", "2025-03-12 00:00:00"),
            11: ("in", 545, "", "", "2025-03-01 00:00:00"),
        },
        "cash": {6},
    },
    "deg/bmo-debit.csv": {
        "read": 4,
        "account": "5678653123124124",
        "source": "column",
        "in": {"": (1, 1)},
        "out": {"": (3, 15832)},
        "rejects": [],
        "cp": set(),
        "spot": {
            7: ("in", 1, "", "", "2023-05-01 00:00:00"),
            9: ("out", 5000, "", "", "2023-05-23 00:00:00"),
            10: ("out", 4000, "", "", "2023-06-12 00:00:00"),
        },
    },
    "deg/td.csv": {
        "read": 9,
        "account": "@deg/td.csv",
        "source": "derived",  # read with tests/data/layouts/td.toml
        "in": {"CAD": (2, 33223)},
        "out": {"CAD": (7, 31917)},
        "rejects": [],
        "cp": set(),
        "date_order": "mdy",
        "spot": {
            1: ("out", 196, "", "", "2023-05-01 00:00:00"),
            4: ("in", 1, "", "", "2023-05-01 00:00:00"),
            9: ("in", 33222, "", "", "2023-05-03 00:00:00"),
        },
    },
    "ofx/lloyds.csv": {
        "read": 12,
        "account": "9988741515152252",
        "source": "column",
        "in": {"": (2, 250000)},
        "out": {"": (10, 638199)},
        "rejects": [],
        "cp": set(),
        "date_order": "dmy",
        "spot": {
            2: ("out", 899, "", "", "2024-01-15 00:00:00"),
            5: ("in", 200000, "", "", "2023-12-01 00:00:00"),
            13: ("in", 50000, "", "", "2023-12-01 00:00:00"),
        },
    },
    "ofx/revolut-2021-10.csv": {
        "read": 7,
        "account": "@ofx/revolut-2021-10.csv",
        "source": "derived",
        "in": {"EUR": (1, 50000)},
        "out": {"EUR": (6, 33469)},
        "rejects": [],
        "cp": set(),
        "spot": {
            3: ("out", 950, "", "", "2021-09-03 18:13:48"),  # started, not completed
            5: ("in", 50000, "", "", "2021-09-06 14:17:31"),
            8: ("out", 1414, "", "", "2021-09-07 16:53:28"),
        },
    },
    "chase/chase-checking.csv": {
        "read": 16,
        "account": "@chase/chase-checking.csv",
        "source": "derived",
        "in": {"": (5, 18719)},
        "out": {"": (11, 562491)},
        "rejects": [],
        "cp": set(),
        "date_order": "mdy",
        "spot": {
            2: ("out", 250000, "", "", "2021-09-13 00:00:00"),
            3: ("out", 250000, "", "", "2021-09-13 00:00:00"),  # a second, distinct transfer
            15: ("in", 776, "", "", "2025-12-05 00:00:00"),
        },
    },
}


@pytest.fixture(scope="module")
def real():
    if not ROOT.is_dir():
        pytest.skip(f"the real exports are not beside the repository ({ROOT})")
    # one run over the folder, as a user would; the layout file only matches td*.csv
    return read_exports([ROOT], workers=1, layouts=[LAYOUTS / "td.toml"])


def _sums(tx: pd.DataFrame, direction: str) -> dict[str, tuple[int, int]]:
    t = tx[tx["direction"] == direction]
    return {c: (len(g), int(g["amount"].sum())) for c, g in t.groupby("currency")}


def test_all_seventeen_are_described():
    if not ROOT.is_dir():
        pytest.skip(f"the real exports are not beside the repository ({ROOT})")
    found = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.rglob("*")
        if p.suffix.lower() in (".csv", ".xls")
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_export_read_exactly(real, name):
    ing, exp = real, EXPECTED[name]
    base = name
    tx = ing.transactions[ing.transactions["source_file"] == base]
    rej = ing.rejects[ing.rejects["source_file"] == base]
    f = ing.files[ing.files["source_file"] == base].iloc[0]
    assert f["rows_read"] == exp["read"] == f["rows_accepted"] + f["rows_rejected"]
    assert _sums(tx, "in") == exp["in"]
    assert _sums(tx, "out") == exp["out"]
    assert [(int(r), c) for r, c in rej[["source_row", "code"]].values] == exp["rejects"]
    assert set(tx["account"]) == {exp["account"]}
    assert f["account_source"] == exp["source"]
    assert set(tx["counterparty"]) - {""} == exp["cp"]
    if "date_order" in exp:
        assert f["date_order"] == exp["date_order"]
    by_row = tx.set_index("source_row")
    for row, (direction, cents, cp, cp_name, time) in exp["spot"].items():
        r = by_row.loc[row]
        assert (
            r["direction"],
            int(r["amount"]),
            r["counterparty"],
            r["counterparty_name"],
            str(r["time"]),
        ) == (direction, cents, cp, cp_name, time), row
    cash_rows = set(tx.loc[tx["counterparty_kind"] == "cash", "source_row"])
    assert cash_rows == exp.get("cash", set())
    assert (tx.loc[tx["counterparty"] != "", "counterparty_kind"] == "account").all()
