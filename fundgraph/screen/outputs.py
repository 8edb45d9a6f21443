"""What ``fundgraph screen`` writes: the ranking, a short HTML summary, statements for a case."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pandas as pd

from ..i18n import t
from ..money import format_cny, yuan
from ..tables import atomic_write_text, write_csv
from .rank import SCREEN_COLUMNS

__all__ = ["write_screen_csv", "render_summary", "write_statements", "STATEMENT_HEADER"]

#: Header of the statements written for ``analyze`` (names from the ingest vocabulary).
STATEMENT_HEADER = {
    "account": "Account Number",
    "holder_name": "Account Name",
    "holder_id": "ID Number",
    "time": "Transaction Time",
    "amount": "Amount",
    "direction": "Direction",
    "counterparty": "Counterparty Account",
    "counterparty_name": "Counterparty Name",
    "counterparty_id": "Counterparty ID",
    "memo": "Memo",
    "channel": "Channel",
    "reference": "Reference",
    "currency": "Currency",
}


def write_screen_csv(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """``screen.csv``: UTF-8 with BOM, money in yuan, formulas neutralised."""
    write_csv(table, path, SCREEN_COLUMNS)


def _time(v) -> str:
    return "" if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")


def render_summary(
    table: pd.DataFrame,
    neighbours: pd.DataFrame,
    *,
    top: int,
    accounts_seen: int,
    rows_read: int,
    lang: str = "zh",
) -> str:
    """A self-contained HTML page of the top accounts and their one-hop neighbourhood.

    Every text from a bank file is escaped; a Content-Security-Policy blocks any request.
    """
    e = html.escape
    head = table.head(top)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(t('screen.html.title', lang))}</title>",
        "<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.4em 0 1.2em}"
        "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;vertical-align:top}th{background:#f0f0f0}"
        "td.n{text-align:right;white-space:nowrap}.bar{display:inline-block;height:8px;background:#c0392b}"
        "pre{margin:0;font-family:inherit;white-space:pre-wrap}h2{font-size:16px;margin-top:1.4em}</style>",
        "</head><body>",
        f"<h1>{e(t('screen.html.title', lang))}</h1>",
        "<p>"
        + e(
            t(
                "screen.html.summary",
                lang,
                accounts=len(table),
                seen=accounts_seen,
                rows=rows_read,
                top=len(head),
            )
        )
        + "</p>",
        "<table><tr>"
        + "".join(
            f"<th>{e(t(f'screen.html.{k}', lang))}</th>"
            for k in (
                "rank",
                "account",
                "holder",
                "score",
                "payers",
                "in_amount",
                "out_amount",
                "period",
                "reasons",
            )
        )
        + "</tr>",
    ]
    best = float(head["score"].max()) if len(head) else 1.0
    for _, r in head.iterrows():
        width = int(round(60 * float(r["score"]) / best)) if best else 0
        out.append(
            "<tr>"
            f'<td class="n">{int(r["rank"])}</td>'
            f'<td><a href="#a{int(r["rank"])}">{e(str(r["account"]))}</a></td>'
            f"<td>{e(str(r['holder_name']))}</td>"
            f'<td class="n">{float(r["score"]):.2f} <span class="bar" style="width:{width}px"></span></td>'
            f'<td class="n">{int(r["payers"])}</td>'
            f'<td class="n">{e(format_cny(int(r["in_amount"]), lang))}</td>'
            f'<td class="n">{e(format_cny(int(r["out_amount"]), lang))}</td>'
            f"<td>{e(_time(r['first_time']))} – {e(_time(r['last_time']))}</td>"
            f"<td><pre>{e(str(r['reasons']))}</pre></td>"
            "</tr>"
        )
    out.append("</table>")
    for _, r in head.iterrows():
        acct = str(r["account"])
        out.append(
            f'<h2 id="a{int(r["rank"])}">{int(r["rank"])}. {e(acct)} {e(str(r["holder_name"]))}</h2>'
        )
        nb = neighbours[neighbours["account"] == acct]
        for direction in ("in", "out"):
            part = nb[nb["direction"] == direction]
            if part.empty:
                continue
            out.append(
                f"<table><tr><th>{e(t(f'screen.html.{direction}', lang))}</th>"
                f"<th>{e(t('screen.html.holder', lang))}</th><th>{e(t('screen.html.transfers', lang))}</th>"
                f"<th>{e(t('screen.html.amount', lang))}</th><th>{e(t('screen.html.period', lang))}</th></tr>"
            )
            for _, p in part.iterrows():
                peer = str(p["peer"]) or t("screen.html.cash", lang)
                out.append(
                    f"<tr><td>{e(peer)}</td><td>{e(str(p['peer_name']))}</td>"
                    f'<td class="n">{int(p["n"])}</td><td class="n">{e(format_cny(int(p["amount"]), lang))}</td>'
                    f"<td>{e(_time(p['first_time']))} – {e(_time(p['last_time']))}</td></tr>"
                )
            out.append("</table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]", "_", name)[:40] or "account"


def write_statements(rows: pd.DataFrame, folder: str | os.PathLike) -> list[Path]:
    """One CSV statement per own account that ``fundgraph analyze`` reads back.

    ``rows`` are distinct statement rows with a ``weight`` (how many transactions each
    stands for, see :func:`fundgraph.screen.aggregates.distinct_rows`); each is written that
    many times, in time order.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if rows.empty:
        return written
    rows = rows.loc[rows.index.repeat(rows["weight"].to_numpy())]
    rows = rows.sort_values(
        ["account", "time", "direction", "amount", "counterparty", "reference"], kind="stable"
    )
    for i, (acct, g) in enumerate(rows.groupby("account", sort=True), start=1):
        frame = pd.DataFrame(
            {
                STATEMENT_HEADER[c]: (
                    g["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
                    if c == "time"
                    else g["amount"].map(yuan)
                    if c == "amount"
                    else g["direction"].map({"in": "IN", "out": "OUT"})
                    if c == "direction"
                    else g[c].astype(str)
                    if c in g
                    else ""
                )
                for c in STATEMENT_HEADER
            }
        )
        path = folder / f"{i:05d}-{_safe(str(acct))}.csv"
        write_csv(frame, path)
        written.append(path)
    return written


def write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_text(path, text)
