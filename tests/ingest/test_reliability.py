"""Nothing silently wrong: inputs that used to be read as wrong figures, or lost without a
word. Each test builds the smallest file that showed the fault, with hand-computed
expectations."""

from __future__ import annotations

import pandas as pd

from fundgraph.ingest import build_transfers
from fundgraph.results import CaseSummary
from tests.ingest.ingest_helpers import ingest, read_one, write_text_export

H = ["交易卡号", "交易时间", "交易金额", "收付标志", "对手账号", "对手户名", "摘要"]


def _lines(path, lines: list[str], end: str = "\n", encoding: str = "utf-8"):
    path.write_bytes((end.join(lines) + end).encode(encoding))
    return path


# ---------------------------------------------------------------- line ends


def test_bare_cr_inside_an_unquoted_cell_keeps_the_quotes(tmp_path):
    p = _lines(
        tmp_path / "s.csv",
        [
            ",".join(H),
            '6222000000000001,2022-03-05 10:00:00,5000.00,进,6217000000000002,"x,5000,y",Main\rStreet',
            "6222000000000001,2022-03-06 10:00:00,12000.00,出,6217000000000002,李四,投资款",
        ],
    )
    acc, rej = read_one(p)
    assert rej.empty
    assert acc["amount"].tolist() == [500000, 1200000]
    assert acc["counterparty_name"].tolist() == ["x,5000,y", "李四"]
    assert acc["memo"].tolist() == ["Main\rStreet", "投资款"]
    assert acc["source_row"].tolist() == [2, 3]


def test_bare_cr_after_a_quoted_multi_line_memo_keeps_row_numbers(tmp_path):
    p = _lines(
        tmp_path / "s.csv",
        [
            ",".join(H),
            '6222000000000001,2022-03-05 10:00:00,1.00,进,6217000000000002,张三,"first\nsecond"',
            '6222000000000001,2022-03-06 10:00:00,2.00,进,6217000000000002,"x,5000,y",a\rb',
            "6222000000000001,2022-03-07 10:00:00,3.00,进,6217000000000002,张三,plain",
        ],
    )
    acc, rej = read_one(p)
    assert rej.empty
    # one spreadsheet row per record: the quoted memo is one row, the CR is no row break
    assert acc["source_row"].tolist() == [2, 3, 4]
    assert acc["amount"].tolist() == [100, 200, 300]
    assert acc["memo"].tolist() == ["first\nsecond", "a\rb", "plain"]
    assert acc["counterparty_name"].tolist() == ["张三", "x,5000,y", "张三"]


def test_cr_only_line_ends_are_read(tmp_path):
    rows = [
        ["6222000000000001", "2022-03-05 10:00:00", "1.00", "进", "6217000000000002", "张三", "a"],
        ["6222000000000001", "2022-03-06 10:00:00", "2.50", "出", "6217000000000002", "张三", "b"],
        ["6222000000000001", "2022-03-07 10:00:00", "3.00", "进", "6217000000000002", "张三", "c"],
    ]
    p = write_text_export(tmp_path / "mac.csv", H, rows, newline="\r", encoding="gbk")
    ing = ingest(p)
    assert ing.rows_read == 3
    assert ing.transactions["amount"].tolist() == [100, 250, 300]
    assert ing.transactions["source_row"].tolist() == [2, 3, 4]


# ---------------------------------------------------------------- NUL bytes


def test_one_nul_byte_does_not_reject_the_statement(tmp_path):
    rows = [
        [
            "6222000000000001",
            f"2022-03-{d:02d} 10:00:00",
            "100.00",
            "进",
            "6217000000000002",
            "张三",
            "m",
        ]
        for d in range(1, 21)
    ]
    p = write_text_export(tmp_path / "s.csv", H, rows)
    data = bytearray(p.read_bytes())
    # the NUL lands after the memo of the third row
    at = data.index(b",m\n", data.index(b"2022-03-03")) + 2
    data[at:at] = b"\x00"
    p.write_bytes(bytes(data))
    ing = ingest(p)
    assert ing.rows_read == 20
    assert ing.rows_accepted == 20
    assert ing.transactions["memo"].iloc[2] == "m\ufffd"


