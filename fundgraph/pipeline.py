"""The main job: exports in, analysed case out (what ``fundgraph analyze`` runs).

Each stage is a library function of its own; this module only strings them together and
times them, so a developer can run any stage alone.
"""

from __future__ import annotations

import gc
import os
import sys
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
from .results import CaseSummary, CurrencyTotal

__all__ = [
    "build_case",
    "write_case",
    "analyze",
    "check_output",
    "NoRowsAccepted",
    "write_failed_run",
    "main_currency",
]


class NoRowsAccepted(InputError):
    """No row of any file was accepted; ``ingested`` holds the files and rejects that say why."""

    def __init__(self, ingested, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ingested = ingested


def main_currency(transfers: pd.DataFrame) -> str:
    """The currency a case is analysed in: CNY when present, else the one with the most money
    (a transfer whose statement names no currency counts as the case's currency).

    >>> main_currency(pd.DataFrame({"currency": ["HKD", "USD", "USD"], "amount": [500, 300, 300]}))
    'USD'
    """
    cur = (
        transfers["currency"].fillna("").astype(str)
        if "currency" in transfers
        else pd.Series(dtype=object)
    )
    named = cur[cur != ""]
    if named.empty:
        return ""
    if (named == "CNY").any():
        return "CNY"
    sums = transfers.loc[named.index, "amount"].groupby(named).sum()
    return str(sorted(sums.items(), key=lambda kv: (-int(kv[1]), kv[0]))[0][0])


def _currency_totals(transfers: pd.DataFrame, main: str) -> dict[str, CurrencyTotal]:
    cur = transfers["currency"].fillna("").astype(str)
    out = {}
    for code in sorted(set(cur)):
        m = cur == code
        t = transfers[m]
        key = code or "unstated"
        out[key] = CurrencyTotal(
            transfers=int(m.sum()),
            amount=int(t["amount"].sum()),
            in_analysis=code in (main, ""),
        )
    return out


def write_failed_run(ingested, out_dir: str | os.PathLike) -> Path:
    """A run where no row was accepted still writes ``files.csv``, ``rejects.csv`` and
    ``warnings.csv`` (never ``case.json``) so the user can see why. Returns the folder."""
    from . import schema as S
    from .case import claim_case_folder
    from .tables import write_csv

    out = Path(out_dir)
    claim_case_folder(out)
    write_csv(ingested.files, out / "files.csv", S.FILES)
    write_csv(ingested.rejects, out / "rejects.csv", S.REJECTS)
    write_csv(ingested.warnings, out / "warnings.csv", S.WARNINGS)
    return out


def peak_rss_mib() -> float | None:
    """The process's peak resident memory so far, in MiB (None where the platform does not
    say: the ``resource`` module is POSIX only)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes
    return round(kb / (2**20 if sys.platform == "darwin" else 2**10), 1)


@contextmanager
def _timed(case: Case, name: str, progress: Progress):
    progress.stage(name)
    t0 = time.perf_counter()
    yield
    case.timings[name] = round(time.perf_counter() - t0, 3)
    rss = peak_rss_mib()
    if rss is not None:
        case.peak_rss[name] = rss


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
    layouts=None,
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
    layouts : LayoutSet or paths of TOML layout files, optional
        User layouts for files the built-in vocabulary does not read
        (:mod:`fundgraph.ingest.layouts`).

    Raises
    ------
    NoRowsAccepted
        When no row of any file was accepted (its ``ingested`` says why; see
        :func:`write_failed_run`).

    Returns
    -------
    Case

    Examples
    --------
    One collector's statement: four people paid it.

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> rows = ["交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要"]
    >>> rows += [f"6222000000000100,2022-03-0{i + 1} 10:00:00,{20000 + 1234 * i}.00,进,"
    ...          f"622200000000000{i},投资人{i},投资款" for i in range(4)]
    >>> _ = Path(tmp.name, "col.csv").write_text("\\n".join(rows) + "\\n", encoding="utf-8")
    >>> case = build_case([tmp.name], lang="en")
    >>> len(case.transfers), int(case.transfers["amount"].sum())
    (4, 8740400)
    >>> sorted(case.accounts["account"])[:2]
    ['6222000000000000', '6222000000000001']
    >>> tmp.cleanup()
    """
    from .analysis import analyze_case
    from .analysis.timeline import case_timeline

    check_lang(lang)
    progress = progress or Progress(enabled=False)
    case = Case(lang=lang)
    paths = list(paths)
    with _timed(case, "read", progress):
        ing = read_exports(
            paths, lang=lang, workers=workers, progress=progress.count, layouts=layouts
        )
    unreadable = ing.rejects[ing.rejects["source_row"].isna()]
    if strict and len(unreadable):
        r = unreadable.iloc[0]
        raise InputError(key="error.unreadable_strict", file=r["source_file"], reason=r["reason"])
    if ing.files.empty:
        raise InputError(key="error.no_exports", paths=", ".join(map(str, paths)))
    if ing.rows_accepted == 0:
        first = ing.rejects.iloc[0] if len(ing.rejects) else None
        raise NoRowsAccepted(
            ing,
            key="error.no_rows",
            paths=", ".join(map(str, paths)),
            files=len(ing.files),
            example=f"{first['source_file']}: {first['reason']}" if first is not None else "-",
        )
    with _timed(case, "deduplicate", progress):
        all_transfers = build_transfers(ing.transactions, mirror_window=mirror_window)
    # never two currencies in one sum: the analysis runs on the case's main currency, the
    # other currencies' transfers are kept (transfers.csv) and totalled apart (case.json)
    main = main_currency(all_transfers)
    in_main = all_transfers["currency"].isin([main, ""]).to_numpy()
    # (the usual case, one currency: the table itself, not a filtered copy)
    transfers = all_transfers if in_main.all() else all_transfers[in_main]
    transfers = transfers.reset_index(drop=True)
    transfers["transfer_id"] = range(len(transfers))
    other = all_transfers[~in_main].reset_index(drop=True)
    other["transfer_id"] = range(len(transfers), len(transfers) + len(other))
    currencies = _currency_totals(all_transfers, main)
    # the two parts are copies: the whole table is not carried through the analysis
    del all_transfers, in_main
    with _timed(case, "accounts", progress):
        accounts = account_table(ing.transactions, transfers, ing.aliases)
    case.transactions = ing.transactions
    case.rejects = ing.rejects
    case.files = ing.files
    case.warnings = ing.warnings
    case.transfers = transfers
    case.accounts = accounts
    times = transfers["time"]
    case.summary = CaseSummary(
        fundgraph_version=__version__,
        lang=lang,
        files=int(ing.files["source_file"].nunique()),
        files_unreadable=int(unreadable["source_file"].nunique()),
        rows_read=int(ing.rows_read),
        rows_accepted=int(ing.rows_accepted),
        rows_rejected=int(ing.rows_rejected),
        transfers=len(transfers),
        transfers_seen_twice=int((transfers["seen"] == "both").sum()),
        accounts=len(accounts),
        accounts_obtained=int(accounts["obtained"].sum()),
        date_from=times.min().strftime("%Y-%m-%d %H:%M:%S") if len(times) else None,
        date_to=times.max().strftime("%Y-%m-%d %H:%M:%S") if len(times) else None,
        warnings=len(ing.warnings),
        currency=main,
        currencies=currencies,
    )
    with _timed(case, "analysis", progress):
        case = analyze_case(case, recovered=recovered, watchlist=watchlist, lang=lang)
    if len(other):
        case.transfers = pd.concat(
            [case.transfers, other[case.transfers.columns]], ignore_index=True
        )
    with _timed(case, "timeline", progress):
        # the report's monthly series and facts (every return traced back), computed once
        # here instead of while the report is drawn
        case.timeline = case_timeline(case)
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
    """Write the case folder (docs/case-folder.md).

    ``case.json`` is written last, so an interrupted run never leaves a folder that
    looks complete.

    Parameters
    ----------
    case : Case
        An analysed case (:func:`build_case`, :func:`fundgraph.analysis.analyze_case`).
    out_dir : path
        The case folder; files of an earlier run that this one does not write are removed.
    html : bool
        Also write ``graph.html`` and ``report.html``.
    excel_headers : {"zh"}, optional
        Also write copies of the CSV files with Chinese column names.
    progress : Progress, optional
        Stage lines on stderr.

    Returns
    -------
    Path
        ``out_dir``.

    Examples
    --------
    >>> import tempfile
    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.synth import sample_transfers
    >>> tmp = tempfile.TemporaryDirectory()
    >>> case = analyze_case(Case(transfers=sample_transfers()), lang="en")
    >>> out = write_case(case, Path(tmp.name, "case"), html=False)
    >>> sorted(p.name for p in out.glob("*.csv"))[:4]
    ['accounts.csv', 'alerts.csv', 'communities.csv', 'files.csv']
    >>> (out / "case.json").is_file()
    True
    >>> tmp.cleanup()
    """
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
