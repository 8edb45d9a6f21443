"""Bounded fuzzing of the readers: random bytes and mutated valid exports never raise, and
every row read is accepted or rejected."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundgraph.ingest import normalise_table, read_export, read_exports
from fundgraph.ingest.normalise import clean_cells

HEADER = "交易卡号,交易日期,交易时间,交易金额,收付标志,对手账号,摘要,余额\n"
BODY = "".join(
    f"6222{i:012d},2022030{i % 9 + 1},1{i % 10}2210,{i * 137 % 9999}.{i % 100:02d},{'出' if i % 2 else '进'},"
    f'6217{i:012d},"备注,{i}",{i * 1000}\n'
    for i in range(12)
)
SEEDS = [
    ("gbk.csv", ("账号：6222000000000001\n" + HEADER + BODY + "合计,,,1\n").encode("gbk")),
    ("utf16.txt", (HEADER + BODY).replace(",", "\t").encode("utf-16")),
    ("semi.csv", (HEADER + BODY).replace(",", ";").encode("utf-8-sig")),
]


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in (HEADER + BODY).splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SEEDS.append(("book.xlsx", _xlsx()))


def _check(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d, name)
        p.write_bytes(data)
        tables, problems = read_export(p)
        for tb in tables:
            assert len(tb.rows) == len(tb.cells)
            acc, rej, _ = normalise_table(tb)
            clean = pd.DataFrame({c: clean_cells(tb.cells[c]) for c in tb.cells.columns})
            nonempty = int((clean != "").any(axis=1).sum()) if len(clean.columns) else 0
            # every non-empty row is accepted or rejected, exactly once
            assert len(acc) + len(rej) == nonempty
            assert (acc["amount"] > 0).all()
            assert not len(rej) or rej["raw"].str.len().max() <= 2000
        for pr in problems:
            assert pr.code and isinstance(pr.detail, str)
        ing = read_exports([p], workers=1)
        ing.check_conservation()


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(["x.csv", "x.txt", "x.xlsx", "x.xls"]))
def test_random_bytes_never_raise(data, name):
    _check(name, data)


@st.composite
def mutated(draw):
    name, seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i : i + draw(st.integers(1, 200))]
        elif op == "dup":
            data[i:i] = data[i : i + draw(st.integers(1, 200))]
        else:
            data[i:i] = draw(
                st.sampled_from(
                    [b'"', b"\n", b"\r\n", b",", b"\t", b"\x00", "合计".encode(), b"PK\x03\x04"]
                )
            )
    return name, bytes(data)


@FUZZ
@given(mutated())
def test_mutated_exports_never_raise(case):
    _check(*case)
