"""``python -m fundgraph``: the command line (installed from ``cli/`` as ``fundgraph.cli``)."""

import sys

try:
    from fundgraph.cli import main
except ModuleNotFoundError as exc:
    if exc.name != "fundgraph.cli":
        raise
    # a checkout that was not installed: cli/ is mapped to fundgraph.cli only by the install
    sys.exit("fundgraph: the command line is not installed; run `pip install -e .` first")

main()
