"""Hostile and broken exports: nothing crashes, nothing is lost, every problem is named."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from fundgraph.ingest import read_export, read_exports
from fundgraph.ingest import readers as readers_module
from tests.hostile.hostile_corpus import H, _row, _zip_bomb, build_corpus

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "test-artifacts" / "hostile-corpus.txt"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "exports"
    return root, build_corpus(root)


@pytest.fixture(scope="session")
def ingested(corpus):
    root, _ = corpus
    ing = read_exports([root], lang="en", workers=1)
    return ing


def _outcomes(ing) -> dict[str, dict]:
    out: dict[str, dict] = {}
    files = ing.files.groupby("source_file")[["rows_read", "rows_accepted", "rows_rejected"]].sum()
    for name, r in files.iterrows():
        out[name] = {
            "read": int(r["rows_read"]),
            "accepted": int(r["rows_accepted"]),
            "rejected": int(r["rows_rejected"]),
            "file": None,
            "codes": {},
        }
    rej = ing.rejects
    for _, r in rej[rej["source_row"].isna()].iterrows():
        out[r["source_file"]]["file"] = (r["code"], r["reason"])
    for (name, code), k in (
        rej[rej["source_row"].notna()].groupby(["source_file", "code"]).size().items()
    ):
        out[name]["codes"][code] = int(k)
    return out


def test_corpus_outcomes_and_report(corpus, ingested, request):
    root, expect = corpus
    ing = ingested
    ing.check_conservation()
    got = _outcomes(ing)
    assert set(got) == set(expect)
    lines = [f"{'file':<44} outcome", "-" * 100]
    for name in sorted(expect):
        g = got[name]
        if g["file"]:
            outcome = f"UNREADABLE {g['file'][0]}: {g['file'][1]}"
        else:
            codes = ", ".join(f"{c}={k}" for c, k in sorted(g["codes"].items()))
            outcome = f"read {g['read']}, accepted {g['accepted']}, rejected {g['rejected']}" + (
                f" ({codes})" if codes else ""
            )
        shown = name if len(name) <= 43 else "…" + name[-42:]
        lines.append(f"{shown:<44} {outcome}")
    report = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    request.config._hostile_corpus_report = report
    print(report)

    for name, want in expect.items():
        g = got[name]
        assert g["read"] == g["accepted"] + g["rejected"], name
        if want[0] == "file":
            assert g["file"] is not None and g["file"][0] == want[1], (name, g)
            assert g["read"] == 0
        else:
            assert g["file"] is None, (name, g)
            assert g["accepted"] == want[1], (name, g)
            assert g["codes"] == want[2], (name, g)


def test_bad_rows_named_with_file_row_and_reason(ingested):
    rej = ingested.rejects.set_index(["source_file", "source_row"])
    assert rej.loc[("impossible_dates.csv", 2), "reason"].startswith("transaction time unreadable")
    assert "2022-02-30" in rej.loc[("impossible_dates.csv", 2), "reason"]
    assert rej.loc[("unknown_direction.csv", 2), "code"] == "unknown_direction"
    assert '"转"' in rej.loc[("unknown_direction.csv", 2), "reason"]
    assert rej.loc[("bad_amounts.csv", 3), "reason"] == 'amount unreadable: "1.2.3"'
    assert rej.loc[("duplicated_reference.csv", 3), "code"] == "duplicate_row"


def test_rejected_raw_is_bounded(ingested):
    raw = ingested.rejects["raw"].str.len()
    assert raw.max() <= 2000
    big = ingested.rejects[ingested.rejects["source_file"] == "big_memo.csv"]
    assert len(big) == 1 and "\n" not in big["raw"].iloc[0]


def test_mixed_encoding_decoded_line_by_line(ingested):
    tx = ingested.transactions
    assert tx.loc[tx["source_file"] == "mixed_encoding.csv", "memo"].tolist() == [
        "工资",
        "货款",
        "返利",
    ]


def test_multiline_memo_and_quotes(ingested):
    tx = ingested.transactions
    memo = tx.loc[tx["source_file"] == "crlf_multiline.csv", "memo"].tolist()
    assert memo == ["第一行\n第二行, 还有逗号", "转账"]
    rows = tx.loc[tx["source_file"] == "stray_quote.csv", "source_row"].tolist()
    assert rows == [2, 3, 4]


def test_zip_bomb_refused_without_unpacking(tmp_path, monkeypatch):
    p = tmp_path / "bomb.xlsx"
    _zip_bomb(p, unpacked_mib=200)
    assert p.stat().st_size < 2 * 1024**2
    info = zipfile.ZipFile(p).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 190 * 1024**2

    def no_unpacking(*a, **k):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(readers_module.pd, "read_excel", no_unpacking)
    t0 = time.perf_counter()
    tables, problems = read_export(p)
    assert time.perf_counter() - t0 < 2
    assert not tables and [pr.code for pr in problems] == ["too_large"]


def test_unreadable_file_path(tmp_path):
    p = tmp_path / "gone.csv"
    tables, problems = read_export(p)
    assert not tables and problems[0].code == "unreadable"


# ---------------------------------------------------------------- the command line


def _small_case(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    (root / "good.csv").write_text(
        f"{H}\n{_row(1)}\n{_row(2, flag='进')}\n{_row(3, amount='abc')}\n", encoding="utf-8"
    )
    (root / "坏 文件.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (root / "garbage.csv").write_bytes(bytes(range(256)) * 8)
    return root


def test_cli_goes_on_past_unreadable_files(tmp_path):
    from fundgraph.cli import group

    root = _small_case(tmp_path)
    out = tmp_path / "case"
    result = CliRunner().invoke(
        group, ["analyze", str(root), "-o", str(out), "--no-html", "--lang", "en"]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert "坏 文件.xlsx" in result.stderr and "garbage.csv" in result.stderr
    rej = pd.read_csv(out / "rejects.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    files = rej[rej["source_row"] == ""]
    assert sorted(files["source_file"]) == ["garbage.csv", "坏 文件.xlsx"]
    assert all(files["reason"] != "")
    row = rej[rej["source_row"] != ""]
    assert row[["source_file", "source_row"]].values.tolist() == [["good.csv", "4"]]
    assert (out / "case.json").is_file()


def test_cli_strict_stops_naming_the_file(tmp_path):
    from fundgraph.cli import group

    root = _small_case(tmp_path)
    out = tmp_path / "case"
    result = CliRunner().invoke(
        group, ["analyze", str(root), "-o", str(out), "--strict", "--no-html"]
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    err = result.stderr.strip().splitlines()
    assert len(err) == 1, result.stderr
    assert "坏 文件.xlsx" in err[0] or "garbage.csv" in err[0]
    assert "Traceback" not in result.output
    assert not (out / "case.json").exists()


def test_cli_on_the_whole_corpus(corpus, tmp_path):
    from fundgraph.cli import group

    root, expect = corpus
    out = tmp_path / "case"
    result = CliRunner().invoke(
        group, ["analyze", str(root), "-o", str(out), "--no-html", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output + result.stderr
    unreadable = [n for n, w in expect.items() if w[0] == "file"]
    for name in unreadable:
        assert name in result.stderr, name


def test_cli_in_a_subprocess(tmp_path):
    root = _small_case(tmp_path)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fundgraph",
            "analyze",
            str(root),
            "-o",
            str(tmp_path / "case"),
            "--no-html",
            "--strict",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "fundgraph",
            "analyze",
            str(root),
            "-o",
            str(tmp_path / "case2"),
            "--no-html",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    assert "garbage.csv" in proc.stderr
