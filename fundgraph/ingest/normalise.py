"""Normaliser: one raw table of text cells to canonical transactions and rejects.

Vectorised over columns (no per-row Python): amounts to exact cents, date and time columns
combined and parsed, direction taken from a flag column, from debit/credit columns or from
the sign of the amount. Every non-empty row comes out either accepted or rejected with a
stable code; the caller checks ``rows_read == accepted + rejected``.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from ..ids import normalise_accounts, normalise_person_ids
from .readers import RawTable
from .vocabulary import (
    CARD_HINTS,
    DIRECTION_IN,
    DIRECTION_OUT,
    PLACEHOLDERS,
    STATUS_FAILED,
    STATUS_OK,
    TOTAL_MARKERS,
    header_key,
)

__all__ = ["normalise_table", "parse_cents", "parse_times", "clean_cells", "REJECT_CODES"]

#: Reject codes in the order they are tested (the first that applies is reported).
REJECT_CODES = (
    "repeated_header",
    "totals_line",
    "failed_transaction",
    "unknown_status",
    "no_time",
    "bad_time",
    "no_amount",
    "bad_amount",
    "zero_amount",
    "negative_amount",
    "both_debit_and_credit",
    "no_direction",
    "unknown_direction",
    "no_account",
)

_WS = "\t\r\n \u3000\u00a0\ufeff\u200b"


def clean_cells(s: pd.Series) -> pd.Series:
    """Strip padding (``\\t``, full-width spaces), a leading ``'`` text marker, and blank out
    placeholders such as ``-------`` or ``NULL``."""
    s = s.astype(object).where(s.notna(), "").astype(str).str.strip(_WS)
    first = s.str.slice(0, 1)
    quoted = first.isin(("'", "`"))
    if quoted.any():
        s = s.where(~quoted, s.str.slice(1).str.strip(_WS))
        first = s.str.slice(0, 1)
    # only cells that could be placeholders are tested with the regular expression
    dashy = first.isin(_DASHES)
    blank = s.isin(_PLACEHOLDER_SPELLINGS)
    if dashy.any():
        blank |= dashy & s.where(dashy, "x").str.fullmatch("[-—_*=~ \t\u3000]+")
    if blank.any():
        s = s.where(~blank, "")
    return s


_ID_COLUMNS = {
    "account": normalise_accounts,
    "counterparty": normalise_accounts,
    "holder_id": normalise_person_ids,
    "counterparty_id": normalise_person_ids,
}

_DASHES = tuple("-—_*=~")
_PLACEHOLDER_SPELLINGS = frozenset(
    v for p in PLACEHOLDERS for v in (p, p.lower(), p.title(), p.capitalize())
) | {"NaN", "n/a", "N/a"}


# ---------------------------------------------------------------- amounts

# explicit whitespace (no ``\\s``), so that the vectorised string engine can run these
_MONEY_JUNK = "[ \t\r\n\u3000\u00a0,，¥￥$元]|RMB|CNY|人民币"


def parse_cents(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Text amounts to exact integer cents.

    Returns ``(cents, present, ok)``: cents as Int64 (<NA> where absent or bad), whether a
    value was present, and whether it parsed. Accepts ``12000``, ``12,000.00``,
    ``¥12,000.00``, ``12000.00元``, ``-12,000.00``, ``(12.00)``; more than two decimals are
    accepted only when the extra digits are zeros.

    Examples
    --------
    >>> c, present, ok = parse_cents(pd.Series(["¥12,000.00", "-5.5", "12000.00元", "", "1.2.3"]))
    >>> c.tolist(), present.tolist(), ok.tolist()
    ([1200000, -550, 1200000, <NA>, <NA>], [True, True, True, False, True], [True, True, True, False, False])
    """
    x = s.astype(str).str.replace(_MONEY_JUNK, "", regex=True)
    x = x.str.replace("－", "-", regex=False)
    present = x != ""
    # the two shapes nearly every export uses, read without a per-cell regular expression
    with_cents = x.str.fullmatch(r"-?[0-9]{1,15}\.[0-9]{2}").to_numpy(dtype=bool)
    whole = x.str.fullmatch(r"-?[0-9]{1,15}").to_numpy(dtype=bool)
    cents = np.zeros(len(x), dtype=np.int64)
    ok = with_cents | whole
    if with_cents.any():
        cents[with_cents] = pd.to_numeric(x[with_cents].str.replace(".", "", regex=False)).to_numpy(np.int64)
    if whole.any():
        cents[whole] = pd.to_numeric(x[whole]).to_numpy(np.int64) * 100
    rest = ~ok & present.to_numpy(dtype=bool)
    if rest.any():
        c_rest, ok_rest = _parse_cents_slow(x[rest])
        cents[rest] = c_rest
        ok[rest] = ok_rest
    out = pd.Series(cents, index=s.index).astype("Int64").where(ok, pd.NA)
    return out, present, pd.Series(ok, index=s.index)


