"""Exceptions raised by fundgraph.

Every error a user can cause is a :class:`FundgraphError`; the command line turns it
into one line on stderr and exit status 1.
"""

__all__ = ["FundgraphError", "InputError", "CaseError", "StoreError"]


class FundgraphError(Exception):
    """Base class of every error fundgraph raises on purpose."""


class InputError(FundgraphError):
    """A bank export or an option value cannot be used (names the file, row or option)."""


class CaseError(FundgraphError):
    """A case folder is missing, incomplete or from an incompatible version."""


class StoreError(FundgraphError):
    """The graph database refused or could not be reached."""
