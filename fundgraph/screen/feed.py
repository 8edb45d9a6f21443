"""Reading a transaction feed with Dask: parse, normalise, de-duplicate, aggregate.

Each input file is one Dask task: bank exports go through the same readers and normaliser
as ``fundgraph analyze`` (:func:`fundgraph.ingest.read_export`,
:func:`fundgraph.ingest.normalise_table`); Parquet files of the canonical transactions
table are read as they are. The rows form a Dask dataframe, shuffled by the statement's own
account so that all rows of one statement meet in one partition, where repeated rows are
recognised and the mergeable aggregates of :mod:`fundgraph.screen.aggregates` computed.
Only those aggregates come back to the calling process.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FundgraphError
from ..ingest import find_exports, normalise_table, read_export
from ..tables import conform
from .aggregates import (
    ROW_COLUMNS,
    YUAN_CURRENCIES,
    distinct_rows,
    group_agg,
    merge_aggregates,
)
from .coded import (
    HASH_KEYS,
    IdCodes,
    IdCollision,
    aggregate_coded,
    keyed_table,
    keyed_tables,
    merge_disjoint,
    merge_hours,
    select_rows,
)
from .keyed import Keyed, text_aggregates

__all__ = [
    "FeedFile",
    "FeedAggregates",
    "find_feed",
    "feed_rows",
    "aggregate_feed",
    "feed_statements",
    "default_partitions",
    "file_digest",
]

_PARQUET = (".parquet", ".parq", ".pq")


@dataclass(frozen=True)
class FeedFile:
    """One input file: where it is, the name used in outputs, and its kind."""

    path: str
    name: str
    kind: str  # "export" or "parquet"


@dataclass
class FeedAggregates:
    """The aggregates of a feed and what was read.

    ``coded`` are keyed by hashes under ``HASH_KEYS[hash_key]``
    (:mod:`fundgraph.screen.coded`); ``keyed`` (integer codes that sort like the ids,
    :mod:`fundgraph.screen.keyed`) and ``aggregates`` (text tables) are made on first use.
    """

    coded: dict[str, pd.DataFrame]
    aliases: pd.DataFrame
    files: pd.DataFrame  # source_file, kind, digest, rows_read, rows_accepted, rows_rejected, ...
    stats: dict = field(default_factory=dict)
    hash_key: int = 0
    source: TableSource | None = field(default=None, repr=False)
    _keyed: Keyed | None = field(default=None, repr=False)
    _text: dict[str, pd.DataFrame] | None = field(default=None, repr=False)

    @property
    def keyed(self) -> Keyed:
        if self._keyed is None:
            self._keyed = keyed_aggregates(self.coded, self.aliases, self.source)
            if self.source is not None:  # a run without a state: the coded tables are done
                self.coded = {}
        return self._keyed

    @property
    def aggregates(self) -> dict[str, pd.DataFrame]:
        """The text tables of :mod:`fundgraph.screen.aggregates`."""
        if self._text is None:
            self._text = text_aggregates(self.keyed)
        return self._text


def keyed_aggregates(
    coded: dict[str, pd.DataFrame], aliases: pd.DataFrame, source: TableSource | None = None
) -> Keyed:
    """The keyed form of coded aggregates and their alias pairs (tables missing from
    ``coded`` fetched from ``source`` when asked for)."""
    extra = np.concatenate(
        [aliases["alias"].to_numpy(dtype=object), aliases["card"].to_numpy(dtype=object)]
    )
    codes = IdCodes(coded["ids"], extra)
    tables = keyed_tables(coded, codes)
    fetch = None
    if source is not None:

        def fetch(name: str, src: np.ndarray | None, dst: np.ndarray | None) -> pd.DataFrame:
            h_src = codes.hashes(src) if src is not None else None
            h_dst = codes.hashes(dst) if dst is not None else None
            return keyed_table(name, source.fetch(name, h_src, h_dst), codes)

    return Keyed(codes.texts, tables, aliases, fetch=fetch)


def find_feed(paths: list[str | os.PathLike]) -> list[FeedFile]:
    """Every export (as ``analyze`` finds them) and Parquet file under ``paths``, sorted.

    Raises
    ------
    FundgraphError
        When a path does not exist.
    """
    out: list[FeedFile] = []
    for given in paths:
        p = Path(given)
        if not p.exists():
            raise FundgraphError(f"{p}: no such file or folder")
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if (
                    sub.is_file()
                    and sub.suffix.lower() in _PARQUET
                    and not sub.name.startswith(".")
                ):
                    out.append(FeedFile(str(sub), sub.relative_to(p).as_posix(), "parquet"))
        elif p.suffix.lower() in _PARQUET:
            out.append(FeedFile(str(p), p.name, "parquet"))
            continue
        for path, name in find_exports([p]):
            out.append(FeedFile(str(path), name, "export"))
    seen: dict[str, int] = {}
    unique = []
    for f in sorted(out, key=lambda f: (f.name, f.path)):
        name = f.name
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 0
        unique.append(FeedFile(f.path, name, f.kind))
    return unique


def file_digest(path: str) -> str:
    """SHA-256 of a file's bytes (identifies a file already fed to a state)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _empty_rows() -> pd.DataFrame:
    return conform(pd.DataFrame(), ROW_COLUMNS, extra=False)