def test_many_nul_bytes_are_still_binary(tmp_path):
    p = tmp_path / "s.csv"
    p.write_bytes(",".join(H).encode() + b"\n" + bytes(range(256)) * 8)
    ing = ingest(p)
    assert ing.rejects["code"].tolist() == ["binary"]


# ---------------------------------------------------------------- what the folder walk reads

ROW = ["6222000000000001", "2022-03-05 10:00:00", "100.00", "进", "6217000000000002", "张三", "m"]


def test_case_folder_inside_the_input_is_skipped_and_said_so(tmp_path):
    write_text_export(tmp_path / "a.csv", H, [ROW])
    case = tmp_path / "out"
    case.mkdir()
    (case / "case.json").write_text("{}", encoding="utf-8")
    # a case folder holds CSV files that look like statements
    write_text_export(case / "transactions.csv", H, [ROW])
    ing = ingest(tmp_path)
    assert ing.files["source_file"].tolist() == ["a.csv", "out/"]
    assert ing.rows_read == 1
    rej = ing.rejects
    assert rej[["source_file", "code"]].values.tolist() == [["out/", "case_folder"]]
    assert rej["source_row"].isna().all()
    assert "case.json" in rej["reason"].iloc[0]


def test_fifo_and_dangling_symlink_named_csv_are_listed(tmp_path):
    import os

    write_text_export(tmp_path / "a.csv", H, [ROW])
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    ing = ingest(tmp_path)  # must not block on the pipe
    rej = ing.rejects.sort_values("source_file")
    assert rej[["source_file", "code"]].values.tolist() == [
        ["gone.csv", "not_a_file"],
        ["pipe.csv", "not_a_file"],
    ]
    assert "dangling symbolic link" in rej["reason"].iloc[0]
    assert "named pipe" in rej["reason"].iloc[1]
    assert ing.rows_accepted == 1


def test_gbk_file_name_is_shown_decoded_and_still_opened(tmp_path):
    import os

    raw = os.fsencode(tmp_path) + b"/" + "工商银行流水".encode("gbk") + b".csv"
    write_text_export(tmp_path / "x.csv", H, [ROW]).rename(os.fsdecode(raw))
    ing = ingest(tmp_path)
    assert ing.files["source_file"].tolist() == ["工商银行流水.csv"]
    assert ing.transactions["source_file"].tolist() == ["工商银行流水.csv"]
    assert ing.rows_accepted == 1
    # every name is writable as UTF-8 (the case folder's CSV files)
    ing.files.to_csv(tmp_path / "files-out.txt", encoding="utf-8")
    # a UTF-8 folder above a GBK name: each part decoded on its own
    from fundgraph.ingest.readers import display_name

    assert display_name("中文/" + os.fsdecode("流水".encode("gbk")) + ".csv") == "中文/流水.csv"


# ---------------------------------------------------------------- one spelling per number


def test_account_in_groups_or_full_width_is_one_account(tmp_path):
    from fundgraph.ids import normalise_account, normalise_accounts

    assert normalise_account("6222 0000 0000 0002") == "6222000000000002"
    assert normalise_account("6222-0000-0000-0002") == "6222000000000002"
    assert normalise_account("６２２２０００００００００００２") == "6222000000000002"
    assert normalise_account("ACC-001") == "ACC-001"  # not a number: kept as written
    assert normalise_accounts(pd.Series(["6222 0002", "A 1"])).tolist() == ["62220002", "A 1"]
    # the payer's statement prints the payee in groups; the payee's own statement plainly
    a = write_text_export(
        tmp_path / "a.csv",
        H,
        [
            [
                "６２２２０００００００００００１",
                "2022-03-05 10:00:00",
                "5000",
                "出",
                "6222 0000 0000 0002",
                "",
                "",
            ]
        ],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        H,
        [["6222-0000-0000-0002", "2022-03-05 10:00:40", "5000", "进", "6222000000000001", "", ""]],
    )
    ing = ingest(a, b)
    assert set(ing.transactions["account"]) == {"6222000000000001", "6222000000000002"}
    tr = build_transfers(ing.transactions)
    # one transfer seen from both sides, not two (the payer's out_amount is not doubled)
    assert tr[["src", "dst", "amount", "seen"]].values.tolist() == [
        ["6222000000000001", "6222000000000002", 500000, "both"]
    ]


