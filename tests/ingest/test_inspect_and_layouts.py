"""``fundgraph inspect``, ``--layout`` files and a run that accepts no row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundgraph.cli import group
from fundgraph.errors import InputError
from fundgraph.ingest import inspect_exports, load_layouts, read_exports

DATA = Path(__file__).resolve().parents[1] / "data" / "layouts"


def test_inspect_library_reports_every_decision():
    (r,) = inspect_exports([DATA / "alipay.csv"], rows=2)
    assert r["layout"] == "built-in" and r["encoding"] == "gb18030"
    assert any(f == "direction" and h.strip() == "收/支" for h, f in r["columns"])
    assert "收/付款方式" in [h.strip() for h in r["unmapped"]]
    assert r["account_source"] == "title" and r["direction_rule"] == "flag;words"
    assert r["statuses"]["交易关闭"] == 2 and r["rejects"] == {"order_closed": 1}
    assert [(x["row"], x["direction"], x["amount"]) for x in r["first_rows"]] == [
        (15, "out", 10000),
        (16, "in", 3000),
    ]


def test_inspect_command_names_layout_and_problems(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("hello\nworld\n", encoding="utf-8")
    res = CliRunner().invoke(
        group,
        ["inspect", str(DATA / "td-activity.csv"), str(bad), "--layout", str(DATA / "td.toml")],
    )
    assert res.exit_code == 0, res.output
    assert "layout: TD Canada Trust activity" in res.output
    assert "date order: mdy" in res.output
    assert "notes.csv: not read: no_header" in res.output
    js = CliRunner().invoke(group, ["inspect", "--json", str(DATA / "td-activity.csv")])
    assert json.loads(js.output)[0]["problem"].startswith("no_header")  # without the layout


def test_layout_adds_aliases_status_direction_sign_and_account(tmp_path):
    lay = tmp_path / "bank.toml"
    lay.write_text(
        '[[layout]]\nname = "Some bank"\nfiles = ["acme*.csv"]\naccount = "ACME-1"\nsign = "positive_out"\n'
        'currency = "usd"\n[layout.headers]\ntime = ["Txn Stamp"]\namount = ["Amt"]\ndirection = ["Way"]\n'
        '[layout.status]\nexecuted = ["DONE"]\nnot_executed = ["VOID"]\n[layout.direction]\nin = ["DEP"]\nout = ["WDL"]\n',
        encoding="utf-8",
    )
    stmt = tmp_path / "acme-2024.csv"
    stmt.write_text(
        "Txn Stamp,Amt,Way,Status\n2024-01-01 10:00:00,5.00,DEP,DONE\n2024-01-02 10:00:00,3.00,WDL,VOID\n"
        "2024-01-03 10:00:00,2.00,WDL,DONE\n",
        encoding="utf-8",
    )
    other = tmp_path / "card.csv"  # the layout's sign convention is not applied to other files
    other.write_text("交易时间,交易金额,摘要\n2024-01-01 10:00:00,-1.00,x\n", encoding="utf-8")
    ing = read_exports([tmp_path], workers=1, layouts=[lay])
    tx = ing.transactions.set_index("source_file")
    assert tx.loc[
        "acme-2024.csv", ["direction", "amount", "account", "currency"]
    ].values.tolist() == [
        ["in", 500, "ACME-1", "USD"],
        ["out", 200, "ACME-1", "USD"],
    ]
    assert ing.rejects["code"].tolist() == ["failed_transaction"]
    assert tx.loc["card.csv", "direction"] == "out"
    files = ing.files.set_index("source_file")
    assert files.loc["acme-2024.csv", "layout"].startswith("Some bank ")
    assert files.loc["acme-2024.csv", "account_source"] == "layout"


def test_layout_positive_out_sign(tmp_path):
    lay = tmp_path / "card.toml"
    lay.write_text(
        '[[layout]]\nname = "card"\nfiles = ["card*.csv"]\nsign = "positive_out"\n',
        encoding="utf-8",
    )
    stmt = tmp_path / "card1.csv"
    stmt.write_text(
        "卡号,交易时间,交易金额\n4367,2024-01-01 10:00:00,5.00\n4367,2024-01-02 10:00:00,-3.00\n",
        encoding="utf-8",
    )
    tx = read_exports([stmt], workers=1, layouts=[lay]).transactions
    assert tx["direction"].tolist() == ["out", "in"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[layout]]\nfiles = ['x']\n", "needs a name"),
        ("[[layout]]\nname = 'x'\nsign = 'up'\n", "sign must be one of"),
        (
            "[[layout]]\nname = 'x'\n[layout.headers]\nnot_a_field = ['A']\n",
            "'not_a_field' is not a field",
        ),
        ("[[layout]]\nname = 'x'\ncolour = 'red'\n", "unknown key 'colour'"),
        ("not toml = = 1\n", "not a valid TOML layout file"),
        ("title = 'no layouts'\n", "no [[layout]] table"),
    ],
)
def test_bad_layout_files_are_named(tmp_path, text, message):
    p = tmp_path / "bad.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="bad.toml") as exc:
        load_layouts([p])
    assert message in str(exc.value)


def test_builtin_vocabulary_is_a_layout_file():
    from fundgraph.ingest import vocabulary

    builtin = load_layouts([Path(vocabulary.__file__).with_name("vocabulary.toml")])
    (lay,) = builtin.layouts
    assert lay.aliases["对方账号"] == "counterparty"
    assert "01" in lay.status_ok and "02" in lay.status_failed


def test_failed_run_writes_files_and_rejects(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.csv").write_text(
        "交易时间,交易金额,账号\n2022-01-01 10:00:00,abc,6222\n", encoding="utf-8"
    )
    (src / "bill.csv").write_text(
        "交易时间,金额,摘要\n2024-01-01 10:00:00,5.00,x\n", encoding="utf-8"
    )
    out = tmp_path / "case"
    res = CliRunner().invoke(group, ["analyze", str(src), "-o", str(out), "-q"])
    assert res.exit_code == 1
    assert (out / "files.csv").exists() and (out / "rejects.csv").exists()
    assert not (out / "case.json").exists()
    assert str(out / "rejects.csv") in res.output
    assert "bill.csv" in res.output  # named: no direction information at all
    rejects = (out / "rejects.csv").read_text(encoding="utf-8-sig")
    assert "bad_amount" in rejects and "no_direction" in rejects


def test_layout_names_where_the_own_account_is(tmp_path):
    lay = tmp_path / "labels.toml"
    lay.write_text(
        '[[layout]]\nname = "x"\nfiles = ["x*.csv"]\naccount_labels = ["Konto Nr"]\n',
        encoding="utf-8",
    )
    stmt = tmp_path / "x1.csv"
    stmt.write_text(
        "Konto Nr: DE0012345\n交易时间,交易金额,摘要\n2024-01-01 10:00:00,-1.00,x\n",
        encoding="utf-8",
    )
    assert read_exports([stmt], workers=1, layouts=[lay]).transactions["account"].tolist() == [
        "DE0012345"
    ]
    assert read_exports([stmt], workers=1).transactions["account"].tolist() == ["@x1.csv"]
