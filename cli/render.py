"""``fundgraph render``: another interactive view of an analysed case."""

from __future__ import annotations

from pathlib import Path

import click

from fundgraph.i18n import LANGS

from .trace import _account_option

VIEW_CHOICES = ("overview", "pyramid", "community", "ego")


@click.command()
@click.argument(
    "case_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--view",
    type=click.Choice(VIEW_CHOICES),
    default="overview",
    show_default=True,
    help="Which picture to draw.",
)
@click.option(
    "--focus",
    metavar="ACCOUNT",
    callback=_account_option,
    help="Account at the centre of the ego view (implies --view ego).",
)
@click.option(
    "--hops",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="How many transfers away from --focus the ego view reaches.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of the page (default: the case's).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(1, 20000),
    default=None,
    help="Nodes drawn when the page opens; the rest are folded into groups.",
)
@click.option(
    "--max-per-level",
    type=click.IntRange(1, 5000),
    default=None,
    help="Pyramid view: accounts drawn per level; the rest fold into branch groups.",
)
@click.option(
    "--size-by",
    type=click.Choice(["amount", "pagerank"]),
    default="amount",
    show_default=True,
    help="What node size shows.",
)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write (default: DIR/<view>.html).",
)
@click.pass_context
def render(ctx, case_dir, view, focus, hops, lang, max_nodes, max_per_level, size_by, out_file):
    """Write an interactive VIEW of the analysed case in DIR as one self-contained HTML file."""
    from fundgraph.case import case_output_path, load_case
    from fundgraph.errors import InputError
    from fundgraph.i18n import t
    from fundgraph.render import render_view

    messages = (ctx.obj or {}).get("cli_lang", "en")
    if focus and view == "overview":
        view = "ego"
    if view == "ego" and not focus:
        raise InputError(t("views.error.no_focus", messages))
    case = load_case(case_dir)
    if out_file:
        out = out_file
    elif view == "ego":
        out = case_output_path(case_dir, "ego-", focus, ".html")
    else:
        out = case_dir / f"{view}.html"
    path = render_view(
        case,
        out,
        view=view,
        focus=focus,
        hops=hops,
        lang=lang or case.lang or "zh",
        max_nodes=max_nodes,
        size_by=size_by,
        max_per_level=max_per_level,
        error_lang=messages,
    )
    click.echo(str(path))
