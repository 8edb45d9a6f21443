"""Connecting to a Bolt server: settings, credential masking, driver errors as one-line
:class:`~fundgraph.errors.StoreError` messages, managed transactions, the schema."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..errors import StoreError, install_log_masking, mask_secrets, register_secret
from .cypher import _CASE_INDEXES, _CONSTRAINTS, _INDEXES

__all__ = ["connection_settings", "mask_uri", "ENV_URI", "ENV_USER", "ENV_PASSWORD", "ENV_DATABASE"]

log = logging.getLogger("fundgraph.store")


ENV_URI = "NEO4J_URI"
ENV_USER = "NEO4J_USERNAME"
ENV_PASSWORD = "NEO4J_PASSWORD"
ENV_DATABASE = "NEO4J_DATABASE"

#: URI schemes of the Bolt protocol (the driver's HTTP preview is not supported).
BOLT_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

#: Seconds to wait for a connection, and to keep retrying a unit of work on a lost one.
CONNECT_SECONDS = 15
RETRY_SECONDS = 30


@dataclass(frozen=True)
class _Settings:
    uri: str
    user: str
    password: str = ""
    database: str | None = None

    def __repr__(self) -> str:  # never show the password
        return (
            f"_Settings(uri={mask_uri(self.uri)!r}, user={self.user!r}, database={self.database!r})"
        )


def mask_uri(uri: str) -> str:
    """``uri`` with any user name and password replaced by ``***``.

    Examples
    --------
    >>> mask_uri("neo4j://neo4j:s3cret@db.example:7687")
    'neo4j://***@db.example:7687'
    >>> mask_uri("bolt://localhost:7687")
    'bolt://localhost:7687'
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    if "@" not in parts.netloc:
        return uri
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def connection_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    environ: dict[str, str] | None = None,
) -> _Settings:
    """Connection settings from the arguments, else ``NEO4J_URI`` / ``NEO4J_USERNAME`` /
    ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``.

    Raises
    ------
    StoreError
        If no URI or no password is given either way.
    """
    env = os.environ if environ is None else environ
    uri = (uri or env.get(ENV_URI) or "").strip()
    if not uri:
        raise StoreError(key="error.store.no_uri", env=ENV_URI)
    uri, uri_user, uri_password = _split_userinfo(uri)
    register_secret(uri_password)
    user = user or uri_user or env.get(ENV_USER) or "neo4j"
    if password is None:
        password = uri_password if uri_password is not None else env.get(ENV_PASSWORD)
    register_secret(password)
    install_log_masking()
    database = database or env.get(ENV_DATABASE) or None
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise StoreError(
            key="error.store.bad_scheme", uri=mask_uri(uri), schemes=", ".join(BOLT_SCHEMES)
        )
    if password is None or password == "":
        raise StoreError(key="error.store.no_password", where=mask_uri(uri), env=ENV_PASSWORD)
    return _Settings(uri=uri, user=user, password=password, database=database)


