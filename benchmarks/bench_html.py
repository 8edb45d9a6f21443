"""Benchmark: render the overview of a large case and time it in headless Chromium.

Builds a case with numpy (default: 50,000 participant accounts, 200 collectors on two
levels, 2 core accounts, beneficiaries, shops and their customers), renders each view,
and prints the file size, the Python time and the time until the page's first drawn
frame (``performance.now()`` at vis-network's first ``afterDrawing``).

Targets: file < 10 MB, first usable frame < 5 s.

Usage::

    python benchmarks/bench_html.py [--participants 50000] [--collectors 200] [--views overview,pyramid]
    python benchmarks/bench_html.py --case benchmarks/work/case-1000000-s11/out0
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fundgraph.case import Case
from fundgraph.render import render_view
from fundgraph.results import CaseSummary

CHROMIUM = "/usr/bin/chromium"


def synthetic_case(participants: int = 50_000, collectors: int = 200, seed: int = 1) -> Case:
    """A large case: participants pay collectors, collectors pay up to the core, the core
    pays returns and beneficiaries; a few shops with customers sit beside the scheme."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2021-01-01T00:00:00")
    span = 600 * 24 * 3600

    def acct(prefix: int, n: int) -> np.ndarray:
        return np.array([f"62{prefix:03d}{i:014d}" for i in range(n)], dtype=object)

    core = acct(1, 2)
    lv1 = acct(2, collectors // 5)
    lv2 = acct(3, collectors - len(lv1))
    part = acct(4, participants)
    benef = acct(5, 30)
    shops = acct(6, 20)
    customers = acct(7, participants // 10)

    src, dst, amt, tm = [], [], [], []

    def add(s, d, a, t):
        src.append(s)
        dst.append(d)
        amt.append(np.asarray(a, dtype="int64"))
        tm.append(np.asarray(t, dtype="int64"))

    upper = rng.integers(0, len(lv1), len(lv2))
    add(lv2, lv1[upper], rng.integers(10**8, 10**9, len(lv2)), rng.integers(0, span, len(lv2)))
    add(
        lv1,
        core[rng.integers(0, 2, len(lv1))],
        rng.integers(10**9, 10**10, len(lv1)),
        rng.integers(0, span, len(lv1)),
    )
    # each participant pays 1-3 times into a collector (round sums of 1-10万)
    k = rng.integers(1, 4, participants)
    who = np.repeat(np.arange(participants), k)
    col = np.concatenate([lv1, lv2])[rng.integers(0, collectors, participants)][who]
    add(part[who], col, rng.integers(1, 11, len(who)) * 1_000_000, rng.integers(0, span, len(who)))
    # returns from the core to a third of them
    back = rng.choice(participants, participants // 3, replace=False)
    add(
        core[rng.integers(0, 2, len(back))],
        part[back],
        rng.integers(10_000, 500_000, len(back)),
        rng.integers(0, span, len(back)),
    )
    add(
        core[rng.integers(0, 2, len(benef))],
        benef,
        rng.integers(10**8, 10**10, len(benef)),
        rng.integers(0, span, len(benef)),
    )
    # shops: customers pay small sums
    c = rng.integers(0, len(customers), participants)
    add(
        customers[c],
        shops[rng.integers(0, len(shops), participants)],
        rng.integers(1_000, 50_000, participants),
        rng.integers(0, span, participants),
    )

    tr = pd.DataFrame(
        {
            "src": np.concatenate(src),
            "dst": np.concatenate(dst),
            "amount": np.concatenate(amt),
            "time": base + np.concatenate(tm).astype("timedelta64[s]"),
        }
    )
    tr["time"] = pd.to_datetime(tr["time"]).astype("datetime64[ns]")
    tr = tr.sort_values(["time", "src", "dst"], kind="stable").reset_index(drop=True)
    tr["transfer_id"] = np.arange(len(tr))
    for col_name in ("memo", "channel", "src_name", "dst_name", "src_id", "dst_id", "sources"):
        tr[col_name] = ""
    tr["seen"] = "both"

    role = {}
    level = {}
    for a in core:
        role[a], level[a] = "core", 0
    for a in lv1:
        role[a], level[a] = "collector", 1
    for a in lv2:
        role[a], level[a] = "collector", 2
    for a in benef:
        role[a] = "beneficiary"
    accounts = pd.Index(pd.unique(pd.concat([tr["src"], tr["dst"]]))).sort_values()
    acc = pd.DataFrame({"account": accounts.astype(str)})
    acc["role"] = acc["account"].map(role).fillna("other")
    acc.loc[acc["account"].str.startswith("62004"), "role"] = "participant"
    acc["level"] = acc["account"].map(level).astype("Int64")
    acc.loc[acc["role"] == "participant", "level"] = 3
    acc["structure"] = acc["level"].notna().map({True: 0, False: pd.NA}).astype("Int64")
    acc["community"] = (acc["role"] == "other").astype("int64")
    names = np.array(["张", "王", "李", "赵", "刘", "陈"])
    acc["holder_name"] = names[np.arange(len(acc)) % len(names)] + pd.Series(
        np.arange(len(acc))
    ).astype(str)
    acc["aliases"] = ""
    g_in = tr.groupby("dst")["amount"].agg(["sum", "size"])
    g_out = tr.groupby("src")["amount"].agg(["sum", "size"])
    acc["in_amount"] = acc["account"].map(g_in["sum"]).fillna(0).astype("int64")
    acc["out_amount"] = acc["account"].map(g_out["sum"]).fillna(0).astype("int64")
    acc["in_count"] = acc["account"].map(g_in["size"]).fillna(0).astype("int64")
    acc["out_count"] = acc["account"].map(g_out["size"]).fillna(0).astype("int64")
    tot = acc["in_amount"] + acc["out_amount"]
    acc["pagerank"] = tot / tot.sum()
    both = pd.concat(
        [
            tr[["src", "time"]].rename(columns={"src": "a"}),
            tr[["dst", "time"]].rename(columns={"dst": "a"}),
        ]
    )
    t = both.groupby("a")["time"]
    acc["first_time"] = acc["account"].map(t.min())
    acc["last_time"] = acc["account"].map(t.max())
    case = Case(transfers=tr, accounts=acc)
    case.summary = CaseSummary(participant_persons=participants, max_level=3)
    return case


def first_frame_ms(path: Path) -> tuple[float, int]:
    """(ms until the first frame, nodes drawn) in headless Chromium."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.fundgraph && window.fundgraph.ready", timeout=120_000)
        ms = page.evaluate("window.fundgraph.readyAt")
        nodes = page.evaluate("window.fundgraph.nodes.length")
        browser.close()
    return float(ms), int(nodes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=50_000)
    ap.add_argument("--collectors", type=int, default=200)
    ap.add_argument("--views", default="overview,pyramid,community")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument(
        "--case",
        type=Path,
        help="render this analysed case folder instead (e.g. the 1M-row case of bench_analyze.py)",
    )
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.case:
        from fundgraph.case import load_case

        case = load_case(args.case)
    else:
        case = synthetic_case(args.participants, args.collectors)
    print(
        f"case: {len(case.accounts):,} accounts, {len(case.transfers):,} transfers "
        f"(built in {time.perf_counter() - t0:.1f} s)"
    )
    out = Path(tempfile.mkdtemp(prefix="fundgraph-bench-"))
    for view in args.views.split(","):
        t0 = time.perf_counter()
        path = render_view(case, out / f"{view}.html", view=view)
        py_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        line = f"{view:10s} render {py_s:6.2f} s   size {size_mb:6.2f} MB"
        if not args.no_browser:
            ms, nodes = first_frame_ms(path)
            line += f"   first frame {ms / 1000:5.2f} s   nodes drawn {nodes}"
        ok = size_mb < 10 and (args.no_browser or ms < 5000)
        print(line + ("   ok" if ok else "   OVER TARGET"))
    print(f"pages in {out}")


if __name__ == "__main__":
    main()
