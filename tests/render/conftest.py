"""Fixtures shared by the view tests: the hand-made case, a bigger synthetic one, a case folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from fundgraph.case import finish_case, write_case_data
from tests.render.test_views_case import make_case


@pytest.fixture(scope="module")
def case():
    return make_case()


@pytest.fixture(scope="module")
def big_case():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_html import synthetic_case

    return synthetic_case(participants=3000, collectors=40)


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory, case):
    d = tmp_path_factory.mktemp("case")
    write_case_data(case, d)
    finish_case(case, d)
    return d
