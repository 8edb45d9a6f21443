"""Render every interactive view of an analysed case folder.

Usage::

    python examples/render_views.py CASE_DIR [OUT_DIR] [--lang en]

Writes ``overview.html``, ``pyramid.html``, ``community.html`` and, centred on the case's
first core account, ``ego.html`` into OUT_DIR (default: CASE_DIR/views).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fundgraph.case import load_case
from fundgraph.render import render_view


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    lang = "en" if "--lang" in argv and argv[argv.index("--lang") + 1] == "en" else "zh"
    args = [a for a in args if a not in ("en", "zh")]
    if not args:
        print(__doc__)
        return 2
    case_dir = Path(args[0])
    out_dir = Path(args[1]) if len(args) > 1 else case_dir / "views"
    case = load_case(case_dir)
    for view in ("overview", "pyramid", "community"):
        print(render_view(case, out_dir / f"{view}.html", view=view, lang=lang))
    acc = case.accounts
    cores = acc.loc[acc["role"] == "core", "account"] if len(acc) else []
    focus = (
        str(cores.iloc[0]) if len(cores) else (str(acc["account"].iloc[0]) if len(acc) else None)
    )
    if focus:
        print(render_view(case, out_dir / "ego.html", view="ego", focus=focus, hops=1, lang=lang))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
