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

import pandas as pd

from .. import schema as S
from ..errors import FundgraphError
from ..i18n import t
from ..tables import conform, empty_frame
from .balance import balance_breaks
from .dedupe import alias_map, build_transfers, find_duplicate_rows, resolve_aliases
from .normalise import normalise_table, parse_cents, parse_times
from .readers import FileProblem, RawTable, find_exports, read_export

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
]


@dataclass
class Ingested:
    """What the readers made of a set of exports."""

    transactions: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame
    warnings: pd.DataFrame
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return int(self.files["rows_read"].sum())

    @property
    def rows_accepted(self) -> int:
        return int(self.files["rows_accepted"].sum())

    @property
    def rows_rejected(self) -> int:
        return int(self.files["rows_rejected"].sum())

    def check_conservation(self) -> None:
        """Raise if any file's rows do not add up (read = accepted + rejected)."""
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


def _read_one(item: tuple[str, str]) -> tuple[str, list[tuple[RawTable, tuple]], list[FileProblem]]:
    path, name = item
    tables, problems = read_export(path, name)
    return name, [(tb, normalise_table(tb)) for tb in tables], problems


def _layout(tb: RawTable) -> str:
    got = sorted({f for f in tb.fields if f})
    return f"{tb.kind}: " + ",".join(got)


def read_exports(
    paths: Iterable[str | os.PathLike],
    *,
    lang: str = "en",
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
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

    Returns
    -------
    Ingested
        Accepted transactions (aliases resolved), rejects with reasons, per-file counts, and
        data-quality warnings (balance breaks, skipped sheets).
    """
    items = [(str(p), n) for p, n in find_exports(list(paths))]
    total_bytes = sum(os.path.getsize(p) for p, _ in items)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(items) > 3 and total_bytes > 8 * 1024**2 else 1
    results = []
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, res in enumerate(pool.map(_read_one, items, chunksize=1)):
                results.append(res)
                if progress:
                    progress(i + 1, len(items), res[0])
    else:
        for i, item in enumerate(items):
            results.append(_read_one(item))
            if progress:
                progress(i + 1, len(items), item[1])

    accepted, rejected, pairs, files, warn = [], [], [], [], []
    for name, tables, problems in results:
        for tb, (acc, rej, al) in tables:
            accepted.append(acc)
            rejected.append(rej)
            pairs.append(al)
            files.append(
                {
                    "source_file": name,
                    "source_sheet": tb.source_sheet,
                    "layout": _layout(tb),
                    "encoding": tb.encoding,
                    "rows_read": len(acc) + len(rej),
                    "rows_accepted": len(acc),
                    "rows_rejected": len(rej),
                }
            )
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
                        "detail": f"{p.source_sheet}: {p.detail}",
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

    mapping = alias_map(pd.concat(pairs, ignore_index=True) if pairs else None)
    tx = resolve_aliases(tx, mapping)

    # the same row twice in one statement: keep the first, reject the others
    dup = find_duplicate_rows(tx)
    if len(dup):
        d = tx.iloc[dup]
        rej = pd.concat(
            [
                rej,
                pd.DataFrame(
                    {
                        "source_file": d["source_file"].to_numpy(),
                        "source_sheet": d["source_sheet"].to_numpy(),
                        "source_row": d["source_row"].to_numpy(),
                        "code": "duplicate_row",
                        "raw": (d["account"] + " | " + d["time"].astype(str) + " | "
                                + d["direction"] + " | " + d["amount"].astype(str) + " | "
                                + d["reference"]).to_numpy(),
                    }
                ),
            ],
            ignore_index=True,
        )
        counts = d.groupby(["source_file", "source_sheet"]).size()
        for (f, sh), k in counts.items():
            m = (files_df["source_file"] == f) & (files_df["source_sheet"] == sh)
            files_df.loc[m, "rows_accepted"] -= int(k)
            files_df.loc[m, "rows_rejected"] += int(k)
        tx = tx.drop(index=tx.index[dup]).reset_index(drop=True)

    rej = rej.copy()
    if "value" not in rej:
        rej["value"] = ""
    rej["value"] = rej["value"].fillna("").astype(str)
    rej["reason"] = [
        t(f"reject.{c}", lang, value=v) for c, v in zip(rej["code"], rej["value"], strict=True)
    ]
    rej = conform(rej, S.REJECTS, extra=False)
    rej = rej.sort_values(["source_file", "source_sheet", "source_row"], kind="stable", na_position="first")
    rej = rej.reset_index(drop=True)

    warnings = balance_breaks(tx)
    bad_bal = tx[tx["bad_balance"]]
    extra_warn = [pd.DataFrame(warn)] if warn else []
    if len(bad_bal):
        extra_warn.append(
            pd.DataFrame(
                {
                    "code": "bad_balance",
                    "account": bad_bal["account"].to_numpy(),
                    "source_file": bad_bal["source_file"].to_numpy(),
                    "source_row": bad_bal["source_row"].to_numpy(),
                    "detail": "balance cell is not an amount",
                }
            )
        )
    if extra_warn:
        warnings = pd.concat([warnings, *extra_warn], ignore_index=True)
    warnings = conform(warnings, S.WARNINGS, extra=False)
    tx = tx.sort_values(["source_file", "source_sheet", "source_row"], kind="stable").reset_index(drop=True)
    ing = Ingested(tx, rej, files_df, warnings, mapping)
    ing.check_conservation()
    return ing


def empty_ingested() -> Ingested:
    return Ingested(
        empty_frame(S.TRANSACTIONS), empty_frame(S.REJECTS), empty_frame(S.FILES), empty_frame(S.WARNINGS)
    )

