"""``fundgraph screen``: rank the accounts of whole transaction feeds, on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import click

from fundgraph.i18n import t

from .options import lang_option, out_dir_option, quiet_option, watchlist_option


@click.command()
@click.argument(
    "feeds",
    metavar="FEED...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
)
@out_dir_option("Folder for screen.csv, screen.html and screen.json.")
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the aggregates here; later runs add their feed to it (files already fed are skipped).",
)
@watchlist_option("Names, ID numbers or accounts to flag.")
@click.option(
    "--export-case",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    metavar="N",
    help="Write the statements of the top N accounts' one-hop neighbourhood for fundgraph analyze.",
)
@click.option(
    "--top",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="Accounts shown in screen.html.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0),
    default=3.0,
    show_default=True,
    help="Leave out accounts scoring less (watch-list and keyword-name hits are always listed).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="dask.distributed scheduler (tcp://host:8786), or 'synchronous' to run in this process "
    "[default: FUNDGRAPH_DASK_SCHEDULER, else a local cluster].",
)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Worker processes of the local cluster.",
)
@click.option(
    "--partitions",
    type=click.IntRange(1),
    default=None,
    help="Partitions of the shuffle by account [default: one per 64 MB of input, at most 256].",
)
@lang_option("Language of the reasons and the HTML page.", default="zh")
@quiet_option("Print nothing on success.")
@click.pass_context
def screen(
    ctx,
    feeds,
    out_dir,
    state_dir,
    watchlist,
    export_case,
    top,
    min_score,
    scheduler,
    workers,
    partitions,
    lang,
    quiet,
):
    """Rank the accounts of transaction FEEDs (exports or Parquet) by scheme-collection risk."""
    from fundgraph.analysis import read_watchlist
    from fundgraph.screen import screen as run_screen

    msg_lang = ctx.obj.get("cli_lang", "en")
    wl = read_watchlist(watchlist) if watchlist else None
    result = run_screen(
        list(feeds),
        out_dir,
        state_dir=state_dir,
        watchlist=wl,
        export_case=export_case,
        top=top,
        min_score=min_score,
        lang=lang,
        scheduler=scheduler,
        workers=workers,
        partitions=partitions,
    )
    if quiet:
        return
    s = result.summary
    click.echo(
        t(
            "screen.written",
            msg_lang,
            path=out_dir / "screen.csv",
            accounts=s["accounts_flagged"],
            seen=s["accounts_seen"],
            rows=s["rows_read"],
        )
    )
    bad = result.files[result.files["problem"] != ""]
    for name, problem in zip(bad["source_file"], bad["problem"], strict=True):
        click.echo(t("cli.unreadable", msg_lang, file=name, reason=problem), err=True)
    if "export_case" in s:
        e = s["export_case"]
        click.echo(
            t(
                "screen.exported",
                msg_lang,
                path=out_dir / "case-statements",
                accounts=e["neighbourhood"],
                rows=e["rows"],
            )
        )
