"""Centrality on the amount-weighted fund-flow graph."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ..coded import CodedTransfers, code_transfers

__all__ = ["edge_codes", "edge_table", "flow_centrality", "EXACT_BETWEENNESS_MAX_NODES"]

#: Exact betweenness up to this many nodes (one BFS per node); sampled above it.
EXACT_BETWEENNESS_MAX_NODES = 5000


def edge_codes(
    G_or_table: nx.DiGraph | pd.DataFrame | CodedTransfers,
) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted accounts and the aggregated edges between them as integer arrays.

    Returns ``(nodes, src, dst, amount, count)``: ``src``/``dst`` index ``nodes``, ``amount``
    is the cents summed per ordered pair, ``count`` the number of transfers. Cash transfers
    are left out (their accounts are still nodes). A transfers table or its
    :class:`~fundgraph.coded.CodedTransfers` give the accounts its transfers name.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "a", "b"], "dst": ["b", "b", ""], "amount": [1, 2, 5]})
    >>> nodes, s, d, a, c = edge_codes(t)
    >>> list(nodes), s.tolist(), d.tolist(), a.tolist(), c.tolist()
    (['a', 'b'], [0], [1], [3], [2])
    """
    if isinstance(G_or_table, (pd.DataFrame, CodedTransfers)):
        c = G_or_table if isinstance(G_or_table, CodedTransfers) else code_transfers(G_or_table)
        e = c.pair_edges()
        return e.nodes, e.src, e.dst, e.amount, e.count
    G = G_or_table
    nodes = pd.Index(sorted(G.nodes), dtype=object)
    rows = [
        (u, v, int(a.get("amount", 0)), int(a.get("count", 1))) for u, v, a in G.edges(data=True)
    ]
    e = pd.DataFrame(rows, columns=["src", "dst", "amount", "count"])
    if G.is_multigraph():
        e = e.groupby(["src", "dst"], sort=True, as_index=False).agg(
            amount=("amount", "sum"), count=("count", "sum")
        )
    return (
        nodes,
        nodes.get_indexer(e["src"]).astype(np.int64),
        nodes.get_indexer(e["dst"]).astype(np.int64),
        e["amount"].to_numpy(np.int64),
        e["count"].to_numpy(np.int64),
    )


def edge_table(
    G_or_table: nx.DiGraph | pd.DataFrame | CodedTransfers,
) -> tuple[pd.Index, pd.DataFrame]:
    """Nodes and aggregated edges (``src``, ``dst``, ``amount``, ``count``) of a flow graph
    or of a transfers table (cash left out); see :func:`edge_codes`."""
    nodes, s, d, a, c = edge_codes(G_or_table)
    e = pd.DataFrame({"src": nodes[s], "dst": nodes[d], "amount": a, "count": c})
    return nodes, e


