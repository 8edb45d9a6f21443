"""``fundgraph export``: every format from the command line, default names, errors."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from fundgraph.cli import group
from fundgraph.export import FORMATS, default_name, export_case
from fundgraph.export import pdf as pdfmod


@pytest.fixture
def case_copy(hand_dir, tmp_path):
    d = tmp_path / "case"
    shutil.copytree(hand_dir, d)
    return d


def _run(*args):
    return CliRunner().invoke(group, list(map(str, args)), env={"LANG": "en_US.UTF-8"})


@pytest.mark.parametrize("fmt", ["xlsx", "graphml", "gexf", "anx"])
def test_each_format_default_name_and_same_bytes(fmt, case_copy):
    res = _run("export", case_copy, "--to", fmt)
    assert res.exit_code == 0, res.output
    written = [line.split("written: ", 1)[1] for line in res.output.splitlines()]
    assert written[0] == str(case_copy / default_name(fmt, "zh"))
    if fmt == "anx":
        assert written[1:] == [
            str(case_copy / "i2-chart-entities.csv"),
            str(case_copy / "i2-chart-links.csv"),
        ]
    first = [open(p, "rb").read() for p in written]
    assert _run("export", case_copy, "--to", fmt).exit_code == 0
    assert [open(p, "rb").read() for p in written] == first


def test_names_follow_the_language(case_copy, tmp_path):
    assert default_name("xlsx", "zh") == "案件资金分析.xlsx"
    assert default_name("xlsx", "en") == "case-analysis.xlsx"
    res = _run("export", case_copy, "--to", "xlsx", "--lang", "en")
    assert res.exit_code == 0 and (case_copy / "case-analysis.xlsx").is_file()
    out = tmp_path / "elsewhere" / "book.xlsx"
    res = _run("export", case_copy, "--to", "xlsx", "-o", out)
    assert res.exit_code == 0 and out.is_file()


def test_not_a_case_folder_is_one_line(tmp_path):
    res = _run("export", tmp_path, "--to", "xlsx")
    assert res.exit_code == 1
    assert "not a complete case folder" in res.output and "Traceback" not in res.output


def test_unknown_format_is_a_usage_error(case_copy):
    assert _run("export", case_copy, "--to", "docx").exit_code == 2
    assert set(FORMATS) == {"xlsx", "graphml", "gexf", "anx", "pdf"}


def test_pdf_without_engine_is_one_line(case_copy, monkeypatch):
    monkeypatch.setattr(pdfmod, "pdf_engine", lambda: None)
    res = _run("export", case_copy, "--to", "pdf")
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "no engine found" in lines[0]


def test_library_call_needs_a_file_for_a_case_object(hand_dir):
    from fundgraph.case import load_case

    with pytest.raises(ValueError):
        export_case(load_case(hand_dir), "xlsx")
