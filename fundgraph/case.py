"""The analysed case: every table of docs/case-folder.md in one object, and its folder on disk.

A case folder is written file by file, each atomically; ``case.json`` is written last and
removed first, so a folder without it is an interrupted run, never mistaken for a case.

A run owns its folder: before writing, :func:`claim_case_folder` removes every file a
previous run (or a view, trace or timeline made from it) left there, and refuses a
non-empty folder that holds no case, so old figures never sit beside new ones.

:func:`load_case` reads a folder back and checks every file against
:mod:`fundgraph.schema`: a missing column, a cell that is not of its column's kind, an id
given twice or unreadable JSON is a :class:`~fundgraph.errors.CaseError` naming the file,
the row and the column.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema as S
from .coded import CodedTransfers, code_transfers
from .errors import CaseError
from .results import CaseSummary, Structure, TimelineFacts, alert_texts, read_alert_texts
from .tables import (
    arrow_table,
    conform,
    csv_bytes,
    empty_frame,
    read_csv,
    write_csv,
    write_json,
    write_parquet,
)

__all__ = [
    "Case",
    "file_table",
    "write_case_data",
    "finish_case",
    "load_case",
    "claim_case_folder",
    "check_case_folder",
    "is_case_output",
    "safe_file_name",
    "case_output_path",
    "CASE_FILES",
    "TABLE_KEYS",
]

log = logging.getLogger("fundgraph.case")

#: file name -> (attribute, schema)
CASE_FILES: dict[str, tuple[str, dict[str, str]]] = {
    "transfers.csv": ("transfers", S.TRANSFERS),
    "accounts.csv": ("accounts", S.ACCOUNTS),
    "participants.csv": ("participants", S.PARTICIPANTS),
    "rejects.csv": ("rejects", S.REJECTS),
    "alerts.csv": ("alerts", S.ALERTS),
    "warnings.csv": ("warnings", S.WARNINGS),
    "files.csv": ("files", S.FILES),
}

#: file name -> the column that identifies a row (no value twice, none empty)
TABLE_KEYS: dict[str, str] = {
    "transfers.csv": "transfer_id",
    "accounts.csv": "account",
    "participants.csv": "account",
}

#: tables also written as Parquet (the faster copy for programs)
_PARQUET = {"transfers.csv": "transfers.parquet", "accounts.csv": "accounts.parquet"}

#: columns whose cells may not be empty
_NOT_EMPTY = {"transfers.csv": ("time",)}

_RESTITUTION = {
    "paid_in": "int64",
    "received_back": "int64",
    "net_loss": "int64",
    "recovered_share": "int64",
}

# Every file name a run, a pull, or a view / trace / timeline made from the case writes
# into the folder; only these are ever removed.
_OWN_NAMES = frozenset(
    {
        *CASE_FILES,
        *_PARQUET.values(),
        "structures.json",
        "timeline.json",
        "communities.csv",
        "restitution.csv",
        "case.json",
        "graph.html",
        "report.html",
        "overview.html",
        "pyramid.html",
        "community.html",
    }
)
_OWN_PATTERNS = (
    re.compile(r"^ego-.*\.html$"),
    re.compile(r"^trace-.*\.csv$"),
    re.compile(r"^timeline-(month|week|day)\.csv$"),
    re.compile(r"^\..+\.part$"),
)
_OWN_FOLDER = re.compile(r"^excel-[a-z]{2}$")
# the files written only by a run (their presence makes a folder a case, complete or not)
_CASE_MARKERS = ("case.json", *CASE_FILES, *_PARQUET.values(), "structures.json", "timeline.json")


@dataclass
class Case:
    """Everything fundgraph knows about one case.

    Attributes
    ----------
    transactions : DataFrame
        Accepted statement rows (:data:`fundgraph.schema.TRANSACTIONS`).
    rejects, transfers, accounts, participants, alerts, warnings, files : DataFrame
        The tables of the same names in :mod:`fundgraph.schema`; each ``reasons`` cell of
        ``alerts`` is a tuple of :class:`~fundgraph.results.Alert` (text only in
        ``alerts.csv``: :func:`file_table`).
    structures : list of Structure
        Collection structures (``structures.json``).
    communities : DataFrame
        One row per community (``communities.csv``).
    restitution : DataFrame or None
        Pro-rata restitution plan when an amount recovered was given.
    timeline : (DataFrame, TimelineFacts), str or None
        The monthly series and the derived facts of the whole case
        (:func:`fundgraph.analysis.timeline.case_timeline`, ``timeline.json``); the error's
        text when the analysis could not compute them; None when not computed.
    summary : CaseSummary
        ``case.json``: counts, money in cents, the legal thresholds.

    Examples
    --------
    A case made from a transfers table (cents, account ids as strings) and analysed:

    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.synth import sample_transfers
    >>> case = analyze_case(Case(transfers=sample_transfers()), lang="en")
    >>> case.lang, len(case.transfers), [s.core for s in case.structures]
    ('en', 19, [('core',)])
    """

    transactions: pd.DataFrame = field(default_factory=lambda: empty_frame(S.TRANSACTIONS))
    rejects: pd.DataFrame = field(default_factory=lambda: empty_frame(S.REJECTS))
    transfers: pd.DataFrame = field(default_factory=lambda: empty_frame(S.TRANSFERS))
    accounts: pd.DataFrame = field(default_factory=lambda: empty_frame(S.ACCOUNTS))
    participants: pd.DataFrame = field(default_factory=lambda: empty_frame(S.PARTICIPANTS))
    alerts: pd.DataFrame = field(default_factory=lambda: empty_frame(S.ALERTS))
    warnings: pd.DataFrame = field(default_factory=lambda: empty_frame(S.WARNINGS))
    files: pd.DataFrame = field(default_factory=lambda: empty_frame(S.FILES))
    structures: list[Structure] = field(default_factory=list)
    communities: pd.DataFrame = field(default_factory=pd.DataFrame)
    restitution: pd.DataFrame | None = None
    timeline: tuple[pd.DataFrame, TimelineFacts] | str | None = None
    summary: CaseSummary = field(default_factory=CaseSummary)
    lang: str = "zh"
    #: seconds spent per stage in this run (not written: outputs stay byte-identical)
    timings: dict[str, float] = field(default_factory=dict)
    #: the process's peak resident memory (MiB) at the end of each stage, where known
    peak_rss: dict[str, float] = field(default_factory=dict)
    _coded: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def coded(self) -> CodedTransfers:
        """``transfers`` as integer-coded arrays (:mod:`fundgraph.coded`), accounts of
        ``accounts`` numbered too: built on first use, again only once ``transfers`` or
        ``accounts`` is replaced by another table (a table changed in place is not seen;
        a copy of the case made by :func:`dataclasses.replace` builds its own)."""
        key = self._coded
        if key is None or key[0] is not self.transfers or key[1] is not self.accounts:
            key = (self.transfers, self.accounts, code_transfers(self.transfers, self.accounts))
            self._coded = key
        return key[2]


def is_case_output(name: str) -> bool:
    """Whether a file called ``name`` is one fundgraph writes into a case folder."""
    return name in _OWN_NAMES or any(p.match(name) for p in _OWN_PATTERNS)


def _own_folder(path: Path) -> bool:
    # a translated copy (excel-zh/) holds nothing but case tables
    if not _OWN_FOLDER.match(path.name) or path.is_symlink() or not path.is_dir():
        return False
    return all(is_case_output(p.name) and not p.is_dir() for p in path.iterdir())


def check_case_folder(out_dir: str | os.PathLike) -> None:
    """Raise :class:`CaseError` unless ``out_dir`` may take a case (checks, changes nothing).

    It may when it does not exist, is empty (hidden files aside), or already holds a case
    or an interrupted run; :func:`claim_case_folder` then clears it. Run this before a long
    analysis so that a wrong ``-o`` fails at once.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CaseError(key="error.case.not_a_folder", path=str(out))
    if not out.exists():
        return
    if any((out / m).exists() for m in _CASE_MARKERS):
        return
    foreign = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    if foreign:
        raise CaseError(key="error.case.foreign_folder", path=str(out), example=foreign[0])