def test_title_account_in_groups_is_normalised(tmp_path):
    p = write_text_export(
        tmp_path / "t.csv",
        ["交易时间", "交易金额", "收付标志", "对手账号"],
        [["2022-03-05 10:00:00", "1.00", "进", "6217 0000 0000 0009"]],
        title=["账号：６２２２ ００００ ００００ ０００１"],
    )
    acc, _ = read_one(p)
    assert acc[["account", "counterparty"]].values.tolist() == [
        ["6222000000000001", "6217000000000009"]
    ]


def test_id_check_letter_and_full_width_digits_are_one_person(tmp_path):
    from fundgraph.ids import normalise_person_id

    assert normalise_person_id("11010119900101123x") == "11010119900101123X"
    assert normalise_person_id("１１０１０１１９９００１０１１２３Ｘ") == "11010119900101123X"
    assert normalise_person_id("张三") == "张三"
    header = [
        "交易卡号",
        "交易时间",
        "交易金额",
        "收付标志",
        "证件号码",
        "对手账号",
        "对手证件号码",
    ]
    a = write_text_export(
        tmp_path / "a.csv",
        header,
        [
            [
                "6222000000000001",
                "2022-03-05 10:00:00",
                "1",
                "进",
                "11010119900101123x",
                "C",
                "１１０",
            ]
        ],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        header,
        [["6222000000000002", "2022-03-05 10:00:00", "1", "进", "11010119900101123X", "C", "110"]],
    )
    tx = ingest(a, b).transactions
    assert tx["holder_id"].tolist() == ["11010119900101123X"] * 2
    assert tx["counterparty_id"].tolist() == ["110"] * 2


# ---------------------------------------------------------------- repeated rows and aliases

HR = ["交易卡号", "交易时间", "交易金额", "收付标志", "对手账号", "凭证号"]


def test_reference_repeating_within_a_statement_is_not_a_serial(tmp_path):
    rows = [
        ["6222000000000001", "2022-03-04", "1000", "进", "6217000000000002", "0"],
        ["6222000000000001", "2022-03-05", "5000", "进", "6217000000000003", "0"],
        ["6222000000000001", "2022-03-05", "5000", "进", "6217000000000003", "0"],
        ["6222000000000001", "2022-03-05", "5000", "进", "6217000000000003", "0"],
    ]
    ing = ingest(write_text_export(tmp_path / "a.csv", HR, rows))
    assert ing.rows_rejected == 0
    assert int(ing.transactions["amount"].sum()) == 1600000
    # a batch number shared by different rows: not a serial either
    rows = [[*r[:5], "B7"] for r in rows]
    ing = ingest(write_text_export(tmp_path / "b.csv", HR, rows))
    assert ing.rows_rejected == 0


def test_a_true_serial_repeated_is_still_a_duplicate(tmp_path):
    rows = [
        ["6222000000000001", "2022-03-05 10:00:00", "5000", "进", "6217000000000003", "R1"],
        ["6222000000000001", "2022-03-05 10:00:00", "5000", "进", "6217000000000003", "R1"],
        ["6222000000000001", "2022-03-05 10:00:00", "5000", "进", "6217000000000003", "R2"],
    ]
    ing = ingest(write_text_export(tmp_path / "a.csv", HR, rows))
    assert ing.rejects[["source_row", "code"]].values.tolist() == [[3, "duplicate_row"]]
    assert int(ing.transactions["amount"].sum()) == 1000000


