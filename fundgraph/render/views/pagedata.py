"""The data a page carries: a selection written out as compact columns (accounts,
groups, edges, money per slot), kept under the page's size budget."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...case import Case
from ...errors import InputError
from ...i18n import catalogue, check_lang, t
from ...money import format_cny
from ...schema import ROLES
from ..html import json_for_script
from .context import _ROLE_INDEX, _Context, _flat_series, _prepare, _Selection
from .selection import (
    PYRAMID_PER_ROW,
    _select_community,
    _select_ego,
    _select_overview,
    _select_pyramid,
)

__all__ = ["view_data"]

#: The views :func:`render_view` draws.
VIEWS = ("overview", "pyramid", "community", "ego")

#: Nodes drawn when the page opens (accounts and group nodes), per view.
DEFAULT_MAX_NODES = {"overview": 400, "pyramid": 1500, "community": 300, "ego": 600}

#: Colour of each role (and of group nodes) in every view and in the legend.
ROLE_COLORS = {
    "core": "#d62728",
    "collector": "#ff7f0e",
    "transit": "#9467bd",
    "participant": "#1f77b4",
    "beneficiary": "#2ca02c",
    "other": "#8c8c8c",
}

#: Members of one group added to the drawing per click.
EXPAND_PAGE = 300
#: Folded accounts whose details are carried in the page (to be opened and searched).
EMBED_LIMIT = 60_000


#: Edges carried per folded account (its largest).
EDGES_PER_FOLDED = 6
#: Page data above this many bytes is rebuilt with fewer edges per folded account, so that
#: a page (with vis-network's ~0.7 MB) stays under 10 MB.
PAGE_DATA_BUDGET = 8_500_000
#: Edges drawn at most at once (the largest).
MAX_DRAWN_EDGES = 12_000


def _minutes(ts: Any, base: pd.Timestamp) -> int | None:
    if ts is None or pd.isna(ts):
        return None
    return int((pd.Timestamp(ts) - base).total_seconds() // 60)


def _minutes_array(values: Any, base: pd.Timestamp) -> list[int | None]:
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    m = ((s - base).dt.total_seconds() // 60).astype("Int64")
    return m.astype(object).where(m.notna(), None).tolist()


def _ints_or_none(values: pd.Series) -> list[int | None]:
    v = pd.to_numeric(values, errors="coerce").astype("Float64").round().astype("Int64")
    return v.astype(object).where(v.notna(), None).tolist()


def _texts(values: pd.Series) -> list[str]:
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def view_data(
    case: Case,
    *,
    view: str = "overview",
    focus: str | None = None,
    hops: int = 2,
    lang: str = "zh",
    max_nodes: int | None = None,
    size_by: str = "amount",
    max_per_level: int | None = None,
    error_lang: str | None = None,
    json_text: list[str] | None = None,
) -> dict[str, Any]:
    """The data a view page draws, as plain JSON-ready objects.

    Useful to inspect or test what a page will show without a browser.

    Parameters
    ----------
    case : Case
        An analysed case.
    view, focus, hops, lang, max_nodes, size_by, max_per_level, error_lang
        As for :func:`render_view`.
    json_text : list, optional
        When given, the data as the page's JSON text is appended to it (so that a caller
        writing the page does not encode it twice).

    Returns
    -------
    dict
        ``accounts`` (columnar: every account drawn or carried inside a group),
        ``groups``, ``edges`` (``u``/``v`` are account rows, or ``-(g + 1)`` for a group's
        accounts not carried in the page), ``slots`` (the steps of the time window) and
        per-slot amounts: ``edges.series`` and ``accounts.series`` as sparse
        ``[slot, cents, slot, cents, ...]`` lists where they cannot be derived (module
        notes of :func:`render_view`), ``groups.seriesIn``/``seriesOut``; ``rows``,
        ``text`` and display options. When ``json_text`` is a list, the data's
        :func:`~fundgraph.render.html.json_for_script` text is appended to it.

    Raises
    ------
    InputError
        As for :func:`render_view`, and for a ``size_by``, ``max_nodes`` or
        ``max_per_level`` out of range.

    See Also
    --------
    render_view : writes the page of this data.

    Examples
    --------
    A collector ``col`` takes 50,000 yuan from each of six payers and passes the money to
    the core, which pays each payer 1,000 yuan twice:

    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.case import Case
    >>> from fundgraph.synth import sample_transfers
    >>> t = sample_transfers()
    >>> case = analyze_case(Case(transfers=t), lang="en")
    >>> d = view_data(case, view="ego", focus="p0", hops=1, lang="en")
    >>> ids = d["accounts"]["id"]
    >>> ids, [d["roles"][r] for r in d["accounts"]["role"]]
    (['p0', 'col', 'core'], ['participant', 'collector', 'core'])
    >>> [(ids[u], ids[v], cents) for u, v, cents in
    ...  zip(d["edges"]["u"], d["edges"]["v"], d["edges"]["amount"])]
    [('p0', 'col', 5000000), ('col', 'core', 30000000), ('core', 'p0', 200000)]
    >>> d["slots"]["unit"], d["slots"]["start"][0], d["slots"]["start"][-1]
    ('day', '2022-01-01', '2022-03-10')
    """
    check_lang(lang)
    err = check_lang(error_lang or lang)
    if view not in VIEWS:
        raise InputError(t("views.error.unknown_view", err, view=view, views=", ".join(VIEWS)))
    if size_by not in ("amount", "pagerank"):
        raise InputError(f"size_by must be 'amount' or 'pagerank', not {size_by!r}")
    limit = int(max_nodes or DEFAULT_MAX_NODES[view])
    if limit < 1:
        raise InputError(f"max_nodes must be at least 1, not {max_nodes!r}")
    per_level = PYRAMID_PER_ROW if max_per_level is None else int(max_per_level)
    if per_level < 1:
        raise InputError(t("views.error.max_per_level", err, n=max_per_level))
    ctx = _prepare(case, lang, err)
    if view == "overview":
        sel = _select_overview(ctx, limit)
    elif view == "pyramid":
        sel = _select_pyramid(ctx, limit, per_level)
    elif view == "community":
        sel = _select_community(ctx, limit)
    else:
        if not focus:
            raise InputError(t("views.error.no_focus", err))
        sel = _select_ego(ctx, limit, focus, hops)
    cache: dict[str, Any] = {}
    data = _page_data(ctx, sel, view=view, size_by=size_by, case=case, cache=cache)
    text = json_for_script(data)
    # a big case stays under the page budget by carrying fewer edges per folded account
    for per_folded in (3, 1):
        if len(text) <= PAGE_DATA_BUDGET:
            break
        data = _page_data(
            ctx,
            sel,
            view=view,
            size_by=size_by,
            case=case,
            edges_per_folded=per_folded,
            cache=cache,
        )
        text = json_for_script(data)
    if json_text is not None:
        json_text.append(text)
    return data


def _page_data(
    ctx: _Context,
    sel: _Selection,
    *,
    view: str,
    size_by: str,
    case: Case,
    edges_per_folded: int = EDGES_PER_FOLDED,
    cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The page's data with ``edges_per_folded`` edges carried per folded account; what
    does not depend on that number is computed once per ``cache``."""
    cache = {} if cache is None else cache
    if "frame" not in cache:
        cache["frame"] = _page_frame(ctx, sel, view=view, size_by=size_by, case=case)
    data, row_of, base = cache["frame"]
    edges_out, edge_slots = _page_edges(
        ctx, sel, row_of, set(sel.shown), base, edges_per_folded, cache=cache
    )
    out = dict(data)  # same keys in the same order; accounts' series come last
    out["accounts"] = {**data["accounts"], "series": _account_series(ctx, row_of, edge_slots)}
    out["edges"] = edges_out
    return out


