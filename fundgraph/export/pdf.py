"""The prosecutor's report as a PDF: the same HTML as ``report.html``, printed by a layout engine.

:func:`write_pdf` renders the report (:func:`fundgraph.render.report.report_html`) in the
export's language and prints it to A4 with the headless Chromium of the system, driven by
playwright (``apt-get install chromium``; another browser can be named with
``FUNDGRAPH_CHROMIUM``). Where no Chromium is installed, WeasyPrint (a pure-Python HTML/CSS
layout engine on Pango) is used. ``pip install 'fundgraph[pdf]'`` installs both Python
packages.

- CJK text is embedded: Chromium subsets and embeds every font it draws with (the system's
  Noto CJK fonts on Debian), with a ToUnicode map, so the text can be searched and copied.
- Every page carries the case title at the top and ``page / pages`` at the bottom
  (Chromium's header and footer templates; WeasyPrint: CSS page margin boxes).
- WeasyPrint's output is byte-identical run to run by itself (it writes no dates).
- Tables split across pages repeat their header row (``thead {display: table-header-group}``
  in the report's print style); rows are not split.
- Nothing is fetched: the page has no external reference and a Content-Security-Policy,
  and every request the engine would still make is refused.

The same case gives the same bytes on the same machine: the only varying parts of
Chromium's output, the ``/CreationDate`` and ``/ModDate`` entries, are set to a fixed date
of the same length (so the cross-reference offsets stay valid). The ``/Creator`` entry
names the Chromium version, so PDFs from different browser versions differ there and in
the font subsets.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..case import Case
from ..errors import FundgraphError
from ..i18n import check_lang
from ..render.html import esc
from ..tables import atomic_write_bytes
from ._common import case_title

if TYPE_CHECKING:
    from playwright.sync_api import PdfMargins

__all__ = ["write_pdf", "report_pdf", "pdf_engine", "CHROMIUM_ARGS", "FIXED_PDF_DATE"]

#: Command-line flags of the headless browser: no sandbox (it runs as any user), no
#: background traffic of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: ``D:YYYYMMDDHHmmSS`` written over Chromium's creation and modification dates.
FIXED_PDF_DATE = b"D:20000101000000"

_MARGIN: PdfMargins = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
# the report's own @page footer is replaced by the browser's, which also knows the title
_PRINT_CSS = "@page{size:A4;margin:18mm 14mm 16mm;@bottom-right{content:none}}"
_UNBUTTON_JS = """() => {
  for (const b of document.querySelectorAll("thead button")) {
    b.replaceWith(document.createTextNode(b.textContent));
  }
}"""
_DATE_RE = re.compile(rb"/(CreationDate|ModDate)\s*\((D:\d{14})")


def _chromium() -> str | None:
    env = os.environ.get("FUNDGRAPH_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).exists():
            return name
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_engine() -> str | None:
    """``"chromium"`` or ``"weasyprint"`` (the first one usable here), or ``None``."""
    if _chromium():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            pass
        else:
            return "chromium"
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return None
    return "weasyprint"


def _fixed_dates(pdf: bytes) -> bytes:
    """Chromium's two timestamps replaced by :data:`FIXED_PDF_DATE` (same length)."""
    return _DATE_RE.sub(lambda m: b"/" + m.group(1) + b" (" + FIXED_PDF_DATE, pdf)


def _templates(title: str) -> tuple[str, str]:
    style = "font-size:8pt;color:#52606d;width:100%;margin:0 14mm;font-family:sans-serif;"
    header = f'<div style="{style}">{esc(title)}</div>'
    footer = (
        f'<div style="{style}text-align:right"><span class="pageNumber"></span> / '
        '<span class="totalPages"></span></div>'
    )
    return header, footer


def _chromium_pdf(html: str, title: str) -> tuple[bytes, list[str]]:
    """Print ``html`` with Chromium; returns the PDF and the requests that were refused.

    Playwright's synchronous API refuses to run in a thread with an asyncio event loop
    (a notebook, or a program that already drives a browser): the printing then runs in
    a thread of its own, and its errors come back here.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _chromium_pdf_here(html, title)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_chromium_pdf_here, html, title).result()


def _chromium_pdf_here(html: str, title: str) -> tuple[bytes, list[str]]:
    from playwright.sync_api import sync_playwright

    refused: list[str] = []

    def refuse(route) -> None:
        refused.append(route.request.url)
        route.abort()

    header, footer = _templates(title)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(offline=True, java_script_enabled=True)
            page = context.new_page()
            page.route("**/*", refuse)
            page.set_content(html, wait_until="load")
            page.add_style_tag(content=_PRINT_CSS)
            # Chromium does not paint form controls in the header rows it repeats on later
            # pages: the sort buttons of the table headers become their plain text
            page.evaluate(_UNBUTTON_JS)
            page.emulate_media(media="print")
            pdf = page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                margin=_MARGIN,
            )
            context.close()
        finally:
            browser.close()
    return _fixed_dates(pdf), refused


def _weasyprint_pdf(html: str, title: str) -> bytes:
    import weasyprint

    css = (
        # form controls would be laid out as boxes that push the table's later columns off
        # the page: the sort buttons of the headers are printed as plain text
        "th button.sort{display:inline;border:0;padding:0;background:none;font:inherit}"
        "@page{size:A4;margin:18mm 14mm 16mm;"
        f"@top-left{{content:{_css_string(title)};font-size:8pt;color:#52606d}}"
        '@bottom-right{content:counter(page) " / " counter(pages);font-size:8pt;color:#52606d}}'
    )

    def no_fetch(url: str, *args, **kwargs):
        raise ValueError(f"not fetched: {url}")

    doc = weasyprint.HTML(string=html, url_fetcher=no_fetch)
    return doc.write_pdf(stylesheets=[weasyprint.CSS(string=css)])


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def report_pdf(case: Case, *, lang: str = "zh", engine: str | None = None) -> bytes:
    """The report of ``case`` as PDF bytes.

    Raises
    ------
    FundgraphError
        When no engine is usable (one line saying what to install), or the engine failed.
    """
    from ..render.report import report_html

    check_lang(lang)
    engine = engine or pdf_engine()
    if engine is None:
        raise FundgraphError(key="export.error.no_pdf_engine")
    html = report_html(case, lang=lang)
    title = case_title(case, lang)
    try:
        if engine == "chromium":
            return _chromium_pdf(html, title)[0]
        if engine == "weasyprint":
            return _weasyprint_pdf(html, title)
    except FundgraphError:
        raise
    except Exception as exc:  # the engine's own errors: one line naming it
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FundgraphError(key="export.error.pdf_failed", engine=engine, detail=detail) from exc
    raise ValueError(f"unknown PDF engine {engine!r}")


def write_pdf(
    case: Case, out_path: str | os.PathLike, *, lang: str = "zh", engine: str | None = None
) -> Path:
    """Write the report of ``case`` as a PDF file (atomically) and return its path.

    Parameters
    ----------
    case : Case
        An analysed case.
    out_path : path
        The ``.pdf`` file to write.
    lang : {"zh", "en"}
        Language of the report.
    engine : {"chromium", "weasyprint"}, optional
        Default: the first one installed (:func:`pdf_engine`).
    """
    out = Path(out_path)
    atomic_write_bytes(out, report_pdf(case, lang=lang, engine=engine))
    return out
