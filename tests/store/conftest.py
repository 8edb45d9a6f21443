"""Fixtures for the Neo4j store tests: a Bolt server and a small hand-made case.

The server is a local ArcadeDB started in a child process once per test session; when
``NEO4J_URI`` is set, the same tests run against that server instead (with
``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from fundgraph.case import Case
from tests.store.store_case import make_case, write_case


@pytest.fixture(scope="session")
def bolt() -> dict[str, str]:
    """``uri``, ``user``, ``password``, ``database`` of a Bolt server for the session."""
    if os.environ.get("NEO4J_URI"):
        yield {
            "uri": os.environ["NEO4J_URI"],
            "user": os.environ.get("NEO4J_USERNAME", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD", ""),
            "database": os.environ.get("NEO4J_DATABASE") or None,
        }
        return
    pytest.importorskip("arcadedb_embedded")
    from fundgraph.store.server import LocalServer

    server = LocalServer(start_timeout=90)
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server.connection()
    finally:
        server.stop()


@pytest.fixture
def case_name(bolt):
    """A case name unique to the test; whatever the test pushed under it is deleted after."""
    from fundgraph.store import delete_case

    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    delete_case(name, **bolt)


@pytest.fixture
def bolt_env(bolt, monkeypatch):
    """The server's settings in the ``NEO4J_*`` environment variables (for the CLI)."""
    monkeypatch.setenv("NEO4J_URI", bolt["uri"])
    monkeypatch.setenv("NEO4J_USERNAME", bolt["user"])
    monkeypatch.setenv("NEO4J_PASSWORD", bolt["password"])
    if bolt["database"]:
        monkeypatch.setenv("NEO4J_DATABASE", bolt["database"])
    else:
        monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    return bolt


@pytest.fixture
def small_case() -> Case:
    return make_case()


@pytest.fixture
def case_dir(tmp_path, small_case) -> Path:
    return write_case(small_case, tmp_path / "pushed")
