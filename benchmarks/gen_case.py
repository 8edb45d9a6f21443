"""Generate a synthetic case of a given size for benchmarks.

Usage::

    python benchmarks/gen_case.py OUT_DIR --rows 1000000 [--seed 0]
    python benchmarks/gen_case.py OUT_DIR --participants 300
"""

from __future__ import annotations

import argparse
import time

from fundgraph.synth import generate_case


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--rows", type=int, default=None, help="about this many statement rows")
    ap.add_argument("--participants", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--obtained-share", type=float, default=0.3)
    ap.add_argument("--months", type=int, default=18)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    truth = generate_case(
        args.out_dir,
        seed=args.seed,
        participants=args.participants,
        obtained_share=args.obtained_share,
        months=args.months,
        scale_rows=args.rows,
    )
    took = time.perf_counter() - t0
    print(
        f"{truth['rows_read']} rows in {len(truth['files'])} files/sheets, "
        f"{truth['transfers']} transfers, {truth['params']['participants']} participants, "
        f"{took:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
