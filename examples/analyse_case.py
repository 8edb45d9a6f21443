"""Analyse a folder of exports and print who runs, collects for and paid into the scheme.

python examples/analyse_case.py statements/ case-folder/
"""

import sys

from fundgraph.money import format_cny
from fundgraph.pipeline import build_case, write_case

exports, out = sys.argv[1], sys.argv[2]
case = build_case([exports], lang="en")
write_case(case, out, html=False)

s = case.summary
print(
    f"absorbed {format_cny(int(s['total_absorbed'] * 100), 'en')} from "
    f"{s['participant_persons']} persons; direct loss {format_cny(int(s['direct_loss'] * 100), 'en')}"
)
for th in s["thresholds"]:
    print(
        f"  {th['law']} {th['clause']}: {th['metric']} = {th['value']} (threshold {th['threshold']}) "
        f"{'MET' if th['met'] else 'not met'}"
    )

acc = case.accounts
for role in ("core", "collector", "transit"):
    rows = acc[acc["role"] == role].sort_values("in_amount", ascending=False)
    print(f"{role}: {len(rows)}")
    for r in rows.head(5).itertuples():
        print(f"  level {r.level}  {r.account} {r.holder_name}  in {format_cny(r.in_amount, 'en')}")

worst = case.participants.nlargest(5, "net_loss")
print("largest losses:")
for r in worst.itertuples():
    print(
        f"  {r.holder_name} ({r.person}) paid {format_cny(r.paid_in, 'en')}, "
        f"got back {format_cny(r.received_back, 'en')}, lost {format_cny(r.net_loss, 'en')}"
    )
