"""What the pages carry for the time window and sparklines, the pyramid's per-level limit,
the ego view's reach on a big case, and command-line errors in the command line's language."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from fundgraph.cli import group as cli
from fundgraph.errors import InputError
from fundgraph.render import view_data
from tests.render.test_views_case import CORE, FOCUS, make_case

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_html import synthetic_case  # noqa: E402


def _slot_of(data: dict, minutes: int) -> int:
    base = pd.Timestamp(data["base"])
    when = base + pd.Timedelta(minutes=minutes)
    starts = [pd.Timestamp(s) for s in data["slots"]["start"]]
    return max(k for k, s in enumerate(starts) if s <= when)


def _pairs(flat: list[int]) -> dict[int, int]:
    return {flat[k]: flat[k + 1] for k in range(0, len(flat), 2)}


def _edge_series(data: dict) -> list[dict[int, int]]:
    """Every carried edge's money per slot, as the page reads it."""
    e = data["edges"]
    out = []
    for i in range(len(e["u"])):
        flat = e["series"].get(str(i))
        out.append(
            _pairs(flat) if flat is not None else {_slot_of(data, e["first"][i]): e["amount"][i]}
        )
    return out


def _account_series(data: dict) -> dict[int, tuple[dict[int, int], dict[int, int]]]:
    """Every carried account's money in and out per slot, as the page reads it."""
    a, e = data["accounts"], data["edges"]
    per_edge = _edge_series(data)
    out = {}
    for r in range(len(a["id"])):
        own = a["series"].get(str(r))
        if own is not None:
            out[r] = (_pairs(own[0]), _pairs(own[1]))
            continue
        s_in: dict[int, int] = defaultdict(int)
        s_out: dict[int, int] = defaultdict(int)
        for i, (u, v) in enumerate(zip(e["u"], e["v"], strict=True)):
            for k, x in per_edge[i].items():
                if v == r:
                    s_in[k] += x
                if u == r:
                    s_out[k] += x
        out[r] = (dict(s_in), dict(s_out))
    return out


def _truth(case, unit: str = "month") -> tuple[dict, dict]:
    t = case.transfers
    key = t["time"].dt.to_period("M") if unit == "month" else t["time"].dt.normalize()
    return (
        t.groupby(["dst", key])["amount"].sum().to_dict(),
        t.groupby(["src", key])["amount"].sum().to_dict(),
    )


# ---------------------------------------------------------------- time slots and series
def test_slots_are_the_months_of_the_case(case):
    d = view_data(case)
    assert d["slots"] == {"unit": "month", "start": [f"2022-0{m}-01" for m in range(1, 9)]}


@pytest.mark.parametrize("view", ["overview", "pyramid", "community", "ego"])
def test_edge_series_add_up_to_the_edge_amounts(case, view):
    d = view_data(case, view=view, focus=FOCUS)
    for i, series in enumerate(_edge_series(d)):
        assert sum(series.values()) == d["edges"]["amount"][i]
        assert all(0 <= k < len(d["slots"]["start"]) for k in series)


@pytest.mark.parametrize("view", ["overview", "pyramid", "community", "ego"])
def test_account_series_are_the_accounts_money_per_month(case, view):
    d = view_data(case, view=view, focus=FOCUS)
    months = [pd.Period(s, "M") for s in d["slots"]["start"]]
    truth_in, truth_out = _truth(case)
    for r, (s_in, s_out) in _account_series(d).items():
        acct = d["accounts"]["id"][r]
        want_in = {k: truth_in[(acct, m)] for k, m in enumerate(months) if (acct, m) in truth_in}
        want_out = {k: truth_out[(acct, m)] for k, m in enumerate(months) if (acct, m) in truth_out}
        assert {k: v for k, v in s_in.items() if v} == want_in, acct
        assert {k: v for k, v in s_out.items() if v} == want_out, acct


def test_group_series_sum_over_all_members(case):
    d = view_data(case, view="pyramid")
    g = d["groups"]
    for k in range(len(g["kind"])):
        assert sum(_pairs(g["seriesIn"][k]).values()) == g["in"][k]
        assert sum(_pairs(g["seriesOut"][k]).values()) == g["out"][k]


