"""Ingest: bank exports in, one canonical transactions table out, nothing lost.

>>> from fundgraph.ingest import read_exports          # doctest: +SKIP
>>> ing = read_exports(["statements/"])                 # doctest: +SKIP
>>> ing.check_conservation()                            # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from .. import schema as S
from ..errors import FundgraphError
from ..i18n import t, t_or
from ..money import yuan
from ..tables import conform
from .balance import balance_breaks
from .dedupe import (
    alias_conflicts,
    alias_map,
    build_transfers,
    find_duplicate_rows,
    resolve_aliases,
)
from .layouts import Layout, LayoutSet, load_layouts
from .normalise import FileInfo, normalise_table, normalise_table_info, parse_cents, parse_times
from .readers import FileProblem, RawTable, find_exports, read_export
from .vocabulary import CARD_HINTS, column_role, header_key

__all__ = [
    "Ingested",
    "read_exports",
    "read_export",
    "find_exports",
    "normalise_table",
    "build_transfers",
    "balance_breaks",
    "alias_map",
    "parse_cents",
    "parse_times",
    "RawTable",
    "FileProblem",
    "FileInfo",
    "normalise_table_info",
    "Layout",
    "LayoutSet",
    "load_layouts",
]


@dataclass
class Ingested:
    """What the readers made of a set of exports (the result of :func:`read_exports`).

    Attributes
    ----------
    transactions : DataFrame
        Accepted statement rows (:data:`fundgraph.schema.TRANSACTIONS`), aliases resolved,
        amounts in cents, sorted by file, sheet and row.
    rejects : DataFrame
        One row per rejected row, or per file that could not be read at all (empty
        ``source_row``), with its ``code`` and ``reason`` (:data:`fundgraph.schema.REJECTS`).
    files : DataFrame
        One row per file (sheet) read: layout, encoding, rows read / accepted / rejected
        and how the own account, direction and date order were found
        (:data:`fundgraph.schema.FILES`).
    warnings : DataFrame
        Data-quality warnings: balance breaks, skipped sheets, alias conflicts
        (:data:`fundgraph.schema.WARNINGS`).
    aliases : dict of str to str
        Alias (another card or account number of the same account) to canonical account.
    rows_read, rows_accepted, rows_rejected : int
        The per-file counts of ``files`` summed.

    See Also
    --------
    read_exports : makes it.
    build_transfers : the next stage, from ``transactions``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> _ = Path(tmp.name, "col.csv").write_text(
    ...     "交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要\\n"
    ...     "6222000000000100,2022-03-01 10:00:00,50000.00,进,6222000000000001,张三,投资款\\n"
    ...     "6222000000000100,2022-03-02 11:00:00,30000.00,进,6222000000000002,李四,投资款\\n"
    ...     "6222000000000100,2022-03-05 09:30:00,1500.00,出,6222000000000001,张三,利息\\n"
    ...     "合计,,81500.00,,,,\\n", encoding="utf-8")
    >>> ing = read_exports([tmp.name], lang="en")
    >>> ing.rows_read, ing.rows_accepted, ing.rows_rejected
    (4, 3, 1)
    >>> ing.files[["source_file", "rows_read", "account_source", "direction_rule"]].values.tolist()
    [['col.csv', 4, 'column', 'flag']]
    >>> len(ing.transactions), ing.rejects["code"].tolist(), len(ing.warnings), ing.aliases
    (3, ['totals_line'], 0, {})
    >>> tmp.cleanup()
    """

    transactions: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame
    warnings: pd.DataFrame
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        """Non-empty rows below a header, in every file (``files.rows_read`` summed)."""
        return int(self.files["rows_read"].sum())

    @property
    def rows_accepted(self) -> int:
        """Rows accepted as transactions (``files.rows_accepted`` summed)."""
        return int(self.files["rows_accepted"].sum())

    @property
    def rows_rejected(self) -> int:
        """Rows rejected with a code (``files.rows_rejected`` summed)."""
        return int(self.files["rows_rejected"].sum())

    def check_conservation(self) -> None:
        """Raise if any file's rows do not add up (read = accepted + rejected).

        Checks every row of ``files``, then the whole: ``transactions`` holds exactly
        the rows accepted and ``rejects`` exactly the rows rejected (files that could not
        be read at all are rejects without a row and count in neither).
        :func:`read_exports` runs this check before it returns.

        Returns
        -------
        None

        Raises
        ------
        FundgraphError
            Naming the first file whose counts do not add up, or saying that the totals
            across files do not.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> tmp = tempfile.TemporaryDirectory()
        >>> _ = Path(tmp.name, "col.csv").write_text(
        ...     "交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要\\n"
        ...     "6222000000000100,2022-03-01 10:00:00,50000.00,进,6222000000000001,张三,投资款\\n"
        ...     "6222000000000100,2022-03-02 11:00:00,30000.00,进,6222000000000002,李四,投资款\\n"
        ...     "6222000000000100,2022-03-05 09:30:00,1500.00,出,6222000000000001,张三,利息\\n"
        ...     "合计,,81500.00,,,,\\n", encoding="utf-8")
        >>> ing = read_exports([tmp.name], lang="en")
        >>> ing.check_conservation()  # 4 rows read = 3 accepted + 1 rejected
        >>> ing.files.loc[0, "rows_rejected"] = 0
        >>> ing.check_conservation()
        Traceback (most recent call last):
        fundgraph.errors.FundgraphError: col.csv: rows read 4 != accepted 3 + rejected 0
        >>> tmp.cleanup()
        """
        f = self.files
        bad = f[f["rows_read"] != f["rows_accepted"] + f["rows_rejected"]]
        if len(bad):
            r = bad.iloc[0]
            raise FundgraphError(
                f"{r['source_file']}: rows read {r['rows_read']} != accepted {r['rows_accepted']}"
                f" + rejected {r['rows_rejected']}"
            )
        row_rejects = int(self.rejects["source_row"].notna().sum())
        if len(self.transactions) != self.rows_accepted or row_rejects != self.rows_rejected:
            raise FundgraphError("row accounting does not add up across files")


def _shape_key(tb: RawTable) -> tuple:
    """What the normaliser reads off a header: the fields and roles of its columns, which id
    columns name a card, the names of the columns kept as they are, which cells are blank.
    Tables alike in all of these are normalised as one whatever their header words."""
    width = tb.cells.shape[1]
    header = list(tb.header) + [""] * max(0, width - len(tb.header))
    fields = (list(tb.fields) + [None] * max(0, width - len(tb.fields)))[:width]
    return (
        tb.kind,
        width,
        tuple(fields),
        tuple(column_role(h) if h else None for h in header[:width]),
        tuple(any(w in h.lower() for w in CARD_HINTS) for h in header[:width]),
        tuple(h.strip() if f is None else "" for h, f in zip(header[:width], fields, strict=True)),
        tuple(bool(header_key(h)) for h in header[:width]),
    )


def _merge_by_layout(
    tables: list[RawTable], layouts: LayoutSet | None = None
) -> list[tuple[RawTable, Layout | None]]:
    """Tables with the same header become one, so the vectorised normaliser runs once per
    layout instead of once per statement (its fixed cost dominates small statements).
    Without user layouts, tables whose headers differ only in their words (the same fields
    and roles) are joined too, each row keeping its own header for the checks that read it.

    Returns each table with the user layout that matched it (None for none)."""
    groups: dict[tuple, dict[tuple, list[RawTable]]] = {}
    matched: dict[tuple, Layout | None] = {}
    for tb in tables:
        key = (tuple(tb.header), tuple(tb.fields), tb.cells.shape[1])
        if layouts:
            outer = ("exact", key)
            matched.setdefault(outer, layouts.match(tb))
        else:
            outer = _shape_key(tb)
        groups.setdefault(outer, {}).setdefault(key, []).append(tb)
    merged = []
    for outer, subgroups in groups.items():
        lay = matched.get(outer)
        group = [tb for sub in subgroups.values() for tb in sub]
        if len(group) == 1:
            merged.append((group[0], lay))
            continue
        sizes = [len(tb.cells) for tb in group]

        def spread(values: list[str], sizes: list[int] = sizes) -> np.ndarray:
            return np.repeat(np.array(values, dtype=object), sizes)

        keys = sorted({k for tb in group for k in tb.title})
        headers = [list(sub[0].header) for sub in subgroups.values()]
        which = np.repeat(
            np.arange(len(subgroups), dtype=np.int64),
            [sum(len(tb.cells) for tb in sub) for sub in subgroups.values()],
        )
        merged.append(
            (
                RawTable(
                    spread([tb.source_file for tb in group]),
                    spread([tb.source_sheet for tb in group]),
                    group[0].encoding,
                    group[0].kind,
                    group[0].header,
                    group[0].fields,
                    pd.concat([tb.cells for tb in group], ignore_index=True),
                    np.concatenate([tb.rows for tb in group]),
                    {k: spread([tb.title.get(k, "") for tb in group]) for k in keys},
                    *_concat_row_codes(group),
                    headers=headers if len(headers) > 1 else None,
                    header_of_row=which if len(headers) > 1 else None,
                ),
                lay,
            )
        )
    return merged


def _concat_row_codes(group: list[RawTable]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The reader's per-row reject codes and cells of merged tables ("" where none)."""
    if all(tb.row_code is None for tb in group):
        return None, None
    codes, values = [], []
    for tb in group:
        n = len(tb.cells)
        codes.append(tb.row_code if tb.row_code is not None else np.full(n, "", dtype=object))
        values.append(tb.row_value if tb.row_value is not None else np.full(n, "", dtype=object))
    return np.concatenate(codes), np.concatenate(values)


