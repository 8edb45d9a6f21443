"""Render the report of an analysed case folder.

Usage::

    python examples/make_report.py CASE_DIR [zh|en] [OUT_FILE]

Writes ``CASE_DIR/report.html`` (or ``OUT_FILE``) and prints its path. Open it in a
browser by double-clicking; it needs no server and no network, and prints to PDF.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fundgraph.case import load_case
from fundgraph.errors import FundgraphError
from fundgraph.render.report import render_report


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    case_dir = Path(argv[0])
    lang = argv[1] if len(argv) > 1 else None
    out = Path(argv[2]) if len(argv) > 2 else case_dir / "report.html"
    try:
        case = load_case(case_dir)
        path = render_report(case, out, lang=lang or case.lang or "zh")
    except (FundgraphError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
