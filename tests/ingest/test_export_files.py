"""Reading whole export files: encodings, delimiters, title lines, workbooks, directions,
rejects with their codes, and row numbers exactly as a spreadsheet shows them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
import xlsxwriter

from fundgraph.ingest import read_export
from tests.ingest.ingest_helpers import ingest, read_one, write_text_export

H = ["交易卡号", "交易时间", "交易金额", "收付标志", "对手账号", "对手户名", "摘要"]
ROWS = [
    [
        "6222000000000001",
        "2022-03-05 14:22:10",
        "12,000.00",
        "出",
        "6217000000000002",
        "李四",
        "投资款",
    ],
    ["6222000000000001", "2022-03-06 09:00:00", "500.50", "进", "6217000000000003", "王五", "返利"],
]
T1, T2 = pd.Timestamp("2022-03-05 14:22:10"), pd.Timestamp("2022-03-06 09:00:00")


def _check_two(acc):
    assert acc["amount"].tolist() == [1200000, 50050]
    assert acc["time"].tolist() == [T1, T2]
    assert acc["direction"].tolist() == ["out", "in"]
    assert acc["account"].tolist() == ["6222000000000001"] * 2
    assert acc["counterparty_name"].tolist() == ["李四", "王五"]


# ---------------------------------------------------------------- encodings and delimiters


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings(tmp_path, encoding):
    p = write_text_export(tmp_path / "s.csv", H, ROWS, encoding=encoding)
    acc, rej = read_one(p)
    _check_two(acc)
    assert rej.empty


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_delimiters(tmp_path, delimiter, suffix):
    p = write_text_export(tmp_path / f"s{suffix}", H, ROWS, delimiter=delimiter)
    acc, rej = read_one(p)
    _check_two(acc)


def test_crlf(tmp_path):
    p = write_text_export(tmp_path / "s.csv", H, ROWS, newline="\r\n")
    acc, _ = read_one(p)
    _check_two(acc)
    assert acc["source_row"].tolist() == [2, 3]


# ---------------------------------------------------------------- title lines and row numbers


def test_title_lines_give_the_account_and_row_numbers(tmp_path):
    title = [
        "中国某某银行账户交易明细",
        "账号：6222000000000009  户名：张三",
        "起止日期：2022-01-01至2022-12-31",
        "",
    ]
    header = H[1:]
    rows = [r[1:] for r in ROWS]
    p = write_text_export(tmp_path / "s.csv", header, rows, title=title, encoding="gbk")
    acc, _ = read_one(p)
    assert acc["account"].tolist() == ["6222000000000009"] * 2
    assert acc["holder_name"].tolist() == ["张三"] * 2
    # header on line 5, rows on lines 6 and 7
    assert acc["source_row"].tolist() == [6, 7]


def test_blank_lines_keep_row_numbers(tmp_path):
    text = (
        ",".join(H)
        + "\n\n"
        + ",".join(ROWS[0]).replace("12,000.00", "12000")
        + "\n\n\n"
        + ",".join(ROWS[1])
        + "\n"
    )
    p = tmp_path / "s.csv"
    p.write_text(text, encoding="utf-8")
    acc, rej = read_one(p)
    assert acc["source_row"].tolist() == [3, 6]


def test_rejected_row_numbers_are_the_lines(tmp_path):
    rows = [ROWS[0], ["6222000000000001", "2022-03-05 10:00:00", "abc", "出", "", "", ""], ROWS[1]]
    p = write_text_export(tmp_path / "s.csv", H, rows, title=["银行流水"])
    acc, rej = read_one(p)
    assert acc["source_row"].tolist() == [3, 5]
    assert rej[["source_row", "code"]].values.tolist() == [[4, "bad_amount"]]


# ---------------------------------------------------------------- values in files


@pytest.mark.parametrize(
    ("cols", "cells"),
    [
        (["交易时间"], ["2022-03-05 14:22:10"]),
        (["交易时间"], ["2022/3/5 14:22:10"]),
        (["交易时间"], ["2022-03-05T14:22:10"]),
        (["交易时间"], ["20220305142210"]),
        (["交易日期", "交易时间"], ["20220305", "142210"]),
        (["交易日期", "交易时间"], ["2022年03月05日", "14:22:10"]),
        (["交易时间", "交易日期"], ["14:22:10", "2022-03-05"]),
    ],
)
def test_time_columns_in_a_file(tmp_path, cols, cells):
    header = ["交易卡号", *cols, "交易金额", "收付标志"]
    p = write_text_export(tmp_path / "s.csv", header, [["6222", *cells, "1", "出"]])
    acc, rej = read_one(p)
    assert acc["time"].tolist() == [T1], rej


@pytest.mark.parametrize(
    "amount", ["12000", "12,000.00", "¥12,000.00", "12000.00元", "\t12000.00\t"]
)
def test_amounts_in_a_file(tmp_path, amount):
    p = write_text_export(
        tmp_path / "s.csv", H[:4], [["6222", "2022-03-05 14:22:10", amount, "出"]]
    )
    acc, _ = read_one(p)
    assert acc["amount"].tolist() == [1200000]


def test_padding_and_placeholders_in_a_file(tmp_path):
    rows = [["\t6222000000000001\t", "2022-03-05 14:22:10", "100", "出", "-------", "", "\t"]]
    p = write_text_export(tmp_path / "s.csv", H, rows)
    acc, _ = read_one(p)
    assert acc["account"].tolist() == ["6222000000000001"]
    assert acc["counterparty"].tolist() == [""]  # cash
    assert acc["memo"].tolist() == [""]


def test_empty_counterparty_is_cash(tmp_path):
    rows = [["6222", "2022-03-05 14:22:10", "100", "出", "", "", "ATM取款"]]
    ing = ingest(write_text_export(tmp_path / "s.csv", H, rows))
    from fundgraph.ingest import build_transfers

    tr = build_transfers(ing.transactions)
    assert tr[["src", "dst", "amount"]].values.tolist() == [["6222", "", 10000]]


# ---------------------------------------------------------------- direction


IN_FLAGS = ["进", "收", "入", "贷", "收入", "转入", "C", "CR", "Credit", "IN", "cr", " 贷 "]
OUT_FLAGS = ["出", "付", "支", "借", "支出", "转出", "D", "DR", "Debit", "OUT", "d", "ＤＲ"]


@pytest.mark.parametrize("header", ["收付标志", "借贷标志", "Dr/Cr", "D/C", "资金流向"])
def test_direction_from_a_flag_column(tmp_path, header):
    rows = [["6222", "2022-03-05 14:22:10", "1", f] for f in IN_FLAGS + OUT_FLAGS]
    p = write_text_export(tmp_path / "s.csv", ["交易卡号", "交易时间", "交易金额", header], rows)
    acc, rej = read_one(p)
    assert rej.empty, rej
    assert acc["direction"].tolist() == ["in"] * len(IN_FLAGS) + ["out"] * len(OUT_FLAGS)


@pytest.mark.parametrize("flag", ["X", "转", "收付", "?", "0"])
def test_unknown_direction_is_rejected_with_its_row(tmp_path, flag):
    rows = [["6222", "2022-03-05 14:22:10", "1", "出"], ["6222", "2022-03-05 14:22:11", "2", flag]]
    p = write_text_export(
        tmp_path / "s.csv", ["交易卡号", "交易时间", "交易金额", "收付标志"], rows
    )
    ing = ingest(p)
    assert ing.rejects[["source_row", "code"]].values.tolist() == [[3, "unknown_direction"]]
    assert flag.strip() in ing.rejects["reason"][0]


def test_direction_from_debit_and_credit_columns(tmp_path):
    header = ["账号", "交易日期", "借方发生额", "贷方发生额", "余额"]
    rows = [
        ["6222", "2022-03-05 14:22:10", "", "1,000.00", "1000.00"],
        ["6222", "2022-03-05 14:22:11", "300.00", "", "700.00"],
        ["6222", "2022-03-05 14:22:12", "0.00", "50", "750.00"],
        ["6222", "2022-03-05 14:22:13", "5", "6", "750.00"],
        ["6222", "2022-03-05 14:22:14", "", "", "750.00"],
    ]
    acc, rej = read_one(write_text_export(tmp_path / "s.csv", header, rows))
    assert acc[["direction", "amount", "balance"]].values.tolist() == [
        ["in", 100000, 100000],
        ["out", 30000, 70000],
        ["in", 5000, 75000],
    ]
    assert rej[["source_row", "code"]].values.tolist() == [
        [5, "both_debit_and_credit"],
        [6, "no_amount"],
    ]


def test_direction_from_a_signed_amount(tmp_path):
    header = ["Account No", "Transaction Date", "Amount", "Balance"]
    rows = [
        ["A1", "2022-03-05 14:22:10", "-12,000.00", "0"],
        ["A1", "2022-03-05 14:22:11", "12000", "12000"],
    ]
    acc, _ = read_one(write_text_export(tmp_path / "s.csv", header, rows))
    assert acc[["direction", "amount"]].values.tolist() == [["out", 1200000], ["in", 1200000]]


def test_zero_and_negative_amounts_with_a_direction_column(tmp_path):
    rows = [
        ["6222", "2022-03-05 14:22:10", "0.00", "出"],
        ["6222", "2022-03-05 14:22:11", "-5", "出"],
    ]
    _, rej = read_one(write_text_export(tmp_path / "s.csv", H[:4], rows))
    assert rej["code"].tolist() == ["zero_amount", "unclear_sign"]  # no balance decides the sign


# ---------------------------------------------------------------- status, totals, repeated headers


@pytest.mark.parametrize("value", ["是", "成功", "Y", "success", "SUCCESS"])
def test_status_accepted(tmp_path, value):
    header = [*H[:4], "交易是否成功"]
    acc, rej = read_one(write_text_export(tmp_path / "s.csv", header, [[*ROWS[0][:4], value]]))
    assert len(acc) == 1 and rej.empty


@pytest.mark.parametrize("value", ["否", "失败", "N", "failed"])
def test_status_failed_rejected(tmp_path, value):
    header = [*H[:4], "交易是否成功"]
    acc, rej = read_one(write_text_export(tmp_path / "s.csv", header, [[*ROWS[0][:4], value]]))
    assert acc.empty and rej["code"].tolist() == ["failed_transaction"]


def test_totals_repeated_headers_and_failed_rows(tmp_path):
    header = [*H, "交易状态"]
    rows = [
        [*ROWS[0], "成功"],
        ["合计", "", "12,500.50", "", "", "", "", ""],
        header,
        [*ROWS[1], "成功"],
        ["本页合计", "", "", "", "", "", "", ""],
        ["Total", "", "1.00", "", "", "", "", ""],
        [*ROWS[1][:2], "1.00", *ROWS[1][3:], "失败"],
        [*ROWS[1][:2], "2.00", *ROWS[1][3:], "处理中"],
    ]
    ing = ingest(write_text_export(tmp_path / "s.csv", header, rows))
    got = ing.rejects[["source_row", "code"]].values.tolist()
    assert got == [
        [3, "totals_line"],
        [4, "repeated_header"],
        [6, "totals_line"],
        [7, "totals_line"],
        [8, "failed_transaction"],
        [9, "failed_transaction"],  # pending (处理中): not executed
    ]
    assert ing.rows_read == 8 and ing.rows_accepted == 2 and ing.rows_rejected == 6
    assert ing.transactions["source_row"].tolist() == [2, 5]


def test_rows_without_time_or_amount(tmp_path):
    rows = [
        ["6222", "", "1", "出"],
        ["6222", "2022-03-05 14:22:10", "", "出"],
        ["6222", "2022-02-30", "1", "出"],
    ]
    _, rej = read_one(write_text_export(tmp_path / "s.csv", H[:4], rows))
    assert rej["code"].tolist() == ["no_time", "no_amount", "bad_time"]


# ---------------------------------------------------------------- workbooks


def test_xlsx_with_several_sheets_and_companion_sheets(tmp_path):
    p = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "交易明细"
    ws.append(["某某银行交易明细"])
    ws.append(["账号：", "6222000000000009"])
    ws.append(H[1:])
    for r in ROWS:
        ws.append(r[1:])
    ws2 = wb.create_sheet("人员信息")
    ws2.append(["姓名", "证件号码", "联系电话"])
    ws2.append(["张三", "110101199001011234", "13800000000"])
    ws3 = wb.create_sheet("明细2")
    ws3.append(H)
    ws3.append(ROWS[0])
    wb.create_sheet("空表")
    wb.save(p)
    tables, problems = read_export(p)
    assert [t.source_sheet for t in tables] == ["交易明细", "明细2"]
    assert all(not pr.fatal for pr in problems)
    assert {pr.source_sheet for pr in problems} == {"人员信息", "空表"}
    ing = ingest(p)
    tx = ing.transactions
    assert tx[["source_sheet", "source_row", "account"]].values.tolist() == [
        ["交易明细", 4, "6222000000000009"],
        ["交易明细", 5, "6222000000000009"],
        ["明细2", 2, "6222000000000001"],
    ]
    # companion sheets are noted, not counted as errors
    assert ing.rejects.empty
    assert set(ing.warnings["code"]) >= {"sheet_no_header"}


def test_xlsx_real_date_cells(tmp_path):
    """Date, time and date-time cells written by openpyxl and xlsxwriter."""
    p1 = tmp_path / "openpyxl.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["交易卡号", "交易日期", "交易时间", "交易金额", "收付标志"])
    ws.append(["6222", dt.date(2022, 3, 5), dt.time(14, 22, 10), 12000, "出"])
    ws.append(["6222", dt.datetime(2022, 3, 6), dt.time(0, 0, 5), 1234.56, "进"])
    wb.save(p1)
    acc, rej = read_one(p1)
    assert rej.empty, rej
    assert acc["time"].tolist() == [T1, pd.Timestamp("2022-03-06 00:00:05")]
    assert acc["amount"].tolist() == [1200000, 123456]

    p2 = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(str(p2))
    sh = book.add_worksheet("流水")
    dfmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sh.write_row(0, 0, ["交易卡号", "交易时间", "交易金额", "收付标志"])
    sh.write_string(1, 0, "6222")
    sh.write_datetime(1, 1, dt.datetime(2022, 3, 5, 14, 22, 10), dfmt)
    sh.write_number(1, 2, 12000.0)
    sh.write_string(1, 3, "出")
    sh.write_string(2, 0, "6222")
    sh.write_datetime(2, 1, dt.datetime(2022, 3, 6, 0, 0, 0), dfmt)
    sh.write_number(2, 2, 0.1 + 0.2)
    sh.write_string(2, 3, "进")
    book.close()
    acc, rej = read_one(p2)
    assert rej.empty, rej
    assert acc["time"].tolist() == [T1, pd.Timestamp("2022-03-06 00:00:00")]
    assert acc["amount"].tolist() == [1200000, 30]


def test_real_xls(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    p = tmp_path / "old.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sh = book.add_sheet("明细")
    sh.write(0, 0, "账号：6222000000000009")
    for c, h in enumerate(H[1:]):
        sh.write(1, c, h)
    datefmt = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    sh.write(2, 0, dt.datetime(2022, 3, 5, 14, 22, 10), datefmt)
    sh.write(2, 1, 12000.0)
    for c, v in enumerate(ROWS[0][3:], start=2):
        sh.write(2, c, v)
    for c, v in enumerate(ROWS[1][1:]):
        sh.write(3, c, v)
    book.add_sheet("账户信息").write(0, 0, "账号")
    book.save(str(p))
    assert p.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    tables, problems = read_export(p)
    assert tables[0].kind == "xls"
    acc, _ = read_one(p)
    assert acc["account"].tolist() == ["6222000000000009"] * 2
    assert acc["time"].tolist() == [T1, T2]
    assert acc["amount"].tolist() == [1200000, 50050]
    assert acc["source_row"].tolist() == [3, 4]


def test_xls_that_is_really_html(tmp_path):
    cells = "".join(f"<td>{h}</td>" for h in H)
    rows = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in ROWS)
    html = f'<html><head><meta charset="gb2312"></head><body><table><tr><td colspan="7">交易明细</td></tr><tr>{cells}</tr>{rows}</table></body></html>'
    p = tmp_path / "export.xls"
    p.write_bytes(html.encode("gbk"))
    acc, rej = read_one(p)
    _check_two(acc)
    assert acc["source_row"].tolist() == [3, 4]


def test_excel_2003_xml_saved_as_xls(tmp_path):
    def row(vals):
        return (
            "<Row>"
            + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in vals)
            + "</Row>"
        )

    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="s"><Table>'
        + row(H)
        + "".join(row(r) for r in ROWS)
        + "</Table></Worksheet></Workbook>"
    )
    p = tmp_path / "export.xls"
    p.write_text(xml, encoding="utf-8")
    acc, _ = read_one(p)
    _check_two(acc)


def test_header_below_title_rows_in_a_workbook(tmp_path):
    p = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(5):
        ws.append(["查询结果", "", "", "金额单位：元"])
    ws.append([])
    ws.append(H)
    ws.append(ROWS[0])
    ws.append([])
    ws.append(ROWS[1])
    wb.save(p)
    acc, _ = read_one(p)
    assert acc["source_row"].tolist() == [8, 10]


# ---------------------------------------------------------------- quoting


def test_quoted_multi_line_memo_with_crlf(tmp_path):
    rows = [[*ROWS[0][:6], "第一行\r\n第二行"], ROWS[1]]
    p = write_text_export(tmp_path / "s.csv", H, rows, newline="\r\n")
    acc, rej = read_one(p)
    assert rej.empty, rej
    assert acc["memo"].tolist() == ["第一行\n第二行", "返利"]
    assert acc["source_row"].tolist() == [2, 3]


def test_stray_quote_does_not_swallow_rows(tmp_path):
    lines = [",".join(H)]
    lines.append('6222,2022-03-05 14:22:10,100,出,6217,李四,"投资 款')
    lines.append("6222,2022-03-05 14:22:11,200,进,6217,李四,返利")
    lines.append('6222,2022-03-05 14:22:12,300,进,6217,李四,他说"好的')
    lines.append("6222,2022-03-05 14:22:13,400,进,6217,李四,ok")
    p = tmp_path / "s.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    acc, rej = read_one(p)
    assert acc["amount"].tolist() == [10000, 20000, 30000, 40000]
    assert acc["source_row"].tolist() == [2, 3, 4, 5]


def test_trailing_delimiters_on_rows_not_on_header(tmp_path):
    lines = [",".join(H)] + [",".join(r).replace("12,000.00", "12000.00") + "," for r in ROWS]
    p = tmp_path / "s.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    acc, rej = read_one(p)
    assert rej.empty
    assert acc["amount"].tolist() == [1200000, 50050]
    assert acc["account"].tolist() == ["6222000000000001"] * 2


def test_unquoted_delimiter_in_memo_widens_the_row(tmp_path):
    lines = [",".join(H), "6222,2022-03-05 14:22:10,100,出,6217,李四,投资,第二期"]
    p = tmp_path / "s.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    acc, _ = read_one(p)
    assert acc["memo"].tolist() == ["投资"]
    assert "第二期" in acc["extra"][0]  # kept, not lost


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (["账号：6222000000000009"], {"account": "6222000000000009"}),
        (
            ["户名：张三 账号：6222 0000 0000 0009 起止日期：2022-01-01"],
            {"account": "6222000000000009", "holder_name": "张三"},
        ),
        (
            ["查询卡号:6217000011112222,客户名称:某某公司,,"],
            {"account": "6217000011112222", "holder_name": "某某公司"},
        ),
        (
            ["Account No: 6222-0000-0009", "Account Name: ZHANG San"],
            {"account": "622200000009", "holder_name": "ZHANG San"},
        ),
        (["某某银行个人账户交易明细", "打印时间：2023-01-01 10:00:00"], {}),
    ],
)
def test_title_lines(tmp_path, lines, want):
    from fundgraph.ingest.readers import _title_info

    assert _title_info([[x] for x in lines]) == want


def test_title_label_and_value_in_separate_cells(tmp_path):
    from fundgraph.ingest.readers import _title_info

    assert _title_info([["账号：", "\t6222000000000009\t", "户名：", "张三"]]) == {
        "account": "6222000000000009",
        "holder_name": "张三",
    }


def test_find_exports_walks_folders_and_skips_lock_files(tmp_path):
    from fundgraph.ingest import find_exports

    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ["a/b/x.csv", "a/y.XLSX", "a/~$y.xlsx", "a/.hidden.csv", "a/notes.doc", "z.txt"]:
        (tmp_path / name).write_bytes(b"x")
    got = [n for _, n in find_exports([tmp_path])]
    assert got == ["a/b/x.csv", "a/y.XLSX", "z.txt"]
    with pytest.raises(FileNotFoundError):
        find_exports([tmp_path / "missing"])
