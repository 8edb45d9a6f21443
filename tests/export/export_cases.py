"""Cases for the export tests (no tests of its own): a small hand-made one with hostile text, and a synthetic one.

The hand-made case (:func:`hand_case`) has figures that are easy to check by hand:

- participant P1 pays the collector 1,000.01 and 2,000.02 (two transfers, one edge worth
  3,000.03), participant P2 pays it 5,000.00; the collector passes 8,000.03 to the core;
- the core pays P1 150.00 back and the beneficiary 3,000.00;
- P2 withdraws 200.00 in cash, P1 pays the shop 88.88 and the shop moves 10.00 to itself;
- P1 and P2 share one holder id (one person with two cards).
"""

from __future__ import annotations

import pandas as pd

from fundgraph import schema as S
from fundgraph.case import Case, finish_case, write_case_data
from fundgraph.results import Alert, CaseSummary, Structure, Threshold
from fundgraph.tables import conform

CORE = "6222020200001234567"
COL = "6217000010001234568"
P1 = "6228480010000000011"
P2 = "6228480010000000022"
BEN = "6230580000000000099"
SHOP = "6222600000000000077"
PERSON = "52010219900101123X"

HOSTILE_HOLDER = '=HYPERLINK("http://evil.example/x","点我")'
SCRIPT_HOLDER = "<script>alert(1)</script>"
CONTROL_HOLDER = "张\x01三"
FORMULA_MEMO = "=1+1"

NAMES = {
    CORE: "某某投资咨询有限公司",
    COL: HOSTILE_HOLDER,
    P1: SCRIPT_HOLDER,
    P2: CONTROL_HOLDER,
    BEN: "实控人亲属",
    SHOP: "便民超市",
}
IDS = {CORE: "91520100MA6DQ1234X", P1: PERSON, P2: PERSON}
ROLES = {
    CORE: "core",
    COL: "collector",
    P1: "participant",
    P2: "participant",
    BEN: "beneficiary",
    SHOP: "other",
}
LEVELS = {CORE: 0, COL: 1, P1: 2, P2: 2}

# (src, dst, cents, time, memo)
TRANSFERS = [
    (P1, COL, 100001, "2022-01-05 10:00:00", FORMULA_MEMO),
    (P2, COL, 500000, "2022-01-10 09:30:00", "+86 138"),
    (P1, COL, 200002, "2022-02-05 10:00:00", "@SUM(A1:A9)"),
    (COL, CORE, 800003, "2022-03-01 12:00:00", "归集"),
    (CORE, P1, 15000, "2022-04-01 09:00:00", "利息"),
    (CORE, BEN, 300000, "2022-05-01 12:00:00", "转账"),
    (P2, "", 20000, "2022-05-02 08:00:00", "ATM取款"),
    (SHOP, SHOP, 1000, "2022-05-03 18:00:00", "内部调账"),
    (P1, SHOP, 8888, "2022-05-04 18:30:00", "-1+2"),
]


