"""The pages' own script, ``fundgraph/render/templates/graph.js``: linted, and inlined as it is."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fundgraph.render import render_view

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "fundgraph" / "render" / "templates" / "graph.js"
# Debian's eslint loads its modules from here: Debian's node searches it by itself, a node
# built elsewhere (NodeSource, nvm) only when NODE_PATH names it.
DEBIAN_NODE_MODULES = "/usr/share/nodejs"


def _eslint_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NODE_PATH"] = os.pathsep.join(p for p in (DEBIAN_NODE_MODULES, env.get("NODE_PATH")) if p)
    return env


def test_graph_js_passes_eslint():
    eslint = shutil.which("eslint")
    if eslint is None:
        if os.environ.get("CI"):
            pytest.fail("eslint is not installed (apt-get install eslint); CI lints graph.js")
        pytest.skip("eslint is not installed (apt-get install eslint)")
    proc = subprocess.run(
        [eslint, "--no-color", "--max-warnings", "0", str(SCRIPT.relative_to(ROOT))],
        cwd=ROOT,
        env=_eslint_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_page_inlines_graph_js_unchanged(case, tmp_path):
    script = SCRIPT.read_text(encoding="utf-8")
    # nothing to break up: the text goes into the page byte for byte
    assert "</script" not in script.lower()
    html = render_view(case, tmp_path / "g.html").read_text(encoding="utf-8")
    assert html.count(script) == 1
    assert f"<script>\n{script}</script>\n</body>" in html
