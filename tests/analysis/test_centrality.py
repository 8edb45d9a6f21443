"""Centrality and communities: same answers as networkx, deterministic, fast paths."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from fundgraph.analysis import community_table, flow_centrality, louvain_communities
from fundgraph.graph import flow_graph
from tests.analysis.helpers import T0, table


def random_table(n_nodes=60, n_edges=400, seed=0):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_nodes, n_edges)
    dst = (src + rng.integers(1, n_nodes, n_edges)) % n_nodes
    rows = [
        (f"n{s:03d}", f"n{d:03d}", int(a), T0)
        for s, d, a in zip(src, dst, rng.integers(100, 10**7, n_edges), strict=True)
    ]
    return table(rows)


def test_pagerank_matches_networkx():
    t = random_table()
    G = flow_graph(t)
    ours = flow_centrality(t)["pagerank"]
    ref = pd.Series(nx.pagerank(G, weight="amount", tol=1e-12))
    assert np.allclose(ours.sort_index(), ref.sort_index(), atol=1e-8)


def test_exact_betweenness_matches_networkx():
    t = random_table(n_nodes=40, n_edges=120, seed=1)
    G = flow_graph(t)
    ours = flow_centrality(G)["betweenness"]
    ref = pd.Series(nx.betweenness_centrality(G))
    assert np.allclose(ours.sort_index(), ref.sort_index(), atol=1e-9)


def test_sampled_betweenness_is_reproducible_and_close():
    t = random_table(n_nodes=300, n_edges=1500, seed=2)
    a = flow_centrality(t, exact_below=100, k=150, seed=7)["betweenness"]
    b = flow_centrality(t, exact_below=100, k=150, seed=7)["betweenness"]
    exact = flow_centrality(t)["betweenness"]
    pd.testing.assert_series_equal(a, b)
    assert np.corrcoef(a, exact)[0, 1] > 0.9


def test_strengths_are_exact_cents():
    t = table([("a", "b", 10**15 + 1, T0), ("a", "b", 2, T0), ("b", "", 7, T0)])
    c = flow_centrality(t)
    assert c.loc["a", "out_strength"] == 10**15 + 3
    assert c.loc["b", "in_transfers"] == 2 and c.loc["b", "in_edges"] == 1


def two_cliques():
    rows = []
    for grp in ("x", "y"):
        for i in range(5):
            for j in range(5):
                if i != j:
                    rows.append((f"{grp}{i}", f"{grp}{j}", 10_000, T0))
    rows.append(("x0", "y0", 1, T0))
    rows += [("z0", "z1", 10_000, T0)]
    return table(rows)


def test_louvain_deterministic_and_numbered_by_size():
    t = two_cliques()
    a = louvain_communities(t, seed=1)
    b = louvain_communities(t.sample(frac=1, random_state=5), seed=1)
    pd.testing.assert_series_equal(a, b)
    assert a["x0"] == 0 and a["y0"] == 1 and a["z0"] == 2
    assert a.loc[[f"x{i}" for i in range(5)]].nunique() == 1


def test_louvain_networkx_fallback_agrees(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_igraph(name, *args, **kwargs):
        if name == "igraph":
            raise ImportError
        return real_import(name, *args, **kwargs)

    t = two_cliques()
    with_ig = louvain_communities(t)
    monkeypatch.setattr(builtins, "__import__", no_igraph)
    without = louvain_communities(t)
    pd.testing.assert_series_equal(with_ig, without)


def test_community_table():
    t = two_cliques()
    comm = louvain_communities(t)
    acc = pd.DataFrame(
        {"account": comm.index, "community": comm.to_numpy(), "role": "other", "pagerank": 1.0}
    )
    ct = community_table(acc, t)
    assert ct["community"].tolist() == [0, 1, 2]
    assert ct["size"].tolist() == [5, 5, 2]
    assert ct.loc[0, "amount"] == 20 * 10_000
    assert ct.loc[0, "top_accounts"].split(";")[0] == "x0"


@pytest.mark.parametrize("n", [0, 1, 2])
def test_tiny_graphs(n):
    t = table([(f"a{i}", f"a{i + 1}", 5, T0) for i in range(n)])
    c = flow_centrality(t)
    assert len(c) == (n + 1 if n else 0)
