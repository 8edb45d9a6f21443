"""The incremental state: merged aggregates kept as Parquet, and the files already fed.

A state folder holds the coded aggregates (:mod:`fundgraph.screen.coded`: one Parquet
file per table, ``ids.parquet`` among them, keyed by 64-bit hashes of the account ids),
``aliases.parquet``, ``files.parquet`` (each file fed: name, SHA-256 of its bytes, rows
read / accepted / rejected) and ``state.json`` (format version and which of
:data:`~fundgraph.screen.coded.HASH_KEYS` the hashes use; written last). A new day's feed
is aggregated alone and merged in on the integer keys; files whose bytes are already in
the state are skipped, so feeding a file twice counts nothing twice.

Folders of format 1 (the text tables of :mod:`fundgraph.screen.aggregates`) are read too
and written back in format 2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import FundgraphError
from ..tables import read_json, read_parquet, write_json, write_parquet
from . import coded as K
from .aggregates import TABLES, canonical, empty_aggregates
from .keyed import Keyed, text_aggregates

__all__ = [
    "STATE_FORMAT",
    "FILES_COLUMNS",
    "CodedState",
    "read_state",
    "read_coded_state",
    "write_state",
    "write_coded_state",
]

STATE_FORMAT = 2
_CODED_TABLES = ("ids", "accounts", "pairs", "amounts", "months", "hours")
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


@dataclass
class CodedState:
    """A state folder's content: coded aggregates (None when empty), under
    ``HASH_KEYS[hash_key]``, the alias pairs and the files fed."""

    coded: dict[str, pd.DataFrame] | None
    hash_key: int
    aliases: pd.DataFrame
    files: pd.DataFrame


def _read_coded_table(path: Path) -> pd.DataFrame:
    df = pd.read_parquet(path)
    return pd.DataFrame(
        {
            c: K._texts(df[c].to_numpy(dtype=object)) if kind == "str" else df[c].astype(kind)
            for c, kind in K._CODED[path.stem].items()
        }
    )


def read_coded_state(folder: str | os.PathLike) -> CodedState:
    """The content of a state folder (an empty one when it does not exist yet).

    Raises
    ------
    FundgraphError
        An incomplete folder (an interrupted write) or one of an unknown format.
    """
    folder = Path(folder)
    meta = folder / "state.json"
    if not meta.exists():
        names = set(TABLES) | set(_CODED_TABLES)
        if folder.exists() and any((folder / f"{n}.parquet").exists() for n in names):
            raise FundgraphError(
                f"{folder}: incomplete state (no state.json): an earlier run was interrupted"
            )
        return CodedState(None, 0, canonical("aliases", pd.DataFrame()), _files_frame(None))
    info = read_json(meta)
    files = _files_frame(read_parquet(folder / "files.parquet"))
    if info.get("format") == 1:
        aggs = {n: canonical(n, read_parquet(folder / f"{n}.parquet")) for n in TABLES}
        for i, key in enumerate(K.HASH_KEYS):
            try:
                coded = K.from_text(aggs, key)
            except K.IdCollision:
                continue
            return CodedState(coded, i, aggs["aliases"], files)
        raise FundgraphError(key="screen.error.id_collision", tries=str(len(K.HASH_KEYS)))
    if info.get("format") != STATE_FORMAT:
        raise FundgraphError(
            key="screen.error.state_version", path=str(folder), found=str(info.get("format"))
        )
    coded = {n: _read_coded_table(folder / f"{n}.parquet") for n in _CODED_TABLES}
    aliases = canonical("aliases", read_parquet(folder / "aliases.parquet"))
    return CodedState(coded, int(info["hash_key"]), aliases, files)


def write_coded_state(folder: str | os.PathLike, state: CodedState) -> None:
    """Write a state folder; ``state.json`` last and removed first, so an interrupted write
    is recognised instead of read as a complete state."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "state.json"
    if meta.exists():
        meta.unlink()
    coded = state.coded if state.coded is not None else K.empty_coded()
    for name in _CODED_TABLES:
        write_parquet(coded[name], folder / f"{name}.parquet")
    write_parquet(canonical("aliases", state.aliases), folder / "aliases.parquet")
    write_parquet(_files_frame(state.files), folder / "files.parquet")
    write_json({"format": STATE_FORMAT, "hash_key": int(state.hash_key)}, meta)


def read_state(folder: str | os.PathLike) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Aggregates (as text tables) and files of a state folder (empty ones when it does not
    exist yet)."""
    st = read_coded_state(folder)
    if st.coded is None:
        return empty_aggregates(), st.files
    texts, tables = K.decode_keyed(st.coded)
    aggs = text_aggregates(Keyed(texts, tables, st.aliases))
    return aggs, st.files


def write_state(
    folder: str | os.PathLike, aggregates: dict[str, pd.DataFrame], files: pd.DataFrame
) -> None:
    """Write text aggregates as a state folder (hashed under the first key that has no
    collision)."""
    for i, key in enumerate(K.HASH_KEYS):
        try:
            coded = K.from_text(aggregates, key)
        except K.IdCollision:
            continue
        aliases = aggregates.get("aliases", canonical("aliases", pd.DataFrame()))
        write_coded_state(folder, CodedState(coded, i, aliases, files))
        return
    raise FundgraphError(key="screen.error.id_collision", tries=str(len(K.HASH_KEYS)))
