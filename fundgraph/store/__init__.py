"""Persisting analysed cases in a graph database (Neo4j, or any Bolt server that speaks Cypher).

See :mod:`fundgraph.store.neo4j` for the graph model.
"""

from .neo4j import (
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_URI,
    ENV_USER,
    connection_settings,
    delete_case,
    list_cases,
    mask_uri,
    pull_case,
    push_case,
)

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
