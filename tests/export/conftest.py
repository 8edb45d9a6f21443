"""Fixtures of the export tests: the hand-made case as a folder, and a synthetic case."""

from __future__ import annotations

import pytest

from tests.export.export_cases import hand_case, write_folder


@pytest.fixture(scope="session")
def hand_dir(tmp_path_factory):
    """The hand-made case written as a case folder."""
    return write_folder(hand_case(), tmp_path_factory.mktemp("hand-case"))


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory):
    """A small synthetic case, generated and analysed once (with a restitution plan)."""
    from fundgraph.pipeline import analyze
    from fundgraph.synth import generate_case

    root = tmp_path_factory.mktemp("synth-case")
    generate_case(root, seed=11, participants=30)
    analyze([root / "exports"], root / "case", lang="zh", html=False, recovered=50_000_00)
    return root / "case"
