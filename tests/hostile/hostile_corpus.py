"""A corpus of hostile and broken bank exports, built in a folder by the tests.

Each entry names what must become of it: ``("file", code)`` for a file that cannot be read
at all (one line in ``rejects.csv`` with an empty row), or ``("rows", accepted, {code: n})``
for a file whose rows are read, with the codes of the rows rejected.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import openpyxl

H = "交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要,交易流水号"


def _row(
    i: int,
    amount: str = "100.00",
    flag: str = "出",
    memo: str = "转账",
    ref: str | None = None,
    time: str | None = None,
) -> str:
    t = time or f"2022-03-05 10:{i // 60 % 60:02d}:{i % 60:02d}"
    return f"6222000000000001,{t},{amount},{flag},6217000000000002,李四,{memo},{ref or f'R{i}'}"


def _csv(*lines: str, nl: str = "\n") -> bytes:
    return (nl.join(lines) + nl).encode("utf-8")


def _xlsx_bytes() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(H.split(","))
    for i in range(5):
        ws.append(_row(i).split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zip_bomb(path: Path, unpacked_mib: int = 80) -> None:
    """An xlsx whose one sheet would unpack to ``unpacked_mib`` MiB of one repeated row."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        chunk = b"<row><c><v>1</v></c></row>" * (1024 * 1024 // 26)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(unpacked_mib):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")


