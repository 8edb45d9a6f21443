"""The synthetic case generator: determinism, layouts, vocabulary and a consistent truth."""

from __future__ import annotations

import csv
import functools
import json
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from fundgraph.synth import ALL_LAYOUTS, generate_case, participants_for_rows, rows_for
from fundgraph.synth import case as case_mod
from fundgraph.synth.statements import assign_layouts, number_accounts, statement_rows
from fundgraph.synth.world import build_world

SEEDS = (0, 1, 2)
TEXT = {  # folder -> (encoding, delimiter)
    "工商银行": ("gbk", ","),
    "建设银行": ("utf-8-sig", ","),
    "农业银行": ("gb18030", "\t"),
    "邮储银行": ("utf-16", "|"),
}

VOCABULARY = """
交易卡号 交易账号 卡号 账号 帐号 本方账号 本方卡号 查询账号 查询卡号 |Account Number|Account No|Account
交易方户名 交易户名 账户开户名称 户名 本方户名 账户名称 客户名称 |Account Name|Name
交易方证件号码 交易证件号码 开户人证件号码 证件号码 身份证号 本方证件号码 |ID Number
交易时间 交易日期 交易日期时间 记账日期 记账时间 入账日期 入账时间 发生时间 |Transaction Time|Transaction Date|Date|Time
交易金额 发生额 金额 交易额 |Amount|Transaction Amount
借方发生额 支出金额 支出 付款金额 转出金额 |Debit|Debit Amount|Withdrawal
贷方发生额 收入金额 存入 收款金额 转入金额 |Credit|Credit Amount|Deposit
收付标志 借贷标志 借贷标记 借贷方向 收支标志 收支方向 交易方向 资金流向 |Direction|Dr/Cr|D/C
交易余额 余额 账户余额 联机余额 |Balance
交易对手账卡号 对手账号 对方账号 对方帐号 对手卡号 对方卡号 对方账户 对方帐户 对手账户 |Counterparty Account|Opposite Account|Beneficiary Account
对手户名 对方户名 对方名称 对手名称 对方账户名称 对方账户名 对方单位名称 |Counterparty Name|Beneficiary Name
对手身份证号 对手证件号码 对方证件号码 交易对手证照号码 |Counterparty ID
对手开户银行 对方行名 对方开户行 对方银行 |Counterparty Bank
摘要说明 摘要 交易摘要 用途 附言 备注 |Description|Memo|Remark
交易渠道 渠道 交易方式 |Channel
交易流水号 流水号 银行流水号 交易序号 传票号 |Reference No|Reference|Transaction ID
交易网点名称 交易网点 网点名称 |Branch
交易是否成功 交易状态 是否成功 |Status
交易币种 币种 |Currency
IP地址 MAC地址 现金标志 交易发生地 商户名称
"""
DIRECTIONS = "进 出 收 付 入 支 借 贷 收入 支出 转入 转出 C D CR DR Credit Debit IN OUT".split()
STATUSES = "是 否 成功 失败 Y N success failed".split()


def _vocabulary() -> set[str]:
    words: set[str] = set()
    for line in VOCABULARY.strip().splitlines():
        zh, _, en = line.partition("|")
        words.update(zh.split())
        words.update(w for w in en.split("|") if w)
    return words


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[int, tuple[Path, dict]]:
    out = {}
    for seed in SEEDS:
        d = tmp_path_factory.mktemp(f"case{seed}")
        out[seed] = (d, generate_case(d, seed=seed, participants=150))
    return out


def _text_lines(path: Path) -> list[list[str]]:
    folder = path.parent.name
    if folder == "招商银行":
        enc, sep = "utf-8", ";" if path.suffix == ".txt" else ","
    else:
        enc, sep = TEXT[folder]
    text = path.read_bytes().decode(enc)
    if sep == ",":
        return [[c.strip("\t ") for c in row] for row in csv.reader(text.splitlines())]
    return [[c.strip("\t ") for c in line.split(sep)] for line in text.splitlines()]


def _sheet_rows(path: Path) -> dict[str, list[list]]:
    if path.suffix == ".xls":
        import xlrd

        book = xlrd.open_workbook(str(path))
        return {s.name: [s.row_values(i) for i in range(s.nrows)] for s in book.sheets()}
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


