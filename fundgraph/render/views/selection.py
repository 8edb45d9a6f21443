"""What each view draws: the accounts shown, the groups the others fold into, and
where everything is placed (``overview``, ``pyramid``, ``community``, ``ego``)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from ...i18n import t
from ...schema import ROLES
from ..layout import layered_forest, radial_forest, spring_positions
from .context import _ROLE_INDEX, _anchors, _Context, _fit, _ranked, _Selection, _strongest_parent

#: Scheme accounts drawn per level of the pyramid (the rest fold into branch groups).
PYRAMID_PER_ROW = 16


_SCHEME = ("core", "collector", "transit")


def _derive_levels(ctx: _Context) -> np.ndarray:
    """Levels from the case, or hops up the money flow from core accounts where absent."""
    lv = ctx.acc["level"].astype("Float64").fillna(-1).astype("int64").to_numpy().copy()
    roles = ctx.acc["role"].to_numpy()
    lv[(roles == "core") & (lv < 0)] = 0
    if (lv >= 0).sum() > (roles == "core").sum() or not (roles == "core").any():
        return lv
    # no levels in the case: breadth-first against the money flow through scheme accounts
    e = ctx.edges
    scheme = np.isin(roles, _SCHEME)
    ups: dict[int, list[int]] = {}
    for u, v in zip(e["u"].to_numpy(), e["v"].to_numpy(), strict=False):
        if scheme[u]:
            ups.setdefault(int(v), []).append(int(u))
    frontier = [int(i) for i in np.flatnonzero(lv == 0)]
    while frontier:
        nxt = []
        for n in frontier:
            for s in ups.get(n, ()):
                if lv[s] < 0:
                    lv[s] = lv[n] + 1
                    nxt.append(s)
        frontier = nxt
    return lv


def _select_overview(ctx: _Context, max_nodes: int) -> _Selection:
    roles = ctx.acc["role"].to_numpy()
    n = len(roles)
    priority: list[int] = []
    priority += _ranked(ctx, roles == "core")
    priority += _ranked(ctx, np.isin(roles, ("collector", "transit")))
    priority += _ranked(ctx, roles == "beneficiary")
    other = roles == "other"
    by_amount = _ranked(ctx, other)[:30]
    by_rank = _ranked(ctx, other, by="pagerank")[:30]
    seen: set[int] = set(priority)
    for a in (
        [x for pair in zip(by_amount, by_rank, strict=False) for x in pair] + by_amount + by_rank
    ):
        if a not in seen:
            priority.append(a)
            seen.add(a)
    for a in _ranked(ctx, roles == "participant")[:20]:
        if a not in seen:
            priority.append(a)
            seen.add(a)
    shown, group_of, groups = _fit(ctx, priority, np.arange(n), max_nodes)
    sel = _Selection(shown=shown, group_of=group_of, groups=groups)
    parent_for = _tree_parents(ctx, shown, groups, _derive_levels(ctx))
    units = [("a", a) for a in shown] + [("g", g) for g in range(len(groups))]
    weight = {("g", g): 2.0 for g in range(len(groups))}
    sel.positions = radial_forest(units, parent_for, weight=weight)
    sel.tree = [(u, q) for u, q in parent_for.items() if q is not None]
    return sel


def _tree_parents(
    ctx: _Context, shown: list[int], groups: list[dict[str, Any]], levels: np.ndarray
) -> dict[tuple[str, int], tuple[str, int] | None]:
    """A spanning forest for radial layouts: each account hangs under its strongest
    neighbour one level closer to the core (or any stronger shown account), each group
    under its anchor."""
    roles = ctx.acc["role"].to_numpy()
    rank = {a: i for i, a in enumerate(shown)}
    levels_shown = {int(levels[a]) for a in shown}

    def allowed(a: int, b: int) -> bool:
        if roles[a] == "core" and levels[a] == 0:
            return False
        if levels[a] > 0 and levels[a] - 1 in levels_shown:
            return levels[b] == levels[a] - 1
        return rank[b] < rank[a]

    par = _strongest_parent(ctx, shown, allowed)
    out: dict[tuple[str, int], tuple[str, int] | None] = {
        ("a", a): (("a", p) if p is not None else None) for a, p in par.items()
    }
    for g, grp in enumerate(groups):
        out[("g", g)] = ("a", grp["anchor"]) if grp.get("anchor") is not None else None
    return out


def _pyramid_fold(
    ctx: _Context,
    levels: np.ndarray,
    scheme: np.ndarray,
    benef: np.ndarray,
    particip: np.ndarray,
    max_nodes: int,
    per_row: int = PYRAMID_PER_ROW,
) -> tuple[list[int], dict[int, int], list[dict[str, Any]]]:
    """Scheme accounts to draw, level by level, and the groups the rest fold into.

    Each level shows at most ``per_row`` accounts (the largest whose upstream account is
    shown); a collector left out is folded, with everything below it and its
    participants, into one "branch" group under its nearest shown upstream account.
    Participants fold by the scheme account they paid most.
    """
    flow = ctx.acc["flow"].to_numpy()
    acct = ctx.acc["account"].to_numpy()
    scheme_idx = [int(a) for a in np.flatnonzero(scheme)]
    up = _strongest_parent(
        ctx,
        scheme_idx,
        lambda a, b: bool(levels[a] > 0 and scheme[b] and levels[b] == levels[a] - 1),
    )
    part_idx = np.flatnonzero(particip)
    main = (
        _anchors(ctx, part_idx, np.asarray(scheme_idx, dtype="int64"))
        if scheme_idx
        else pd.Series(dtype="int64")
    )
    by_level: dict[int, list[int]] = {}
    for a in sorted(scheme_idx, key=lambda a: (-int(flow[a]), acct[a])):
        by_level.setdefault(int(levels[a]), []).append(a)
    benef_rank = _ranked(ctx, benef)
    while True:
        shown_set: set[int] = set()
        shown: list[int] = []
        for lv in sorted(by_level):
            visible = [a for a in by_level[lv] if up.get(a) is None or up[a] in shown_set]
            keep = visible if lv == 0 else visible[:per_row]
            shown += keep
            shown_set.update(keep)
        shown += benef_rank[:per_row]
        shown_set.update(benef_rank[:per_row])

        key_of: dict[int, tuple[int, str]] = {}
        for a in scheme_idx:
            if a not in shown_set:
                anc = _shown_ancestor(a, up, shown_set)
                key_of[a] = (anc if anc is not None else -1, "branch")
        for p, m in zip(main.index.to_numpy(), main.to_numpy(), strict=True):
            p, m = int(p), int(m)
            key_of[p] = (m, "participant") if m in shown_set else key_of.get(m, (-1, "participant"))
        for p in part_idx:
            key_of.setdefault(int(p), (-1, "participant"))
        for b in benef_rank[per_row:]:
            key_of[b] = (-1, "beneficiary")
        order = {a: i for i, a in enumerate(shown)}
        keys = sorted(set(key_of.values()), key=lambda k: (order.get(k[0], len(order)), k[1]))
        if len(shown) + len(keys) <= max_nodes or per_row <= 1:
            break
        per_row = max(1, per_row * 2 // 3)
    gid = {k: i for i, k in enumerate(keys)}
    group_of = {a: gid[k] for a, k in key_of.items()}
    groups = [
        {
            "kind": "branch" if kind == "branch" else "members",
            "role": "collector" if kind == "branch" else kind,
            "anchor": anc if anc >= 0 else None,
        }
        for anc, kind in keys
    ]
    return shown, group_of, groups


def _shown_ancestor(a: int, up: dict[int, int | None], shown: set[int]) -> int | None:
    """The nearest account up the chain ``up`` that is drawn (cycles are cut after 64 steps)."""
    cur: int | None = a
    for _ in range(64):
        if cur is None or cur in shown:
            break
        cur = up.get(cur)
    return cur if cur in shown else None


def _select_pyramid(ctx: _Context, max_nodes: int, per_level: int = PYRAMID_PER_ROW) -> _Selection:
    roles = ctx.acc["role"].to_numpy()
    levels = _derive_levels(ctx)
    in_structure = levels >= 0
    scheme = np.isin(roles, _SCHEME) & in_structure
    benef = roles == "beneficiary"
    particip = roles == "participant"
    lv_key = np.where(levels >= 0, levels, 99)
    flow = ctx.acc["flow"].to_numpy()
    shown, group_of, groups = _pyramid_fold(
        ctx, levels, scheme, benef, particip, max_nodes, per_row=per_level
    )
    sel = _Selection(shown=shown, group_of=group_of, groups=groups, expand="grid")
    if not shown:
        sel.note = t("views.note.no_structure", ctx.lang)

    # rows: beneficiaries 0, core 1, level L -> L + 1; groups one row below their anchor
    row: dict[tuple[str, int], int] = {}
    for a in shown:
        row[("a", a)] = 0 if benef[a] and levels[a] < 0 else int(lv_key[a]) + 1
    if shown and max(row.values()) >= 99:
        fix = max([r for r in row.values() if r < 99] + [1])
        for unit, r in row.items():
            if r >= 99:
                row[unit] = fix
    for g, grp in enumerate(groups):
        anc = grp["anchor"]
        if grp["role"] == "beneficiary":
            row[("g", g)] = 0
        elif anc is None:
            row[("g", g)] = max(row.values(), default=1) + 1
        else:
            row[("g", g)] = row[("a", anc)] + 1 if row[("a", anc)] > 0 else 2
    # parents: the strongest shown neighbour one row up
    par = _strongest_parent(
        ctx, shown, lambda a, b: row[("a", a)] > 1 and row[("a", b)] == row[("a", a)] - 1
    )
    parent: dict[tuple[str, int], tuple[str, int] | None] = {}
    tree_units: list[tuple[str, int]] = []
    for a in shown:
        if row[("a", a)] == 0:
            continue
        tree_units.append(("a", a))
        parent[("a", a)] = ("a", q) if (q := par.get(a)) is not None else None
    for g, grp in enumerate(groups):
        if row[("g", g)] == 0:
            continue
        tree_units.append(("g", g))
        anc = grp["anchor"]
        parent[("g", g)] = ("a", anc) if anc is not None and ("a", anc) in parent else None
    # children ordered by amount so the biggest branches stand out on the left
    gflow = _group_flows(ctx, group_of, len(groups))
    size = {u: (flow[u[1]] if u[0] == "a" else gflow[u[1]]) for u in tree_units}
    tree_units.sort(key=lambda u: (row[u], -size[u], u))
    x_gap = 160.0
    pos = layered_forest(tree_units, parent, row, x_gap=x_gap, y_gap=1.0)
    # beneficiaries: a row above the core, centred over the drawing
    top = [("a", a) for a in shown if row[("a", a)] == 0] + [
        ("g", g) for g in range(len(groups)) if row[("g", g)] == 0
    ]
    xs = [p[0] for p in pos.values()] or [0.0]
    cores = [pos[("a", a)][0] for a in shown if row[("a", a)] == 1 and ("a", a) in pos]
    mid = sum(cores) / len(cores) if cores else (min(xs) + max(xs)) / 2
    for i, u in enumerate(top):
        pos[u] = (mid + (i - (len(top) - 1) / 2) * 1.6 * x_gap, 0.0)
    # rows as tall as needed for the drawing to fill a landscape screen when fitted,
    # and busy rows zig-zagged so neighbouring labels do not collide
    xs = [p[0] for p in pos.values()] or [0.0]
    width = max(xs) - min(xs) + x_gap + 600.0
    n_rows = len(set(row.values()))
    y_gap = min(1400.0, max(220.0, 0.58 * width / max(1, n_rows - 1)))
    by_row_x: dict[int, list[tuple[float, tuple[str, int]]]] = {}
    for u, (x, _y) in pos.items():
        by_row_x.setdefault(row[u], []).append((x, u))
    placed: dict[tuple[str, int], tuple[float, float]] = {}
    for r, items in by_row_x.items():
        items.sort()
        lanes = 1 if len(items) <= 4 else (2 if len(items) <= 24 else 3)
        offsets = {1: [0.0], 2: [-0.17, 0.17], 3: [-0.24, 0.0, 0.24]}[lanes]
        for k, (x, u) in enumerate(items):
            dy = offsets[k % lanes] * y_gap
            placed[u] = (round(x, 1), round(r * y_gap + dy, 1))
    sel.positions = placed
    sel.tree = [(u, p) for u, p in parent.items() if p is not None]
    scale = 1050.0 / width
    sel.font_scale = round(min(8.0, max(1.0, 12.5 / (14.0 * scale))), 2)
    sel.row_height = y_gap
    # row labels
    rows_used = sorted(set(row.values()))
    lang = ctx.lang
    for r in rows_used:
        members = [u for u, rr in row.items() if rr == r]
        n_acc = sum(1 for u in members if u[0] == "a")
        n_fold = sum(1 for u in members if u[0] == "g")
        if r == 0:
            text = t("views.row.beneficiaries", lang)
        elif r == 1:
            text = t("views.row.core", lang)
        else:
            text = t("views.row.level", lang, level=r - 1)
        sel.rows.append({"y": r * y_gap, "text": text, "accounts": n_acc, "groups": n_fold})
    return sel


def _group_flows(ctx: _Context, group_of: dict[int, int], n_groups: int) -> list[int]:
    out = [0] * n_groups
    flow = ctx.acc["flow"].to_numpy()
    for a, g in group_of.items():
        out[g] += int(flow[a])
    return out


def _select_community(ctx: _Context, max_nodes: int) -> _Selection:
    acc = ctx.acc
    com = acc["community"].astype("Float64")
    if com.isna().all():
        com = acc["structure"].astype("Float64")
    if com.isna().all():
        com = pd.Series(_components(ctx), dtype="Float64")
    com = com.fillna(-1).astype("int64").to_numpy()
    has = com >= 0
    totals = (
        pd.DataFrame({"c": com[has], "flow": acc["flow"].to_numpy()[has]})
        .groupby("c")["flow"]
        .agg(["sum", "size"])
        .sort_values(["sum", "size"], ascending=False)
    )
    keep = list(totals.index[: max(1, max_nodes - 1)])
    rest = list(totals.index[max(1, max_nodes - 1) :])
    roles = acc["role"].to_numpy()
    gid = {int(c): i for i, c in enumerate(keep)}
    groups: list[dict[str, Any]] = []
    for c in keep:
        members = np.flatnonzero(com == c)
        worst = min((_ROLE_INDEX[r] for r in roles[members]), default=len(ROLES) - 1)
        groups.append(
            {"kind": "community", "role": ROLES[worst], "anchor": None, "community": int(c)}
        )
    group_of = {int(a): gid[int(c)] for a, c in enumerate(com) if c in gid}
    if rest:
        groups.append(
            {
                "kind": "communities",
                "role": "other",
                "anchor": None,
                "community": None,
                "communities": len(rest),
            }
        )
        g = len(groups) - 1
        rest_set = set(int(c) for c in rest)
        for a, c in enumerate(com):
            if int(c) in rest_set:
                group_of[a] = g
    sel = _Selection(shown=[], group_of=group_of, groups=groups)
    # layout: spring on the community graph (a few hundred nodes at most)
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(("g", g) for g in range(len(groups)))
    e = ctx.edges
    gu = pd.Series(e["u"].to_numpy()).map(group_of)
    gv = pd.Series(e["v"].to_numpy()).map(group_of)
    ok = gu.notna() & gv.notna() & (gu != gv)
    if ok.any():
        w = (
            pd.DataFrame(
                {
                    "a": gu[ok].astype("int64"),
                    "b": gv[ok].astype("int64"),
                    "amount": e["amount"].to_numpy()[ok.to_numpy()],
                }
            )
            .assign(lo=lambda d: d[["a", "b"]].min(axis=1), hi=lambda d: d[["a", "b"]].max(axis=1))
            .groupby(["lo", "hi"])["amount"]
            .sum()
        )
        for (a, b), amt in w.items():
            G.add_edge(("g", int(a)), ("g", int(b)), weight=math.log10(max(int(amt), 100)))
    sel.positions = spring_positions(G)
    return sel


def _components(ctx: _Context) -> np.ndarray:
    """Weakly connected components (union-find over the edges), as community ids."""
    n = len(ctx.acc)
    parent = np.arange(n)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u, v in zip(ctx.edges["u"].to_numpy(), ctx.edges["v"].to_numpy(), strict=False):
        ru, rv = find(int(u)), find(int(v))
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)
    roots = np.array([find(i) for i in range(n)])
    _, ids = np.unique(roots, return_inverse=True)
    return ids


def _hops_from(ctx: _Context, start: int, hops: int) -> np.ndarray:
    """Transfers (either direction) from ``start`` to every account, -1 beyond ``hops``.

    Breadth-first over a sparse adjacency matrix of the aggregated edges: each step takes
    the rows of the whole frontier at once, so a hub with 50,000 neighbours costs one
    slice, not 50,000 Python iterations.
    """
    from scipy.sparse import csr_matrix

    n = len(ctx.acc)
    p = ctx.pairs
    adj = csr_matrix(
        (np.ones(len(p), dtype=bool), (p["a"].to_numpy(), p["b"].to_numpy())), shape=(n, n)
    )
    hop = np.full(n, -1, dtype="int64")
    hop[start] = 0
    frontier = np.array([start], dtype="int64")
    for h in range(1, max(0, hops) + 1):
        if not len(frontier):
            break
        reached = np.unique(adj[frontier].indices)
        new = reached[hop[reached] < 0]
        hop[new] = h
        frontier = new
    return hop


def _select_ego(ctx: _Context, max_nodes: int, focus: str, hops: int) -> _Selection:
    start = ctx.code_of(str(focus).strip())
    if start is None:
        raise InputError(t("views.error.unknown_focus", ctx.error_lang, account=focus))
    hop_all = _hops_from(ctx, start, hops)
    reached = np.flatnonzero(hop_all >= 0)
    hop = dict(zip(reached.tolist(), hop_all[reached].tolist(), strict=True))
    flow = ctx.acc["flow"].to_numpy()
    acct = ctx.acc["account"].to_numpy()
    order = np.lexsort((acct[reached], -flow[reached], hop_all[reached]))
    priority = [int(a) for a in reached[order]]
    scope = np.array(priority, dtype="int64")
    shown, group_of, groups = _fit(ctx, priority, scope, max_nodes)
    sel = _Selection(shown=shown, group_of=group_of, groups=groups)
    par = _strongest_parent(ctx, shown, lambda a, b: hop[a] > 0 and hop[b] == hop[a] - 1)
    parent: dict[tuple[str, int], tuple[str, int] | None] = {
        ("a", a): (("a", q) if q is not None else None) for a, q in par.items()
    }
    for g, grp in enumerate(groups):
        parent[("g", g)] = ("a", grp["anchor"]) if grp["anchor"] is not None else None
    units = [("a", a) for a in shown] + [("g", g) for g in range(len(groups))]
    sel.positions = radial_forest(units, parent, weight={("g", g): 2.0 for g in range(len(groups))})
    sel.tree = [(u, q) for u, q in parent.items() if q is not None]
    sel.note = t("views.note.ego", ctx.lang, account=acct[start], hops=hops, n=len(hop))
    return sel