def build_corpus(root: Path) -> dict[str, tuple]:
    """Write the corpus under ``root``; returns display name -> expected outcome."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, tuple] = {}

    def put(name: str, data: bytes, outcome: tuple) -> None:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        expect[name] = outcome

    rnd = random.Random(20220305)
    put("empty.csv", b"", ("file", "empty_file"))
    put("blank_lines.csv", b"\r\n \r\n\t\n", ("file", "empty_file"))
    put("header_only.csv", _csv(H), ("rows", 0, {}))
    put("garbage.csv", bytes(rnd.getrandbits(8) for _ in range(4096)), ("file", "binary"))
    put("truncated.xlsx", _xlsx_bytes()[:1500], ("file", "unreadable"))
    put("csv_renamed.xlsx", _csv(H, _row(1), _row(2)), ("rows", 2, {}))
    put(
        "really_html.xls",
        (
            "<html><head><meta http-equiv=Content-Type content='text/html; charset=gb2312'></head><body>"
            "<table><tr><th>"
            + "</th><th>".join(H.split(","))
            + "</th></tr>"
            + "".join(
                "<tr><td>" + "</td><td>".join(_row(i).split(",")) + "</td></tr>" for i in range(3)
            )
            + "<tr><td>合计</td><td></td><td>300.00</td></tr></table></body></html>"
        ).encode("gbk"),
        ("rows", 3, {"totals_line": 1}),
    )
    put(
        "mixed_encoding.csv",
        b"\n".join(
            [
                H.encode("gbk"),
                _row(1, memo="工资").encode("gbk"),
                _row(2, memo="货款").encode("utf-8"),
                _row(3, memo="返利").encode("gbk"),
            ]
        )
        + b"\n",
        ("rows", 3, {}),
    )
    big = "备" * (1024 * 1024 // 3)
    put(
        "big_memo.csv",
        _csv(H, _row(1, memo=big), _row(2, amount="abc", memo=big), _row(3)),
        ("rows", 2, {"bad_amount": 1}),
    )
    put(
        "no_amount_column.csv",
        _csv("交易卡号,交易时间,收付标志,对手账号,摘要", "6222,2022-03-05 10:00:00,出,6217,x"),
        ("file", "no_amount_column"),
    )
    put(
        "no_time_column.csv",
        _csv("交易卡号,交易金额,收付标志,对手账号,摘要", "6222,100,出,6217,x"),
        ("file", "no_time_column"),
    )
    put("no_header.csv", _csv("a,b,c", "1,2,3"), ("file", "no_header"))
    put(
        "unknown_direction.csv",
        _csv(H, _row(1, flag="转"), _row(2, flag="?"), _row(3, flag=""), _row(4)),
        ("rows", 1, {"unknown_direction": 2, "no_direction": 1}),
    )
    put(
        "bad_amounts.csv",
        _csv(H, _row(1, amount="abc"), _row(2, amount="1.2.3"), _row(3, amount=""), _row(4)),
        ("rows", 1, {"bad_amount": 2, "no_amount": 1}),
    )
    put(
        "impossible_dates.csv",
        _csv(
            H,
            _row(1, time="2022-02-30 10:00:00"),
            _row(2, time="2022-13-01 10:00:00"),
            _row(3, time="2022-03-05 25:61:00"),
            _row(4),
        ),
        ("rows", 1, {"bad_time": 3}),
    )
    put(
        "zero_negative.csv",
        _csv(H, _row(1, amount="0.00"), _row(2, amount="-5.00"), _row(3)),
        ("rows", 1, {"zero_amount": 1, "unclear_sign": 1}),
    )
    put(
        "duplicated_reference.csv",
        _csv(H, _row(1, ref="R1"), _row(1, ref="R1"), _row(2)),
        ("rows", 2, {"duplicate_row": 1}),
    )
    put("中文 文件 名 (1).csv", _csv(H, _row(1)), ("rows", 1, {}))
    deep = "/".join(f"level{i:02d}" for i in range(20))
    put(f"{deep}/deep.csv", _csv(H, _row(1), _row(2)), ("rows", 2, {}))
    put(
        "crlf_multiline.csv",
        _csv(H, _row(1, memo='"第一行\r\n第二行, 还有逗号"'), _row(2), nl="\r\n"),
        ("rows", 2, {}),
    )
    put("trailing_delimiters.csv", _csv(H, _row(1) + ",", _row(2) + ","), ("rows", 2, {}))
    put(
        "stray_quote.csv",
        _csv(H, _row(1, memo='"投资'), _row(2, memo='他说"好'), _row(3)),
        ("rows", 3, {}),
    )
    put(
        "totals_and_repeats.csv",
        _csv(
            "某某银行对账单",
            "账号：6222000000000001",
            H,
            _row(1),
            "合计,,100.00",
            H,
            _row(2),
            "本页合计,,100",
        ),
        ("rows", 2, {"totals_line": 2, "repeated_header": 1}),
    )
    _zip_bomb(root / "zip_bomb.xlsx")
    expect["zip_bomb.xlsx"] = ("file", "too_large")
    # line ends, NUL bytes, a second layout, widths and amounts that used to be misread
    put("mac_line_ends.csv", _csv(H, _row(1), _row(2), _row(3), nl="\r"), ("rows", 3, {}))
    put(
        "bare_cr_in_cell.csv",
        _csv(H, _row(1, memo="Main\rStreet").replace("李四", '"x,5000,y"'), _row(2)),
        ("rows", 2, {}),
    )
    one_nul = bytearray(_csv(H, *(_row(i) for i in range(30))))
    one_nul[200:200] = b"\x00"
    # the NUL lands in a time cell: that row is rejected with its text, the others are read
    put("one_nul_byte.csv", bytes(one_nul), ("rows", 29, {"bad_time": 1}))
    swapped = H.replace("交易金额,收付标志", "收付标志,交易金额")
    put(
        "two_layouts.csv",
        _csv(H, _row(1), swapped, "6222000000000001,2022-03-06 10:00:00,进,10.00,6217,李四,x,R9"),
        ("rows", 2, {}),
    )
    put(
        "wide_header.csv",
        _csv(H + "".join(f",c{i}" for i in range(5000)), _row(1)),
        ("file", "too_many_columns"),
    )
    put(
        "huge_amounts.csv",
        _csv(H, _row(1, amount="999999999999999.99"), _row(2)),
        ("rows", 1, {"amount_too_large": 1}),
    )
    put(
        "zero_references.csv",
        _csv(
            H,
            _row(1, ref="0", time="2022-03-05"),
            _row(1, ref="0", time="2022-03-05"),
            _row(2, ref="0", amount="7.00"),
        ),
        ("rows", 3, {}),
    )
    far = root / "far_cell.xlsx"
    with zipfile.ZipFile(far, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><worksheet><dimension ref="A1:XFD1048576"/>'
            '<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
        )
    expect["far_cell.xlsx"] = ("file", "too_large")
    (root / "old_case").mkdir(exist_ok=True)
    (root / "old_case" / "case.json").write_text("{}", encoding="utf-8")
    (root / "old_case" / "transfers.csv").write_bytes(_csv(H, _row(1)))
    expect["old_case/"] = ("file", "case_folder")
    return expect