def _read_chunk(items: list[tuple[str, str]], layouts: LayoutSet | None = None) -> dict:
    """Read and normalise a list of files (one worker's share)."""
    tables: list[RawTable] = []
    problems: list[FileProblem] = []
    for path, name in items:
        t_, p_ = read_export(path, name, layouts)
        tables += t_
        problems += p_
    accepted, rejected, pairs = [], [], []
    infos: dict[tuple[str, str], FileInfo] = {}
    for tb, lay in _merge_by_layout(tables, layouts):
        acc, rej, al, info = normalise_table_info(tb, lay)
        accepted.append(acc)
        rejected.append(rej)
        pairs.append(al)
        infos.update(info)
    acc = pd.concat(accepted, ignore_index=True) if accepted else None
    rej = pd.concat(rejected, ignore_index=True) if rejected else None
    files = []
    file_warn: list[dict] = []
    n_acc = acc.groupby(["source_file", "source_sheet"]).size() if acc is not None else {}
    n_rej = rej.groupby(["source_file", "source_sheet"]).size() if rej is not None else {}
    layout_names: dict[tuple[str, str], list[str]] = {}
    for tb in tables:
        layout_names.setdefault((tb.source_file, tb.source_sheet), []).append(_layout(tb, layouts))
    for tb in tables:
        key = (tb.source_file, tb.source_sheet)
        if key not in layout_names:
            continue  # a file holding several statement tables is one row of files.csv
        a, r = int(n_acc.get(key, 0)), int(n_rej.get(key, 0))
        fi = infos.get(key, FileInfo())
        files.append(
            {
                "source_file": tb.source_file,
                "source_sheet": tb.source_sheet,
                "layout": " + ".join(dict.fromkeys(layout_names.pop(key))),
                "encoding": tb.encoding,
                "rows_read": a + r,
                "rows_accepted": a,
                "rows_rejected": r,
                "account_source": fi.account_source,
                "direction_rule": fi.direction_rule,
                "date_order": fi.date_order,
                "status_values": ";".join(f"{k}:{v}" for k, v in fi.statuses.items()),
                "currencies": ";".join(f"{k or '-'}:{v}" for k, v in fi.currencies.items()),
            }
        )
        for wcode, detail, row in fi.warnings:
            file_warn.append(
                {
                    "code": wcode,
                    "account": "",
                    "source_file": tb.source_file,
                    "source_row": row if row is not None else pd.NA,
                    "detail": f"{tb.source_sheet}: {detail}" if tb.source_sheet else detail,
                }
            )
    return {
        "accepted": acc,
        "rejected": rej,
        "pairs": pairs,
        "files": files,
        "problems": problems,
        "warnings": file_warn,
        "names": [n for _, n in items],
    }


