"""Early warning over whole transaction feeds: rank accounts that may collect for a scheme.

The transaction-level work (parse, normalise, de-duplicate, aggregate per account and per
pair) runs as Dask tasks on a ``dask.distributed`` cluster (:mod:`.feed`); the mergeable
aggregates (:mod:`.aggregates`) come back, are merged with an incremental state if one is
kept (:mod:`.state`), and the aggregated account graph is ranked in this process
(:mod:`.rank`).

>>> from fundgraph.screen import screen                       # doctest: +SKIP
>>> result = screen(["feeds/2024-05-01/"], "out/", state_dir="state/")  # doctest: +SKIP
>>> result.table.head()                                       # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import FundgraphError, InputError
from ..i18n import check_lang
from ..ingest import alias_map
from ..tables import write_json
from .aggregates import TABLES, aggregate_rows, empty_aggregates, merge_aggregates
from .cluster import SCHEDULER_ENV, dask_scheduler
from .coded import HASH_KEYS, IdCollision, merge_coded, rekey
from .feed import (
    FeedAggregates,
    FeedFile,
    aggregate_feed,
    feed_bytes,
    feed_statements,
    file_digest,
    find_feed,
    keyed_aggregates,
)
from .keyed import Keyed, from_text, resolve, text_aggregates
from .outputs import render_summary, write_screen_csv, write_statements, write_text
from .rank import SCREEN_CODES, SCREEN_COLUMNS, neighbourhood, rank_accounts
from .state import CodedState, read_coded_state, write_coded_state

__all__ = [
    "ScreenResult",
    "screen",
    "screen_aggregates",
    "aggregate_feed",
    "aggregate_rows",
    "merge_aggregates",
    "rank_accounts",
    "neighbourhood",
    "find_feed",
    "dask_scheduler",
    "SCHEDULER_ENV",
    "SCREEN_CODES",
    "SCREEN_COLUMNS",
    "TABLES",
]


@dataclass
class ScreenResult:
    """What a screening run produced."""

    table: pd.DataFrame  # screen.csv as a frame
    keyed: Keyed  # the merged aggregates, keyed by integer account codes
    files: pd.DataFrame
    summary: dict = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    _text: dict[str, pd.DataFrame] | None = field(default=None, repr=False)

    @property
    def aggregates(self) -> dict[str, pd.DataFrame]:
        """The merged per-account and per-pair tables as text (made on first use)."""
        if self._text is None:
            self._text = text_aggregates(self.keyed)
        return self._text


#: From this much input (:func:`fundgraph.screen.feed.feed_bytes`), a run without a state
#: leaves the ``amounts``, ``months`` and ``hours`` of its partitions on the cluster and
#: fetches only the rows the ranking reads (their accounts are known once the pairs are).
KEEP_ON_CLUSTER_BYTES = 256 * 1024**2


def _digests(files: list[FeedFile], scheduler) -> list[str]:
    import dask

    tasks = [dask.delayed(file_digest, pure=True)(f.path) for f in files]
    kwargs = {"scheduler": scheduler} if scheduler is not None else {}
    return list(dask.compute(*tasks, **kwargs)) if tasks else []


def screen_aggregates(
    feeds: Iterable[str | os.PathLike],
    *,
    state_dir: str | os.PathLike | None = None,
    scheduler=None,
    partitions: int | None = None,
    delay: float = 0.0,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[FeedFile]]:
    """Aggregate the feeds on Dask and merge them into the state (written back when given).

    Returns the merged aggregates, the table of every file fed so far and the files of
    this run that were read (files already in the state are skipped).
    """
    keyed, text, files_df, fresh = _aggregate(
        feeds, state_dir=state_dir, scheduler=scheduler, partitions=partitions, delay=delay
    )
    return (text if text is not None else text_aggregates(keyed)), files_df, fresh


def _aggregate(
    feeds: Iterable[str | os.PathLike],
    *,
    state_dir: str | os.PathLike | None,
    scheduler,
    partitions: int | None,
    delay: float,
) -> tuple[Keyed, dict[str, pd.DataFrame] | None, pd.DataFrame, list[FeedFile]]:
    """:func:`screen_aggregates` with the aggregates keyed; their text too where a state
    was merged (None otherwise)."""
    files = find_feed(list(feeds))
    if not files:
        raise InputError(key="error.no_exports", paths=", ".join(map(str, feeds)))
    old = read_coded_state(state_dir) if state_dir else None
    digests = _digests(files, scheduler)
    known = set(old.files["digest"]) if old is not None else set()
    fresh, fresh_digests, seen = [], [], set()
    for f, d in zip(files, digests, strict=True):
        if d in known or d in seen:
            continue
        seen.add(d)
        fresh.append(f)
        fresh_digests.append(d)
    got = None
    if fresh:
        # a large feed screened without a state keeps its biggest tables on the cluster
        keep = not state_dir and feed_bytes(fresh) >= KEEP_ON_CLUSTER_BYTES
        got = aggregate_feed(
            fresh, scheduler=scheduler, partitions=partitions, delay=delay, keep_on_cluster=keep
        )
        new_files = got.files.assign(digest=fresh_digests)
    else:
        new_files = None
    old_files = old.files if old is not None else None
    files_df = (
        pd.concat(
            [f for f in (old_files, new_files) if f is not None and len(f)], ignore_index=True
        )
        if any(f is not None and len(f) for f in (old_files, new_files))
        else pd.DataFrame()
    )
    from .state import _files_frame

    files_df = _files_frame(files_df)
    if old is None or not state_dir:
        assert got is not None  # without a state every file is fresh
        return got.keyed, None, files_df, fresh
    state = _merge_state(old, got, files_df)
    write_coded_state(state_dir, state)
    if state.coded is None:
        return from_text(empty_aggregates()), None, files_df, fresh
    return keyed_aggregates(state.coded, state.aliases), None, files_df, fresh


def _merge_state(old: CodedState, got: FeedAggregates | None, files: pd.DataFrame) -> CodedState:
    """A state with a run's aggregates merged in, on the integer keys (both rehashed under
    the next key while two ids collide)."""
    if got is None:
        return CodedState(old.coded, old.hash_key, old.aliases, files)
    aliases = merge_aggregates({"aliases": old.aliases}, {"aliases": got.aliases})["aliases"]
    if old.coded is None:
        return CodedState(got.coded, got.hash_key, aliases, files)
    for i in range(max(old.hash_key, got.hash_key), len(HASH_KEYS)):
        try:
            a = old.coded if old.hash_key == i else rekey(old.coded, HASH_KEYS[i])
            b = got.coded if got.hash_key == i else rekey(got.coded, HASH_KEYS[i])
            return CodedState(merge_coded(a, b), i, aliases, files)
        except IdCollision:
            continue
    raise FundgraphError(key="screen.error.id_collision", tries=str(len(HASH_KEYS)))


def screen(
    feeds: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike,
    *,
    state_dir: str | os.PathLike | None = None,
    watchlist: pd.DataFrame | None = None,
    export_case: int = 0,
    top: int = 20,
    min_score: float = 3.0,
    lang: str = "zh",
    scheduler=None,
    workers: int = 2,
    partitions: int | None = None,
    delay: float = 0.0,
) -> ScreenResult:
    """Screen transaction feeds and write ``screen.csv``, ``screen.html`` and ``screen.json``.

    Parameters
    ----------
    feeds : iterable of path
        Files or folders: bank exports as ``fundgraph analyze`` reads them, and Parquet
        files of the canonical transactions table (:data:`fundgraph.schema.TRANSACTIONS`).
    out_dir : path
        Folder to write to.
    state_dir : path, optional
        Incremental state: the aggregates of every feed given before are kept there and
        this run's feed is merged in (see :mod:`fundgraph.screen.state`).
    watchlist : DataFrame, optional
        From :func:`fundgraph.analysis.read_watchlist`.
    export_case : int
        Write the statements of the top ``export_case`` accounts' one-hop neighbourhood
        (from this run's feeds) to ``out_dir/case-statements/`` for ``fundgraph analyze``.
    top : int
        Accounts shown in ``screen.html``.
    min_score : float
        Accounts scoring less are left out of ``screen.csv`` (except watch-list and
        keyword-name hits).
    lang : {"zh", "en"}
        Language of reasons and the HTML page.
    scheduler : distributed.Client or str, optional
        A client, a scheduler address, ``"synchronous"``; default ``FUNDGRAPH_DASK_SCHEDULER``
        or a local cluster of ``workers`` processes.
    partitions : int, optional
        Partitions of the shuffle by account.
    delay : float
        Seconds each task sleeps (only for tests that interrupt a run).

    Returns
    -------
    ScreenResult
        ``table`` (``screen.csv``: one row per flagged account, by rank, with its
        ``score``, ``codes`` and ``reasons``), ``aggregates`` (the merged per-account and
        per-pair tables), ``files`` (every file fed so far), ``summary`` (``screen.json``)
        and ``written`` (the files written).

    Raises
    ------
    InputError
        No export or Parquet feed file under ``feeds``.
    ValueError
        An unknown ``lang``.

    See Also
    --------
    rank_accounts : the ranking rules alone, on aggregates.
    fundgraph.pipeline.build_case : the full analysis of the statements ``export_case``
        writes.

    Examples
    --------
    Twelve persons pay 5万 each into one account, which passes the money on to a
    company; ``scheduler="synchronous"`` runs the Dask tasks in this process:

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> feed = Path(tmp.name, "feed")
    >>> feed.mkdir()
    >>> lines = ["交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要"]
    >>> lines += [f"6222000000000100,2022-0{1 + i % 6}-0{1 + i % 5} 10:00:00,50000.00,进,"
    ...           f"62220000000010{i:02d},参与人{i},投资款" for i in range(12)]
    >>> lines += ["6222000000000100,2022-07-06 09:00:00,600000.00,出,"
    ...           "6222000000000001,某某投资咨询有限公司,"]
    >>> _ = Path(feed, "col.csv").write_text("\\n".join(lines) + "\\n", encoding="utf-8")
    >>> result = screen([feed], Path(tmp.name, "out"), scheduler="synchronous", lang="en")
    >>> result.table[["rank", "account", "codes"]].values.tolist()
    [[1, '6222000000000100', 'many_payers;tiered_sums;round_sums;concentration'],
     [2, '6222000000000001', 'keyword_name']]
    >>> result.summary["rows_read"], result.summary["accounts_seen"], result.summary["accounts_flagged"]
    (13, 14, 2)
    >>> [p.name for p in result.written]
    ['screen.csv', 'screen.html', 'screen.json']
    >>> tmp.cleanup()
    """
    check_lang(lang)
    if scheduler is None or isinstance(scheduler, str):
        with dask_scheduler(scheduler, workers=workers) as sched:
            return screen(
                feeds,
                out_dir,
                state_dir=state_dir,
                watchlist=watchlist,
                export_case=export_case,
                top=top,
                min_score=min_score,
                lang=lang,
                scheduler=sched if sched != "synchronous" else _Sync(),
                partitions=partitions,
                delay=delay,
            )
    if isinstance(scheduler, _Sync):
        scheduler = "synchronous"
    feeds = list(feeds)
    keyed, text, files_df, fresh = _aggregate(
        feeds, state_dir=state_dir, scheduler=scheduler, partitions=partitions, delay=delay
    )
    resolved = resolve(keyed)
    table = rank_accounts(
        resolved, watchlist=watchlist, lang=lang, min_score=min_score, resolved=True
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    write_screen_csv(table, out / "screen.csv")
    written.append(out / "screen.csv")
    pairs = resolved.tables["pairs"]
    ends = np.union1d(pairs["src"].to_numpy(), pairs["dst"].to_numpy())
    accounts_seen = int(len(ends) - np.isin(resolved.cash, ends))
    shown = list(table["account"].head(top))
    nb = neighbourhood(resolved, shown, resolved=True)
    write_text(
        out / "screen.html",
        render_summary(
            table,
            nb,
            top=top,
            accounts_seen=accounts_seen,
            rows_read=int(files_df["rows_read"].sum()),
            lang=lang,
        ),
    )
    written.append(out / "screen.html")
    summary = {
        "accounts_seen": accounts_seen,
        "accounts_obtained": int(len(resolved.tables["accounts"])),
        "accounts_flagged": int(len(table)),
        "files": int(len(files_df)),
        "rows_read": int(files_df["rows_read"].sum()),
        "rows_accepted": int(files_df["rows_accepted"].sum()),
        "rows_rejected": int(files_df["rows_rejected"].sum()),
        "files_unreadable": sorted(files_df.loc[files_df["problem"] != "", "source_file"].tolist()),
        "codes": {
            c: int(table["codes"].str.split(";").map(lambda xs, c=c: c in xs).sum())
            for c in SCREEN_CODES
        },
    }
    if export_case:
        core = list(table["account"].head(export_case))
        peers = neighbourhood(resolved, core, limit=0, resolved=True)
        members = sorted(set(core) | (set(peers["peer"]) - {""}))
        mapping = alias_map(keyed.aliases) if len(keyed.aliases) else {}
        rows = feed_statements(fresh, set(members), aliases=mapping, scheduler=scheduler)
        folder = out / "case-statements"
        paths = write_statements(rows, folder)
        written += paths
        summary["export_case"] = {
            "accounts": len(core),
            "neighbourhood": len(members),
            "statements": len(paths),
            "rows": int(rows["weight"].sum()) if len(rows) else 0,
        }
    write_json(summary, out / "screen.json")
    written.append(out / "screen.json")
    return ScreenResult(table, keyed, files_df, summary, written, _text=text)


class _Sync:
    """Marker: run tasks in this process."""
