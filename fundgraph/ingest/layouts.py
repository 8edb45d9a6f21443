"""User layouts: a bank nobody has seen is a TOML file, not a code change.

A layout file holds one or more ``[[layout]]`` tables. Each says which files it is for
(``files``: name patterns; ``headers_present``: header cells that must all be there;
neither: every file) and what to add to the built-in vocabulary for them::

    [[layout]]
    name = "TD Canada Trust"
    files = ["td*.csv", "accountactivity*.csv"]
    columns = ["time", "memo", "out_amount", "in_amount", "balance"]  # no header row
    date_order = "mdy"              # dmy | mdy (dd/mm/yyyy-style dates)
    sign = "negative_out"           # negative_out | positive_out (credit cards)
    currency = "CAD"
    account = "TD-0001"             # the own account, where the file does not name it
    account_labels = ["Card No"]    # title labels that name the own account

    [layout.headers]                # header aliases: field -> spellings
    time = ["Txn Date"]
    amount = ["Amt"]

    [layout.status]
    executed = ["DONE"]
    not_executed = ["VOID"]

    [layout.direction]
    in = ["DEP"]
    out = ["WDL"]

Fields are those of :data:`fundgraph.ingest.vocabulary.FIELDS`. The built-in vocabulary
is written in the same format (``fundgraph/ingest/vocabulary.toml``).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from typing import TYPE_CHECKING

from ..errors import InputError
from .vocabulary import FIELDS, header_key

if TYPE_CHECKING:
    from .readers import RawTable

__all__ = ["Layout", "LayoutSet", "load_layouts", "SIGNS", "DATE_ORDERS"]

SIGNS = ("negative_out", "positive_out")
DATE_ORDERS = ("dmy", "mdy")
_KEYS = {
    "name",
    "files",
    "headers_present",
    "columns",
    "date_order",
    "sign",
    "currency",
    "account",
    "account_labels",
    "headers",
    "status",
    "direction",
}


@dataclass
class Layout:
    """One user layout (see the module's documentation for the file format)."""

    name: str
    files: tuple[str, ...] = ()
    headers_present: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    date_order: str | None = None
    sign: str | None = None
    currency: str | None = None
    account: str | None = None
    account_labels: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)  # header key -> field
    status_ok: frozenset[str] = frozenset()
    status_failed: frozenset[str] = frozenset()
    direction_in: frozenset[str] = frozenset()
    direction_out: frozenset[str] = frozenset()

    def matches_name(self, name: str) -> bool:
        base = name.rsplit("/", 1)[-1]
        return not self.files or any(
            fnmatch.fnmatch(base.lower(), p.lower()) or fnmatch.fnmatch(name.lower(), p.lower())
            for p in self.files
        )

    def matches_header(self, header: list[str]) -> bool:
        keys = {header_key(h) for h in header if h}
        return all(header_key(h) in keys for h in self.headers_present)

    def refine(
        self, header: list[str], fields: list[str | None], roles: list[str | None]
    ) -> tuple[list[str | None], list[str | None]]:
        """Fields of a header with this layout's aliases applied (they win)."""
        out = list(fields)
        for i, h in enumerate(header):
            f = self.aliases.get(header_key(h))
            if f:
                out[i] = f
        return out, list(roles)


@dataclass
class LayoutSet:
    """The user layouts of a run, tried in the order given."""

    layouts: list[Layout] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.layouts)

    def match(self, table: RawTable) -> Layout | None:
        """The first layout for a raw table (its file name and header), or None."""
        name = (
            table.source_file if isinstance(table.source_file, str) else str(table.source_file[0])
        )
        for lay in self.layouts:
            if lay.matches_name(name) and lay.matches_header(list(table.header)):
                return lay
        return None

    def for_file(self, name: str) -> list[Layout]:
        """Layouts whose file patterns match ``name``."""
        return [lay for lay in self.layouts if lay.matches_name(name)]

    def aliases_for(self, name: str) -> dict[str, str]:
        """Header aliases of the layouts for this file (header key -> field)."""
        out: dict[str, str] = {}
        for lay in self.for_file(name):
            for k, v in lay.aliases.items():
                out.setdefault(k, v)
        return out


def _strings(v: object, where: str) -> tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise InputError(f"{where}: expected a text or a list of texts")
    return tuple(v)


def _upper(values: tuple[str, ...]) -> frozenset[str]:
    import unicodedata

    return frozenset(unicodedata.normalize("NFKC", v).strip().upper() for v in values)


def parse_layout(data: dict, where: str) -> Layout:
    """One ``[[layout]]`` table to a :class:`Layout`; errors name the file and key."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{where}: every layout needs a name")
    lay = Layout(name=name.strip())
    lay.files = _strings(data.get("files", []), f"{where}: files")
    lay.headers_present = _strings(data.get("headers_present", []), f"{where}: headers_present")
    lay.columns = _strings(data.get("columns", []), f"{where}: columns")
    for c in lay.columns:
        if c and c not in FIELDS:
            raise InputError(f"{where}: columns: {c!r} is not a field ({', '.join(FIELDS)})")
    for key, allowed in (("date_order", DATE_ORDERS), ("sign", SIGNS)):
        v = data.get(key)
        if v is not None and v not in allowed:
            raise InputError(f"{where}: {key} must be one of {', '.join(allowed)}, not {v!r}")
        setattr(lay, key, v)
    for key in ("currency", "account"):
        v = data.get(key)
        if v is not None and not isinstance(v, str):
            raise InputError(f"{where}: {key} must be a text")
        setattr(lay, key, v.strip().upper() if key == "currency" and v else v)
    lay.account_labels = _strings(data.get("account_labels", []), f"{where}: account_labels")
    headers = data.get("headers", {})
    if not isinstance(headers, dict):
        raise InputError(f"{where}: [layout.headers] must be a table of field = [spellings]")
    for fld, names in headers.items():
        if fld not in FIELDS:
            raise InputError(f"{where}: headers: {fld!r} is not a field ({', '.join(FIELDS)})")
        for h in _strings(names, f"{where}: headers.{fld}"):
            lay.aliases[header_key(h)] = fld
    status = data.get("status", {})
    lay.status_ok = _upper(_strings(status.get("executed", []), f"{where}: status.executed"))
    lay.status_failed = _upper(
        _strings(status.get("not_executed", []), f"{where}: status.not_executed")
    )
    direction = data.get("direction", {})
    lay.direction_in = _upper(_strings(direction.get("in", []), f"{where}: direction.in"))
    lay.direction_out = _upper(_strings(direction.get("out", []), f"{where}: direction.out"))
    return lay


def load_layouts(paths: list[str | os.PathLike] | None) -> LayoutSet:
    """Read user layout files (TOML) into a :class:`LayoutSet`.

    Raises :class:`~fundgraph.errors.InputError` naming the file (and key) at fault.
    """
    out = LayoutSet()
    for p in paths or []:
        path = Path(p)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: not a valid TOML layout file: {exc}") from None
        tables = data.get("layout")
        if not isinstance(tables, list) or not tables:
            raise InputError(f"{path}: no [[layout]] table")
        for k, t in enumerate(tables, 1):
            out.layouts.append(parse_layout(t, f"{path}: layout {k}"))
    return out
