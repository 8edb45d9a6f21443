"""Message catalogue: every text a person reads, in Chinese and English.

Catalogues are plain JSON files under ``fundgraph/locales/<lang>/``; all files of a
language are merged, so each part of the program keeps its texts in its own file
(``ingest.json``, ``report.json`` ...). Keys are dotted, e.g. ``reject.unknown_direction``.
A key missing in one language is a bug, caught by the test suite.

Examples
--------
>>> t("role.core", "en")
'core account'
>>> t("role.core", "zh")
'核心账户'
"""

from __future__ import annotations

import json
import locale
import os
from functools import cache
from importlib import resources

__all__ = ["LANGS", "t", "t_or", "catalogue", "cli_lang", "check_lang"]

LANGS = ("zh", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of ``lang`` merged from its JSON files (sorted by file name)."""
    check_lang(lang)
    merged: dict[str, str] = {}
    folder = resources.files("fundgraph") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            data = json.loads(entry.read_text(encoding="utf-8"))
            for key, value in data.items():
                if key in merged:
                    raise ValueError(f"message key {key!r} defined twice in locale {lang!r}")
                merged[key] = value
    return merged


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = "zh", /, **values: object) -> str:
    """The message ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``."""
    text = catalogue(lang).get(key)
    if text is None:
        raise KeyError(f"no message {key!r} in locale {lang!r}")
    return text.format(**values) if values else text


def t_or(key: str, lang: str, default: str, /, **values: object) -> str:
    """The message ``key`` as :func:`t` gives it if the catalogue has it, else ``default``
    (shown as it is).

    >>> t_or("role.core", "en", "core"), t_or("role.nobody", "en", "nobody")
    ('core account', 'nobody')
    """
    text = catalogue(lang).get(key)
    if text is None:
        return default
    return text.format(**values) if values else text


def cli_lang(environ: dict[str, str] | None = None) -> str:
    """Language for command-line messages: from ``LC_ALL``/``LC_MESSAGES``/``LANG``, else English."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh" if loc.lower().startswith("zh") else "en"
