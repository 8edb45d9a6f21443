"""``fundgraph export``: the analysed case for Excel, Gephi, i2 Analyst's Notebook or as a PDF."""

from __future__ import annotations

from pathlib import Path

import click

from fundgraph.i18n import LANGS

FORMAT_CHOICES = ("xlsx", "graphml", "gexf", "anx", "pdf")


@click.command()
@click.argument(
    "case_dir", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--to",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    required=True,
    help="xlsx: Excel workbook; graphml/gexf: account graph for Gephi; "
    "anx: i2 Analyst's Notebook chart and import CSV pair; pdf: the report.",
)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: in DIR, e.g. 案件资金分析.xlsx, graph.gexf, i2-chart.anx).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of sheet names, headers and labels (default: the case's).",
)
@click.pass_context
def export(ctx, case_dir, fmt, out_file, lang):
    """Write the analysed case in DIR in another format (one file; anx adds two CSV files)."""
    from fundgraph.export import export_case
    from fundgraph.i18n import t

    messages = (ctx.obj or {}).get("cli_lang", "en")
    for path in export_case(case_dir, fmt, out_file, lang=lang):
        click.echo(t("export.written", messages, path=path))
