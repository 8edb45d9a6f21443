"""``fundgraph timeline``: the scheme's money per month, week or day, and what it shows."""

from __future__ import annotations

import click

from fundgraph.i18n import t
from fundgraph.money import format_cny
from fundgraph.results import TimelineFacts

from .options import case_dir_argument, lang_option, out_file_option


@click.command()
@case_dir_argument()
@click.option(
    "--by",
    type=click.Choice(["month", "week", "day"]),
    default="month",
    show_default=True,
    help="Period length (weeks start on Monday).",
)
@click.option("--structure", type=int, default=None, help="Only this collection structure.")
@lang_option("Language of the summary (default: from the environment).")
@out_file_option("CSV file to write (default: DIR/timeline-<by>.csv).")
@click.pass_context
def timeline(ctx, case_dir, by, structure, lang, out_file):
    """Write the analysed case's money per period to a CSV file and print the key dates."""
    from fundgraph.analysis.timeline import timeline as scheme_timeline
    from fundgraph.analysis.timeline import timeline_facts
    from fundgraph.case import load_case
    from fundgraph.tables import write_csv

    lang = lang or ctx.obj.get("cli_lang", "en")
    case = load_case(case_dir)
    series = scheme_timeline(case, by=by, structure=structure)
    out = out_file or case_dir / f"timeline-{by}.csv"
    write_csv(series, out)
    click.echo(
        t("timeline.written", lang, path=out, periods=len(series), by=t(f"timeline.by.{by}", lang))
    )
    if not len(series):
        click.echo(t("timeline.empty", lang))
        return
    facts = timeline_facts(case, structure=structure)
    for line in fact_lines(facts, lang):
        click.echo(line)


def fact_lines(facts: TimelineFacts, lang: str) -> list[str]:
    """The derived facts as sentences in ``lang``."""
    out = []
    f1 = facts.payouts_exceed_deposits
    if f1 is not None:
        out.append(
            t(
                "timeline.fact.payouts_exceed_deposits",
                lang,
                period=f1.period,
                returns=format_cny(f1.returns_out, lang),
                deposits=format_cny(f1.deposits_in, lang),
            )
        )
    else:
        out.append(t("timeline.fact.none", lang))
    f2 = facts.last_deposit
    if f2 is not None:
        out.append(
            t(
                "timeline.fact.last_deposit",
                lang,
                date=f2.date,
                account=f2.account,
                amount=format_cny(f2.amount, lang),
                id=f2.transfer_id,
            )
        )
    f3 = facts.collapse_date
    if f3 is not None:
        out.append(t("timeline.fact.collapse_date", lang, date=f3.date))
    f4 = facts.returns_funded_by_later_deposits_share
    if f4 is not None:
        out.append(
            t(
                "timeline.fact.returns_funded_by_later_deposits_share",
                lang,
                share=f"{f4.share * 100:.1f}%",
                funded=format_cny(f4.funded_by_later, lang),
                returns=format_cny(f4.returns, lang),
                method=t(f"trace.method.{f4.method}", lang),
            )
        )
    return out
