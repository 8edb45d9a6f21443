"""Helpers with one implementation serving several callers: exact splits, progress lines,
catalogue look-ups with a default, atomic writes."""

from __future__ import annotations

import io
import os

import numpy as np
import pandas as pd
import pytest

from fundgraph.analysis import restitution_plan
from fundgraph.analysis.tracing import split_largest_remainder as tracing_split
from fundgraph.i18n import t, t_or
from fundgraph.money import split_largest_remainder
from fundgraph.progress import Progress
from fundgraph.tables import atomic_path, atomic_write_text, write_parquet


@pytest.mark.parametrize("seed", range(30))
def test_split_sums_exactly(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))  # both the loop (<= 32 parts) and the vectorised path
    weights = rng.integers(0, 10**6, n).tolist()
    weights[0] += 1
    total = int(rng.integers(0, 10**7))
    parts = split_largest_remainder(weights, total)
    assert sum(parts) == total
    exact = [w * total / sum(weights) for w in weights]
    assert all(abs(p - e) < 1 for p, e in zip(parts, exact, strict=True))
    ties = rng.permutation(n).tolist()
    tied = split_largest_remainder(weights, total, ties=ties)
    assert sum(tied) == total
    assert all(abs(p - q) <= 1 for p, q in zip(parts, tied, strict=True))


def test_split_ties_and_old_name():
    assert tracing_split is split_largest_remainder
    assert split_largest_remainder([1, 1, 1], 2) == [1, 1, 0]
    assert split_largest_remainder([1, 1, 1], 2, ties=[1, 2, 0]) == [1, 0, 1]
    with pytest.raises(ValueError):
        split_largest_remainder([0, 0], 5)


def test_restitution_ties_go_to_the_larger_loss_then_the_person():
    p = pd.DataFrame(
        {
            "account": ["a", "b", "c", "d"],
            "person": ["D", "C", "B", "A"],
            "holder_name": "",
            "paid_in": [200, 200, 100, 100],
            "received_back": 0,
            "net_loss": [200, 200, 100, 100],
        }
    )
    plan = restitution_plan(p, 3).set_index("person")["recovered_share"]
    # exact shares 1, 1, 0.5, 0.5: the cent left over goes to A (smaller loss ties: person)
    assert plan.to_dict() == {"C": 1, "D": 1, "A": 1, "B": 0}


def test_progress_line_is_rewritten_in_place_and_ended_once():
    out = io.StringIO()
    p = Progress(enabled=True, stream=out)
    p.line("accounts: 1/2")
    p.line("accounts: 2/2")
    p.done()
    p.done()
    assert out.getvalue() == "\raccounts: 1/2\x1b[K\raccounts: 2/2\x1b[K\n"
    quiet = io.StringIO()
    Progress(enabled=False, stream=quiet).line("x")
    assert quiet.getvalue() == ""


def test_progress_stage_names_from_the_catalogue():
    out = io.StringIO()
    p = Progress(enabled=True, stream=out, lang="en")
    p.stage("no-such-stage")
    p.done()
    assert out.getvalue().startswith("no-such-stage …\r\x1b[Kno-such-stage ✓ ")


def test_t_or():
    assert t_or("role.core", "zh", "x") == t("role.core", "zh")
    assert t_or("no.such.key", "en", "as it is {x}", x=1) == "as it is {x}"
    assert t_or("alert.fan_in", "en", "", n=3, days=30) == t("alert.fan_in", "en", n=3, days=30)


def test_atomic_path_leaves_nothing_behind(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            with open(tmp, "w") as fh:
                fh.write("half")
            raise RuntimeError("killed")
    assert not target.exists() and os.listdir(target.parent) == []
    atomic_write_text(target, "whole", bom=True)
    assert target.read_bytes() == "\ufeffwhole".encode()
    write_parquet(pd.DataFrame({"a": [1]}), tmp_path / "t.parquet")
    assert pd.read_parquet(tmp_path / "t.parquet")["a"].tolist() == [1]
    assert sorted(os.listdir(tmp_path)) == ["sub", "t.parquet"]