def _read_file(f: FeedFile, delay: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Rows, alias pairs and counts of one input file (runs on a worker)."""
    if delay:
        time.sleep(delay)
    info: dict[str, Any] = {
        "source_file": f.name,
        "kind": f.kind,
        "rows_read": 0,
        "rows_accepted": 0,
        "rows_rejected": 0,
        "problem": "",
    }
    aliases = pd.DataFrame({"alias": pd.Series(dtype=object), "card": pd.Series(dtype=object)})
    if f.kind == "parquet":
        try:
            df = pd.read_parquet(f.path)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the feed
            info["problem"] = f"unreadable: {type(exc).__name__}: {str(exc)[:160]}"
            return _empty_rows(), aliases, info
        missing = [c for c in ("account", "time", "direction", "amount") if c not in df]
        if missing:
            info["problem"] = "missing columns: " + ",".join(missing)
            info["rows_read"] = info["rows_rejected"] = len(df)
            return _empty_rows(), aliases, info
        df = conform(df, ROW_COLUMNS, extra=False)
        df["source_file"] = f.name
        df["source_sheet"] = ""
        ok = df["direction"].isin(("in", "out")) & (df["amount"] > 0) & df["time"].notna()
        info["rows_read"] = len(df)
        info["rows_accepted"] = int(ok.sum())
        info["rows_rejected"] = int((~ok).sum())
        return df[ok].reset_index(drop=True), aliases, info
    tables, problems = read_export(f.path, f.name)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        info["problem"] = f"{fatal[0].code}: {fatal[0].detail}"[:200]
    accepted, pairs = [], []
    for tb in tables:
        acc, rej, al = normalise_table(tb)
        accepted.append(acc)
        pairs.append(al)
        info["rows_accepted"] += len(acc)
        info["rows_rejected"] += len(rej)
    info["rows_read"] = info["rows_accepted"] + info["rows_rejected"]
    rows = (
        conform(pd.concat(accepted, ignore_index=True), ROW_COLUMNS, extra=False)
        if accepted
        else _empty_rows()
    )
    if pairs:
        aliases = pd.concat(pairs, ignore_index=True)[["alias", "card"]].astype(object)
    return rows, aliases, info


def _first(x):
    return x[0]


def _second(x):
    return x[1]


def _third(x):
    return x[2]


def _aggregate_partition(
    rows: pd.DataFrame, delay: float = 0.0, hash_key: str = HASH_KEYS[0]
) -> dict[str, pd.DataFrame]:
    if delay:
        time.sleep(delay)
    return aggregate_coded(conform(rows, ROW_COLUMNS, extra=False), hash_key)


def _merge_all(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return merge_disjoint(*parts)


#: The tables a run may keep on the cluster, fetched by the ranking for the accounts it
#: looks at (:class:`TableSource`); the others come back to this process.
KEPT_TABLES = ("amounts", "months", "hours")


def _heavy(part: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: part[name] for name in KEPT_TABLES}


def _light(part: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: t for name, t in part.items() if name not in KEPT_TABLES}


class TableSource:
    """The ``amounts``, ``months`` and ``hours`` of a run's partitions, kept where the
    partitions were aggregated (on the workers, or in this process for ``"synchronous"``),
    and fetched for given account hashes only."""

    def __init__(self, parts: list, scheduler):
        self.parts = parts
        self.scheduler = scheduler

    def fetch(self, name: str, src: np.ndarray | None, dst: np.ndarray | None) -> pd.DataFrame:
        """Coded rows of table ``name`` (see :func:`fundgraph.screen.coded.select_rows`)."""
        import dask

        kwargs = {"scheduler": self.scheduler} if self.scheduler is not None else {}
        tasks = [dask.delayed(_select, pure=True)(p, name, src, dst) for p in self.parts]
        got = list(dask.compute(*tasks, **kwargs))
        if name == "hours":
            return merge_hours(got)
        return pd.concat(got, ignore_index=True)


def _select(part: dict[str, pd.DataFrame], name: str, src, dst) -> pd.DataFrame:
    return select_rows(part[name], name, src, dst)


def _concat_aliases(*frames: pd.DataFrame) -> pd.DataFrame:
    kept = [f for f in frames if len(f)]
    if not kept:
        return pd.DataFrame({"alias": pd.Series(dtype=object), "card": pd.Series(dtype=object)})
    a = pd.concat(kept, ignore_index=True)
    a = a[(a["card"] != "") & (a["alias"] != "") & (a["alias"] != a["card"])]
    return a.drop_duplicates().sort_values(["alias", "card"]).reset_index(drop=True)


def feed_rows(files: list[FeedFile], *, delay: float = 0.0):
    """The feed as a Dask dataframe of canonical rows, plus delayed alias pairs and counts.

    Returns
    -------
    rows : dask.dataframe.DataFrame
        :data:`fundgraph.screen.aggregates.ROW_COLUMNS`, one partition per input file.
    aliases : dask.delayed.Delayed
        ``alias``, ``card`` pairs of every file.
    infos : list of dask.delayed.Delayed
        One dict of counts per file.
    """
    import dask
    import dask.dataframe as dd

    read = [
        dask.delayed(_read_file, pure=True)(f, delay, dask_key_name=f"screen-read-{i}-{_key(f)}")
        for i, f in enumerate(files)
    ]
    parts = [dask.delayed(_first, pure=True)(r) for r in read]
    aliases = dask.delayed(_concat_aliases, pure=True)(
        *[dask.delayed(_second, pure=True)(r) for r in read]
    )
    infos = [dask.delayed(_third, pure=True)(r) for r in read]
    meta = _empty_rows()
    rows = (
        dd.from_delayed(parts, meta=meta, verify_meta=False)
        if parts
        else dd.from_pandas(meta, npartitions=1)
    )
    return rows, aliases, infos


def _key(f: FeedFile) -> str:
    return hashlib.sha1(f"{f.kind}\0{f.path}\0{f.name}".encode()).hexdigest()[:12]


#: Input bytes per partition of the shuffle by account (text exports; Parquet counts 4x).
PARTITION_BYTES = 64 * 1024**2


def feed_bytes(files: list[FeedFile]) -> int:
    """Input bytes of ``files``, a Parquet byte counted as four (it holds about as much)."""
    return sum(os.path.getsize(f.path) * (4 if f.kind == "parquet" else 1) for f in files)


def default_partitions(files: list[FeedFile]) -> int:
    """About one partition per ``PARTITION_BYTES`` of input, between 1 and 256."""
    return max(1, min(256, -(-feed_bytes(files) // PARTITION_BYTES)))


def aggregate_feed(
    files: list[FeedFile],
    *,
    scheduler=None,
    partitions: int | None = None,
    delay: float = 0.0,
    keep_on_cluster: bool = False,
) -> FeedAggregates:
    """Read, normalise, de-duplicate and aggregate ``files`` on Dask.

    Parameters
    ----------
    files : list of FeedFile
        From :func:`find_feed`.
    scheduler : distributed.Client, str or None
        Where the tasks run: a client of a ``dask.distributed`` cluster, ``"synchronous"``
        (in this process, for debugging) or None (Dask's current default).
    partitions : int, optional
        Partitions of the shuffle by account (default: :func:`default_partitions`).
    delay : float
        Seconds each task sleeps first (only for tests that need tasks still running).
    keep_on_cluster : bool
        Keep the partitions' ``amounts``, ``months`` and ``hours`` where they were made
        (:class:`TableSource`) instead of merging them here: ``coded`` then lacks them, and
        ``keyed`` fetches what the ranking asks for while the scheduler runs.

    Returns
    -------
    FeedAggregates
    """
    import dask

    kwargs = {"scheduler": scheduler} if scheduler is not None else {}
    rows, aliases, infos = feed_rows(files, delay=delay)
    nparts = partitions or default_partitions(files)
    by_account = rows.shuffle(on="account", npartitions=nparts, shuffle_method="tasks")
    parts_kept: list = []
    for hash_key in HASH_KEYS:
        aggs = [
            dask.delayed(_aggregate_partition, pure=True)(p, delay, hash_key)
            for p in by_account.to_delayed()
        ]
        if keep_on_cluster:
            heavy = [dask.delayed(_heavy, pure=True)(a) for a in aggs]
            aggs = [dask.delayed(_light, pure=True)(a) for a in aggs]
        # a tree of merges, so no single task holds every partition's aggregates at once;
        # the partitions hold disjoint accounts, so a merge mostly concatenates
        while len(aggs) > 1:
            aggs = [
                dask.delayed(_merge_all, pure=True)(*aggs[i : i + 8])
                for i in range(0, len(aggs), 8)
            ]
        try:
            if keep_on_cluster:
                # one graph: each partition is aggregated once for both its kept tables
                # and the merge
                kept = dask.persist(*heavy, aggs[0], aliases, *infos, **kwargs)
                parts_kept = list(kept[: len(heavy)])
                coded, alias_pairs, *info_list = dask.compute(*kept[len(heavy) :], **kwargs)
            else:
                coded, alias_pairs, info_list = dask.compute(aggs[0], aliases, infos, **kwargs)
        except IdCollision:
            continue  # two ids with one hash: again with the next hash key
        break
    else:
        raise FundgraphError(key="screen.error.id_collision", tries=str(len(HASH_KEYS)))
    if keep_on_cluster:
        coded = dict(coded)
        source = TableSource(parts_kept, scheduler)
    aliases = merge_aggregates({"aliases": alias_pairs})["aliases"]
    files_df = pd.DataFrame(
        info_list,
        columns=["source_file", "kind", "rows_read", "rows_accepted", "rows_rejected", "problem"],
    )
    stats = {
        "files": len(files_df),
        "rows_read": int(files_df["rows_read"].sum()),
        "rows_accepted": int(files_df["rows_accepted"].sum()),
        "rows_rejected": int(files_df["rows_rejected"].sum()),
    }
    got = FeedAggregates(coded, aliases, files_df, stats, HASH_KEYS.index(hash_key))
    if keep_on_cluster:
        got.source = source
    return got


def _select_rows(rows: pd.DataFrame, accounts: frozenset, mapping: dict[str, str]) -> pd.DataFrame:
    rows = conform(rows, ROW_COLUMNS, extra=False)
    rows = rows[rows["currency"].isin(YUAN_CURRENCIES)]
    if mapping:
        for col in ("account", "counterparty"):
            m = rows[col].map(mapping)
            rows[col] = m.where(m.notna(), rows[col]).astype(object)
    return rows[rows["account"].isin(accounts)]


def _distinct_with_names(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return rows.assign(weight=pd.Series(dtype="int64"))
    d = distinct_rows(rows)
    key = ["account", "direction", "counterparty", "amount", "time", "reference"]
    cols = (
        "holder_name",
        "holder_id",
        "counterparty_name",
        "counterparty_id",
        "currency",
        "memo",
        "channel",
    )
    names = group_agg(rows, key, {c: (c, "max") for c in cols}).set_index(key)
    return d.join(names, on=key)


def feed_statements(
    files: list[FeedFile],
    accounts: set[str],
    *,
    aliases: dict[str, str] | None = None,
    scheduler=None,
) -> pd.DataFrame:
    """The distinct statement rows of ``accounts`` in ``files`` (with a ``weight`` each).

    Runs on Dask like :func:`aggregate_feed`; only the selected rows come back.
    """
    import dask

    if not files or not accounts:
        return _distinct_with_names(_empty_rows())
    rows, _, _ = feed_rows(files)
    keep = frozenset(accounts)
    mapping = dict(aliases or {})
    selected = rows.map_partitions(_select_rows, keep, mapping, meta=_empty_rows())
    by_account = selected.shuffle(
        on="account", npartitions=default_partitions(files), shuffle_method="tasks"
    )
    parts = [dask.delayed(_distinct_with_names, pure=True)(p) for p in by_account.to_delayed()]
    kwargs = {"scheduler": scheduler} if scheduler is not None else {}
    (got,) = dask.compute(parts, **kwargs)
    got = [g for g in got if len(g)]
    if not got:
        return _distinct_with_names(_empty_rows())
    return pd.concat(got, ignore_index=True)
