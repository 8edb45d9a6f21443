"""``fundgraph trace``: follow money forward from an account, or back to its sources."""

from __future__ import annotations

import click

from fundgraph.i18n import t
from fundgraph.money import format_cny

from .options import account_option, case_dir_argument, lang_option, out_file_option, yuan_cents

METHOD_CHOICES = ("fifo", "lifo", "proportional", "libr")
TOP = 10


def _yuan_option(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        c = yuan_cents(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an amount in yuan", param_hint=name) from None
    if c <= 0:
        raise click.BadParameter("must be more than zero", param_hint=name)
    return c


def _since_option(value: str | None) -> str | None:
    # a time pandas can hold (years 1677 to 2262); the tracer parses the text itself
    if value is None:
        return None
    import pandas as pd

    try:
        pd.Timestamp(value).as_unit("ns")
    except (ValueError, OverflowError, TypeError):
        raise click.BadParameter(
            f"{value!r} is not a time between 1678 and 2261 (e.g. 2022-03-01 or "
            "2022-03-01 09:00:00)",
            param_hint="--since",
        ) from None
    return value


@click.command()
@case_dir_argument()
@account_option(
    "--from",
    "from_account",
    help="Follow the money that entered (or, for an account whose statement was "
    "not obtained, left) this account forward.",
)
@account_option(
    "--to", "to_account", help="Follow the money that entered this account back to its sources."
)
@click.option(
    "--method",
    type=click.Choice(METHOD_CHOICES),
    default="fifo",
    show_default=True,
    help="Which money leaves a mixed account first.",
)
@click.option(
    "--max-hops",
    type=click.IntRange(1, 50),
    default=5,
    show_default=True,
    help="Transfers followed from the account.",
)
@click.option("--amount", metavar="YUAN", help="Trace only this much (the earliest money).")
@click.option("--since", metavar="TIME", help="Trace only money from this time on.")
@click.option(
    "--max-gap", metavar="DURATION", help="Longest wait in an account between hops, e.g. 7D or 12h."
)
@click.option("--min-amount", metavar="YUAN", help="Do not follow sums smaller than this.")
@lang_option("Language of the summary (default: from the environment).")
@out_file_option(
    "CSV file to write (default: DIR/trace-<account>-<method>.csv, "
    "DIR/trace-to-<account>-<method>.csv with --to)."
)
@click.pass_context
def trace(
    ctx,
    case_dir,
    from_account,
    to_account,
    method,
    max_hops,
    amount,
    since,
    max_gap,
    min_amount,
    lang,
    out_file,
):
    """Follow money through the analysed case in DIR and write every path to a CSV file."""
    from fundgraph.analysis.tracing import (
        resolve_account,
        trace_backward,
        trace_destinations,
        trace_forward,
    )
    from fundgraph.case import case_output_path, load_case
    from fundgraph.tables import write_csv

    lang = lang or ctx.obj.get("cli_lang", "en")
    if (from_account is None) == (to_account is None):
        raise click.UsageError(t("trace.from_or_to", lang))
    since = _since_option(since)
    amount_c = _yuan_option(amount, "--amount")
    min_c = _yuan_option(min_amount, "--min-amount") or 1
    case = load_case(case_dir)
    backward = to_account is not None
    account = resolve_account(case, to_account if backward else from_account)
    options = dict(
        method=method,
        max_hops=max_hops,
        amount=amount_c,
        since=since,
        max_gap=max_gap,
        min_amount=min_c,
    )
    if backward:
        result = trace_backward(case, account, **options)
    else:
        result = trace_forward(case, account, **options)
    prefix = "trace-to-" if backward else "trace-"
    out = out_file or case_output_path(case_dir, prefix, account, f"-{method}.csv")
    write_csv(result, out)

    traced = int(result.attrs.get("traced", 0))
    if not len(result):
        click.echo(t("trace.nothing", lang, account=account))
        click.echo(t("trace.written", lang, path=out))
        return
    kind = "backward" if backward else result.attrs.get("origin", "inflows")
    click.echo(
        t(
            f"trace.summary.{kind}",
            lang,
            amount=format_cny(traced, lang),
            account=account,
            method=t(f"trace.method.{method}", lang),
            hops=max_hops,
            paths=len(result),
        )
    )
    dest = trace_destinations(result)
    click.echo(t("trace.top.backward" if backward else "trace.top.forward", lang))
    for row in dest.head(TOP).itertuples():
        click.echo(
            t(
                "trace.line",
                lang,
                amount=format_cny(int(row.amount), lang),
                share=f"{row.share * 100:.1f}%",
                account=row.end or t("trace.cash", lang),
                kind=t(f"trace.kind.{row.end_kind}", lang),
            )
        )
    if len(dest) > TOP:
        click.echo(t("trace.more", lang, count=len(dest) - TOP))
    click.echo(t("trace.written", lang, path=out))