@functools.cache
def _all_cells(root: Path) -> set[str]:
    cells: set[str] = set()
    for path in (root / "exports").rglob("*"):
        if path.suffix in (".csv", ".txt"):
            for row in _text_lines(path):
                cells.update(row)
        elif path.suffix in (".xlsx", ".xls"):
            for rows in _sheet_rows(path).values():
                for row in rows:
                    cells.update(str(c) for c in row if c is not None)
    return cells


def test_same_seed_same_bytes_and_seeds_differ(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    ta = generate_case(a, seed=7, participants=40)
    generate_case(b, seed=7, participants=40)
    tc = generate_case(c, seed=8, participants=40)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert ta["transfers"] != tc["transfers"] or ta["total_absorbed"] != tc["total_absorbed"]
    assert set(ta["accounts"]) != set(tc["accounts"])


def test_regenerating_replaces_a_case_but_not_foreign_folders(tmp_path):
    generate_case(tmp_path, seed=1, participants=20)
    generate_case(tmp_path, seed=1, participants=20)  # replaces the previous case
    other = tmp_path / "other"
    (other / "exports").mkdir(parents=True)
    with pytest.raises(FileExistsError):
        generate_case(other, participants=20)


def test_every_layout_is_used(cases):
    used = set()
    for _d, truth in cases.values():
        used.update(a["layout"] for a in truth["accounts"].values() if a["layout"])
    assert used == set(ALL_LAYOUTS)


def test_whole_vocabulary_and_values_appear(cases):
    cells: set[str] = set()
    for d, _truth in cases.values():
        cells |= _all_cells(d)
    missing = sorted(_vocabulary() - cells)
    assert not missing, missing
    assert not set(DIRECTIONS) - cells
    assert not set(STATUSES) - cells
    assert {"合计", "本页合计", "Total"} <= cells
    joined = "\n".join(cells)
    for amount in ("¥", "元", ",", "-"):
        assert amount in joined


def test_encodings_titles_repeated_headers_and_placeholders(cases):
    d, _ = cases[0]
    exports = d / "exports"
    icbc = sorted((exports / "工商银行").glob("*.csv"))
    raw = icbc[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.startswith("中国工商银行账户历史明细")
    assert "起止日期：" in text and "\t6" in text
    big = max(icbc, key=lambda p: p.stat().st_size)
    lines = big.read_bytes().decode("gbk").splitlines()
    header = lines[4]
    if len(lines) > 90:
        assert lines.count(header) > 1  # page-break repeats
    assert (next((exports / "建设银行").glob("*.csv"))).read_bytes().startswith(b"\xef\xbb\xbf")
    assert (next((exports / "邮储银行").glob("*.txt"))).read_bytes()[:2] in (
        b"\xff\xfe",
        b"\xfe\xff",
    )
    abc = "".join(p.read_bytes().decode("gb18030") for p in (exports / "农业银行").glob("*.txt"))
    assert "-------" in abc and "年" in abc


def test_police_workbooks_have_companion_sheets_without_a_statement_header(cases):
    d, truth = cases[0]
    books = sorted((d / "exports" / "公安调证").glob("*.xlsx"))
    assert books
    sheets = _sheet_rows(books[0])
    assert "人员信息" in sheets and "账户信息" in sheets
    for name in ("人员信息", "账户信息"):
        header = set(sheets[name][0])
        assert not header & {"交易时间", "交易日期", "发生时间", "记账日期"}
        assert not header & {"交易金额", "金额", "发生额", "交易额"}
    statement = [s for s in sheets if s.startswith("交易明细")]
    assert statement and len(sheets[statement[0]][0]) == 34
    assert sheets[statement[0]][0][-1] == "查询反馈结果原因"
    listed = {(f["file"], f["sheet"]) for f in truth["files"]}
    rel = books[0].relative_to(d / "exports").as_posix()
    assert (rel, "人员信息") not in listed and (rel, statement[0]) in listed


def test_excel_date_cells_are_real_dates(cases):
    import datetime as dt

    import xlrd

    seen_xlsx = seen_xls = False
    for d, _ in cases.values():
        for p in (d / "exports" / "交通银行").glob("*.xlsx"):
            rows = _sheet_rows(p)["明细"]
            assert isinstance(rows[5][3], dt.datetime)
            seen_xlsx = True
        for p in (d / "exports" / "农村信用社").glob("*.xls"):
            sheet = xlrd.open_workbook(str(p)).sheet_by_index(0)
            assert sheet.cell_type(2, 3) == xlrd.XL_CELL_DATE
            seen_xls = True
    assert seen_xlsx and seen_xls


def test_rows_read_is_valid_plus_junk(cases):
    for _d, truth in cases.values():
        assert truth["rows_read"] == truth["rows_valid"] + truth["rows_junk"]
        for f in truth["files"]:
            assert f["rows_read"] == f["rows_valid"] + f["rows_junk"] >= 1
        assert truth["rows_junk"] > 0


def _transfers(d: Path) -> list[dict]:
    with open(d / "truth_transfers.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_truth_totals_match_truth_transfers(cases):
    for d, truth in cases.values():
        rows = _transfers(d)
        assert len(rows) == truth["transfers"]
        sides = sum(2 if r["obtained_sides"] == "both" else 1 for r in rows)
        assert sides == truth["rows_valid"]
        tot = defaultdict(lambda: [Decimal(0), Decimal(0), 0, 0])
        for r in rows:
            a = Decimal(r["amount"])
            if r["src"]:
                tot[r["src"]][1] += a
                tot[r["src"]][3] += 1
            if r["dst"]:
                tot[r["dst"]][0] += a
                tot[r["dst"]][2] += 1
        assert set(tot) == set(truth["accounts"])
        for acct, info in truth["accounts"].items():
            t = tot[acct]
            assert (Decimal(info["in_amount"]), Decimal(info["out_amount"])) == (t[0], t[1]), acct
            assert (info["in_count"], info["out_count"]) == (t[2], t[3]), acct
        deposits = [r for r in rows if r["kind"] == "deposit"]
        paid = defaultdict(Decimal)
        for r in deposits:
            paid[r["src"]] += Decimal(r["amount"])
        assert {k: str(v) for k, v in paid.items()} == {
            k: p["paid_in"] for k, p in truth["participants"].items()
        }
        assert Decimal(truth["total_absorbed"]) == sum(paid.values())
        persons = defaultdict(Decimal)
        for p in truth["participants"].values():
            persons[p["person"]] += Decimal(p["net_loss"])
            assert Decimal(p["paid_in"]) - Decimal(p["received_back"]) == Decimal(p["net_loss"])
        assert truth["participant_persons"] == len(persons)
        assert Decimal(truth["direct_loss"]) == sum(v for v in persons.values() if v > 0)
        assert truth["last_deposit"] == max(r["time"] for r in deposits)


def test_roles_and_levels(cases):
    for _d, truth in cases.values():
        acc = truth["accounts"]
        roles = Counter(a["role"] for a in acc.values())
        assert roles["core"] == 1 and roles["transit"] == 1
        assert roles["collector"] >= 4 and roles["beneficiary"] >= 2
        for a in acc.values():
            if a["role"] in ("beneficiary", "other"):
                assert a["level"] is None
            else:
                assert a["level"] is not None
            if a["role"] == "core":
                assert a["level"] == 0
        levels = [a["level"] for a in acc.values() if a["level"] is not None]
        assert truth["max_level"] == max(levels) >= 3
        for acct in truth["participants"]:
            assert acc[acct]["role"] == "participant"
        for group in ("shop", "employer", "landlord"):
            assert truth["noise"][group]
            assert all(acc[x]["role"] == "other" for x in truth["noise"][group])
        assert truth["payout_exceeds_deposits_month"] is not None
        assert truth["collapse_date"] > truth["last_deposit"][:10]


def test_scheme_features(cases):
    two_cards = same_day_twice = aliases_used = False
    for d, truth in cases.values():
        persons = Counter(p["person"] for p in truth["participants"].values())
        two_cards |= any(n > 1 for n in persons.values())
        rows = _transfers(d)
        dep = Counter(
            (r["src"], r["dst"], r["amount"], r["time"][:10])
            for r in rows
            if r["kind"] == "deposit"
        )
        same_day_twice |= any(n > 1 for n in dep.values())
        aliases = {al for a in truth["accounts"].values() for al in a["aliases"]}
        if aliases:
            aliases_used |= bool(aliases & _all_cells(d))
        kinds = {r["kind"] for r in rows}
        assert {
            "deposit",
            "forward",
            "interest",
            "commission",
            "siphon",
            "cash",
            "salary",
            "shopping",
        } <= kinds
    assert two_cards and same_day_twice and aliases_used


def _statements(seed: int, participants: int = 80):
    rng = np.random.default_rng(seed)
    world = build_world(rng, participants, 0.3, 18, "2021-03-01")
    layout = assign_layouts(rng, world, list(ALL_LAYOUTS))
    number_accounts(rng, world, layout)
    return world, statement_rows(rng, world)


def test_running_balances_and_mirrors():
    world, st = _statements(3)
    rows = st.rows
    signed = np.where(rows["failed"], 0, rows["dir"] * rows["amount"])
    for m in st.meta.itertuples():
        bal = rows["balance"].to_numpy()[m.lo : m.hi]
        s = signed[m.lo : m.hi]
        assert bal[0] == m.opening + s[0]
        assert (np.diff(bal) == s[1:]).all()
        assert (bal >= 0).all()
    assert rows["failed"].any()
    real = rows[~rows["failed"]]
    both = real.groupby("tid").filter(lambda g: len(g) == 2)
    out = both[both["dir"] < 0].set_index("tid")["t"]
    inn = both[both["dir"] > 0].set_index("tid")["t"]
    lag = (inn - out).to_numpy()
    assert len(lag) and lag.min() >= 0 and lag.max() <= 120


def test_balances_in_written_utf16_files(cases):
    for d, _ in cases.values():
        for p in (d / "exports" / "邮储银行").glob("*.txt"):
            lines = _text_lines(p)
            head = lines[0]
            idx = {h: i for i, h in enumerate(head)}
            dcol = idx.get("收支标志", idx.get("收支方向"))
            prev = None
            for row in lines[1:]:
                amt = Decimal(row[idx["金额"]])
                bal = Decimal(row[idx["联机余额"]])
                if row[idx["交易状态"]] == "失败":
                    if prev is not None:
                        assert bal == prev
                    continue
                sign = 1 if row[dcol] in ("收", "入") else -1
                if prev is not None:
                    assert bal == prev + sign * amt, p
                prev = bal


def test_participants_for_rows_hits_the_size(tmp_path):
    n = participants_for_rows(20_000)
    assert abs(rows_for(n) - 20_000) < 1_000
    truth = generate_case(tmp_path, seed=4, scale_rows=20_000)
    assert 0.85 * 20_000 <= truth["rows_read"] <= 1.15 * 20_000
    assert participants_for_rows(200_000) > 5 * n


def test_without_xlwt_the_xls_layout_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(case_mod, "xls_available", lambda: False)
    truth = generate_case(tmp_path, seed=0, participants=40)
    assert truth["params"]["xls_skipped"] is True
    assert not list(tmp_path.rglob("*.xls"))
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["params"][
        "xls_skipped"
    ]


def test_layouts_can_be_restricted(tmp_path):
    truth = generate_case(tmp_path, seed=0, participants=30, layouts=["utf16", "english"])
    assert {a["layout"] for a in truth["accounts"].values()} - {""} == {"utf16", "english"}
    with pytest.raises(ValueError):
        generate_case(tmp_path / "x", layouts=["nope"])


def test_rows_read_matches_the_files(cases):
    for d, truth in [cases[0]]:
        exports = d / "exports"
        for f in truth["files"]:
            path = exports / f["file"]
            if path.suffix in (".csv", ".txt"):
                rows = _text_lines(path)
            else:
                rows = [
                    [("" if c is None else str(c)) for c in r]
                    for r in _sheet_rows(path)[f["sheet"]]
                ]
            filled = [r for r in rows if any(c.strip() for c in r)]
            header = next(i for i, r in enumerate(filled) if sum(bool(c) for c in r) >= 5)
            assert len(filled) - header - 1 == f["rows_read"], f["file"]
