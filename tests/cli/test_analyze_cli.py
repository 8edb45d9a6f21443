"""``fundgraph analyze`` and ``fundgraph demo`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from fundgraph.cli import group

CONTRACT_FILES = (
    "transfers.csv",
    "transfers.parquet",
    "accounts.csv",
    "participants.csv",
    "structures.json",
    "case.json",
    "rejects.csv",
    "graph.html",
    "report.html",
)


def _analyze(*args):
    return CliRunner().invoke(group, ["analyze", *map(str, args)], catch_exceptions=False)


def test_analyze_writes_the_case_folder(generated_case, tmp_path):
    out = tmp_path / "case"
    res = _analyze(generated_case.exports, "-o", out, "--quiet", "--excel-headers", "zh")
    assert res.exit_code == 0, res.output
    for name in CONTRACT_FILES:
        assert (out / name).is_file(), name
    timeline = json.loads((out / "timeline.json").read_text(encoding="utf-8"))
    assert timeline["series"] and "returns_funded_by_later_deposits_share" in timeline["facts"]
    case = json.loads((out / "case.json").read_text(encoding="utf-8"))
    truth = generated_case.truth
    assert case["rows_read"] == truth["rows_read"]
    assert case["rows_read"] == case["rows_accepted"] + case["rows_rejected"]
    assert case["transfers"] == truth["transfers"]
    for key in (
        "total_absorbed",
        "participant_persons",
        "participant_accounts",
        "direct_loss",
        "max_level",
        "thresholds",
        "accounts",
    ):
        assert key in case
    head = (out / "excel-zh" / "transfers.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "转出账号" in head and "金额(元)" in head
    assert (out / "transfers.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_same_input_gives_byte_identical_outputs(generated_case, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert _analyze(generated_case.exports, "-o", a, "-q").exit_code == 0
    assert _analyze(generated_case.exports, "-o", b, "-q").exit_code == 0
    names = sorted(p.name for p in a.iterdir() if p.is_file())
    assert names == sorted(p.name for p in b.iterdir() if p.is_file())
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_strict_stops_on_an_unreadable_file(generated_case, tmp_path):
    import shutil

    exports = tmp_path / "exports"
    shutil.copytree(generated_case.exports, exports)
    (exports / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    res = CliRunner().invoke(
        group, ["analyze", str(exports), "-o", str(tmp_path / "o"), "-q", "--strict"]
    )
    assert res.exit_code == 1
    assert "broken.xlsx" in res.output
    assert "Traceback" not in res.output
    # without --strict the run goes on and names the file on stderr
    res = CliRunner().invoke(group, ["analyze", str(exports), "-o", str(tmp_path / "o2"), "-q"])
    assert res.exit_code == 0


def test_no_exports_is_a_clean_error(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here\n", encoding="utf-8")
    res = CliRunner().invoke(group, ["analyze", str(tmp_path), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "Traceback" not in res.output


def test_recovered_amount_is_validated(generated_case, tmp_path):
    res = CliRunner().invoke(
        group,
        ["analyze", str(generated_case.exports), "-o", str(tmp_path / "o"), "--recovered", "abc"],
    )
    assert res.exit_code == 2
    assert "--recovered" in res.output


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "fundgraph", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    for command in ("analyze", "demo", "trace", "render", "push", "pull", "timeline"):
        assert command in proc.stdout


def test_demo_runs(tmp_path):
    res = CliRunner().invoke(
        group, ["demo", "-o", str(tmp_path / "demo"), "--participants", "40", "-q"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "demo" / "case" / "report.html").is_file()
    assert "report.html" in res.output