def claim_case_folder(out_dir: str | os.PathLike) -> list[Path]:
    """Make ``out_dir`` ready for a new case: create it, or clear what an earlier run left.

    ``case.json`` goes first (so the folder never looks complete while it changes), then
    every other file fundgraph writes into a case folder: the tables, ``graph.html``,
    ``report.html``, the views (``pyramid.html``, ``ego-*.html`` ...), ``trace-*.csv``,
    ``timeline-*.csv``, ``excel-<lang>/`` and ``.part`` temporary files. Files fundgraph
    does not write are left alone.

    Parameters
    ----------
    out_dir : path
        The case folder to write.

    Returns
    -------
    list of Path
        What was removed.

    Raises
    ------
    CaseError
        If ``out_dir`` is a file, or a non-empty folder that holds no case (its files
        would be mixed with the case's).
    """
    out = Path(out_dir)
    check_case_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    entries = sorted(out.iterdir())
    removed = []
    marker = out / "case.json"
    if marker.exists() or marker.is_symlink():
        marker.unlink()
        removed.append(marker)
    for p in entries:
        if p == marker:
            continue
        if p.is_dir() and not p.is_symlink():
            if _own_folder(p):
                shutil.rmtree(p)
                removed.append(p)
        elif is_case_output(p.name):
            p.unlink(missing_ok=True)
            removed.append(p)
    return removed


