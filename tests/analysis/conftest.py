"""Fixtures of the analysis tests, built from the tables of :mod:`tests.analysis.helpers`."""

from __future__ import annotations

import pytest

from tests.analysis.helpers import pyramid_rows, table


@pytest.fixture
def pyramid():
    rows, expected = pyramid_rows()
    return table(rows), expected
