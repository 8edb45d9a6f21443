"""Static SVG pictures for the printed report: a collection structure and monthly series.

The pictures are plain SVG text, drawn here without any script, so they print as sharp as
the text around them and need nothing from the network. Every label goes through
:func:`fundgraph.render.html.esc`: holder names come from bank files and are untrusted.

The functions take plain data (lists of nodes, lists of numbers) and know nothing of a
:class:`~fundgraph.case.Case`; :mod:`fundgraph.render.report` prepares that data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .html import esc

__all__ = [
    "StructureNode",
    "Series",
    "structure_svg",
    "line_chart_svg",
    "bar_chart_svg",
    "nice_ticks",
]

#: Families tried in order; all are system fonts (no web font is ever requested).
FONT = "'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"

# Palette readable in colour and distinguishable in grey print (paired with dash patterns).
_INK = "#1f2933"
_MUTED = "#52606d"
_GRID = "#d9e2ec"


@dataclass
class StructureNode:
    """One box of a structure picture.

    Attributes
    ----------
    key : str
        Identifier used by children to point at this node (normally the account id).
    title : str
        First line (holder name).
    subtitle : str
        Second line (account number).
    detail : str
        Third line (amount absorbed, or participants paying in: count and amount).
    level : int
        0 for the core, 1, 2, ... for collectors by hops from the core.
    parent : str or None
        ``key`` of the node one level up that this node passes most money to.
    kind : str
        ``"core"``, ``"collector"`` or ``"more"`` (a box standing for accounts not drawn).
    shared_parents : tuple of str
        For a ``"more"`` box: every node one level up that its accounts pass money to
        (drawn as dashed arrows instead of the single ``parent`` arrow).
    """

    key: str
    title: str
    subtitle: str = ""
    detail: str = ""
    level: int = 0
    parent: str | None = None
    kind: str = "collector"
    shared_parents: tuple[str, ...] = ()


@dataclass
class Series:
    """One line of a line chart: a label, values (one per period) and a drawing style."""

    label: str
    values: Sequence[int]
    color: str = _INK
    dash: str = ""
    width: float = 2.0
    extra: dict[str, str] = field(default_factory=dict)


def _width(text: str) -> float:
    """Width of ``text`` in Latin character widths (CJK counts double)."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in str(text))


def _clip(text: str, limit: int) -> str:
    """Shorten ``text`` to ``limit`` characters (CJK counts double) with an ellipsis."""
    out: list[str] = []
    used = 0.0
    for ch in str(text):
        w = 2.0 if ord(ch) > 0x2E80 else 1.0
        if used + w > limit:
            return "".join(out) + "…"
        out.append(ch)
        used += w
    return "".join(out)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    anchor: str = "middle",
    weight: str = "normal",
    fill: str = _INK,
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{extra}>{esc(text)}</text>'
    )


