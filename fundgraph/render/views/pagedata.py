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
from .context import _ROLE_INDEX, _Context, _flat_lists, _prepare, _Selection, _sum_by
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


def _minutes_float(values: Any, base: pd.Timestamp) -> np.ndarray:
    """:func:`_minutes_array` as floats, NaN where the time is missing."""
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    return ((s - base).dt.total_seconds() // 60).to_numpy(dtype="float64", na_value=np.nan)


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
    parts: dict[Any, tuple[Any, str]] = {}
    # a big case stays under the page budget by carrying fewer edges per folded account
    tries = (EDGES_PER_FOLDED, 3, 1)
    frame = _page_frame(ctx, sel, view=view, size_by=size_by, case=case)
    cache["frame"] = frame
    least = {**frame[0], "accounts": {**frame[0]["accounts"], "series": {}}, "edges": {}}
    least_text = len(_page_text(least, parts))
    for i, per_folded in enumerate(tries):
        # a try whose page would be over the budget in its edges' ends and amounts
        # alone is not made (the next one would follow it); the page's other parts are
        # encoded once, whatever number of tries
        if i < len(tries) - 1:
            if "edges" not in cache:
                cache["edges"] = _page_edge_sums(ctx, sel, frame[1])
            ends = _carried_edges(cache["edges"], per_folded)
            sure = sum(_ints_text_length(cache["edges"][c][ends]) for c in ("u", "v", "amount"))
            if least_text + sure > PAGE_DATA_BUDGET:
                continue
        data = _page_data(
            ctx,
            sel,
            view=view,
            size_by=size_by,
            case=case,
            edges_per_folded=per_folded,
            cache=cache,
        )
        text = _page_text(data, parts)
        if len(text) <= PAGE_DATA_BUDGET:
            break
    if json_text is not None:
        json_text.append(text)
    return data


def _page_text(data: dict[str, Any], parts: dict[Any, tuple[Any, str]]) -> str:
    """``json_for_script(data)``, the same text, with every value (and every value of
    ``accounts``) that is the same object as in an earlier call taken from ``parts``: a page
    rebuilt with fewer edges is encoded again only in what changed."""

    def encoded(key: Any, value: Any) -> str:
        hit = parts.get(key)
        if hit is None or hit[0] is not value:
            hit = parts[key] = (value, json_for_script(value))
        return hit[1]

    items = []
    for k, v in data.items():
        if k == "accounts" and isinstance(v, dict):
            inner = (
                json_for_script(kk) + ":" + encoded(("accounts", kk), vv) for kk, vv in v.items()
            )
            text = "{" + ",".join(inner) + "}"
        else:
            text = encoded(k, v)
        items.append(json_for_script(k) + ":" + text)
    return "{" + ",".join(items) + "}"


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
    out["accounts"] = {
        **data["accounts"],
        "series": _account_series(ctx, row_of, edge_slots, cache=cache),
    }
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
    # members of each group, largest first; the first ones are carried in the page
    mem_a = np.fromiter(sel.group_of.keys(), dtype="int64", count=len(sel.group_of))
    mem_g = np.fromiter(sel.group_of.values(), dtype="int64", count=len(sel.group_of))
    order = np.lexsort((ctx.account_rank()[mem_a], -flow[mem_a], mem_g))
    mem_a, mem_g = mem_a[order], mem_g[order]
    bounds = np.searchsorted(mem_g, np.arange(n_groups + 1))
    members = [mem_a[bounds[g] : bounds[g + 1]] for g in range(n_groups)]
    budget = EMBED_LIMIT
    carried: list[np.ndarray] = []
    for g, ms in enumerate(members):
        take = ms if sel.groups[g]["kind"] != "communities" else ms[:0]
        take = take[: max(0, budget)]
        budget -= len(take)
        carried.append(take)
    rows = list(sel.shown) + np.concatenate([np.zeros(0, dtype="int64"), *carried]).tolist()
    row_of = {a: i for i, a in enumerate(rows)}
    n_carried = [len(ms) for ms in carried]
    group_col = [-1] * len(sel.shown) + np.repeat(np.arange(n_groups), n_carried).tolist()

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
    first_m = _minutes_float(acc["first_time"], base)
    last_m = _minutes_float(acc["last_time"], base)
    for g, grp in enumerate(sel.groups):
        ms = members[g]
        fs = first_m[ms]
        fs = fs[~np.isnan(fs)]
        ls = last_m[ms]
        ls = ls[~np.isnan(ls)]
        x, y = sel.positions.get(("g", g), (0.0, 0.0))
        groups_out["kind"].append(grp["kind"])
        groups_out["role"].append(_ROLE_INDEX[grp["role"]])
        anc = grp.get("anchor")
        groups_out["anchor"].append(row_of.get(anc, -1) if anc is not None else -1)
        groups_out["community"].append(grp.get("community"))
        groups_out["communities"].append(grp.get("communities", 0))
        groups_out["n"].append(len(ms))
        groups_out["amount"].append(int(flow[ms].sum()))
        groups_out["in"].append(int(a_in[ms].sum()))
        groups_out["out"].append(int(a_out[ms].sum()))
        # added one by one in the members' order, as the page's figure always was
        groups_out["pagerank"].append(float(f"{sum(a_pr[ms].tolist()):.4g}"))
        groups_out["first"].append(int(fs.min()) if len(fs) else None)
        groups_out["last"].append(int(ls.max()) if len(ls) else None)
        # carried members are consecutive rows: [first row, how many]
        groups_out["members"].append(
            [row_of[int(carried[g][0])], n_carried[g]] if n_carried[g] else [len(rows), 0]
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
) -> tuple[dict[str, Any], tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Edges between page ends: an account row, or ``-(g + 1)`` for a group's uncarried rest.

    Also returns the carried edges' amounts per time slot (``u``, ``v``, ``slot``,
    ``amount``). ``series`` in the page holds them only for edges whose money is not all
    in the slot of their first transfer: for most edges (one transfer, or one month) the
    page derives the series from ``first`` and ``amount``. The sums over all edges, which
    do not depend on ``edges_per_folded``, are kept in ``cache``.
    """
    cache = {} if cache is None else cache
    if "edges" not in cache:
        cache["edges"] = _page_edge_sums(ctx, sel, row_of)
    d = cache["edges"]
    k = edges_per_folded
    idx = _carried_edges(d, k)
    du, dv, amount, count = d["u"][idx], d["v"][idx], d["amount"][idx], d["count"][idx]
    first, last = d["first"][idx], d["last"][idx]
    m = len(idx)

    # the money of each carried edge per slot: summed from the transfers once, for the
    # edges of the first call (fewer edges per folded account carry a subset of them)
    n_slots = max(ctx.slots.count, 1)
    held = cache.get("edge_slots")
    edge_no = np.full(len(d["u"]) + 1, -1, dtype="int64")  # the last: no page edge
    edge_no[idx] = np.arange(m)
    if held is None or held[0] < k:
        mv = ctx.moves
        no = edge_no[d["of_move"]]
        hit = no >= 0
        held = (k, idx, *_sum_by(no[hit] * n_slots + mv.slot[hit], mv.amount[hit], m * n_slots))
        cache["edge_slots"] = held
    _k, held_idx, row_keys, row_sums = held
    no = edge_no[held_idx[row_keys // n_slots]]
    hit = no >= 0
    keys = no[hit] * n_slots + row_keys[hit] % n_slots
    by_key = np.argsort(keys, kind="stable")
    keys, sums = keys[by_key], row_sums[hit][by_key]
    edge, slot = keys // n_slots, keys % n_slots
    # edges whose money is all in the slot of their first transfer need no series
    starts = np.flatnonzero(np.r_[True, edge[1:] != edge[:-1]]) if len(edge) else edge
    with_money = edge[starts]
    first_ok = ~np.isnat(first)
    first_slot = np.full(m, -1, dtype="int64")
    if first_ok.any():
        first_slot[first_ok] = ctx.slots.of(first[first_ok])
    implied = np.zeros(m, dtype=bool)
    implied[with_money] = (np.diff(np.r_[starts, len(edge)]) == 1) & (
        slot[starts] == first_slot[with_money]
    )
    total = np.zeros(m, dtype="int64")
    if len(starts):
        total[with_money] = np.add.reduceat(sums, starts)
    implied &= amount == total
    explicit = ~implied[edge]
    series = {
        str(e): v for e, v in _flat_lists(edge[explicit], slot[explicit], sums[explicit]).items()
    }
    out = {
        "u": du.tolist(),
        "v": dv.tolist(),
        "amount": amount.tolist(),
        "count": count.tolist(),
        "first": _minutes_array(first, base),
        # null where the edge is one transfer (last = first)
        "last": _minutes_array(np.where(count > 1, last, np.datetime64("NaT")), base),
        "series": series,
    }
    return out, (du[edge], dv[edge], slot, sums)


def _carried_edges(d: dict[str, Any], edges_per_folded: int) -> np.ndarray:
    """The rows of ``d`` (:func:`_page_edge_sums`) carried with ``edges_per_folded``
    edges per folded account, by (u, v)."""
    k = edges_per_folded
    ok = (~d["folded_u"] | (d["rank_u"] < k)) & (~d["folded_v"] | (d["rank_v"] < k))
    idx = np.flatnonzero(ok)
    return idx[np.lexsort((d["v"][idx], d["u"][idx]))]


def _ints_text_length(values: np.ndarray) -> int:
    """The length of the JSON text of ``values`` (integers) as a list.

    >>> _ints_text_length(np.array([0, -7, 10, 123456789012]))
    22
    """
    if not len(values):
        return 2
    x = np.asarray(values, dtype="int64")
    a = np.abs(x)
    digits = np.ones(len(x), dtype="int64")
    for p in range(1, 19):
        digits += a >= 10**p
    return int(digits.sum() + (x < 0).sum()) + len(x) - 1 + 2


def _page_edge_sums(ctx: _Context, sel: _Selection, row_of: dict[int, int]) -> dict[str, Any]:
    """The edges between page ends, largest first, with each one's rank among the edges
    of its two ends, and the page edge of each dated transfer (``of_move``: its row
    here, -1 where it is none)."""
    e = ctx.edges
    n = len(ctx.acc)
    none = np.iinfo(np.int64).min
    end = np.full(n, none, dtype="int64")
    if sel.group_of:
        end[np.fromiter(sel.group_of.keys(), dtype="int64", count=len(sel.group_of))] = -(
            np.fromiter(sel.group_of.values(), dtype="int64", count=len(sel.group_of)) + 1
        )
    if row_of:
        end[np.fromiter(row_of.keys(), dtype="int64", count=len(row_of))] = np.fromiter(
            row_of.values(), dtype="int64", count=len(row_of)
        )
    u = end[e["u"].to_numpy()]
    v = end[e["v"].to_numpy()]
    keep = (u != none) & (v != none) & (u != v)
    # one key per pair of ends, ordered as (u, v)
    shift = len(sel.groups)
    width = len(row_of) + shift + 1
    key_codes, key_values = pd.factorize((u[keep] + shift) * width + (v[keep] + shift))
    key_values = np.asarray(key_values, dtype="int64")
    by_key = np.argsort(key_values)
    place = np.empty(len(by_key), dtype="int64")
    place[by_key] = np.arange(len(by_key))
    pair = place[key_codes]
    key_values = key_values[by_key]
    n_pairs = len(key_values)
    du, dv = key_values // width - shift, key_values % width - shift
    amount = _sum_by(pair, e["amount"].to_numpy()[keep], n_pairs)[1]
    count = _sum_by(pair, e["count"].to_numpy()[keep], n_pairs)[1]
    first, last = _time_range(pair, n_pairs, e["first_time"], e["last_time"], keep)
    # a folded account carries only its largest few edges
    order = np.lexsort((dv, du, -amount))
    at = np.empty(n_pairs, dtype="int64")
    at[order] = np.arange(n_pairs)
    n_shown = len(sel.shown)
    du, dv = du[order], dv[order]
    of_edge = np.full(len(e) + 1, -1, dtype="int64")  # the last: a transfer of no edge
    of_edge[np.flatnonzero(keep)] = at[pair]
    return {
        "u": du,
        "v": dv,
        "amount": amount[order],
        "count": count[order],
        "first": first[order],
        "last": last[order],
        "folded_u": du >= n_shown,
        "folded_v": dv >= n_shown,
        "rank_u": _cumcount(du),
        "rank_v": _cumcount(dv),
        "of_move": of_edge[ctx.moves.edge],
    }


def _time_range(
    group: np.ndarray, n: int, first: pd.Series, last: pd.Series, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The earliest ``first`` and the latest ``last`` per group (NaT ignored, NaT where
    a group has none), as datetime64[ns]."""
    nat, top = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    f = first.to_numpy().astype("datetime64[ns]").view("int64")[keep]
    lo = np.full(n, top, dtype="int64")
    np.minimum.at(lo, group, np.where(f == nat, top, f))
    lo[lo == top] = nat
    hi = np.full(n, nat, dtype="int64")
    np.maximum.at(hi, group, last.to_numpy().astype("datetime64[ns]").view("int64")[keep])
    return lo.view("datetime64[ns]"), hi.view("datetime64[ns]")


def _cumcount(values: np.ndarray) -> np.ndarray:
    """The number of earlier entries of the same value, for each entry.

    >>> _cumcount(np.array([5, 3, 5, 5])).tolist()
    [0, 0, 1, 2]
    """
    order = np.argsort(values, kind="stable")
    v = values[order]
    i = np.arange(len(v))
    start = np.maximum.accumulate(np.where(np.r_[True, v[1:] != v[:-1]], i, 0)) if len(v) else i
    out = np.empty(len(v), dtype="int64")
    out[order] = i - start
    return out


def _account_series(
    ctx: _Context,
    row_of: dict[int, int],
    edge_slots: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Row -> ``[in, out]`` sparse per-slot series, for the accounts whose carried edges
    do not add up to their own flows (cash, edges left out of the page, big accounts);
    for the others the page sums the edges. Each carried account's own money per slot,
    which does not depend on the edges carried, is kept in ``cache``."""
    cache = {} if cache is None else cache
    n_slots = max(ctx.slots.count, 1)
    size = (len(row_of) + 1) * n_slots
    if "own" not in cache:
        to_row = np.full(len(ctx.acc) + 1, -1, dtype="int64")  # the last: cash
        if row_of:
            to_row[np.fromiter(row_of.keys(), dtype="int64", count=len(row_of))] = np.fromiter(
                row_of.values(), dtype="int64", count=len(row_of)
            )
        mv = ctx.moves
        own = []
        for ends in (mv.v, mv.u):
            r = to_row[ends]
            hit = r >= 0
            own.append(_sum_by(r[hit] * n_slots + mv.slot[hit], mv.amount[hit], size))
        cache["own"] = own
    (in_keys, in_sums), (out_keys, out_sums) = cache["own"]
    u, v, slot, amount = edge_slots
    differ = []
    for keys, sums, col in ((in_keys, in_sums, v), (out_keys, out_sums, u)):
        hit = col >= 0
        k, net = _sum_by(
            np.r_[keys, col[hit] * n_slots + slot[hit]], np.r_[sums, -amount[hit]], size
        )
        differ.append(k[net != 0] // n_slots)
    rows = np.unique(np.concatenate(differ))
    if not len(rows):
        return {}
    pick = np.zeros(len(row_of) + 1, dtype=bool)
    pick[rows] = True

    def picked(keys: np.ndarray, sums: np.ndarray) -> dict[int, list[int]]:
        r = keys // n_slots
        x = pick[r]
        return _flat_lists(r[x], keys[x] % n_slots, sums[x])

    s_in, s_out = picked(in_keys, in_sums), picked(out_keys, out_sums)
    return {str(r): [s_in.get(r, []), s_out.get(r, [])] for r in rows.tolist()}


def _group_series(ctx: _Context, sel: _Selection) -> tuple[list[list[int]], list[list[int]]]:
    """Each group's money in and out per slot, over all its members (carried or not)."""
    n = len(sel.groups)
    n_slots = max(ctx.slots.count, 1)
    gof = np.full(len(ctx.acc) + 1, -1, dtype="int64")  # the last: cash
    if sel.group_of:
        gof[np.fromiter(sel.group_of.keys(), dtype="int64")] = np.fromiter(
            sel.group_of.values(), dtype="int64"
        )
    mv = ctx.moves
    out = []
    for ends in (mv.v, mv.u):
        g = gof[ends]
        hit = g >= 0
        keys, sums = _sum_by(g[hit] * n_slots + mv.slot[hit], mv.amount[hit], n * n_slots)
        flat = _flat_lists(keys // n_slots, keys % n_slots, sums)
        out.append([flat.get(k, []) for k in range(n)])
    return out[0], out[1]