def test_alias_joining_two_holders_is_warned(tmp_path):
    header = [
        "交易卡号",
        "交易账号",
        "户名",
        "证件号码",
        "交易时间",
        "交易金额",
        "收付标志",
        "对手账号",
    ]
    # 张三's statement gives 李四's account number as its own account
    a = write_text_export(
        tmp_path / "a.csv",
        header,
        [
            [
                "6222000000000001",
                "LI-ACC",
                "张三",
                "110101199001011234",
                "2022-03-05 10:00:00",
                "1",
                "进",
                "C",
            ]
        ],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        ["交易账号", "户名", "证件号码", "交易时间", "交易金额", "收付标志", "对手账号"],
        [["LI-ACC", "李四", "110101199202021111", "2022-03-06 10:00:00", "2", "进", "C"]],
    )
    ing = ingest(a, b)
    assert ing.aliases == {"LI-ACC": "6222000000000001"}
    w = ing.warnings[ing.warnings["code"] == "alias_conflict"]
    assert w[["account", "source_file", "source_row"]].values.tolist() == [
        ["6222000000000001", "b.csv", 2]
    ]
    assert "张三 / 李四" in w["detail"].iloc[0] or "李四 / 张三" in w["detail"].iloc[0]
    assert "110101199001011234 / 110101199202021111" in w["detail"].iloc[0]


def test_alias_of_one_holder_is_not_warned(tmp_path):
    header = ["交易卡号", "交易账号", "户名", "交易时间", "交易金额", "收付标志", "对手账号"]
    a = write_text_export(
        tmp_path / "a.csv",
        header,
        [["6222000000000001", "ACC", "张三", "2022-03-05", "1", "进", "C"]],
    )
    b = write_text_export(
        tmp_path / "b.csv",
        ["交易账号", "户名", "交易时间", "交易金额", "收付标志", "对手账号"],
        [["ACC", "张 三", "2022-03-06", "2", "进", "C"]],
    )
    ing = ingest(a, b)
    assert ing.aliases == {"ACC": "6222000000000001"}
    assert "alias_conflict" not in set(ing.warnings["code"])


# ---------------------------------------------------------------- a second header in one file


def test_second_header_with_reordered_columns_starts_a_new_table(tmp_path):
    first = ["交易卡号", "交易时间", "交易金额", "余额", "收付标志", "对手账号"]
    second = ["交易卡号", "交易时间", "余额", "交易金额", "收付标志", "对手账号"]
    p = _lines(
        tmp_path / "two.csv",
        [
            ",".join(first),
            "6222000000000001,2022-03-05 10:00:00,100.00,50000.00,进,C",
            ",".join(first),  # a repeated page header: rejected, the layout stays
            "6222000000000001,2022-03-06 10:00:00,200.00,50200.00,进,C",
            ",".join(second),  # another statement: amount and balance swapped
            "6222000000000002,2022-03-07 10:00:00,50000.00,10.00,进,C",
        ],
    )
    ing = ingest(p)
    tx = ing.transactions
    assert tx[["source_row", "account", "amount", "balance"]].values.tolist() == [
        [2, "6222000000000001", 10000, 5000000],
        [4, "6222000000000001", 20000, 5020000],
        [6, "6222000000000002", 1000, 5000000],
    ]
    assert ing.rejects[["source_row", "code"]].values.tolist() == [[3, "repeated_header"]]
    assert ing.files[
        ["source_file", "rows_read", "rows_accepted", "rows_rejected"]
    ].values.tolist() == [["two.csv", 3 + 1, 3, 1]]


def test_gbk_text_that_is_also_valid_utf8_reads_as_chinese(tmp_path):
    # "投投" in GBK is the bytes of "ͶͶ" in UTF-8; the file's other lines are not UTF-8
    p = write_text_export(
        tmp_path / "s.csv",
        H,
        # every other cell ASCII, so that the row's line is valid UTF-8 as a whole
        [["6222000000000001", "2022-03-05 10:00:00", "1", "C", "C", "", "投投"]],
        encoding="gbk",
    )
    acc, _ = read_one(p)
    assert acc["memo"].tolist() == ["投投"]


# ---------------------------------------------------------------- workbooks


