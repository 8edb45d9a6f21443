"""Aggregates keyed by integers while a feed is aggregated; decoded to text at the end.

The tables of :mod:`fundgraph.screen.aggregates` are keyed by account ids as text. Sorting,
grouping and merging text costs far more than the same work on integers, so the tasks of
one run (:func:`fundgraph.screen.feed.aggregate_feed`) key every table by a 64-bit hash of
the account id (:func:`hash_ids`) and carry an id table (hash -> text) alongside. Two
different ids with one hash are never merged silently: every merge of id tables compares
the texts of equal hashes and raises :class:`IdCollision` (the run is then repeated with
another hash key). Only :func:`decode` turns the integers back into text, sorted once.

Coded tables
------------
``ids``       ``key``, ``text``: every account id the tables name, once.
``accounts``  ``account``, ``rows``, ``holder_name``, ``holder_id``, ``first_time``,
              ``last_time``.
``pairs``     ``own``, ``peer``, ``out`` (``own -> peer`` if true, else ``peer -> own``;
              ``own`` is the account whose statement has the rows), ``n``, ``amount``,
              ``max_amount``, ``first_time``, ``last_time``, ``peer_name``, ``peer_id``
              (the own end's name and id are those of its ``accounts`` row).
``amounts``   ``own``, ``peer``, ``out``, ``amount``, ``n``.
``months``    ``own``, ``peer``, ``out``, ``month`` (months since 1970-01), ``n``,
              ``amount``.
``hours``     ``account``, ``own`` (view ``own`` if true, else ``cp``), ``hour`` (hours
              since the epoch), ``in_amount``, ``out_amount``, ``in_n``, ``out_n``.

Times are nanoseconds since the epoch (``NaT`` as the smallest int64). Within one run the
shuffle by account puts all rows of an account in one partition, so the coded aggregates
of two partitions never share an ``accounts`` key nor a ``pairs``, ``amounts`` or
``months`` key (each is keyed by its own account) nor an ``own`` view of ``hours``; only
the ``cp`` view of ``hours`` can overlap. :func:`merge_disjoint` therefore concatenates
and regroups that view alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema as S
from .aggregates import YUAN_CURRENCIES

__all__ = [
    "HASH_KEYS",
    "IdCollision",
    "hash_ids",
    "aggregate_coded",
    "merge_disjoint",
    "decode",
    "decode_keyed",
    "IdCodes",
    "keyed_tables",
    "keyed_table",
    "select_rows",
    "merge_coded",
    "rekey",
    "from_text",
    "empty_coded",
]

#: Keys of the 64-bit id hash (``pandas.util.hash_array``), tried in turn after a collision.
HASH_KEYS = ("0123456789123456", "fundgraph.ids.02", "fundgraph.ids.03")

_NAT = np.iinfo(np.int64).min
_MAX = np.iinfo(np.int64).max

_CODED: dict[str, dict[str, str]] = {
    "ids": {"key": "int64", "text": "str"},
    "accounts": {
        "account": "int64",
        "rows": "int64",
        "holder_name": "str",
        "holder_id": "str",
        "first_time": "int64",
        "last_time": "int64",
    },
    "pairs": {
        "own": "int64",
        "peer": "int64",
        "out": "bool",
        "n": "int64",
        "amount": "int64",
        "max_amount": "int64",
        "first_time": "int64",
        "last_time": "int64",
        "peer_name": "str",
        "peer_id": "str",
    },
    "amounts": {"own": "int64", "peer": "int64", "out": "bool", "amount": "int64", "n": "int64"},
    "months": {
        "own": "int64",
        "peer": "int64",
        "out": "bool",
        "month": "int64",
        "n": "int64",
        "amount": "int64",
    },
    "hours": {
        "account": "int64",
        "own": "bool",
        "hour": "int64",
        "in_amount": "int64",
        "out_amount": "int64",
        "in_n": "int64",
        "out_n": "int64",
    },
}


#: The columns of each coded table that hold id hashes (``own`` of ``hours`` is its view).
_ID_COLUMNS = {
    "accounts": ("account",),
    "pairs": ("own", "peer"),
    "amounts": ("own", "peer"),
    "months": ("own", "peer"),
    "hours": ("account",),
}


class IdCollision(Exception):
    """Two different account ids have the same 64-bit hash."""


def _texts(values) -> pd.Series:
    """Text values as an Arrow-backed column (compact to hold and to send between tasks)."""
    try:
        return pd.Series(pa.array(values, type=pa.string()), dtype="str")
    except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate: keep the objects
        return pd.Series(np.asarray(values, dtype=object), dtype=object)


def empty_coded() -> dict[str, pd.DataFrame]:
    """Coded aggregates of no rows."""
    out = {}
    for name, cols in _CODED.items():
        out[name] = pd.DataFrame(
            {c: _texts([]) if kind == "str" else pd.Series(dtype=kind) for c, kind in cols.items()}
        )
    return out


def hash_ids(texts: np.ndarray, hash_key: str = HASH_KEYS[0]) -> np.ndarray:
    """64-bit hashes (as int64) of distinct texts.

    Raises
    ------
    IdCollision
        When two of ``texts`` have the same hash.

    Examples
    --------
    >>> h = hash_ids(np.array(["6222000000000001", "6222000000000002"], dtype=object))
    >>> h.dtype.name, len(set(h.tolist()))
    ('int64', 2)
    """
    values = np.asarray(texts, dtype=object)
    try:
        h = pd.util.hash_array(values, hash_key=hash_key, categorize=False)
    except UnicodeEncodeError:  # lone surrogates: hash their bytes as Python keeps them
        raw = np.array([v.encode("utf-8", "surrogatepass") for v in values], dtype=object)
        h = pd.util.hash_array(raw, hash_key=hash_key, categorize=False)
    h = h.view(np.int64)
    if len(h) > 1 and not pd.Index(h).is_unique:
        raise IdCollision("two account ids of one partition have the same hash")
    return h


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer code of each text (in order of first appearance) and the distinct texts."""
    try:
        arr = pa.array(values, type=pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        enc = arr.dictionary_encode()
        codes = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        return codes, enc.dictionary.to_numpy(zero_copy_only=False)
    except (pa.ArrowException, UnicodeEncodeError):
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _ranks(uniques: np.ndarray) -> np.ndarray:
    """Rank of each distinct text in sorted (Python string) order."""
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return rank


def _dense(*cols: np.ndarray) -> tuple[np.ndarray, int]:
    """Group number (0..n-1, in order of first appearance) of each row by ``cols``, and n."""
    ids, uniq = pd.factorize(cols[0])
    ids = ids.astype(np.int64)
    n = len(uniq)
    for c in cols[1:]:
        c_ids, c_uniq = pd.factorize(c)
        ids, uniq = pd.factorize(ids * len(c_uniq) + c_ids)
        ids = ids.astype(np.int64)
        n = len(uniq)
    return ids, n


def _sum(g: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, g, v)
    return out


def _max(g: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Largest of each group; a time's NaT (the smallest int64) counts only when alone."""
    out = np.full(n, _NAT, dtype=np.int64)
    np.maximum.at(out, g, v)
    return out


def _min(g: np.ndarray, v: np.ndarray, n: int, *, time: bool = False) -> np.ndarray:
    """Smallest of each group; for a time, NaT only when every value is NaT."""
    if time:
        v = np.where(v == _NAT, _MAX, v)
    out = np.full(n, _MAX, dtype=np.int64)
    np.minimum.at(out, g, v)
    if time:
        out[out == _MAX] = _NAT
    return out


def _first(g: np.ndarray, n: int) -> np.ndarray:
    """Index of the first row of each group."""
    return _min(g, np.arange(len(g), dtype=np.int64), n)


def _text_max(g: np.ndarray, values: np.ndarray, n: int) -> pd.Series:
    """Largest text of each group (Python string order)."""
    codes, uniques = _codes(values)
    best = np.full(n, -1, dtype=np.int64)
    np.maximum.at(best, g, _ranks(uniques)[codes])
    ordered = uniques[np.argsort(uniques, kind="stable")]
    return _texts(ordered[best] if len(ordered) else np.full(n, "", dtype=object))


def _times(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]").view(np.int64)


def aggregate_coded(rows: pd.DataFrame, hash_key: str = HASH_KEYS[0]) -> dict[str, pd.DataFrame]:
    """Coded aggregates of canonical statement rows (the rules of
    :func:`fundgraph.screen.aggregates.aggregate_rows`, which decodes these).

    ``rows`` must hold every row of each of its own accounts.

    Raises
    ------
    IdCollision
        When two account ids of ``rows`` have the same hash under ``hash_key``.
    """
    rows = rows[rows["currency"].isin(YUAN_CURRENCIES) & (rows["account"] != "")]
    if rows.empty:
        return empty_coded()
    m = len(rows)
    ends, texts = _codes(
        np.concatenate(
            [rows["account"].to_numpy(dtype=object), rows["counterparty"].to_numpy(dtype=object)]
        )
    )
    keys = hash_ids(texts, hash_key)
    acc, cp = ends[:m], ends[m:]
    u = len(texts)
    direction = rows["direction"].to_numpy(dtype=object)
    out = direction == "out"
    amt = rows["amount"].to_numpy(dtype=np.int64)
    tm = _times(rows["time"])

    # accounts, over every row of the statements
    present = np.flatnonzero(np.bincount(acc, minlength=u))
    idx = np.full(u, -1, dtype=np.int64)
    idx[present] = np.arange(len(present), dtype=np.int64)
    ga, na = idx[acc], len(present)
    accounts = pd.DataFrame(
        {
            "account": keys[present],
            "rows": np.bincount(ga, minlength=na).astype(np.int64),
            "holder_name": _text_max(ga, rows["holder_name"].to_numpy(dtype=object), na),
            "holder_id": _text_max(ga, rows["holder_id"].to_numpy(dtype=object), na),
            "first_time": _min(ga, tm, na, time=True),
            "last_time": _max(ga, tm, na),
        }
    )

    # distinct transactions (the rule of aggregates.distinct_rows)
    gp, npairs = _dense(acc * (2 * u) + cp * 2 + out)
    dir_c, _ = _codes(direction)
    ref_c, refs = _codes(rows["reference"].to_numpy(dtype=object))
    g6, n6 = _dense(gp, dir_c, amt, tm, ref_c)
    file_c, _ = _codes(rows["source_file"].to_numpy(dtype=object))
    sheet_c, _ = _codes(rows["source_sheet"].to_numpy(dtype=object))
    g8, n8 = _dense(g6, file_c, sheet_c)
    first8 = _first(g8, n8)
    w8 = np.where(refs[ref_c[first8]] != "", 1, np.bincount(g8, minlength=n8)).astype(np.int64)
    weight = _max(g6[first8], w8, n6)
    d = _first(g6, n6)
    d_gp, d_amt, d_tm, d_out = gp[d], amt[d], tm[d], out[d]
    total = d_amt * weight

    # pairs: money over distinct transactions, the peer's names over every row
    p = _first(gp, npairs)
    own, peer, p_out = keys[acc[p]], keys[cp[p]], out[p]
    pairs = pd.DataFrame(
        {
            "own": own,
            "peer": peer,
            "out": p_out,
            "n": _sum(d_gp, weight, npairs),
            "amount": _sum(d_gp, total, npairs),
            "max_amount": _max(d_gp, d_amt, npairs),
            "first_time": _min(d_gp, d_tm, npairs, time=True),
            "last_time": _max(d_gp, d_tm, npairs),
            "peer_name": _text_max(gp, rows["counterparty_name"].to_numpy(dtype=object), npairs),
            "peer_id": _text_max(gp, rows["counterparty_id"].to_numpy(dtype=object), npairs),
        }
    )

    def by_pair(extra: np.ndarray, sel: np.ndarray | None = None) -> tuple:
        g_pair, x = (d_gp, extra) if sel is None else (d_gp[sel], extra[sel])
        g, n = _dense(g_pair, x)
        f = _first(g, n)
        first_pair = g_pair[f]
        return g, n, f, first_pair, x, sel

    g, n, f, fp, x, _ = by_pair(d_amt)
    amounts = pd.DataFrame(
        {
            "own": own[fp],
            "peer": peer[fp],
            "out": p_out[fp],
            "amount": x[f],
            "n": _sum(g, weight, n),
        }
    )
    timed = d_tm != _NAT
    month = d_tm.view("datetime64[ns]").astype("datetime64[M]").view(np.int64)
    g, n, f, fp, x, sel = by_pair(month, timed)
    months = pd.DataFrame(
        {
            "own": own[fp],
            "peer": peer[fp],
            "out": p_out[fp],
            "month": x[f],
            "n": _sum(g, weight[sel], n),
            "amount": _sum(g, total[sel], n),
        }
    )

    # hours: money in and out of each end; an end's own statement gives view "own"
    hour = d_tm.view("datetime64[ns]").astype("datetime64[h]").view(np.int64)
    d_acc, d_cp = acc[d], cp[d]
    is_in = ~d_out
    own_rows = timed
    cp_rows = timed & (texts[d_cp] != S.CASH)
    parts = []
    for end, view, sel, inflow in ((d_acc, True, own_rows, is_in), (d_cp, False, cp_rows, d_out)):
        g, n = _dense(end[sel], hour[sel])
        f = _first(g, n)
        w_s, t_s, in_s = weight[sel], total[sel], inflow[sel]
        parts.append(
            pd.DataFrame(
                {
                    "account": keys[end[sel][f]],
                    "own": np.full(n, view),
                    "hour": hour[sel][f],
                    "in_amount": _sum(g, np.where(in_s, t_s, 0), n),
                    "out_amount": _sum(g, np.where(in_s, 0, t_s), n),
                    "in_n": _sum(g, np.where(in_s, w_s, 0), n),
                    "out_n": _sum(g, np.where(in_s, 0, w_s), n),
                }
            )
        )
    hours = pd.concat(parts, ignore_index=True)
    ids = pd.DataFrame({"key": keys, "text": _texts(texts)})
    return {
        "ids": ids,
        "accounts": accounts,
        "pairs": pairs,
        "amounts": amounts,
        "months": months,
        "hours": hours,
    }


def _merge_ids(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One id table of several, each id once; equal hashes must be equal texts."""
    ids = pd.concat(frames, ignore_index=True)
    if len(ids) < 2:
        return ids
    key = ids["key"].to_numpy()
    order = np.argsort(key, kind="stable")
    k = key[order]
    dup = np.flatnonzero(k[1:] == k[:-1]) + 1
    if len(dup):
        text = ids["text"]
        a = text.iloc[order[dup]].reset_index(drop=True)
        b = text.iloc[order[dup - 1]].reset_index(drop=True)
        if not bool((a == b).all()):
            raise IdCollision("two account ids have the same hash")
    keep = np.ones(len(k), dtype=bool)
    keep[dup] = False
    return ids.iloc[np.sort(order[keep])].reset_index(drop=True)


def _regroup_hours(hours: pd.DataFrame) -> pd.DataFrame:
    """Hours with each (account, view, hour) once (their sums added)."""
    g, n = _dense(hours["account"].to_numpy(), hours["own"].to_numpy(), hours["hour"].to_numpy())
    f = _first(g, n)
    out = {c: hours[c].to_numpy()[f] for c in ("account", "own", "hour")}
    for c in ("in_amount", "out_amount", "in_n", "out_n"):
        out[c] = _sum(g, hours[c].to_numpy(), n)
    return pd.DataFrame(out)


def merge_disjoint(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Merge the coded aggregates of partitions that hold disjoint sets of own accounts.

    Tables keyed by the own account are concatenated; the ``cp`` view of ``hours`` is
    regrouped. Equal to regrouping everything (as :func:`fundgraph.screen.aggregates.merge_aggregates`
    does) exactly when no account is the own account of two parts, which is checked.

    Raises
    ------
    IdCollision
        When two different ids of the parts have the same hash.
    ValueError
        When an account is the own account of two parts.
    """
    if len(parts) == 1:
        return parts[0]
    out = {"ids": _merge_ids([p["ids"] for p in parts])}
    for name in ("accounts", "pairs", "amounts", "months"):
        if name in parts[0]:
            out[name] = pd.concat([p[name] for p in parts], ignore_index=True)
    if not out["accounts"]["account"].is_unique:
        raise ValueError("partitions of one run share an own account")
    if "hours" in parts[0]:
        out["hours"] = merge_hours([p["hours"] for p in parts])
    return out


def merge_hours(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The ``hours`` of partitions with disjoint own accounts: the ``cp`` view regrouped."""
    hours = pd.concat(frames, ignore_index=True)
    view_own = hours["own"].to_numpy(dtype=bool)
    return pd.concat([hours[view_own], _regroup_hours(hours[~view_own])], ignore_index=True)


def merge_coded(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Merge coded aggregates of disjoint sets of rows that may share accounts (the
    aggregates of two runs: a state and a new day's feed), all under one hash key.

    Exact as :func:`fundgraph.screen.aggregates.merge_aggregates` is: counts and cents add,
    first/last times take the minimum/maximum, names the largest text.

    Raises
    ------
    IdCollision
        When two different ids of the parts have the same hash.
    """
    parts = tuple(p for p in parts if p is not None)
    if len(parts) == 1:
        return parts[0]
    out = {"ids": _merge_ids([p["ids"] for p in parts])}

    def cat(name: str) -> pd.DataFrame:
        return pd.concat([p[name] for p in parts], ignore_index=True)

    def arr(df: pd.DataFrame, c: str) -> np.ndarray:
        return df[c].to_numpy()

    def text(df: pd.DataFrame, c: str) -> np.ndarray:
        return df[c].to_numpy(dtype=object)

    a = cat("accounts")
    g, n = _dense(arr(a, "account"))
    f = _first(g, n)
    out["accounts"] = pd.DataFrame(
        {
            "account": arr(a, "account")[f],
            "rows": _sum(g, arr(a, "rows"), n),
            "holder_name": _text_max(g, text(a, "holder_name"), n),
            "holder_id": _text_max(g, text(a, "holder_id"), n),
            "first_time": _min(g, arr(a, "first_time"), n, time=True),
            "last_time": _max(g, arr(a, "last_time"), n),
        }
    )
    p = cat("pairs")
    g, n = _dense(arr(p, "own"), arr(p, "peer"), arr(p, "out"))
    f = _first(g, n)
    out["pairs"] = pd.DataFrame(
        {
            "own": arr(p, "own")[f],
            "peer": arr(p, "peer")[f],
            "out": arr(p, "out")[f],
            "n": _sum(g, arr(p, "n"), n),
            "amount": _sum(g, arr(p, "amount"), n),
            "max_amount": _max(g, arr(p, "max_amount"), n),
            "first_time": _min(g, arr(p, "first_time"), n, time=True),
            "last_time": _max(g, arr(p, "last_time"), n),
            "peer_name": _text_max(g, text(p, "peer_name"), n),
            "peer_id": _text_max(g, text(p, "peer_id"), n),
        }
    )
    for name, key, sums in (
        ("amounts", "amount", ("n",)),
        ("months", "month", ("n", "amount")),
    ):
        t = cat(name)
        g, n = _dense(arr(t, "own"), arr(t, "peer"), arr(t, "out"), arr(t, key))
        f = _first(g, n)
        cols = {c: arr(t, c)[f] for c in ("own", "peer", "out", key)}
        for c in sums:
            cols[c] = _sum(g, arr(t, c), n)
        out[name] = pd.DataFrame(cols)[list(_CODED[name])]
    out["hours"] = _regroup_hours(cat("hours"))
    return out


def rekey(coded: dict[str, pd.DataFrame], hash_key: str) -> dict[str, pd.DataFrame]:
    """The same aggregates with every id hashed under ``hash_key``.

    Raises
    ------
    IdCollision
        When two of the ids have the same hash under ``hash_key``.
    """
    ids = coded["ids"]
    texts = _objects(ids["text"]) if len(ids) else np.array([], dtype=object)
    new = hash_ids(texts, hash_key) if len(texts) else np.array([], dtype=np.int64)
    index = pd.Index(ids["key"].to_numpy())

    def to(col: pd.Series) -> np.ndarray:
        return new[index.get_indexer(col.to_numpy())]

    out = {"ids": pd.DataFrame({"key": new, "text": ids["text"].reset_index(drop=True)})}
    for name, id_cols in _ID_COLUMNS.items():
        t = coded[name]
        out[name] = t.assign(**{c: to(t[c]) for c in id_cols})
    return out


def from_text(aggregates: dict[str, pd.DataFrame], hash_key: str) -> dict[str, pd.DataFrame]:
    """Coded aggregates of text ones (those of an older state folder).

    A pair's own end takes its name and id from its ``accounts`` row, as in a run.

    Raises
    ------
    IdCollision
        When two of the ids have the same hash under ``hash_key``.
    """
    cols = [
        aggregates[name][c].to_numpy(dtype=object)
        for name in ("accounts", "pairs", "amounts", "months", "hours")
        for c in ("account", "src", "dst")
        if c in aggregates[name]
    ]
    texts = pd.unique(np.concatenate(cols)) if cols else np.array([], dtype=object)
    texts = np.asarray(texts, dtype=object)
    keys = hash_ids(texts, hash_key) if len(texts) else np.array([], dtype=np.int64)
    index = pd.Index(texts)

    def key(s: pd.Series) -> np.ndarray:
        return keys[index.get_indexer(s.to_numpy(dtype=object))]

    out = {"ids": pd.DataFrame({"key": keys, "text": _texts(texts)})}
    a = aggregates["accounts"]
    out["accounts"] = pd.DataFrame(
        {
            "account": key(a["account"]),
            "rows": a["rows"].to_numpy(dtype=np.int64),
            "holder_name": _texts(a["holder_name"].to_numpy(dtype=object)),
            "holder_id": _texts(a["holder_id"].to_numpy(dtype=object)),
            "first_time": _times(a["first_time"]),
            "last_time": _times(a["last_time"]),
        }
    )

    def ends(t: pd.DataFrame) -> dict[str, np.ndarray]:
        is_out = (t["seen"] == "src").to_numpy()
        src, dst = key(t["src"]), key(t["dst"])
        return {
            "own": np.where(is_out, src, dst),
            "peer": np.where(is_out, dst, src),
            "out": is_out,
        }

    p = aggregates["pairs"]
    e = ends(p)
    out["pairs"] = pd.DataFrame(
        {
            **e,
            "n": p["n"].to_numpy(dtype=np.int64),
            "amount": p["amount"].to_numpy(dtype=np.int64),
            "max_amount": p["max_amount"].to_numpy(dtype=np.int64),
            "first_time": _times(p["first_time"]),
            "last_time": _times(p["last_time"]),
            "peer_name": _texts(
                np.where(
                    e["out"],
                    p["dst_name"].to_numpy(dtype=object),
                    p["src_name"].to_numpy(dtype=object),
                )
            ),
            "peer_id": _texts(
                np.where(
                    e["out"], p["dst_id"].to_numpy(dtype=object), p["src_id"].to_numpy(dtype=object)
                )
            ),
        }
    )
    t = aggregates["amounts"]
    out["amounts"] = pd.DataFrame(
        {
            **ends(t),
            "amount": t["amount"].to_numpy(dtype=np.int64),
            "n": t["n"].to_numpy(dtype=np.int64),
        }
    )
    t = aggregates["months"]
    m_codes, m_uniq = pd.factorize(t["month"].to_numpy(dtype=object))
    m = np.array([(int(u[:4]) - 1970) * 12 + int(u[5:7]) - 1 for u in m_uniq], dtype=np.int64)
    out["months"] = pd.DataFrame(
        {
            **ends(t),
            "month": m[m_codes] if len(m_codes) else np.array([], dtype=np.int64),
            "n": t["n"].to_numpy(dtype=np.int64),
            "amount": t["amount"].to_numpy(dtype=np.int64),
        }
    )
    h = aggregates["hours"]
    out["hours"] = pd.DataFrame(
        {
            "account": key(h["account"]),
            "own": (h["view"] == "own").to_numpy(),
            "hour": h["hour"]
            .to_numpy(dtype="datetime64[ns]")
            .astype("datetime64[h]")
            .view(np.int64),
            **{
                c: h[c].to_numpy(dtype=np.int64)
                for c in ("in_amount", "out_amount", "in_n", "out_n")
            },
        }
    )
    return out


def _objects(s: pd.Series) -> np.ndarray:
    """Texts as Python strings, one object per distinct value."""
    codes, uniques = _codes(s.to_numpy(dtype=object) if s.dtype == object else s.array)
    return uniques.astype(object)[codes] if len(codes) else np.array([], dtype=object)


def _datetimes(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, dtype=np.int64).view("datetime64[ns]")


class IdCodes:
    """The ids of coded aggregates numbered by their rank in sorted order.

    ``texts`` are the sorted ids (with ``extra`` ids numbered too, the numbers of alias
    pairs that the tables need not name); :meth:`code` gives the code of hashes and
    :meth:`hashes` the hashes of codes.
    """

    def __init__(self, ids: pd.DataFrame, extra: np.ndarray | None = None):
        texts = _objects(ids["text"]) if len(ids) else np.array([], dtype=object)
        n_ids = len(texts)
        if extra is not None and len(extra):
            more = pd.unique(np.asarray(extra, dtype=object))
            new = more[~pd.Index(more).isin(texts)]
            texts = np.concatenate([texts, np.asarray(new, dtype=object)])
        self.rank = _ranks(texts)
        self.texts = texts[np.argsort(texts, kind="stable")] if len(texts) else texts
        keys = ids["key"].to_numpy()
        self.index = pd.Index(keys)
        self.by_code = np.zeros(len(texts), dtype=np.int64)
        self.has_hash = np.zeros(len(texts), dtype=bool)
        self.by_code[self.rank[:n_ids]] = keys
        self.has_hash[self.rank[:n_ids]] = True

    def code(self, col: pd.Series | np.ndarray) -> np.ndarray:
        v = col.to_numpy() if isinstance(col, pd.Series) else np.asarray(col)
        pos = self.index.get_indexer(v)
        if len(pos) and pos.min() < 0:
            raise ValueError("an aggregate names an id missing from the id table")
        return self.rank[pos]

    def hashes(self, codes: np.ndarray) -> np.ndarray:
        """Hashes of codes (codes of ids no table names are left out)."""
        codes = np.asarray(codes, dtype=np.int64)
        return self.by_code[codes[self.has_hash[codes]]]


def decode_keyed(
    coded: dict[str, pd.DataFrame], extra: np.ndarray | None = None
) -> tuple[np.ndarray, dict[str, pd.DataFrame]]:
    """The tables of :mod:`fundgraph.screen.aggregates` (without ``aliases``) keyed by the
    rank of each account id among the sorted ids, and those sorted ids.

    An id's code is its position in the sorted ids, so ordering by codes is ordering by
    the ids' text (``texts[code]`` is the id). ``extra`` are ids to number as well (the
    numbers of alias pairs, which the tables need not name). The tables are those of
    :mod:`fundgraph.screen.keyed`: ``seen`` and ``view`` become ``seen_src`` and ``own``
    (bool), ``month`` months and ``hour`` hours since the epoch (int64), rows in the order
    of :func:`fundgraph.screen.aggregates.canonical`. Tables missing from ``coded`` are
    missing from the result.
    """
    codes = IdCodes(coded["ids"], extra)
    return codes.texts, keyed_tables(coded, codes)


def keyed_tables(coded: dict[str, pd.DataFrame], codes: IdCodes) -> dict[str, pd.DataFrame]:
    """:func:`decode_keyed`'s tables, for the ids of ``codes``."""
    code = codes.code
    out = {}
    a = coded["accounts"]
    ac = code(a["account"])
    order = np.argsort(ac, kind="stable")
    names = {c: _objects(a[c]) for c in ("holder_name", "holder_id")}
    out["accounts"] = _frame(
        {
            "account": ac[order],
            "rows": a["rows"].to_numpy()[order],
            "holder_name": names["holder_name"][order],
            "holder_id": names["holder_id"][order],
            "first_time": _datetimes(a["first_time"].to_numpy()[order]),
            "last_time": _datetimes(a["last_time"].to_numpy()[order]),
        }
    )
    # the own end's name and id, by the rank of its id
    own_name = {}
    for c in ("holder_name", "holder_id"):
        by_rank = np.full(len(codes.texts), "", dtype=object)
        by_rank[ac] = names[c]
        own_name[c] = by_rank

    # pairs, one column at a time in key order (the table is as long as the feed's pairs)
    p = coded["pairs"]
    src, dst, is_out, o = _pair_keys(p, code)
    order = np.lexsort((is_out, dst, src))
    src, dst, is_out, o = src[order], dst[order], is_out[order], o[order]
    cols = {"src": src, "dst": dst, "seen_src": is_out}
    for c in ("n", "amount", "max_amount"):
        cols[c] = p[c].to_numpy()[order]
    for c in ("first_time", "last_time"):
        cols[c] = _datetimes(p[c].to_numpy()[order])
    for c, own_c in (("name", "holder_name"), ("id", "holder_id")):
        peer = _objects(p[f"peer_{c}"])[order]
        mine = own_name[own_c][o]
        cols[f"src_{c}"] = np.where(is_out, mine, peer)
        cols[f"dst_{c}"] = np.where(is_out, peer, mine)
        del peer, mine
    del order, o
    names_order = ["src_name", "src_id", "dst_name", "dst_id"]
    keep = [c for c in cols if c not in names_order] + names_order
    out["pairs"] = _frame({c: cols[c] for c in keep})
    del cols
    for name in ("amounts", "months"):
        if name in coded:
            out[name] = keyed_table(name, coded[name], codes)
    if "hours" in coded:
        out["hours"] = keyed_table("hours", coded["hours"], codes)
    return out


def _pair_keys(t: pd.DataFrame, code) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    o, p = code(t["own"]), code(t["peer"])
    is_out = t["out"].to_numpy(dtype=bool)
    return np.where(is_out, o, p), np.where(is_out, p, o), is_out, o


def keyed_table(name: str, t: pd.DataFrame, codes: IdCodes) -> pd.DataFrame:
    """The keyed form of coded ``amounts``, ``months`` or ``hours`` rows, sorted by key."""
    if name == "hours":
        acct = codes.code(t["account"])
        view = t["own"].to_numpy(dtype=bool)
        hour = t["hour"].to_numpy()
        order = np.lexsort((hour, view, acct))
        cols = {"account": acct[order], "own": view[order], "hour": hour[order]}
        for c in ("in_amount", "out_amount", "in_n", "out_n"):
            cols[c] = t[c].to_numpy()[order]
        return _frame(cols)
    src, dst, is_out, _ = _pair_keys(t, codes.code)
    key = "amount" if name == "amounts" else "month"
    k = t[key].to_numpy()
    order = np.lexsort((k, is_out, dst, src))
    cols = {"src": src[order], "dst": dst[order], "seen_src": is_out[order], key: k[order]}
    for c in ("n",) if name == "amounts" else ("n", "amount"):
        cols[c] = t[c].to_numpy()[order]
    return _frame(cols)


def select_rows(
    t: pd.DataFrame, name: str, src: np.ndarray | None, dst: np.ndarray | None
) -> pd.DataFrame:
    """Coded rows of ``amounts`` or ``months`` whose sender's hash is in ``src`` or whose
    receiver's is in ``dst``; of ``hours``, whose account's is in ``dst``."""
    if name == "hours":
        return t[np.isin(t["account"].to_numpy(), dst if dst is not None else [])]
    own, peer = t["own"].to_numpy(), t["peer"].to_numpy()
    is_out = t["out"].to_numpy(dtype=bool)
    keep = np.zeros(len(t), dtype=bool)
    if src is not None and len(src):
        keep |= np.isin(np.where(is_out, own, peer), src)
    if dst is not None and len(dst):
        keep |= np.isin(np.where(is_out, peer, own), dst)
    return t[keep]


def decode(coded: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The text tables of :mod:`fundgraph.screen.aggregates` (without ``aliases``), each
    exactly as :func:`fundgraph.screen.aggregates.canonical` makes it."""
    from .keyed import to_text

    texts, tables = decode_keyed(coded)
    return to_text(texts, tables)


def _frame(cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame of the arrays as they are (text stays Python objects, not inferred as str)."""
    return pd.DataFrame(
        {c: pd.Series(v, dtype=object) if v.dtype == object else v for c, v in cols.items()}
    )
