"""The report as PDF, read back with pypdf."""

from __future__ import annotations

import dataclasses
import io
import re
import unicodedata

import pytest

from fundgraph.errors import FundgraphError
from fundgraph.export import pdf as pdfmod
from fundgraph.i18n import t
from tests.export.export_cases import hand_case

pypdf = pytest.importorskip("pypdf")

CASE_NAME = "<script>alert('x')</script>某集资案"


@pytest.fixture(scope="module")
def engine():
    if pdfmod.pdf_engine() != "chromium":
        pytest.skip("headless Chromium with playwright is not installed")
    return "chromium"


@pytest.fixture(scope="module")
def long_case():
    case = hand_case(participants_extra=120)
    case.summary = dataclasses.replace(case.summary, case=CASE_NAME)
    return case


@pytest.fixture(scope="module")
def pdf(engine, long_case, tmp_path_factory):
    out = pdfmod.write_pdf(long_case, tmp_path_factory.mktemp("pdf") / "r.pdf", lang="zh")
    return out


@pytest.fixture(scope="module")
def pages(pdf):
    return _pages(pdf)


def _pages(path_or_bytes) -> list[str]:
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    reader = pypdf.PdfReader(src)
    # CJK fonts map some glyphs to compatibility code points (Kangxi radicals): NFKC folds them
    return [unicodedata.normalize("NFKC", p.extract_text() or "") for p in reader.pages]


def test_title_and_page_numbers_on_every_page(pages):
    n = len(pages)
    assert n >= 3
    # text extraction puts line breaks and spaces of its own between runs of text
    title = re.sub(r"\s+", "", f"{t('report.title', 'zh')} — {CASE_NAME}")
    for k, text in enumerate(pages, start=1):
        assert title in re.sub(r"\s+", "", text), k  # the case name is shown as text, never run
        assert re.search(rf"(?<!\d){k} / {n}(?!\d)", text), k


def test_chinese_headings_and_figures(pages):
    text = "\n".join(pages)
    for sec in ("summary", "thresholds", "participants", "method"):
        assert t(f"report.sec.{sec}", "zh") in text
    assert "¥8,000.03" in text


def test_long_table_repeats_its_header(pages):
    # pages that show rows of the participants' table (the 120 made-up accounts)
    with_rows = [p for p in pages if "622848002000000" in p]
    assert len(with_rows) >= 2
    head = t("report.col.net_loss", "zh")
    assert all(head in p for p in with_rows)
    # no column is cut off: the last row's loss and payment date are printed
    assert "¥10,000.00" in with_rows[-1] and "2022-01-01" in with_rows[-1]


def test_fonts_embedded(pdf):
    reader = pypdf.PdfReader(str(pdf))
    cid_fonts = 0
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if font["/Subtype"] == "/Type3":  # glyphs drawn by procedures inside the file
                assert "/CharProcs" in font
                continue
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for f in targets:
                desc = f["/FontDescriptor"].get_object()
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f
                cid_fonts += font["/Subtype"] == "/Type0"
    assert cid_fonts  # the CJK text is in embedded (subset) CID fonts


def test_same_bytes_twice(engine):
    case = hand_case()
    a = pdfmod.report_pdf(case, lang="en")
    b = pdfmod.report_pdf(case, lang="en")
    assert a == b
    assert b"/CreationDate (" + pdfmod.FIXED_PDF_DATE in a
    assert t("report.sec.summary", "en") in "\n".join(_pages(a))


def test_nothing_is_fetched(engine):
    from fundgraph.render.report import report_html

    _, refused = pdfmod._chromium_pdf(report_html(hand_case(), lang="zh"), "x")
    assert refused == []
    # and a page that does reference the network gets nothing
    html = '<html><body><img src="http://198.51.100.7/x.png"><p>x</p></body></html>'
    _, refused = pdfmod._chromium_pdf(html, "x")
    assert refused == ["http://198.51.100.7/x.png"]


def test_clear_error_without_an_engine(monkeypatch):
    monkeypatch.setattr(pdfmod, "pdf_engine", lambda: None)
    with pytest.raises(FundgraphError) as err:
        pdfmod.report_pdf(hand_case(), lang="zh")
    assert err.value.key == "export.error.no_pdf_engine"
    assert "\n" not in str(err.value) and "chromium" in str(err.value).lower()


def test_weasyprint_engine(long_case, tmp_path):
    """The fallback engine: title and page numbers on every page, headers repeated."""
    import shutil
    import subprocess

    pytest.importorskip("weasyprint")
    if not shutil.which("pdftotext"):  # pypdf cannot decode WeasyPrint's CID text reliably
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = pdfmod.write_pdf(long_case, tmp_path / "w.pdf", lang="zh", engine="weasyprint")
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [unicodedata.normalize("NFKC", p) for p in text.split("\f") if p.strip()]
    n = len(pages)
    assert n >= 3
    title = re.sub(r"\s+", "", f"{t('report.title', 'zh')} — {CASE_NAME}")
    for k, page in enumerate(pages, start=1):
        assert title in re.sub(r"\s+", "", page), k
        assert re.search(rf"(?<!\d){k} / {n}(?!\d)", page), k
    with_rows = [re.sub(r"\s+", "", p) for p in pages if "622848002000000" in p]
    assert len(with_rows) >= 2 and all(t("report.col.net_loss", "zh") in p for p in with_rows)
    # every column is on the page: the last participant's loss and last payment date
    assert "¥10,000.00" in text and "2022-01-01" in text


def test_pdf_from_inside_a_running_event_loop(engine, pdf):
    # a notebook runs an asyncio loop: the synchronous browser API is driven from a
    # thread of its own there, and the bytes are the same (the loop is started in a
    # fresh thread: this test process may already run one for its browser fixture)
    import asyncio
    import concurrent.futures

    async def inside():
        return pdfmod.report_pdf(hand_case(), lang="zh", engine=engine)

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        got = pool.submit(asyncio.run, inside()).result()
    assert got == pdfmod.report_pdf(hand_case(), lang="zh", engine=engine)
    assert got.startswith(b"%PDF")
