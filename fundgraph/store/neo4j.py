"""Persist an analysed case in Neo4j and read it back (docs/neo4j.md).

The graph model, with every node and relationship carrying the ``case`` name so that
several cases share one database:

``(:Case {name, case, summary_json, structures_json, communities_json, ...})``
    One per case: ``case.json``, ``structures.json`` and the small tables as exact JSON
    text, a few headline figures as plain properties, and ``push_complete``.
``(:Account {case, account, ...every accounts.csv field})``
    One per account. A participant's figures (``paid_in``, ``received_back``,
    ``net_loss``, ``person``, ``first_paid``, ``last_paid``, ``deposits``) sit on its
    account with ``participant: true``.
``(:Person {case, person, holder_id, name})-[:HOLDS {case}]->(:Account)``
    Where the holder id is known.
``(:Account)-[:TRANSFER {case, transfer_id, amount, amount_cents, time, ...}]->(:Account)``
    One relationship per transfer; cash is one ``(:Cash {case})`` node per case
    (a deposit is ``Cash -> Account``, a withdrawal ``Account -> Cash``), and a
    counterparty the statement does not name (``counterparty_kind = "unknown"``, not
    cash) is one ``(:Unknown {case})`` node per case, so a query of cash never counts it.

Money is stored twice: ``<field>_cents`` is the exact integer (sum this one) and
``<field>`` is yuan as a float for reading and sorting in Neo4j Browser. Times are Neo4j
``LocalDateTime`` values (bank statements carry no zone). :func:`pull_case` reads only
the exact forms, so a push followed by a pull gives back the same files.

Only labels, relationship types and property names fixed in this module or in
:mod:`fundgraph.schema` appear in Cypher text; every value, and every property map, goes
in as a query parameter.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import numpy as np
import pandas as pd

from .. import schema as S
from ..case import Case, check_case_folder, file_table, finish_case, load_case, write_case_data
from ..errors import StoreError, install_log_masking, mask_secrets, register_secret
from ..results import CaseSummary, Structure, read_alert_texts
from ..tables import MONEY_COLUMNS, dumps_json

__all__ = [
    "push_case",
    "pull_case",
    "delete_case",
    "list_cases",
    "connection_settings",
    "mask_uri",
    "ENV_URI",
    "ENV_USER",
    "ENV_PASSWORD",
    "ENV_DATABASE",
]

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

#: Version of the layout on the ``:Case`` node; pull refuses a newer one.
MODEL_VERSION = 1

#: ``progress(stage, done, total)`` is called after every batch.
Progress = Callable[[str, int, int], None]

# Property names that the model itself uses; a table column may not take them.
_RESERVED = frozenset(
    {"case", "account", "account_row", "participant", "participant_row", "transfer_id"}
)
_PROPERTY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Small tables kept as JSON text on the :Case node (rejects are not pushed: their
# counts are in case.json and their raw rows stay with the case folder).
_CASE_TABLES = {
    "alerts": ("alerts_json", S.ALERTS),
    "warnings": ("warnings_json", S.WARNINGS),
    "files": ("files_json", S.FILES),
    "communities": ("communities_json", None),
    "restitution": ("restitution_json", None),
}

#: case.json fields copied onto the :Case node as plain properties (money as float yuan).
_HEADLINE = (
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "transfers",
    "accounts",
    "total_absorbed",
    "participant_persons",
    "participant_accounts",
    "direct_loss",
    "max_level",
)

# --- schema: (name, statement, fallback index statement or None) -------------------------
_CONSTRAINTS = (
    (
        "fg_account_key",
        "CREATE CONSTRAINT fg_account_key IF NOT EXISTS "
        "FOR (a:Account) REQUIRE (a.case, a.account) IS UNIQUE",
        "CREATE INDEX fg_account_key_idx IF NOT EXISTS FOR (a:Account) ON (a.case, a.account)",
    ),
    (
        "fg_person_key",
        "CREATE CONSTRAINT fg_person_key IF NOT EXISTS "
        "FOR (p:Person) REQUIRE (p.case, p.person) IS UNIQUE",
        "CREATE INDEX fg_person_key_idx IF NOT EXISTS FOR (p:Person) ON (p.case, p.person)",
    ),
    (
        "fg_cash_key",
        "CREATE CONSTRAINT fg_cash_key IF NOT EXISTS FOR (c:Cash) REQUIRE c.case IS UNIQUE",
        "CREATE INDEX fg_cash_key_idx IF NOT EXISTS FOR (c:Cash) ON (c.case)",
    ),
    (
        "fg_unknown_key",
        "CREATE CONSTRAINT fg_unknown_key IF NOT EXISTS FOR (u:Unknown) REQUIRE u.case IS UNIQUE",
        "CREATE INDEX fg_unknown_key_idx IF NOT EXISTS FOR (u:Unknown) ON (u.case)",
    ),
    (
        "fg_case_key",
        "CREATE CONSTRAINT fg_case_key IF NOT EXISTS FOR (c:Case) REQUIRE c.name IS UNIQUE",
        "CREATE INDEX fg_case_key_idx IF NOT EXISTS FOR (c:Case) ON (c.name)",
    ),
    (
        # relationship uniqueness constraints exist from Neo4j 5.7 on
        "fg_transfer_key",
        "CREATE CONSTRAINT fg_transfer_key IF NOT EXISTS "
        "FOR ()-[t:TRANSFER]-() REQUIRE (t.case, t.transfer_id) IS UNIQUE",
        "CREATE INDEX fg_transfer_key_idx IF NOT EXISTS "
        "FOR ()-[t:TRANSFER]-() ON (t.case, t.transfer_id)",
    ),
)
# No index on ``case`` alone: ArcadeDB's planner would pick it over the (case, account)
# key for ``MATCH (a:Account {case: $case, account: $x})`` and scan the whole case per row.
_INDEXES = ("CREATE INDEX fg_account_role IF NOT EXISTS FOR (a:Account) ON (a.role)",)
# Indexes on ``case`` alone serve deletes, pulls and per-case browsing on Neo4j. ArcadeDB
# is not given them: its planner may prefer them to the (case, account) key for
# ``MATCH (a:Account {case: $case, account: $x})`` and then scan the whole case per row.
_CASE_INDEXES = (
    "CREATE INDEX fg_account_case IF NOT EXISTS FOR (a:Account) ON (a.case)",
    "CREATE INDEX fg_person_case IF NOT EXISTS FOR (p:Person) ON (p.case)",
    "CREATE INDEX fg_transfer_case IF NOT EXISTS FOR ()-[t:TRANSFER]-() ON (t.case)",
)

# --- statements ----------------------------------------------------------------------------
_Q_CASE_BEGIN = (
    "MERGE (c:Case {name: $case}) "
    "SET c.case = $case, c.push_complete = false, c.model_version = $version, "
    "c.content_hash = $hash"
)
_Q_CASE_HELD = (
    "OPTIONAL MATCH (c:Case {name: $case}) "
    "RETURN count(c) AS cases, collect(c.content_hash)[0] AS hash"
)
_Q_CASE_DATA = "MATCH (a:Account {case: $case}) RETURN count(a) AS n LIMIT 1"
_Q_CASE_FINISH = "MATCH (c:Case {name: $case}) SET c = $props"
_Q_CASH = "MERGE (c:Cash {case: $case})"
_Q_UNKNOWN = "MERGE (u:Unknown {case: $case})"
# Each row is a map ``r``: ``r.key`` the key, ``r.props`` every property but the times,
# and one ``r.<time column>`` ISO string per time column of the schema, turned into a
# LocalDateTime by the server. (ArcadeDB decodes temporal parameters far slower than
# text; the result is the same LocalDateTime on both servers.) ``{times}`` is filled by
# _rows() from the schemas in fundgraph.schema only.
_Q_ACCOUNTS = (
    "UNWIND $rows AS r MERGE (a:Account {case: $case, account: r.key}) SET a = r.props{times}"
)
_Q_ACCOUNTS_NEW = "UNWIND $rows AS r CREATE (a:Account) SET a = r.props{times}"
_Q_ENDPOINTS = "UNWIND $rows AS account MERGE (a:Account {case: $case, account: account})"
_Q_PARTICIPANTS = (
    "UNWIND $rows AS r MERGE (a:Account {case: $case, account: r.key}) SET a += r.props{times}"
)
_Q_PERSONS = (
    "UNWIND $rows AS r MERGE (p:Person {case: $case, person: r.key}) "
    "SET p.holder_id = r.key, p.name = r.name"
)
_Q_HOLDS = (
    "UNWIND $rows AS r MATCH (p:Person {case: $case, person: r.key}) "
    "MATCH (a:Account {case: $case, account: r.account}) "
    "MERGE (p)-[h:HOLDS {case: $case}]->(a)"
)
_TRANSFER_ENDS = {
    ("Account", "Account"): (
        "MATCH (s:Account {case: $case, account: r.src}) "
        "MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Cash", "Account"): (
        "MATCH (s:Cash {case: $case}) MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Account", "Cash"): (
        "MATCH (s:Account {case: $case, account: r.src}) MATCH (d:Cash {case: $case}) "
    ),
    ("Unknown", "Account"): (
        "MATCH (s:Unknown {case: $case}) MATCH (d:Account {case: $case, account: r.dst}) "
    ),
    ("Account", "Unknown"): (
        "MATCH (s:Account {case: $case, account: r.src}) MATCH (d:Unknown {case: $case}) "
    ),
    ("Cash", "Cash"): "MATCH (s:Cash {case: $case}) MATCH (d:Cash {case: $case}) ",
    ("Unknown", "Unknown"): "MATCH (s:Unknown {case: $case}) MATCH (d:Unknown {case: $case}) ",
}
# MERGE on (case, transfer_id) makes a re-run (after an interruption, or a second push)
# update instead of duplicate. A push into a case the database does not hold yet creates
# instead (faster); a re-run after an interruption finds the :Case node and merges.
_Q_TRANSFER = (
    "UNWIND $rows AS r {ends}"
    "MERGE (s)-[t:TRANSFER {case: $case, transfer_id: r.key}]->(d) SET t = r.props{times}"
)
_Q_TRANSFER_NEW = "UNWIND $rows AS r {ends}CREATE (s)-[t:TRANSFER]->(d) SET t = r.props{times}"
_Q_CASE_EXISTS = (
    "OPTIONAL MATCH (c:Case {name: $case}) OPTIONAL MATCH (a:Account {case: $case}) "
    "RETURN count(c) + count(a) AS n LIMIT 1"
)
_Q_DELETE_RELS = {
    "TRANSFER": (
        "MATCH ()-[t:TRANSFER {case: $case}]->() WITH t LIMIT $limit DELETE t RETURN count(*) AS n"
    ),
    "HOLDS": (
        "MATCH ()-[h:HOLDS {case: $case}]->() WITH h LIMIT $limit DELETE h RETURN count(*) AS n"
    ),
}
_Q_DELETE_NODES = {
    "Account": (
        "MATCH (n:Account {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Person": (
        "MATCH (n:Person {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Cash": (
        "MATCH (n:Cash {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Unknown": (
        "MATCH (n:Unknown {case: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
    "Case": (
        "MATCH (n:Case {name: $case}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"
    ),
}
_Q_COUNTS = (
    ("accounts", "MATCH (a:Account {case: $case}) RETURN count(a) AS n"),
    (
        "participants",
        "MATCH (a:Account {case: $case}) WHERE a.participant = true RETURN count(a) AS n",
    ),
    ("persons", "MATCH (p:Person {case: $case}) RETURN count(p) AS n"),
    ("holds", "MATCH ()-[h:HOLDS {case: $case}]->() RETURN count(h) AS n"),
    ("transfers", "MATCH ()-[t:TRANSFER {case: $case}]->() RETURN count(t) AS n"),
    ("cash", "MATCH (c:Cash {case: $case}) RETURN count(c) AS n"),
    ("unknown", "MATCH (u:Unknown {case: $case}) RETURN count(u) AS n"),
)
_Q_PULL_CASE = "MATCH (c:Case {name: $case}) RETURN properties(c) AS p"
_Q_PULL_ACCOUNTS = (
    "MATCH (a:Account {case: $case}) WHERE a.account_row IS NOT NULL "
    "RETURN a.account_row AS row_, a.account AS key_{fields}"
)
_Q_PULL_PARTICIPANTS = (
    "MATCH (a:Account {case: $case}) WHERE a.participant_row IS NOT NULL "
    "RETURN a.participant_row AS row_, a.account AS key_{fields}"
)
_Q_PULL_TRANSFERS = (
    "MATCH (s)-[t:TRANSFER {case: $case}]->(d) "
    "RETURN t.transfer_id AS row_, s.account AS src_, d.account AS dst_{fields}"
)
_Q_LIST_CASES = (
    "MATCH (c:Case) RETURN c.name AS name, c.push_complete AS complete, "
    "c.transfers AS transfers, c.accounts AS accounts ORDER BY name"
)


# --- connection ------------------------------------------------------------------------------
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


# --- values in and out -------------------------------------------------------------------------
def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if isinstance(dtype, pd.Int64Dtype) or str(dtype) == "Int64":
        return "Int64"
    if pd.api.types.is_integer_dtype(dtype):
        return "int64"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "str"


def _column_values(series: pd.Series, kind: str) -> list[Any]:
    """Python values for the driver; None where the property is to be absent."""
    if kind == "str":
        return [
            "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            for v in series.tolist()
        ]
    if kind == "bool":
        return [bool(v) for v in series.tolist()]
    if kind == "int64":
        return [int(v) for v in series.to_numpy(dtype="int64")]
    if kind == "Int64":
        return [None if v is pd.NA else int(v) for v in series.astype("Int64").tolist()]
    if kind == "float":
        return [None if v != v else float(v) for v in series.astype("float64").tolist()]
    if kind == "datetime":
        values = series.astype("datetime64[ns]")
        out: list[Any] = [None] * len(values)
        mask = values.notna().to_numpy()
        if mask.any():
            py = values[mask].dt.floor("us").map(lambda t: t.to_pydatetime()).tolist()
            for i, v in zip(np.flatnonzero(mask), py, strict=True):
                out[i] = v
        return out
    raise ValueError(kind)


def _is_money(column: str, kind: str) -> bool:
    return column in MONEY_COLUMNS and kind in ("int64", "Int64")


#: The tables pushed row by row, with the schema whose columns become named properties.
_SCHEMAS = {"accounts": S.ACCOUNTS, "participants": S.PARTICIPANTS, "transfers": S.TRANSFERS}


def _layout(
    df: pd.DataFrame, table: str, taken: set[str], key: str, prefix: str = ""
) -> list[list[str]]:
    """``[[column, kind, property], ...]`` for ``df``; checks every property name."""
    layout = []
    for col in df.columns:
        col = str(col)
        kind = _kind(df[col])
        prop = f"{prefix}{col}" if col in taken else col
        names = [prop, f"{prop}_cents"] if _is_money(col, kind) else [prop]
        for name in names:
            if col == key:
                continue
            if not _PROPERTY_RE.match(name) or name in _RESERVED:
                raise StoreError(
                    f"column {col!r} of the {table} table cannot be stored as a Neo4j property"
                )
        layout.append([col, kind, prop])
    return layout


def _known(table: str, col: str, prop: str) -> bool:
    """Whether ``col`` is a schema column (its property name may appear in Cypher text)."""
    return (
        col in _SCHEMAS[table]
        and prop in (col, f"participant_{col}")
        and _PROPERTY_RE.match(prop) is not None
    )


@dataclass
class _Rows:
    """One table ready to send: its statement and one parameter map per row."""

    statement: str
    rows: list[dict[str, Any]]
    fresh_statement: str | None = None

    def __len__(self) -> int:
        return len(self.rows)


def _rows(
    df: pd.DataFrame,
    table: str,
    layout: list[list[str]],
    templates: tuple[str, str | None],
    var: str,
    keys: dict[str, list[Any]],
    skip: set[str],
    fixed: dict[str, list[Any]],
) -> _Rows:
    """Row maps for ``df`` and its statements, ``{times}`` filled from the schema columns."""
    props = _property_rows(df, [tuple(x) for x in layout if x[0] not in skip])
    times = []
    time_values: dict[str, list[Any]] = {}
    for col, kind, prop in layout:
        if col in skip or kind != "datetime" or not _known(table, col, prop):
            continue
        values = [None if v is None else v.isoformat() for v in _column_values(df[col], kind)]
        time_values[prop] = values
        times.append(f", {var}.{prop} = localdatetime(r.{prop})")
        for row in props:
            row.pop(prop, None)
    rows = []
    for i, p in enumerate(props):
        for k, v in fixed.items():
            p[k] = v[i]
        row = {k: v[i] for k, v in keys.items()}
        row["props"] = {k: v for k, v in p.items() if v is not None}
        for prop, values in time_values.items():
            row[prop] = values[i]
        rows.append(row)
    text = "".join(times)
    statement, fresh = templates
    return _Rows(
        statement.replace("{times}", text), rows, fresh.replace("{times}", text) if fresh else None
    )


def _property_rows(df: pd.DataFrame, layout: list[tuple[str, ...]]) -> list[dict[str, Any]]:
    """One property map per row: money as cents and float yuan, missing values as None."""
    rows: list[dict[str, Any]] = [{} for _ in range(len(df))]
    for col, kind, prop in layout:
        values = _column_values(df[col], kind)
        if _is_money(col, kind):
            for row, v in zip(rows, values, strict=True):
                row[f"{prop}_cents"] = v
                row[prop] = None if v is None else v / 100
        else:
            for row, v in zip(rows, values, strict=True):
                row[prop] = v
    return rows


def _to_python_time(v: Any) -> Any:
    if v is None:
        return None
    if hasattr(v, "to_native"):
        v = v.to_native()
    if isinstance(v, datetime) and v.tzinfo is not None:
        v = v.replace(tzinfo=None)
    return v


def _pull_fields(table: str, layout: list[list[str]], var: str, skip: set[str]) -> tuple[str, bool]:
    """RETURN items for the schema columns of ``layout``; whether a property map is needed."""
    fields = []
    needs_map = False
    for j, (col, kind, prop) in enumerate(layout):
        if col in skip:
            continue
        if not _known(table, col, prop):
            needs_map = True
            continue
        name = f"{prop}_cents" if _is_money(col, kind) else prop
        fields.append(f", {var}.{name} AS f{j}")
    if needs_map:
        fields.append(f", properties({var}) AS props_")
    return "".join(fields), needs_map


def _frame_from_records(
    table: str,
    records: list[dict[str, Any]],
    layout: list[list[str]],
    given: dict[str, list[Any]],
) -> pd.DataFrame:
    """Rebuild a table from the records of a pull query in the dtypes of ``layout``."""
    data: dict[str, pd.Series] = {}
    n = len(records)
    for j, (col, kind, prop) in enumerate(layout):
        if col in given:
            raw = given[col]
        elif _known(table, col, prop):
            raw = [r[f"f{j}"] for r in records]
        else:
            name = f"{prop}_cents" if _is_money(col, kind) else prop
            raw = [r["props_"].get(name) for r in records]
        data[col] = _series(raw, kind, n)
    return pd.DataFrame(data, columns=[c for c, _, _ in layout])


def _series(raw: list[Any], kind: str, n: int) -> pd.Series:
    if kind == "str":
        return pd.Series(["" if v is None else str(v) for v in raw], dtype=object)
    if kind == "bool":
        return pd.Series([bool(v) for v in raw], dtype=bool)
    if kind == "int64":
        return pd.Series([0 if v is None else int(v) for v in raw], dtype="int64")
    if kind == "Int64":
        return pd.Series([pd.NA if v is None else int(v) for v in raw], dtype="Int64")
    if kind == "float":
        return pd.Series([np.nan if v is None else float(v) for v in raw], dtype="float64")
    if kind == "datetime":
        values = [_to_python_time(v) for v in raw]
        return (
            pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
            if n
            else pd.Series([], dtype="datetime64[ns]")
        )
    raise ValueError(kind)


def _table_json(df: pd.DataFrame | None) -> str:
    """A whole (small) table as exact JSON text: columns, kinds and values."""
    if df is None:
        return "null"
    layout = [[str(c), _kind(df[c])] for c in df.columns]
    columns = []
    for col, kind in layout:
        values = _column_values(df[col], kind)
        if kind == "datetime":
            values = [None if v is None else v.isoformat() for v in values]
        elif kind == "float":
            values = [None if v is None else repr(v) for v in values]
        columns.append(values)
    return json.dumps({"layout": layout, "columns": columns}, ensure_ascii=False)


def _table_from_json(text: str | None, schema: dict[str, str] | None) -> pd.DataFrame | None:
    if not text or text == "null":
        return None
    obj = json.loads(text)
    data = {}
    for (col, kind), values in zip(obj["layout"], obj["columns"], strict=True):
        if kind == "datetime":
            values = [None if v is None else datetime.fromisoformat(v) for v in values]
        elif kind == "float":
            values = [None if v is None else float(v) for v in values]
        data[col] = _series(values, kind, len(values))
    return pd.DataFrame(data, columns=[c for c, _ in obj["layout"]])


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (bool, int, float, str)):
        return v
    return None


def _loads_exact(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


# --- push ----------------------------------------------------------------------------------
def _batches(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def push_case(
    case_or_dir: Case | str | os.PathLike,
    case_name: str,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 5000,
    replace: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write an analysed case into Neo4j under the name ``case_name``.

    Parameters
    ----------
    case_or_dir : Case or path
        The case, or a case folder written by ``fundgraph analyze``.
    case_name : str
        Name of the case in the database (the ``case`` property of everything pushed).
    uri, user, password, database : str, optional
        Connection; each falls back to ``NEO4J_URI``, ``NEO4J_USERNAME`` (else
        ``"neo4j"``), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (else the server default).
    batch_size : int
        Rows per transaction (each batch is one ``UNWIND`` in a managed transaction,
        retried by the driver on transient errors).
    replace : bool
        Delete what the database holds for ``case_name`` first (in batches); other
        cases are never touched.
    progress : callable, optional
        ``progress(stage, done, total)`` after every batch.

    Returns
    -------
    dict
        Counts in the database after the push: ``accounts``, ``participants``,
        ``persons``, ``holds``, ``transfers``, ``cash``.

    Raises
    ------
    StoreError
        If the server cannot be reached, refuses the login or the database is missing.

    Notes
    -----
    Idempotent: nodes are merged on ``(case, account)``, transfers on
    ``(case, transfer_id)`` and every property map is replaced, so pushing the same case
    again, or again after an interrupted push, leaves the same graph. The ``:Case`` node
    says ``push_complete: false`` until the last batch is in.

    Examples
    --------
    >>> push_case("out/", "shanghai-2024", uri="bolt://localhost:7687",
    ...           user="neo4j", password="...")                        # doctest: +SKIP
    {'accounts': 812, 'participants': 640, 'persons': 655, 'holds': 700, 'transfers': 12031, 'cash': 1}
    """
    if not isinstance(case_name, str) or not case_name.strip():
        raise StoreError("a case name is required (--case NAME)")
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, not {batch_size}")
    case = case_or_dir if isinstance(case_or_dir, Case) else load_case(case_or_dir)
    plan = _plan(case, case_name)
    report = progress or (lambda stage, done, total: None)

    with _open(uri, user, password, database) as store:
        _ensure_schema(store)
        if replace:
            _delete_in(store, case_name, batch_size=batch_size, progress=report)
        else:
            _check_same_analysis(store, case_name, plan.content_hash)
        fresh = store.read(_Q_CASE_EXISTS, case=case_name)[0]["n"] == 0
        store.write(_Q_CASE_BEGIN, case=case_name, version=MODEL_VERSION, hash=plan.content_hash)
        store.write(_Q_CASH, case=case_name)
        store.write(_Q_UNKNOWN, case=case_name)

        def run(stage: str, parts: list[_Rows]) -> None:
            total = sum(len(p) for p in parts)
            done = 0
            report(stage, 0, total)
            for part in parts:
                statement = (
                    part.fresh_statement if fresh and part.fresh_statement else part.statement
                )
                for lo in range(0, len(part.rows), batch_size):
                    chunk = part.rows[lo : lo + batch_size]
                    store.write(statement, case=case_name, rows=chunk)
                    done += len(chunk)
                    report(stage, done, total)

        run("accounts", [plan.accounts])
        for lo in range(0, len(plan.endpoints), batch_size):
            store.write(_Q_ENDPOINTS, case=case_name, rows=plan.endpoints[lo : lo + batch_size])
        run("participants", [plan.participants])
        run("persons", [plan.persons, plan.holds])
        run("transfers", plan.transfers)
        store.write(_Q_CASE_FINISH, case=case_name, props=plan.case_props)
        counts = _counts(store, case_name)
    log.info("pushed case %r to %s: %s", case_name, mask_uri(store.settings.uri), counts)
    return counts


