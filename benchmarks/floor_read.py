"""The floor for the speed benchmark: a plain pandas read of the same export files.

Decodes each text file (BOM, UTF-8, else GB18030), guesses the delimiter from the first
lines and reads it with ``pandas.read_csv`` (C engine, all text); reads workbooks with
``pandas.read_excel(engine="calamine")``. No header search, no normalisation, no checks:
the least any tool must do to get the cells into memory.

    python benchmarks/floor_read.py EXPORTS_DIR
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path

import pandas as pd


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def read_floor(folder: Path) -> int:
    rows = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xls"):
            for df in pd.read_excel(path, sheet_name=None, header=None, engine="calamine").values():
                rows += len(df)
        elif suffix in (".csv", ".txt"):
            text = _decode(path.read_bytes())
            head = text[:4096]
            delim = max(",\t;|", key=head.count)
            df = pd.read_csv(
                io.StringIO(text),
                sep=delim,
                header=None,
                dtype=str,
                engine="c",
                on_bad_lines="skip",
                quoting=csv.QUOTE_NONE,
                skip_blank_lines=False,
                names=range(64),
            )
            rows += len(df)
    return rows


if __name__ == "__main__":
    t0 = time.perf_counter()
    n = read_floor(Path(sys.argv[1]))
    print(f"{n} rows in {time.perf_counter() - t0:.2f}s")
