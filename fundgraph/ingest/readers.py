"""Readers: bank export files to raw tables of text cells below a recognised header.

Format quirks live here and nowhere else: encodings are detected from the bytes (BOM,
strict UTF-8, GB18030, line by line for files that mix them), the delimiter and the header
row are found by matching cells against the alias table, title lines above the header are
kept for the statement's own account and holder, and a file's kind is decided by its
content (an ``.xls`` that is really HTML, a CSV renamed ``.xlsx``), not by its name.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from .vocabulary import TITLE_FIELDS, header_field

__all__ = [
    "EXPORT_SUFFIXES",
    "RawTable",
    "FileProblem",
    "find_exports",
    "read_export",
    "decode_text",
]

EXPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".tsv")
HEADER_SCAN_ROWS = 60
DELIMITERS = (",", "\t", ";", "|")
#: An xlsx whose sheets would unpack beyond this is refused (zip-bomb guard).
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_PACK_RATIO = 200


@dataclass
class RawTable:
    """Text cells below one recognised header (one statement table)."""

    source_file: str
    source_sheet: str
    encoding: str
    kind: str  # "text", "xlsx", "xls", "html"
    header: list[str]
    fields: list[str | None]
    cells: pd.DataFrame  # positional columns 0..n-1, str cells ("" when empty)
    rows: np.ndarray  # spreadsheet row number of each cells row (1-based)
    title: dict[str, str] = field(default_factory=dict)


@dataclass
class FileProblem:
    """A file or sheet that could not be read as a statement."""

    source_file: str
    source_sheet: str
    code: str  # stable code, e.g. "no_header", "unreadable", "binary"
    detail: str = ""
    fatal: bool = True  # False: a companion sheet, noted but not an error


def find_exports(paths: list[str | os.PathLike]) -> list[tuple[Path, str]]:
    """Every export file under ``paths`` (files or folders, recursively), sorted.

    Returns ``(path, display_name)`` pairs; the display name is relative to the folder given,
    with forward slashes, so outputs do not depend on where the case was stored.
    """
    found: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and _is_export_name(sub.name):
                    found.append((sub, sub.relative_to(p).as_posix()))
        elif p.is_file():
            found.append((p, p.name))
        else:
            raise FileNotFoundError(2, "no such file or folder", str(p))
    seen: dict[str, int] = {}
    out = []
    for path, name in found:
        # the same display name from two folders gets the folder index to stay unique
        if name in seen:
            seen[name] += 1
            name = f"{name}#{seen[name]}"
        else:
            seen[name] = 0
        out.append((path, name))
    return out


def _is_export_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(EXPORT_SUFFIXES) and not name.startswith(("~$", "."))


# ---------------------------------------------------------------- text decoding


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text export, detecting the encoding. Returns ``(text, encoding name)``."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_lines(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    return _decode_lines(data, None), "mixed"


def _decode_lines(data: bytes, first: str | None) -> str:
    if first:
        try:
            return data.decode(first)
        except UnicodeDecodeError:
            pass
    out = []
    for line in data.split(b"\n"):
        for enc in ("utf-8", "gb18030"):
            try:
                out.append(line.decode(enc))
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append(line.decode("gb18030", errors="replace"))
    return "\n".join(out)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
        return False  # UTF-16 without a BOM
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 20


# ---------------------------------------------------------------- header finding


def _score_header(cells: list[str]) -> tuple[int, set[str]]:
    fields = {f for f in (header_field(c) for c in cells if c) if f}
    has_amount = bool(fields & {"amount", "in_amount", "out_amount"})
    if "time" not in fields or not has_amount:
        return 0, fields
    return len(fields), fields


def _find_header(rows: list[list[str]]) -> int | None:
    best, best_score = None, 2
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score, _ = _score_header(cells)
        if score > best_score:
            best, best_score = i, score
    return best


_TITLE_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _title_info(rows: list[list[str]]) -> dict[str, str]:
    """``账号：6222…``-style facts from the lines above the header."""
    info: dict[str, str] = {}
    text = "\n".join("  ".join(c.strip() for c in r if c and c.strip()) for r in rows)
    if not text.strip():
        return info
    for fld, names in TITLE_FIELDS.items():
        for name in names:
            pat = _TITLE_RE_CACHE.get(name)
            if pat is None:
                pat = re.compile(
                    r"(?:^|[\s,;|])" + re.escape(name) + r"\s*[:：]\s*([^\s,;|:：][^,;|:：\n]*?)(?=\s{2,}|[,;|\n]|$)",
                    re.IGNORECASE,
                )
                _TITLE_RE_CACHE[name] = pat
            m = pat.search(text)
            if m and fld not in info:
                value = m.group(1).strip().strip("'\"\t")
                if value:
                    info[fld] = value
                    break
    return info


# ---------------------------------------------------------------- text files


def _split_line(line: str, delim: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delim, strict=False))
    except (StopIteration, csv.Error):
        return line.split(delim)


def _read_text(data: bytes, name: str) -> tuple[list[RawTable], list[FileProblem]]:
    if _looks_binary(data):
        return [], [FileProblem(name, "", "binary", "not a text or spreadsheet file")]
    text, encoding = decode_text(data)
    text = text.lstrip("\ufeff")
    head_lines = text.split("\n", HEADER_SCAN_ROWS + 1)[:HEADER_SCAN_ROWS]
    best = None  # (score, -line, delim)
    for delim in DELIMITERS:
        for i, line in enumerate(head_lines):
            if delim not in line:
                continue
            score, _ = _score_header(_split_line(line.rstrip("\r"), delim))
            if score > 2 and (best is None or (score, -i) > (best[0], -best[1])):
                best = (score, i, delim)
    if best is None:
        if not text.strip():
            return [], [FileProblem(name, "", "empty_file", "the file is empty")]
        return [], [FileProblem(name, "", "no_header", "no row looks like a statement header")]
    _, hidx, delim = best
    header = _split_line(head_lines[hidx].rstrip("\r"), delim)
    title = _title_info([_split_line(x.rstrip("\r"), delim) for x in head_lines[:hidx]])
    lines = text.split("\n")
    body_lines = lines[hidx + 1 :]
    if body_lines and body_lines[-1] == "":
        body_lines.pop()  # the file's final newline
    cells = _parse_body(body_lines, delim, len(header))
    rows = np.arange(hidx + 2, hidx + 2 + len(cells), dtype=np.int64)
    fields = [header_field(h) for h in header]
    table = RawTable(name, "", encoding, "text", header, fields, cells, rows, title)
    return [table], []


def _parse_body(lines: list[str], delim: str, width: int) -> pd.DataFrame:
    """One row per line (row numbers stay exact); ragged rows padded or widened."""
    if not lines:
        return pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
    body = "\n".join(x.rstrip("\r") for x in lines) + "\n"
    fast = None
    if '"' not in body:
        try:
            fast = pd.read_csv(
                io.StringIO(body),
                sep=delim,
                header=None,
                names=list(range(width)),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_NONE,
                engine="c",
            )
        except (pd.errors.ParserError, ValueError):
            fast = None
        if fast is not None and len(fast) != len(lines):
            fast = None
    if fast is not None:
        return fast.fillna("")
    parsed = [_split_line(x.rstrip("\r"), delim) if x.strip() else [] for x in lines]
    wide = max([width, *map(len, parsed)]) if parsed else width
    grid = [r + [""] * (wide - len(r)) for r in parsed]
    return pd.DataFrame(grid, columns=list(range(wide)), dtype=object)


# ---------------------------------------------------------------- spreadsheets


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, _dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, _dt.time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, _dt.timedelta):  # a time of day stored as a duration
        secs = int(v.total_seconds()) % 86400
        return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    return str(v)


def _grid_to_text(df: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in df.columns:
        s = df[col]
        if s.dtype == object and s.map(type).eq(str).all():
            out[col] = s
        else:
            out[col] = s.map(_cell_text).astype(object)
    return pd.DataFrame(out)


def _tables_from_grid(
    grid: pd.DataFrame, name: str, sheet: str, kind: str, encoding: str = ""
) -> tuple[list[RawTable], list[FileProblem]]:
    grid = grid.reset_index(drop=True)
    grid.columns = list(range(grid.shape[1]))
    head = _grid_to_text(grid.head(HEADER_SCAN_ROWS)).values.tolist()
    hidx = _find_header(head)
    if hidx is None:
        if grid.empty or not any(any(str(c).strip() for c in r) for r in head):
            return [], [FileProblem(name, sheet, "empty_sheet", "no rows", fatal=False)]
        return [], [
            FileProblem(name, sheet, "no_header", "no row looks like a statement header", fatal=False)
        ]
    header = [str(c) for c in head[hidx]]
    body = _grid_to_text(grid.iloc[hidx + 1 :])
    rows = np.arange(hidx + 2, hidx + 2 + len(body), dtype=np.int64)
    table = RawTable(
        name,
        sheet,
        encoding,
        kind,
        header,
        [header_field(h) for h in header],
        body.reset_index(drop=True),
        rows,
        _title_info(head[:hidx]),
    )
    return [table], []


def _check_zip(path: Path, name: str) -> FileProblem | None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        return FileProblem(name, "", "unreadable", f"broken xlsx (zip): {exc}")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > 256 * 1024**2 and unpacked / packed > MAX_PACK_RATIO):
        return FileProblem(
            name,
            "",
            "too_large",
            f"workbook would unpack to {unpacked // 1024**2} MiB (ratio {unpacked // packed}:1); refused",
        )
    return None


def _read_workbook(path: Path, name: str, kind: str) -> tuple[list[RawTable], list[FileProblem]]:
    if kind == "xlsx":
        problem = _check_zip(path, name)
        if problem:
            return [], [problem]
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object)
    except Exception as exc:  # calamine raises its own error types for broken files
        return [], [FileProblem(name, "", "unreadable", f"cannot open workbook: {str(exc).splitlines()[0][:200]}")]
    tables: list[RawTable] = []
    problems: list[FileProblem] = []
    for sheet, grid in sheets.items():
        t, p = _tables_from_grid(grid, name, str(sheet), kind)
        tables += t
        problems += p
    if not tables:
        problems = [
            FileProblem(name, "", "no_header", "no sheet has a statement header")
        ] + [p for p in problems if p.code not in ("no_header", "empty_sheet")]
    return tables, problems


class _TableHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _read_html(data: bytes, name: str) -> tuple[list[RawTable], list[FileProblem]]:
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    text = None
    if m:
        try:
            text = data.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            text = None
    if text is None:
        text, _ = decode_text(data)
    parser = _TableHTML()
    parser.feed(text)
    if not parser.rows:
        return [], [FileProblem(name, "", "no_header", "HTML file without a table")]
    width = max(map(len, parser.rows))
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in parser.rows], dtype=object)
    return _tables_from_grid(grid, name, "", "html", "html")


def read_export(path: str | os.PathLike, name: str | None = None) -> tuple[list[RawTable], list[FileProblem]]:
    """Read one export file into raw tables (one per statement sheet) and problems.

    Never raises for bad content: an unreadable file comes back as a :class:`FileProblem`.
    """
    path = Path(path)
    name = name or path.name
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return [], [FileProblem(name, "", "unreadable", exc.strerror or str(exc))]
    if not data.strip():
        return [], [FileProblem(name, "", "empty_file", "the file is empty")]
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(path, name, "xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, name, "xls")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")) and b"<t" in data[:65536].lower():
        return _read_html(data, name)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") and _looks_binary(data):
        return [], [FileProblem(name, "", "unreadable", "not a valid workbook")]
    return _read_text(data, name)
