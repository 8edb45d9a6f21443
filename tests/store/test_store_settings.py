"""Connection settings, masking and schema fallbacks (no server needed)."""

from __future__ import annotations

import logging

import neo4j.exceptions as nx
import pytest

from fundgraph.errors import StoreError
from fundgraph.store import connection, connection_settings, mask_uri, push
from tests.store.store_case import make_case


@pytest.mark.parametrize(
    ("uri", "masked"),
    [
        ("bolt://localhost:7687", "bolt://localhost:7687"),
        ("neo4j+s://u:p%40ss@db.example.org:7687/x", "neo4j+s://***@db.example.org:7687/x"),
        ("bolt://user@h:1", "bolt://***@h:1"),
    ],
)
def test_mask_uri(uri, masked):
    assert mask_uri(uri) == masked


def test_settings_fall_back_to_the_environment():
    env = {
        "NEO4J_URI": "bolt://h:1",
        "NEO4J_USERNAME": "alice",
        "NEO4J_PASSWORD": "s3cret",
        "NEO4J_DATABASE": "cases",
    }
    s = connection_settings(environ=env)
    assert (s.uri, s.user, s.password, s.database) == ("bolt://h:1", "alice", "s3cret", "cases")
    assert "s3cret" not in repr(s)
    s = connection_settings("bolt://other:2", "bob", "pw", None, environ=env)
    assert (s.uri, s.user, s.database) == ("bolt://other:2", "bob", "cases")


def test_missing_settings_are_store_errors():
    with pytest.raises(StoreError, match="NEO4J_URI"):
        connection_settings(environ={"NEO4J_PASSWORD": "x"})
    with pytest.raises(StoreError, match="NEO4J_PASSWORD"):
        connection_settings(environ={"NEO4J_URI": "bolt://u@h:1"})


def test_credentials_in_the_uri_are_taken_apart():
    s = connection_settings(environ={"NEO4J_URI": "bolt://ann:p%40ss@db.example:7687"})
    assert (s.uri, s.user, s.password) == ("bolt://db.example:7687", "ann", "p@ss")
    assert "p@ss" not in repr(s)


@pytest.mark.parametrize("uri", ["http://h:7474", "https://h", "h:7687", "ftp://h:1"])
def test_a_uri_that_is_not_bolt_is_refused_before_connecting(uri):
    with pytest.raises(StoreError, match="write neo4j://host:port or bolt://host:port"):
        connection_settings(uri, "u", "p", environ={})


def test_bad_uri_is_a_store_error():
    with pytest.raises(StoreError, match="cannot use the Neo4j URI ftp://h:1"):
        connection._Store(connection_settings("ftp://h:1", "u", "p", environ={}))


class _FakeSession:
    def __init__(self, log, reject):
        self.log, self.reject = log, reject

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def run(self, statement, *a, **k):
        if any(word in statement for word in self.reject):
            raise nx.ClientError("Invalid input 'CONSTRAINT'")
        self.log.append(statement)
        return self

    def consume(self):
        return None


class _FakeStore:
    def __init__(self, reject):
        self.statements: list[str] = []
        self.reject = reject
        self.settings = connection_settings("bolt://u:pw@h:1", environ={"NEO4J_PASSWORD": "pw"})

    def _session(self):
        return _FakeSession(self.statements, self.reject)

    def is_arcadedb(self):
        return False

    def schema(self, statement):
        with self._session() as s:
            s.run(statement).consume()


def test_unsupported_constraint_falls_back_to_an_index(caplog):
    fake = _FakeStore(reject=("()-[t:TRANSFER]-() REQUIRE",))
    with caplog.at_level(logging.WARNING, logger="fundgraph.store"):
        connection._ensure_schema(fake)
    assert any("fg_transfer_key_idx" in s for s in fake.statements)
    assert any("CONSTRAINT fg_account_key" in s for s in fake.statements)
    assert any("fg_account_case" in s for s in fake.statements)
    assert "fg_transfer_key" in caplog.text and "pw" not in caplog.text


def test_every_statement_uses_parameters_only():
    # labels, types and property names are fixed; values never appear in statement text
    plan = push._plan(make_case(), "case-name")
    texts = [plan.accounts.statement, plan.participants.statement]
    texts += [p.statement for p in plan.transfers] + [p.fresh_statement for p in plan.transfers]
    for text in texts:
        assert "case-name" not in text and "DETACH" not in text and "赵一" not in text
