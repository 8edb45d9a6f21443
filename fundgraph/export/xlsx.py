"""The case as one Excel workbook, the way an analyst works with it.

:func:`write_xlsx` writes the summary with the legal thresholds, the accounts, the
participants (with their restitution share when a plan was made), every transfer with the
``file:row`` of the statement rows behind it, the alerts, the collection structures by level,
the rejected rows, the warnings and the files read, one sheet each.

Control characters (which XML cannot hold) become U+FFFD; nothing else is altered.

Every sheet has a frozen header row and an autofilter. Amounts are numbers in a yuan
format (``[$¥-804]#,##0.00``), converted from integer cents to the double nearest to the
exact amount, so a cell shows, sums and reads back to the cent. Times are Excel dates.
Account, card and ID numbers and every other text from a bank file are written as text
cells (``write_string``): a card number never turns into ``6.22E+18`` and a memo such as
``=HYPERLINK(...)`` stays inert text, never a formula.

Excel holds at most 1,048,576 rows per sheet; a larger transfers table continues on further
sheets (``资金划转(2)`` ...) and the summary sheet says so.

The same case gives the same bytes: the workbook's creation date is fixed and every table
keeps the case folder's order.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..case import Case
from ..i18n import check_lang, t
from ..money import cents_series
from ..results import alert_texts
from ..tables import atomic_open
from ._common import (
    case_title,
    column_label,
    role_label,
    xml_safe,
    yuan_number,
    yuan_numbers,
)

__all__ = ["write_xlsx", "EXCEL_MAX_ROWS", "YUAN_FORMAT", "TIME_FORMAT", "CREATED"]

#: Rows per worksheet in Excel 2007 and later (the header row included).
EXCEL_MAX_ROWS = 1_048_576
#: Characters one cell holds.
MAX_CELL_CHARS = 32_767
#: Number format of amounts: yuan with thousands separators and two decimals.
YUAN_FORMAT = "[$¥-804]#,##0.00"
#: Number format of times.
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
#: Creation date written into the workbook's properties (fixed, so outputs are identical).
CREATED = datetime(2000, 1, 1)

_WIDTH_SAMPLE = 2000
_MAX_WIDTH = 60


@dataclass(frozen=True)
class _Col:
    """One column of a sheet: source column, kind of cell, header key."""

    name: str
    kind: str  # text, money, int, float, number, figure, datetime, bool, role
    header: str | None = None  # column whose label is the header (default: name)


# --------------------------------------------------------------------------- cells


def _text_values(s: pd.Series) -> list[str]:
    # control characters would reach readers as ``_x0001_`` escapes: shown as U+FFFD instead
    out = s.astype(object).where(s.notna(), "").map(xml_safe).tolist()
    return [v if len(v) <= MAX_CELL_CHARS else v[: MAX_CELL_CHARS - 1] + "…" for v in out]


def _cells(frame: pd.DataFrame, col: _Col, lang: str) -> list[Any]:
    """The values of one column as cell values (``None`` = empty cell)."""
    if col.name not in frame.columns:
        return [None] * len(frame)
    s = frame[col.name]
    if col.kind == "money":
        nums = yuan_numbers(pd.to_numeric(s, errors="coerce").astype("Int64"))
        return [None if np.isnan(v) else float(v) for v in nums]
    if col.kind == "int":
        v = pd.to_numeric(s, errors="coerce").astype("Int64")
        return [None if pd.isna(x) else int(x) for x in v]
    if col.kind in ("float", "number"):
        v = pd.to_numeric(s, errors="coerce").astype("float64")
        return [None if np.isnan(x) else float(x) for x in v]
    if col.kind == "figure":  # (is_money, cents or count) pairs, one kind per row
        return [None if x is None or x[1] is None else x for x in s]
    if col.kind == "datetime":
        v = pd.to_datetime(s, errors="coerce")
        return [None if pd.isna(x) else x.to_pydatetime() for x in v]
    if col.kind == "bool":
        return [bool(x) for x in s]
    if col.kind == "role":
        return [role_label(x, lang) for x in s]
    return _text_values(s)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _width(header: str, values: list[Any], kind: str) -> float:
    fixed = {"money": 16, "figure": 16, "datetime": 19, "bool": 8, "float": 12, "number": 12}
    w = _display_width(header) + 2
    if kind in fixed:
        return max(w, fixed[kind])
    sample = values[:_WIDTH_SAMPLE]
    for v in sample:
        if v is not None:
            line = max(str(v).splitlines() or [""], key=len)
            w = max(w, _display_width(line) + 2)
    return min(max(w, 8), _MAX_WIDTH)


class _Sheets:
    """A workbook being written: formats and one table-writing routine for every sheet."""

    def __init__(self, wb, lang: str) -> None:
        self.wb = wb
        self.lang = lang
        self.header = wb.add_format(
            {"bold": True, "bg_color": "#E4EBF3", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.formats = {
            "money": wb.add_format({"num_format": YUAN_FORMAT}),
            "datetime": wb.add_format({"num_format": TIME_FORMAT}),
            "float": wb.add_format({"num_format": "0.000000"}),
            "int": None,
            "number": None,
            "text": None,
            "role": None,
            "bool": None,
        }

    def table(
        self,
        name: str,
        columns: Sequence[_Col],
        frame: pd.DataFrame,
    ):
        """Write ``frame`` as one sheet ``name`` with a frozen header and an autofilter."""
        ws = self.wb.add_worksheet(name)
        heads = [column_label(c.header or c.name, self.lang) for c in columns]
        cells = [_cells(frame, c, self.lang) for c in columns]
        for j, (col, head) in enumerate(zip(columns, heads, strict=True)):
            ws.set_column(j, j, _width(head, cells[j], col.kind))
        for j, head in enumerate(heads):
            ws.write_string(0, j, head, self.header)
        writers = [self._writer(ws, c.kind) for c in columns]
        n = len(frame)
        for i in range(n):
            r = i + 1
            for j in range(len(columns)):
                v = cells[j][i]
                if v is not None and v != "":
                    writers[j](r, j, v)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, n, len(columns) - 1)
        return ws

    def _writer(self, ws, kind: str) -> Callable[[int, int, Any], Any]:
        fmt = self.formats.get(kind)
        if kind in ("money", "int", "float", "number"):
            return lambda r, c, v: ws.write_number(r, c, v, fmt)
        if kind == "figure":
            money = self.formats["money"]

            def figure(r: int, c: int, v: tuple[bool, Any]) -> Any:
                if v[0]:
                    return ws.write_number(r, c, yuan_number(v[1]), money)
                return ws.write_number(r, c, v[1])

            return figure
        if kind == "datetime":
            return lambda r, c, v: ws.write_datetime(r, c, v, fmt)
        if kind == "bool":
            return lambda r, c, v: ws.write_boolean(r, c, v)
        # text from bank files: always a string cell, never a number or a formula
        return lambda r, c, v: ws.write_string(r, c, v)


# --------------------------------------------------------------------------- tables

_ACCOUNT_COLS = [
    _Col("account", "text"),
    _Col("aliases", "text"),
    _Col("holder_name", "text"),
    _Col("holder_id", "text"),
    _Col("obtained", "bool"),
    _Col("role", "role"),
    _Col("level", "int"),
    _Col("structure", "int"),
    _Col("community", "int"),
    _Col("in_amount", "money"),
    _Col("out_amount", "money"),
    _Col("in_count", "int"),
    _Col("out_count", "int"),
    _Col("in_degree", "int"),
    _Col("out_degree", "int"),
    _Col("cash_in", "money"),
    _Col("cash_out", "money"),
    _Col("unknown_in", "money"),
    _Col("unknown_out", "money"),
    _Col("first_time", "datetime"),
    _Col("last_time", "datetime"),
    _Col("pagerank", "float"),
    _Col("betweenness", "float"),
    _Col("alert_score", "float"),
    _Col("alert_codes", "text"),
]
_PARTICIPANT_COLS = [
    _Col("account", "text"),
    _Col("holder_name", "text"),
    _Col("holder_id", "text"),
    _Col("person", "text"),
    _Col("structure", "int"),
    _Col("paid_in", "money"),
    _Col("received_back", "money"),
    _Col("net_loss", "money"),
    _Col("first_paid", "datetime"),
    _Col("last_paid", "datetime"),
    _Col("deposits", "int"),
]
_RESTITUTION_COLS = [_Col("recovered_share", "money"), _Col("restitution_ratio", "float")]
_PLAN_COLS = [
    _Col("person", "text"),
    _Col("holder_name", "text"),
    _Col("accounts", "text"),
    _Col("paid_in", "money"),
    _Col("received_back", "money"),
    _Col("net_loss", "money"),
    _Col("recovered_share", "money"),
    _Col("restitution_ratio", "float"),
]
_TRANSFER_COLS = [
    _Col("transfer_id", "int"),
    _Col("time", "datetime"),
    _Col("src", "text"),
    _Col("src_name", "text"),
    _Col("src_id", "text"),
    _Col("dst", "text"),
    _Col("dst_name", "text"),
    _Col("dst_id", "text"),
    _Col("amount", "money"),
    _Col("memo", "text"),
    _Col("channel", "text"),
    _Col("seen", "text"),
    _Col("sources", "text"),
]
_ALERT_COLS = [
    _Col("account", "text"),
    _Col("holder_name", "text"),
    _Col("score", "float"),
    _Col("codes", "text"),
    _Col("reasons", "text"),
]
_REJECT_COLS = [
    _Col("source_file", "text"),
    _Col("source_sheet", "text"),
    _Col("source_row", "int"),
    _Col("code", "text"),
    _Col("reason", "text"),
    _Col("raw", "text"),
]
_WARNING_COLS = [
    _Col("code", "text"),
    _Col("account", "text"),
    _Col("source_file", "text"),
    _Col("source_row", "int"),
    _Col("detail", "text"),
]
_FILE_COLS = [
    _Col("source_file", "text"),
    _Col("source_sheet", "text"),
    _Col("layout", "text"),
    _Col("encoding", "text"),
    _Col("rows_read", "int"),
    _Col("rows_accepted", "int"),
    _Col("rows_rejected", "int"),
]
_THRESHOLD_COLS = [
    _Col("law", "text"),
    _Col("clause", "text"),
    _Col("metric", "text"),
    _Col("value", "figure"),
    _Col("threshold", "figure"),
    _Col("met", "text"),
    _Col("note", "text"),
]
_STRUCTURE_COLS = [
    _Col("structure", "int"),
    _Col("core", "text"),
    _Col("collectors", "int"),
    _Col("transit", "text"),
    _Col("beneficiaries", "text"),
    _Col("participant_accounts", "int"),
    _Col("participant_persons", "int"),
    _Col("absorbed", "money"),
    _Col("max_level", "int"),
    _Col("depth", "int"),
]
_LEVEL_COLS = [
    _Col("structure", "int"),
    _Col("level", "int"),
    _Col("role", "role"),
    _Col("account", "text"),
    _Col("holder_name", "text"),
]

_SUMMARY_KEYS = (
    "files",
    "files_unreadable",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "transfers",
    "transfers_seen_twice",
    "accounts",
    "accounts_obtained",
    "date_from",
    "date_to",
    "warnings",
    "total_absorbed",
    "participant_persons",
    "participant_accounts",
    "direct_loss",
    "max_level",
    "structures",
    "communities",
    "recovered",
)


def _summary_label(key: str, lang: str) -> str:
    from ..i18n import catalogue

    msgs = catalogue(lang)
    return msgs.get(f"report.summary.{key}") or msgs.get(f"export.summary.{key}") or key


def _summary_rows(case: Case, lang: str, notes: list[str]) -> list[tuple[str, str, Any]]:
    """Rows of (label, kind, value) for the summary sheet."""
    rows: list[tuple[str, str, Any]] = [
        (t("export.summary.title", lang), "text", case_title(case, lang))
    ]
    s = case.summary
    for key in _SUMMARY_KEYS:
        v = getattr(s, key)
        if v is None:
            continue
        if key in ("date_from", "date_to"):
            ts = pd.to_datetime(v, errors="coerce")
            rows.append(
                (_summary_label(key, lang), "datetime", None if pd.isna(ts) else ts.to_pydatetime())
            )
        elif key in ("total_absorbed", "direct_loss", "recovered"):
            rows.append((_summary_label(key, lang), "money", v))
        else:
            rows.append((_summary_label(key, lang), "int", v))
    for note in notes:
        rows.append((note, "text", ""))
    return rows


def _thresholds_frame(case: Case, lang: str) -> pd.DataFrame:
    from ..i18n import catalogue

    msgs = catalogue(lang)
    out = []
    for th in case.summary.thresholds or ():
        out.append(
            {
                "law": th.law(lang),
                "clause": th.clause(lang),
                "metric": msgs.get(f"report.metric.{th.metric}", th.metric),
                "value": (th.money, th.value),
                "threshold": (th.money, th.threshold),
                "met": t(f"export.met.{'yes' if th.met else 'no'}", lang),
                "note": th.note(lang),
            }
        )
    cols = [c.name for c in _THRESHOLD_COLS]
    return pd.DataFrame(out, columns=cols)


def _accounts_frame(case: Case) -> pd.DataFrame:
    acc = case.accounts.copy()
    codes: dict[str, str] = {}
    if len(case.alerts):
        codes = dict(zip(case.alerts["account"], case.alerts["codes"].astype(str), strict=True))
    acc["alert_codes"] = (
        acc["account"].map(codes).fillna("") if len(acc) else pd.Series(dtype=object)
    )
    return acc


def _cents_column(s: pd.Series) -> pd.Series:
    """Money of a table read back as cents (numbers) or as yuan text, as nullable cents."""
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("Int64")
    return cents_series(s.astype(object).fillna("").astype(str))


def _restitution_frame(case: Case) -> pd.DataFrame | None:
    """The restitution plan (one row per person) with money as cents, or None."""
    plan = case.restitution
    if plan is None or "person" not in plan.columns:
        return None
    plan = plan.copy()
    for col in ("paid_in", "received_back", "net_loss", "recovered_share"):
        if col in plan.columns:
            plan[col] = _cents_column(plan[col])
    if "ratio" in plan.columns:
        plan["restitution_ratio"] = pd.to_numeric(plan["ratio"], errors="coerce")
    return plan.reset_index(drop=True)


def _participants_frame(case: Case, plan: pd.DataFrame | None) -> pd.DataFrame:
    """Participants, with the person's restitution share on the first row of each person
    (so the column adds up to the amount recovered, however many accounts a person has)."""
    part = case.participants.copy()
    if plan is None:
        return part
    share = dict(zip(plan["person"].astype(str), plan["recovered_share"], strict=True))
    ratio = dict(
        zip(
            plan["person"].astype(str),
            plan.get("restitution_ratio", pd.Series([None] * len(plan))),
            strict=True,
        )
    )
    first = ~part["person"].astype(str).duplicated() if len(part) else pd.Series(dtype=bool)
    persons = part["person"].astype(str)
    part["recovered_share"] = persons.map(share).where(first).astype("Int64")
    part["restitution_ratio"] = pd.to_numeric(persons.map(ratio).where(first), errors="coerce")
    return part


def _structure_frames(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    acc = case.accounts
    names = (
        dict(zip(acc["account"], acc["holder_name"].astype(str), strict=True)) if len(acc) else {}
    )
    levels = {}
    if len(acc):
        lv = acc[acc["level"].notna()]
        levels = dict(zip(lv["account"], lv["level"].astype(int), strict=True))
    summary: list[dict[str, Any]] = []
    members: list[tuple[Any, int | None, str, str]] = []
    role_order = {"core": 0, "collector": 1, "transit": 2, "beneficiary": 3}
    for st in case.structures:
        sid = st.id
        core = list(st.core)
        by_level = {lv: sorted(set(accs)) for lv, accs in sorted(st.collectors.items())}
        transit = list(st.transit)
        bene = list(st.beneficiaries)
        summary.append(
            {
                "structure": sid,
                "core": ";".join(core),
                "collectors": sum(len(v) for v in by_level.values()),
                "transit": ";".join(transit),
                "beneficiaries": ";".join(bene),
                "participant_accounts": st.participant_accounts,
                "participant_persons": st.participant_persons,
                "absorbed": st.absorbed,
                "max_level": st.max_level,
                "depth": st.depth,
            }
        )
        for a in core:
            members.append((sid, 0, "core", a))
        for lv, accs in by_level.items():
            members.extend((sid, lv, "collector", a) for a in accs)
        members.extend((sid, levels.get(a), "transit", a) for a in transit)
        members.extend((sid, levels.get(a), "beneficiary", a) for a in bene)
    members.sort(
        key=lambda m: (m[0], m[1] is None, m[1] if m[1] is not None else 0, role_order[m[2]], m[3])
    )
    mframe = pd.DataFrame(
        [
            {"structure": s, "level": lv, "role": r, "account": a, "holder_name": names.get(a, "")}
            for s, lv, r, a in members
        ],
        columns=[c.name for c in _LEVEL_COLS],
    )
    return pd.DataFrame(summary, columns=[c.name for c in _STRUCTURE_COLS]), mframe


def _summary_sheet(sheets: _Sheets, rows: list[tuple[str, str, Any]], lang: str) -> None:
    ws = sheets.wb.add_worksheet(t("export.sheet.summary", lang))
    heads = [t("export.summary.item", lang), t("export.summary.value", lang)]
    ws.set_column(0, 0, min(max(_display_width(r[0]) for r in rows) + 2, 70))
    ws.set_column(1, 1, 48)
    for j, h in enumerate(heads):
        ws.write_string(0, j, h, sheets.header)
    for i, (label, kind, value) in enumerate(rows, start=1):
        ws.write_string(i, 0, label)
        if value is None or value == "":
            continue
        if kind == "money":
            ws.write_number(i, 1, yuan_number(value), sheets.formats["money"])
        elif kind == "int":
            ws.write_number(i, 1, value)
        elif kind == "datetime":
            ws.write_datetime(i, 1, value, sheets.formats["datetime"])
        else:
            ws.write_string(i, 1, str(value))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), 1)


# --------------------------------------------------------------------------- workbook


def write_xlsx(
    case: Case,
    out_path: str | os.PathLike,
    *,
    lang: str = "zh",
    max_rows: int = EXCEL_MAX_ROWS,
    source: str | None = None,
) -> Path:
    """Write ``case`` as one Excel workbook (see the module docstring for its sheets).

    Parameters
    ----------
    case : Case
        An analysed case, e.g. from :func:`fundgraph.case.load_case`.
    out_path : path
        The ``.xlsx`` file to write (atomically: a reader never sees half a file).
    lang : {"zh", "en"}
        Language of sheet names, headers and labels; data is written as it is.
    max_rows : int
        Rows per sheet, the header included (Excel's limit; smaller values only for tests).
    source : str, optional
        Where the case came from, noted on the summary sheet.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> from fundgraph.case import Case
    >>> out = write_xlsx(Case(), pathlib.Path(tempfile.mkdtemp()) / "x.xlsx", lang="en")
    >>> openpyxl.load_workbook(out).sheetnames[:3]
    ['Summary', 'Legal thresholds', 'Accounts']
    """
    import xlsxwriter

    from .. import __version__

    check_lang(lang)
    if max_rows < 2:
        raise ValueError("max_rows must leave room for a header and one row")
    out = Path(out_path)
    per_sheet = max_rows - 1
    transfers = case.transfers
    parts = max(1, -(-len(transfers) // per_sheet))
    base = t("export.sheet.transfers", lang)
    transfer_sheets = (
        [base]
        if parts == 1
        else [t("export.sheet.part", lang, name=base, part=k + 1) for k in range(parts)]
    )
    notes = []
    if parts > 1:
        notes.append(
            t(
                "export.summary.transfers_split",
                lang,
                parts=parts,
                sheets="、".join(transfer_sheets) if lang == "zh" else ", ".join(transfer_sheets),
            )
        )
    if source:
        notes.append(t("export.summary.source", lang, folder=source, version=__version__))

    with atomic_open(out, "wb") as fh:
        wb = xlsxwriter.Workbook(
            fh,
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": True,
            },
        )
        wb.set_properties(
            {
                "title": case_title(case, lang),
                "created": CREATED,
                "comments": f"fundgraph {__version__}",
            }
        )
        sheets = _Sheets(wb, lang)
        _summary_sheet(sheets, _summary_rows(case, lang, notes), lang)
        sheets.table(
            t("export.sheet.thresholds", lang), _THRESHOLD_COLS, _thresholds_frame(case, lang)
        )
        sheets.table(t("export.sheet.accounts", lang), _ACCOUNT_COLS, _accounts_frame(case))
        plan = _restitution_frame(case)
        sheets.table(
            t("export.sheet.participants", lang),
            _PARTICIPANT_COLS + (_RESTITUTION_COLS if plan is not None else []),
            _participants_frame(case, plan),
        )
        if plan is not None:
            sheets.table(t("export.sheet.restitution", lang), _PLAN_COLS, plan)
        for k, name in enumerate(transfer_sheets):
            chunk = transfers.iloc[k * per_sheet : (k + 1) * per_sheet]
            sheets.table(name, _TRANSFER_COLS, chunk)
        sheets.table(t("export.sheet.alerts", lang), _ALERT_COLS, alert_texts(case.alerts, lang))
        st_summary, st_members = _structure_frames(case)
        sheets.table(t("export.sheet.structures", lang), _STRUCTURE_COLS, st_summary)
        sheets.table(t("export.sheet.structure_levels", lang), _LEVEL_COLS, st_members)
        sheets.table(t("export.sheet.rejects", lang), _REJECT_COLS, case.rejects)
        sheets.table(t("export.sheet.warnings", lang), _WARNING_COLS, case.warnings)
        sheets.table(t("export.sheet.files", lang), _FILE_COLS, case.files)
        wb.close()
    return out
