"""The per-account table every later stage starts from: totals, counts, names, aliases.

:func:`account_flows` is the one computation of per-account totals (on the coded
transfers, :mod:`fundgraph.coded`); :func:`most_frequent` the one choice of the best text
(a holder name or id) among what the statements show for an account; :func:`known_names`
the holder name a later stage shows for an account (the accounts table's first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .coded import CodedTransfers, code_transfers
from .schema import ACCOUNTS, CASH, is_cash
from .tables import conform

__all__ = ["account_table", "account_flows", "best_names", "most_frequent", "known_names"]


def most_frequent(keys, values, *, strip: bool = False) -> pd.Series:
    """The most frequent non-empty value per key (ties: the smallest text), by key.

    Empty and missing keys (cash) and values are left out. With ``strip``, blanks around
    a value are no part of its text (a value of blanks only is empty).

    Examples
    --------
    >>> most_frequent(["a", "a", "a", "b", ""], ["x", "y", "y", "", "z"]).to_dict()
    {'a': 'y'}
    >>> most_frequent(["a", "a"], ["y", "x"]).to_dict()
    {'a': 'x'}
    """
    kcode, kuniq = pd.factorize(np.asarray(keys, dtype=object), use_na_sentinel=True)
    vcode, vuniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    kuniq = np.asarray(kuniq, dtype=object)
    text = pd.Series(vuniq, dtype=object).astype(str)
    if strip:
        text = text.str.strip()
    text = text.to_numpy(dtype=object)
    ok = (vcode >= 0) & (kcode >= 0)
    ok[ok] = text[vcode[ok]] != ""
    ok[ok] = kuniq[kcode[ok]] != CASH
    if not ok.any():
        return pd.Series(dtype=object)
    df = pd.DataFrame({"k": kcode[ok], "v": vcode[ok]})
    cnt = df.groupby(["k", "v"], sort=False).size().reset_index(name="n")
    cnt["text"] = text[cnt["v"].to_numpy()]
    cnt = cnt.sort_values(["k", "n", "text"], ascending=[True, False, True], kind="stable")
    best = cnt.drop_duplicates("k")
    out = pd.Series(
        best["text"].to_numpy(),
        dtype=object,
        index=pd.Index(kuniq[best["k"].to_numpy()], name="account"),
    )
    return out.sort_index()


def known_names(accounts: pd.DataFrame | None, transfers: pd.DataFrame | None = None) -> pd.Series:
    """Holder name per account: the accounts table's, else the first name a transfer gives
    it as payer (``src_name``), else as payee (``dst_name``). Accounts without a name are
    left out; the order is that of first appearance.

    Examples
    --------
    >>> acc = pd.DataFrame({"account": ["a", "b"], "holder_name": ["张三", ""]})
    >>> t = pd.DataFrame({"src": ["b", "c", ""], "dst": ["c", "b", "c"],
    ...     "src_name": ["", "C1", "x"], "dst_name": ["C2", "B2", ""]})
    >>> known_names(acc, t).to_dict()
    {'a': '张三', 'c': 'C1', 'b': 'B2'}
    """
    sources = []
    if accounts is not None and "holder_name" in accounts and len(accounts):
        sources.append((accounts["account"], accounts["holder_name"]))
    if transfers is not None:
        for side in ("src", "dst"):
            if f"{side}_name" in transfers:
                sources.append((transfers[side], transfers[f"{side}_name"]))
    parts = []
    for keys, vals in sources:
        k = keys.to_numpy(dtype=object)
        v = vals.to_numpy(dtype=object)
        ok = (pd.Series(v, dtype=object).fillna("").to_numpy() != "") & pd.notna(k) & (k != CASH)
        parts.append(pd.Series(v[ok], index=pd.Index(k[ok], dtype=object), dtype=object))
    if not parts:
        return pd.Series(dtype=object)
    out = pd.concat(parts)
    return out[~out.index.duplicated()]


def _mode(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    return most_frequent(frame[key].to_numpy(dtype=object), frame[value].to_numpy(dtype=object))


def best_names(transactions: pd.DataFrame, transfers: pd.DataFrame) -> pd.DataFrame:
    """Holder name and id per account: its own statement first, else what others' statements
    show for it as counterparty."""
    own_name = _mode(transactions, "account", "holder_name")
    own_id = _mode(transactions, "account", "holder_id")
    seen = pd.concat(
        [
            transfers[["src", "src_name", "src_id"]].set_axis(["account", "name", "id"], axis=1),
            transfers[["dst", "dst_name", "dst_id"]].set_axis(["account", "name", "id"], axis=1),
        ],
        ignore_index=True,
    )
    other_name = _mode(seen, "account", "name")
    other_id = _mode(seen, "account", "id")
    names = own_name.combine_first(other_name)
    ids = own_id.combine_first(other_id)
    return pd.DataFrame({"holder_name": names, "holder_id": ids})


def account_table(
    transactions: pd.DataFrame, transfers: pd.DataFrame, aliases: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per account seen (in a statement or as a counterparty), sorted by account.

    ``in_amount``/``out_amount`` include cash deposits and withdrawals (also shown apart as
    ``cash_in``/``cash_out``) and money from or to a counterparty the statement does not
    name (``unknown_in``/``unknown_out``, see :func:`fundgraph.schema.is_cash`);
    ``in_degree``/``out_degree`` count distinct counterparty accounts
    (:func:`account_flows`). Analysis columns (role, level, ...) are left empty.

    Parameters
    ----------
    transactions : DataFrame
        The accepted statement rows (:attr:`fundgraph.ingest.Ingested.transactions`);
        ``account``, ``holder_name`` and ``holder_id`` are read. An account with rows here
        is ``obtained`` (its statement is in the case).
    transfers : DataFrame
        The transfers (:func:`fundgraph.ingest.build_transfers`): ``src``, ``dst``,
        ``amount`` (cents), ``time``, ``counterparty_kind`` and the names and ID numbers
        of both sides.
    aliases : dict of str to str, optional
        Alias to canonical account (:attr:`fundgraph.ingest.Ingested.aliases`), listed in
        the ``aliases`` column of the canonical account.

    Returns
    -------
    DataFrame
        The columns of :data:`fundgraph.schema.ACCOUNTS`. ``holder_name``/``holder_id``
        are the most frequent that the account's own statement shows, else what other
        statements show for it as counterparty (:func:`best_names`).

    See Also
    --------
    account_flows : the totals and counts alone.
    fundgraph.analysis.analyze_case : fills in the analysis columns.

    Examples
    --------
    The statement of a collector ``col``: two payers in, one cash withdrawal out.

    >>> import pandas as pd
    >>> tx = pd.DataFrame({"account": ["col", "col", "col"], "holder_name": "王五",
    ...                    "holder_id": ""})
    >>> t = pd.DataFrame({"src": ["p1", "p2", "col"], "dst": ["col", "col", ""],
    ...     "amount": [5_000_000, 3_000_000, 1_000_000],
    ...     "counterparty_kind": ["account", "account", "cash"],
    ...     "time": pd.to_datetime(["2022-03-01", "2022-03-02", "2022-03-05"]),
    ...     "src_name": ["张三", "李四", "王五"], "dst_name": ["王五", "王五", ""],
    ...     "src_id": "", "dst_id": ""})
    >>> acc = account_table(tx, t, {"6222000000000100": "col"})
    >>> acc[["account", "holder_name", "obtained", "aliases"]].values.tolist()
    [['col', '王五', True, '6222000000000100'], ['p1', '张三', False, ''], ['p2', '李四', False, '']]
    >>> acc[["account", "in_amount", "out_amount", "cash_out", "in_degree"]].values.tolist()
    [['col', 8000000, 1000000, 1000000, 2], ['p1', 0, 5000000, 0, 0], ['p2', 0, 3000000, 0, 0]]
    """
    t = transfers
    df = account_flows(t, code_transfers(t, transactions[["account"]]))
    names = best_names(transactions, t)
    df = df.join(names)
    df["holder_name"] = df["holder_name"].fillna("")
    df["holder_id"] = df["holder_id"].fillna("")
    df["obtained"] = df.index.isin(set(transactions["account"]))
    alias_lists: dict[str, list[str]] = {}
    for alias, canon in (aliases or {}).items():
        alias_lists.setdefault(canon, []).append(alias)
    df["aliases"] = [";".join(sorted(alias_lists.get(a, []))) for a in df.index]
    df["role"] = ""
    return conform(df.reset_index(), ACCOUNTS)


