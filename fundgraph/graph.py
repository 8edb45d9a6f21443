"""The fund-flow graph built from the transfers table.

Nodes are canonical account ids (strings). Cash is not a node: deposits and withdrawals are
kept on the account as ``cash_in``/``cash_out`` (cents), so one shared "cash" node does not
distort centrality; money from or to a counterparty the statement does not name is kept
apart as ``unknown_in``/``unknown_out``. Edge amounts are integer cents.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .accounts import account_flows
from .schema import CASH

__all__ = ["transfer_multigraph", "flow_graph", "aggregate_edges"]


def _account_flows(transfers: pd.DataFrame) -> pd.DataFrame:
    return transfers[(transfers["src"] != CASH) & (transfers["dst"] != CASH)]


def aggregate_edges(transfers: pd.DataFrame) -> pd.DataFrame:
    """One row per (src, dst) pair of accounts: ``amount`` (cents), ``count``, ``first_time``,
    ``last_time``; sorted by src, dst. Cash transfers are left out."""
    t = _account_flows(transfers)
    if t.empty:
        return pd.DataFrame(
            {
                "src": pd.Series(dtype=object),
                "dst": pd.Series(dtype=object),
                "amount": pd.Series(dtype="int64"),
                "count": pd.Series(dtype="int64"),
                "first_time": pd.Series(dtype="datetime64[ns]"),
                "last_time": pd.Series(dtype="datetime64[ns]"),
            }
        )
    g = t.groupby(["src", "dst"], sort=True, observed=True).agg(
        amount=("amount", "sum"),
        count=("amount", "size"),
        first_time=("time", "min"),
        last_time=("time", "max"),
    )
    g = g.reset_index()
    g["amount"] = g["amount"].astype("int64")
    g["count"] = g["count"].astype("int64")
    return g


def _add_account_nodes(G: nx.Graph, transfers: pd.DataFrame, accounts: pd.DataFrame | None) -> None:
    if accounts is not None and len(accounts):
        cols = [
            c for c in ("holder_name", "holder_id", "role", "level", "obtained") if c in accounts
        ]
        recs = accounts[["account", *cols]].to_dict("records")
        G.add_nodes_from((r.pop("account"), r) for r in recs)
    nodes = pd.unique(pd.concat([transfers["src"], transfers["dst"]], ignore_index=True))
    G.add_nodes_from(n for n in sorted(nodes) if n != CASH)
    keys = ["cash_in", "cash_out", "unknown_in", "unknown_out"]
    sums = account_flows(transfers)[keys].to_dict("index")
    zero = dict.fromkeys(keys, 0)
    for n in G.nodes:
        G.nodes[n].update({k: int(v) for k, v in sums.get(n, zero).items()})


def flow_graph(transfers: pd.DataFrame, accounts: pd.DataFrame | None = None) -> nx.DiGraph:
    """Aggregated directed graph: one edge per ordered pair of accounts.

    Edge attributes: ``amount`` (cents), ``count``, ``first_time``, ``last_time``.
    Node attributes: ``cash_in``, ``cash_out``, ``unknown_in``, ``unknown_out`` and, when ``accounts`` is given,
    ``holder_name``, ``holder_id``, ``role``, ``level``, ``obtained``.

    Parameters
    ----------
    transfers : DataFrame
        The transfers (:data:`fundgraph.schema.TRANSFERS`): ``src``, ``dst`` ("" for cash
        or a counterparty the statement does not name), ``amount`` (cents), ``time``, and
        ``counterparty_kind`` where cash and unknown counterparties are to be told apart.
    accounts : DataFrame, optional
        The accounts table (:func:`fundgraph.accounts.account_table`, or a case's
        analysed one), whose columns listed above become node attributes; its accounts
        without a transfer become nodes too.

    Returns
    -------
    networkx.DiGraph
        Nodes are account ids (strings; cash and unnamed counterparties are no nodes),
        in sorted order after those of ``accounts``; edges are sorted by ``src``, ``dst``.

    See Also
    --------
    transfer_multigraph : one edge per transfer instead.
    aggregate_edges : the edges as a table.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"src": ["a", "a", "b"], "dst": ["b", "b", ""],
    ...                   "amount": [100, 250, 50],
    ...                   "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"])})
    >>> G = flow_graph(t)
    >>> G["a"]["b"]["amount"], G["a"]["b"]["count"], G.nodes["b"]["cash_out"]
    (350, 2, 50)
    >>> sorted(G.nodes), G.number_of_edges()
    (['a', 'b'], 1)
    >>> G["a"]["b"]["first_time"], G["a"]["b"]["last_time"]
    (Timestamp('2022-01-01 00:00:00'), Timestamp('2022-01-02 00:00:00'))
    """
    G = nx.DiGraph()
    _add_account_nodes(G, transfers, accounts)
    agg = aggregate_edges(transfers)
    G.add_edges_from(
        (
            r[0],
            r[1],
            {"amount": int(r[2]), "count": int(r[3]), "first_time": r[4], "last_time": r[5]},
        )
        for r in agg[["src", "dst", "amount", "count", "first_time", "last_time"]].itertuples(
            index=False, name=None
        )
    )
    return G


def transfer_multigraph(
    transfers: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> nx.MultiDiGraph:
    """One edge per transfer between accounts, keyed by ``transfer_id``.

    Edge attributes: ``amount`` (cents), ``time``, ``memo``.

    Parameters
    ----------
    transfers : DataFrame
        As for :func:`flow_graph`; ``transfer_id`` (default: the row number) and ``memo``
        are read where present.
    accounts : DataFrame, optional
        As for :func:`flow_graph`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and node attributes as in :func:`flow_graph`; one edge per transfer between
        two accounts (cash deposits and withdrawals are only node attributes).

    See Also
    --------
    flow_graph : one edge per ordered pair of accounts.
    fundgraph.analysis.tracing.trace_forward : accepts this graph.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"transfer_id": [7, 8, 9], "src": ["a", "a", "b"],
    ...                   "dst": ["b", "b", ""], "amount": [100, 250, 50],
    ...                   "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"]),
    ...                   "memo": ["投资款", "投资款", "取现"]})
    >>> M = transfer_multigraph(t)
    >>> sorted(M.edges(keys=True))
    [('a', 'b', 7), ('a', 'b', 8)]
    >>> M["a"]["b"][8]["amount"], M["a"]["b"][8]["memo"], M.nodes["b"]["cash_out"]
    (250, '投资款', 50)
    """
    G = nx.MultiDiGraph()
    _add_account_nodes(G, transfers, accounts)
    t = _account_flows(transfers)
    memo = t["memo"] if "memo" in t else pd.Series([""] * len(t), index=t.index)
    ids = t["transfer_id"] if "transfer_id" in t else pd.Series(range(len(t)), index=t.index)
    G.add_edges_from(
        (s, d, int(k), {"amount": int(a), "time": tm, "memo": m})
        for s, d, k, a, tm, m in zip(
            t["src"], t["dst"], ids, t["amount"], t["time"], memo, strict=True
        )
    )
    return G
