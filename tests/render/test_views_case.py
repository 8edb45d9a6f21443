"""The hand-made case shared by the view tests (no tests of its own): one structure of known shape."""

from __future__ import annotations

import pandas as pd

from fundgraph.case import Case
from fundgraph.results import Alert, CaseSummary

HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"onmouseover="alert(1)',
]

CORE = "6222000000000000001"
COLLECTORS = {  # account -> (holder, level, upstream)
    "6222000000000000011": ("李归集", 1, CORE),
    "6222000000000000012": ("王归集", 1, CORE),
    "6222000000000000021": ("赵业务员", 2, "6222000000000000011"),
}
BENEFICIARY = "6222000000000000091"
SHOP = "6222000000000000081"
SUPPLIER = "6222000000000000082"
N_PARTICIPANTS = 60


def participant_account(k: int) -> str:
    return f"62220100000000{k:05d}"


def make_case() -> Case:
    """Core, three collectors on two levels, 60 participants (some with hostile names),
    a beneficiary, and a shop with its supplier (not part of the scheme)."""
    rows: list[tuple[str, str, int, str]] = []  # src, dst, cents, time
    names = {
        CORE: "某某投资咨询有限公司",
        BENEFICIARY: "实控人亲属",
        SHOP: "便民超市",
        SUPPLIER: "批发商",
    }
    collectors = list(COLLECTORS)
    for acc, (holder, _level, _up) in COLLECTORS.items():
        names[acc] = holder
    for k in range(N_PARTICIPANTS):
        acc = participant_account(k)
        names[acc] = HOSTILE_NAMES[k] if k < len(HOSTILE_NAMES) else f"参与人{k:02d}"
        col = collectors[k % 3]
        amount = (k % 5 + 1) * 1_000_000  # 1万 .. 5万 in cents
        rows.append((acc, col, amount, f"2022-0{1 + k % 6}-{1 + k % 27:02d} 10:00:00"))
        if k % 4 == 0:  # monthly "interest" from the core
            rows.append((CORE, acc, amount // 20, f"2022-0{2 + k % 6}-15 09:00:00"))
        if k % 10 == 0:  # everyday shopping, not the scheme
            rows.append((acc, SHOP, 12_345, "2022-03-03 18:00:00"))
    # collectors pass money up
    for acc, (_h, _level, up) in sorted(COLLECTORS.items(), key=lambda kv: -kv[1][1]):
        total = sum(a for s, d, a, _t in rows if d == acc)
        rows.append((acc, up, total, "2022-07-01 12:00:00"))
    rows.append((CORE, BENEFICIARY, 30_000_000, "2022-08-01 12:00:00"))
    rows.append((SHOP, SUPPLIER, 50_000, "2022-04-01 12:00:00"))
    tr = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    tr["time"] = pd.to_datetime(tr["time"])
    tr = tr.sort_values(["time", "src", "dst", "amount"]).reset_index(drop=True)
    tr["transfer_id"] = range(len(tr))
    tr["memo"] = ""
    tr["channel"] = ""
    tr["src_name"] = tr["src"].map(names)
    tr["dst_name"] = tr["dst"].map(names)
    tr["src_id"] = ""
    tr["dst_id"] = ""
    tr["seen"] = "both"
    tr["sources"] = ""

    role = {CORE: "core", BENEFICIARY: "beneficiary", SHOP: "other", SUPPLIER: "other"}
    level = {CORE: 0}
    for acc, (_h, lv, _up) in COLLECTORS.items():
        role[acc] = "collector"
        level[acc] = lv
    for k in range(N_PARTICIPANTS):
        acc = participant_account(k)
        role[acc] = "participant"
        level[acc] = COLLECTORS[collectors[k % 3]][1] + 1
    accounts = sorted(names)
    inn = tr.groupby("dst")["amount"].agg(["sum", "size"])
    out = tr.groupby("src")["amount"].agg(["sum", "size"])
    first = pd.concat(
        [
            tr[["src", "time"]].rename(columns={"src": "a"}),
            tr[["dst", "time"]].rename(columns={"dst": "a"}),
        ]
    ).groupby("a")["time"]
    acc = pd.DataFrame({"account": accounts})
    acc["aliases"] = ""
    acc["holder_name"] = acc["account"].map(names)
    acc["holder_id"] = ""
    acc["obtained"] = True
    acc["role"] = acc["account"].map(role)
    acc["level"] = acc["account"].map(level).astype("Int64")
    acc["structure"] = acc["level"].notna().map({True: 0, False: pd.NA}).astype("Int64")
    acc["community"] = acc["role"].map({"other": 1}).fillna(0).astype("Int64")
    acc["pagerank"] = acc["role"].map(
        {"core": 0.2, "collector": 0.05, "beneficiary": 0.1, "participant": 0.005, "other": 0.01}
    )
    acc["betweenness"] = 0.0
    acc["in_amount"] = acc["account"].map(inn["sum"]).fillna(0).astype("int64")
    acc["out_amount"] = acc["account"].map(out["sum"]).fillna(0).astype("int64")
    acc["in_count"] = acc["account"].map(inn["size"]).fillna(0).astype("int64")
    acc["out_count"] = acc["account"].map(out["size"]).fillna(0).astype("int64")
    acc["in_degree"] = 0
    acc["out_degree"] = 0
    acc["cash_in"] = 0
    acc["cash_out"] = 0
    acc["first_time"] = acc["account"].map(first.min())
    acc["last_time"] = acc["account"].map(first.max())
    acc["alert_score"] = 0.0
    alerts = pd.DataFrame(
        {
            "account": [CORE, participant_account(0)],
            "holder_name": [names[CORE], names[participant_account(0)]],
            "score": [0.9, 0.1],
            "codes": ["fast_in_fast_out;watchlist", "watchlist"],
            "reasons": [
                (
                    Alert("fast_in_fast_out", {"hours": "2.0", "share": "98"}),
                    Alert("watchlist", {"entry": "<b>多人转入</b>"}),
                ),
                (Alert("watchlist", {"entry": "<script>alert(1)</script>"}),),
            ],
        }
    )
    part = acc[acc["role"] == "participant"]
    participants = pd.DataFrame(
        {
            "account": part["account"],
            "holder_name": part["holder_name"],
            "holder_id": "",
            "person": part["account"],
            "structure": pd.array([0] * len(part), dtype="Int64"),
            "paid_in": part["out_amount"],
            "received_back": part["in_amount"],
            "net_loss": part["out_amount"] - part["in_amount"],
            "first_paid": part["first_time"],
            "last_paid": part["last_time"],
            "deposits": part["out_count"],
        }
    ).reset_index(drop=True)
    case = Case(transfers=tr, accounts=acc, alerts=alerts, participants=participants)
    case.summary = CaseSummary(
        total_absorbed=180_000_000, participant_persons=N_PARTICIPANTS, max_level=3
    )
    return case


# ---------------------------------------------------------------- browser helpers

FOCUS = next(iter(COLLECTORS))  # a level-1 collector


def open_ready(open_page, path):
    """Open a view page and wait until it has drawn."""
    opened = open_page(path)
    opened.page.wait_for_function(
        "window.fundgraph && window.fundgraph.ready === true", timeout=20000
    )
    return opened


def assert_clean(opened) -> None:
    """No request left the file, nothing was logged as an error, no dialog opened."""
    assert opened.foreign_requests == []
    assert opened.console_errors == []
    assert opened.page_errors == []
    assert opened.dialogs == []


def node_point(opened, node_id):
    """Page coordinates of a drawn node's centre."""
    return opened.page.evaluate(
        """(id) => {
            const net = window.fundgraph.network;
            const p = net.getPositions([id])[id];
            const d = net.canvasToDOM(p);
            const r = document.getElementById('network').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""",
        node_id,
    )
