"""Every example script runs on a generated case."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run(script: str, *args) -> str:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return proc.stdout


def test_read_exports(generated_case):
    out = _run("read_exports.py", generated_case.exports)
    assert f"{generated_case.truth['rows_read']} rows read" in out
    assert f"{generated_case.truth['transfers']} distinct transfers" in out


def test_analyse_case(generated_case, tmp_path):
    out = _run("analyse_case.py", generated_case.exports, tmp_path / "case")
    assert (tmp_path / "case" / "case.json").is_file()
    assert "collector:" in out and "largest losses:" in out


def test_look_at_graph(generated_case):
    out = _run("look_at_graph.py", generated_case.case_dir)
    assert "accounts" in out and "->" in out


def test_trace_money(generated_case):
    assert _run("trace_money.py", generated_case.case_dir).strip()


@pytest.mark.parametrize("script", ["render_views.py", "make_report.py"])
def test_render_examples(generated_case, tmp_path, script):
    import shutil

    case = tmp_path / "case"
    shutil.copytree(generated_case.case_dir, case)
    _run(script, case)
    assert any(p.suffix == ".html" for p in case.iterdir())