def account_flows(transfers: pd.DataFrame, coded: CodedTransfers | None = None) -> pd.DataFrame:
    """Per-account totals from the transfers table (cents and counts).

    Columns: ``in_amount``, ``out_amount`` (cash included), ``in_count``, ``out_count``,
    ``in_degree``, ``out_degree`` (distinct accounts), ``cash_in``, ``cash_out`` (the
    statement says cash), ``unknown_in``, ``unknown_out`` (no counterparty named, not
    cash: see :func:`fundgraph.schema.is_cash`), ``first_time``, ``last_time``. One row per
    account of ``coded`` (default: :func:`fundgraph.coded.code_transfers` of
    ``transfers``), sorted.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "a", ""], "dst": ["b", "b", "a"], "amount": [1, 2, 5],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"])})
    >>> account_flows(t)[["in_amount", "out_amount", "out_degree", "cash_in"]].values.tolist()
    [[5, 3, 1, 5], [3, 0, 0, 0]]
    """
    c = coded if coded is not None else code_transfers(transfers)
    n, s, d, amt = c.n, c.s_all, c.d_all, c.a_all
    tm = c.t_all.astype(np.int64)

    def total(idx, mask):
        out = np.zeros(n, dtype=np.int64)
        np.add.at(out, idx[mask], amt[mask])
        return out

    def count(idx, mask):
        return np.bincount(idx[mask], minlength=n).astype(np.int64)

    def distinct(a, b, mask):
        key = np.unique(a[mask] * max(n, 1) + b[mask])
        return np.bincount(key // max(n, 1), minlength=n).astype(np.int64)

    hi = np.iinfo(np.int64).max
    first = np.full(n, hi, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    for side in (s, d):
        ok = side >= 0
        np.minimum.at(first, side[ok], tm[ok])
        np.maximum.at(last, side[ok], tm[ok])
    both = (s >= 0) & (d >= 0)
    cash = is_cash(transfers)
    df = pd.DataFrame(
        {
            "in_amount": total(d, d >= 0),
            "out_amount": total(s, s >= 0),
            "in_count": count(d, d >= 0),
            "out_count": count(s, s >= 0),
            "in_degree": distinct(d, s, both),
            "out_degree": distinct(s, d, both),
            "cash_in": total(d, (d >= 0) & (s < 0) & cash),
            "cash_out": total(s, (s >= 0) & (d < 0) & cash),
            "unknown_in": total(d, (d >= 0) & (s < 0) & ~cash),
            "unknown_out": total(s, (s >= 0) & (d < 0) & ~cash),
            "first_time": pd.to_datetime(
                np.where(first == hi, np.datetime64("NaT"), first.astype("datetime64[ns]"))
            ),
            "last_time": pd.to_datetime(last.astype("datetime64[ns]")),
        },
        index=pd.Index(c.nodes, name="account"),
    )
    return df
