"""Read a folder of bank exports and show what was accepted, rejected and de-duplicated.

python examples/read_exports.py statements/
"""

import sys

from fundgraph.ingest import build_transfers, read_exports
from fundgraph.money import yuan

paths = sys.argv[1:] or ["."]
ing = read_exports(paths, lang="en")
print(f"{ing.rows_read} rows read: {ing.rows_accepted} accepted, {ing.rows_rejected} rejected")
for f in ing.files.itertuples():
    print(
        f"  {f.source_file} {f.source_sheet} [{f.encoding}] read={f.rows_read} "
        f"accepted={f.rows_accepted} rejected={f.rows_rejected}"
    )
print("rejects by reason:")
for code, n in ing.rejects["code"].value_counts().sort_index().items():
    print(f"  {code}: {n}")

transfers = build_transfers(ing.transactions)
both = int((transfers["seen"] == "both").sum())
print(f"{len(transfers)} distinct transfers ({both} seen in both parties' statements)")
for r in transfers.nlargest(5, "amount").itertuples():
    print(
        f"  {r.time:%Y-%m-%d %H:%M} {r.src or 'cash'} -> {r.dst or 'cash'} {yuan(r.amount)}  [{r.sources}]"
    )
