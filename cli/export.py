"""``fundgraph export``: the analysed case for Excel, Gephi, i2 Analyst's Notebook or as a PDF."""

from __future__ import annotations

import click

from .options import case_dir_argument, lang_option, out_file_option

FORMAT_CHOICES = ("xlsx", "graphml", "gexf", "anx", "pdf")


@click.command()
@case_dir_argument(exists=True)
@click.option(
    "--to",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    required=True,
    help="xlsx: Excel workbook; graphml/gexf: account graph for Gephi; "
    "anx: i2 Analyst's Notebook chart and import CSV pair; pdf: the report.",
)
@out_file_option(
    "File to write (default: in DIR, e.g. 案件资金分析.xlsx, graph.gexf, i2-chart.anx)."
)
@lang_option("Language of sheet names, headers and labels (default: the case's).")
@click.pass_context
def export(ctx, case_dir, fmt, out_file, lang):
    """Write the analysed case in DIR in another format (one file; anx adds two CSV files)."""
    from fundgraph.export import export_case
    from fundgraph.i18n import t

    messages = (ctx.obj or {}).get("cli_lang", "en")
    for path in export_case(case_dir, fmt, out_file, lang=lang):
        click.echo(t("export.written", messages, path=path))
