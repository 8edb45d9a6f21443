"""Show the hostile-corpus table at the end of a normal ``pytest`` run."""

from __future__ import annotations

from pathlib import Path

REPORT = Path(__file__).resolve().parents[2] / "test-artifacts" / "hostile-corpus.txt"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config, "_hostile_corpus_report", None):
        terminalreporter.section("hostile corpus")
        terminalreporter.write(config._hostile_corpus_report)