def test_most_series_are_left_for_the_page_to_derive(big_case):
    d = view_data(big_case)
    n_edges = len(d["edges"]["u"])
    assert len(d["edges"]["series"]) < n_edges * 0.7
    assert len(d["accounts"]["series"]) < len(d["accounts"]["id"]) * 0.3


def test_a_short_case_steps_by_day(case):
    c = make_case()
    t = c.transfers
    t["time"] = pd.Timestamp("2023-06-01") + (t["time"] - t["time"].min()) / 10  # ~3 weeks
    d = view_data(c)
    assert d["slots"]["unit"] == "day"
    assert d["slots"]["start"][0] == "2023-06-01"
    assert (
        len(d["slots"]["start"])
        == (t["time"].max().normalize() - t["time"].min().normalize()).days + 1
    )
    truth_in, _ = _truth(c, "day")
    starts = [pd.Timestamp(s) for s in d["slots"]["start"]]
    series = _account_series(d)
    r = d["accounts"]["id"].index(FOCUS)
    want = {k: truth_in[(FOCUS, s)] for k, s in enumerate(starts) if (FOCUS, s) in truth_in}
    assert {k: v for k, v in series[r][0].items() if v} == want


def test_page_without_transfers_has_no_slots():
    c = make_case()
    c.transfers = c.transfers.iloc[0:0]
    d = view_data(c)
    assert d["slots"]["start"] == [] and d["edges"]["series"] == {}


# ---------------------------------------------------------------- pyramid per-level limit
def test_pyramid_per_level_limit(big_case):
    def per_level(d):
        a = d["accounts"]
        levels = [
            lv
            for lv, g, role in zip(a["level"], a["group"], a["role"], strict=True)
            if g < 0 and lv is not None and lv > 0
        ]
        return max(pd.Series(levels).value_counts())

    assert per_level(view_data(big_case, view="pyramid")) == 16
    small = view_data(big_case, view="pyramid", max_per_level=3)
    assert per_level(small) == 3
    assert sum(small["groups"]["n"]) > sum(view_data(big_case, view="pyramid")["groups"]["n"])
    with pytest.raises(InputError, match="max-per-level"):
        view_data(big_case, view="pyramid", max_per_level=0)


# ---------------------------------------------------------------- ego reach
def test_ego_reach_matches_networkx(big_case):
    focus = big_case.accounts.loc[big_case.accounts["role"] == "core", "account"].iloc[0]
    G = nx.Graph()
    t = big_case.transfers
    G.add_edges_from(zip(t["src"], t["dst"], strict=True))
    for hops in (1, 2):
        want = set(nx.single_source_shortest_path_length(G, focus, cutoff=hops))
        d = view_data(big_case, view="ego", focus=focus, hops=hops, max_nodes=20000)
        carried = set(d["accounts"]["id"])
        assert carried == want
        assert f" {len(want)} " in d["note"]


def test_ego_of_a_hub_is_quick():
    case = synthetic_case(participants=20_000, collectors=80)
    focus = case.accounts.loc[case.accounts["role"] == "core", "account"].iloc[0]
    t0 = time.perf_counter()
    d = view_data(case, view="ego", focus=focus, hops=2)
    assert time.perf_counter() - t0 < 20  # about 1 s when the machine is idle
    assert len(d["groups"]["kind"]) > 0


# ---------------------------------------------------------------- command line
@pytest.mark.parametrize(
    ("env", "words"), [("zh_CN.UTF-8", "不在本案中"), ("en_US.UTF-8", "is not in this case")]
)
def test_unknown_focus_speaks_the_command_lines_language(case_dir, tmp_path, env, words):
    runner = CliRunner(env={"LC_ALL": env, "LC_MESSAGES": "", "LANG": env})
    # the page is English, the message follows the command line
    res = runner.invoke(
        cli,
        ["render", str(case_dir), "--focus", "123", "--lang", "en", "-o", str(tmp_path / "x.html")],
    )
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0] and "123" in lines[0]


def test_cli_max_per_level(case_dir, tmp_path):
    out = tmp_path / "p.html"
    res = CliRunner().invoke(
        cli, ["render", str(case_dir), "--view", "pyramid", "--max-per-level", "1", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert CORE in html
    res = CliRunner().invoke(
        cli, ["render", str(case_dir), "--view", "pyramid", "--max-per-level", "0"]
    )
    assert res.exit_code == 2