def _parse_cents_slow(x: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    paren = x.str.startswith("(") & x.str.endswith(")")
    if paren.any():
        x = x.where(~paren, "-" + x.str.slice(1, -1))
    trailing_minus = x.str.endswith("-") & ~x.str.startswith("-")
    if trailing_minus.any():
        x = x.where(~trailing_minus, "-" + x.str.slice(0, -1))
    parts = x.str.extract(r"^([+-]?)(\d*)(?:\.(\d*))?$")
    whole = parts[1].fillna("")
    frac = parts[2].fillna("")
    ok = parts[1].notna() & ((whole != "") | (frac != ""))
    extra = frac.str.slice(2)
    ok &= extra.str.fullmatch(r"0*").fillna(False).astype(bool)
    ok &= whole.str.len() <= 15
    frac2 = frac.str.slice(0, 2).str.ljust(2, "0")
    whole_n = pd.to_numeric(whole.where(ok & (whole != ""), "0"), errors="coerce").fillna(0).astype("int64")
    frac_n = pd.to_numeric(frac2.where(ok, "00"), errors="coerce").fillna(0).astype("int64")
    cents = whole_n * 100 + frac_n
    cents = cents.where(parts[0] != "-", -cents)
    ok = ok.fillna(False).astype(bool)
    return cents.where(ok, 0).to_numpy(np.int64), ok.to_numpy(dtype=bool)


# ---------------------------------------------------------------- times

_SEP_RE = (
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:[.,]\d+)?)?$"
)
_COMPACT_RE = r"^(\d{4})(\d{2})(\d{2})(?:[ T]*(\d{2}):?(\d{2}):?(\d{2})?)?$"
_SERIAL_RE = r"^(\d{5})(?:\.(\d+))?$"