#: About the most bytes of exports one worker reads and normalises at once. A chunk's
#: raw and normalised cells are held together (some 2.5 KB a row at peak), so larger chunks
#: than this made a worker's memory, not the rows, what limited a run of millions of rows.
CHUNK_BYTES = 32 * 1024**2


def _chunks(items: list[tuple[str, str]], parts: int) -> list[list[tuple[str, str]]]:
    """Split files into ``parts`` lists of about equal bytes, keeping their order inside."""
    sizes = [os.path.getsize(p) for p, _ in items]
    total = sum(sizes) or 1
    out: list[list[tuple[str, str]]] = [[] for _ in range(parts)]
    acc = 0
    for item, size in zip(items, sizes, strict=True):
        out[min(parts - 1, int(acc * parts / total))].append(item)
        acc += size
    return [c for c in out if c]


#: The largest amount accepted on one row (cents): ¥1,000,000,000,000.00 (1万亿元), far
#: above any real transfer. With it, and the total check, every sum of the case fits int64.
MAX_AMOUNT_CENTS = 10**14
#: The largest total of all accepted amounts (cents) the analysis computes exactly in int64,
#: with room for sums of sums (an account's in plus out).
MAX_TOTAL_CENTS = 2**61


def _check_total(amounts: np.ndarray) -> None:
    """Raise when the accepted amounts together exceed :data:`MAX_TOTAL_CENTS`."""
    if not len(amounts) or len(amounts) * int(amounts.max()) <= MAX_TOTAL_CENTS:
        return
    total = sum(int(v) for v in amounts)  # exact, in Python integers
    if total > MAX_TOTAL_CENTS:
        raise FundgraphError(
            f"the accepted amounts sum to {yuan(total)} yuan, beyond the {yuan(MAX_TOTAL_CENTS)} "
            "yuan the figures are computed to exactly; check the statements' amount columns"
        )


