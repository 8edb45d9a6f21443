"""The ``fundgraph`` command line: thin click commands over the library.

Each command lives in its own module and only parses options, calls a library function
and reports; logic that a Python user would want lives in :mod:`fundgraph`.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

import click

from fundgraph.errors import FundgraphError, install_log_masking, mask_secrets
from fundgraph.i18n import cli_lang, t

from .analyze import analyze, demo
from .export import export
from .inspect import inspect
from .render import render
from .screen import screen
from .store import pull_command, push_command
from .timeline import timeline
from .trace import trace

__all__ = ["main", "group"]


class FundgraphGroup(click.Group):
    """Turns library errors into one line on stderr and exit status 1 (``--debug`` shows more)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FundgraphError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                _debug_exit(ctx, exc)
            raise click.ClickException(mask_secrets(exc.localized(_lang(ctx)))) from None
        except (KeyboardInterrupt, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # the reader went away (``fundgraph trace ... | head``): stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except OSError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                _debug_exit(ctx, exc)
            name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(mask_secrets(f"{name}{exc.strerror or exc}")) from None
        except Exception as exc:  # an internal error: still one line unless --debug
            if ctx.obj and ctx.obj.get("debug"):
                _debug_exit(ctx, exc)
            detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            raise click.ClickException(
                mask_secrets(t("error.internal", _lang(ctx), detail=detail))
            ) from None


def _debug_exit(ctx: click.Context, exc: BaseException) -> None:
    """``--debug``: the whole traceback, chained causes included, with credentials masked."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    click.echo(mask_secrets(text).rstrip("\n"), err=True)
    ctx.exit(1)


def _lang(ctx: click.Context) -> str:
    return (ctx.obj or {}).get("cli_lang") or cli_lang()


@click.group(cls=FundgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="fundgraph")
@click.pass_context
def group(ctx: click.Context, debug: bool) -> None:
    """fundgraph: fund-flow analysis of bank statements for illegal-fundraising cases."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    install_log_masking()
    if debug:
        # the library's and the driver's log lines, credentials masked
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj["cli_lang"] = cli_lang()


for _command in (
    analyze,
    demo,
    inspect,
    trace,
    render,
    timeline,
    push_command,
    pull_command,
    export,
    screen,
):
    group.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    group.main(args=argv, prog_name="fundgraph")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
