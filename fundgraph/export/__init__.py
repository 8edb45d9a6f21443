"""Exports of an analysed case for the tools investigators already use.

========  =============================================  =====================================
format    function                                       opens in
========  =============================================  =====================================
xlsx      :func:`~fundgraph.export.xlsx.write_xlsx`      Excel, WPS, LibreOffice
graphml   :func:`~fundgraph.export.graph.write_graphml`  Gephi, Cytoscape, yEd
gexf      :func:`~fundgraph.export.graph.write_gexf`     Gephi
anx       :func:`~fundgraph.export.anx.write_anx`        i2 Analyst's Notebook (8, 9)
pdf       :func:`~fundgraph.export.pdf.write_pdf`        any PDF reader
========  =============================================  =====================================

:func:`export_case` picks the function by format name and the default file name.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..case import Case, load_case
from ..errors import InputError
from ..i18n import check_lang, t
from .anx import anx_chart, i2_tables, write_anx, write_i2_csv
from .graph import account_graph, write_gexf, write_graphml
from .pdf import pdf_engine, report_pdf, write_pdf
from .xlsx import EXCEL_MAX_ROWS, write_xlsx

__all__ = [
    "FORMATS",
    "export_case",
    "default_name",
    "write_xlsx",
    "EXCEL_MAX_ROWS",
    "account_graph",
    "write_graphml",
    "write_gexf",
    "anx_chart",
    "i2_tables",
    "write_anx",
    "write_i2_csv",
    "report_pdf",
    "write_pdf",
    "pdf_engine",
    "i2_csv_paths",
]

#: Export formats, in the order the command line lists them.
FORMATS = ("xlsx", "graphml", "gexf", "anx", "pdf")

_ANX_STEM = "i2-chart"


def default_name(fmt: str, lang: str) -> str:
    """File name an export gets in the case folder when no ``-o`` is given."""
    if fmt in ("xlsx", "pdf"):
        return t(f"export.file.{fmt}", lang)
    if fmt in ("graphml", "gexf"):
        return f"graph.{fmt}"
    if fmt == "anx":
        return f"{_ANX_STEM}.anx"
    raise InputError(t("export.error.format", "en", fmt=fmt, choices=", ".join(FORMATS)))


def i2_csv_paths(anx_path: str | os.PathLike) -> tuple[Path, Path]:
    """The entities and links CSV files written beside an ANX file ``x.anx``:
    ``x-entities.csv`` and ``x-links.csv``."""
    p = Path(anx_path)
    return p.with_name(f"{p.stem}-entities.csv"), p.with_name(f"{p.stem}-links.csv")


def export_case(
    case: Case | str | os.PathLike,
    fmt: str,
    out: str | os.PathLike | None = None,
    *,
    lang: str | None = None,
) -> list[Path]:
    """Export an analysed case (a :class:`~fundgraph.case.Case` or its folder) to ``fmt``.

    Parameters
    ----------
    case : Case or path
        The case, or the folder ``fundgraph analyze`` wrote.
    fmt : {"xlsx", "graphml", "gexf", "anx", "pdf"}
        What to write.
    out : path, optional
        The file to write; default :func:`default_name` in the case folder (required when
        ``case`` is a :class:`~fundgraph.case.Case`).
    lang : {"zh", "en"}, optional
        Language of names and labels (default: the case's).

    Returns
    -------
    list of Path
        The files written (for ``anx`` also the import wizard's CSV pair).

    Raises
    ------
    InputError
        An unknown format.
    CaseError
        ``case`` is a folder that does not hold a complete, readable case
        (:func:`fundgraph.case.load_case`).
    FundgraphError
        ``pdf`` without a PDF engine (Chromium through Playwright, or WeasyPrint), or
        when the engine fails.
    ValueError
        ``case`` is a :class:`~fundgraph.case.Case` and ``out`` is not given.

    See Also
    --------
    write_xlsx, write_graphml, write_gexf, write_anx, write_pdf : one format each.
    default_name : the file name of each format in the case folder.

    Examples
    --------
    A collector ``col`` takes 50,000 yuan from each of six payers and passes the money to
    the core, which pays each payer 1,000 yuan twice:

    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.case import Case
    >>> from fundgraph.pipeline import write_case
    >>> from fundgraph.synth import sample_transfers
    >>> t = sample_transfers()
    >>> case = analyze_case(Case(transfers=t), lang="en")
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = write_case(case, Path(tmp.name, "case"), html=False)
    >>> [p.name for p in export_case(folder, "graphml")]
    ['graph.graphml']
    >>> G = nx.read_graphml(folder / "graph.graphml")
    >>> G.number_of_nodes(), G.number_of_edges(), G.nodes["core"]["role"], G.nodes["col"]["level"]
    (8, 13, 'core', 1)
    >>> [p.name for p in export_case(case, "anx", Path(tmp.name, "chart.anx"), lang="en")]
    ['chart.anx', 'chart-entities.csv', 'chart-links.csv']
    >>> tmp.cleanup()
    """
    folder: Path | None = None
    if not isinstance(case, Case):
        folder = Path(case)
        case = load_case(folder)
    lang = check_lang(lang or case.lang or "zh")
    if fmt not in FORMATS:
        raise InputError(t("export.error.format", "en", fmt=fmt, choices=", ".join(FORMATS)))
    if out is None:
        if folder is None:
            raise ValueError("out is required when exporting a Case object")
        out = folder / default_name(fmt, lang)
    out = Path(out)
    if fmt == "xlsx":
        return [write_xlsx(case, out, lang=lang, source=folder.name if folder else None)]
    if fmt == "graphml":
        return [write_graphml(case, out, lang=lang)]
    if fmt == "gexf":
        return [write_gexf(case, out, lang=lang)]
    if fmt == "anx":
        entities, links = i2_csv_paths(out)
        return [write_anx(case, out, lang=lang), *write_i2_csv(case, entities, links, lang=lang)]
    return [write_pdf(case, out, lang=lang)]
