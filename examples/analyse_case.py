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
    f"absorbed {format_cny(s.total_absorbed, 'en')} from "
    f"{s.participant_persons} persons; direct loss {format_cny(s.direct_loss, 'en')}"
)
for th in s.thresholds:
    value, threshold = (
        (format_cny(th.value, "en"), format_cny(th.threshold, "en"))
        if th.money
        else (th.value, th.threshold)
    )
    print(
        f"  {th.law('en')} {th.clause('en')}: {th.metric} = {value} (threshold {threshold}) "
        f"{'MET' if th.met else 'not met'}"
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
