"""fundgraph: fund-flow analysis of bank statements for illegal-fundraising investigations.

The stages, each a plain function over plain objects::

    read_exports(paths)      -> Ingested (transactions, rejects, files, warnings)
    build_transfers(txns)    -> transfers table (one row per distinct transfer)
    flow_graph(transfers)    -> networkx.DiGraph (amounts in cents)
    analyze_case(case)       -> roles, levels, participants, structures, thresholds, alerts
    write_case_data / render -> the case folder
"""

from .case import Case, load_case
from .errors import CaseError, FundgraphError, InputError, StoreError
from .graph import flow_graph, transfer_multigraph
from .schema import CASH

__version__ = "0.1.0"

__all__ = [
    "CASH",
    "Case",
    "CaseError",
    "FundgraphError",
    "InputError",
    "StoreError",
    "flow_graph",
    "load_case",
    "transfer_multigraph",
    "__version__",
]
