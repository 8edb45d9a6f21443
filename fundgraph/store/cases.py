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
