"""A small hand-built regional feed: one scheme among ordinary accounts (imported by name).

Accounts (obtained = their own statement is in the feed):

* ``C`` 张伟, a collector (obtained): 40 persons pay it odd tier sums (20,666 / 30,888 /
  9,980 元, by payer number) in February 2024, one payment each at 10:00 on day 1..20
  (two payers a day); it forwards each day's takings to ``K`` at 12:00 the same day.
  Before that, a quiet history: 3,000 元 from 王秀英 on 2023-12-05 and 2024-01-05.
* ``C2`` 李娜, a second collector (obtained): 12 persons pay it 20,666 元 on 2024-02-21..26,
  forwarded to ``K`` the same day at 15:00.
* ``K`` 某某投资咨询有限公司, the core (obtained): pays each of C's 40 payers 1 % of what they
  paid on the 15th of March, April and May.
* ``S`` 好又多超市, a shop (Parquet statements of the canonical table): 80 customers pay
  small irregular sums every day of February; it pays its supplier every Monday.
* ``E`` 某某科技有限公司, an employer (obtained): funded by its parent company each month,
  pays 30 employees different salaries on the 10th of January..May.
* ``Q`` 鑫盛投资理财有限公司: a few transfers to ``S``.
* ``P01`` 刘一, one of C's payers, is obtained too: its statement shows the same payment.

Statements are written per month (``feed/2024-02/…``), so a run per month folder is the
incremental version of one run over ``feed/``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

C, C2, K, S, E, Q, PARENT, SUPPLIER, MOTHER = (
    "6222000000000000011",
    "6222000000000000022",
    "110000000000000033",
    "120000000000000044",
    "130000000000000055",
    "140000000000000066",
    "150000000000000077",
    "160000000000000088",
    "6222000000000000099",
)
NAMES = {
    C: "张伟",
    C2: "李娜",
    K: "某某投资咨询有限公司",
    S: "好又多超市",
    E: "某某科技有限公司",
    Q: "鑫盛投资理财有限公司",
    PARENT: "某某集团有限公司",
    SUPPLIER: "某某食品有限公司",
    MOTHER: "王秀英",
}
SURNAMES = "刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "一二三四五六七八九十明华强军平芳敏静丽艳娟霞刚勇杰涛"
TIERS = (2_066_600, 3_088_800, 998_000)  # cents


def person(prefix: str, i: int) -> tuple[str, str]:
    """Account number and name of the i-th person of a group."""
    acct = f"62170{prefix}{i:06d}{i % 7}"
    name = (
        SURNAMES[(i * 7 + len(prefix)) % len(SURNAMES)]
        + GIVEN[i % len(GIVEN)]
        + GIVEN[(i // 3) % len(GIVEN)]
    )
    return acct, name


PAYERS = [person("11", i) for i in range(1, 41)]
PAYERS2 = [person("22", i) for i in range(1, 13)]
CUSTOMERS = [person("33", i) for i in range(1, 81)]
EMPLOYEES = [person("44", i) for i in range(1, 31)]
P01 = PAYERS[0][0]
OBTAINED = {C, C2, K, E, P01}  # S is obtained too, through Parquet


def transfers() -> pd.DataFrame:
    """Every transfer of the feed: src, dst, amount (cents), time, names."""
    rows = []

    def tr(src, dst, amount, time, src_name=None, dst_name=None):
        rows.append(
            (
                src,
                dst,
                int(amount),
                pd.Timestamp(time),
                src_name or NAMES.get(src, ""),
                dst_name or NAMES.get(dst, ""),
            )
        )

    tr(MOTHER, C, 300_000, "2023-12-05 09:00:00")
    tr(MOTHER, C, 300_000, "2024-01-05 09:00:00")
    for i, (acct, name) in enumerate(PAYERS):
        day = i // 2 + 1
        tr(acct, C, TIERS[i % 3], f"2024-02-{day:02d} 10:{i % 2 * 20:02d}:00", name)
    for day in range(1, 21):
        paid = sum(TIERS[i % 3] for i in range(40) if i // 2 + 1 == day)
        tr(C, K, paid, f"2024-02-{day:02d} 12:00:00")
    for i, (acct, name) in enumerate(PAYERS2):
        tr(acct, C2, 2_066_600, f"2024-02-{21 + i // 2:02d} 11:00:00", name)
    for day in range(21, 27):
        tr(C2, K, 2 * 2_066_600, f"2024-02-{day:02d} 15:00:00")
    for month in (3, 4, 5):
        for i, (acct, name) in enumerate(PAYERS):
            tr(K, acct, TIERS[i % 3] // 100, f"2024-{month:02d}-15 09:{i:02d}:00", None, name)
    for d in range(1, 30):
        for j in range(6):
            k = (d * 6 + j) % len(CUSTOMERS)
            acct, name = CUSTOMERS[k]
            tr(
                acct,
                S,
                1_000 + (d * 37 + j * 113) % 20_000,
                f"2024-02-{d:02d} {9 + j}:{(d * j) % 60:02d}:00",
                name,
            )
    for d in (5, 12, 19, 26):
        tr(S, SUPPLIER, 400_000 + d * 1_000, f"2024-02-{d:02d} 16:00:00")
    for month in range(1, 6):
        tr(PARENT, E, 25_000_000, f"2024-{month:02d}-08 10:00:00")
        for i, (acct, name) in enumerate(EMPLOYEES):
            tr(
                E,
                acct,
                600_000 + i * 7_300 + month * 100,
                f"2024-{month:02d}-10 09:{i:02d}:00",
                None,
                name,
            )
    tr(Q, S, 88_800, "2024-02-03 13:00:00")
    tr(Q, S, 45_600, "2024-02-17 13:00:00")
    return pd.DataFrame(rows, columns=["src", "dst", "amount", "time", "src_name", "dst_name"])


HEADER = [
    "Account Number",
    "Account Name",
    "Transaction Time",
    "Amount",
    "Direction",
    "Counterparty Account",
    "Counterparty Name",
    "Reference",
]


def statement_rows(tf: pd.DataFrame) -> pd.DataFrame:
    """Each obtained side of each transfer as a canonical row (the receiver's clock 60 s late)."""
    out = []
    for n, r in enumerate(tf.itertuples(index=False)):
        for side in ("out", "in"):
            own = r.src if side == "out" else r.dst
            if own not in OBTAINED | {S}:
                continue
            cp = r.dst if side == "out" else r.src
            out.append(
                {
                    "account": own,
                    "holder_name": r.src_name if side == "out" else r.dst_name,
                    "time": r.time + pd.Timedelta(seconds=0 if side == "out" else 60),
                    "direction": side,
                    "amount": r.amount,
                    "counterparty": cp,
                    "counterparty_name": r.dst_name if side == "out" else r.src_name,
                    "reference": f"{side[0].upper()}{n:06d}",
                }
            )
    return pd.DataFrame(out)


def write_feed(root: Path) -> Path:
    """Write the feed under ``root/feed/<month>/``; returns the feed folder."""
    feed = root / "feed"
    rows = statement_rows(transfers())
    rows["month"] = rows["time"].dt.strftime("%Y-%m")
    for (month, acct), g in rows.groupby(["month", "account"], sort=True):
        folder = feed / month
        folder.mkdir(parents=True, exist_ok=True)
        if acct == S:
            pq = g.drop(columns=["month"]).copy()
            pq["holder_id"] = ""
            pq["currency"] = "CNY"
            pq.to_parquet(folder / f"shop-{month}.parquet", index=False)
            continue
        text = pd.DataFrame(
            {
                "Account Number": g["account"],
                "Account Name": g["holder_name"],
                "Transaction Time": g["time"].dt.strftime("%Y-%m-%d %H:%M:%S"),
                "Amount": g["amount"].map(lambda c: f"{c // 100:,}.{c % 100:02d}"),
                "Direction": g["direction"].map({"in": "CR", "out": "DR"}),
                "Counterparty Account": g["counterparty"],
                "Counterparty Name": g["counterparty_name"],
                "Reference": g["reference"],
            }
        )
        text.to_csv(folder / f"{acct}.csv", index=False, encoding="utf-8")
    # C's February statement delivered a second time by another branch, with a title line
    again = feed / "2024-02" / "resent"
    again.mkdir()
    body = (feed / "2024-02" / f"{C}.csv").read_text(encoding="utf-8")
    (again / f"{C}-copy.csv").write_text("某某银行对账单\n" + body, encoding="utf-8")
    return feed
