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

import logging
import re
import threading

__all__ = [
    "FundgraphError",
    "InputError",
    "CaseError",
    "StoreError",
    "register_secret",
    "mask_secrets",
    "forget_secrets",
    "install_log_masking",
]

# user:password@ inside any scheme://... text
_USERINFO_RE = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/@'\"]*@")
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
_INSTALLED = False


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` (a password) so that :func:`mask_secrets` hides it everywhere."""
    if secret:
        with _LOCK:
            _SECRETS.add(str(secret))


def forget_secrets() -> None:
    """Forget every registered secret (a process that ran one command and starts another,
    such as a test runner, so that one command's password does not mask the next one's text)."""
    with _LOCK:
        _SECRETS.clear()


def mask_secrets(text: str) -> str:
    """``text`` with credentials in URIs and every registered secret replaced by ``***``.

    >>> mask_secrets("cannot reach bolt://neo4j:s3cret@db:7687")
    'cannot reach bolt://***@db:7687'
    """
    text = _USERINFO_RE.sub(lambda m: m.group("scheme") + "***@", str(text))
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def install_log_masking() -> None:
    """Mask credentials (see :func:`mask_secrets`) in every log record from now on.

    Wraps the logging record factory once, so a line logged by any library (the Neo4j
    driver included) has its message and arguments masked before any handler sees it.
    """
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        _INSTALLED = True
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return record
        masked = mask_secrets(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_secrets(
                "".join(__import__("traceback").format_exception(*record.exc_info))
            ).rstrip("\n")
            record.exc_info = None
        return record

    logging.setLogRecordFactory(factory)


class FundgraphError(Exception):
    """Base class of every error fundgraph raises on purpose.

    An error a user can cause (a bad file, option, case folder or database setting) is
    one of its subclasses; the command line prints it as one line on stderr and exits
    with status 1. Anything else that escapes is a bug.

    Parameters
    ----------
    message : str, optional
        The text; when omitted it is the English catalogue text of ``key``.
    key : str, optional
        Message catalogue key, filled with ``params``.
    **params
        The values the catalogue text of ``key`` names.

    Attributes
    ----------
    key : str or None
        As given.
    params : dict
        As given.

    See Also
    --------
    InputError, CaseError, StoreError : the subclasses raised.
    fundgraph.i18n.t : the catalogue look-up.

    Examples
    --------
    >>> from fundgraph.export import default_name
    >>> try:
    ...     default_name("doc", "en")
    ... except FundgraphError as exc:
    ...     print(type(exc).__name__, "-", exc)
    InputError - unknown export format doc; choose one of xlsx, graphml, gexf, anx, pdf
    >>> err = FundgraphError(key="error.no_exports", paths="statements/")
    >>> str(err) == err.localized("en"), err.key, err.params
    (True, 'error.no_exports', {'paths': 'statements/'})
    >>> FundgraphError("plain text").localized("zh")
    'plain text'
    """

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        self.key = key
        self.params = params
        if key and not message:
            from .i18n import t

            message = t(key, "en", **params)
        super().__init__(message)

    def localized(self, lang: str) -> str:
        """The message in ``lang`` (the English text when it has no catalogue key).

        Parameters
        ----------
        lang : {"zh", "en"}
            The language wanted.

        Returns
        -------
        str

        Examples
        --------
        >>> err = FundgraphError(key="error.not_a_case", path="out")
        >>> err.localized("zh")
        'out：不是完整的案件文件夹（缺少 case.json）；请先运行 fundgraph analyze'
        """
        if not self.key:
            return str(self)
        from .i18n import t

        return t(self.key, lang, **self.params)


class InputError(FundgraphError):
    """A bank export or an option value cannot be used (names the file, row or option).

    Parameters
    ----------
    message, key, **params
        As for :class:`FundgraphError`.

    Examples
    --------
    >>> err = InputError(key="error.no_exports", paths="statements/")
    >>> isinstance(err, FundgraphError), str(err)
    (True, 'no bank export found under statements/ (looked for .csv .txt .xlsx .xls with a statement header)')
    """


class CaseError(FundgraphError):
    """A case folder is missing, incomplete or from an incompatible version.

    Parameters
    ----------
    message, key, **params
        As for :class:`FundgraphError`.

    Examples
    --------
    >>> from fundgraph import load_case
    >>> load_case("no-such-folder")
    Traceback (most recent call last):
    fundgraph.errors.CaseError: no-such-folder: not a complete case folder (no case.json); run 'fundgraph analyze' first
    """


class StoreError(FundgraphError):
    """The graph database refused or could not be reached.

    Parameters
    ----------
    message, key, **params
        As for :class:`FundgraphError`.

    Examples
    --------
    >>> from fundgraph.store import push_case
    >>> push_case("case/", "")
    Traceback (most recent call last):
    fundgraph.errors.StoreError: a case name is required (--case NAME)
    """
