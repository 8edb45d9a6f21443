"""The options several commands share, each declared once.

Each function returns a click decorator; what differs between commands (the help text, a
default) is an argument, so every command's ``--help`` reads as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from fundgraph.i18n import LANGS
from fundgraph.money import cents

__all__ = [
    "account_option",
    "case_dir_argument",
    "case_name_option",
    "lang_option",
    "layout_option",
    "out_dir_option",
    "out_file_option",
    "quiet_option",
    "watchlist_option",
    "yuan_cents",
]

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def yuan_cents(text: str) -> int:
    """An amount typed in yuan (``1,500,000``, ``¥1500000.50``) as cents; ValueError if it
    is none."""
    return cents(text.replace(",", "").replace("¥", "").strip())


def _normalised_account(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """An account typed as printed (groups, dashes, full-width digits), in the case's spelling."""
    from fundgraph.ids import normalise_account

    return None if value is None else normalise_account(value)


def account_option(*names: str, help: str) -> Decorator:
    """An account option (``--from``, ``--focus`` ...), typed as printed."""
    return click.option(*names, metavar="ACCOUNT", callback=_normalised_account, help=help)


def case_dir_argument(*, exists: bool = False, metavar: str | None = "DIR") -> Decorator:
    """The analysed case folder of the commands that read one (``DIR``; ``metavar`` None:
    ``CASE_DIR``)."""
    return click.argument(
        "case_dir",
        metavar=metavar,
        type=click.Path(exists=exists, file_okay=False, path_type=Path),
    )


def case_name_option() -> Decorator:
    """``--case``: the name of a case in the database."""
    return click.option(
        "--case", "case_name", required=True, help="Name of the case in the database."
    )


def lang_option(help: str, *, default: str | None = None) -> Decorator:
    """``--lang``: the language of what a command writes (``default`` None: decided later,
    as the help says)."""
    if default is None:
        return click.option("--lang", type=click.Choice(LANGS), default=None, help=help)
    return click.option(
        "--lang", type=click.Choice(LANGS), default=default, show_default=True, help=help
    )


def layout_option() -> Decorator:
    """``--layout``: user layout files for exports the vocabulary does not read."""
    return click.option(
        "--layout",
        "layout",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="User layout file (TOML): header aliases, status values, date order, sign "
        "convention, own account for matching files. May be given several times.",
    )


def out_dir_option(help: str, *, default: Path | None = None) -> Decorator:
    """``-o/--out``: the folder a command writes (required unless it has a default)."""
    kind = click.Path(file_okay=False, path_type=Path)
    if default is None:
        return click.option("-o", "--out", "out_dir", required=True, type=kind, help=help)
    return click.option(
        "-o", "--out", "out_dir", type=kind, default=default, show_default=True, help=help
    )


def out_file_option(help: str) -> Decorator:
    """``-o/--out``: the one file a command writes (its default is in the help)."""
    return click.option(
        "-o", "--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def quiet_option(help: str = "No progress on stderr.") -> Decorator:
    """``-q/--quiet``."""
    return click.option("-q", "--quiet", is_flag=True, help=help)


def watchlist_option(help: str) -> Decorator:
    """``--watchlist``: names, ID numbers or accounts to flag."""
    return click.option(
        "--watchlist", type=click.Path(exists=True, dir_okay=False, path_type=Path), help=help
    )
