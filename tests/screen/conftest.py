"""Fixtures of the screening tests: the hand-built feed of :mod:`tests.screen.feed_case`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.screen.feed_case import write_feed


@pytest.fixture(scope="session")
def feed(tmp_path_factory) -> Path:
    return write_feed(tmp_path_factory.mktemp("screen"))


@pytest.fixture(scope="session")
def full_run(feed, tmp_path_factory):
    from fundgraph.screen import screen

    out = tmp_path_factory.mktemp("full")
    result = screen([feed], out, scheduler="synchronous", lang="en", export_case=2)
    return result, out
