"""The incremental state: merged aggregates kept as Parquet, and the files already fed.

A state folder holds one Parquet file per aggregate table, ``files.parquet`` (each file
fed: name, SHA-256 of its bytes, rows read / accepted / rejected) and ``state.json``
(format version, written last). A new day's feed is aggregated alone and merged in; files
whose bytes are already in the state are skipped, so feeding a file twice counts nothing
twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import FundgraphError
from ..tables import read_json, read_parquet, write_json, write_parquet
from .aggregates import TABLES, canonical, empty_aggregates

__all__ = ["STATE_FORMAT", "FILES_COLUMNS", "read_state", "write_state"]

STATE_FORMAT = 1
FILES_COLUMNS = [
    "source_file",
    "kind",
    "digest",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "problem",
]


def _files_frame(df: pd.DataFrame | None) -> pd.DataFrame:
    if df is None or df.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c.startswith("rows") else object) for c in FILES_COLUMNS}
        )
    out = df.reindex(columns=FILES_COLUMNS).copy()
    for c in FILES_COLUMNS:
        if c.startswith("rows"):
            out[c] = out[c].fillna(0).astype("int64")
        else:
            out[c] = out[c].fillna("").astype(str).astype(object)
    return out.sort_values(["digest", "source_file"], kind="stable").reset_index(drop=True)


def read_state(folder: str | os.PathLike) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Aggregates and files of a state folder (empty ones when it does not exist yet)."""
    folder = Path(folder)
    meta = folder / "state.json"
    if not meta.exists():
        if folder.exists() and any((folder / f"{n}.parquet").exists() for n in TABLES):
            raise FundgraphError(
                f"{folder}: incomplete state (no state.json): an earlier run was interrupted"
            )
        return empty_aggregates(), _files_frame(None)
    info = read_json(meta)
    if info.get("format") != STATE_FORMAT:
        raise FundgraphError(
            key="screen.error.state_version", path=str(folder), found=str(info.get("format"))
        )
    aggs = {name: canonical(name, read_parquet(folder / f"{name}.parquet")) for name in TABLES}
    return aggs, _files_frame(read_parquet(folder / "files.parquet"))


def write_state(
    folder: str | os.PathLike, aggregates: dict[str, pd.DataFrame], files: pd.DataFrame
) -> None:
    """Write a state folder; ``state.json`` last and removed first, so an interrupted write
    is recognised instead of read as a complete state."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "state.json"
    if meta.exists():
        meta.unlink()
    for name in TABLES:
        write_parquet(canonical(name, aggregates[name]), folder / f"{name}.parquet")
    write_parquet(_files_frame(files), folder / "files.parquet")
    write_json({"format": STATE_FORMAT}, meta)
