"""How the files are split between reads changes nothing in what is read."""

from __future__ import annotations

import pandas as pd

import fundgraph.ingest as ingest_mod
from fundgraph.ingest import read_exports

from .ingest_helpers import write_text_export

HEADER = [
    "交易卡号",
    "交易时间",
    "交易金额",
    "收付标志",
    "对手账号",
    "对手户名",
    "摘要",
    "交易流水号",
    "余额",
]


def _statements(folder) -> None:
    for k in range(12):
        rows = []
        bal = 0
        for i in range(20):
            amt = 100 + 37 * i + k
            bal += amt if i % 3 else -amt
            rows.append(
                [
                    f"62220000000001{k:02d}",
                    f"2022-03-{i + 1:02d} 10:{k:02d}:00",
                    f"{amt}.00",
                    "进" if i % 3 else "出",
                    f"62220000000009{i % 5:02d}",
                    f"对手{i % 5}",
                    "货款",
                    f"R{k}-{i}",
                    f"{bal + (1 if (i, k) == (7, 3) else 0)}.00",
                ]
            )
        rows.append(rows[4])  # the same row twice
        write_text_export(folder / f"s{k:02d}.csv", HEADER, rows)


def test_chunk_size_does_not_change_the_result(tmp_path, monkeypatch) -> None:
    _statements(tmp_path)
    whole = read_exports([tmp_path], workers=1)
    monkeypatch.setattr(ingest_mod, "CHUNK_BYTES", 1500)  # about one file per chunk
    split = read_exports([tmp_path], workers=1)
    assert len(whole.transactions) == 12 * 20
    assert (whole.rejects["code"] == "duplicate_row").sum() == 12
    assert (whole.warnings["code"] == "balance_break").any()
    for a, b in [
        (whole.transactions, split.transactions),
        (whole.rejects, split.rejects),
        (whole.files, split.files),
        (whole.warnings, split.warnings),
    ]:
        pd.testing.assert_frame_equal(a, b)
