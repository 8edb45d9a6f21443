"""The commands that read or write a case folder: clean errors, owned folders, safe names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fundgraph.case import finish_case, load_case, write_case_data
from fundgraph.cli import group
from tests.test_case_folder import _edit_csv, tiny_case


def invoke(*args, env=None):
    return CliRunner().invoke(group, [str(a) for a in args], env=env, catch_exceptions=False)


def assert_one_line_error(result, *fragments, code=1):
    assert result.exit_code == code, result.output
    text = result.output.strip()
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text and "internal error" not in text, text
    for fragment in fragments:
        assert fragment in text, text


def write(case, d):
    write_case_data(case, d)
    finish_case(case, d)
    return d


@pytest.fixture
def case_dir(tmp_path):
    return write(tiny_case(), tmp_path / "case")


# --- a run owns its folder -------------------------------------------------------------------------
def test_a_new_run_removes_what_an_earlier_run_left(tmp_path):
    from fundgraph.pipeline import write_case

    out = tmp_path / "case"
    write_case(tiny_case(recovered=10_000_000), out, excel_headers="zh")
    core = "6222000000000001"
    for args in (
        ["render", out, "--view", "pyramid"],
        ["timeline", out, "--by", "week"],
        ["trace", out, "--from", core],
        ["render", out, "--focus", core],
    ):
        assert invoke(*args).exit_code == 0
    (out / "notes.txt").write_text("the investigator's own notes", encoding="utf-8")
    stale = (
        "restitution.csv",
        "excel-zh",
        "pyramid.html",
        "timeline-week.csv",
        f"trace-{core}-fifo.csv",
        f"ego-{core}.html",
        "graph.html",
        "report.html",
    )
    for name in stale:
        assert (out / name).exists(), name

    # the same folder again, for another analysis without an amount recovered nor HTML
    write_case(tiny_case(), out, html=False)
    left = sorted(p.name for p in out.iterdir())
    for name in stale:
        assert name not in left, name
    assert "notes.txt" in left  # not fundgraph's: kept
    assert load_case(out).restitution is None


def test_a_non_empty_folder_that_is_no_case_is_refused_before_reading(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "a.csv").write_text(
        "账号,交易时间,交易金额,借贷标志,对方账号\n"
        "6222000000000001,2022-01-01 10:00:00,100.00,贷,6222000000000002\n",
        encoding="utf-8",
    )
    out = tmp_path / "statements"
    out.mkdir()
    (out / "bank.xlsx").write_bytes(b"PK")
    res = invoke("analyze", exports, "-o", out, "--quiet")
    assert_one_line_error(res, "statements", "not empty", "bank.xlsx")
    assert sorted(p.name for p in out.iterdir()) == ["bank.xlsx"]
    # an empty folder, or one with hidden files only, is fine
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / ".DS_Store").write_bytes(b"")
    res = invoke("analyze", exports, "-o", fresh, "--quiet", "--no-html")
    assert res.exit_code == 0, res.output
    assert (fresh / "case.json").is_file()


# --- file names from data -----------------------------------------------------------------------------
def test_render_focus_on_an_account_with_dots_and_slashes_stays_in_the_folder(tmp_path):
    case = tiny_case()
    evil = "../../../x"
    old = case.accounts.query("role == 'core'")["account"].iat[0]
    for col in ("src", "dst"):
        case.transfers[col] = case.transfers[col].replace(old, evil)
    case.accounts["account"] = case.accounts["account"].replace(old, evil)
    d = write(case, tmp_path / "deep" / "er" / "case")
    res = invoke("render", d, "--focus", evil)
    assert res.exit_code == 0, res.output
    written = Path(res.output.strip())
    assert written.parent == d and written.name == "ego-_._.._.._x.html"
    assert sorted(p.name for p in tmp_path.rglob("*.html")) == ["ego-_._.._.._x.html"]
    res = invoke("trace", d, "--from", evil)
    assert res.exit_code == 0, res.output
    assert (d / "trace-_._.._.._x-fifo.csv").is_file()
    assert not list(tmp_path.glob("*.csv")) and not list((tmp_path / "deep").glob("*.csv"))


# --- a damaged case folder is refused by every command that reads it -----------------------------------
@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["timeline"],
        ["trace", "--from", "6222000000000001"],
        ["push", "--case", "x", "--uri", "bolt://127.0.0.1:1", "--password", "pw"],
    ],
    ids=["render", "timeline", "trace", "push"],
)
def test_a_transfers_table_without_amount_is_refused(case_dir, args):
    (case_dir / "transfers.parquet").unlink()
    _edit_csv(case_dir / "transfers.csv", lambda df: df.drop(columns=["amount"]))
    res = invoke(args[0], case_dir, *args[1:])
    assert_one_line_error(res, "transfers.csv", "column amount is missing")


def test_a_bad_amount_is_named_not_an_internal_error(case_dir):
    (case_dir / "transfers.parquet").unlink()

    def edit(df):
        df.loc[4, "amount"] = "abc"
        return df

    _edit_csv(case_dir / "transfers.csv", edit)
    res = invoke("timeline", case_dir)
    assert_one_line_error(res, "transfers.csv, row 6, column amount: 'abc' is not an amount")


def test_messages_follow_the_locale(case_dir):
    (case_dir / "transfers.parquet").unlink()
    _edit_csv(case_dir / "transfers.csv", lambda df: df.drop(columns=["time"]))
    res = invoke("render", case_dir, env={"LANG": "zh_CN.UTF-8", "LC_ALL": ""})
    assert_one_line_error(res, "transfers.csv：缺少 time 列")


# --- clean user errors for odd options ---------------------------------------------------------------
def test_trace_since_far_in_the_future_is_a_user_error(case_dir):
    res = invoke("trace", case_dir, "--from", "6222000000000001", "--since", "9999-01-01")
    assert res.exit_code == 2, res.output  # a bad option value, as click reports it
    last = res.output.strip().splitlines()[-1]
    assert "--since" in last and "9999-01-01" in last and "internal error" not in res.output


def test_demo_with_a_negative_seed_is_a_usage_error(tmp_path):
    res = invoke("demo", "-o", tmp_path / "demo", "--seed", "-1")
    assert res.exit_code == 2 and "--seed" in res.output and "internal error" not in res.output
    assert not (tmp_path / "demo").exists()


def test_push_to_an_http_uri_is_a_user_error(case_dir):
    res = invoke(
        "push", case_dir, "--case", "x", "--uri", "http://127.0.0.1:7474", "--password", "pw"
    )
    assert_one_line_error(res, "http://127.0.0.1:7474", "bolt://host:port")


# --- credentials never printed -----------------------------------------------------------------------
def test_debug_traceback_masks_a_password_in_the_uri(case_dir):
    from fundgraph.store.server import free_port

    secret = "Pa55-w0rd-in-uri"
    uri = f"bolt://neo4j:{secret}@127.0.0.1:{free_port()}"
    res = CliRunner().invoke(group, ["--debug", "push", str(case_dir), "--case", "x", "--uri", uri])
    assert res.exit_code == 1
    assert "Traceback" in res.output and "StoreError" in res.output
    assert secret not in res.output
    res = invoke("push", str(case_dir), "--case", "x", "--uri", uri)
    assert_one_line_error(res, "bolt://127.0.0.1:")
    assert secret not in res.output


def test_log_lines_are_masked(caplog):
    import logging

    from fundgraph.errors import install_log_masking, register_secret

    install_log_masking()
    register_secret("hunter2-secret")
    with caplog.at_level(logging.WARNING):
        logging.getLogger("neo4j.io").warning(
            "lost %s (password %s)", "bolt://u:pw1@db:7687", "hunter2-secret"
        )
    text = caplog.records[-1].getMessage()
    assert text == "lost bolt://***@db:7687 (password ***)"
