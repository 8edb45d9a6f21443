"""Shared fixtures: a headless Chromium page that records every request and console error."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings

from fundgraph.export.pdf import CHROMIUM_ARGS as _BROWSER_FLAGS

# CI runs the property tests on a fixed sequence of examples (same draws every run), so a
# red build always reproduces; local runs keep exploring new random draws.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _forget_passwords():
    """A password registered for masking by one test must not mask another test's output."""
    yield
    from fundgraph.errors import forget_secrets

    forget_secrets()


CHROMIUM = os.environ.get("FUNDGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = list(_BROWSER_FLAGS)  # the same flags the PDF export launches with
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@dataclass
class OpenedPage:
    """A page opened from disk, with what it asked the network for and what it logged."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def foreign_requests(self) -> list[str]:
        """Requests for anything other than the file itself (data: URLs are inline)."""
        return [u for u in self.requests if u != self.url and not u.startswith(("data:", "blob:"))]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        return path


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("headless Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def open_page(browser):
    """``open_page(path) -> OpenedPage``: load a local HTML file and wait until it is idle."""
    contexts = []

    def _open(path: str | os.PathLike, *, width: int = 1400, height: int = 900) -> OpenedPage:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(ctx)
        page = ctx.new_page()
        url = Path(path).resolve().as_uri()
        opened = OpenedPage(page=page, url=url)
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on(
            "console",
            lambda m: opened.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: opened.page_errors.append(str(e)))

        def _dialog(d):
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", _dialog)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(200)
        return opened

    yield _open
    for ctx in contexts:
        ctx.close()


@dataclass
class GeneratedCase:
    """A small synthetic case, generated and analysed once per test session."""

    root: Path
    exports: Path
    case_dir: Path
    truth: dict


@pytest.fixture(scope="session")
def generated_case(tmp_path_factory) -> GeneratedCase:
    from fundgraph.pipeline import analyze
    from fundgraph.synth import generate_case

    root = tmp_path_factory.mktemp("generated")
    truth = generate_case(root, seed=5, participants=80)
    case_dir = root / "case"
    analyze([root / "exports"], case_dir, lang="zh")
    return GeneratedCase(root, root / "exports", case_dir, truth)