_UNSAFE = re.compile(r"[^\w.\-]", re.UNICODE)


def safe_file_name(text: str, *, limit: int = 120) -> str:
    """``text`` made safe as part of a file name: one path component, no hidden file.

    Every character other than letters, digits, ``-``, ``_`` and ``.`` becomes ``_``, and a
    leading ``.`` too, so ``../../x`` cannot leave the folder.

    >>> safe_file_name("../../etc/x")
    '_._.._etc_x'
    >>> safe_file_name("6222 0200 0012")
    '6222_0200_0012'
    """
    name = _UNSAFE.sub("_", str(text))[:limit]
    if not name or name.startswith("."):
        name = "_" + name[1:] if name else "_"
    return name


def case_output_path(case_dir: str | os.PathLike, prefix: str, value: str, suffix: str) -> Path:
    """``case_dir/<prefix><value made safe><suffix>``, always a file directly in ``case_dir``.

    For the file names built from data (an account id in ``ego-<account>.html``,
    ``trace-<account>-fifo.csv``): see :func:`safe_file_name`.

    >>> case_output_path("case", "ego-", "../../x", ".html").as_posix()
    'case/ego-_._.._x.html'
    """
    d = Path(case_dir)
    path = d / f"{prefix}{safe_file_name(value)}{suffix}"
    if path.parent != d or len(path.name.encode("utf-8")) > 255:
        raise CaseError(key="error.unsafe_name", name=repr(value))
    return path


def file_table(case: Case, attr: str) -> pd.DataFrame:
    """The table ``attr`` of ``case`` as its file holds it: the alerts' reasons as text in
    the run's language (``case.lang``), one per line; the other tables as they are."""
    df = getattr(case, attr)
    return alert_texts(df, case.lang) if attr == "alerts" else df


