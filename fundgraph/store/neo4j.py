"""The store's public names under ``fundgraph.store.neo4j``: the code is in the modules of
:mod:`fundgraph.store` (the graph model is described there and in docs/neo4j.md)."""

from .cases import Progress as Progress
from .cases import delete_case, list_cases
from .connection import BOLT_SCHEMES as BOLT_SCHEMES
from .connection import CONNECT_SECONDS as CONNECT_SECONDS
from .connection import (
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_URI,
    ENV_USER,
    connection_settings,
    mask_uri,
)
from .connection import RETRY_SECONDS as RETRY_SECONDS
from .cypher import MODEL_VERSION as MODEL_VERSION
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