def structure_svg(
    nodes: Sequence[StructureNode], *, title: str = "", note: str = "", id_prefix: str = "fg"
) -> str:
    """Draw a collection structure: the core on top, collectors level by level below it.

    Arrows point upward, the way the money flows. Nodes are drawn in the order given
    within each level (the caller sorts them and replaces the tail of a crowded level by a
    ``kind="more"`` node), so the picture is deterministic.

    Parameters
    ----------
    nodes : sequence of StructureNode
        All boxes to draw; ``level`` decides the row.
    title : str, optional
        Accessible name of the picture (``<title>``).
    note : str, optional
        A line of small text under the picture (e.g. what the third line of a box means).
    id_prefix : str, optional
        Prefix of the element ids inside the picture, unique per page.

    Returns
    -------
    str
        An ``<svg>`` element, scaled to the width of its container.
    """
    box_w, box_h, gap_x, gap_y, pad = 172.0, 68.0, 14.0, 50.0, 12.0
    levels: dict[int, list[StructureNode]] = {}
    for n in nodes:
        levels.setdefault(int(n.level), []).append(n)
    order = sorted(levels)
    widest = max((len(levels[k]) for k in order), default=1)
    width = max(pad * 2 + widest * box_w + (widest - 1) * gap_x, 420.0)
    height = pad * 2 + len(order) * box_h + max(len(order) - 1, 0) * gap_y + (22 if note else 0)

    pos: dict[str, tuple[float, float]] = {}
    for row, lvl in enumerate(order):
        row_nodes = levels[lvl]
        row_w = len(row_nodes) * box_w + (len(row_nodes) - 1) * gap_x
        x0 = (width - row_w) / 2
        y = pad + row * (box_h + gap_y)
        for i, n in enumerate(row_nodes):
            pos[n.key] = (x0 + i * (box_w + gap_x), y)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart structure" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'style="max-width:{width:.0f}px" font-family="{FONT}">',
        f"<title>{esc(title)}</title>",
        f'<defs><marker id="{esc(id_prefix)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_MUTED}"/></marker></defs>',
    ]
    # edges first, so boxes are drawn over them
    for n in nodes:
        if n.key not in pos:
            continue
        shared = [p for p in n.shared_parents if p in pos]
        if shared:
            x, y = pos[n.key]
            for p in shared:
                px, py = pos[p]
                parts.append(
                    f'<line x1="{x + box_w / 2:.1f}" y1="{y:.1f}" x2="{px + box_w / 2:.1f}" '
                    f'y2="{py + box_h + 2:.1f}" stroke="{_MUTED}" stroke-width="1" stroke-dasharray="4 3" '
                    f'marker-end="url(#{esc(id_prefix)}-arrow)"/>'
                )
            continue
        parent = n.parent if n.parent in pos else None
        if parent is None and int(n.level) > 0:
            # no known parent drawn: point at the middle of the row above
            above = [k for k in order if k < int(n.level)]
            if not above:
                continue
            up = levels[above[-1]]
            parent = up[len(up) // 2].key
        if parent is None:
            continue
        x, y = pos[n.key]
        px, py = pos[parent]
        parts.append(
            f'<line x1="{x + box_w / 2:.1f}" y1="{y:.1f}" x2="{px + box_w / 2:.1f}" '
            f'y2="{py + box_h + 2:.1f}" stroke="{_MUTED}" stroke-width="1.3" '
            f'marker-end="url(#{esc(id_prefix)}-arrow)"/>'
        )
    for n in nodes:
        x, y = pos[n.key]
        if n.kind == "core":
            fill, stroke, dash = "#fde8e8", "#b42318", ""
        elif n.kind == "more":
            fill, stroke, dash = "#f5f7fa", _MUTED, ' stroke-dasharray="5 4"'
        else:
            fill, stroke, dash = "#eef4fb", "#1d4e89", ""
        cx = x + box_w / 2
        parts.append(
            f'<g class="node node-{esc(n.kind)}"><rect x="{x:.1f}" y="{y:.1f}" width="{box_w:.0f}" '
            f'height="{box_h:.0f}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.4"{dash}/>'
        )
        long_title = _width(n.title) > 20
        parts.append(
            _text(
                cx,
                y + 20,
                _clip(n.title, 26 if long_title else 20),
                size=12 if long_title else 14,
                weight="bold",
            )
        )
        if n.subtitle:
            parts.append(_text(cx, y + 39, _clip(n.subtitle, 24), size=12, fill=_MUTED))
        if n.detail:
            parts.append(_text(cx, y + 58, _clip(n.detail, 26), size=12.5))
        parts.append("</g>")
    if note:
        parts.append(_text(pad, height - 8, note, size=12, anchor="start", fill=_MUTED))
    parts.append("</svg>")
    return "".join(parts)


def nice_ticks(top: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round axis ticks from 0 up to at least ``top`` (whole numbers only if ``integer``).

    Examples
    --------
    >>> nice_ticks(93)
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    >>> nice_ticks(0)
    [0.0, 1.0]
    >>> nice_ticks(9, 4, integer=True)
    [0.0, 5.0, 10.0]
    """
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw)
    if integer:
        step = max(step, 1.0)
    n = math.ceil(top / step - 1e-9)
    return [round(float(i * step), 10) for i in range(n + 1)]


def _label_every(n: int, room: int) -> int:
    return max(1, math.ceil(n / max(room, 1)))


def _labelled(i: int, n: int, every: int) -> bool:
    """Whether period ``i`` of ``n`` gets an x-axis label (every ``every``-th, and the last
    one when it does not crowd the one before)."""
    if i % every == 0:
        return True
    return i == n - 1 and (n - 1) % every >= max(every * 0.6, 1)


def line_chart_svg(
    periods: Sequence[str],
    series: Sequence[Series],
    *,
    fmt: Callable[[float], str],
    title: str = "",
    markers: Sequence[tuple[str, str]] = (),
    width: int = 900,
    height: int = 320,
) -> str:
    """Monthly money series as lines on a common axis starting at zero.

    Parameters
    ----------
    periods : sequence of str
        Labels of the x axis (e.g. ``"2022-03"``), in time order.
    series : sequence of Series
        Values in cents, one per period.
    fmt : callable
        Formats a tick value (cents) for the y axis.
    title : str, optional
        Accessible name of the picture.
    markers : sequence of (period, label), optional
        Vertical dashed lines at given periods (e.g. the last deposit, the collapse).
    width, height : int, optional
        Size of the drawing in SVG units (it scales to its container).

    Returns
    -------
    str
        An ``<svg>`` element with its legend.
    """
    left, right, top, bottom = 86.0, 16.0, 26.0 + 14.0 * len(markers), 48.0
    n = len(periods)
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((max((int(v) for v in s.values), default=0) for s in series), default=0)
    ticks = nice_ticks(float(peak))
    y_max = ticks[-1]

    def px(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n if n else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" font-family="{FONT}">',
        f"<title>{esc(title)}</title>",
    ]
    for tv in ticks:
        y = py(tv)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{_GRID}"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(tv), size=11, anchor="end", fill=_MUTED))
    every = _label_every(n, int(plot_w // 62))
    for i, p in enumerate(periods):
        if _labelled(i, n, every):
            parts.append(_text(px(i), height - bottom + 17, p, size=11, fill=_MUTED))
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{width - right}" y2="{top + plot_h:.1f}" stroke="{_MUTED}"/>'
    )
    index = {p: i for i, p in enumerate(periods)}
    shown = [(period, label) for period, label in markers if period in index]
    for k, (period, label) in enumerate(shown):
        x = px(index[period])
        y_label = top - 8 - 14 * (len(shown) - 1 - k)  # stacked so close markers stay legible
        parts.append(
            f'<line x1="{x:.1f}" y1="{y_label + 3:.1f}" x2="{x:.1f}" y2="{top + plot_h:.1f}" '
            f'stroke="#b42318" stroke-dasharray="4 3"/>'
        )
        anchor = "end" if x > width * 0.7 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(_text(x + dx, y_label, label, size=11, anchor=anchor, fill="#b42318"))
    for s in series:
        pts = " ".join(f"{px(i):.1f},{py(float(v)):.1f}" for i, v in enumerate(s.values))
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        if n == 1:
            x, y = px(0), py(float(s.values[0]))
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.color}"/>')
        else:
            parts.append(
                f'<polyline class="series" points="{pts}" fill="none" stroke="{s.color}" '
                f'stroke-width="{s.width:g}"{dash} stroke-linejoin="round"/>'
            )
    # legend along the bottom
    lx, ly = left, height - 12
    for s in series:
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 22:.1f}" y2="{ly - 4:.1f}" '
            f'stroke="{s.color}" stroke-width="{s.width:g}"{dash}/>'
        )
        parts.append(_text(lx + 27, ly, s.label, size=11, anchor="start"))
        lx += 38 + 7.5 * sum(2 if ord(c) > 0x2E80 else 1 for c in s.label)
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_svg(
    periods: Sequence[str],
    values: Sequence[int],
    *,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    title: str = "",
    label: str = "",
    width: int = 900,
    height: int = 200,
    color: str = "#1d4e89",
) -> str:
    """Counts per period as bars (e.g. new participants per month).

    Parameters
    ----------
    periods : sequence of str
        Labels of the x axis, in time order.
    values : sequence of int
        One count per period.
    fmt : callable, optional
        Formats a tick value for the y axis.
    title : str, optional
        Accessible name of the picture.
    label : str, optional
        Legend text.
    width, height : int, optional
        Size of the drawing in SVG units.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    left, right, top, bottom = 86.0, 16.0, 22.0, 44.0
    n = len(periods)
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(float(max((int(v) for v in values), default=0)), 4, integer=True)
    y_max = ticks[-1]
    slot = plot_w / n if n else plot_w
    bar = max(slot * 0.7, 1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" font-family="{FONT}">',
        f"<title>{esc(title)}</title>",
    ]
    for tv in ticks:
        y = top + plot_h - plot_h * tv / y_max
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{_GRID}"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(tv), size=11, anchor="end", fill=_MUTED))
    every = _label_every(n, int(plot_w // 62))
    for i, (p, v) in enumerate(zip(periods, values, strict=False)):
        h = plot_h * float(v) / y_max
        x = left + i * slot + (slot - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{esc(p)}: {esc(v)}</title></rect>"
        )
        if _labelled(i, n, every):
            parts.append(
                _text(left + i * slot + slot / 2, top + plot_h + 17, p, size=11, fill=_MUTED)
            )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h:.1f}" x2="{width - right}" y2="{top + plot_h:.1f}" stroke="{_MUTED}"/>'
    )
    if label:
        parts.append(f'<rect x="{left}" y="{height - 19}" width="14" height="10" fill="{color}"/>')
        parts.append(_text(left + 20, height - 10, label, size=11, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)
