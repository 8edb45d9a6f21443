"""Exceptions raised by fundgraph.

Every error a user can cause is a :class:`FundgraphError`; the command line turns it
into one line on stderr and exit status 1. An error made with a catalogue ``key`` is shown
in the language of the command line (see :mod:`fundgraph.i18n`); its ``str()`` is English.

>>> str(CaseError(key="error.not_a_case", path="out"))
"out: not a complete case folder (no case.json); run 'fundgraph analyze' first"
>>> CaseError(key="error.not_a_case", path="out").localized("zh")
'out：不是完整的案件文件夹（缺少 case.json）；请先运行 fundgraph analyze'
"""

from __future__ import annotations

__all__ = ["FundgraphError", "InputError", "CaseError", "StoreError"]


class FundgraphError(Exception):
    """Base class of every error fundgraph raises on purpose.

    Parameters
    ----------
    message : str, optional
        The text; when omitted it is the English catalogue text of ``key``.
    key : str, optional
        Message catalogue key, filled with ``params``.
    """

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        self.key = key
        self.params = params
        if key and not message:
            from .i18n import t

            message = t(key, "en", **params)
        super().__init__(message)

    def localized(self, lang: str) -> str:
        """The message in ``lang`` (the English text when it has no catalogue key)."""
        if not self.key:
            return str(self)
        from .i18n import t

        return t(self.key, lang, **self.params)


class InputError(FundgraphError):
    """A bank export or an option value cannot be used (names the file, row or option)."""


class CaseError(FundgraphError):
    """A case folder is missing, incomplete or from an incompatible version."""


class StoreError(FundgraphError):
    """The graph database refused or could not be reached."""