def _pagerank(
    n: int,
    s: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    alpha: float,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    M = sparse.csr_matrix((w, (s, d)), shape=(n, n))
    out = np.asarray(M.sum(axis=1)).ravel()
    inv = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    P = sparse.diags(inv) @ M
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        prev = x
        x = alpha * (P.T @ x + x[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - prev).sum() < n * tol:
            break
    return x / x.sum()


def _betweenness(
    nodes: pd.Index, s: np.ndarray, d: np.ndarray, k: int | None, seed: int
) -> np.ndarray:
    n = len(nodes)
    if n < 3:
        return np.zeros(n)
    sample = n if k is None else min(k, n)
    exact = sample >= n
    rng = np.random.default_rng(seed)
    sources = np.arange(n) if exact else np.sort(rng.choice(n, size=sample, replace=False))
    try:
        import igraph as ig
    except ImportError:  # networkx fallback (slower)
        H = nx.DiGraph()
        H.add_nodes_from(range(n))
        H.add_edges_from(zip(s.tolist(), d.tolist(), strict=False))
        if exact:
            b = nx.betweenness_centrality(H, normalized=True)
        else:
            b = nx.betweenness_centrality_subset(
                H, sources=sources.tolist(), targets=list(range(n))
            )
            b = {v: x * n / sample / ((n - 1) * (n - 2)) for v, x in b.items()}
        return np.array([b[i] for i in range(n)])
    g = ig.Graph(n=n, edges=np.stack([s, d], axis=1).tolist(), directed=True)
    raw = np.asarray(
        g.betweenness(directed=True)
        if exact
        else g.betweenness(directed=True, sources=sources.tolist()),
        dtype=np.float64,
    )
    if not exact:
        raw *= n / sample
    return raw / ((n - 1) * (n - 2))


def _int_sum(idx: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, idx, values)
    return out


def flow_centrality(
    G_or_table: nx.DiGraph | pd.DataFrame | CodedTransfers,
    *,
    alpha: float = 0.85,
    k: int | None = None,
    exact_below: int = EXACT_BETWEENNESS_MAX_NODES,
    seed: int = 42,
) -> pd.DataFrame:
    """PageRank weighted by amount, betweenness, in/out strength and counts per account.

    Parameters
    ----------
    G_or_table : DiGraph, DataFrame or CodedTransfers
        A :func:`fundgraph.graph.flow_graph` (edge ``amount`` in cents), a transfers table
        or its coded transfers (:meth:`fundgraph.case.Case.coded`).
    alpha : float
        PageRank damping factor.
    k : int, optional
        Source nodes sampled for betweenness; default exact up to ``exact_below`` nodes,
        else ``max(256, ...)`` sources drawn with ``seed``.
    exact_below : int
        Node count up to which betweenness is exact.
    seed : int
        Seed of the betweenness sample (results are reproducible).

    Returns
    -------
    DataFrame
        Indexed by account: ``pagerank``, ``betweenness`` (normalised as networkx does),
        ``in_strength``/``out_strength`` (cents), ``in_edges``/``out_edges`` (distinct
        counterparties), ``in_transfers``/``out_transfers``.

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "d"],
    ...     "amount": [100, 100, 100], "time": pd.to_datetime(["2022-01-01"] * 3)})
    >>> c = flow_centrality(t)
    >>> c["betweenness"].round(3).tolist()
    [0.0, 0.333, 0.333, 0.0]
    >>> bool(c["pagerank"].idxmax() == "d")
    True

    Notes
    -----
    PageRank is a sparse power iteration identical in definition to
    :func:`networkx.pagerank` (dangling mass spread uniformly). Betweenness counts hops
    (unweighted shortest paths): amounts are not distances. Exact betweenness costs one
    traversal per node, O(n·m); above ``exact_below`` nodes it is estimated from ``k``
    sampled sources and rescaled by n/k (Brandes & Pich), computed by igraph when present.

    References
    ----------
    .. [1] Page, L. et al. "The PageRank citation ranking", Stanford, 1999.
    .. [2] Brandes, U. "A faster algorithm for betweenness centrality", J. Math. Sociol.
       25(2), 2001; Brandes, U. & Pich, C. "Centrality estimation in large networks",
       IJBC 17(7), 2007.
    """
    nodes, s, d, amount, cnt = edge_codes(G_or_table)
    n = len(nodes)
    w = amount.astype(np.float64)
    pr = _pagerank(n, s, d, w, alpha)
    if k is None and n > exact_below:
        k = min(n, max(256, int(np.sqrt(n) * 2)))
    bt = _betweenness(nodes, s, d, k, seed)

    def bc(idx, weights):
        return np.bincount(idx, weights=weights, minlength=n) if len(idx) else np.zeros(n)

    out = pd.DataFrame(
        {
            "pagerank": pr,
            "betweenness": bt,
            "in_strength": _int_sum(d, amount, n),
            "out_strength": _int_sum(s, amount, n),
            "in_edges": bc(d, None).astype(np.int64),
            "out_edges": bc(s, None).astype(np.int64),
            "in_transfers": bc(d, cnt).astype(np.int64),
            "out_transfers": bc(s, cnt).astype(np.int64),
        },
        index=pd.Index(nodes, name="account"),
    )
    return out
