"""How fast does ``push_case`` write a large case? (``python benchmarks/bench_push.py``)

Builds a synthetic case of 100,000 transfers among 20,000 accounts directly as tables
(fixed seed), starts a local ArcadeDB Bolt server in a child process (or uses
``NEO4J_URI`` when set), pushes the case three times under fresh names and reports the
median rate in transfers per second, then pulls it once and checks the round trip.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fundgraph import schema as S
from fundgraph.case import Case
from fundgraph.results import CaseSummary
from fundgraph.store import delete_case, pull_case, push_case
from fundgraph.tables import conform


def synthetic_case(transfers: int = 100_000, accounts: int = 20_000, seed: int = 7) -> Case:
    """A pyramid-shaped case: participants pay collectors, collectors pay the core."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"62220{i:011d}" for i in range(accounts)], dtype=object)
    n_core, n_coll = 5, 200
    role = np.array(["participant"] * accounts, dtype=object)
    role[:n_core] = "core"
    role[n_core : n_core + n_coll] = "collector"
    level = np.where(role == "core", 0, np.where(role == "collector", 1, 2))

    src_idx = rng.integers(n_core + n_coll, accounts, transfers)
    dst_idx = rng.integers(n_core, n_core + n_coll, transfers)
    up = rng.random(transfers) < 0.2  # collectors passing money to the core
    src_idx = np.where(up, rng.integers(n_core, n_core + n_coll, transfers), src_idx)
    dst_idx = np.where(up, rng.integers(0, n_core, transfers), dst_idx)
    src = ids[src_idx].copy()
    dst = ids[dst_idx].copy()
    cash = rng.random(transfers)
    src[cash < 0.01] = S.CASH
    dst[(cash >= 0.01) & (cash < 0.02)] = S.CASH
    amount = rng.integers(100, 50_000_000, transfers)
    seconds = np.sort(rng.integers(0, 365 * 86400, transfers))
    time_ = pd.Timestamp("2022-01-01") + pd.to_timedelta(seconds, unit="s")
    order = np.lexsort((amount, dst.astype(str), src.astype(str), seconds))
    tr = pd.DataFrame(
        {
            "transfer_id": np.arange(transfers),
            "src": src[order],
            "dst": dst[order],
            "amount": amount[order],
            "time": time_[order],
            "memo": np.where(up[order], "上缴", "投资款"),
            "channel": "网银",
            "src_name": "",
            "dst_name": "",
            "src_id": "",
            "dst_id": "",
            "seen": "both",
            "sources": [f"bank.csv:{i + 2}" for i in range(transfers)],
        }
    )
    acc = pd.DataFrame(
        {
            "account": ids,
            "holder_name": [f"户名{i}" for i in range(accounts)],
            "holder_id": [f"3101011990{i:08d}" if i % 3 else "" for i in range(accounts)],
            "role": role,
            "level": level,
            "structure": 1,
            "pagerank": rng.random(accounts),
            "in_amount": rng.integers(0, 10**9, accounts),
            "out_amount": rng.integers(0, 10**9, accounts),
        }
    )
    part = acc[acc["role"] == "participant"].head(accounts // 2)
    participants = pd.DataFrame(
        {
            "account": part["account"],
            "holder_name": part["holder_name"],
            "holder_id": part["holder_id"],
            "person": part["holder_id"].where(part["holder_id"] != "", part["account"]),
            "paid_in": part["out_amount"],
            "received_back": 0,
            "net_loss": part["out_amount"],
            "first_paid": pd.Timestamp("2022-02-01 10:00:00"),
            "last_paid": pd.Timestamp("2022-09-01 10:00:00"),
        }
    )
    return Case(
        transfers=conform(tr, S.TRANSFERS),
        accounts=conform(acc, S.ACCOUNTS),
        participants=conform(participants, S.PARTICIPANTS),
        summary=CaseSummary(transfers=transfers, accounts=accounts),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=5000)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    case = synthetic_case(args.transfers, args.accounts)
    print(
        f"built {len(case.transfers):,} transfers among {len(case.accounts):,} accounts "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    server = None
    if os.environ.get("NEO4J_URI"):
        conn = {
            "uri": os.environ["NEO4J_URI"],
            "user": os.environ.get("NEO4J_USERNAME"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE"),
        }
        target = "Neo4j at NEO4J_URI"
    else:
        from fundgraph.store.server import LocalServer

        server = LocalServer(heap="4g").start()
        conn = server.connection()
        target = "local ArcadeDB (Bolt)"
    try:
        rates, names = [], []
        for run in range(args.runs):
            name = f"bench-{os.getpid()}-{run}"
            names.append(name)
            t = time.perf_counter()
            counts = push_case(case, name, batch_size=args.batch_size, **conn)
            dt = time.perf_counter() - t
            rates.append(counts["transfers"] / dt)
            print(
                f"run {run + 1}: {counts['transfers']:,} transfers in {dt:.2f} s "
                f"= {rates[-1]:,.0f} transfers/s (whole push: accounts, persons, transfers)"
            )
        t = time.perf_counter()
        again = push_case(case, names[0], batch_size=args.batch_size, **conn)
        dt = time.perf_counter() - t
        print(f"re-push (MERGE, idempotent): {again['transfers'] / dt:,.0f} transfers/s")
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            pull_case(names[0], Path(tmp), **conn)
            print(f"pull: {time.perf_counter() - t:.2f} s")
        for name in names:
            delete_case(name, **conn)
        print(
            f"median push rate to {target}: {statistics.median(rates):,.0f} transfers/s "
            f"(batch size {args.batch_size})"
        )
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
