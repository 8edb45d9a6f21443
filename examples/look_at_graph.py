"""Load an analysed case and explore its fund-flow graph with networkx.

python examples/look_at_graph.py case-folder/
"""

import sys

import networkx as nx

from fundgraph import flow_graph, load_case
from fundgraph.money import format_cny

case = load_case(sys.argv[1])
G = flow_graph(case.transfers, case.accounts)
print(
    f"{G.number_of_nodes()} accounts, {G.number_of_edges()} account pairs with money between them"
)

# who receives from the most distinct accounts (fan-in)
fan_in = sorted(G.in_degree(), key=lambda kv: (-kv[1], kv[0]))[:5]
for account, k in fan_in:
    node = G.nodes[account]
    print(
        f"  {account} {node.get('holder_name', '')} [{node.get('role', '')}] "
        f"receives from {k} accounts, {format_cny(sum(d['amount'] for _, _, d in G.in_edges(account, data=True)), 'en')}"
    )

# the way the money of one participant climbs to the core
core = [n for n, d in G.nodes(data=True) if d.get("role") == "core"]
participants = case.participants.sort_values("paid_in", ascending=False)["account"].tolist()
if core and participants:
    for p in participants[:3]:
        try:
            path = min((nx.shortest_path(G, p, c) for c in core if nx.has_path(G, p, c)), key=len)
        except ValueError:
            continue
        print("  " + " -> ".join(f"{a}({G.nodes[a].get('role', '')})" for a in path))
