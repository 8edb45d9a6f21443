"""``fundgraph render``: another interactive view of an analysed case."""

from __future__ import annotations

import click

from .options import account_option, case_dir_argument, lang_option, out_file_option

VIEW_CHOICES = ("overview", "pyramid", "community", "ego")


@click.command()
@case_dir_argument(exists=True)
@click.option(
    "--view",
    type=click.Choice(VIEW_CHOICES),
    default="overview",
    show_default=True,
    help="Which picture to draw.",
)
@account_option("--focus", help="Account at the centre of the ego view (implies --view ego).")
@click.option(
    "--hops",
    type=click.IntRange(0, 10),
    default=2,
    show_default=True,
    help="How many transfers away from --focus the ego view reaches.",
)
@lang_option("Language of the page (default: the case's).")
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
@out_file_option("HTML file to write (default: DIR/<view>.html).")
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
