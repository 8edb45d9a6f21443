"""Aggregates keyed by integer account codes that sort like the account ids.

The ranking (:mod:`fundgraph.screen.rank`) groups, joins and sorts the aggregates by
account many times; on text keys that is most of its time and memory. :class:`Keyed`
holds the tables of :mod:`fundgraph.screen.aggregates` with every account id replaced by
its position in the sorted distinct ids (``texts``), so ordering by the codes is ordering
by the ids and ``texts[code]`` gives an id back: only what is written out is turned into
text.

Keyed tables (as :data:`fundgraph.screen.aggregates.TABLES`, sorted by their keys)
-------------------------------------------------------------------------------
``accounts``  ``account`` (code), ``rows``, ``holder_name``, ``holder_id``, ``first_time``,
              ``last_time``.
``pairs``     ``src``, ``dst`` (codes), ``seen_src`` (bool: ``seen == "src"``), ``n``,
              ``amount``, ``max_amount``, ``first_time``, ``last_time``, ``src_name``,
              ``src_id``, ``dst_name``, ``dst_id``.
``amounts``   ``src``, ``dst``, ``seen_src``, ``amount``, ``n``.
``months``    ``src``, ``dst``, ``seen_src``, ``month`` (months since 1970-01), ``n``,
              ``amount``.
``hours``     ``account``, ``own`` (bool: ``view == "own"``), ``hour`` (hours since the
              epoch), ``in_amount``, ``out_amount``, ``in_n``, ``out_n``.

The alias pairs stay text (``aliases``: ``alias``, ``card``); both numbers of each pair
have a code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..ingest import alias_map
from ..schema import CASH
from .aggregates import TABLES, canonical, group_agg

__all__ = ["KEYS", "Keyed", "from_text", "to_text", "text_aggregates", "complete", "resolve"]

#: table -> key columns of its keyed form.
KEYS: dict[str, list[str]] = {
    "accounts": ["account"],
    "pairs": ["src", "dst", "seen_src"],
    "amounts": ["src", "dst", "seen_src", "amount"],
    "months": ["src", "dst", "seen_src", "month"],
    "hours": ["account", "own", "hour"],
}

_ACCOUNT_COLUMNS = ("account", "src", "dst")


@dataclass
class Keyed:
    """Aggregates with integer account codes (see the module docstring)."""

    texts: np.ndarray  # the distinct ids, sorted; an id's code is its position
    tables: dict[str, pd.DataFrame]
    aliases: pd.DataFrame
    #: fetches keyed rows of a table missing from ``tables`` (name, sender codes,
    #: receiver codes; see :meth:`rows`), before alias resolution
    fetch: Callable[[str, np.ndarray | None, np.ndarray | None], pd.DataFrame] | None = None
    #: code -> code of its canonical account, once resolved with tables still to fetch
    alias_to: np.ndarray | None = None

    def rows(
        self, name: str, src: np.ndarray | None = None, dst: np.ndarray | None = None
    ) -> pd.DataFrame:
        """Rows of ``amounts`` or ``months`` whose sender is marked in ``src`` or whose
        receiver is marked in ``dst`` (boolean arrays over the codes), or of ``hours``
        whose account is marked in ``dst``; sorted by key.

        Tables kept on the cluster are fetched for those accounts only; everything the
        ranking reads of them lies in such a selection.
        """
        n = len(self.texts)
        src_m = np.zeros(n, dtype=bool) if src is None else np.asarray(src, dtype=bool)
        dst_m = np.zeros(n, dtype=bool) if dst is None else np.asarray(dst, dtype=bool)
        if name in self.tables:
            return _select(self.tables[name], name, src_m, dst_m)
        if self.fetch is None:
            raise KeyError(name)
        # the accounts whose rows become the wanted ones once aliases are resolved
        pre_src = src_m if self.alias_to is None else src_m[self.alias_to]
        pre_dst = dst_m if self.alias_to is None else dst_m[self.alias_to]
        df = self.fetch(
            name,
            np.flatnonzero(pre_src) if name != "hours" else None,
            np.flatnonzero(pre_dst),
        )
        if self.alias_to is not None:
            df = _regroup(name, df, self.alias_to)
        return _select(df, name, src_m, dst_m)

    def codes(self, values) -> np.ndarray:
        """Codes of ids (-1 for an id the tables do not know)."""
        values = np.asarray(list(values), dtype=object)
        if not len(values):
            return np.array([], dtype=np.int64)
        return pd.Index(self.texts).get_indexer(values).astype(np.int64)

    @property
    def cash(self) -> int:
        """Code of the empty id (cash), -1 when no table names it."""
        return int(self.codes([CASH])[0])

    def text(self, codes) -> np.ndarray:
        """Ids of codes."""
        return self.texts[np.asarray(codes, dtype=np.int64)]


def _sorted_texts(values: np.ndarray) -> np.ndarray:
    """Distinct texts in Python string order."""
    u = pd.unique(np.asarray(values, dtype=object))
    return u[np.argsort(u, kind="stable")] if len(u) else np.array([], dtype=object)


def from_text(aggregates: dict[str, pd.DataFrame]) -> Keyed:
    """The keyed form of text aggregates (merged, each table as ``canonical`` makes it)."""
    aliases = aggregates.get("aliases")
    if aliases is None:
        aliases = canonical("aliases", pd.DataFrame())
    parts = [
        aggregates[name][c].to_numpy(dtype=object)
        for name in KEYS
        for c in _ACCOUNT_COLUMNS
        if c in aggregates[name]
    ]
    parts += [aliases[c].to_numpy(dtype=object) for c in ("alias", "card")]
    texts = _sorted_texts(np.concatenate(parts)) if parts else np.array([], dtype=object)
    index = pd.Index(texts)
    tables = {}
    for name in KEYS:
        df = aggregates[name]
        cols = {}
        for c in df.columns:
            v = df[c]
            if c in _ACCOUNT_COLUMNS:
                cols[c] = index.get_indexer(v.to_numpy(dtype=object)).astype(np.int64)
            elif c == "seen":
                cols["seen_src"] = (v == "src").to_numpy()
            elif c == "view":
                cols["own"] = (v == "own").to_numpy()
            elif c == "month":
                cols[c] = _months(v)
            elif c == "hour":
                cols[c] = v.to_numpy(dtype="datetime64[ns]").astype("datetime64[h]").view(np.int64)
            else:
                cols[c] = v
        tables[name] = pd.DataFrame(cols)[_columns(name)]
    return Keyed(texts, tables, aliases.reset_index(drop=True))


def _months(v: pd.Series) -> np.ndarray:
    """``YYYY-MM`` texts as months since 1970-01."""
    codes, uniq = pd.factorize(v.to_numpy(dtype=object))
    m = np.array([(int(u[:4]) - 1970) * 12 + int(u[5:7]) - 1 for u in uniq], dtype=np.int64)
    return m[codes] if len(codes) else np.array([], dtype=np.int64)


def _columns(name: str) -> list[str]:
    keys, values = TABLES[name]
    rename = {"seen": "seen_src", "view": "own"}
    return [rename.get(c, c) for c in keys + list(values)]


def _objects(v: np.ndarray) -> pd.Series:
    return pd.Series(v, dtype=object)


def to_text(texts: np.ndarray, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The text tables of :mod:`fundgraph.screen.aggregates` (without ``aliases``)."""
    out = {}
    seen = np.array(["dst", "src"], dtype=object)
    for name in KEYS:
        t = tables[name]
        cols = {}
        for c in _columns(name):
            v = t[c].to_numpy()
            if c in _ACCOUNT_COLUMNS:
                cols[c] = _objects(texts[v] if len(v) else np.array([], dtype=object))
            elif c == "seen_src":
                cols["seen"] = _objects(seen[v.astype(np.int64)])
            elif c == "own":
                cols["view"] = _objects(np.array(["cp", "own"], dtype=object)[v.astype(np.int64)])
            elif c == "month":
                m_codes, m_uniq = pd.factorize(v)
                m_text = np.array(
                    [str(x)[:7] for x in np.asarray(m_uniq, dtype=np.int64).view("datetime64[M]")],
                    dtype=object,
                )
                cols[c] = _objects(m_text[m_codes] if len(m_codes) else np.array([], object))
            elif c == "hour":
                cols[c] = v.astype("datetime64[h]").astype("datetime64[ns]")
            elif v.dtype == object:
                cols[c] = _objects(v)
            else:
                cols[c] = v
        out[name] = pd.DataFrame(cols)
    return out


