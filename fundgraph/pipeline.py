"""The main job: exports in, analysed case out (what ``fundgraph analyze`` runs).

Each stage is a library function of its own; this module only strings them together and
times them, so a developer can run any stage alone.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from . import __version__
from .accounts import account_table
from .case import Case, check_case_folder, finish_case, write_case_data
from .errors import InputError
from .i18n import check_lang
from .ingest import build_transfers, read_exports
from .progress import Progress

__all__ = ["build_case", "write_case", "analyze", "check_output"]


@contextmanager
def _timed(case: Case, name: str, progress: Progress):
    progress.stage(name)
    t0 = time.perf_counter()
    yield
    case.timings[name] = round(time.perf_counter() - t0, 3)


def build_case(
    paths: Iterable[str | os.PathLike],
    *,
    lang: str = "zh",
    mirror_window: int = 300,
    recovered: int | None = None,
    watchlist: pd.DataFrame | None = None,
    strict: bool = False,
    workers: int | None = None,
    keep_transactions: bool = True,
    progress: Progress | None = None,
) -> Case:
    """Read, normalise, de-duplicate and analyse the exports under ``paths``.

    Parameters
    ----------
    paths : iterable of path
        Files or folders of bank exports.
    lang : {"zh", "en"}
        Language of the human texts in the tables (reject reasons, alert reasons).
    mirror_window : int
        Seconds two statements' clocks may differ for one transfer.
    recovered : int, optional
        Cents recovered, for the pro-rata restitution plan.
    watchlist : DataFrame, optional
        Names, ID numbers or accounts to flag (see :func:`fundgraph.analysis.read_watchlist`).
    strict : bool
        Raise :class:`~fundgraph.errors.InputError` when a file cannot be read at all
        instead of going on with the others.
    keep_transactions : bool
        Keep the accepted statement rows in ``case.transactions``. Nothing written to the
        case folder needs them once the analysis is done, so ``fundgraph analyze`` lets them
        go (a million rows hold several hundred megabytes).

    Returns
    -------
    Case
    """
    from .analysis import analyze_case

    check_lang(lang)
    progress = progress or Progress(enabled=False)
    case = Case(lang=lang)
    paths = list(paths)
    with _timed(case, "read", progress):
        ing = read_exports(paths, lang=lang, workers=workers, progress=progress.count)
    unreadable = ing.rejects[ing.rejects["source_row"].isna()]
    if strict and len(unreadable):
        r = unreadable.iloc[0]
        raise InputError(key="error.unreadable_strict", file=r["source_file"], reason=r["reason"])
    if ing.files.empty:
        raise InputError(key="error.no_exports", paths=", ".join(map(str, paths)))
    if ing.rows_accepted == 0:
        first = ing.rejects.iloc[0] if len(ing.rejects) else None
        raise InputError(
            key="error.no_rows",
            paths=", ".join(map(str, paths)),
            files=len(ing.files),
            example=f"{first['source_file']}: {first['reason']}" if first is not None else "-",
        )
    with _timed(case, "deduplicate", progress):
        transfers = build_transfers(ing.transactions, mirror_window=mirror_window)
    with _timed(case, "accounts", progress):
        accounts = account_table(ing.transactions, transfers, ing.aliases)
    case.transactions = ing.transactions
    case.rejects = ing.rejects
    case.files = ing.files
    case.warnings = ing.warnings
    case.transfers = transfers
    case.accounts = accounts
    times = transfers["time"]
    case.summary = {
        "fundgraph_version": __version__,
        "lang": lang,
        "files": int(ing.files["source_file"].nunique()),
        "files_unreadable": int(unreadable["source_file"].nunique()),
        "rows_read": ing.rows_read,
        "rows_accepted": ing.rows_accepted,
        "rows_rejected": ing.rows_rejected,
        "transfers": len(transfers),
        "transfers_seen_twice": int((transfers["seen"] == "both").sum()),
        "accounts": len(accounts),
        "accounts_obtained": int(accounts["obtained"].sum()),
        "date_from": times.min().strftime("%Y-%m-%d %H:%M:%S") if len(times) else None,
        "date_to": times.max().strftime("%Y-%m-%d %H:%M:%S") if len(times) else None,
        "warnings": len(ing.warnings),
    }
    with _timed(case, "analysis", progress):
        case = analyze_case(case, recovered=recovered, watchlist=watchlist, lang=lang)
    if not keep_transactions:
        case.transactions = case.transactions.iloc[:0]
        del ing
        gc.collect()
    progress.done()
    return case


def check_output(out_dir: str | os.PathLike) -> None:
    """Fail at once when ``out_dir`` cannot take a case (a file, or a non-empty folder that
    holds no case); :func:`write_case` later clears what an earlier run left there.

    Raises
    ------
    CaseError
        Naming the folder and one of the files in it.
    """
    check_case_folder(out_dir)


def write_case(
    case: Case,
    out_dir: str | os.PathLike,
    *,
    html: bool = True,
    excel_headers: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Write the case folder (CONTRACT §3); ``case.json`` last, so an interrupted run never
    leaves a folder that looks complete."""
    progress = progress or Progress(enabled=False)
    out = Path(out_dir)
    with _timed(case, "write", progress):
        write_case_data(case, out)
        if excel_headers:
            from .translate import write_translated_copies

            write_translated_copies(case, out, excel_headers)
    if html:
        from .render import render_all

        with _timed(case, "html", progress):
            render_all(case, out, lang=case.lang)
    finish_case(case, out)
    progress.done()
    return out


def analyze(
    paths: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    html: bool = True,
    excel_headers: str | None = None,
    progress: Progress | None = None,
    **options,
) -> Case:
    """:func:`build_case` then :func:`write_case`: the whole of ``fundgraph analyze``."""
    check_output(out_dir)
    case = build_case(paths, progress=progress, **options)
    write_case(case, out_dir, html=html, excel_headers=excel_headers, progress=progress)
    return case
