"""The analysed case: every table of CONTRACT §3 in one object, and its folder on disk.

A case folder is written file by file, each atomically; ``case.json`` is written last and
removed first, so a folder without it is an interrupted run, never mistaken for a case.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema as S
from .errors import CaseError
from .tables import (
    empty_frame,
    read_csv,
    read_json,
    read_parquet,
    write_csv,
    write_json,
    write_parquet,
)

__all__ = ["Case", "write_case_data", "finish_case", "load_case", "CASE_FILES"]

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


@dataclass
class Case:
    """Everything fundgraph knows about one case.

    Attributes
    ----------
    transactions : DataFrame
        Accepted statement rows (:data:`fundgraph.schema.TRANSACTIONS`).
    rejects, transfers, accounts, participants, alerts, warnings, files : DataFrame
        The tables of the same names in :mod:`fundgraph.schema`.
    structures : list of dict
        Collection structures (``structures.json``).
    communities : DataFrame
        One row per community (``communities.csv``).
    restitution : DataFrame or None
        Pro-rata restitution plan when an amount recovered was given.
    summary : dict
        ``case.json``: counts as int, money as :class:`~decimal.Decimal` yuan.
    """

    transactions: pd.DataFrame = field(default_factory=lambda: empty_frame(S.TRANSACTIONS))
    rejects: pd.DataFrame = field(default_factory=lambda: empty_frame(S.REJECTS))
    transfers: pd.DataFrame = field(default_factory=lambda: empty_frame(S.TRANSFERS))
    accounts: pd.DataFrame = field(default_factory=lambda: empty_frame(S.ACCOUNTS))
    participants: pd.DataFrame = field(default_factory=lambda: empty_frame(S.PARTICIPANTS))
    alerts: pd.DataFrame = field(default_factory=lambda: empty_frame(S.ALERTS))
    warnings: pd.DataFrame = field(default_factory=lambda: empty_frame(S.WARNINGS))
    files: pd.DataFrame = field(default_factory=lambda: empty_frame(S.FILES))
    structures: list[dict[str, Any]] = field(default_factory=list)
    communities: pd.DataFrame = field(default_factory=pd.DataFrame)
    restitution: pd.DataFrame | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh"
    #: seconds spent per stage in this run (not written: outputs stay byte-identical)
    timings: dict[str, float] = field(default_factory=dict)


def write_case_data(case: Case, out_dir: str | os.PathLike) -> Path:
    """Write every data file of ``case`` into ``out_dir`` except ``case.json``.

    Removes an old ``case.json`` first, so the folder only looks complete once
    :func:`finish_case` has run.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    marker = out / "case.json"
    if marker.exists():
        marker.unlink()
    for name, (attr, sch) in CASE_FILES.items():
        write_csv(getattr(case, attr), out / name, sch)
    write_parquet(case.transfers, out / "transfers.parquet")
    write_parquet(case.accounts, out / "accounts.parquet")
    write_json(case.structures, out / "structures.json")
    if len(case.communities.columns):
        write_csv(case.communities, out / "communities.csv")
    if case.restitution is not None:
        write_csv(case.restitution, out / "restitution.csv")
    return out


def finish_case(case: Case, out_dir: str | os.PathLike) -> Path:
    """Write ``case.json`` last: the folder is now a complete case."""
    path = Path(out_dir) / "case.json"
    write_json(case.summary, path)
    return path


def load_case(case_dir: str | os.PathLike) -> Case:
    """Read a case folder written by ``fundgraph analyze`` (or ``pull``) back into a :class:`Case`.

    Raises
    ------
    CaseError
        If the folder has no ``case.json`` (not a case, or an interrupted run).
    """
    d = Path(case_dir)
    if not (d / "case.json").is_file():
        raise CaseError(key="error.not_a_case", path=str(d))
    case = Case()
    case.summary = read_json(d / "case.json")
    case.lang = case.summary.get("lang", "zh")
    for name, (attr, sch) in CASE_FILES.items():
        if (d / name).is_file():
            setattr(case, attr, read_csv(d / name, sch))
    if (d / "transfers.parquet").is_file():
        case.transfers = read_parquet(d / "transfers.parquet", S.TRANSFERS)
    if (d / "accounts.parquet").is_file():
        case.accounts = read_parquet(d / "accounts.parquet", S.ACCOUNTS)
    if (d / "structures.json").is_file():
        case.structures = read_json(d / "structures.json")
    if (d / "communities.csv").is_file():
        case.communities = read_csv(d / "communities.csv", {})
    if (d / "restitution.csv").is_file():
        case.restitution = read_csv(
            d / "restitution.csv", {"paid_in": "int64", "net_loss": "int64", "recovered_share": "int64"}
        )
    return case