def _select(df: pd.DataFrame, name: str, src: np.ndarray, dst: np.ndarray) -> pd.DataFrame:
    if name == "hours":
        return df[dst[df["account"].to_numpy()]]
    keep = src[df["src"].to_numpy()] | dst[df["dst"].to_numpy()]
    return df[keep]


def _regroup(name: str, df: pd.DataFrame, to: np.ndarray) -> pd.DataFrame:
    """Keyed rows with codes mapped by ``to`` and regrouped by key, sorted."""
    keys = KEYS[name]
    df = df.assign(**{c: to[df[c].to_numpy()] for c in _ACCOUNT_COLUMNS if c in df})
    if len(df):
        _, values = TABLES[name]
        rename = {"seen": "seen_src", "view": "own"}
        spec = {rename.get(c, c): (rename.get(c, c), op) for c, op in values.items()}
        df = group_agg(df, keys, spec)[_columns(name)]
        df = df.sort_values(keys, kind="stable").reset_index(drop=True)
    return df


def complete(keyed: Keyed) -> Keyed:
    """Keyed aggregates with every table in ``tables`` (those kept on the cluster fetched
    whole)."""
    if keyed.fetch is None:
        return keyed
    every = np.ones(len(keyed.texts), dtype=bool)
    tables = dict(keyed.tables)
    for name in ("amounts", "months", "hours"):
        if name not in tables:
            tables[name] = keyed.rows(name, src=every, dst=every)
    return Keyed(keyed.texts, tables, keyed.aliases)


def text_aggregates(keyed: Keyed) -> dict[str, pd.DataFrame]:
    """The text aggregates (with ``aliases``) of keyed ones (not alias-resolved)."""
    keyed = complete(keyed)
    out = to_text(keyed.texts, keyed.tables)
    out["aliases"] = keyed.aliases
    return out


def resolve(keyed: Keyed) -> Keyed:
    """Every alias replaced by its canonical account (and the tables regrouped), as
    :func:`fundgraph.screen.rank.resolve_aggregates` does for text."""
    aliases = keyed.aliases
    mapping = alias_map(aliases) if len(aliases) else {}
    if not mapping:
        return keyed
    to = np.arange(len(keyed.texts), dtype=np.int64)
    src = keyed.codes(mapping.keys())
    dst = keyed.codes(mapping.values())
    if len(src) and (src.min() < 0 or dst.min() < 0):
        raise ValueError("an alias pair names an id without a code")
    to[src] = dst
    tables = {name: _regroup(name, df, to) for name, df in keyed.tables.items()}
    return Keyed(
        keyed.texts,
        tables,
        aliases,
        fetch=keyed.fetch,
        alias_to=to if keyed.fetch is not None else None,
    )