def _split_userinfo(uri: str) -> tuple[str, str | None, str | None]:
    """``(uri without credentials, user, password)``: the driver takes them apart."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri, None, None
    if "@" not in parts.netloc:
        return uri, None, None
    info, host = parts.netloc.rsplit("@", 1)
    user, _, password = info.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) or None, unquote(password) if password else None


def _scrub(text: str, settings: _Settings) -> str:
    text = text.replace(settings.uri, mask_uri(settings.uri))
    if settings.password:
        text = text.replace(settings.password, "***")
    return mask_secrets(text)


def _first_line(exc: BaseException) -> str:
    import neo4j.exceptions as nx

    msg = (exc.message if isinstance(exc, nx.Neo4jError) else None) or str(exc)
    msg = msg or type(exc).__name__
    return " ".join(str(msg).split())[:300]


@contextmanager
def _translated(settings: _Settings) -> Iterator[None]:
    """Turn driver failures into one-line :class:`StoreError` messages (no secrets in them)."""
    import neo4j.exceptions as nx

    where = mask_uri(settings.uri)
    db = settings.database or "the default database"
    try:
        yield
    except StoreError:
        raise
    except nx.AuthError as exc:
        raise StoreError(key="error.store.auth", where=where, user=repr(settings.user)) from exc
    except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
        raise StoreError(
            key="error.store.unreachable", where=where, detail=_scrub(_first_line(exc), settings)
        ) from exc
    except nx.ConfigurationError as exc:
        raise StoreError(
            f"bad Neo4j connection settings for {where}: {_scrub(_first_line(exc), settings)}"
        ) from exc
    except nx.Neo4jError as exc:
        code = exc.code or ""
        if code.endswith("DatabaseNotFound") or code.endswith("Database.NotFound"):
            raise StoreError(
                key="error.store.no_database", where=where, db=repr(db), env=ENV_DATABASE
            ) from exc
        raise StoreError(
            f"Neo4j at {where} ({db}) refused: {code}: {_scrub(_first_line(exc), settings)}"
        ) from exc
    except nx.DriverError as exc:
        raise StoreError(
            f"Neo4j driver error for {where}: {_scrub(_first_line(exc), settings)}"
        ) from exc
    except OSError as exc:
        raise StoreError(
            f"cannot reach Neo4j at {where}: {_scrub(_first_line(exc), settings)}"
        ) from exc


def _quiet_driver_log() -> None:
    """Keep the driver's own log lines (a dozen per lost connection) off stderr.

    Without any logging set up, Python prints warnings of every logger to stderr; the
    failure reaches the user once, as a :class:`StoreError`. An application that sets up
    logging (``fundgraph --debug`` does) still gets the driver's lines, masked.
    """
    driver_log = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in driver_log.handlers):
        driver_log.addHandler(logging.NullHandler())


class _Store:
    """A driver and a database name; every unit of work is a managed transaction."""

    def __init__(self, settings: _Settings) -> None:
        import neo4j
        import neo4j.exceptions as nx

        self.settings = settings
        _quiet_driver_log()
        with _translated(settings):
            try:
                self.driver = neo4j.GraphDatabase.driver(
                    settings.uri,
                    auth=(settings.user, settings.password),
                    connection_timeout=CONNECT_SECONDS,
                    connection_acquisition_timeout=60,
                    max_transaction_retry_time=RETRY_SECONDS,
                )
            except (ValueError, ImportError, nx.ConfigurationError) as exc:
                raise StoreError(
                    f"cannot use the Neo4j URI {mask_uri(settings.uri)}: "
                    f"{_scrub(_first_line(exc), settings)} "
                    "(write neo4j://host:port or bolt://host:port, credentials apart)"
                ) from exc
            self.driver.verify_connectivity()
            self.read("RETURN 1 AS n")  # fails here if the database does not exist

    def close(self) -> None:
        self.driver.close()

    def is_arcadedb(self) -> bool:
        """Whether the server is ArcadeDB's Bolt endpoint (it says so in its agent string)."""
        with _translated(self.settings):
            agent = self.driver.get_server_info().agent or ""
        return "arcadedb" in agent.lower()

    def _session(self):
        return self.driver.session(database=self.settings.database)

    def write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx):
            return [r.data() for r in tx.run(query, params)]

        with _translated(self.settings), self._session() as session:
            return session.execute_write(work)

    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        def work(tx):
            return [r.data() for r in tx.run(query, params)]

        with _translated(self.settings), self._session() as session:
            return session.execute_read(work)

    def schema(self, query: str) -> None:
        # schema statements cannot share a transaction with data writes
        with _translated(self.settings), self._session() as session:
            session.run(query).consume()


@contextmanager
def _open(uri, user, password, database) -> Iterator[_Store]:
    store = _Store(connection_settings(uri, user, password, database))
    try:
        yield store
    finally:
        store.close()


def _ensure_schema(store: _Store) -> None:
    import neo4j.exceptions as nx

    for name, constraint, fallback in _CONSTRAINTS:
        try:
            with store._session() as session:
                session.run(constraint).consume()
        except nx.ClientError as exc:
            # e.g. a server before 5.7 knows no relationship uniqueness constraint;
            # an index still makes MERGE fast, and MERGE keeps the data unique.
            log.warning(
                "constraint %s not supported by %s (%s); using an index instead",
                name,
                mask_uri(store.settings.uri),
                _scrub(_first_line(exc), store.settings),
            )
            store.schema(fallback)
        except nx.Neo4jError:
            with _translated(store.settings):
                raise
    statements = list(_INDEXES)
    if not store.is_arcadedb():
        statements += _CASE_INDEXES
    for statement in statements:
        store.schema(statement)
