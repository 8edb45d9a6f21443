"""Where did a collector's money go? Follow it forward, first in first out.

Usage::

    python examples/trace_money.py CASE_DIR [ACCOUNT]

CASE_DIR is a folder written by ``fundgraph analyze``. Without ACCOUNT, the collector that
received the most money is traced.
"""

import sys

from fundgraph import load_case
from fundgraph.analysis.tracing import resolve_account, trace_destinations, trace_forward
from fundgraph.money import format_cny

case = load_case(sys.argv[1])
if len(sys.argv) > 2:
    account = resolve_account(case, sys.argv[2])
else:
    collectors = case.accounts[case.accounts["role"] == "collector"]
    if collectors.empty:
        sys.exit("no collector in this case: give an account")
    account = collectors.sort_values(["in_amount", "account"]).iloc[-1]["account"]

paths = trace_forward(case, account, method="fifo")
print(f"{account}: {format_cny(paths.attrs['traced'], 'en')} traced, {len(paths)} paths")
for row in trace_destinations(paths, top=15).itertuples():
    where = row.end or "cash"
    print(f"{format_cny(row.amount, 'en'):>18}  {row.share:6.1%}  {where}  ({row.end_kind})")
print()
print("largest paths:")
for row in paths.head(5).itertuples():
    print(f"{format_cny(row.amount, 'en'):>18}  {row.path}")