def write_case_data(case: Case, out_dir: str | os.PathLike) -> Path:
    """Write every data file of ``case`` into ``out_dir`` except ``case.json``.

    Claims the folder first (:func:`claim_case_folder`): an old ``case.json`` and every
    file an earlier run left are removed, so the folder only looks complete once
    :func:`finish_case` has run and holds nothing of another case.
    """
    out = Path(out_dir)
    claim_case_folder(out)
    for name, (attr, sch) in CASE_FILES.items():
        df = _with_schema(file_table(case, attr), sch)
        if name in _PARQUET:
            # one conversion to Arrow serves the CSV text and the Parquet copy
            table = arrow_table(df)
            write_csv(df, out / name, sch, table=table)
            write_parquet(table, out / _PARQUET[name])
        else:
            write_csv(df, out / name, sch)
    write_json([st.to_dict() for st in case.structures], out / "structures.json")
    if len(case.communities.columns):
        write_csv(case.communities, out / "communities.csv")
    if case.restitution is not None:
        write_csv(case.restitution, out / "restitution.csv")
    if isinstance(case.timeline, tuple):
        write_json(_timeline_json(*case.timeline), out / "timeline.json")
    return out


# timeline.json: money as yuan like every other file of the folder (cents in memory)
_TIMELINE_MONEY = frozenset(
    {
        "deposits_in",
        "returns_out",
        "commissions",
        "to_beneficiaries",
        "cash_out",
        "core_balance",
        "amount",
        "funded_by_later",
        "returns",
    }
)


def _timeline_json(series: pd.DataFrame, facts: TimelineFacts) -> dict[str, Any]:
    from .money import yuan_decimal

    def money(d: dict[str, Any]) -> dict[str, Any]:
        return {
            k: yuan_decimal(int(v)) if k in _TIMELINE_MONEY and v is not None else v
            for k, v in d.items()
        }

    return {
        "by": "month",
        "series": [money(r) for r in series.to_dict("records")],
        "facts": {k: money(f) if f is not None else f for k, f in facts.to_dict().items()},
    }


def _load_summary(path: Path) -> CaseSummary:
    data = _load_json(path, dict)
    _check_summary(data, path)
    try:
        return CaseSummary.from_dict(data)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise CaseError(
            key="error.case.json_kind", file=str(path), kind=f"case summary ({detail})"
        ) from None


def _load_structures(path: Path) -> list[Structure]:
    out = []
    for i, entry in enumerate(_load_json(path, list)):
        try:
            out.append(Structure.from_dict(entry))
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            detail = " ".join(detail.split())[:200] or type(exc).__name__
            raise CaseError(
                key="error.case.json_kind",
                file=str(path),
                kind=f"array of structures (entry {i}: {detail})",
            ) from None
    return out


