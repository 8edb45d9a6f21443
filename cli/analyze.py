"""``fundgraph analyze`` and ``fundgraph demo``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from fundgraph.errors import InputError
from fundgraph.i18n import t
from fundgraph.progress import Progress
from fundgraph.results import CaseSummary

from .options import (
    lang_option,
    layout_option,
    out_dir_option,
    quiet_option,
    watchlist_option,
    yuan_cents,
)

_LANG_HELP = "Language of the HTML pages and of the texts in the tables."


def _recovered(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        c = yuan_cents(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an amount in yuan (e.g. 1500000 or 1500000.50)"
        ) from None
    if c < 0:
        raise click.BadParameter("the amount recovered cannot be negative")
    return c


def report_no_direction(case, lang: str) -> None:
    """Name the files whose amounts carry no direction at all (their rows are rejected)."""
    f = case.files
    if "direction_rule" not in f:
        return
    for _, r in f[f["direction_rule"] == "none"].iterrows():
        click.echo(t("cli.no_direction_info", lang, file=r["source_file"]), err=True)


def report_unreadable(case, lang: str) -> None:
    rej = case.rejects
    for _, r in rej[rej["source_row"].isna()].iterrows():
        click.echo(t("cli.unreadable", lang, file=r["source_file"], reason=r["reason"]), err=True)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@out_dir_option("Case folder to write.")
@lang_option(_LANG_HELP, default="zh")
@click.option(
    "--recovered",
    metavar="AMOUNT",
    callback=_recovered,
    help="Yuan recovered so far: adds a pro-rata restitution plan.",
)
@watchlist_option("File of names, ID numbers or accounts to flag.")
@click.option(
    "--mirror-window",
    type=click.IntRange(0, 86400),
    default=300,
    show_default=True,
    help="Seconds two banks' clocks may differ for the same transfer.",
)
@click.option(
    "--excel-headers",
    type=click.Choice(["zh"]),
    default=None,
    help="Also write copies of the CSV files with Chinese column names.",
)
@click.option("--no-html", is_flag=True, help="Skip graph.html and report.html.")
@click.option(
    "--strict", is_flag=True, help="Stop with an error when a file cannot be read at all."
)
@click.option(
    "--timings",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the seconds spent per stage to this JSON file.",
)
@layout_option()
@quiet_option()
@click.pass_context
def analyze(
    ctx,
    paths,
    out_dir,
    lang,
    recovered,
    watchlist,
    mirror_window,
    excel_headers,
    no_html,
    strict,
    timings,
    layout,
    quiet,
):
    """Read bank exports under PATHS, analyse them and write the case folder."""
    from fundgraph.analysis import read_watchlist
    from fundgraph.ingest import load_layouts
    from fundgraph.pipeline import (
        NoRowsAccepted,
        build_case,
        check_output,
        write_case,
        write_failed_run,
    )

    check_output(out_dir)
    msg_lang = ctx.obj.get("cli_lang", "en")
    progress = Progress(enabled=False if quiet else None, lang=msg_lang)
    wl = read_watchlist(watchlist) if watchlist else None
    layouts = load_layouts(list(layout)) if layout else None
    try:
        case = build_case(
            paths,
            lang=lang,
            recovered=recovered,
            watchlist=wl,
            layouts=layouts,
            mirror_window=mirror_window,
            strict=strict,
            keep_transactions=False,
            progress=progress,
        )
    except NoRowsAccepted as exc:
        progress.done()
        write_failed_run(exc.ingested, out_dir)
        for _, r in exc.ingested.files[exc.ingested.files["direction_rule"] == "none"].iterrows():
            click.echo(t("cli.no_direction_info", msg_lang, file=r["source_file"]), err=True)
        click.echo(exc.localized(msg_lang), err=True)
        raise InputError(
            key="error.no_rows_written",
            rejects=out_dir / "rejects.csv",
            files=out_dir / "files.csv",
        ) from None
    if not quiet:
        report_unreadable(case, msg_lang)
        report_no_direction(case, msg_lang)
    write_case(case, out_dir, html=not no_html, excel_headers=excel_headers, progress=progress)
    if timings:
        doc = dict(case.timings, peak_rss_mib=case.peak_rss)
        timings.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    _echo_summary(case.summary, out_dir, msg_lang)
    if not no_html:
        click.echo(t("cli.html_at", msg_lang, path=(out_dir / "report.html")))


def _echo_summary(s: CaseSummary, out: Path, msg_lang: str) -> None:
    """The one line saying what a run read and wrote."""
    click.echo(
        t(
            "cli.analyzed",
            msg_lang,
            rows=s.rows_read,
            accepted=s.rows_accepted,
            rejected=s.rows_rejected,
            transfers=s.transfers,
            accounts=s.accounts,
            out=out,
        )
    )


@click.command()
@out_dir_option("Folder for the sample case.", default=Path("fundgraph-demo"))
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help="Seed of the synthetic case.",
)
@click.option("--participants", type=click.IntRange(10, 1_000_000), default=300, show_default=True)
@lang_option(_LANG_HELP, default="zh")
@quiet_option()
@click.pass_context
def demo(ctx, out_dir, seed, participants, lang, quiet):
    """Generate a synthetic Ponzi case's bank exports and analyse them."""
    from fundgraph.pipeline import build_case, write_case
    from fundgraph.synth import generate_case

    msg_lang = ctx.obj.get("cli_lang", "en")
    progress = Progress(enabled=False if quiet else None, lang=msg_lang)
    progress.stage(t("cli.generating", msg_lang))
    generate_case(out_dir, seed=seed, participants=participants)
    exports = out_dir / "exports"
    if not exports.is_dir():
        raise InputError(f"{exports}: the generator wrote no exports")
    case = build_case([exports], lang=lang, keep_transactions=False, progress=progress)
    case_dir = out_dir / "case"
    write_case(case, case_dir, progress=progress)
    _echo_summary(case.summary, case_dir, msg_lang)
    click.echo(t("cli.html_at", msg_lang, path=case_dir / "graph.html"))
    click.echo(t("cli.html_at", msg_lang, path=case_dir / "report.html"))
