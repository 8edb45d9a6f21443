"""Copies of the case tables with translated column names, for analysts working in Excel.

The files of docs/case-folder.md keep their English column names (scripts rely on them); these
copies go into a sub-folder such as ``excel-zh/``.
"""

from __future__ import annotations

from pathlib import Path

from .case import CASE_FILES, Case, file_table
from .i18n import catalogue, check_lang
from .tables import write_csv

__all__ = ["column_headers", "write_translated_copies"]


def column_headers(columns, lang: str) -> dict[str, str]:
    """``{column: translated name}`` for the columns the catalogue knows."""
    cat = catalogue(check_lang(lang))
    return {c: cat[f"column.{c}"] for c in columns if f"column.{c}" in cat}


def write_translated_copies(case: Case, out_dir: str | Path, lang: str) -> Path:
    """Write every CSV table of ``case`` with ``lang`` column names into ``out_dir/excel-<lang>``."""
    folder = Path(out_dir) / f"excel-{lang}"
    for name, (attr, sch) in CASE_FILES.items():
        df = file_table(case, attr)
        write_csv(df, folder / name, sch, headers=column_headers(df.columns, lang))
    if case.restitution is not None:
        write_csv(
            case.restitution,
            folder / "restitution.csv",
            headers=column_headers(case.restitution.columns, lang),
        )
    return folder