@dataclass
class _Plan:
    accounts: _Rows
    endpoints: list[str]
    participants: _Rows
    persons: _Rows
    holds: _Rows
    transfers: list[_Rows]
    case_props: dict[str, Any]
    content_hash: str = ""


def _check_same_analysis(store: _Store, name: str, content_hash: str) -> None:
    """Refuse, before anything is written, to merge a different analysis into case ``name``.

    The ``:Case`` node carries the hash of what was pushed (set when a push begins), so a
    re-run of the same push, or of an interrupted one, goes on; another case folder under
    the same name would mix two analyses and is refused.
    """
    held = store.read(_Q_CASE_HELD, case=name)[0]
    where = mask_uri(store.settings.uri)
    if int(held["cases"]) == 0:
        if int(store.read(_Q_CASE_DATA, case=name)[0]["n"]):
            raise StoreError(key="error.store.leftover_case", case=repr(name), where=where)
        return
    if held["hash"] != content_hash:
        raise StoreError(key="error.store.other_analysis", case=repr(name), where=where)


def _content_hash(parts: list[Any]) -> str:
    """SHA-256 of everything a push sends (the same case gives the same hash)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _plan(case: Case, name: str) -> _Plan:
    """Every value to send, prepared before connecting (a bad case fails before any write)."""
    accounts = case.accounts.reset_index(drop=True)
    participants = case.participants.reset_index(drop=True)
    transfers = case.transfers.reset_index(drop=True)
    for table, df, key in (
        ("accounts", accounts, "account"),
        ("participants", participants, "account"),
        ("transfers", transfers, "transfer_id"),
    ):
        if key not in df.columns:
            raise StoreError(f"the {table} table has no {key!r} column")
        if df[key].duplicated().any():
            dup = df[key][df[key].duplicated()].iloc[0]
            raise StoreError(f"the {table} table has {key} {dup!r} twice")
    for col in ("src", "dst"):
        if col not in transfers.columns:
            raise StoreError(f"the transfers table has no {col!r} column")
    if (accounts["account"].astype(str) == S.CASH).any():
        raise StoreError("the accounts table has an empty account id")

    account_ids = [str(a) for a in accounts["account"].tolist()]
    acc_layout = _layout(accounts, "accounts", set(), "account")
    acc_rows = _rows(
        accounts,
        "accounts",
        acc_layout,
        (_Q_ACCOUNTS, _Q_ACCOUNTS_NEW),
        "a",
        {"key": account_ids},
        {"account"},
        {
            "case": [name] * len(accounts),
            "account": account_ids,
            "account_row": list(range(len(accounts))),
        },
    )

    taken = (set(accounts.columns) | set(S.ACCOUNTS)) - {"account"}
    par_layout = _layout(participants, "participants", taken, "account", prefix="participant_")
    par_ids = [str(a) for a in participants["account"].tolist()]
    par_rows = _rows(
        participants,
        "participants",
        par_layout,
        (_Q_PARTICIPANTS, None),
        "a",
        {"key": par_ids},
        {"account"},
        {
            "participant": [True] * len(participants),
            "participant_row": list(range(len(participants))),
        },
    )

    tr_layout = _layout(transfers, "transfers", set(), "transfer_id")
    src = np.array([str(v) for v in transfers["src"].tolist()], dtype=object)
    dst = np.array([str(v) for v in transfers["dst"].tolist()], dtype=object)
    # the node standing in for each side: an account, the case's cash or its unknown
    # counterparty
    unknown = S.is_unknown(transfers)
    s_end = np.where(src != S.CASH, "Account", np.where(unknown, "Unknown", "Cash"))
    d_end = np.where(dst != S.CASH, "Account", np.where(unknown, "Unknown", "Cash"))
    tr_parts = []
    for (s_label, d_label), ends in _TRANSFER_ENDS.items():
        mask = (s_end == s_label) & (d_end == d_label)
        if not mask.any():
            continue
        sub = transfers[mask].reset_index(drop=True)
        ids = [int(v) for v in sub["transfer_id"].tolist()]
        tr_parts.append(
            _rows(
                sub,
                "transfers",
                tr_layout,
                (_Q_TRANSFER.replace("{ends}", ends), _Q_TRANSFER_NEW.replace("{ends}", ends)),
                "t",
                {"key": ids, "src": src[mask].tolist(), "dst": dst[mask].tolist()},
                {"transfer_id", "src", "dst"},
                {"case": [name] * len(sub), "transfer_id": ids},
            )
        )

    known = set(account_ids)
    endpoints = sorted(({*src.tolist(), *dst.tolist(), *par_ids} - known) - {S.CASH})
    persons, holds = _persons(accounts, participants)

    summary = case.summary.to_dict(case.lang)
    case_props: dict[str, Any] = {
        "name": name,
        "case": name,
        "push_complete": True,
        "model_version": MODEL_VERSION,
        "lang": case.lang,
        "summary_json": dumps_json(summary),
        "structures_json": dumps_json([st.to_dict() for st in case.structures]),
        "columns_json": json.dumps(
            {"accounts": acc_layout, "participants": par_layout, "transfers": tr_layout},
            ensure_ascii=False,
        ),
        "structure_count": len(case.structures),
    }
    for attr, (prop, _schema) in _CASE_TABLES.items():
        df = file_table(case, attr)
        if attr == "communities" and df is not None and not len(df.columns):
            df = None
        case_props[prop] = _table_json(df)
    for key in _HEADLINE:
        if key in summary:
            value = _json_value(summary[key])
            if value is not None:
                case_props[key] = value
    content = {k: v for k, v in case_props.items() if k not in ("name", "case")}
    content_hash = _content_hash(
        [content, acc_rows.rows, endpoints, par_rows.rows, persons.rows, holds.rows]
        + [p.rows for p in tr_parts]
    )
    case_props["content_hash"] = content_hash
    return _Plan(acc_rows, endpoints, par_rows, persons, holds, tr_parts, case_props, content_hash)


def _persons(accounts: pd.DataFrame, participants: pd.DataFrame) -> tuple[_Rows, _Rows]:
    """One :Person per known holder id (with a name) and the accounts each holds."""
    names: dict[str, str] = {}
    held: set[tuple[str, str]] = set()
    for df in (accounts, participants):
        if "holder_id" not in df.columns:
            continue
        holder_names = df["holder_name"].tolist() if "holder_name" in df.columns else [""] * len(df)
        for account, holder, holder_name in zip(
            df["account"].tolist(), df["holder_id"].tolist(), holder_names, strict=True
        ):
            holder = "" if holder is None or holder != holder else str(holder).strip()
            if not holder:
                continue
            if not names.get(holder) and isinstance(holder_name, str) and holder_name:
                names[holder] = holder_name
            else:
                names.setdefault(holder, "")
            held.add((holder, str(account)))
    people = sorted(names)
    pairs = sorted(held)
    persons = _Rows(_Q_PERSONS, [{"key": p, "name": names[p]} for p in people])
    holds = _Rows(_Q_HOLDS, [{"key": p, "account": a} for p, a in pairs])
    return persons, holds


def _counts(store: _Store, name: str) -> dict[str, int]:
    return {key: int(store.read(q, case=name)[0]["n"]) for key, q in _Q_COUNTS}


# --- delete / list ---------------------------------------------------------------------------
def _delete_in(
    store: _Store, name: str, *, batch_size: int = 5000, progress: Progress | None = None
) -> int:
    """Delete everything of case ``name`` through an open store, batch by batch."""
    removed = 0
    steps = [*_Q_DELETE_RELS.values(), *_Q_DELETE_NODES.values()]
    for query in steps:
        while True:
            n = int(store.write(query, case=name, limit=batch_size)[0]["n"])
            removed += n
            if progress:
                progress("delete", removed, removed)
            if n < batch_size:
                break
    return removed


def delete_case(
    case_name: str,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 5000,
) -> int:
    """Delete every node and relationship of ``case_name`` (and nothing else).

    Returns
    -------
    int
        Number of nodes and relationships removed.
    """
    with _open(uri, user, password, database) as store:
        return _delete_in(store, case_name, batch_size=batch_size)


def list_cases(
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> list[dict[str, Any]]:
    """The cases in the database: ``name``, ``complete``, ``transfers``, ``accounts``."""
    with _open(uri, user, password, database) as store:
        return store.read(_Q_LIST_CASES)


# --- pull ----------------------------------------------------------------------------------
def pull_case(
    case_name: str,
    out_dir: str | os.PathLike,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Path:
    """Read case ``case_name`` back from Neo4j and write it as a case folder.

    Writes the files of docs/case-folder.md that the case holds (``transfers.csv`` and
    ``.parquet``, ``accounts.csv``, ``participants.csv``, ``alerts.csv``, ...,
    ``structures.json``) and ``case.json`` last, equal to what was pushed. Rejected
    rows are not stored in the graph: ``rejects.csv`` comes back empty, their counts
    are in ``case.json``.

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    StoreError
        If the database has no such case, or its push never completed.
    """
    check_case_folder(out_dir)  # a wrong -o fails before anything is read
    with _open(uri, user, password, database) as store:
        found = store.read(_Q_PULL_CASE, case=case_name)
        if not found:
            raise StoreError(
                f"no case {case_name!r} in Neo4j at {mask_uri(store.settings.uri)}"
                f" ({store.settings.database or 'default database'})"
            )
        meta = found[0]["p"]
        if not meta.get("push_complete"):
            raise StoreError(
                f"case {case_name!r} in Neo4j is incomplete (its push was interrupted): "
                "push it again"
            )
        if int(meta.get("model_version", 0)) > MODEL_VERSION:
            raise StoreError(
                f"case {case_name!r} was pushed by a newer fundgraph (model "
                f"{meta.get('model_version')}); upgrade fundgraph to pull it"
            )
        layouts = json.loads(meta["columns_json"])
        acc_fields, _ = _pull_fields("accounts", layouts["accounts"], "a", {"account"})
        par_fields, _ = _pull_fields("participants", layouts["participants"], "a", {"account"})
        tr_fields, _ = _pull_fields(
            "transfers", layouts["transfers"], "t", {"transfer_id", "src", "dst"}
        )
        accounts = store.read(_Q_PULL_ACCOUNTS.replace("{fields}", acc_fields), case=case_name)
        participants = store.read(
            _Q_PULL_PARTICIPANTS.replace("{fields}", par_fields), case=case_name
        )
        transfers = store.read(_Q_PULL_TRANSFERS.replace("{fields}", tr_fields), case=case_name)

    case = Case()
    case.lang = meta.get("lang") or "zh"
    case.summary = CaseSummary.from_dict(_loads_exact(meta["summary_json"]))
    case.structures = [Structure.from_dict(d) for d in _loads_exact(meta["structures_json"])]
    for records in (accounts, participants, transfers):
        records.sort(key=lambda r: r["row_"])
    case.accounts = _frame_from_records(
        "accounts", accounts, layouts["accounts"], {"account": [r["key_"] for r in accounts]}
    )
    case.participants = _frame_from_records(
        "participants",
        participants,
        layouts["participants"],
        {"account": [r["key_"] for r in participants]},
    )
    case.transfers = _frame_from_records(
        "transfers",
        transfers,
        layouts["transfers"],
        {
            "transfer_id": [r["row_"] for r in transfers],
            "src": [r["src_"] or S.CASH for r in transfers],
            "dst": [r["dst_"] or S.CASH for r in transfers],
        },
    )
    for attr, (prop, schema) in _CASE_TABLES.items():
        df = _table_from_json(meta.get(prop), schema)
        if df is not None:
            setattr(case, attr, read_alert_texts(df, case.lang) if attr == "alerts" else df)
    out = Path(out_dir)
    write_case_data(case, out)
    finish_case(case, out)
    return out
