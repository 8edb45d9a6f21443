"""The case folder as a file format: writing it safely, owning it, reading it back strictly."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from fundgraph.results import CaseSummary
from fundgraph.tables import clean_stale_parts, neutralise_formulas, read_csv, write_csv


# --- formulas and quotes in CSV cells ------------------------------------------------------------
@pytest.mark.parametrize(
    "cell", ["\x0b=1+1", "\x0c=1+1", "\uff1d1+1", "\uff0bcmd", "\uff20SUM(A1)", "\uff0d2+3"]
)
def test_vt_ff_and_full_width_signs_start_a_formula(cell):
    assert neutralise_formulas(pd.Series([cell])).tolist() == ["'" + cell]


def test_genuine_leading_quotes_survive_the_round_trip(tmp_path):
    values = ["'Brien", "`whoami", "'", "''=x", "'=x", "=1", "\uff1d1", "-12.50", "张三"]
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"name": values}), path, {"name": "str"})
    text = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    # only the risky cells got a quote; the genuine ones are written as they are
    assert text[:3] == ["'Brien", "`whoami", "'"]
    assert text[5:7] == ["'=1", "'\uff1d1"]
    assert read_csv(path, {"name": "str"})["name"].tolist() == values


# --- temporary files left by a killed writer -------------------------------------------------------
def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def test_part_files_of_a_killed_writer_are_removed_on_the_next_write(tmp_path):
    dead = _dead_pid()
    stale = tmp_path / f".t.csv.{dead}.abc123.part"
    stale.write_text("half a file")
    old_style = tmp_path / ".t.csv.k2j4h5g6.part"
    old_style.write_text("half a file")
    other = tmp_path / f".u.csv.{dead}.abc123.part"
    other.write_text("half of another file")
    alive = tmp_path / f".t.csv.{os.getpid()}.zzz.part"
    alive.write_text("being written right now")
    write_csv(pd.DataFrame({"a": ["x"]}), tmp_path / "t.csv", {"a": "str"})
    assert not stale.exists() and not old_style.exists()
    assert other.exists()  # another file's leftovers wait for that file (or the folder)
    assert alive.exists()  # a live writer's temporary file is never touched
    assert clean_stale_parts(tmp_path) == [other]


# --- a small analysed case -------------------------------------------------------------------------
def tiny_case(recovered: int | None = None, lang: str = "en"):
    """Six participants paying a collector who pays the core; the core pays returns."""
    from fundgraph import schema as S
    from fundgraph.analysis import analyze_case
    from fundgraph.case import Case
    from fundgraph.tables import conform

    rows = [
        (f"62220000000010{i:02d}", "6222000000000100", 5_000_000, f"2022-01-0{1 + i % 5} 10:00")
        for i in range(6)
    ]
    rows += [("6222000000000100", "6222000000000001", 30_000_000, "2022-01-06 09:00")]
    rows += [
        ("6222000000000001", f"62220000000010{i:02d}", 100_000, f"2022-0{m}-10 09:00")
        for i in range(6)
        for m in (2, 3)
    ]
    t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    t["time"] = pd.to_datetime(t["time"])
    t = t.sort_values(["time", "src", "dst"]).reset_index(drop=True)
    t["transfer_id"] = range(len(t))
    t["seen"] = "src"
    t["sources"] = [f"a.csv:{i + 2}" for i in range(len(t))]
    case = Case(transfers=conform(t, S.TRANSFERS))
    case.summary = CaseSummary(fundgraph_version="0.1.0", lang=lang, transfers=len(t))
    return analyze_case(case, recovered=recovered, lang=lang)


@pytest.fixture
def case_dir(tmp_path):
    from fundgraph.case import finish_case, write_case_data

    case = tiny_case()
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    return d


def _edit_csv(path, edit):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df = edit(df)
    df.to_csv(path, index=False, encoding="utf-8-sig")
    # a person edits the CSV after the run: it is newer than the Parquet copy
    pq = path.with_suffix(".parquet")
    if pq.exists():
        st = pq.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _set(col, row, value):
    def edit(df):
        df.loc[row, col] = value
        return df

    return edit


# --- load_case: one validating loader ---------------------------------------------------------------
def test_a_missing_required_column_is_refused(case_dir):
    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    (case_dir / "transfers.parquet").unlink()
    _edit_csv(case_dir / "transfers.csv", lambda df: df.drop(columns=["amount"]))
    with pytest.raises(CaseError, match=r"transfers\.csv: column amount is missing"):
        load_case(case_dir)


def test_a_missing_column_in_parquet_is_refused(case_dir):
    import pyarrow.parquet as pq

    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    path = case_dir / "accounts.parquet"
    pq.write_table(pq.read_table(path).drop(["holder_name"]), path)
    with pytest.raises(CaseError, match=r"accounts\.parquet: column holder_name is missing"):
        load_case(case_dir)


@pytest.mark.parametrize(
    ("file", "col", "row", "value", "message"),
    [
        (
            "transfers.csv",
            "amount",
            2,
            "abc",
            r"transfers\.csv, row 4, column amount: 'abc' is not an amount",
        ),
        (
            "transfers.csv",
            "amount",
            0,
            "12.345",
            r"row 2, column amount: '12\.345' is not an amount",
        ),
        (
            "transfers.csv",
            "time",
            1,
            "2022-13-45 99:00:00",
            r"row 3, column time: .* is not a time",
        ),
        ("transfers.csv", "time", 1, "", r"transfers\.csv, row 3, column time: the cell is empty"),
        (
            "transfers.csv",
            "transfer_id",
            3,
            "x1",
            r"row 5, column transfer_id: 'x1' is not a whole number",
        ),
        (
            "transfers.csv",
            "transfer_id",
            3,
            "0",
            r"transfers\.csv, rows 2 and 5, column transfer_id: '0' appears twice",
        ),
        (
            "accounts.csv",
            "obtained",
            0,
            "maybe",
            r"accounts\.csv, row 2, column obtained: 'maybe' is not true or false",
        ),
        (
            "accounts.csv",
            "pagerank",
            1,
            "high",
            r"accounts\.csv, row 3, column pagerank: 'high' is not a number",
        ),
        (
            "accounts.csv",
            "account",
            2,
            "",
            r"accounts\.csv, row 4, column account: the cell is empty",
        ),
        ("participants.csv", "net_loss", 0, "1,000", r"participants\.csv, row 2, column net_loss"),
        (
            "participants.csv",
            "first_paid",
            0,
            "yesterday",
            r"participants\.csv, row 2, column first_paid",
        ),
    ],
)
def test_a_bad_cell_is_named_by_file_row_and_column(case_dir, file, col, row, value, message):
    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    _edit_csv(case_dir / file, _set(col, row, value))
    with pytest.raises(CaseError, match=message):
        load_case(case_dir)


def test_a_duplicate_account_is_named(case_dir):
    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    first = pd.read_csv(case_dir / "accounts.csv", dtype=str, encoding="utf-8-sig")["account"][0]
    _edit_csv(case_dir / "accounts.csv", _set("account", 3, first))
    with pytest.raises(
        CaseError, match=rf"accounts\.csv, rows 2 and 5, column account: '{first}' appears twice"
    ):
        load_case(case_dir)


@pytest.mark.parametrize("name", ["case.json", "structures.json"])
def test_bad_json_is_named_with_its_line(case_dir, name):
    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    text = (case_dir / name).read_text(encoding="utf-8")
    (case_dir / name).write_text(text.replace("\n", "\n,", 2), encoding="utf-8")
    with pytest.raises(CaseError, match=rf"{name}, line 2, column 1: not valid JSON"):
        load_case(case_dir)


def test_case_json_must_be_an_object(case_dir):
    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    (case_dir / "case.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CaseError, match=r"case\.json: expected a JSON object"):
        load_case(case_dir)


def test_a_case_from_a_newer_fundgraph_is_refused(case_dir):
    import json

    from fundgraph.case import load_case
    from fundgraph.errors import CaseError

    summary = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    summary["fundgraph_version"] = "99.0.0"
    (case_dir / "case.json").write_text(json.dumps(summary), encoding="utf-8")
    with pytest.raises(
        CaseError, match=r"written by fundgraph 99\.0\.0, newer than this fundgraph"
    ):
        load_case(case_dir)


def test_an_edited_csv_wins_over_the_older_parquet_and_says_so(case_dir, caplog):
    from fundgraph.case import load_case

    case = load_case(case_dir)
    target = case.accounts["account"].iat[0]
    with caplog.at_level("WARNING", logger="fundgraph.case"):
        assert load_case(case_dir).accounts["holder_name"].iat[0] == ""
    assert not caplog.records  # files as written: no warning
    _edit_csv(case_dir / "accounts.csv", _set("holder_name", 0, "改过的名字"))
    with caplog.at_level("WARNING", logger="fundgraph.case"):
        edited = load_case(case_dir)
    assert (
        edited.accounts.loc[edited.accounts["account"] == target, "holder_name"].iat[0]
        == "改过的名字"
    )
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "accounts.csv differs from accounts.parquet" in message and "using" in message


def test_a_case_written_and_read_back_is_the_same(case_dir):
    from fundgraph.case import load_case

    case = tiny_case()
    back = load_case(case_dir)
    pd.testing.assert_frame_equal(
        back.transfers, case.transfers.reset_index(drop=True), check_dtype=False
    )
    assert list(back.accounts["account"]) == list(case.accounts["account"])


# --- timeline.json: the report's series and facts, computed once by the analysis ----------------
def test_timeline_facts_are_written_and_read_back_exactly(tmp_path):
    from fundgraph.analysis.timeline import case_timeline
    from fundgraph.case import finish_case, load_case, write_case_data

    case = tiny_case()
    case.timeline = case_timeline(case)
    series, facts = case.timeline
    assert facts.returns_funded_by_later_deposits_share.returns == 1_200_000
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    text = (d / "timeline.json").read_text(encoding="utf-8")
    assert '"returns": 12000.00' in text  # money in yuan, as in the other files
    back = load_case(d).timeline
    pd.testing.assert_frame_equal(back[0], series.reset_index(drop=True), check_dtype=False)
    assert back[1] == facts
    assert isinstance(back[1].last_deposit.time, pd.Timestamp)
    share = back[1].returns_funded_by_later_deposits_share.share
    assert isinstance(share, float) and share == facts.returns_funded_by_later_deposits_share.share


def test_a_report_from_a_loaded_folder_traces_nothing_and_is_the_same(tmp_path, monkeypatch):
    import fundgraph.analysis.timeline as tl
    import fundgraph.render.report as R
    from fundgraph.analysis.timeline import case_timeline
    from fundgraph.case import finish_case, load_case, write_case_data

    case = tiny_case()
    case.timeline = case_timeline(case)
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    first = R.report_html(case, lang="en")

    def traced(*args, **kwargs):
        raise AssertionError("the report traced the returns itself")

    for name in ("scheme_flows", "timeline", "timeline_facts", "case_timeline"):
        monkeypatch.setattr(tl, name, traced)
    assert R.report_html(load_case(d), lang="en") == first


def test_a_folder_without_timeline_json_has_no_timeline_in_its_report(case_dir):
    import fundgraph.render.report as R
    from fundgraph.case import load_case

    assert not (case_dir / "timeline.json").exists()  # written by a case without one
    case = load_case(case_dir)
    assert case.timeline is None
    section = R.report_html(case, lang="en").split('id="timeline"')[1].split("</section>")[0]
    assert "The timeline analysis is not available" in section
    assert "<svg" not in section and "transfer_id #" not in section


def test_a_damaged_timeline_json_is_named(tmp_path):
    from fundgraph.analysis.timeline import case_timeline
    from fundgraph.case import finish_case, load_case, write_case_data
    from fundgraph.errors import CaseError

    case = tiny_case()
    case.timeline = case_timeline(case)
    d = tmp_path / "case"
    write_case_data(case, d)
    finish_case(case, d)
    text = (d / "timeline.json").read_text(encoding="utf-8")
    (d / "timeline.json").write_text(
        text.replace('"returns": 12000.00', '"returns": "x"'), encoding="utf-8"
    )
    with pytest.raises(CaseError, match=r"timeline\.json"):
        load_case(d)


# --- restitution: what was recovered, what the plan pays, what is left ---------------------------
@pytest.mark.parametrize(
    ("recovered", "distributed", "surplus"),
    [(30_000_000, "288000.00", "12000.00"), (10_000_000, "100000.00", "0.00"), (0, "0.00", "0.00")],
)
def test_case_json_records_recovered_distributed_and_surplus(
    tmp_path, recovered, distributed, surplus
):
    import json

    from fundgraph.case import finish_case, write_case_data

    # six participants paid 50,000.00 each and got 2 x 1,000.00 back: 288,000.00 lost in all
    case = tiny_case(recovered=recovered)
    write_case_data(case, tmp_path)
    finish_case(case, tmp_path)
    summary = json.loads((tmp_path / "case.json").read_text(encoding="utf-8"), parse_float=str)
    assert summary["recovered"] == f"{recovered // 100}.00"
    assert summary["restitution_loss"] == "288000.00"
    assert summary["restitution_distributed"] == distributed
    assert summary["restitution_surplus"] == surplus
    assert int(case.restitution["recovered_share"].sum()) == int(distributed[:-3]) * 100


# --- Chinese runs: no English left in the tables people read ------------------------------------
def test_excel_copies_translate_every_column(tmp_path):
    from fundgraph.translate import write_translated_copies

    case = tiny_case(recovered=10_000_000, lang="zh")
    folder = write_translated_copies(case, tmp_path, "zh")
    for path in sorted(folder.glob("*.csv")):
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        english = [h for h in header if h.isascii() and h != "PageRank"]  # a name, kept
        assert not english, (path.name, english)


def test_warning_details_follow_the_language_of_the_run(tmp_path):
    from fundgraph.ingest import read_exports

    text = (
        "账号,交易时间,交易金额,借贷标志,余额,对方账号\n"
        "6222000000000001,2022-01-01 10:00:00,100.00,贷,100.00,6222000000000002\n"
        "6222000000000001,2022-01-02 10:00:00,30.00,借,75.00,6222000000000003\n"
        "6222000000000001,2022-01-03 10:00:00,10.00,借,abc,6222000000000003\n"
    )
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    details = read_exports([tmp_path], lang="zh").warnings.set_index("code")["detail"]
    # 100.00 - 30.00 = 70.00 expected, 75.00 shown
    assert details["balance_break"] == "应为 70.00，对账单显示 75.00（相差 5.00）"
    assert details["bad_balance"] == "余额单元格不是金额"
    en = read_exports([tmp_path], lang="en").warnings.set_index("code")["detail"]
    assert en["balance_break"] == "expected 70.00, statement shows 75.00 (difference 5.00)"


def test_a_file_is_not_a_case_folder(tmp_path):
    from fundgraph.case import claim_case_folder
    from fundgraph.errors import CaseError

    (tmp_path / "x").write_text("x")
    with pytest.raises(CaseError, match="not a folder"):
        claim_case_folder(tmp_path / "x")


def test_library_case_without_ids_or_lang_reads_back(tmp_path):
    # a transfers table made by hand (no transfer_id), analysed in English with the
    # default rules given as None: the folder written reads back, in English
    import pandas as pd

    from fundgraph.analysis import analyze_case
    from fundgraph.case import Case, load_case
    from fundgraph.pipeline import write_case

    t = pd.DataFrame(
        {
            "src": ["p1", "p2", "p3", "c"],
            "dst": ["c", "c", "c", "p1"],
            "amount": [5_000_000, 3_000_000, 2_000_000, 100_000],
            "time": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03", "2022-02-01"]),
        }
    )
    case = analyze_case(Case(transfers=t), lang="en", rules=None)
    assert case.transfers["transfer_id"].tolist() == [0, 1, 2, 3]
    write_case(case, tmp_path / "c", html=False)
    back = load_case(tmp_path / "c")
    assert back.lang == "en" and back.summary.lang == "en"
    assert back.transfers["transfer_id"].tolist() == [0, 1, 2, 3]