def test_card_number_stored_as_a_number_is_rejected_not_invented(tmp_path):
    import xlsxwriter

    p = tmp_path / "cards.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("流水")
    ws.write_row(0, 0, ["交易卡号", "交易时间", "交易金额", "收付标志", "对手账号", "证件号码"])
    # 19 digits stored as a number: the file keeps 6222020200001234944
    ws.write_number(1, 0, 6222020200001234567)
    ws.write_row(1, 1, ["2022-03-05 10:00:00", 100, "进", "6217000000000002", "110101900101123"])
    ws.write_string(2, 0, "6222020200001234567")
    ws.write_row(2, 1, ["2022-03-06 10:00:00", 200, "进"])
    ws.write_number(2, 4, 6217000000000002)  # 16 digits as a number: the last one is lost too
    ws.write_number(3, 0, 622202020000123)  # 15 digits are kept exactly
    ws.write_row(3, 1, ["2022-03-07 10:00:00", 300, "进", "C"])
    ws.write_number(3, 5, 110101900101123)
    wb.close()
    ing = ingest(p)
    assert ing.transactions[["source_row", "account", "holder_id"]].values.tolist() == [
        [4, "622202020000123", "110101900101123"]
    ]
    rej = ing.rejects
    assert rej[["source_row", "code"]].values.tolist() == [
        [2, "id_digits_lost"],
        [3, "id_digits_lost"],
    ]
    assert "交易卡号 6222020200001234944" in rej["reason"].iloc[0]
    assert "对手账号 6217000000000002" in rej["reason"].iloc[1]
    assert "15" in rej["reason"].iloc[0]


def test_xlsx_with_one_cell_at_xfd1048576_is_refused_by_name(tmp_path):
    import xlsxwriter

    from fundgraph.ingest.readers import _check_zip

    bad = tmp_path / "far.xlsx"
    wb = xlsxwriter.Workbook(str(bad))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["交易卡号", "交易时间", "交易金额", "收付标志"])
    ws.write(1048575, 16383, "x")
    wb.close()
    # checked before any reading: the workbook reader would allocate the whole rectangle
    problem = _check_zip(bad, "far.xlsx")
    assert problem is not None and problem.code == "too_large"
    assert "1,048,576 rows x 16,384 columns" in problem.detail
    write_text_export(tmp_path / "good.csv", H, [ROW])
    ing = ingest(tmp_path)
    assert ing.rejects[["source_file", "code"]].values.tolist() == [["far.xlsx", "too_large"]]
    assert ing.rows_accepted == 1


def test_dense_workbook_is_not_refused(tmp_path):
    import xlsxwriter

    from fundgraph.ingest.readers import _check_zip

    p = tmp_path / "wide.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet()
    ws.write_row(
        0, 0, ["交易卡号", "交易时间", "交易金额", "收付标志"] + [f"c{i}" for i in range(60)]
    )
    ws.write_row(1, 0, ["6222000000000001", "2022-03-05 10:00:00", "1.00", "进"] + ["v"] * 60)
    wb.close()
    assert _check_zip(p, "wide.xlsx") is None
    assert ingest(p).rows_accepted == 1


# ---------------------------------------------------------------- bounded work


def test_file_over_the_size_limit_is_refused_by_name_and_the_run_goes_on(tmp_path, monkeypatch):
    from fundgraph.ingest import readers

    write_text_export(tmp_path / "big.csv", H, [ROW] * 200)
    write_text_export(tmp_path / "small.csv", H, [ROW])
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 4096)
    ing = ingest(tmp_path)
    assert ing.rejects[["source_file", "code"]].values.tolist() == [["big.csv", "file_too_large"]]
    assert "4,096" not in ing.rejects["reason"].iloc[0]  # said in MiB, with the setting to change
    assert "FUNDGRAPH_MAX_FILE_MB" in ing.rejects["reason"].iloc[0]
    assert ing.rows_accepted == 1
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", None)
    monkeypatch.setenv("FUNDGRAPH_MAX_FILE_MB", "0.001")
    assert readers.max_file_bytes() == 1048
    monkeypatch.delenv("FUNDGRAPH_MAX_FILE_MB")
    assert readers.max_file_bytes() >= 256 * 1024**2


def test_memory_error_while_reading_is_one_refused_file(tmp_path, monkeypatch):
    from fundgraph.ingest import readers

    write_text_export(tmp_path / "a.csv", H, [ROW])

    def boom(*_a, **_k):
        raise MemoryError

    monkeypatch.setattr(readers, "_read_text", boom)
    tables, problems = readers.read_export(tmp_path / "a.csv")
    assert tables == []
    assert [(p.code, p.detail) for p in problems] == [
        ("file_too_large", "not enough memory to read it")
    ]


