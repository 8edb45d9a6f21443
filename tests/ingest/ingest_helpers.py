"""Small writers of bank-export files for the ingest tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from fundgraph.ingest import normalise_table, read_export, read_exports

__all__ = ["write_text_export", "read_one", "ingest"]


def write_text_export(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    title: list[str] = (),
    newline: str = "\n",
) -> Path:
    """A text export: optional title lines, a header and rows, written as a bank would."""
    buf = io.StringIO()
    for line in title:
        buf.write(line + newline)
    w = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def read_one(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted and rejected rows of every table of one file, concatenated."""
    tables, problems = read_export(path)
    assert not [p for p in problems if p.fatal], problems
    acc, rej = [], []
    for tb in tables:
        a, r, _ = normalise_table(tb)
        acc.append(a)
        rej.append(r)
    return pd.concat(acc, ignore_index=True), pd.concat(rej, ignore_index=True)


def ingest(*paths: Path, lang: str = "en"):
    """:func:`fundgraph.ingest.read_exports` with conservation checked."""
    ing = read_exports(list(paths), lang=lang, workers=1)
    ing.check_conservation()
    return ing