def _reject_rows(
    rej: pd.DataFrame, files_df: pd.DataFrame, d: pd.DataFrame, code: str, value
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Accepted rows ``d`` moved to the rejects with ``code``; per-file counts updated."""
    rows = pd.DataFrame(
        {
            "source_file": d["source_file"].to_numpy(),
            "source_sheet": d["source_sheet"].to_numpy(),
            "source_row": d["source_row"].to_numpy(),
            "code": code,
            "value": value,
            "raw": (
                d["account"]
                + " | "
                + d["time"].astype(str)
                + " | "
                + d["direction"]
                + " | "
                + d["amount"].astype(str)
                + " | "
                + d["reference"]
            ).to_numpy(),
        }
    )
    rej = pd.concat([rej, rows], ignore_index=True)
    counts = d.groupby(["source_file", "source_sheet"]).size()
    for (f, sh), k in counts.items():
        m = (files_df["source_file"] == f) & (files_df["source_sheet"] == sh)
        files_df.loc[m, "rows_accepted"] -= int(k)
        files_df.loc[m, "rows_rejected"] += int(k)
    return rej, files_df


def _layout(tb: RawTable, layouts: LayoutSet | None = None) -> str:
    got = sorted({f for f in tb.fields if f})
    matched = layouts.match(tb) if layouts else None
    name = f"{matched.name} " if matched is not None else ""
    return f"{name}{tb.kind}: " + ",".join(got)


def _problem_text(p: FileProblem, lang: str) -> str:
    # the catalogue's text in the run's language where it has one for the code
    return t_or(f"reject.{p.code}", lang, p.detail, value=p.detail)


def read_exports(
    paths: Iterable[str | os.PathLike],
    *,
    lang: str = "en",
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    layouts: LayoutSet | Iterable[str | os.PathLike] | None = None,
) -> Ingested:
    """Read every export under ``paths`` (files or folders, recursively).

    Parameters
    ----------
    paths : iterable of path
        Files or folders.
    lang : {"zh", "en"}
        Language of the ``reason`` texts in the rejects table.
    workers : int, optional
        Processes reading files in parallel (default: one per core when there are many files).
    progress : callable, optional
        Called as ``progress(done, total, file_name)`` after each file.
    layouts : LayoutSet or paths of layout files, optional
        User layouts (TOML, see :mod:`fundgraph.ingest.layouts`) for matching files.

    Returns
    -------
    Ingested
        Accepted transactions (aliases resolved), rejects with reasons, per-file counts, and
        data-quality warnings (balance breaks, skipped sheets). Its row counts add up
        (:meth:`Ingested.check_conservation` has passed).

    Raises
    ------
    FileNotFoundError
        A path that does not exist.
    InputError
        A layout file that cannot be read, naming the file and key.
    FundgraphError
        When the accepted amounts together exceed what the figures are computed to exactly
        (:data:`MAX_TOTAL_CENTS`).

    See Also
    --------
    inspect_exports : how each file would be read, without reading it into a case.
    build_transfers : the next stage: one row per distinct transfer.
    fundgraph.pipeline.build_case : every stage of ``fundgraph analyze``.

    Examples
    --------
    A statement with a totals line, which is rejected with its reason:

    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> _ = Path(tmp.name, "col.csv").write_text(
    ...     "交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要\\n"
    ...     "6222000000000100,2022-03-01 10:00:00,50000.00,进,6222000000000001,张三,投资款\\n"
    ...     "6222000000000100,2022-03-02 11:00:00,30000.00,进,6222000000000002,李四,投资款\\n"
    ...     "6222000000000100,2022-03-05 09:30:00,1500.00,出,6222000000000001,张三,利息\\n"
    ...     "合计,,81500.00,,,,\\n", encoding="utf-8")
    >>> ing = read_exports([tmp.name], lang="en")
    >>> ing.rows_read, ing.rows_accepted, ing.rows_rejected
    (4, 3, 1)
    >>> ing.transactions[["source_row", "direction", "counterparty", "amount"]].values.tolist()
    [[2, 'in', '6222000000000001', 5000000],
     [3, 'in', '6222000000000002', 3000000],
     [4, 'out', '6222000000000001', 150000]]
    >>> ing.rejects[["source_file", "source_row", "code"]].values.tolist()
    [['col.csv', 5, 'totals_line']]
    >>> tmp.cleanup()
    """
    if layouts is not None and not isinstance(layouts, LayoutSet):
        layouts = load_layouts(list(layouts))
    skipped: list[FileProblem] = []
    items = [(str(p), n) for p, n in find_exports(list(paths), skipped)]
    total_bytes = sum(os.path.getsize(p) for p, _ in items)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(items) > 3 and total_bytes > 8 * 1024**2 else 1
    # several chunks per worker keep progress moving and balance uneven files; no chunk
    # much above CHUNK_BYTES, so a worker holds a bounded share of the rows at any size
    parts = max(1, min(len(items), workers * 4)) if workers > 1 else max(1, min(len(items), 8))
    parts = max(parts, min(len(items), -(-total_bytes // CHUNK_BYTES)))
    chunks = _chunks(items, parts) if items else []
    results = []
    done = 0
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(partial(_read_chunk, layouts=layouts), chunks):
                results.append(res)
                done += len(res["names"])
                if progress:
                    progress(done, len(items), res["names"][-1])
    else:
        for chunk in chunks:
            results.append(_read_chunk(chunk, layouts))
            done += len(chunk)
            if progress:
                progress(done, len(items), chunk[-1][1])

    accepted, rejected, pairs, files, warn = [], [], [], [], []
    # entries the folder walk did not read (case folders, pipes, devices) are listed too
    results.append(
        {
            "accepted": None,
            "rejected": None,
            "pairs": [],
            "files": [],
            "warnings": [],
            "problems": skipped,
        }
    )
    for res in results:
        if res["accepted"] is not None:
            accepted.append(res["accepted"])
        if res["rejected"] is not None:
            rejected.append(res["rejected"])
        pairs += res["pairs"]
        files += res["files"]
        warn += res["warnings"]
        problems = res["problems"]
        for p in problems:
            if p.fatal:
                rejected.append(
                    pd.DataFrame(
                        {
                            "source_file": [p.source_file],
                            "source_sheet": [p.source_sheet],
                            "source_row": pd.array([pd.NA], dtype="Int64"),
                            "code": [p.code],
                            "value": [p.detail],
                            "raw": [p.detail],
                        }
                    )
                )
                files.append(
                    {
                        "source_file": p.source_file,
                        "source_sheet": p.source_sheet,
                        "layout": f"unreadable: {p.code}",
                        "encoding": "",
                        "rows_read": 0,
                        "rows_accepted": 0,
                        "rows_rejected": 0,
                    }
                )
            else:
                warn.append(
                    {
                        "code": f"sheet_{p.code}",
                        "account": "",
                        "source_file": p.source_file,
                        "source_row": pd.NA,
                        "detail": f"{p.source_sheet}: {_problem_text(p, lang)}",
                    }
                )

    tx = pd.concat(accepted, ignore_index=True) if accepted else pd.DataFrame()
    tx = conform(tx, {**S.TRANSACTIONS, "day_only": "bool", "bad_balance": "bool"}, extra=False)
    rej = (
        pd.concat([r for r in rejected if len(r)], ignore_index=True)
        if any(len(r) for r in rejected)
        else pd.DataFrame(columns=["source_file", "source_sheet", "source_row", "code", "raw"])
    )
    files_df = conform(pd.DataFrame(files), S.FILES, extra=False)
    files_df = files_df.sort_values(["source_file", "source_sheet"], kind="stable").reset_index(
        drop=True
    )

    mapping = alias_map(pd.concat(pairs, ignore_index=True) if pairs else None)
    conflicts = alias_conflicts(tx, mapping)
    tx = resolve_aliases(tx, mapping)

    # amounts beyond any real transfer (a misread cell, a hostile file): rejected, so that
    # no total of the case can overflow
    big = np.flatnonzero(tx["amount"].to_numpy(dtype=np.int64) > MAX_AMOUNT_CENTS)
    if len(big):
        d = tx.iloc[big]
        rej, files_df = _reject_rows(
            rej, files_df, d, "amount_too_large", [yuan(int(v)) for v in d["amount"]]
        )
        tx = tx.drop(index=tx.index[big]).reset_index(drop=True)
    _check_total(tx["amount"].to_numpy(dtype=np.int64))

    # the same row twice in one statement: keep the first, reject the others
    dup = find_duplicate_rows(tx)
    if len(dup):
        d = tx.iloc[dup]
        rej, files_df = _reject_rows(rej, files_df, d, "duplicate_row", "")
        tx = tx.drop(index=tx.index[dup]).reset_index(drop=True)

    rej = rej.copy()
    if "value" not in rej:
        rej["value"] = ""
    rej["value"] = rej["value"].fillna("").astype(str)
    rej["reason"] = [
        t(f"reject.{c}", lang, value=v) for c, v in zip(rej["code"], rej["value"], strict=True)
    ]
    rej = conform(rej, S.REJECTS, extra=False)
    rej = rej.sort_values(
        ["source_file", "source_sheet", "source_row"], kind="stable", na_position="first"
    )
    rej = rej.reset_index(drop=True)

    warnings = balance_breaks(tx, lang=lang)
    bad_bal = tx[tx["bad_balance"]]
    extra_warn = [pd.DataFrame(warn)] if warn else []
    if len(conflicts):
        extra_warn.append(conflicts)
    if len(bad_bal):
        extra_warn.append(
            pd.DataFrame(
                {
                    "code": "bad_balance",
                    "account": bad_bal["account"].to_numpy(),
                    "source_file": bad_bal["source_file"].to_numpy(),
                    "source_row": bad_bal["source_row"].to_numpy(),
                    "detail": t("warning.bad_balance", lang),
                }
            )
        )
    if extra_warn:
        warnings = pd.concat([warnings, *extra_warn], ignore_index=True)
    warnings = conform(warnings, S.WARNINGS, extra=False)
    tx = tx.sort_values(["source_file", "source_sheet", "source_row"], kind="stable").reset_index(
        drop=True
    )
    ing = Ingested(tx, rej, files_df, warnings, mapping)
    ing.check_conservation()
    return ing


def inspect_exports(
    paths: Iterable[str | os.PathLike],
    *,
    layouts: LayoutSet | Iterable[str | os.PathLike] | None = None,
    rows: int = 5,
    lang: str = "en",
) -> list[dict]:
    """How each file (sheet) under ``paths`` is read, without analysing anything.

    What ``fundgraph inspect`` shows: each file is read and normalised on its own (no
    de-duplication across files, no alias resolution), so a new bank's layout can be
    checked before a case is analysed.

    Parameters
    ----------
    paths : iterable of path
        Files or folders (searched recursively, as :func:`read_exports` does).
    layouts : LayoutSet or paths of layout files, optional
        User layouts (TOML, see :mod:`fundgraph.ingest.layouts`) for matching files.
    rows : int
        Accepted rows shown per file or sheet in ``first_rows``.
    lang : {"zh", "en"}
        Not used: the result holds codes and the readers' own texts, whatever ``lang``.

    Returns
    -------
    list of dict
        One dict per file or sheet: ``file``, ``sheet``, ``kind``, ``encoding``,
        ``layout`` (the user layout that matched, or ``built-in``), ``columns`` (header cell →
        field, None where unmapped), ``unmapped``, ``title`` (title-line values),
        ``account_source``, ``direction_rule``, ``date_order``, ``statuses`` (value → count),
        ``currencies`` (currency → count), ``warnings``, ``rows_read``/``rows_accepted``/
        ``rows_rejected``, ``rejects`` (code → count), ``first_rows`` (the first accepted rows
        as read: row, account, time, direction, amount in cents, currency, counterparty, kind,
        name) and ``problem`` (""). A file that cannot be read at all (or a sheet skipped)
        gives a dict of ``file``, ``sheet``, ``problem`` (``code: detail``) and ``fatal``.

    Raises
    ------
    FileNotFoundError
        A path that does not exist.
    InputError
        A layout file that cannot be read, naming the file and key.

    See Also
    --------
    read_exports : reads the same files into one table.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> _ = Path(tmp.name, "col.csv").write_text(
    ...     "交易卡号,交易时间,交易金额,收付标志,对手账号,对手户名,摘要\\n"
    ...     "6222000000000100,2022-03-01 10:00:00,50000.00,进,6222000000000001,张三,投资款\\n"
    ...     "6222000000000100,2022-03-05 09:30:00,1500.00,出,6222000000000001,张三,利息\\n"
    ...     "合计,,51500.00,,,,\\n", encoding="utf-8")
    >>> [info] = inspect_exports([tmp.name], rows=1)
    >>> info["file"], info["layout"], info["direction_rule"], info["rejects"]
    ('col.csv', 'built-in', 'flag', {'totals_line': 1})
    >>> info["columns"][:4]
    [('交易卡号', 'account'), ('交易时间', 'time'), ('交易金额', 'amount'), ('收付标志', 'direction')]
    >>> info["first_rows"]
    [{'row': 2, 'account': '6222000000000100', 'time': '2022-03-01 10:00:00',
      'direction': 'in', 'amount': 5000000, 'currency': '',
      'counterparty': '6222000000000001', 'kind': 'account', 'name': '张三'}]
    >>> tmp.cleanup()
    """
    if layouts is not None and not isinstance(layouts, LayoutSet):
        layouts = load_layouts(list(layouts))
    out: list[dict] = []
    for path, name in find_exports(list(paths)):
        tables, problems = read_export(path, name, layouts)
        for p in problems:
            out.append(
                {
                    "file": name,
                    "sheet": p.source_sheet,
                    "problem": f"{p.code}: {p.detail}",
                    "fatal": p.fatal,
                }
            )
        for tb in tables:
            lay = layouts.match(tb) if layouts else None
            acc, rej, _, info = normalise_table_info(tb, lay)
            fi = info.get((tb.source_file, tb.source_sheet), FileInfo())
            first = acc.head(rows)
            out.append(
                {
                    "file": name,
                    "sheet": tb.source_sheet,
                    "kind": tb.kind,
                    "encoding": tb.encoding,
                    "layout": lay.name if lay is not None else "built-in",
                    "columns": [(h, f) for h, f in zip(tb.header, tb.fields, strict=False)],
                    "unmapped": [
                        h for h, f in zip(tb.header, tb.fields, strict=False) if not f and h
                    ],
                    "title": {k: v for k, v in tb.title.items() if isinstance(v, str)},
                    "account_source": fi.account_source,
                    "direction_rule": fi.direction_rule,
                    "date_order": fi.date_order,
                    "statuses": dict(fi.statuses),
                    "currencies": dict(fi.currencies),
                    "warnings": [f"{c}: {d}" for c, d, _ in fi.warnings],
                    "rows_read": len(acc) + len(rej),
                    "rows_accepted": len(acc),
                    "rows_rejected": len(rej),
                    "rejects": {
                        str(k): int(v) for k, v in rej["code"].value_counts().sort_index().items()
                    },
                    "first_rows": [
                        {
                            "row": int(r.source_row),
                            "account": r.account,
                            "time": str(r.time),
                            "direction": r.direction,
                            "amount": int(r.amount),
                            "currency": r.currency,
                            "counterparty": r.counterparty,
                            "kind": r.counterparty_kind,
                            "name": r.counterparty_name,
                        }
                        for r in first.itertuples()
                    ],
                    "problem": "",
                }
            )
    return out


__all__ += ["inspect_exports"]
