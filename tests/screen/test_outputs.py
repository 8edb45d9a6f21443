"""screen.csv, screen.html, the exported statements and the command line."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from fundgraph.cli import group
from fundgraph.ingest import build_transfers, read_exports
from fundgraph.screen import SCREEN_COLUMNS, aggregate_rows, rank_accounts
from fundgraph.screen.outputs import render_summary, write_screen_csv
from fundgraph.screen.rank import neighbourhood
from fundgraph.tables import read_csv
from tests.screen.feed_case import TIERS, C, K


def test_screen_csv_reads_back(full_run):
    result, out = full_run
    raw = (out / "screen.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = read_csv(out / "screen.csv", SCREEN_COLUMNS)
    assert list(back.columns) == list(SCREEN_COLUMNS)
    assert back["account"].tolist() == result.table["account"].tolist()
    assert back["in_amount"].tolist() == result.table["in_amount"].tolist()
    assert back["rank"].tolist() == list(range(1, len(back) + 1))


def test_hostile_names_escaped_and_neutralised(tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    rows = pd.DataFrame(
        {
            "account": ["A1", "A1"],
            "direction": ["in", "in"],
            "counterparty": ["B1", "B2"],
            "counterparty_name": [evil, '=HYPERLINK("http://x")'],
            "amount": [100, 200],
            "time": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 10:00"]),
        }
    )
    for c in (
        "source_file",
        "source_sheet",
        "holder_id",
        "counterparty_id",
        "reference",
        "currency",
        "memo",
        "channel",
    ):
        rows[c] = ""
    rows["holder_name"] = "某某投资有限公司"
    agg = aggregate_rows(rows)
    wl = pd.DataFrame({"kind": ["account", "account"], "value": ["B1", "B2"]})
    table = rank_accounts(agg, watchlist=wl, lang="en")
    write_screen_csv(table, tmp_path / "screen.csv")
    text = (tmp_path / "screen.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    page = render_summary(
        table,
        neighbourhood(agg, list(table["account"])),
        top=5,
        accounts_seen=3,
        rows_read=2,
        lang="en",
    )
    assert evil not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "default-src 'none'" in page
    assert "http://" not in page.replace("http://x", "")  # no request of its own


def test_html_summary_lists_top_and_neighbours(full_run):
    page = (full_run[1] / "screen.html").read_text(encoding="utf-8")
    assert C in page and K in page
    assert page.index(f">{C}<") < page.index(f">{K}<")
    assert "<script" not in page


def test_export_case_round_trip(full_run):
    result, out = full_run
    folder = out / "case-statements"
    ing = read_exports([folder])
    ing.check_conservation()
    assert ing.rows_rejected == 0
    top2 = set(result.table["account"].head(2))
    own = set(ing.transactions["account"])
    assert top2 <= own
    tx = ing.transactions
    c_in = tx[(tx["account"] == C) & (tx["direction"] == "in")]
    # every payment into C once, though the feed holds C's February statement twice
    assert int(c_in["amount"].sum()) == sum(TIERS[i % 3] for i in range(40)) + 2 * 300_000
    assert result.summary["export_case"]["rows"] == len(tx)
    transfers = build_transfers(tx)
    # C -> K seen by both statements: one transfer each, not two
    ck = transfers[(transfers["src"] == C) & (transfers["dst"] == K)]
    assert len(ck) == 20 and set(ck["seen"]) == {"both"}


def test_cli_screen(feed, tmp_path):
    runner = CliRunner()
    wl = tmp_path / "watch.csv"
    wl.write_text("账号\n" + C + "\n", encoding="utf-8")
    res = runner.invoke(
        group,
        [
            "screen",
            str(feed / "2024-02"),
            "-o",
            str(tmp_path / "out"),
            "--scheduler",
            "synchronous",
            "--watchlist",
            str(wl),
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    table = read_csv(tmp_path / "out" / "screen.csv", SCREEN_COLUMNS)
    assert table.iloc[0]["account"] == C and "watchlist" in table.iloc[0]["codes"]
    assert "screen.csv" in res.output
    res = runner.invoke(group, ["screen", str(tmp_path / "missing"), "-o", str(tmp_path / "o2")])
    assert res.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(
        group, ["screen", str(empty), "-o", str(tmp_path / "o3"), "--scheduler", "synchronous"]
    )
    assert res.exit_code == 1 and "Traceback" not in res.output