def test_very_wide_header_is_bounded_work_and_refused_by_name(tmp_path):
    import time

    wide = H + [f"列{i}" for i in range(20_000)]
    write_text_export(tmp_path / "wide.csv", wide, [ROW + ["x"] * 20_000] * 3)
    write_text_export(tmp_path / "ok.csv", H, [ROW])
    t0 = time.perf_counter()
    ing = ingest(tmp_path)
    assert time.perf_counter() - t0 < 20  # was 34 s; bounded now (well under a second idle)
    assert ing.rejects[["source_file", "code"]].values.tolist() == [
        ["wide.csv", "too_many_columns"]
    ]
    assert "20,007 columns, at most 1,024" in ing.rejects["reason"].iloc[0]
    assert ing.rows_accepted == 1


def test_one_very_wide_body_line_is_refused_by_line(tmp_path):
    p = _lines(
        tmp_path / "s.csv",
        [",".join(H), ",".join(ROW), ",".join(ROW) + "," * 5000],
    )
    ing = ingest(p)
    assert ing.rejects["code"].tolist() == ["too_many_columns"]
    assert "line 3 has 5,007 cells" in ing.rejects["reason"].iloc[0]


def test_a_header_of_three_hundred_columns_is_still_read(tmp_path):
    wide = H + [f"列{i}" for i in range(300)]
    p = write_text_export(tmp_path / "w.csv", wide, [ROW + ["x"] * 300])
    acc, _ = read_one(p)
    assert acc["amount"].tolist() == [10000]


def test_wide_sheet_is_bounded_empty_far_columns_dropped():
    from fundgraph.ingest.readers import MAX_COLUMNS, _tables_from_grid

    rows = [
        ["交易卡号", "交易时间", "交易金额", "收付标志"],
        ["6222000000000001", "2022-03-05 10:00:00", "1.00", "进"],
    ]
    grid = pd.DataFrame([r + [None] * (MAX_COLUMNS + 500) for r in rows], dtype=object)
    tables, problems = _tables_from_grid(grid, "w.xlsx", "流水", "xlsx")
    assert problems == [] and tables[0].cells.shape == (1, 4)
    grid.iloc[1, MAX_COLUMNS + 100] = "x"
    tables, problems = _tables_from_grid(grid, "w.xlsx", "流水", "xlsx")
    assert tables == [] and [p.code for p in problems] == ["too_many_columns"]
    assert "row 2 has a cell in column 1,125" in problems[0].detail


# ---------------------------------------------------------------- amounts that would overflow


def test_amounts_beyond_the_bound_are_rejected_so_totals_cannot_overflow(tmp_path):
    rows = [
        [
            "6222000000000001",
            f"2022-03-01 {i // 60:02d}:{i % 60:02d}:00",
            "999999999999999.99",
            "进",
            "C",
            "",
            "",
        ]
        for i in range(100)
    ] + [
        [
            "6222000000000001",
            "2022-04-01 10:00:00",
            "1000000000000.00",
            "进",
            "C",
            "",
            "",
        ],  # the bound itself
        ["6222000000000001", "2022-04-02 10:00:00", "1000000000000.01", "进", "C", "", ""],
    ]
    ing = ingest(write_text_export(tmp_path / "a.csv", H, rows))
    # 100 rows of 1e17 cents would sum past int64 (a negative total_absorbed)
    assert ing.transactions["amount"].tolist() == [10**14]
    rej = ing.rejects
    assert rej["code"].value_counts().to_dict() == {"amount_too_large": 101}
    assert rej["source_row"].tolist() == list(range(2, 102)) + [103]
    assert '"1000000000000.01"' in rej["reason"].iloc[-1]
    tr = build_transfers(ing.transactions)
    assert int(tr["amount"].sum()) == 10**14


