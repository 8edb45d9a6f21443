"""The Excel workbook, read back with openpyxl (an independent reader)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from fundgraph.case import load_case
from fundgraph.export.xlsx import CREATED, TIME_FORMAT, YUAN_FORMAT, write_xlsx
from fundgraph.i18n import t
from tests.export.export_cases import (
    COL,
    CONTROL_HOLDER,
    CORE,
    FORMULA_MEMO,
    HOSTILE_HOLDER,
    P1,
    P2,
    PERSON,
    SCRIPT_HOLDER,
    hand_case,
)


@pytest.fixture(scope="module")
def book(hand_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx") / "case.xlsx"
    write_xlsx(load_case(hand_dir), out, lang="zh")
    return openpyxl.load_workbook(out)


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _rows(ws) -> list[dict]:
    head = _header(ws)
    return [dict(zip(head, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)]


def _money(cell) -> Decimal:
    assert isinstance(cell.value, float | int), cell.value
    assert cell.number_format == YUAN_FORMAT
    return Decimal(repr(float(cell.value)))


def test_sheets_in_order_with_frozen_header_and_autofilter(book):
    names = [
        t(f"export.sheet.{k}", "zh")
        for k in (
            "summary",
            "thresholds",
            "accounts",
            "participants",
            "restitution",
            "transfers",
            "alerts",
            "structures",
            "structure_levels",
            "rejects",
            "warnings",
            "files",
        )
    ]
    assert book.sheetnames == names
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
        assert all(
            ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width >= 8
            for j in range(1, ws.max_column + 1)
        ), ws.title


def test_transfers_types_and_values(book):
    ws = book[t("export.sheet.transfers", "zh")]
    head = _header(ws)
    col = {
        name: head.index(t(f"export.col.{name}", "zh"))
        for name in ("transfer_id", "time", "src", "src_id", "dst", "amount", "memo", "sources")
    }
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 9
    first = rows[0]  # P1 -> COL 1,000.01 at 2022-01-05 10:00, memo "=1+1"
    assert first[col["transfer_id"]].value == 0
    assert first[col["time"]].value == datetime(2022, 1, 5, 10, 0, 0)
    assert first[col["time"]].number_format == TIME_FORMAT
    assert first[col["src"]].value == P1 and first[col["src"]].data_type == "s"
    assert first[col["dst"]].value == COL
    assert first[col["src_id"]].value == PERSON and first[col["src_id"]].data_type == "s"
    assert _money(first[col["amount"]]) == Decimal("1000.01")
    # a formula-looking memo is a text cell, not a formula
    assert first[col["memo"]].value == FORMULA_MEMO and first[col["memo"]].data_type == "s"
    assert first[col["sources"]].value == "银行/0.csv:2;另一行/0.xls:7"
    amounts = sorted(_money(r[col["amount"]]) for r in rows)
    assert amounts == sorted(
        Decimal(c) / 100 for c in (100001, 500000, 200002, 800003, 15000, 300000, 20000, 1000, 8888)
    )
    cash = [r for r in rows if r[col["memo"]].value == "ATM取款"][0]
    assert cash[col["dst"]].value is None  # cash: no counterparty account


def test_accounts_card_numbers_text_and_amounts(book):
    ws = book[t("export.sheet.accounts", "zh")]
    head = _header(ws)
    by_account = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert set(by_account) == {CORE, COL, P1, P2, "6230580000000000099", "6222600000000000077"}
    for account, row in by_account.items():
        assert row[0].data_type == "s" and len(account) == 19  # never 6.22E+18
    col = by_account[COL]
    assert col[head.index(t("export.col.holder_name", "zh"))].value == HOSTILE_HOLDER
    assert col[head.index(t("export.col.holder_name", "zh"))].data_type == "s"
    assert _money(col[head.index(t("export.col.in_amount", "zh"))]) == Decimal("8000.03")
    assert col[head.index(t("export.col.role", "zh"))].value == t("role.collector", "zh")
    assert col[head.index(t("export.col.level", "zh"))].value == 1
    core = by_account[CORE]
    assert core[head.index(t("export.col.alert_codes", "zh"))].value == "cycle;fan_in"
    assert core[head.index(t("export.col.obtained", "zh"))].value is True
    assert core[head.index(t("export.col.first_time", "zh"))].value == datetime(2022, 3, 1, 12)
    # level is empty outside structures, not 0
    assert by_account["6222600000000000077"][head.index(t("export.col.level", "zh"))].value is None


def test_participants_with_restitution_share_adding_up(book):
    ws = book[t("export.sheet.participants", "zh")]
    rows = _rows(ws)
    share = t("export.col.recovered_share", "zh")
    by = {r[t("export.col.account", "zh")]: r for r in rows}
    assert by[P1][t("export.col.holder_name", "zh")] == SCRIPT_HOLDER
    assert Decimal(repr(by[P1][t("export.col.net_loss", "zh")])) == Decimal("2850.03")
    # one person with two cards: the share stands once, on the person's first row
    assert Decimal(repr(by[P1][share])) == Decimal("1000.00") and by[P2][share] is None
    plan = _rows(book[t("export.sheet.restitution", "zh")])
    assert len(plan) == 1 and plan[0][t("export.col.person", "zh")] == PERSON
    assert Decimal(repr(plan[0][t("export.col.received_back", "zh")])) == Decimal("150.00")


def test_summary_thresholds_and_structures(book):
    summary = {r[0].value: r[1] for r in book[t("export.sheet.summary", "zh")].iter_rows(min_row=2)}
    absorbed = summary[t("report.summary.total_absorbed", "zh")]
    assert _money(absorbed) == Decimal("8000.03")
    assert summary[t("report.summary.rows_read", "zh")].value == 10
    assert summary[t("export.summary.date_from", "zh")].value == datetime(2022, 1, 5, 10)
    th = list(book[t("export.sheet.thresholds", "zh")].iter_rows(min_row=2))
    assert _money(th[0][3]) == Decimal("8000.03") and _money(th[0][4]) == Decimal("1000000.00")
    assert th[1][3].value == 1 and th[1][4].value == 150 and th[1][3].number_format == "General"
    assert th[0][5].value == t("export.met.no", "zh")
    assert th[0][6].value == t("threshold.176_amount.note", "zh") and th[0][6].data_type == "s"
    levels = [
        (r[1].value, r[2].value, r[3].value)
        for r in book[t("export.sheet.structure_levels", "zh")].iter_rows(min_row=2)
    ]
    assert levels == [
        (0, t("role.core", "zh"), CORE),
        (1, t("role.collector", "zh"), COL),
        (None, t("role.beneficiary", "zh"), "6230580000000000099"),
    ]
    st = list(book[t("export.sheet.structures", "zh")].iter_rows(min_row=2))
    assert _money(st[0][7]) == Decimal("8000.03") and st[0][1].value == CORE


def test_hostile_cells_stay_text(book):
    raw = book[t("export.sheet.rejects", "zh")]["F2"]
    assert raw.value.startswith("=cmd|") and raw.data_type == "s"
    names = [r[1].value for r in book[t("export.sheet.participants", "zh")].iter_rows(min_row=2)]
    # the control character is shown as U+FFFD, the rest of the name as it was
    assert CONTROL_HOLDER.replace("\x01", "\ufffd") in names


def test_transfers_split_over_sheets_past_the_row_limit(tmp_path):
    out = write_xlsx(hand_case(), tmp_path / "split.xlsx", lang="en", max_rows=4)
    wb = openpyxl.load_workbook(out)
    parts = [n for n in wb.sheetnames if n.startswith("Transfers")]
    assert parts == ["Transfers (1)", "Transfers (2)", "Transfers (3)"]  # 9 rows, 3 per sheet
    ids = [r[0].value for n in parts for r in wb[n].iter_rows(min_row=2)]
    assert ids == list(range(9))
    assert all(wb[n].max_row == 4 and wb[n].freeze_panes == "A2" for n in parts)
    notes = [r[0].value for r in wb["Summary"].iter_rows(min_row=2)]
    assert any("split over 3 sheets" in n and "Transfers (3)" in n for n in notes)


def test_english_names_and_byte_identical(tmp_path):
    a = write_xlsx(hand_case(), tmp_path / "a.xlsx", lang="en")
    b = write_xlsx(hand_case(), tmp_path / "b.xlsx", lang="en")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    wb = openpyxl.load_workbook(a)
    assert wb.sheetnames[:3] == ["Summary", "Legal thresholds", "Accounts"]
    assert wb.properties.created == CREATED
    assert _header(wb["Transfers"])[8] == "Amount (yuan)"


def test_synthetic_case_figures_match_the_folder(synth_dir, tmp_path):
    case = load_case(synth_dir)
    wb = openpyxl.load_workbook(write_xlsx(case, tmp_path / "s.xlsx", lang="zh"), read_only=True)
    tr = list(wb[t("export.sheet.transfers", "zh")].iter_rows(min_row=2, values_only=True))
    assert len(tr) == len(case.transfers)
    cents = sorted(int(Decimal(repr(float(r[8]))) * 100) for r in tr)
    assert cents == sorted(int(c) for c in case.transfers["amount"])
    part = list(wb[t("export.sheet.participants", "zh")].iter_rows(min_row=2, values_only=True))
    assert len(part) == len(case.participants)
    share_total = sum(Decimal(repr(r[11])) for r in part if r[11] is not None)
    assert share_total == Decimal("50000.00")  # the shares add up to the amount recovered
    accounts = list(wb[t("export.sheet.accounts", "zh")].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in accounts] == case.accounts["account"].tolist()
    assert all(isinstance(r[0], str) for r in accounts)
