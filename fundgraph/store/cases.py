"""The cases a database holds: listing them, deleting one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .connection import _open, _Store
from .cypher import _Q_DELETE_NODES, _Q_DELETE_RELS, _Q_LIST_CASES

__all__ = ["delete_case", "list_cases"]

#: ``progress(stage, done, total)`` is called after every batch.
Progress = Callable[[str, int, int], None]


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

    Parameters
    ----------
    case_name : str
        The case to delete; deleting a case the database does not hold removes nothing.
    uri, user, password, database : str, optional
        Connection; each falls back to ``NEO4J_URI``, ``NEO4J_USERNAME`` (else
        ``"neo4j"``), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (else the server default),
        as for :func:`~fundgraph.store.push_case`.
    batch_size : int
        Nodes or relationships deleted per transaction.

    Returns
    -------
    int
        Number of nodes and relationships removed.

    Raises
    ------
    StoreError
        As :func:`~fundgraph.store.push_case` for the connection.

    See Also
    --------
    list_cases : the cases there are.
    fundgraph.store.push_case : ``replace=True`` deletes the old copy first.

    Examples
    --------
    The connection settings are checked before the server is contacted:

    >>> delete_case("shanghai-2024", uri="http://localhost:7474")
    Traceback (most recent call last):
    fundgraph.errors.StoreError: cannot use the Neo4j URI http://localhost:7474: write neo4j://host:port or bolt://host:port (neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc)

    With a server: ``delete_case("shanghai-2024", uri="bolt://localhost:7687",
    password=secret)`` returns how many nodes and relationships went.
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
    """The cases in the database: ``name``, ``complete``, ``transfers``, ``accounts``.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection; each falls back to ``NEO4J_URI``, ``NEO4J_USERNAME`` (else
        ``"neo4j"``), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (else the server default),
        as for :func:`~fundgraph.store.push_case`.

    Returns
    -------
    list of dict
        One dict per case, by name: ``name``, ``complete`` (its push finished), ``transfers`` and
        ``accounts`` (counts).

    Raises
    ------
    StoreError
        As :func:`~fundgraph.store.push_case` for the connection.

    See Also
    --------
    delete_case : removes one.

    Examples
    --------
    The connection settings are checked before the server is contacted:

    >>> list_cases(uri="http://localhost:7474")
    Traceback (most recent call last):
    fundgraph.errors.StoreError: cannot use the Neo4j URI http://localhost:7474: write neo4j://host:port or bolt://host:port (neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc)
    """
    with _open(uri, user, password, database) as store:
        return store.read(_Q_LIST_CASES)
