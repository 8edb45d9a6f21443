"""Speed and memory of ``fundgraph analyze`` against the floor of a plain pandas read.

For each size: generate a synthetic case once (cached under the work folder), then run
``fundgraph analyze`` and ``floor_read.py`` on the same files under ``/usr/bin/time -v``
``--runs`` times each; report medians of wall time and peak RSS, the per-stage seconds
``analyze`` records, the ratio to the floor, and the fitted exponent of time vs rows.

    python benchmarks/bench_analyze.py --sizes 100k,1m --runs 3
    python benchmarks/bench_analyze.py --sizes 5m --runs 1 --no-html
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rows(text: str) -> int:
    text = text.lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}
    return int(float(text[:-1]) * mult[text[-1]]) if text[-1] in mult else int(text)


def _timed(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd`` under /usr/bin/time -v: wall seconds, peak RSS (MiB)."""
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return {"wall": wall, "rss_mib": int(rss.group(1)) / 1024 if rss else float("nan")}


def generate(work: Path, rows: int, seed: int) -> tuple[Path, dict]:
    from fundgraph.synth import generate_case, participants_for_rows

    folder = work / f"case-{rows}-s{seed}"
    truth_path = folder / "truth.json"
    if truth_path.exists():
        return folder, json.loads(truth_path.read_text(encoding="utf-8"))
    n = participants_for_rows(rows, seed=seed)
    t0 = time.perf_counter()
    truth = generate_case(folder, seed=seed, participants=n, scale_rows=rows)
    print(
        f"  generated {truth['rows_read']} rows, {n} participants in {time.perf_counter() - t0:.0f}s",
        file=sys.stderr,
    )
    return folder, truth


def bench_size(work: Path, rows: int, runs: int, seed: int, html: bool) -> dict:
    folder, truth = generate(work, rows, seed)
    exports = folder / "exports"
    files = sum(1 for p in exports.rglob("*") if p.is_file())
    floor, full, stages, peaks = [], [], [], []
    for i in range(runs):
        floor.append(_timed([sys.executable, str(HERE / "floor_read.py"), str(exports)]))
        out = folder / f"out{i}"
        timings = folder / f"timings{i}.json"
        cmd = [
            sys.executable,
            "-m",
            "fundgraph",
            "analyze",
            str(exports),
            "-o",
            str(out),
            "--quiet",
            "--timings",
            str(timings),
        ]
        if not html:
            cmd.append("--no-html")
        full.append(_timed(cmd))
        doc = json.loads(timings.read_text())
        peaks.append(doc.pop("peak_rss_mib", {}))
        stages.append(doc)
        print(
            f"  run {i + 1}: analyze {full[-1]['wall']:.1f}s {full[-1]['rss_mib']:.0f} MiB; "
            f"floor {floor[-1]['wall']:.1f}s",
            file=sys.stderr,
        )
    med = statistics.median
    stage_names = sorted(
        {k for s in stages for k in s},
        key=lambda k: list(stages[0]).index(k) if k in stages[0] else 99,
    )
    return {
        "rows": truth["rows_read"],
        "files": files,
        "analyze_s": med(r["wall"] for r in full),
        "analyze_rss_mib": med(r["rss_mib"] for r in full),
        "floor_s": med(r["wall"] for r in floor),
        "floor_rss_mib": med(r["rss_mib"] for r in floor),
        "stages_s": {k: med(s.get(k, 0.0) for s in stages) for k in stage_names},
        "peak_rss_after_stage_mib": {
            k: med(p.get(k, 0.0) for p in peaks) for k in stage_names if k in peaks[0]
        },
        "runs": runs,
    }


def exponent(results: list[dict]) -> float | None:
    pts = [(math.log(r["rows"]), math.log(r["analyze_s"])) for r in results]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def table(results: list[dict]) -> str:
    lines = [
        "| rows | files | analyze (median) | peak RSS | floor: pandas read | ratio | stages (median s) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        top = {k: v for k, v in r["stages_s"].items() if "." not in k}
        st = ", ".join(f"{k} {v:.1f}" for k, v in top.items())
        lines.append(
            f"| {r['rows']:,} | {r['files']:,} | {r['analyze_s']:.1f} s | {r['analyze_rss_mib'] / 1024:.2f} GiB "
            f"| {r['floor_s']:.1f} s | {r['analyze_s'] / r['floor_s']:.1f}× | {st} |"
        )
    for r in results:
        sub = {k: v for k, v in r["stages_s"].items() if "." in k}
        peak = r.get("peak_rss_after_stage_mib", {})
        lines.append("")
        lines.append(
            f"{r['rows']:,} rows: "
            + ", ".join(f"{k} {v:.1f} s" for k, v in sub.items())
            + "; peak RSS after each stage (GiB): "
            + ", ".join(f"{k} {v / 1024:.2f}" for k, v in peak.items())
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default="100k,1m", help="comma-separated row counts, e.g. 100k,1m,5m"
    )
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--no-html", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.sizes.split(","):
        print(f"size {size}", file=sys.stderr)
        results.append(bench_size(args.work, _rows(size), args.runs, args.seed, not args.no_html))
    import pandas as pd

    import fundgraph

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pandas {pd.__version__}, fundgraph {fundgraph.__version__}, {time.strftime('%Y-%m-%d')}"
    )
    print(table(results))
    k = exponent(results)
    if k is not None:
        print(f"fitted exponent of time vs rows: {k:.2f}")
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "exponent": k}, indent=2), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