def parse_times(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Text times to ``datetime64[ns]``.

    Returns ``(time, present, day_only)``: NaT where absent or impossible (e.g. 2022-02-30),
    and whether only a date (no time of day) was given. Accepts ``2022-03-05 14:22:10``,
    ``2022/3/5 14:22:10``, ``2022-03-05T14:22:10``, ``20220305 142210``,
    ``2022年03月05日 14:22:10``, ``20220305142210`` and Excel serial day numbers.

    Examples
    --------
    >>> t, present, day = parse_times(pd.Series(["2022/3/5 14:22:10", "20220305142210",
    ...     "2022年03月05日 14:22:10", "2022-02-30", "20220305"]))
    >>> [str(v) for v in t], day.tolist()
    (['2022-03-05 14:22:10', '2022-03-05 14:22:10', '2022-03-05 14:22:10', 'NaT', '2022-03-05 00:00:00'], [False, False, False, True, True])
    """
    x = s.astype(str).str.strip()
    present = x != ""
    # the common layout first, in one vectorised call; the regular expressions below only see
    # the cells it could not read
    t = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    day_only = pd.Series(False, index=s.index)
    rest = present.to_numpy().copy()
    for fmt, date_only in _FAST_FORMATS:
        if not rest.any():
            break
        sub = x[rest]
        got = pd.to_datetime(sub, format=fmt, errors="coerce")
        # the parser reads a leap second ":60" as the next minute; such cells go the strict way
        ok = got.notna() & (got.dt.year >= 1970) & (got.dt.year <= 2100) & ~sub.str.endswith(":60")
        if not ok.any():
            continue
        idx = np.flatnonzero(rest)[ok.to_numpy()]
        t.iloc[idx] = got[ok].to_numpy()
        if date_only:
            day_only.iloc[idx] = True
        rest[idx] = False
    if rest.any():
        t_rest, day_rest = _parse_times_slow(x[rest])
        t[rest] = t_rest.to_numpy()
        day_only[rest] = day_rest.to_numpy()
    return t.astype("datetime64[ns]"), present, day_only.astype(bool)


# Formats read in one vectorised call each, in order, before the general parser sees the
# cells none of them could read.
_FAST_FORMATS = (
    ("%Y-%m-%d %H:%M:%S", False),
    ("%Y%m%d %H%M%S", False),
    ("%Y%m%d%H%M%S", False),
    ("%Y-%m-%dT%H:%M:%S", False),
    ("%Y/%m/%d %H:%M:%S", False),
    ("%Y年%m月%d日 %H:%M:%S", False),
    ("%Y-%m-%d", True),
    ("%Y%m%d", True),
)


def _parse_times_slow(x: pd.Series) -> tuple[pd.Series, pd.Series]:
    x = (
        x.str.replace("年", "-", regex=False)
        .str.replace("月", "-", regex=False)
        .str.replace(r"日\s*", " ", regex=True)
        .str.replace("：", ":", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    sep = x.str.extract(_SEP_RE)
    comp = x.str.extract(_COMPACT_RE)
    parts = sep.where(sep[0].notna(), comp)
    num = {i: pd.to_numeric(parts[i], errors="coerce") for i in range(6)}
    day_only = parts[0].notna() & parts[3].isna()
    frame = pd.DataFrame(
        {
            "year": num[0],
            "month": num[1],
            "day": num[2],
            "hour": num[3].fillna(0),
            "minute": num[4].fillna(0),
            "second": num[5].fillna(0),
        }
    )
    valid = (
        frame["year"].between(1970, 2100)
        & frame["hour"].between(0, 23)
        & frame["minute"].between(0, 59)
        & frame["second"].between(0, 59)
    )
    frame = frame.where(valid)
    t = pd.to_datetime(frame, errors="coerce")
    serial = x.str.extract(_SERIAL_RE)
    is_serial = serial[0].notna() & t.isna()
    if is_serial.any():
        days = pd.to_numeric(x.where(is_serial), errors="coerce")
        days = days.where(days.between(20000, 80000))
        secs = (days * 86400).round()
        st = pd.Timestamp("1899-12-30") + pd.to_timedelta(secs, unit="s")
        t = t.where(~is_serial, st)
        day_only = day_only | (is_serial & serial[1].isna())
    return t.astype("datetime64[ns]"), day_only.fillna(False).astype(bool)


# ---------------------------------------------------------------- one table


def _norm_flag(s: pd.Series) -> pd.Series:
    # a flag column holds a handful of distinct values: normalise each once
    values = pd.unique(s.to_numpy(dtype=object))
    table = {v: unicodedata.normalize("NFKC", v).strip().upper() if v else "" for v in values}
    return s.map(table).astype(object)


def _first_nonempty(frame: pd.DataFrame) -> pd.Series:
    if frame.shape[1] == 1:
        return frame.iloc[:, 0]
    out = frame.iloc[:, 0]
    for i in range(1, frame.shape[1]):
        out = out.where(out != "", frame.iloc[:, i])
    return out


def _join_nonempty(frame: pd.DataFrame, sep: str = " ") -> pd.Series:
    out = frame.iloc[:, 0]
    for i in range(1, frame.shape[1]):
        nxt = frame.iloc[:, i]
        out = out.where(nxt == "", out.where(out == "", out + sep) + nxt)
    return out


def _has_title(table: RawTable, key: str) -> bool:
    v = table.title.get(key)
    return v is not None and (not isinstance(v, str) or v != "")


def normalise_table(table: RawTable) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Canonical rows, rejected rows and alias pairs of one raw table.

    Returns
    -------
    accepted : DataFrame
        :data:`fundgraph.schema.TRANSACTIONS` columns (``account``/``counterparty`` as printed;
        aliases are resolved later across all files) plus ``day_only``.
    rejected : DataFrame
        ``source_file``, ``source_sheet``, ``source_row``, ``code``, ``value`` (the
        offending cell, where one field is at fault), ``raw``.
    aliases : DataFrame
        ``alias``, ``card`` pairs seen on the same row (account number next to card number).
    """
    cells = table.cells
    ncols = cells.shape[1]
    clean = pd.DataFrame({c: clean_cells(cells[c]) for c in cells.columns})
    nonempty = (clean != "").any(axis=1).to_numpy()
    clean = clean[nonempty].reset_index(drop=True)
    raw_rows = table.rows[nonempty]
    n = len(clean)

    def per_row(v: object) -> np.ndarray:
        # a value for the whole table, or one per row when tables of one layout were merged
        if isinstance(v, str):
            return np.full(n, v, dtype=object)
        return np.asarray(v, dtype=object)[nonempty]

    row_file, row_sheet = per_row(table.source_file), per_row(table.source_sheet)
    header = list(table.header) + [""] * max(0, ncols - len(table.header))
    fields = list(table.fields) + [None] * max(0, ncols - len(table.fields))

    by_field: dict[str, list[int]] = {}
    for i, f in enumerate(fields[:ncols]):
        if f:
            by_field.setdefault(f, []).append(i)

    # one spelling per account, card and ID number (groups, full-width digits, check letter)
    for fld, norm in _ID_COLUMNS.items():
        for i in by_field.get(fld, []):
            clean[clean.columns[i]] = norm(clean[clean.columns[i]])

    def col(fld: str, how: str = "first") -> pd.Series:
        idx = by_field.get(fld)
        if not idx:
            return pd.Series([""] * n, dtype=object)
        sub = clean[[clean.columns[i] for i in idx]]
        return _join_nonempty(sub) if how == "join" else _first_nonempty(sub)

    code = pd.Series([""] * n, dtype=object)
    value = pd.Series([""] * n, dtype=object)  # the offending cell, quoted in the reason

    def flag(mask: pd.Series | np.ndarray, c: str, cell: pd.Series | None = None) -> None:
        m = np.asarray(mask, dtype=bool) & (code.to_numpy() == "")
        if m.any():
            code[m] = c
            if cell is not None:
                value[m] = cell[m].astype(str).str.slice(0, 80).to_numpy()

    # time: date and time-of-day columns combined in their order
    tcols = by_field.get("time", [])
    if len(tcols) > 1:
        parts = [clean[clean.columns[i]] for i in tcols]
        # a time-of-day column written before its date column is moved after it
        looks_tod = [p.str.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?|\d{6}").mean() > 0.5 for p in parts]
        parts = [p for p, tod in zip(parts, looks_tod, strict=True) if not tod] + [
            p for p, tod in zip(parts, looks_tod, strict=True) if tod
        ]
        tstr = parts[0]
        for p in parts[1:]:
            # a later column holding a full date-time replaces the date; a time of day is appended
            full = p.str.len() > 10
            # a date cell read from a workbook comes as midnight: its time is the other column's
            date_part = tstr.str.replace(r"[ T]00:00(:00)?$", "", regex=True)
            tstr = tstr.where(p == "", date_part.where(full, (date_part + " " + p).str.strip()).where(~full, p))
    else:
        tstr = col("time")
    times, t_present, day_only = parse_times(tstr)

    # repeated header rows (page breaks): only a row without a time can be one
    hkeys = [header_key(h) for h in header[:ncols]]
    named = [i for i, k in enumerate(hkeys) if k]
    cand = np.flatnonzero(times.isna().to_numpy())
    if named and len(cand):
        sub = clean.iloc[cand]
        same = sum((sub[sub.columns[i]].map(header_key) == hkeys[i]).astype(int) for i in named)
        rep = np.zeros(n, dtype=bool)
        rep[cand] = (same >= max(2, (len(named) + 1) // 2)).to_numpy()
        flag(rep, "repeated_header")

    # totals lines: a marker in one of the first cells and no time
    if len(cand):
        is_total = np.zeros(n, dtype=bool)
        sub = clean.iloc[cand]
        hit = np.zeros(len(cand), dtype=bool)
        for c in sub.columns[: min(ncols, 4)]:
            hit |= sub[c].str.upper().str.startswith(TOTAL_MARKERS).to_numpy(dtype=bool)
        is_total[cand] = hit
        flag(is_total, "totals_line")

    status = _norm_flag(col("status"))
    flag(status.isin(STATUS_FAILED), "failed_transaction")
    flag((status != "") & ~status.isin(STATUS_OK) & ~status.isin(STATUS_FAILED), "unknown_status", status)

    # faults the reader found in the file (a card number stored as a number, digits lost)
    if table.row_code is not None:
        found = pd.Series(np.asarray(table.row_code, dtype=object)[nonempty])
        for c in sorted(set(found) - {""}):
            flag(found == c, c, pd.Series(np.asarray(table.row_value, dtype=object)[nonempty]))

    flag(~t_present, "no_time")
    flag(times.isna(), "bad_time", tstr)

    # amount and direction
    has_dir = "direction" in by_field
    has_dc = "in_amount" in by_field or "out_amount" in by_field
    has_amt = "amount" in by_field
    direction = pd.Series([""] * n, dtype=object)
    amount = pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if has_amt and (has_dir or not has_dc):
        amt_text = col("amount")
        amt, a_present, a_ok = parse_cents(amt_text)
        flag(~a_present, "no_amount")
        flag(~a_ok, "bad_amount", amt_text)
        flag(amt.fillna(0) == 0, "zero_amount")
        if has_dir:
            flag(amt.fillna(0) < 0, "negative_amount", amt_text)
            d = _norm_flag(col("direction"))
            direction = pd.Series(
                np.where(d.isin(DIRECTION_IN), "in", np.where(d.isin(DIRECTION_OUT), "out", "")),
                dtype=object,
            )
            flag(d == "", "no_direction")
            flag(direction == "", "unknown_direction", col("direction"))
            amount = amt.abs()
        else:
            direction = pd.Series(np.where(amt.fillna(0) < 0, "out", "in"), dtype=object)
            amount = amt.abs()
    else:
        in_text, out_text = col("in_amount"), col("out_amount")
        c_in, in_present, in_ok = parse_cents(in_text)
        c_out, out_present, out_ok = parse_cents(out_text)
        flag(in_present & ~in_ok, "bad_amount", in_text)
        flag(out_present & ~out_ok, "bad_amount", out_text)
        vin = c_in.fillna(0)
        vout = c_out.fillna(0)
        flag((vin == 0) & (vout == 0), "no_amount")
        flag((vin != 0) & (vout != 0), "both_debit_and_credit")
        flag((vin < 0) | (vout < 0), "negative_amount")
        direction = pd.Series(np.where(vin != 0, "in", "out"), dtype=object)
        amount = vin.where(vin != 0, vout).astype("Int64")

    # the statement's own account: card number canonical, account number an alias
    acc_idx = by_field.get("account", [])
    card_idx = [i for i in acc_idx if any(h in header[i].lower() for h in CARD_HINTS)]
    other_idx = [i for i in acc_idx if i not in card_idx]
    alias_frames = []
    if acc_idx:
        ordered = card_idx + other_idx
        sub = clean[[clean.columns[i] for i in ordered]]
        account = _first_nonempty(sub)
        if len(ordered) > 1:
            for i in ordered:
                v = clean[clean.columns[i]]
                pair = pd.DataFrame({"alias": v, "card": account})
                alias_frames.append(pair[(v != "") & (v != account)])
    else:
        account = pd.Series([""] * n, dtype=object)
    if _has_title(table, "account"):
        account = account.where(account != "", normalise_accounts(pd.Series(per_row(table.title["account"]))))
    flag(account == "", "no_account")

    cp_idx = by_field.get("counterparty", [])
    if len(cp_idx) > 1:
        card_cp = [i for i in cp_idx if any(h in header[i].lower() for h in CARD_HINTS)]
        ordered = card_cp + [i for i in cp_idx if i not in card_cp]
        counterparty = _first_nonempty(clean[[clean.columns[i] for i in ordered]])
        for i in ordered:
            v = clean[clean.columns[i]]
            pair = pd.DataFrame({"alias": v, "card": counterparty})
            alias_frames.append(pair[(v != "") & (v != counterparty)])
    else:
        counterparty = col("counterparty")

    holder_name = col("holder_name")
    if _has_title(table, "holder_name"):
        holder_name = holder_name.where(holder_name != "", per_row(table.title["holder_name"]))
    holder_id = col("holder_id")
    if _has_title(table, "holder_id"):
        holder_id = holder_id.where(holder_id != "", normalise_person_ids(pd.Series(per_row(table.title["holder_id"]))))

    balance, b_present, b_ok = parse_cents(col("balance"))

    # columns fundgraph does not interpret, kept as they are
    extra_idx = [i for i, f in enumerate(fields[:ncols]) if f is None]
    if extra_idx:
        names = []
        for i in extra_idx:
            nm = header[i].strip() or f"column{i + 1}"
            while nm in names:
                nm += "_"
            names.append(nm)
        ex = clean[[clean.columns[i] for i in extra_idx]].copy()
        ex.columns = names
        if (ex != "").to_numpy().any():
            extra = pd.Series(
                ex.to_json(orient="records", lines=True, force_ascii=False).splitlines(), dtype=object
            )
            extra = extra.where((ex != "").any(axis=1).to_numpy(), "")
        else:
            extra = pd.Series([""] * n, dtype=object)
    else:
        extra = pd.Series([""] * n, dtype=object)

    ok = (code == "").to_numpy()
    accepted = pd.DataFrame(
        {
            "source_file": row_file[ok],
            "source_sheet": row_sheet[ok],
            "source_row": raw_rows[ok],
            "account": account[ok].to_numpy(),
            "account_raw": account[ok].to_numpy(),
            "holder_name": holder_name[ok].to_numpy(),
            "holder_id": holder_id[ok].to_numpy(),
            "time": times[ok].to_numpy(),
            "direction": direction[ok].to_numpy(),
            "amount": amount[ok].astype("int64").to_numpy(),
            "balance": balance[ok].to_numpy(),
            "counterparty": counterparty[ok].to_numpy(),
            "counterparty_name": col("counterparty_name")[ok].to_numpy(),
            "counterparty_id": col("counterparty_id")[ok].to_numpy(),
            "counterparty_bank": col("counterparty_bank")[ok].to_numpy(),
            "memo": col("memo", "join")[ok].to_numpy(),
            "channel": col("channel")[ok].to_numpy(),
            "reference": col("reference")[ok].to_numpy(),
            "branch": col("branch")[ok].to_numpy(),
            "currency": col("currency")[ok].to_numpy(),
            "extra": extra[ok].to_numpy(),
            "day_only": day_only[ok].to_numpy(),
            "bad_balance": (b_present & ~b_ok)[ok].to_numpy(),
        }
    )
    accepted["balance"] = accepted["balance"].astype("Int64")
    bad = ~ok
    raw_text = _raw_text(cells[nonempty].reset_index(drop=True)[bad])
    rejected = pd.DataFrame(
        {
            "source_file": row_file[bad],
            "source_sheet": row_sheet[bad],
            "source_row": raw_rows[bad],
            "code": code[bad].to_numpy(),
            "value": value[bad].to_numpy(),
            "raw": raw_text,
        }
    )
    aliases = (
        pd.concat(alias_frames, ignore_index=True)
        if alias_frames
        else pd.DataFrame({"alias": pd.Series(dtype=object), "card": pd.Series(dtype=object)})
    )
    aliases = aliases[aliases["card"] != ""]
    return accepted, rejected, aliases.drop_duplicates().reset_index(drop=True)


def _raw_text(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty:
        return np.array([], dtype=object)
    s = frame.iloc[:, 0].astype(str).str.strip(_WS)
    for i in range(1, frame.shape[1]):
        s = s + " | " + frame.iloc[:, i].astype(str).str.strip(_WS)
    s = s.str.replace(r"(\s\|\s)+$", "", regex=True)
    # one line per reject, bounded so a 1 MB cell does not bloat rejects.csv
    return s.str.replace(r"[\r\n]+", " ", regex=True).str.slice(0, 2000).to_numpy()
