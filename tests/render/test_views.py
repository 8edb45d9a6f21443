"""The view pages without a browser: what they carry, how they fold, how the CLI calls them."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundgraph.cli import group as cli
from fundgraph.errors import InputError
from fundgraph.render import render_all, render_view, view_data
from fundgraph.render.html import esc, inline_asset, json_for_script
from fundgraph.render.layout import layered_forest, radial_forest
from fundgraph.render.views import DEFAULT_MAX_NODES
from tests.render.test_views_case import (
    COLLECTORS,
    CORE,
    FOCUS,
    HOSTILE_NAMES,
    SHOP,
    make_case,
    participant_account,
)


def _page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


def _drawn(data: dict) -> int:
    return sum(1 for g in data["accounts"]["group"] if g < 0) + len(data["groups"]["kind"])


# ---------------------------------------------------------------- html helpers
def test_esc_escapes_markup_and_quotes():
    assert esc('"onmouseover="alert(1)') == "&quot;onmouseover=&quot;alert(1)"
    assert esc("<script>") == "&lt;script&gt;"
    assert esc(None) == "" and esc(float("nan")) == ""


def test_json_for_script_cannot_close_the_script():
    probe = ["</script><script>alert(1)</script>", "<!--", "a\u2028b\u2029c", "x&y"]
    text = json_for_script(probe)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == probe


def test_inline_asset_keeps_the_license_and_refuses_unknown_names():
    js = inline_asset("vis-network.min.js")
    assert "@license" in js[:2000] and "vis-network" in js[:200]
    assert "</script" not in js.lower()
    assert inline_asset("vis-network.css").startswith(".vis")
    with pytest.raises(ValueError):
        inline_asset("../case.json")


# ---------------------------------------------------------------- page content
@pytest.mark.parametrize("view", ["overview", "pyramid", "community", "ego"])
def test_page_is_self_contained(case, tmp_path, view):
    path = render_view(case, tmp_path / "v.html", view=view, focus=FOCUS)
    html = path.read_text(encoding="utf-8")
    assert "<script src" not in html and "<link" not in html
    assert "@import" not in html and "@font-face" not in html
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "Content-Security-Policy" in html
    # data from bank files never appears as markup
    for name in HOSTILE_NAMES:
        assert name not in html
    assert "<img" not in html


def test_account_numbers_stay_strings(case, tmp_path):
    html = render_view(case, tmp_path / "o.html").read_text(encoding="utf-8")
    data = _page_data(html)
    assert f'"{CORE}"' in html
    assert all(isinstance(a, str) and len(a) == 19 for a in data["accounts"]["id"])


def test_hand_made_case_folds_as_expected(case):
    overview = view_data(case)
    # core, 3 collectors, beneficiary, shop, supplier, top 20 participants; 40 folded by collector
    assert _drawn(overview) == 30
    assert len(overview["groups"]["n"]) == 3 and sum(overview["groups"]["n"]) == 40
    pyramid = view_data(case, view="pyramid")
    assert _drawn(pyramid) == 8
    assert sorted(pyramid["groups"]["n"]) == [20, 20, 20]
    labels = [r["text"] for r in pyramid["rows"]]
    assert labels[:2] == ["资金去向", "核心层"]
    # the shop is no part of the pyramid
    assert SHOP not in pyramid["accounts"]["id"]
    community = view_data(case, view="community")
    assert _drawn(community) == 2


def test_pyramid_places_levels_on_rows_core_on_top(case):
    d = view_data(case, view="pyramid")
    a = d["accounts"]
    y = {i: a["y"][k] for k, i in enumerate(a["id"]) if a["group"][k] < 0}
    lv1 = [acc for acc, (_h, lv, _u) in COLLECTORS.items() if lv == 1]
    lv2 = [acc for acc, (_h, lv, _u) in COLLECTORS.items() if lv == 2]
    assert all(y[CORE] < y[c] for c in lv1)
    assert all(max(y[c] for c in lv1) < y[c] for c in lv2)


def test_every_view_respects_max_nodes(big_case):
    for view in ("overview", "pyramid", "community"):
        d = view_data(big_case, view=view, max_nodes=60)
        assert _drawn(d) <= 60, view
    focus = big_case.accounts.loc[big_case.accounts["role"] == "core", "account"].iloc[0]
    d = view_data(big_case, view="ego", focus=focus, hops=2, max_nodes=60)
    assert _drawn(d) <= 60
    # folded accounts still count in their groups' totals
    assert sum(view_data(big_case, view="pyramid")["groups"]["n"]) > 2500


def test_default_caps_keep_pages_summarised(big_case):
    for view, cap in DEFAULT_MAX_NODES.items():
        focus = big_case.accounts["account"].iloc[0]
        d = view_data(big_case, view=view, focus=focus)
        assert _drawn(d) <= min(cap, 2000)


def test_english_texts(case):
    d = view_data(case, lang="en")
    assert d["title"] == "Fund-flow overview"
    assert d["text"]["role.collector"] == "collector"


def test_errors_name_the_option(case, tmp_path):
    with pytest.raises(InputError, match="--focus"):
        render_view(case, tmp_path / "e.html", view="ego", focus="6222999999999999999")
    with pytest.raises(InputError):
        render_view(case, tmp_path / "e.html", view="ego")
    with pytest.raises(InputError):
        render_view(case, tmp_path / "e.html", view="sunburst")


def test_template_markers_in_data_stay_text(case, tmp_path):
    c = make_case()
    c.accounts.loc[c.accounts["account"] == CORE, "holder_name"] = "{{VIS_JS}}{{DATA}}"
    html = render_view(c, tmp_path / "m.html").read_text(encoding="utf-8")
    data = _page_data(html)
    assert "{{VIS_JS}}{{DATA}}" in data["accounts"]["name"]


def test_ego_reaches_hops(case):
    d1 = view_data(case, view="ego", focus=FOCUS, hops=1)
    d2 = view_data(case, view="ego", focus=FOCUS, hops=2)
    assert CORE in d1["accounts"]["id"]
    assert participant_account(0) in d1["accounts"]["id"]
    assert len(d2["accounts"]["id"]) > len(d1["accounts"]["id"])


def test_render_all_writes_graph_html(case, tmp_path):
    paths = render_all(case, tmp_path, "zh")
    assert paths[0] == tmp_path / "graph.html"
    assert all(p.is_file() for p in paths)
    assert "资金网络总览" in paths[0].read_text(encoding="utf-8")


# ---------------------------------------------------------------- command line
def test_cli_render_views(case_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "p.html"
    res = runner.invoke(cli, ["render", str(case_dir), "--view", "pyramid", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    res = runner.invoke(
        cli,
        [
            "render",
            str(case_dir),
            "--view",
            "ego",
            "--focus",
            FOCUS,
            "--hops",
            "1",
            "--lang",
            "en",
            "-o",
            str(tmp_path / "e.html"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Account neighbourhood" in (tmp_path / "e.html").read_text(encoding="utf-8")


def test_cli_unknown_focus_is_one_line(case_dir, tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "render",
            str(case_dir),
            "--view",
            "ego",
            "--focus",
            "123",
            "-o",
            str(tmp_path / "x.html"),
        ],
    )
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "123" in lines[0] and "Traceback" not in res.output


# ---------------------------------------------------------------- layouts
def test_layouts_are_fast_for_two_thousand_nodes():
    nodes = list(range(2000))
    parent = {n: (None if n == 0 else (n - 1) // 8) for n in nodes}
    row = {n: 0 if n == 0 else row_of(n) for n in nodes}
    t0 = time.perf_counter()
    pos = layered_forest(nodes, parent, row)
    pos2 = radial_forest(nodes, parent)
    assert time.perf_counter() - t0 < 2.0  # about 20 ms when the machine is idle
    assert len(pos) == len(pos2) == 2000
    # a parent sits above its children, in the middle of them
    assert pos[0][1] < pos[1][1]
    assert min(pos[c][0] for c in range(1, 9)) <= pos[0][0] <= max(pos[c][0] for c in range(1, 9))


def row_of(n: int) -> int:
    depth = 0
    while n:
        n = (n - 1) // 8
        depth += 1
    return depth


def test_catalogue_has_the_same_keys_in_both_languages():
    root = Path(__file__).resolve().parents[2] / "fundgraph" / "locales"
    zh = json.loads((root / "zh" / "views.json").read_text(encoding="utf-8"))
    en = json.loads((root / "en" / "views.json").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()


# ---------------------------------------------------------------- cost
def test_pages_do_not_group_the_transfers_again(big_case, tmp_path, monkeypatch):
    """Once the analysis has summed the transfers per pair of accounts (as the pipeline
    leaves the case), drawing graph.html and report.html numbers no account again, sums
    the pairs no second time, and groups or filters no table as long as the transfers:
    what is left grows with the transfers is one pass over their arrays."""
    import pandas as pd

    import fundgraph.case

    case = big_case
    pairs = case.coded().pair_edges()
    n = len(case.transfers)
    assert n > 2 * len(case.accounts)
    long_calls: list[str] = []

    def watch(cls, name):
        original = getattr(cls, name)

        def counted(self, *args, **kwargs):
            if len(self) >= n:
                long_calls.append(f"{cls.__name__}.{name}")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, counted)

    for cls, name in (
        (pd.DataFrame, "groupby"),
        (pd.Series, "groupby"),
        (pd.DataFrame, "merge"),
        (pd.DataFrame, "sort_values"),
        (pd.Series, "isin"),
        (pd.Index, "isin"),
    ):
        watch(cls, name)

    def no_new_codes(*args, **kwargs):
        raise AssertionError("the transfers were numbered again")

    monkeypatch.setattr(fundgraph.case, "code_transfers", no_new_codes)
    render_all(case, tmp_path, lang="en")
    assert long_calls == []
    assert case.coded().pair_edges() is pairs