def hand_case(*, participants_extra: int = 0) -> Case:
    """The hand-made case above (``participants_extra`` more participant rows, for long tables)."""
    tr = pd.DataFrame(TRANSFERS, columns=["src", "dst", "amount", "time", "memo"])
    tr["time"] = pd.to_datetime(tr["time"])
    tr = tr.sort_values(["time", "src", "dst", "amount"]).reset_index(drop=True)
    tr["transfer_id"] = range(len(tr))
    tr["channel"] = "网银"
    tr["src_name"] = tr["src"].map(NAMES).fillna("")
    tr["dst_name"] = tr["dst"].map(NAMES).fillna("")
    tr["src_id"] = tr["src"].map(IDS).fillna("")
    tr["dst_id"] = tr["dst"].map(IDS).fillna("")
    tr["seen"] = "both"
    tr["sources"] = [f"银行/{k}.csv:{k + 2};另一行/{k}.xls:{k + 7}" for k in range(len(tr))]
    case = Case()
    case.transfers = conform(tr, S.TRANSFERS)

    accounts = sorted(NAMES)
    rows = []
    for a in accounts:
        inn = tr[tr["dst"] == a]
        out = tr[tr["src"] == a]
        rows.append(
            {
                "account": a,
                "aliases": "",
                "holder_name": NAMES[a],
                "holder_id": IDS.get(a, ""),
                "obtained": a != BEN,
                "role": ROLES[a],
                "level": LEVELS.get(a),
                "structure": 0 if a in LEVELS or a == BEN else None,
                "community": 0 if a != SHOP else 1,
                "pagerank": 0.1,
                "betweenness": 0.0,
                "in_amount": int(inn["amount"].sum()),
                "out_amount": int(out[out["dst"] != ""]["amount"].sum()),
                "in_count": len(inn),
                "out_count": len(out),
                "in_degree": inn["src"].nunique(),
                "out_degree": out["dst"].nunique(),
                "cash_in": 0,
                "cash_out": int(out[out["dst"] == ""]["amount"].sum()),
                "first_time": pd.concat([inn["time"], out["time"]]).min(),
                "last_time": pd.concat([inn["time"], out["time"]]).max(),
                "alert_score": 5.0 if a == CORE else 0.0,
            }
        )
    case.accounts = conform(pd.DataFrame(rows), S.ACCOUNTS)

    parts = [
        {
            "account": P1,
            "holder_name": SCRIPT_HOLDER,
            "holder_id": PERSON,
            "person": PERSON,
            "structure": 0,
            "paid_in": 300003,
            "received_back": 15000,
            "net_loss": 285003,
            "first_paid": pd.Timestamp("2022-01-05 10:00:00"),
            "last_paid": pd.Timestamp("2022-02-05 10:00:00"),
            "deposits": 2,
        },
        {
            "account": P2,
            "holder_name": CONTROL_HOLDER,
            "holder_id": PERSON,
            "person": PERSON,
            "structure": 0,
            "paid_in": 500000,
            "received_back": 0,
            "net_loss": 500000,
            "first_paid": pd.Timestamp("2022-01-10 09:30:00"),
            "last_paid": pd.Timestamp("2022-01-10 09:30:00"),
            "deposits": 1,
        },
    ]
    for k in range(participants_extra):
        parts.append(
            {
                "account": f"62284800200{k:08d}",
                "holder_name": f"参与人{k:03d}",
                "holder_id": "",
                "person": f"62284800200{k:08d}",
                "structure": 0,
                "paid_in": 1000000 + k,
                "received_back": 0,
                "net_loss": 1000000 + k,
                "first_paid": pd.Timestamp("2022-01-01"),
                "last_paid": pd.Timestamp("2022-01-01"),
                "deposits": 1,
            }
        )
    case.participants = conform(pd.DataFrame(parts), S.PARTICIPANTS)
    case.restitution = pd.DataFrame(
        {
            "person": [PERSON],
            "holder_name": [SCRIPT_HOLDER],
            "accounts": [f"{P1};{P2}"],
            "paid_in": [800003],
            "received_back": [15000],
            "net_loss": [785003],
            "recovered_share": [100000],
            "ratio": [100000 / 785003],
        }
    )
    case.alerts = conform(
        pd.DataFrame(
            [
                {
                    "account": CORE,
                    "holder_name": NAMES[CORE],
                    "score": 5.0,
                    "codes": "cycle;fan_in",
                }
            ]
        ),
        S.ALERTS,
    )
    case.alerts["reasons"] = [
        (
            Alert("cycle", {"path": f"{CORE} → {COL} → {CORE}", "days": 30}),
            Alert("fan_in", {"n": 5, "days": 30}),
        )
    ]
    case.rejects = conform(
        pd.DataFrame(
            [
                {
                    "source_file": "银行/0.csv",
                    "source_sheet": "",
                    "source_row": 5,
                    "code": "totals_row",
                    "reason": "合计行",
                    "raw": "=cmd|' /C calc'!A0 | 合计 | 12,000.00",
                }
            ]
        ),
        S.REJECTS,
    )
    case.warnings = conform(
        pd.DataFrame(
            [
                {
                    "code": "balance_break",
                    "account": P1,
                    "source_file": "银行/0.csv",
                    "source_row": 9,
                    "detail": "余额不连续",
                }
            ]
        ),
        S.WARNINGS,
    )
    case.files = conform(
        pd.DataFrame(
            [
                {
                    "source_file": "银行/0.csv",
                    "source_sheet": "",
                    "layout": "test",
                    "encoding": "utf-8",
                    "rows_read": 10,
                    "rows_accepted": 9,
                    "rows_rejected": 1,
                }
            ]
        ),
        S.FILES,
    )
    case.structures = [
        Structure(
            id=0,
            kind="ponzi",
            core=(CORE,),
            collectors={1: (COL,)},
            beneficiaries=(BEN,),
            participant_accounts=2,
            participant_persons=1,
            absorbed=800003,
            max_level=2,
            depth=3,
            evidence={"evidence": "returns", "looped_payers": 2, "payers": 2, "required": 2},
        )
    ]
    case.summary = CaseSummary(
        lang="zh",
        files=1,
        rows_read=10,
        rows_accepted=9,
        rows_rejected=1,
        transfers=len(tr),
        accounts=len(accounts),
        date_from="2022-01-05 10:00:00",
        date_to="2022-05-04 18:30:00",
        total_absorbed=800003,
        participant_persons=1,
        participant_accounts=2,
        direct_loss=785003,
        max_level=2,
        thresholds=(
            Threshold("176_amount", "total_absorbed", 800003, 100_000_000, False),
            Threshold("176_persons", "participant_persons", 1, 150, False),
        ),
    )
    return case


def write_folder(case: Case, folder) -> object:
    write_case_data(case, folder)
    finish_case(case, folder)
    return folder
