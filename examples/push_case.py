"""Push an analysed case to Neo4j, run the investigator queries on it, pull it back.

Usage::

    export NEO4J_URI=neo4j://localhost:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=...
    python examples/push_case.py out/ --case demo

    # no Neo4j at hand: a throw-away local ArcadeDB server speaking Bolt
    python examples/push_case.py out/ --case demo --local

``out/`` is a folder written by ``fundgraph analyze`` (or ``fundgraph demo``). The
queries are the files in ``examples/cypher/``; paste them into Neo4j Browser after
``:param case => 'demo'``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import neo4j

from fundgraph.case import load_case
from fundgraph.store import pull_case, push_case

CYPHER = Path(__file__).resolve().parent / "cypher"


def read_query(path: Path) -> str:
    """The statement of a ``.cypher`` file without its comment lines and final ``;``."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("//")]
    return "\n".join(lines).strip().rstrip(";")


def run_queries(conn: dict, case_name: str, case_dir: Path) -> None:
    case = load_case(case_dir)
    participants = case.participants["account"].tolist()
    structures = case.accounts["structure"].dropna().tolist()
    params = {
        "case": case_name,
        "account": participants[0] if participants else "",
        "structure": int(structures[0]) if structures else 0,
    }
    auth = (conn["user"], conn["password"])
    with neo4j.GraphDatabase.driver(conn["uri"], auth=auth) as driver:
        for path in sorted(CYPHER.glob("*.cypher")):
            statement = read_query(path)
            wanted = set(re.findall(r"\$([A-Za-z_]+)", statement))
            records, _, _ = driver.execute_query(
                statement, {k: params[k] for k in wanted}, database_=conn["database"]
            )
            print(f"\n== {path.stem} ({', '.join(f'{k}={params[k]!r}' for k in sorted(wanted))})")
            for record in records[:5]:
                print("  ", dict(record))
            if len(records) > 5:
                print(f"   ... {len(records) - 5} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Push a case to Neo4j and query it.")
    parser.add_argument("case_dir", type=Path, help="an analysed case folder")
    parser.add_argument("--case", default="example", help="case name in the database")
    parser.add_argument("--local", action="store_true", help="use a local ArcadeDB server")
    args = parser.parse_args(argv)

    server = None
    if args.local:
        from fundgraph.store.server import LocalServer

        server = LocalServer().start()
        conn = server.connection()
    else:
        conn = {
            "uri": os.environ.get("NEO4J_URI"),
            "user": os.environ.get("NEO4J_USERNAME", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD"),
            "database": os.environ.get("NEO4J_DATABASE"),
        }
    try:
        counts = push_case(args.case_dir, args.case, replace=True, **conn)
        print(f"pushed {args.case!r}: {counts}")
        run_queries(conn, args.case, args.case_dir)
        with tempfile.TemporaryDirectory() as tmp:
            out = pull_case(args.case, Path(tmp) / "pulled", **conn)
            print(f"\npulled back into {out}: {sorted(p.name for p in out.iterdir())}")
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
