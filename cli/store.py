"""``fundgraph push`` and ``fundgraph pull``: a case folder to Neo4j and back."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from fundgraph.i18n import t
from fundgraph.progress import Progress
from fundgraph.store import (
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_URI,
    ENV_USER,
    mask_uri,
    pull_case,
    push_case,
)

from .options import case_dir_argument, case_name_option, quiet_option


def _connection_options(f: Callable) -> Callable:
    options = [
        click.option(
            "--uri", envvar=ENV_URI, show_envvar=True, help="Bolt URI, e.g. neo4j://localhost:7687."
        ),
        click.option(
            "--user",
            envvar=ENV_USER,
            show_envvar=True,
            default="neo4j",
            show_default=True,
            help="User name.",
        ),
        click.option(
            "--password",
            envvar=ENV_PASSWORD,
            show_envvar=True,
            help="Password (prefer the environment variable: a command line is visible to others).",
        ),
        click.option(
            "--database",
            envvar=ENV_DATABASE,
            show_envvar=True,
            help="Database name (default: the server's default database).",
        ),
        quiet_option(),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _lang() -> str:
    ctx = click.get_current_context(silent=True)
    return (ctx.obj or {}).get("cli_lang", "en") if ctx else "en"


def _push_progress(progress: Progress) -> Callable[[str, int, int], None]:
    """The progress callback of a push: one line per stage, rewritten in place."""
    lang = _lang()

    def report(stage: str, done: int, total: int) -> None:
        if not progress.enabled:
            return
        label = t(f"store.stage.{stage}", lang)
        progress.line(f"{label}: {done:,}/{total:,}" if stage != "delete" else f"{label}: {done:,}")

    return report


def _show_progress(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@click.command("push")
@case_dir_argument(exists=True, metavar=None)
@case_name_option()
@_connection_options
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Rows per transaction.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Delete what the database holds for this case first (other cases are kept).",
)
def push_command(
    case_dir: Path,
    case_name: str,
    uri: str | None,
    user: str | None,
    password: str | None,
    database: str | None,
    quiet: bool,
    batch_size: int,
    replace: bool,
) -> None:
    """Persist the analysed case in CASE_DIR to Neo4j under the name --case."""
    progress = Progress(enabled=_show_progress(quiet))
    try:
        counts = push_case(
            case_dir,
            case_name,
            uri=uri,
            user=user,
            password=password,
            database=database,
            batch_size=batch_size,
            replace=replace,
            progress=_push_progress(progress),
        )
    finally:
        progress.done()
    click.echo(
        t(
            "store.pushed",
            _lang(),
            case=case_name,
            uri=mask_uri(uri or ""),
            accounts=counts["accounts"],
            transfers=counts["transfers"],
            persons=counts["persons"],
        )
    )


@click.command("pull")
@case_name_option()
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the case into.",
)
@_connection_options
def pull_command(
    case_name: str,
    out_dir: Path,
    uri: str | None,
    user: str | None,
    password: str | None,
    database: str | None,
    quiet: bool,
) -> None:
    """Read the case --case back from Neo4j into the case files in -o DIR."""
    if _show_progress(quiet):
        click.echo(t("store.pulling", _lang(), case=case_name), err=True)
    path = pull_case(case_name, out_dir, uri=uri, user=user, password=password, database=database)
    click.echo(t("store.pulled", _lang(), case=case_name, path=str(path)))
