"""A small hand-made case for the store tests: a pyramid with cash, Cypher-looking text
and spreadsheet-formula-looking text, money in cents and a summary in Decimal yuan."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from fundgraph import schema as S
from fundgraph.case import Case, finish_case, write_case_data
from fundgraph.results import Alert, CaseSummary, Structure, Threshold
from fundgraph.tables import conform

INJECTIONS = ("'}) DETACH DELETE n //", '"; MATCH (n) DETACH DELETE n')


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def make_case(holder_name_of_p3: str = "王五") -> Case:
    """A small pyramid: one core, two collectors, six participants, a beneficiary, cash.

    Thirty-one transfers (one to a counterparty the statement does not name) with deposits and withdrawals in cash, text that looks like Cypher
    and like spreadsheet formulas, money in cents, a summary with Decimal yuan.
    """
    accounts = [
        # account, holder_name, holder_id, role, level, structure
        ("6222000000000001", "核心公司", "91310000MA1K000001", "core", 0, 1),
        ("6222000000000002", "张收", "310101198001010011", "collector", 1, 1),
        ("6222000000000003", "李收", "310101198101010022", "collector", 1, 1),
        ("6222000000000011", "赵一", "310101199001010033", "participant", 2, 1),
        ("6222000000000012", "钱二", "310101199101010044", "participant", 2, 1),
        ("6222000000000013", holder_name_of_p3, "310101199201010055", "participant", 2, 1),
        ("6222000000000014", INJECTIONS[0], "", "participant", 2, 1),
        ("6222000000000015", INJECTIONS[1], "310101199401010077", "participant", 2, 1),
        ("6222000000000016", '=HYPERLINK("x")', "310101199001010033", "participant", 2, 1),
        ("6222000000000021", "受益人", "310101197001010088", "beneficiary", None, None),
        ("6222000000000031", "中转", "", "transit", None, None),
        ("6222000000000041", "", "", "other", None, None),
    ]
    acc = pd.DataFrame(
        {
            "account": [a[0] for a in accounts],
            "aliases": ["", "6217000000000002;6217000000000099"] + [""] * 10,
            "holder_name": [a[1] for a in accounts],
            "holder_id": [a[2] for a in accounts],
            "obtained": [
                True,
                True,
                True,
                False,
                False,
                True,
                False,
                False,
                False,
                False,
                True,
                False,
            ],
            "role": [a[3] for a in accounts],
            "level": pd.array([a[4] for a in accounts], dtype="Int64"),
            "structure": pd.array([a[5] for a in accounts], dtype="Int64"),
            "community": pd.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, None], dtype="Int64"),
            "pagerank": [0.25, 0.125, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.1, 1 / 3],
            "betweenness": [0.0, 0.5, 0.25, 0, 0, 0, 0, 0, 0, 0, 0.1, float("nan")],
            "in_amount": [123456789012, 30000000, 20000000, 150000, 0, 1, 0, 0, 0, 5000000, 99, 0],
            "out_amount": [
                5000001,
                29000000,
                19999999,
                5000000,
                2000000,
                1000000,
                3,
                0,
                0,
                0,
                99,
                0,
            ],
            "in_count": [5, 4, 3, 1, 0, 1, 0, 0, 0, 1, 1, 0],
            "out_count": [2, 2, 2, 2, 1, 1, 1, 1, 1, 0, 1, 0],
            "in_degree": [2, 3, 3, 1, 0, 1, 0, 0, 0, 1, 1, 0],
            "out_degree": [2, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
            "cash_in": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            "cash_out": [0, 100000, 0, 0, 0, 0, 0, 0, 0, 5000000, 0, 0],
            "first_time": [_t("2022-01-01 09:00:00")] * 11 + [pd.NaT],
            "last_time": [_t("2022-06-30 23:59:59")] * 11 + [pd.NaT],
            "alert_score": [0.9, 0.7, 0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.2, 0.0],
            "flagged_by": ["", "rule:a", "", "", "", "", "", "", "", "", "", ""],
        }
    )
    acc = conform(acc, S.ACCOUNTS)

    ids = acc["account"].tolist()
    core, c1, c2 = ids[0], ids[1], ids[2]
    parts = ids[3:9]
    ben, transit, other = ids[9], ids[10], ids[11]
    rows = []
    base = datetime(2022, 3, 1, 8, 0, 0)
    for i, p in enumerate(parts):
        collector = c1 if i % 2 == 0 else c2
        rows.append((p, collector, 1000000 + i * 100001, f"投资款{i}"))
        rows.append((collector, core, 900000 + i, "上缴"))
    rows += [
        (core, ben, 5000000, "'}) DETACH DELETE n //"),
        (core, parts[0], 150000, "返利"),
        (core, parts[2], 1, '"; MATCH (n) DETACH DELETE n'),
        ("", parts[1], 200000, "现金存入"),
        ("", parts[3], 100, "=1+2"),
        (c1, "", 100000, "现金支取"),
        (ben, "", 5000000, "ATM取款"),
        (parts[4], transit, 99, "+转账"),
        (transit, other, 99, "-"),
        (other, "6222999999999999", 12345, "账户外"),
        (c2, c1, 3, "调拨"),
        (parts[5], c1, 2000000, "@memo"),
        (core, c2, 1, "\t制表符"),
        ("", "", 7, "现金对现金"),
        (core, ben, 5000000, "同额第二笔"),
        (c1, core, 29000000 - 6 * 900000, "汇总"),
        (c2, core, 19999999 - 6 * 900000, "汇总"),
        (parts[2], core, 1000000, "直接投资"),
        (c2, "", 4321, "对手未载明"),  # no counterparty named, and not cash
    ]
    kinds = ["account" if r[0] and r[1] else "cash" for r in rows]
    kinds[-1] = "unknown"
    transfers = pd.DataFrame(
        {
            "transfer_id": range(len(rows)),
            "src": [r[0] for r in rows],
            "dst": [r[1] for r in rows],
            "amount": [r[2] for r in rows],
            "time": [base.replace(day=1 + i % 28, hour=i % 24, second=i) for i in range(len(rows))],
            "memo": [r[3] for r in rows],
            "counterparty_kind": kinds,
            "channel": ["网银" if i % 3 else "柜面" for i in range(len(rows))],
            "src_name": ["" for _ in rows],
            "dst_name": ["名" + str(i) for i in range(len(rows))],
            "src_id": ["" for _ in rows],
            "dst_id": ["" for _ in rows],
            "seen": [("both", "src", "dst")[i % 3] for i in range(len(rows))],
            "sources": [f"a.csv:{i + 2};b.xlsx:{i + 10}" for i in range(len(rows))],
        }
    )
    transfers = conform(transfers, S.TRANSFERS)

    participants = conform(
        pd.DataFrame(
            {
                "account": parts,
                "holder_name": acc["holder_name"].iloc[3:9].tolist(),
                "holder_id": acc["holder_id"].iloc[3:9].tolist(),
                "person": [
                    "310101199001010033",
                    "310101199101010044",
                    "310101199201010055",
                    parts[3],
                    "310101199401010077",
                    "310101199001010033",
                ],
                "structure": pd.array([1, 1, 1, 1, 1, None], dtype="Int64"),
                "paid_in": [1000000, 1100001, 2200002, 1300003, 1400004, 3500005],
                "received_back": [150000, 0, 1, 0, 0, 0],
                "net_loss": [850000, 1100001, 2200001, 1300003, 1400004, 3500005],
                "first_paid": [_t("2022-03-01 08:00:00")] * 5 + [pd.NaT],
                "last_paid": [_t("2022-03-11 10:00:10")] * 5 + [pd.NaT],
                "deposits": [1, 1, 2, 1, 1, 2],
            }
        ),
        S.PARTICIPANTS,
    )
    alerts = conform(
        pd.DataFrame(
            {
                "account": [core, c1],
                "holder_name": ["核心公司", "张收"],
                "score": [0.9, 0.7],
                "codes": ["fan_in;fast_in_fast_out", "fan_in"],
                "reasons": [
                    (
                        Alert("fan_in", {"n": 7, "days": 30}),
                        Alert("fast_in_fast_out", {"hours": "3.5", "share": "99"}),
                    ),
                    (Alert("fan_in", {"n": 6, "days": 30}),),
                ],
            }
        ),
        {k: v for k, v in S.ALERTS.items() if k != "reasons"},  # the reasons stay Alerts
    )
    case = Case(
        transfers=transfers,
        accounts=acc,
        participants=participants,
        alerts=alerts,
        structures=[
            Structure(
                id=1,
                kind="ponzi",
                core=(core,),
                collectors={1: (c1, c2)},
                participant_accounts=6,
                participant_persons=5,
                absorbed=10_500_015_00,
                max_level=1,
                depth=2,
                evidence={"evidence": "returns", "payers": 6},
            )
        ],
        communities=pd.DataFrame(
            {"community": [0, 1, 2], "size": [5, 4, 2], "amount": [123, 456, 789]}
        ),
        summary=CaseSummary(
            lang="zh",
            rows_read=70,
            rows_accepted=66,
            rows_rejected=4,
            transfers=len(transfers),
            accounts=len(acc),
            total_absorbed=105_000_15,
            participant_persons=5,
            participant_accounts=6,
            direct_loss=103_500_14,
            max_level=2,
            thresholds=(Threshold("176_amount", "total_absorbed", 105_000_15, 100_000_000, False),),
        ),
    )
    return case


def write_case(case: Case, folder: Path) -> Path:
    write_case_data(case, folder)
    finish_case(case, folder)
    return folder
