"""Node positions computed in Python, so a page is still the moment it opens.

All layouts here are linear in the number of nodes (plus a sort), which keeps even a
2,000-node view under a few milliseconds; force-directed layouts are used only on small,
summarised graphs (at most a few hundred nodes).

A *forest* is given as ``parent``: node -> parent node (``None`` for a root), with nodes
in a stable order; children are laid out in that order.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, TypeVar

import networkx as nx

__all__ = ["layered_forest", "radial_forest", "spring_positions", "ring_positions"]

Pos = dict[Any, tuple[float, float]]  # nodes of an untyped networkx graph

#: node type of a forest: any hashable key, kept as the caller's own type in the result
N = TypeVar("N", bound=Hashable)


def _children(nodes: Sequence[N], parent: Mapping[N, N | None]) -> tuple[list[N], dict[N, list[N]]]:
    known = set(nodes)
    kids: dict[N, list[N]] = {n: [] for n in nodes}
    roots: list[N] = []
    for n in nodes:
        p = parent.get(n)
        if p is None or p not in known or p == n:
            roots.append(n)
        else:
            kids[p].append(n)
    return roots, kids


def _postorder(roots: list[N], kids: dict[N, list[N]]) -> list[N]:
    # iterative, so deep chains cannot hit the recursion limit; a cycle in ``parent``
    # is cut where a node is met a second time
    order: list[N] = []
    seen: set[N] = set()
    for r in roots:
        stack: list[tuple[N, bool]] = [(r, False)]
        while stack:
            n, done = stack.pop()
            if done:
                order.append(n)
                continue
            if n in seen:
                continue
            seen.add(n)
            stack.append((n, True))
            for c in reversed(kids[n]):
                if c not in seen:
                    stack.append((c, False))
    return order


def layered_forest(
    nodes: Sequence[N],
    parent: Mapping[N, N | None],
    row: Mapping[N, int],
    *,
    x_gap: float = 130.0,
    y_gap: float = 170.0,
    tree_gap: float = 1.0,
) -> dict[N, tuple[float, float]]:
    """Rows by ``row`` (top to bottom), each tree's leaves side by side, parents centred.

    A tidy layout in one pass: leaves take consecutive slots in depth-first order, so a
    subtree occupies one contiguous band and edges of the tree never cross; an inner
    node sits above the middle of its children. Trees are placed left to right with
    ``tree_gap`` empty slots between them.

    Parameters
    ----------
    nodes : sequence
        Nodes in display order (children keep this order under their parent).
    parent : mapping
        Node -> parent (``None`` or missing for roots).
    row : mapping
        Node -> row index; row 0 is at y = 0, larger rows lower.
    x_gap, y_gap : float
        Distance between slots and between rows.
    tree_gap : float
        Empty slots between two trees.

    Returns
    -------
    dict
        Node -> ``(x, y)``.

    Examples
    --------
    >>> pos = layered_forest(["c", "a", "b"], {"a": "c", "b": "c"}, {"c": 0, "a": 1, "b": 1})
    >>> pos["c"], pos["a"], pos["b"]
    ((65.0, 0.0), (0.0, 170.0), (130.0, 170.0))
    """
    roots, kids = _children(nodes, parent)
    x: dict[N, float] = {}
    slot = 0.0
    for r in roots:
        for n in _postorder([r], kids):
            if n in x:
                continue
            placed = [x[c] for c in kids[n] if c in x]
            if placed:
                x[n] = (min(placed) + max(placed)) / 2.0
            else:
                x[n] = slot
                slot += 1.0
        slot += tree_gap
    return {n: (x[n] * x_gap, float(row.get(n, 0)) * y_gap) for n in nodes}


def radial_forest(
    nodes: Sequence[N],
    parent: Mapping[N, N | None],
    *,
    weight: Mapping[N, float] | None = None,
    spacing: float = 70.0,
    ring_gap: float = 220.0,
) -> dict[N, tuple[float, float]]:
    """Each tree as a disc: its root in the centre, depth ``d`` on ring ``d``.

    A subtree gets an angular sector proportional to its number of leaves (optionally
    weighted), so siblings never overlap; the outer ring's radius grows so that leaves
    are at least ``spacing`` apart. Discs are then packed in rows, largest first.

    Parameters
    ----------
    nodes : sequence
        Nodes in display order.
    parent : mapping
        Node -> parent (``None`` or missing for roots).
    weight : mapping, optional
        Leaf weight (room it needs on its ring), default 1.
    spacing : float
        Minimum arc length between neighbouring leaves.
    ring_gap : float
        Minimum distance between rings.

    Returns
    -------
    dict
        Node -> ``(x, y)``.

    Examples
    --------
    >>> pos = radial_forest(["r", "a", "b"], {"a": "r", "b": "r"})
    >>> (rx, ry), (ax, ay) = pos["r"], pos["a"]
    >>> round(math.hypot(ax - rx, ay - ry))
    220
    """
    roots, kids = _children(nodes, parent)
    w = weight or {}
    discs: list[tuple[float, dict[N, tuple[float, float]]]] = []
    for r in roots:
        order = _postorder([r], kids)
        leaves: dict[N, float] = {}
        depth: dict[N, int] = {r: 0}
        for n in reversed(order):  # parents before children
            for c in kids[n]:
                depth[c] = depth[n] + 1
        for n in order:
            ks = [c for c in kids[n] if c in leaves]
            leaves[n] = sum(leaves[c] for c in ks) if ks else float(w.get(n, 1.0))
        max_depth = max(depth.values())
        total = leaves[r]
        outer = max(ring_gap * max_depth, total * spacing / (2 * math.pi))
        gap = outer / max_depth if max_depth else 0.0
        polar: dict[N, tuple[float, float]] = {}
        start: dict[N, float] = {r: 0.0}
        for n in reversed(order):
            a0 = start[n]
            span = 2 * math.pi * leaves[n] / total
            polar[n] = (depth[n] * gap, a0 + span / 2)
            cur = a0
            for c in kids[n]:
                start[c] = cur
                cur += 2 * math.pi * leaves[c] / total
        pts = {
            n: (rad * math.cos(ang), rad * math.sin(ang)) if rad else (0.0, 0.0)
            for n, (rad, ang) in polar.items()
        }
        discs.append((outer, pts))
    return _pack_discs(discs, margin=ring_gap)


def _pack_discs(
    discs: list[tuple[float, dict[N, tuple[float, float]]]], *, margin: float
) -> dict[N, tuple[float, float]]:
    # largest first, left to right in rows roughly as wide as the largest disc x 3
    order = sorted(range(len(discs)), key=lambda i: -discs[i][0])
    if not order:
        return {}
    width_limit = max(6 * discs[order[0]][0], 4 * margin) + margin
    out: dict[N, tuple[float, float]] = {}
    cx = cy = 0.0
    row_h = 0.0
    first = True
    for i in order:
        radius, pts = discs[i]
        d = 2 * radius + margin
        if not first and cx + d > width_limit:
            cx = 0.0
            cy += row_h
            row_h = 0.0
        ox, oy = cx + radius, cy + radius
        for n, (px, py) in pts.items():
            out[n] = (round(px + ox, 1), round(py + oy, 1))
        cx += d
        row_h = max(row_h, d)
        first = False
    return out


def spring_positions(G: nx.Graph, *, scale: float | None = None, seed: int = 7) -> Pos:
    """Force-directed positions for a small graph (a few hundred nodes at most).

    Parameters
    ----------
    G : networkx.Graph
        Edge attribute ``weight`` is used when present.
    scale : float, optional
        Half-width of the drawing, default grows with the square root of the node count.
    seed : int
        Fixed seed: the same case gives the same picture.

    Returns
    -------
    dict
        Node -> ``(x, y)``.
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    if scale is None:
        scale = 160.0 * math.sqrt(n) + 100.0
    if n == 1:
        return {next(iter(G.nodes)): (0.0, 0.0)}
    raw = nx.spring_layout(
        G, k=2.0 / math.sqrt(n), weight="weight", seed=seed, scale=scale, iterations=60
    )
    return {k: (round(float(v[0]), 1), round(float(v[1]), 1)) for k, v in raw.items()}


def ring_positions(
    center: tuple[float, float], count: int, *, spacing: float = 60.0
) -> list[tuple[float, float]]:
    """``count`` points on concentric rings around ``center`` (the layout of expanded groups).

    Examples
    --------
    >>> len(ring_positions((0.0, 0.0), 30))
    30
    """
    out: list[tuple[float, float]] = []
    ring = 1
    while len(out) < count:
        radius = ring * spacing * 1.5
        cap = max(6, int(2 * math.pi * radius / spacing))
        k = min(cap, count - len(out))
        for i in range(k):
            a = 2 * math.pi * i / k
            out.append((center[0] + radius * math.cos(a), center[1] + radius * math.sin(a)))
        ring += 1
    return out
