"""Participants (集资参与人): what each paid in, got back and lost, counted by person."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..accounts import most_frequent
from ..schema import PARTICIPANTS
from ..tables import conform, empty_frame
from .structures import SchemeResult

__all__ = ["holder_fields", "holder_ids", "holder_names", "participant_table"]


_FIELDS = {
    "holder_id": ("holder_id", "counterparty_id", "src_id", "dst_id"),
    "holder_name": ("holder_name", "counterparty_name", "src_name", "dst_name"),
}


def holder_fields(
    transactions: pd.DataFrame | None,
    transfers: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
) -> dict[str, pd.Series]:
    """``{"holder_id": Series, "holder_name": Series}`` by account, from every place a
    statement shows them (see :func:`holder_ids`)."""
    # (frame, key column, field name per output)
    sources = []
    if accounts is not None and len(accounts):
        sources.append((accounts, "account", {f: c[0] for f, c in _FIELDS.items()}))
    if transactions is not None and len(transactions):
        sources.append((transactions, "account", {f: c[0] for f, c in _FIELDS.items()}))
        if "counterparty" in transactions:
            sources.append((transactions, "counterparty", {f: c[1] for f, c in _FIELDS.items()}))
    if transfers is not None and len(transfers):
        sources.append((transfers, "src", {f: c[2] for f, c in _FIELDS.items()}))
        sources.append((transfers, "dst", {f: c[3] for f, c in _FIELDS.items()}))
    sources = [x for x in sources if x[1] in x[0]]
    if not sources:
        return {f: pd.Series(dtype=object) for f in _FIELDS}
    keys = np.concatenate([df[k].to_numpy(dtype=object) for df, k, _ in sources])
    out = {}
    for field in _FIELDS:
        vals = np.concatenate(
            [
                df[cols[field]].to_numpy(dtype=object)
                if cols[field] in df
                else np.full(len(df), None, dtype=object)
                for df, _, cols in sources
            ]
        )
        out[field] = most_frequent(keys, vals, strip=True)
    return out


def holder_ids(
    transactions: pd.DataFrame | None,
    transfers: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
) -> pd.Series:
    """Holder id (证件号码) of each account wherever any statement shows it.

    Looks at the account's own statement (``transactions.holder_id``), the counterparty
    columns of other statements (``counterparty_id``), the transfers (``src_id``/``dst_id``)
    and the accounts table; the most frequent value wins, ties to the smallest.

    Examples
    --------
    >>> tx = pd.DataFrame({"account": ["a"], "holder_id": ["110"], "counterparty": ["b"],
    ...                    "counterparty_id": ["220"]})
    >>> holder_ids(tx).to_dict()
    {'a': '110', 'b': '220'}
    """
    return holder_fields(transactions, transfers, accounts)["holder_id"]


def holder_names(
    transactions: pd.DataFrame | None,
    transfers: pd.DataFrame | None = None,
    accounts: pd.DataFrame | None = None,
) -> pd.Series:
    """Holder name of each account wherever any statement shows it (as :func:`holder_ids`)."""
    return holder_fields(transactions, transfers, accounts)["holder_name"]


def participant_table(
    scheme: SchemeResult,
    *,
    ids: pd.Series | None = None,
    names: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per participant account (:data:`fundgraph.schema.PARTICIPANTS`).

    ``paid_in`` sums the investment transfers into scheme accounts, ``received_back`` the
    money scheme accounts paid back (interest, 返利, redemptions); ``net_loss`` is their
    difference, exact to the cent. ``person`` is the holder id where known, else the account.

    Parameters
    ----------
    scheme : SchemeResult
        From :func:`fundgraph.analysis.find_structures`.
    ids, names : Series, optional
        Holder id / name by account (see :func:`holder_ids`).

    Returns
    -------
    DataFrame
        Sorted by ``person`` then ``account``.

    Examples
    --------
    >>> from fundgraph.analysis.structures import SchemeResult
    >>> inv = pd.DataFrame({"src": ["a", "b", "a"], "dst": "c", "amount": [100, 200, 50],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-05"]),
    ...     "structure": 0})
    >>> ret = pd.DataFrame({"src": ["c"], "dst": ["a"], "amount": [30],
    ...     "time": pd.to_datetime(["2022-02-01"]), "structure": 0})
    >>> p = participant_table(SchemeResult(pd.DataFrame(), inv, ret), ids=pd.Series({"a": "X1"}))
    >>> p[["account", "person", "paid_in", "received_back", "net_loss"]].values.tolist()
    [['a', 'X1', 150, 30, 120], ['b', 'b', 200, 0, 200]]

    References
    ----------
    .. [1] 法释〔2022〕5号 第五条/第八条: 直接经济损失 = 集资参与人未归还的本金.
    """
    inv = scheme.investments
    if inv is None or inv.empty:
        return empty_frame(PARTICIPANTS)
    g = inv.groupby("src", sort=True)
    df = pd.DataFrame(
        {
            "paid_in": g["amount"].sum().astype("int64"),
            "first_paid": g["time"].min(),
            "last_paid": g["time"].max(),
            "deposits": g["amount"].size().astype("int64"),
        }
    )
    main = inv.groupby(["src", "structure"])["amount"].sum().reset_index()
    main = main.sort_values(["src", "amount", "structure"], ascending=[True, False, True])
    df["structure"] = main.drop_duplicates("src").set_index("src")["structure"]
    ret = scheme.returns
    back = (
        ret.groupby("dst")["amount"].sum()
        if ret is not None and len(ret)
        else pd.Series(dtype="int64")
    )
    df["received_back"] = back.reindex(df.index).fillna(0).astype("int64")
    df["net_loss"] = (df["paid_in"] - df["received_back"]).astype("int64")
    df.index.name = "account"
    df = df.reset_index()
    idmap = ids if ids is not None else pd.Series(dtype=object)
    nmap = names if names is not None else pd.Series(dtype=object)
    df["holder_id"] = (
        df["account"].map(idmap).astype(object).where(df["account"].isin(idmap.index), "")
    )
    df["holder_name"] = (
        df["account"].map(nmap).astype(object).where(df["account"].isin(nmap.index), "")
    )
    df["person"] = df["holder_id"].where(df["holder_id"] != "", df["account"])
    df = df.sort_values(["person", "account"], kind="stable")
    return conform(df, PARTICIPANTS, extra=False)