def _page_frame(
    ctx: _Context, sel: _Selection, *, view: str, size_by: str, case: Case
) -> tuple[dict[str, Any], dict[int, int], pd.Timestamp]:
    """Everything of the page's data but its edges and the accounts' series (which depend
    on the edges carried), the account row of each carried account, and the time base."""
    acc = ctx.acc
    lang = ctx.lang
    n_groups = len(sel.groups)
    flow = acc["flow"].to_numpy()
    acct = acc["account"].to_numpy()
    # members of each group, largest first; the first ones are carried in the page
    members: list[list[int]] = [[] for _ in range(n_groups)]
    for a, g in sel.group_of.items():
        members[g].append(a)
    budget = EMBED_LIMIT
    carried: list[list[int]] = []
    for g, ms in enumerate(members):
        ms.sort(key=lambda a: (-int(flow[a]), acct[a]))
        take = ms if sel.groups[g]["kind"] != "communities" else []
        take = take[: max(0, budget)]
        budget -= len(take)
        carried.append(take)
    rows = list(sel.shown) + [a for ms in carried for a in ms]
    row_of = {a: i for i, a in enumerate(rows)}
    group_col = [-1] * len(sel.shown) + [g for g, ms in enumerate(carried) for _ in ms]

    # times as minutes from the first day of the case
    times = pd.concat([ctx.edges["first_time"], acc["first_time"]], ignore_index=True).dropna()
    base = pd.Timestamp(times.min()).normalize() if len(times) else pd.Timestamp("2000-01-01")

    sub = acc.iloc[rows] if rows else acc.iloc[[]]
    levels = pd.to_numeric(sub["level"], errors="coerce").astype("Float64").round().astype("Int64")
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a in sel.shown:
        x, y = sel.positions.get(("a", a), (0.0, 0.0))
        xs.append(round(float(x), 1))
        ys.append(round(float(y), 1))
    accounts = {
        "id": _texts(sub["account"]),
        "name": _texts(sub["holder_name"]),
        "role": sub["role"].map(_ROLE_INDEX).astype("int64").tolist(),
        "level": levels.astype(object).where(levels.notna(), None).tolist(),
        "in": sub["in_amount"].astype("int64").tolist(),
        "out": sub["out_amount"].astype("int64").tolist(),
        "inCount": sub["in_count"].astype("int64").tolist(),
        "outCount": sub["out_count"].astype("int64").tolist(),
        "first": _minutes_array(sub["first_time"], base),
        "last": _minutes_array(sub["last_time"], base),
        "pagerank": [float(f"{x:.3g}") for x in sub["pagerank"]],  # shown to 3 digits
        "community": _ints_or_none(sub["community"]),
        # row -> alert text, for the few accounts that have one
        "alerts": {
            str(k): ctx.alerts[a] for k, a in enumerate(_texts(sub["account"])) if a in ctx.alerts
        },
        "group": group_col,
        "x": xs,  # positions of the accounts drawn when the page opens (the first rows)
        "y": ys,
    }

    # groups: totals over all members (carried or not)
    groups_out: dict[str, list[Any]] = {
        k: []
        for k in (
            "kind",
            "role",
            "anchor",
            "community",
            "communities",
            "n",
            "amount",
            "in",
            "out",
            "pagerank",
            "first",
            "last",
            "members",
            "x",
            "y",
        )
    }
    a_in = acc["in_amount"].to_numpy()
    a_out = acc["out_amount"].to_numpy()
    a_pr = acc["pagerank"].to_numpy()
    first_m = _minutes_array(acc["first_time"], base)
    last_m = _minutes_array(acc["last_time"], base)
    for g, grp in enumerate(sel.groups):
        ms = members[g]
        fs = [m for a in ms if (m := first_m[a]) is not None]
        ls = [m for a in ms if (m := last_m[a]) is not None]
        x, y = sel.positions.get(("g", g), (0.0, 0.0))
        groups_out["kind"].append(grp["kind"])
        groups_out["role"].append(_ROLE_INDEX[grp["role"]])
        anc = grp.get("anchor")
        groups_out["anchor"].append(row_of.get(anc, -1) if anc is not None else -1)
        groups_out["community"].append(grp.get("community"))
        groups_out["communities"].append(grp.get("communities", 0))
        groups_out["n"].append(len(ms))
        groups_out["amount"].append(int(sum(int(flow[a]) for a in ms)))
        groups_out["in"].append(int(sum(int(a_in[a]) for a in ms)))
        groups_out["out"].append(int(sum(int(a_out[a]) for a in ms)))
        groups_out["pagerank"].append(float(f"{sum(float(a_pr[a]) for a in ms):.4g}"))
        groups_out["first"].append(min(fs) if fs else None)
        groups_out["last"].append(max(ls) if ls else None)
        # carried members are consecutive rows: [first row, how many]
        groups_out["members"].append(
            [row_of[carried[g][0]], len(carried[g])] if carried[g] else [len(rows), 0]
        )
        groups_out["x"].append(round(float(x), 1))
        groups_out["y"].append(round(float(y), 1))

    groups_out["seriesIn"], groups_out["seriesOut"] = _group_series(ctx, sel)

    def end(u: tuple[str, int]) -> int:
        return row_of[u[1]] if u[0] == "a" else -(u[1] + 1)

    tree = [[end(c), end(p)] for c, p in sel.tree]
    font_scale = sel.font_scale or _font_scale(list(sel.positions.values()))
    text = {k: v for k, v in catalogue(lang).items() if k.startswith(("views.", "role."))}
    title = t(f"views.title.{view}", lang)
    summary = case.summary
    facts = []
    if summary.total_absorbed is not None:
        facts.append(
            t("views.fact.absorbed", lang, amount=format_cny(summary.total_absorbed, lang))
        )
    if summary.participant_persons is not None:
        facts.append(t("views.fact.persons", lang, n=summary.participant_persons))
    if summary.max_level is not None:
        facts.append(t("views.fact.levels", lang, n=summary.max_level))
    facts.append(t("views.fact.accounts", lang, n=f"{len(acc):,}"))
    return (
        {
            "view": view,
            "lang": lang,
            "title": title,
            "facts": facts,
            "note": sel.note,
            "sizeBy": size_by,
            "expand": sel.expand,
            "expandPage": EXPAND_PAGE,
            "maxEdges": MAX_DRAWN_EDGES,
            "base": base.strftime("%Y-%m-%dT%H:%M:%S"),
            "slots": {"unit": ctx.slots.unit, "start": ctx.slots.starts()},
            "roles": list(ROLES),
            "colors": [ROLE_COLORS[r] for r in ROLES],
            "rows": sel.rows,
            "rowHeight": sel.row_height,
            "fontScale": font_scale,
            "tree": tree,
            "accounts": accounts,
            "groups": groups_out,
            "edges": None,
            "text": text,
        },
        row_of,
        base,
    )