def test_total_beyond_int64_headroom_is_one_clear_error(tmp_path, monkeypatch):
    import pytest

    from fundgraph import ingest as ingest_pkg
    from fundgraph.errors import FundgraphError

    monkeypatch.setattr(ingest_pkg, "MAX_TOTAL_CENTS", 250)  # a small bound stands for 2**61
    rows = [
        ["6222000000000001", f"2022-03-0{d} 10:00:00", "1.00", "进", "C", "", ""] for d in (1, 2, 3)
    ]
    with pytest.raises(FundgraphError, match="sum to 3.00 yuan"):
        ingest(write_text_export(tmp_path / "a.csv", H, rows))
    monkeypatch.setattr(ingest_pkg, "MAX_TOTAL_CENTS", 300)
    assert ingest(tmp_path / "a.csv").rows_accepted == 3


# ---------------------------------------------------------------- the watch-list


def test_watchlist_entries_are_normalised_and_headerless_lines_keep_their_id(tmp_path):
    from fundgraph.analysis.alerts import _watch_hits, read_watchlist

    p = tmp_path / "w.csv"
    p.write_text("张三,11010119900101123x\n6222 0000 0000 0002\n", encoding="utf-8")
    got = read_watchlist(p).values.tolist()
    assert got == [["any", "11010119900101123X"], ["any", "6222000000000002"], ["any", "张三"]]
    q = tmp_path / "h.csv"
    q.write_text(
        "姓名,证件号码,账号\n李四,１１０１０１１９９２０２０２１１１x,6217-0000-0000-0009\n",
        encoding="utf-8",
    )
    assert read_watchlist(q).values.tolist() == [
        ["account", "6217000000000009"],
        ["id", "11010119920202111X"],
        ["name", "李四"],
    ]
    accounts = pd.DataFrame(
        {
            "holder_name": ["王五", "赵六"],
            "holder_id": ["11010119900101123X", ""],
            "aliases": ["", ""],
        },
        index=["6217000000000001", "6222000000000002"],
    )
    assert _watch_hits(accounts, read_watchlist(p)).to_dict() == {
        "6217000000000001": "11010119900101123X",
        "6222000000000002": "6222000000000002",
    }


# ---------------------------------------------------------------- command-line options


def test_trace_and_render_take_an_account_as_printed(tmp_path):
    from click.testing import CliRunner

    from fundgraph.case import Case, finish_case, write_case_data
    from fundgraph.cli import group
    from fundgraph.schema import TRANSFERS
    from fundgraph.tables import conform

    a, b = "6222000000000001", "6222000000000002"
    t = pd.DataFrame(
        {
            "src": [a, b],
            "dst": [b, ""],
            "amount": [500_000, 200_000],
            "time": pd.to_datetime(["2022-01-03 10:00", "2022-01-04 10:00"]),
        }
    )
    t["transfer_id"] = range(len(t))
    t["seen"] = "both"
    accounts = pd.DataFrame(
        {
            "account": [a, b],
            "aliases": ["", ""],
            "obtained": [True, True],
            "role": ["other", "other"],
            "level": pd.array([None, None], dtype="Int64"),
        }
    )
    case = Case(
        transfers=conform(t, TRANSFERS), accounts=accounts, summary=CaseSummary(transfers=2)
    )
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    r = CliRunner().invoke(
        group, ["trace", str(d), "--from", "6222 0000 0000 0001", "--lang", "en"]
    )
    assert r.exit_code == 0, r.output
    assert (d / f"trace-{a}-fifo.csv").is_file()
    r = CliRunner().invoke(
        group, ["render", str(d), "--focus", "６２２２-００００-００００-０００２"]
    )
    assert r.exit_code == 0, r.output
    assert (d / f"ego-{b}.html").is_file()


def test_text_marker_is_taken_off_numbers_only():
    """A spreadsheet's leading ``'`` keeps a number as text; before a word it is the value's."""
    from fundgraph.ingest.normalise import clean_cells

    cells = pd.Series(["'6222020200001234567", "'99-88-74", "`20240105", "'Brien", "'张三", "`x"])
    assert clean_cells(cells).tolist() == [
        "6222020200001234567",
        "99-88-74",
        "20240105",
        "'Brien",
        "'张三",
        "`x",
    ]
