"""Persisting analysed cases in a graph database (Neo4j, or any Bolt server that speaks Cypher).

:func:`push_case` writes an analysed case, :func:`pull_case` reads it back into a case
folder, :func:`list_cases` and :func:`delete_case` manage the cases a database holds
(docs/neo4j.md).

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

Modules: :mod:`~fundgraph.store.cypher` (the schema and every statement),
:mod:`~fundgraph.store.connection` (settings, driver, errors),
:mod:`~fundgraph.store.codec` (table values to properties and back),
:mod:`~fundgraph.store.push`, :mod:`~fundgraph.store.pull` and
:mod:`~fundgraph.store.cases` (list and delete).
"""

from .cases import delete_case, list_cases
from .connection import (
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_URI,
    ENV_USER,
    connection_settings,
    mask_uri,
)
from .pull import pull_case
from .push import push_case

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