def _load_timeline(path: Path) -> tuple[pd.DataFrame, TimelineFacts]:
    from decimal import Decimal

    from .analysis.timeline import TIMELINE_COLUMNS
    from .money import cents

    def plain(d: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in d.items():
            if k in _TIMELINE_MONEY and v is not None:
                if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
                    raise ValueError(f"{k}: not a yuan amount: {v!r}")
                v = cents(v)
            elif isinstance(v, Decimal):
                v = float(v)
            elif k == "time" and v is not None:
                v = pd.Timestamp(v)
            out[k] = v
        return out

    data = _load_json(path, dict)
    series, facts = data.get("series"), data.get("facts")
    if not isinstance(series, list) or not all(isinstance(x, dict) for x in series):
        raise CaseError(key="error.case.json_kind", file=str(path), kind="object with series")
    if not isinstance(facts, dict):
        raise CaseError(key="error.case.json_kind", file=str(path), kind="object with facts")
    schema = {
        "period": "str",
        "period_start": "datetime",
        **{c: "int64" for c in (*TIMELINE_COLUMNS, "new_participants", "core_balance")},
    }
    try:
        rows = [plain(r) for r in series]
        df = conform(pd.DataFrame(rows, columns=list(schema)), schema, extra=False)
        read = TimelineFacts.from_dict(
            {k: plain(f) if isinstance(f, dict) else f for k, f in facts.items()}
        )
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        detail = " ".join(detail.split())[:200] or type(exc).__name__
        raise CaseError(
            key="error.case.json_kind", file=str(path), kind=f"timeline object ({detail})"
        ) from None
    return df, read


def _with_schema(df: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    # every column of the schema is written (a reader can then require them all)
    if all(c in df.columns for c in schema):
        return df
    from .tables import conform

    return conform(df, schema)


def finish_case(case: Case, out_dir: str | os.PathLike) -> Path:
    """Write ``case.json`` last: the folder is now a complete case."""
    path = Path(out_dir) / "case.json"
    write_json(case.summary.to_dict(case.lang), path)
    return path


def load_case(case_dir: str | os.PathLike) -> Case:
    """Read a case folder written by ``fundgraph analyze`` (or ``pull``) back into a :class:`Case`.

    Every table is checked against :mod:`fundgraph.schema`: each column of the schema must
    be there, each cell must be of its column's kind, ids (``transfer_id``, ``account``)
    may not repeat. Where a table exists as CSV and as Parquet, the Parquet copy is read
    unless the CSV was changed after it and now says something else; then the CSV is read
    and a warning names both. ``timeline.json`` gives ``case.timeline`` (a folder written
    without it leaves that None and the report leaves its timeline section out).

    Parameters
    ----------
    case_dir : path
        The case folder.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        If the folder has no ``case.json`` (not a case, or an interrupted run), if
        ``case.json`` comes from a newer fundgraph, or naming the file, row and column of
        anything that does not fit the schema.

    Examples
    --------
    >>> import tempfile
    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.pipeline import write_case
    >>> from fundgraph.synth import sample_transfers
    >>> tmp = tempfile.TemporaryDirectory()
    >>> case = analyze_case(Case(transfers=sample_transfers()), lang="en")
    >>> back = load_case(write_case(case, tmp.name, html=False))
    >>> back.lang, len(back.transfers), back.summary.total_absorbed
    ('en', 19, 30000000)
    >>> load_case(tmp.name + "/nothing")
    Traceback (most recent call last):
    ...
    fundgraph.errors.CaseError: ...: not a complete case folder (no case.json); run 'fundgraph analyze' first
    >>> tmp.cleanup()
    """
    d = Path(case_dir)
    if not (d / "case.json").is_file():
        raise CaseError(key="error.not_a_case", path=str(d))
    case = Case()
    case.summary = _load_summary(d / "case.json")
    case.lang = case.summary.lang or "zh"
    for name, (attr, sch) in CASE_FILES.items():
        df = _load_table(d, name, sch)
        if df is not None:
            setattr(case, attr, read_alert_texts(df, case.lang) if attr == "alerts" else df)
    if (d / "structures.json").is_file():
        case.structures = _load_structures(d / "structures.json")
    if (d / "communities.csv").is_file():
        case.communities = read_csv(d / "communities.csv", {})
    if (d / "restitution.csv").is_file():
        case.restitution = read_csv(d / "restitution.csv", _RESTITUTION)
    if (d / "timeline.json").is_file():
        case.timeline = _load_timeline(d / "timeline.json")
    return case


def _load_table(d: Path, name: str, schema: dict[str, str]) -> pd.DataFrame | None:
    csv_path = d / name
    pq_path = d / _PARQUET[name] if name in _PARQUET else None
    if pq_path is not None and pq_path.is_file():
        df = _read_parquet_table(pq_path, schema)
        source, first_row = pq_path, 1
        if csv_path.is_file() and csv_path.stat().st_mtime_ns > pq_path.stat().st_mtime_ns:
            if csv_bytes(df, schema) != csv_path.read_bytes():
                from .i18n import cli_lang, t

                log.warning(
                    t(
                        "warning.case.csv_differs",
                        cli_lang(),
                        csv=str(csv_path),
                        parquet=pq_path.name,
                    )
                )
                df = read_csv(csv_path, schema, required=True)
                source, first_row = csv_path, 2
        _check_table(df, source, schema, first_row=first_row)
        return df
    if not csv_path.is_file():
        return None
    df = read_csv(csv_path, schema, required=True)
    _check_table(df, csv_path, schema, first_row=2)
    return df


def _read_parquet_table(path: Path, schema: dict[str, str]) -> pd.DataFrame:
    from .tables import conform, read_parquet

    try:
        df = read_parquet(path)
    except Exception as exc:  # pyarrow raises its own errors for a damaged file
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise CaseError(key="error.case.not_parquet", file=str(path), detail=detail) from None
    missing = [c for c in schema if c not in df.columns]
    if missing:
        raise CaseError(key="error.case.missing_column", file=str(path), column=", ".join(missing))
    try:
        return conform(df, schema)
    except (ValueError, TypeError) as exc:
        detail = " ".join(str(exc).split())[:200]
        raise CaseError(key="error.case.not_parquet", file=str(path), detail=detail) from None


def _check_table(df: pd.DataFrame, path: Path, schema: dict[str, str], first_row: int) -> None:
    name = {v: k for k, v in _PARQUET.items()}.get(path.name, path.name)
    for col in _NOT_EMPTY.get(name, ()):
        empty = df[col].isna().to_numpy()
        if empty.any():
            i = int(empty.argmax())
            raise CaseError(
                key="error.case.empty_value", file=str(path), row=i + first_row, column=col
            )
    key = TABLE_KEYS.get(name)
    if key is None or not len(df):
        return
    values = df[key]
    if schema.get(key) == "str":
        empty = (values.astype(str).str.strip() == "").to_numpy()
        if empty.any():
            i = int(empty.argmax())
            raise CaseError(
                key="error.case.empty_value", file=str(path), row=i + first_row, column=key
            )
    dup = values.duplicated(keep=False).to_numpy()
    if dup.any():
        rows = [int(i) for i in dup.nonzero()[0]]
        first = rows[0]
        second = next(i for i in rows[1:] if values.iat[i] == values.iat[first])
        raise CaseError(
            key="error.case.duplicate",
            file=str(path),
            first=first + first_row,
            row=second + first_row,
            column=key,
            value=repr(str(values.iat[first])),
        )


def _load_json(path: Path, kind: type[dict[str, Any]] | type[list[Any]]):
    from decimal import Decimal

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CaseError(
            key="error.case.bad_json",
            file=str(path),
            line=exc.lineno,
            col=exc.colno,
            detail=exc.msg,
        ) from None
    except UnicodeDecodeError:
        raise CaseError(
            key="error.case.bad_json", file=str(path), line=1, col=1, detail="not UTF-8 text"
        ) from None
    if not isinstance(data, kind):
        raise CaseError(
            key="error.case.json_kind", file=str(path), kind="object" if kind is dict else "array"
        )
    if kind is list and not all(isinstance(x, dict) for x in data):
        raise CaseError(key="error.case.json_kind", file=str(path), kind="array of objects")
    return data


def _version_tuple(text: str) -> tuple[int, ...] | None:
    m = re.match(r"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?", str(text))
    if not m:
        return None
    return tuple(int(g or 0) for g in m.groups())


def _check_summary(summary: dict[str, Any], path: Path) -> None:
    from . import __version__
    from .i18n import LANGS

    version = summary.get("fundgraph_version")
    if version is not None:
        theirs = _version_tuple(version)
        if theirs is None:
            raise CaseError(key="error.case.bad_version", file=str(path), version=repr(version))
        if theirs > (_version_tuple(__version__) or (0, 0, 0)):
            raise CaseError(
                key="error.case.newer_version", file=str(path), version=version, current=__version__
            )
    lang = summary.get("lang", "zh")
    if lang not in LANGS:
        raise CaseError(key="error.case.bad_lang", file=str(path), lang=repr(lang))
