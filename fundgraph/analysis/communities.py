"""Communities: groups of accounts that trade money mostly among themselves."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd

from ..coded import CodedTransfers
from ..schema import ROLES
from .centrality import edge_codes

__all__ = ["louvain_communities", "community_table"]


def louvain_communities(
    G_or_table: nx.Graph | pd.DataFrame | CodedTransfers, *, seed: int = 42, resolution: float = 1.0
) -> pd.Series:
    """Louvain communities of the undirected amount-weighted projection.

    Parameters
    ----------
    G_or_table : graph, DataFrame or CodedTransfers
        A :func:`fundgraph.graph.flow_graph`, a transfers table or its coded transfers.
    seed : int
        Fixes the order in which nodes are visited: the same input gives the same result.
    resolution : float
        Modularity resolution (higher: smaller communities).

    Returns
    -------
    Series
        Community id by account, ``Int64``; ids numbered 0.. by size (largest first), ties
        by the smallest account id.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "b", "c", "x", "y", "z", "a"],
    ...                   "dst": ["b", "c", "a", "y", "z", "x", "x"],
    ...                   "amount": [100, 100, 100, 100, 100, 100, 1],
    ...                   "time": pd.to_datetime(["2022-01-01"] * 7)})
    >>> louvain_communities(t).to_dict()
    {'a': 0, 'b': 0, 'c': 0, 'x': 1, 'y': 1, 'z': 1}

    Notes
    -----
    Both directions of a pair are added into one undirected weight (yuan, float: a score,
    not money). igraph's multilevel implementation is used when installed (a 1M-transfer
    graph in about a second), with its random generator seeded for the run;
    :func:`networkx.community.louvain_communities` otherwise.

    References
    ----------
    .. [1] Blondel, V. D. et al. "Fast unfolding of communities in large networks",
       J. Stat. Mech. P10008, 2008.
    """
    all_nodes, s, d, amount, _ = edge_codes(G_or_table)
    if not isinstance(G_or_table, nx.Graph):
        # accounts with cash only have no community
        used = np.zeros(len(all_nodes), dtype=bool)
        used[s] = True
        used[d] = True
        remap_nodes = np.cumsum(used) - 1
        s, d = remap_nodes[s], remap_nodes[d]
        nodes = all_nodes[used]
    else:
        nodes = all_nodes
    n = len(nodes)
    if n == 0:
        return pd.Series(dtype="Int64")
    a, b = np.minimum(s, d), np.maximum(s, d)
    und = pd.DataFrame({"a": a, "b": b, "w": amount.astype(np.float64) / 100.0})
    und = und[und["a"] != und["b"]].groupby(["a", "b"], sort=True, as_index=False)["w"].sum()
    try:
        import igraph as ig
    except ImportError:
        ig = None
    if ig is not None:
        g = ig.Graph(n=n, edges=und[["a", "b"]].to_numpy().tolist(), directed=False)
        old = random.getstate()
        ig.set_random_number_generator(random.Random(seed))
        try:
            labels = np.asarray(
                g.community_multilevel(weights=und["w"].tolist(), resolution=resolution).membership
            )
        finally:
            ig.set_random_number_generator(random)
            random.setstate(old)
    else:
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_weighted_edges_from(und.itertuples(index=False, name=None))
        parts = nx.community.louvain_communities(
            H, weight="weight", seed=seed, resolution=resolution
        )
        labels = np.empty(n, dtype=np.int64)
        for i, p in enumerate(parts):
            labels[list(p)] = i
    # renumber: size desc, then smallest account (nodes are sorted, so the smallest index)
    df = pd.DataFrame({"label": labels, "i": np.arange(n)})
    key = df.groupby("label").agg(size=("i", "size"), first=("i", "min"))
    key = key.sort_values(["size", "first"], ascending=[False, True])
    remap = pd.Series(np.arange(len(key)), index=key.index)
    return pd.Series(
        remap.reindex(labels).to_numpy(), index=pd.Index(nodes, name="account"), dtype="Int64"
    )


def community_table(
    accounts: pd.DataFrame, transfers: pd.DataFrame, *, top: int = 5
) -> pd.DataFrame:
    """One row per community: size, accounts by role, internal amount, top accounts.

    Parameters
    ----------
    accounts : DataFrame
        Accounts with ``community``, ``role`` and ``pagerank`` filled.
    transfers : DataFrame
        Transfers (amounts in cents).
    top : int
        How many accounts (by PageRank) to list.

    Returns
    -------
    DataFrame
        ``community``, ``size``, one count column per role, ``amount`` (cents moved with both
        ends inside; written as yuan), ``top_accounts`` (";"-joined), sorted by ``community``.
    """
    a = accounts[accounts["community"].notna()]
    if a.empty:
        return pd.DataFrame(columns=["community", "size", *ROLES, "amount", "top_accounts"])
    comm = a.set_index("account")["community"]
    counts = pd.crosstab(a["community"], a["role"]).reindex(columns=list(ROLES), fill_value=0)
    out = pd.DataFrame({"size": a.groupby("community").size()}).join(counts)
    cs = transfers["src"].map(comm)
    cd = transfers["dst"].map(comm)
    inside = cs.notna() & (cs == cd)
    internal = transfers.loc[inside, "amount"].groupby(cs[inside]).sum()
    out["amount"] = internal.reindex(out.index).fillna(0).astype("int64")
    ranked = a.sort_values(["community", "pagerank", "account"], ascending=[True, False, True])
    out["top_accounts"] = ranked.groupby("community")["account"].agg(
        lambda x: ";".join(x.iloc[:top])
    )
    out.index.name = "community"
    out = out.reset_index()
    out["community"] = out["community"].astype("int64")
    for c in ("size", *ROLES):
        out[c] = out[c].astype("int64")
    return out
