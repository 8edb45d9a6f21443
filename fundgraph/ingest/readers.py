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
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .vocabulary import TITLE_FIELDS, header_field, header_key

if TYPE_CHECKING:
    from .layouts import LayoutSet

__all__ = [
    "EXPORT_SUFFIXES",
    "RawTable",
    "FileProblem",
    "find_exports",
    "display_name",
    "max_file_bytes",
    "read_export",
    "decode_text",
]

EXPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".tsv")
HEADER_SCAN_ROWS = 60
DELIMITERS = (",", "\t", ";", "|")
#: An xlsx whose sheets would unpack beyond this is refused (zip-bomb guard).
MAX_UNPACKED_BYTES = 4 * 1024**3
MAX_PACK_RATIO = 100
#: A header with more cells than this is refused: real statements have a few dozen
#: columns, and every column costs work per row.
MAX_COLUMNS = 1024


@dataclass
class RawTable:
    """Text cells below one recognised header (one statement table)."""

    # one name, or one per cells row once tables of one layout are read together
    source_file: Any
    source_sheet: Any
    encoding: str
    kind: str  # "text", "xlsx", "xls", "html"
    header: list[str]
    fields: list[str | None]
    cells: pd.DataFrame  # positional columns 0..n-1, str cells ("" when empty)
    rows: np.ndarray  # spreadsheet row number of each cells row (1-based)
    title: dict[str, Any] = field(default_factory=dict)
    #: per cells row, a reject code found while reading ("" for none), and the cell it names
    row_code: np.ndarray | None = None
    row_value: np.ndarray | None = None
    #: tables of several headers read as one (same fields and roles, header words spelt
    #: differently): each row's own header, as an index into ``headers``
    headers: list[list[str]] | None = None
    header_of_row: np.ndarray | None = None


#: Fields holding account, card or ID numbers: never numbers to compute with.
ID_FIELDS = ("account", "counterparty", "holder_id", "counterparty_id")
#: A spreadsheet keeps 15 significant digits of a number; a longer id stored as a number
#: has lost its last digits in the file (6222020200001234567 comes back as ...4944).
ID_DIGITS_KEPT = 15


@dataclass
class FileProblem:
    """A file or sheet that could not be read as a statement."""

    source_file: str
    source_sheet: str
    code: str  # stable code, e.g. "no_header", "unreadable", "binary"
    detail: str = ""
    fatal: bool = True  # False: a companion sheet, noted but not an error