def _font_scale(points: list[tuple[float, float]]) -> float:
    """How much to enlarge labels so that they are about 12 px on screen when the whole
    drawing is fitted into a ~1050 x 750 px canvas (between 1 and 5)."""
    if len(points) < 2:
        return 1.0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    w = max(xs) - min(xs) + 200.0
    h = max(ys) - min(ys) + 200.0
    scale = min(1050.0 / w, 750.0 / h)
    return round(min(5.0, max(1.0, 12.5 / (14.0 * scale))), 2)


def _page_edges(
    ctx: _Context,
    sel: _Selection,
    row_of: dict[int, int],
    shown: set[int],
    base: pd.Timestamp,
    edges_per_folded: int = EDGES_PER_FOLDED,
    cache: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """Edges between page ends: an account row, or ``-(g + 1)`` for a group's uncarried rest.

    Also returns the carried edges' amounts per time slot (``u``, ``v``, ``slot``,
    ``amount``). ``series`` in the page holds them only for edges whose money is not all
    in the slot of their first transfer: for most edges (one transfer, or one month) the
    page derives the series from ``first`` and ``amount``. The sums over all edges and
    flows, which do not depend on ``edges_per_folded``, are kept in ``cache``.
    """
    cache = {} if cache is None else cache
    if "edges" not in cache:
        cache["edges"] = _page_edge_sums(ctx, sel, row_of)
    d, folded_u, folded_v, rank_u, rank_v, per_slot = cache["edges"]
    ok = (~folded_u | (rank_u < edges_per_folded)) & (~folded_v | (rank_v < edges_per_folded))
    d = d[ok].sort_values(["u", "v"]).reset_index(drop=True)

    edge_no = pd.Series(np.arange(len(d)), index=pd.MultiIndex.from_frame(d[["u", "v"]]))
    per_slot = per_slot.copy()
    per_slot["edge"] = edge_no.reindex(pd.MultiIndex.from_frame(per_slot[["u", "v"]])).to_numpy()
    per_slot = per_slot[per_slot["edge"].notna()].astype({"edge": "int64"})
    # edges whose money is all in the slot of their first transfer need no series
    n_slots = per_slot.groupby("edge")["slot"].agg(["size", "min"])
    first_ok = d["first"].notna().to_numpy()
    first_slot = np.full(len(d), -1, dtype="int64")
    if first_ok.any():
        first_slot[first_ok] = ctx.slots.of(d.loc[first_ok, "first"])
    implied = np.zeros(len(d), dtype=bool)
    idx = n_slots.index.to_numpy()
    implied[idx] = (n_slots["size"].to_numpy() == 1) & (
        n_slots["min"].to_numpy() == first_slot[idx]
    )
    implied &= d["amount"].to_numpy() == np.bincount(
        per_slot["edge"], weights=per_slot["amount"], minlength=len(d)
    ).astype("int64")
    explicit = per_slot[~implied[per_slot["edge"].to_numpy()]]
    series = {str(k): v for k, v in _flat_series(explicit, "edge").items()}
    out = {
        "u": d["u"].astype("int64").tolist(),
        "v": d["v"].astype("int64").tolist(),
        "amount": d["amount"].astype("int64").tolist(),
        "count": d["count"].astype("int64").tolist(),
        "first": _minutes_array(d["first"], base),
        # null where the edge is one transfer (last = first)
        "last": _minutes_array(d["last"].where(d["count"] > 1), base),
        "series": series,
    }
    return out, per_slot[["u", "v", "slot", "amount"]]


def _page_edge_sums(ctx: _Context, sel: _Selection, row_of: dict[int, int]):
    """The edges between page ends, largest first, with each one's rank among the edges
    of its two ends; and the flows between page ends per slot (``u``, ``v``, ``slot``,
    ``amount``)."""
    e = ctx.edges
    n = len(ctx.acc)
    none = np.iinfo(np.int64).min
    end = np.full(n, none, dtype="int64")
    for a, g in sel.group_of.items():
        end[a] = -(g + 1)
    for a, r in row_of.items():
        end[a] = r
    u = end[e["u"].to_numpy()]
    v = end[e["v"].to_numpy()]
    keep = (u != none) & (v != none)
    d = pd.DataFrame(
        {
            "u": u[keep],
            "v": v[keep],
            "amount": e["amount"].to_numpy()[keep],
            "count": e["count"].to_numpy()[keep],
            "first": e["first_time"].to_numpy()[keep],
            "last": e["last_time"].to_numpy()[keep],
        }
    )
    d = d.groupby(["u", "v"], as_index=False, sort=True).agg(
        amount=("amount", "sum"),
        count=("count", "sum"),
        first=("first", "min"),
        last=("last", "max"),
    )
    d = d[d["u"] != d["v"]]
    # a folded account carries only its largest few edges
    n_shown = len(sel.shown)
    d = d.sort_values(["amount", "u", "v"], ascending=[False, True, True])
    folded_u = d["u"] >= n_shown
    folded_v = d["v"] >= n_shown
    rank_u = d.groupby("u").cumcount()
    rank_v = d.groupby("v").cumcount()

    f = ctx.flows
    fu = end[f["u"].to_numpy()]
    fv = end[f["v"].to_numpy()]
    fk = (fu != none) & (fv != none) & (fu != fv)
    per_slot = (
        pd.DataFrame(
            {
                "u": fu[fk],
                "v": fv[fk],
                "slot": f["slot"].to_numpy()[fk],
                "amount": f["amount"].to_numpy()[fk],
            }
        )
        .groupby(["u", "v", "slot"], as_index=False)["amount"]
        .sum()
    )
    return d, folded_u, folded_v, rank_u, rank_v, per_slot


def _account_series(
    ctx: _Context, row_of: dict[int, int], edge_slots: pd.DataFrame
) -> dict[str, Any]:
    """Row -> ``[in, out]`` sparse per-slot series, for the accounts whose carried edges
    do not add up to their own flows (cash, edges left out of the page, big accounts);
    for the others the page sums the edges."""
    codes = np.fromiter(row_of.keys(), dtype="int64", count=len(row_of))
    rows = np.fromiter(row_of.values(), dtype="int64", count=len(row_of))
    to_row = np.full(len(ctx.acc), -1, dtype="int64")
    to_row[codes] = rows

    def own(frame: pd.DataFrame) -> pd.DataFrame:
        r = to_row[frame["a"].to_numpy()]
        return pd.DataFrame(
            {"r": r, "slot": frame["slot"].to_numpy(), "amount": frame["amount"].to_numpy()}
        )[r >= 0]

    def derived(col: str) -> pd.DataFrame:
        x = edge_slots[edge_slots[col] >= 0]
        return x.groupby([col, "slot"], as_index=False)["amount"].sum().rename(columns={col: "r"})

    mine_in, mine_out = own(ctx.acc_in), own(ctx.acc_out)
    differ: set[int] = set()
    for mine, edges in ((mine_in, derived("v")), (mine_out, derived("u"))):
        m = mine.merge(edges, on=["r", "slot"], how="outer", suffixes=("", "_e")).fillna(0)
        differ.update(m.loc[m["amount"] != m["amount_e"], "r"].astype("int64").tolist())
    if not differ:
        return {}
    pick = np.zeros(len(row_of) + 1, dtype=bool)
    pick[list(differ)] = True
    s_in = _flat_series(mine_in[pick[mine_in["r"].to_numpy()]], "r")
    s_out = _flat_series(mine_out[pick[mine_out["r"].to_numpy()]], "r")
    return {str(r): [s_in.get(r, []), s_out.get(r, [])] for r in sorted(differ)}


def _group_series(ctx: _Context, sel: _Selection) -> tuple[list[list[int]], list[list[int]]]:
    """Each group's money in and out per slot, over all its members (carried or not)."""
    n = len(sel.groups)
    gof = np.full(len(ctx.acc), -1, dtype="int64")
    if sel.group_of:
        gof[np.fromiter(sel.group_of.keys(), dtype="int64")] = np.fromiter(
            sel.group_of.values(), dtype="int64"
        )
    out = []
    for frame in (ctx.acc_in, ctx.acc_out):
        g = gof[frame["a"].to_numpy()]
        x = pd.DataFrame(
            {"g": g, "slot": frame["slot"].to_numpy(), "amount": frame["amount"].to_numpy()}
        )
        x = x[x["g"] >= 0].groupby(["g", "slot"], as_index=False)["amount"].sum()
        flat = _flat_series(x, "g")
        out.append([flat.get(k, []) for k in range(n)])
    return out[0], out[1]
