"""The page: the template filled with the data, vis-network and the page's script."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from ...case import Case
from ...tables import atomic_write_text
from ..html import break_end_tags, esc, inline_asset, json_for_script
from .pagedata import view_data

__all__ = ["render_view", "render_all"]

_TEMPLATE = "graph.html"
_SCRIPT = "graph.js"


def _vis_options() -> dict[str, Any]:
    """vis-network options for large, pre-positioned graphs (physics off, straight edges).

    Written out here rather than through pyvis's ``Network``: importing pyvis pulls in
    IPython and costs more than a second, while the page only needs these options.
    """
    opts: dict[str, Any] = {}
    font = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
    opts["configure"] = {"enabled": False}
    opts["layout"] = {"improvedLayout": False, "randomSeed": 7}
    opts["physics"] = {
        "enabled": False,
        "solver": "barnesHut",
        "barnesHut": {"gravitationalConstant": -8000, "springLength": 120, "avoidOverlap": 0.3},
        "stabilization": {"enabled": False},
    }
    opts["interaction"] = {
        "hover": True,
        "tooltipDelay": 150,
        "hideEdgesOnDrag": True,
        "hideEdgesOnZoom": False,
        "multiselect": False,
        "navigationButtons": False,
        "keyboard": False,
    }
    opts["nodes"] = {
        "shape": "dot",
        "borderWidth": 1,
        "font": {
            "face": font,
            "size": 14,
            "color": "#1f2933",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"enabled": False, "drawThreshold": 6}},
    }
    opts["edges"] = {
        "smooth": False,
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "font": {"face": font, "size": 11},
        "selectionWidth": 2,
        "color": {"inherit": False},
    }
    return opts


def _template() -> str:
    return (resources.files("fundgraph") / "render" / "templates" / _TEMPLATE).read_text(
        encoding="utf-8"
    )


def _script() -> str:
    # the page's own JavaScript, kept in a file of its own (so that eslint can check it)
    # and inlined like vis-network
    text = (resources.files("fundgraph") / "render" / "templates" / _SCRIPT).read_text(
        encoding="utf-8"
    )
    return break_end_tags(text)


def _fill(template: str, values: dict[str, str]) -> str:
    # one pass over the template: a substituted value is never scanned for markers, so
    # a holder name such as "{{DATA}}" stays text
    missing = [k for k in values if "{{" + k + "}}" not in template]
    if missing:
        raise ValueError(f"template {_TEMPLATE} has no {{{{{missing[0]}}}}}")
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_view(
    case: Case,
    out_path: str | os.PathLike,
    *,
    view: str = "overview",
    focus: str | None = None,
    hops: int = 2,
    lang: str = "zh",
    max_nodes: int | None = None,
    size_by: str = "amount",
    max_per_level: int | None = None,
    error_lang: str | None = None,
) -> Path:
    """Write one interactive view of ``case`` as a self-contained HTML page.

    Parameters
    ----------
    case : Case
        An analysed case (:func:`fundgraph.case.load_case`).
    out_path : path
        The HTML file to write (its folder is created).
    view : {"overview", "pyramid", "community", "ego"}
        Which picture to draw (see the module documentation).
    focus : str, optional
        The account at the centre of the ``ego`` view (an alias is accepted).
    hops : int
        How many transfers away from ``focus`` the ``ego`` view reaches.
    lang : {"zh", "en"}
        Language of every text on the page; amounts follow it (``¥1.2亿`` / ``¥120,000,000.00``).
    max_nodes : int, optional
        Nodes (accounts and groups) drawn when the page opens; default per view in
        :data:`DEFAULT_MAX_NODES`. Accounts beyond it are folded into group nodes.
    size_by : {"amount", "pagerank"}
        Initial node size measure (the page can switch).
    max_per_level : int, optional
        ``pyramid`` only: scheme accounts drawn per level (the largest whose upstream
        account is drawn), default :data:`PYRAMID_PER_ROW`; the others fold into branch
        groups. Lowered further when the page would exceed ``max_nodes``.
    error_lang : {"zh", "en"}, optional
        Language of the errors raised (default ``lang``): the command line passes its own.

    Returns
    -------
    Path
        ``out_path``.

    Raises
    ------
    InputError
        Unknown view, ``ego`` without ``focus``, or a ``focus`` that is not in the case.

    Notes
    -----
    A folded account carries its largest :data:`EDGES_PER_FOLDED` edges into the page;
    at most :data:`EMBED_LIMIT` folded accounts are carried (the largest first), the rest
    are counted in their group's totals but cannot be opened. Positions are computed here
    (layered rows for ``pyramid``, radial trees for ``overview`` and ``ego``, a small
    force layout over communities), so physics is off when the page opens.

    Every page has a time window over the case's months (days when the case spans less
    than :data:`DAY_SLOTS_UP_TO` days). Each carried edge has its amount per slot, written
    out only where it is not all in the slot of the edge's first transfer; each account
    its money in and out per slot, written out only where its carried edges do not add up
    to it; each group the sum over all its members. The window hides edges with no money
    in it, sizes the rest by the money in it, and hides accounts and groups left without
    an edge (core accounts stay, faded).

    See Also
    --------
    view_data : the data the page draws, without writing it.
    render_all : the pages a case folder ships with.

    Examples
    --------
    A collector ``col`` takes 50,000 yuan from each of six payers and passes the money to
    the core, which pays each payer 1,000 yuan twice:

    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.case import Case
    >>> from fundgraph.synth import sample_transfers
    >>> t = sample_transfers()
    >>> case = analyze_case(Case(transfers=t), lang="en")
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> page = render_view(case, Path(tmp.name, "pyramid.html"), view="pyramid", lang="en")
    >>> page.name
    'pyramid.html'
    >>> html = page.read_text(encoding="utf-8")
    >>> html.startswith("<!DOCTYPE html>"), "connect-src 'none'" in html, "<script src=" in html
    (True, True, False)
    >>> render_view(case, Path(tmp.name, "ego.html"), view="ego", lang="en")
    Traceback (most recent call last):
    fundgraph.errors.InputError: the ego view needs an account: --focus ACCOUNT
    >>> render_view(case, Path(tmp.name, "ego.html"), view="ego", focus="p0", lang="en").name
    'ego.html'
    >>> tmp.cleanup()

    With a case folder: ``render_view(load_case("case/"), "case/pyramid.html",
    view="pyramid")`` (:func:`fundgraph.case.load_case`).
    """
    text: list[str] = []
    data = view_data(
        case,
        view=view,
        focus=focus,
        hops=hops,
        lang=lang,
        max_nodes=max_nodes,
        size_by=size_by,
        max_per_level=max_per_level,
        error_lang=error_lang,
        json_text=text,
    )
    page = _fill(
        _template(),
        {
            "LANG": esc("zh-CN" if lang == "zh" else "en"),
            "TITLE": esc(data["title"]),
            "VIS_CSS": inline_asset("vis-network.css"),
            "VIS_JS": inline_asset("vis-network.min.js"),
            "PAGE_JS": _script(),
            "OPTIONS": json_for_script(_vis_options()),
            "DATA": text[0],
        },
    )
    out = Path(out_path)
    atomic_write_text(out, page)
    return out


def render_all(case: Case, out_dir: str | os.PathLike, lang: str = "zh") -> list[Path]:
    """Write the pages the pipeline ships with a case: ``graph.html`` and ``report.html``.

    ``graph.html`` is the overview (:func:`render_view`), ``report.html`` the
    prosecutor's report (:func:`fundgraph.render.report.render_report`).

    Parameters
    ----------
    case : Case
        The analysed case.
    out_dir : path
        The case folder.
    lang : {"zh", "en"}
        Language of the page.

    Returns
    -------
    list of Path
        The files written.

    See Also
    --------
    render_view : one view, to any file.
    fundgraph.pipeline.write_case : writes them with the rest of the case folder.

    Examples
    --------
    A collector ``col`` takes 50,000 yuan from each of six payers and passes the money to
    the core, which pays each payer 1,000 yuan twice:

    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.case import Case
    >>> from fundgraph.synth import sample_transfers
    >>> t = sample_transfers()
    >>> case = analyze_case(Case(transfers=t), lang="en")
    >>> import tempfile
    >>> from pathlib import Path
    >>> tmp = tempfile.TemporaryDirectory()
    >>> [p.name for p in render_all(case, tmp.name, lang="en")]
    ['graph.html', 'report.html']
    >>> Path(tmp.name, "report.html").read_text(encoding="utf-8")[:32]
    '<!DOCTYPE html>\\n<html lang="en">'
    >>> tmp.cleanup()
    """
    out = Path(out_dir)
    paths = [render_view(case, out / "graph.html", view="overview", lang=lang)]
    from ..report import render_report

    paths.append(Path(render_report(case, out / "report.html", lang=lang)))
    return paths