def find_exports(
    paths: list[str | os.PathLike], problems: list[FileProblem] | None = None
) -> list[tuple[Path, str]]:
    """Every export file under ``paths`` (files or folders, recursively), sorted.

    Returns ``(path, display_name)`` pairs; the display name is relative to the folder given,
    with forward slashes, so outputs do not depend on where the case was stored. A name
    that is not valid UTF-8 (GBK bytes left by unzipping a Chinese-Windows archive) is
    shown decoded as GB18030 while the path keeps the bytes, so the file still opens.

    Entries that are not read are said so in ``problems`` (when a list is given): a folder
    holding ``case.json`` (a case folder written by fundgraph, not statements), and names
    ending like an export that are not regular files (named pipes, devices, sockets,
    dangling symbolic links) — opening those could block or read a device.
    """
    problems = [] if problems is None else problems
    found: list[tuple[Path, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            here: list[tuple[Path, str]] = []
            for top, dirs, files in os.walk(p):
                dirs.sort()
                rel = Path(top).relative_to(p)
                if "case.json" in files:
                    dirs[:] = []
                    shown = display_name(rel.as_posix() + "/" if rel.parts else p.name + "/")
                    problems.append(FileProblem(shown, "", "case_folder", "holds case.json"))
                    continue
                for fname in sorted(files):
                    if not _is_export_name(fname):
                        continue
                    sub = Path(top) / fname
                    shown = display_name((rel / fname).as_posix())
                    kind = _not_regular(sub)
                    if kind:
                        problems.append(FileProblem(shown, "", "not_a_file", kind))
                    else:
                        here.append((sub, shown))
            found += sorted(here, key=lambda x: x[0].parts)
        elif p.is_file():
            found.append((p, display_name(p.name)))
        elif p.exists() or p.is_symlink():
            problems.append(
                FileProblem(display_name(p.name), "", "not_a_file", _not_regular(p) or "not a file")
            )
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


def display_name(name: str) -> str:
    """A file name as text: undecodable bytes (kept by the OS as surrogates) are read as
    GB18030, the encoding Chinese Windows writes into zip archives, else replaced.

    >>> display_name("statement.csv")
    'statement.csv'
    >>> display_name(os.fsdecode("流水".encode("gbk") + b".csv"))
    '流水.csv'
    """
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    if "/" in name:  # folders may differ: one unzipped from a GBK archive, one typed in UTF-8
        return "/".join(display_name(part) for part in name.split("/"))
    raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")


def _not_regular(path: Path) -> str | None:
    """What a name that is not a regular file is (None for a regular file or a folder)."""
    import stat

    try:
        st = path.stat()
    except FileNotFoundError:
        return "dangling symbolic link" if path.is_symlink() else "vanished"
    except OSError as exc:
        return f"cannot stat: {exc.strerror or exc}"
    mode = st.st_mode
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device file"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "not a regular file"


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
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if not _gb_looks_utf8(data, text):
            return text, "utf-8"
        return data.decode("gb18030"), "gb18030"
    # GB18030 decodes UTF-8 bytes without an error (as the wrong characters), so a file that
    # mixes the two is recognised by lines that are valid UTF-8 with Chinese in them
    if not _has_utf8_lines(data):
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    return _decode_lines(data, None), "mixed"


_TWO_BYTE_SCRIPTS = re.compile("[\u0370-\u07ff]")
_WIDE = re.compile("[\u0800-\uffff]")
_CJK = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def _gb_looks_utf8(data: bytes, text: str) -> bool:
    """A short GBK text can be valid UTF-8 by chance (``转转`` in GBK is ``תת`` in UTF-8):
    when the UTF-8 reading holds only two-byte letters of other scripts (Greek to Arabic),
    no character of three bytes, and the GB18030 reading is Chinese, it is GBK."""
    if text.isascii() or _WIDE.search(text):
        return False
    odd = len(_TWO_BYTE_SCRIPTS.findall(text))
    if not odd:
        return False
    try:
        gb = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return len(_CJK.findall(gb)) >= odd


def _has_utf8_lines(data: bytes, sample: int = 4000) -> bool:
    """Whether some line (of the first ones and of an even sample of the rest) is UTF-8
    holding at least two non-ASCII characters, in a file that is not UTF-8 as a whole."""
    lines = data.split(b"\n")
    step = max(1, len(lines) // sample)
    for line in (*lines[: sample // 2], *lines[::step]):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(text.encode("utf-8")) - len(text) >= 2 and not _gb_looks_utf8(line, text):
            return True
    return False


def _decode_lines(data: bytes, first: str | None) -> str:
    if first:
        try:
            return data.decode(first)
        except UnicodeDecodeError:
            pass
    out = []
    for line in data.split(b"\n"):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _gb_looks_utf8(line, text):
            out.append(text)
            continue
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
    # decided by proportion: one NUL (a damaged byte) in a text statement is not a binary file
    nul = sample.count(0)
    if nul > len(sample) // 100:
        return True
    control = nul + sum(sample.count(b) for b in (*range(1, 9), *range(14, 32)))
    return control > len(sample) // 20


# ---------------------------------------------------------------- header finding

#: Header aliases and by-position columns of the user layouts for the file being read.
_USER: dict[str, Any] = {"aliases": {}, "columns": (), "labels": ()}


def _field(cell: str) -> str | None:
    aliases = _USER["aliases"]
    if aliases:
        f = aliases.get(header_key(cell))
        if f:
            return f
    return header_field(cell)


def _score_header(cells: list[str]) -> tuple[int, set[str]]:
    fields = {f for f in (_field(c) for c in cells if c) if f}
    if "counterparty_info" in fields:
        fields.add("counterparty")
    has_amount = bool(fields & {"amount", "in_amount", "out_amount"})
    if "time" not in fields or not has_amount:
        return 0, fields
    return len(fields), fields


def _missing_columns(rows: list[list[str]]) -> str | None:
    """``no_time_column`` or ``no_amount_column`` when a row names several statement fields
    but lacks that one (a header the file has, but that cannot be used), else None."""
    for cells in rows[:HEADER_SCAN_ROWS]:
        score, fields = _score_header(cells)
        if score == 0 and len(fields) >= 3:
            return "no_time_column" if "time" not in fields else "no_amount_column"
    return None


def _find_header(rows: list[list[str]]) -> int | None:
    best, best_score = None, 2
    for i, cells in enumerate(rows[:HEADER_SCAN_ROWS]):
        score, _ = _score_header(cells)
        if score > best_score:
            best, best_score = i, score
    return best


_TITLE_RE_CACHE: dict[str, re.Pattern[str]] = {}
# a value ends at two spaces, a delimiter, the end of the line, or where the next
# "label：" starts after a single space ("户名：张三 账号：6222…")
_TITLE_VALUE = (
    r"\s*[:：]\s*([^\s,;|:：][^,;|:：\n]*?)(?=\s*$|\s*\n|\s{2,}|\s*[,;|]|\s+[^\s:：]+\s*[:：])"
)
_LABEL_WS = re.compile(r"[\s\u3000\u00a0]+")


def _label_key(cell: str) -> str:
    """A cell as a title label: full-width folded, every space removed (``账　　号：`` is
    ``账号``), one trailing colon dropped, lower case."""
    s = unicodedata.normalize("NFKC", cell)
    s = _LABEL_WS.sub("", s).rstrip(":：").lower()
    return s


_TITLE_LABELS: dict[str, str] = {
    _label_key(name): fld for fld, names in TITLE_FIELDS.items() for name in names
}


def _title_value(fld: str, value: str) -> str:
    value = value.strip().strip("'\"\t`[]【】").strip() if fld != "nickname" else value.strip()
    if fld == "account":
        value = re.sub(r"[\s-]", "", value)  # "6222 0202 …" as printed on a card
    return value


def _title_info(rows: list[list[str]]) -> dict[str, str]:
    """``账号：6222…``-style facts from the lines above the header (or below the table).

    Labels may be spaced (``账　　号：``, any spacing, ideographic spaces included) and
    may stand in their own cell with the value in the next cell, with or without a colon.
    """
    info: dict[str, str] = {}
    labels = _TITLE_LABELS
    extra = tuple(_USER["labels"])
    if extra:
        labels = {**{_label_key(x): "account" for x in extra}, **labels}
    # label and value in two neighbouring cells
    for r in rows:
        cells = [c.strip() if isinstance(c, str) else "" for c in r]
        for j, c in enumerate(cells):
            if not c or len(c) > 24:
                continue
            fld = labels.get(_label_key(c))
            if fld is None or fld in info:
                continue
            nxt = next((x for x in cells[j + 1 :] if x), "")
            if nxt and _label_key(nxt) not in labels:
                value = _title_value(fld, nxt)
                if value:
                    info[fld] = value
    text = "\n".join("  ".join(c.strip() for c in r if c and c.strip()) for r in rows)
    if not text.strip():
        return info
    text = unicodedata.normalize("NFKC", text)
    fields = dict(TITLE_FIELDS)
    if extra:
        fields["account"] = extra + tuple(TITLE_FIELDS["account"])
    for fld, names in fields.items():
        if fld in info:
            continue
        for name in names:
            pat = _TITLE_RE_CACHE.get(name)
            if pat is None:
                label = r"[ \t]*".join(re.escape(ch) for ch in unicodedata.normalize("NFKC", name))
                pat = re.compile(
                    r"(?:^|(?<=[\s,;|\"]))" + label + _TITLE_VALUE, re.IGNORECASE | re.MULTILINE
                )
                _TITLE_RE_CACHE[name] = pat
            m = pat.search(text)
            if m:
                value = _title_value(fld, m.group(1))
                if value:
                    info[fld] = value
                    break
    return info


# ---------------------------------------------------------------- text files


#: Stands in for a carriage return inside a cell while the csv module splits a line (it
#: would take the CR for the end of the record and give up on the quotes).
_CR = "\ue000"


def _split_line(line: str, delim: str) -> list[str]:
    """Cells of one line, quotes respected; a bare CR inside the line is cell text."""
    if "\r" in line:
        return [c.replace(_CR, "\r") for c in _split_line(line.replace("\r", _CR), delim)]
    try:
        return next(csv.reader([line], delimiter=delim, strict=False))
    except (StopIteration, csv.Error):
        return line.split(delim)


def _line_ends(text: str) -> str:
    """Text with ``\n`` line ends. CRLF becomes LF; a file whose lines end in a bare CR
    (Excel for Mac "CSV (Macintosh)") is recognised by CRs outnumbering LFs, otherwise a
    bare CR is text inside a cell (a memo typed with a line break) and kept."""
    text = text.replace("\r\n", "\n")
    if "\r" in text and text.count("\r") > text.count("\n"):
        text = text.replace("\r", "\n")
    return text


def _read_text(data: bytes, name: str) -> tuple[list[RawTable], list[FileProblem]]:
    if _looks_binary(data):
        return [], [FileProblem(name, "", "binary", "not a text or spreadsheet file")]
    text, encoding = decode_text(data)
    text = _line_ends(text.lstrip("\ufeff"))
    if "\x00" in text:
        # a stray NUL (a damaged export) becomes a visible replacement character: the cell
        # holding it is rejected with its text instead of being read differently
        text = text.replace("\x00", "\ufffd")
    head_lines = text.split("\n", HEADER_SCAN_ROWS + 1)[:HEADER_SCAN_ROWS]
    best = None  # (score, line, delim)
    for delim in DELIMITERS:
        for i, line in enumerate(head_lines):
            if delim not in line:
                continue
            score, _ = _score_header(_head_cells(line, delim))
            if score > 2 and (best is None or (score, -i) > (best[0], -best[1])):
                best = (score, i, delim)
    if best is None and _USER["columns"] and text.strip():
        return _read_by_position(text, name, encoding, list(_USER["columns"]))
    if best is None:
        if not text.strip():
            return [], [FileProblem(name, "", "empty_file", "the file is empty")]
        for delim in DELIMITERS:
            missing = _missing_columns([_head_cells(x, delim) for x in head_lines])
            if missing:
                return [], [FileProblem(name, "", missing, "the header lacks a required column")]
        return [], [FileProblem(name, "", "no_header", "no row looks like a statement header")]
    _, hidx, delim = best
    if head_lines[hidx].count(delim) >= MAX_COLUMNS:
        header = _split_line(head_lines[hidx].rstrip("\r"), delim)
        if len(header) > MAX_COLUMNS:
            detail = f"{len(header):,} columns, at most {MAX_COLUMNS:,} are read"
            return [], [FileProblem(name, "", "too_many_columns", detail)]
    header = _split_line(head_lines[hidx].rstrip("\r"), delim)
    title = _title_info([_head_cells(x, delim) for x in head_lines[:hidx]])
    lines = text.split("\n")
    body_lines = lines[hidx + 1 :]
    if body_lines and body_lines[-1] == "":
        body_lines.pop()  # the file's final newline
    try:
        cells = _parse_body(body_lines, delim, len(header))
    except _TooWide as exc:
        line = hidx + 2 + exc.record
        detail = f"line {line} has {exc.width:,} cells, at most {MAX_COLUMNS:,} are read"
        return [], [FileProblem(name, "", "too_many_columns", detail)]
    # one spreadsheet row per record: a quoted cell holding line breaks stays one row
    rows = np.arange(hidx + 2, hidx + 2 + len(cells), dtype=np.int64)
    fields = [_field(h) for h in header]
    table = RawTable(name, "", encoding, "text", header, fields, cells, rows, title)
    return _split_at_headers(table), []


def _head_cells(line: str, delim: str) -> list[str]:
    """Cells of a line scanned for the header, at most :data:`MAX_COLUMNS` + 1 of them:
    a line of a million cells costs no more than a real header."""
    line = line.rstrip("\r")
    if line.count(delim) > MAX_COLUMNS:
        line = delim.join(line.split(delim, MAX_COLUMNS + 1)[: MAX_COLUMNS + 1])
    return _split_line(line, delim)


class _TooWide(Exception):
    """A body record with more than :data:`MAX_COLUMNS` cells."""

    def __init__(self, record: int, width: int) -> None:
        super().__init__(record, width)
        self.record, self.width = record, width


def _split_at_headers(table: RawTable) -> list[RawTable]:
    """One table per header: a header row inside the body that does not match the current
    header name for name (two statements concatenated, the second with its columns in
    another order) starts a new table read with its own layout. A row that matches name
    for name is a repeated page header and stays, for the normaliser to reject.

    Only rows whose time cell does not start with a digit can be headers, so a long
    statement costs one vectorised test, not a header match per row.
    """
    cells = table.cells
    tcols = [i for i, f in enumerate(table.fields) if f == "time" and i < cells.shape[1]]
    if cells.empty or not tcols:
        return [table]
    import pyarrow as pa
    import pyarrow.compute as pc

    times = cells[cells.columns[tcols[0]]].to_numpy(dtype=object)
    col = pa.array(times, type=pa.large_string())
    digit = pc.match_substring_regex(col, r"^\s*[0-9]").to_numpy(zero_copy_only=False)
    cand = np.flatnonzero(~digit)
    if len(cand):
        # a header row holds a header word where the time column is (blank rows, totals
        # lines and memo spill-overs do not)
        words = {v for v in set(times[cand]) if v.strip() and header_field(v)}
        cand = cand[np.fromiter((times[i] in words for i in cand), dtype=bool, count=len(cand))]
    if not len(cand):
        return [table]
    out: list[RawTable] = []
    current = [header_key(h) for h in table.header]
    start = 0
    header, fields = table.header, table.fields
    values = cells.iloc[cand].to_numpy(dtype=object)
    for k, i in enumerate(cand):
        row = [str(v) for v in values[k]]
        while row and not row[-1].strip():
            row.pop()
        if len(row) > MAX_COLUMNS:
            continue
        score, _ = _score_header(row)
        if score <= 2:
            continue
        keys = [header_key(h) for h in row]
        width = max(len(keys), len(current))
        if keys + [""] * (width - len(keys)) == current + [""] * (width - len(current)):
            continue  # a repeated page header
        out.append(_slice_table(table, start, i, header, fields))
        header, fields, current = row, [header_field(h) for h in row], keys
        start = i + 1
    if not out:
        return [table]
    out.append(_slice_table(table, start, len(cells), header, fields))
    return [tb for tb in out if len(tb.cells) or tb is out[0]]


def _slice_table(
    table: RawTable, a: int, b: int, header: list[str], fields: list[str | None]
) -> RawTable:
    cells = table.cells.iloc[a:b].reset_index(drop=True)
    width = len(header)
    extra = [c for c in cells.columns[width:] if (cells[c] == "").all()]
    cells = cells.drop(columns=extra)
    for c in range(cells.shape[1], width):
        cells[c] = ""
    cells.columns = list(range(cells.shape[1]))
    return RawTable(
        table.source_file,
        table.source_sheet,
        table.encoding,
        table.kind,
        list(header),
        list(fields),
        cells,
        table.rows[a:b],
        table.title,
        None if table.row_code is None else table.row_code[a:b],
        None if table.row_value is None else table.row_value[a:b],
    )


def _read_by_position(
    text: str, name: str, encoding: str, columns: list[str]
) -> tuple[list[RawTable], list[FileProblem]]:
    """A file without a header row, read with the columns a user layout gives by position."""
    lines = text.split("\n")
    delim = max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines[:HEADER_SCAN_ROWS]))
    if lines and lines[-1] == "":
        lines.pop()
    cells = _parse_body(lines, delim, len(columns))
    rows = np.arange(1, 1 + len(cells), dtype=np.int64)
    fields = [c or None for c in columns] + [None] * max(0, cells.shape[1] - len(columns))
    header = [c or f"column{i + 1}" for i, c in enumerate(columns)] + [
        f"column{i + 1}" for i in range(len(columns), cells.shape[1])
    ]
    return [RawTable(name, "", encoding, "text", header, fields, cells, rows, {})], []


#: A quoted cell may run over at most this many lines (a memo typed with line breaks).
MAX_QUOTED_LINES = 50


def _split_record(rec: str, delim: str, width: int) -> list[str]:
    """Cells of one record. A stray ``"`` (an odd number of quotes) may not eat the cells
    after it: of the quote-aware and the plain split, the one closer to ``width`` wins."""
    cells = _split_line(rec, delim)
    if rec.count('"') % 2:
        plain = [c.strip('"') if c.startswith('"') else c for c in rec.split(delim)]
        if abs(len(plain) - width) < abs(len(cells) - width):
            return plain
    return cells


def _count_each(lines: list[str], sub: str) -> np.ndarray:
    """How often ``sub`` occurs in each line (one vectorised call, no regular expression)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.count_substring(pa.array(lines, type=pa.large_string()), sub).to_numpy(
        zero_copy_only=False
    )


def _records(lines: list[str], delim: str, width: int) -> tuple[list[str], set[int]]:
    """Group lines into records: a line with an odd number of quotes opens a quoted cell that
    closes on the next such line, unless that would swallow whole rows (a stray quote).

    Returns the records and the positions of records with a stray quote (parsed alone)."""
    odd = np.flatnonzero(_count_each(lines, '"') % 2 == 1)
    if not len(odd):
        return lines, set()
    records: list[str] = []
    stray: set[int] = set()
    pos = 0
    k = 0
    while k < len(odd):
        i = int(odd[k])
        records.extend(lines[pos:i])
        merged = None
        if k + 1 < len(odd):
            j = int(odd[k + 1])
            # a line in between that holds a whole row's delimiters is a row, not memo text
            if j - i <= MAX_QUOTED_LINES and all(
                lines[m].count(delim) + 1 < width for m in range(i + 1, j)
            ):
                text = "\n".join(lines[i : j + 1])
                try:
                    got = next(csv.reader([text.replace("\r", _CR)], delimiter=delim, strict=True))
                except (StopIteration, csv.Error):
                    got = None
                if got is not None and len(got) <= width + 1:
                    merged = text
        if merged is not None:
            records.append(merged)
            pos = int(odd[k + 1]) + 1
            k += 2
        else:
            stray.add(len(records))
            records.append(lines[i])
            pos = i + 1
            k += 1
    records.extend(lines[pos:])
    return records, stray


def _read_c(text: str, delim: str, wide: int, quoting: int) -> pd.DataFrame | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                # bytes: the C parser reads them directly (a text buffer is re-encoded in chunks)
                io.BytesIO(text.encode("utf-8", errors="surrogatepass")),
                encoding="utf-8",
                encoding_errors="replace",
                sep=delim,
                header=None,
                names=list(range(wide)),
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quoting=quoting,
                lineterminator="\n",  # a bare CR is cell text (see _line_ends)
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return None


def _parse_body(lines: list[str], delim: str, width: int) -> pd.DataFrame:
    """One row per record, in order, blank lines included, so row numbers stay exact.

    A record is one line, or several when a quoted cell holds line breaks. Rows longer than
    the header (trailing delimiters, an unquoted delimiter in a memo) are widened, never
    shifted; columns past the header that are empty throughout are dropped.
    """
    if not lines:
        return pd.DataFrame({i: pd.Series(dtype=object) for i in range(width)})
    body = "\n".join(lines) + "\n"
    if '"' not in body:
        records, stray, quoting = lines, set(), csv.QUOTE_NONE
    else:
        records, stray = _records(lines, delim, width)
        quoting = csv.QUOTE_MINIMAL
        if stray:
            body = "\n".join("" if i in stray else r for i, r in enumerate(records)) + "\n"
        elif len(records) != len(lines):
            body = "\n".join(records) + "\n"
    wide = width
    cells = _read_c(body, delim, wide, quoting)
    if cells is None:
        # rows longer than the header: widen to the longest (an upper bound when quoted)
        counts = _count_each(lines, delim)
        wide = max(width, int(counts.max()) + 1)
        if wide > MAX_COLUMNS:
            for i in np.flatnonzero(counts >= MAX_COLUMNS):
                got = len(_split_line(lines[int(i)], delim))
                if got > MAX_COLUMNS:
                    raise _TooWide(int(i), got)
            wide = max(width, MAX_COLUMNS)
        cells = _read_c(body, delim, wide, quoting)
    if cells is None or len(cells) != len(records):
        cells = None  # the fast parser disagreed on the records: split each one alone
    if cells is None or stray:
        parsed = {
            i: _split_record(records[i], delim, width) if records[i].strip() else []
            for i in (range(len(records)) if cells is None else sorted(stray))
        }
        wide = max([wide, *map(len, parsed.values())])
        if cells is None:
            grid = [parsed[i] + [""] * (wide - len(parsed[i])) for i in range(len(records))]
            cells = pd.DataFrame(grid, columns=list(range(wide)), dtype=object)
        else:
            cells = cells.astype(object)
            for c in range(cells.shape[1], wide):
                cells[c] = ""
            for i, got in parsed.items():
                cells.iloc[i] = got + [""] * (wide - len(got))
    cells = cells.fillna("")
    extra = [c for c in cells.columns[width:] if (cells[c] == "").all()]
    return cells.drop(columns=extra).reset_index(drop=True)


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
        # an amount computed in the workbook (1234.5600000000001) reads as written
        return repr(round(v, 9))
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, _dt.datetime):
        # a date cell comes back as midnight: written as a date, so that a time-of-day
        # column next to it can be added
        if v.hour == v.minute == v.second == 0:
            return v.strftime("%Y-%m-%d")
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, _dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, _dt.time):
        return v.strftime("%H:%M:%S")
    if isinstance(v, _dt.timedelta):  # a time of day stored as a duration
        secs = int(v.total_seconds()) % 86400
        return f"{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"
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
    if grid.shape[1] > MAX_COLUMNS:
        # a sheet is as wide as its widest row: empty columns past the bound are dropped,
        # a sheet with cells there is refused (each column costs work per row)
        far = grid.iloc[:, MAX_COLUMNS:]
        filled = (far.notna() & (far.astype(str) != "")).to_numpy()
        if filled.any():
            row, col = (int(v[0]) for v in np.nonzero(filled))
            detail = f"{sheet or 'sheet'}: row {row + 1} has a cell in column {MAX_COLUMNS + col + 1:,}, at most {MAX_COLUMNS:,} are read"
            return [], [FileProblem(name, sheet, "too_many_columns", detail)]
        grid = grid.iloc[:, :MAX_COLUMNS]
    head = _grid_to_text(grid.head(HEADER_SCAN_ROWS)).values.tolist()
    hidx = _find_header(head)
    if hidx is None:
        if grid.empty or not any(any(str(c).strip() for c in r) for r in head):
            return [], [FileProblem(name, sheet, "empty_sheet", "no rows", fatal=False)]
        missing = _missing_columns(head)
        if missing:
            return [], [
                FileProblem(name, sheet, missing, "the header lacks a required column", fatal=False)
            ]
        return [], [
            FileProblem(
                name, sheet, "no_header", "no row looks like a statement header", fatal=False
            )
        ]
    header = [str(c) for c in head[hidx]]
    while len(header) > 1 and not header[-1].strip():
        header.pop()
    raw_body = grid.iloc[hidx + 1 :]
    body = _grid_to_text(raw_body)
    # columns past the header that are empty throughout (a sheet padded to its widest row)
    extra = [c for c in body.columns[len(header) :] if (body[c] == "").all()]
    if extra:
        body = body.drop(columns=extra)
    rows = np.arange(hidx + 2, hidx + 2 + len(body), dtype=np.int64)
    table = RawTable(
        name,
        sheet,
        encoding,
        kind,
        header,
        [_field(h) for h in header],
        body.reset_index(drop=True),
        rows,
        _title_info(head[:hidx]),
    )
    tables = _split_at_headers(table)
    for tb in tables:
        # numbers in the id columns: a card number stored as a number lost its last digits
        cols = [c for c, f in enumerate(tb.fields) if f in ID_FIELDS and c < raw_body.shape[1]]
        if not cols:
            continue
        pos = tb.rows - (hidx + 2)
        lossy = _lossy_numbers(raw_body.iloc[pos, cols])
        if lossy is not None:
            hit = lossy.to_numpy()
            bad = hit.any(axis=1)
            if bad.any():
                first = hit.argmax(axis=1)
                texts = tb.cells.to_numpy(dtype=object)
                tb.row_code = np.where(bad, "id_digits_lost", "").astype(object)
                tb.row_value = np.array(
                    [
                        f"{tb.header[cols[k]]} {texts[i, cols[k]]}" if b else ""
                        for i, (b, k) in enumerate(zip(bad, first, strict=True))
                    ],
                    dtype=object,
                )
    return tables, []


def _lossy_numbers(grid: pd.DataFrame) -> pd.DataFrame | None:
    """Cells stored as numbers with more than :data:`ID_DIGITS_KEPT` significant digits
    (True), one column per column of ``grid`` (all False where none); None when there are
    none at all."""
    out = {}
    for i in range(grid.shape[1]):
        s = grid.iloc[:, i]
        out[i] = np.zeros(len(s), dtype=bool)
        if s.dtype != object:
            num = pd.to_numeric(s, errors="coerce") if s.dtype.kind in "iuf" else None
        elif pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            continue
        else:
            kind = s.map(type)
            isnum = kind.eq(int) | kind.eq(float)
            if not isnum.any():
                continue
            num = pd.to_numeric(s.where(isnum), errors="coerce")
        if num is None:
            continue
        out[i] = (num.abs() >= 10**ID_DIGITS_KEPT).to_numpy(dtype=bool)
    if not any(v.any() for v in out.values()):
        return None
    return pd.DataFrame(out)


def _check_zip(path: Path, name: str) -> FileProblem | None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        return FileProblem(name, "", "unreadable", f"broken xlsx (zip): {exc}")
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    # one member packed far tighter than any real sheet is a bomb even when the others pad it
    bomb = any(
        i.file_size > 64 * 1024**2 and i.file_size > MAX_PACK_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if unpacked > MAX_UNPACKED_BYTES or bomb:
        return FileProblem(
            name,
            "",
            "too_large",
            f"workbook would unpack to {unpacked // 1024**2} MiB (ratio {unpacked // packed}:1)",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    rows, cols, cells = _sheet_extent(zf, info)
                    # a dense sheet that big is real data: only a sparse rectangle is refused
                    if rows * cols > max(MAX_SHEET_CELLS, 4 * cells):
                        sheet = info.filename.rsplit("/", 1)[-1]
                        return FileProblem(
                            name,
                            "",
                            "too_large",
                            f"{sheet} spans {rows:,} rows x {cols:,} columns ({rows * cols:,} cells, "
                            f"at most {MAX_SHEET_CELLS:,} are read)",
                        )
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        return FileProblem(name, "", "unreadable", f"broken xlsx (zip): {exc}")
    return None


#: A sheet whose cells would span more than this is refused before it is read: the
#: workbook reader allocates the whole rectangle, and one cell at XFD1048576 would ask for
#: hundreds of GiB and end the process.
MAX_SHEET_CELLS = 50_000_000

_DIMENSION_RE = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?\""
)
_ROW_RE = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"([0-9]{1,9})\"")
# cells in columns past Z (two or three letters), and cells of column A-Z below row 99999:
# the only refs that can make the rectangle large, and rare in a real statement
_WIDE_RE = re.compile(rb"\sr=\"([A-Z]{2,3})([0-9]{1,9})\"")
_DEEP_RE = re.compile(rb"\sr=\"[A-Z]([0-9]{6,9})\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, int]:
    """The largest (rows, columns) a sheet declares or places a cell at, and about how many
    cells it holds, read from its XML in bounded chunks without building the sheet."""
    rows, cols, cells = 1, 1, 0
    tail = b""
    first = True
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            text = tail + chunk
            cells += chunk.count(b"<c ") + chunk.count(b":c ")
            if first:
                m = _DIMENSION_RE.search(text[:65536])
                if m:
                    col_end = m.group(3) or m.group(1)
                    row_end = m.group(4) or m.group(2)
                    rows = max(rows, int(row_end))
                    cols = max(cols, _column_number(col_end))
                first = False
            found = _ROW_RE.findall(text)
            if found:
                rows = max(rows, max(map(int, found)))
            for col, row in _WIDE_RE.findall(text):
                cols = max(cols, _column_number(col))
                rows = max(rows, int(row))
            deep = _DEEP_RE.findall(text)
            if deep:
                rows = max(rows, max(map(int, deep)))
                cols = max(cols, 26)
            if cols < 26 and b' r="' in text:
                cols = 26  # single-letter columns: at most Z
            tail = text[-64:]
    return rows, cols, cells


def _read_workbook(path: Path, name: str, kind: str) -> tuple[list[RawTable], list[FileProblem]]:
    if kind == "xlsx":
        problem = _check_zip(path, name)
        if problem:
            return [], [problem]
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, engine="calamine", dtype=object)
    except Exception as exc:  # calamine raises its own error types for broken files
        return [], [
            FileProblem(
                name, "", "unreadable", f"cannot open workbook: {str(exc).splitlines()[0][:200]}"
            )
        ]
    tables: list[RawTable] = []
    problems: list[FileProblem] = []
    for sheet, grid in sheets.items():
        t, p = _tables_from_grid(grid, name, str(sheet), kind)
        tables += t
        problems += p
    if not tables:
        codes = [p.code for p in problems]
        code = next((c for c in ("no_time_column", "no_amount_column") if c in codes), "no_header")
        problems = [FileProblem(name, "", code, "no sheet has a usable statement header")]
    return tables, problems


class _TableHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    # HTML tables (<tr>/<td>) and Excel 2003 XML (<Row>/<Cell>), both saved as ".xls"
    _ROW = ("tr", "row")
    _CELL = ("td", "th", "cell")

    def handle_starttag(self, tag, attrs):
        if tag in self._ROW:
            self._row = []
        elif tag in self._CELL and self._row is not None:
            index = dict(attrs).get("ss:index")
            if index and index.isdigit():
                # a sparse Excel 2003 XML row names the column of the cell after a gap
                self._row.extend([""] * max(0, int(index) - 1 - len(self._row)))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in self._CELL and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag in self._ROW and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _read_html(data: bytes, name: str) -> tuple[list[RawTable], list[FileProblem]]:
    m = re.search(rb"(?:charset|encoding)=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    text = None
    if m:
        charset = m.group(1).decode("ascii").lower()
        if charset in ("gb2312", "gbk", "cp936", "x-gbk"):
            charset = "gb18030"  # pages labelled GB2312 routinely hold GBK characters
        try:
            text = data.decode(charset, errors="replace")
        except LookupError:
            text = None
    if text is None:
        text, _ = decode_text(data)
    parser = _TableHTML()
    parser.feed(text)
    if not parser.rows or not any(parser.rows):
        return [], [FileProblem(name, "", "no_header", "HTML file without a table")]
    width = max(map(len, parser.rows))
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in parser.rows], dtype=object)
    return _tables_from_grid(grid, name, "", "html", "html")


_MARKUP_STARTS = (
    b"<html",
    b"<!doctype",
    b"<table",
    b"<?xml",
    b"<meta",
    b"<!--",
    b"<head",
    b"<body",
    b"<style",
    b"<workbook",
)


#: Environment variable raising (or lowering) the largest file read, in megabytes.
MAX_FILE_ENV = "FUNDGRAPH_MAX_FILE_MB"
#: Largest file read, in bytes; None: the environment variable, else an eighth of the
#: machine's memory (a file is read whole, and parsing it takes several times its size).
MAX_FILE_BYTES: int | None = None


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f}" if n >= 10 * 1024**2 else f"{n / 1024**2:.3g}"


def max_file_bytes() -> int:
    """The largest export file read (bytes); a larger one is refused by name and the run
    goes on. See :data:`MAX_FILE_BYTES` and :data:`MAX_FILE_ENV`."""
    if MAX_FILE_BYTES is not None:
        return MAX_FILE_BYTES
    env = os.environ.get(MAX_FILE_ENV, "").strip()
    if env:
        try:
            return max(1, int(float(env) * 1024**2))
        except ValueError:
            pass
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        memory = 8 * 1024**3
    return max(256 * 1024**2, memory // 8)


def read_export(
    path: str | os.PathLike, name: str | None = None, layouts: LayoutSet | None = None
) -> tuple[list[RawTable], list[FileProblem]]:
    """Read one export file into raw tables (one per statement sheet) and problems.

    ``layouts`` (a :class:`fundgraph.ingest.layouts.LayoutSet`) adds header aliases, and
    columns by position for a file without a header row. Never raises for bad content: an
    unreadable file comes back as a :class:`FileProblem`.
    """
    path = Path(path)
    name = name or display_name(path.name)
    if layouts:
        matching = layouts.for_file(name)
        _USER["aliases"] = layouts.aliases_for(name)
        _USER["columns"] = next((lay.columns for lay in matching if lay.columns), ())
        _USER["labels"] = tuple(x for lay in matching for x in lay.account_labels)
        try:
            return _read_export(path, name)
        finally:
            _USER["aliases"], _USER["columns"], _USER["labels"] = {}, (), ()
    return _read_export(path, name)


def _read_export(path: Path, name: str) -> tuple[list[RawTable], list[FileProblem]]:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            limit = max_file_bytes()
            if size > limit:
                return [], [
                    FileProblem(
                        name,
                        "",
                        "file_too_large",
                        f"{_mib(size)} MiB, more than the {_mib(limit)} MiB read at once "
                        f"(split the file, or set {MAX_FILE_ENV} to more megabytes)",
                    )
                ]
            data = fh.read()
    except OSError as exc:
        return [], [FileProblem(name, "", "unreadable", exc.strerror or str(exc))]
    except MemoryError:
        return [], [FileProblem(name, "", "file_too_large", "not enough memory to read it")]
    try:
        return _read_bytes(path, name, data)
    except MemoryError:
        del data
        return [], [FileProblem(name, "", "file_too_large", "not enough memory to read it")]
    except Exception as exc:  # noqa: BLE001 - one hostile file must not stop the case
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:200]
        return [], [FileProblem(name, "", "unreadable", detail)]


def _read_bytes(path: Path, name: str, data: bytes) -> tuple[list[RawTable], list[FileProblem]]:
    if not data.strip():
        return [], [FileProblem(name, "", "empty_file", "the file is empty")]
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(path, name, "xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(path, name, "xls")
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if stripped.startswith(_MARKUP_STARTS) and b"<t" in data[:65536].lower():
        return _read_html(data, name)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") and _looks_binary(data):
        return [], [FileProblem(name, "", "unreadable", "not a valid workbook")]
    return _read_text(data, name)
