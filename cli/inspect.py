"""``fundgraph inspect``: how each file is read, before analysing anything."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fundgraph.money import yuan

from .options import layout_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@layout_option()
@click.option(
    "-n",
    "--rows",
    type=click.IntRange(0, 1000),
    default=5,
    show_default=True,
    help="First rows to show as read.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def inspect(files, layout, rows, as_json):
    """Show how each FILE (or every export under a folder) is read: layout, column map,
    own account, direction rule, date order, statuses, first rows and reject codes."""
    from fundgraph.ingest import inspect_exports, load_layouts

    layouts = load_layouts(list(layout)) if layout else None
    result = inspect_exports(files, layouts=layouts, rows=rows)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for r in result:
        where = r["file"] + (f" [{r['sheet']}]" if r.get("sheet") else "")
        if r.get("problem"):
            click.echo(f"{where}: not read: {r['problem']}")
            continue
        click.echo(f"{where}  ({r['kind']}, {r['encoding'] or '-'}, layout: {r['layout']})")
        click.echo("  columns: " + ", ".join(f"{h.strip()}→{f}" for h, f in r["columns"] if f))
        if r["unmapped"]:
            click.echo("  kept as they are: " + ", ".join(h.strip() for h in r["unmapped"]))
        click.echo(
            f"  own account from: {r['account_source'] or '-'}; direction: {r['direction_rule'] or '-'};"
            f" date order: {r['date_order'] or 'year first'}"
        )
        if r["statuses"]:
            click.echo(
                "  status values: " + ", ".join(f"{k} ({v})" for k, v in r["statuses"].items())
            )
        if r["currencies"]:
            click.echo(
                "  currencies: "
                + ", ".join(f"{k or '(unstated)'} ({v})" for k, v in r["currencies"].items())
            )
        click.echo(
            f"  rows: {r['rows_read']} read, {r['rows_accepted']} accepted, {r['rows_rejected']} rejected"
            + (
                " (" + ", ".join(f"{k} {v}" for k, v in r["rejects"].items()) + ")"
                if r["rejects"]
                else ""
            )
        )
        for w in r["warnings"]:
            click.echo(f"  warning: {w}")
        for x in r["first_rows"]:
            cp = x["counterparty"] or f"({x['kind']})"
            name = f" {x['name']}" if x["name"] else ""
            click.echo(
                f"    row {x['row']}: {x['account']} {x['time']} {x['direction']:>3} "
                f"{yuan(x['amount'])} {x['currency']} {cp}{name}"
            )
