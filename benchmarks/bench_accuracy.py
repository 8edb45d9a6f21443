"""How well the analysis recovers a generated scheme: roles, participants, money.

For each seed, size and share of obtained participant statements, generate a case, run the
whole pipeline on its exports (no HTML) and compare with the generator's ground truth:
precision / recall / F1 for scheme accounts (core, collector, transit), participants and
beneficiaries; the share of participants whose paid-in and received-back are exact to the
cent; the relative error of total absorbed, direct loss and persons; whether any noise
account (shop, employer, landlord, merchants, suppliers) was given a scheme role.

    python benchmarks/bench_accuracy.py                       # the README table
    python benchmarks/bench_accuracy.py --sizes 300 --seeds 1,2 --shares 0.3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from fundgraph.money import cents
from fundgraph.pipeline import build_case
from fundgraph.synth import generate_case

SCHEME = {"core", "collector", "transit"}


def prf(pred: set, true: set) -> tuple[float, float, float]:
    tp = len(pred & true)
    p = tp / len(pred) if pred else 1.0
    r = tp / len(true) if true else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate(participants: int, seed: int, share: float, work: Path) -> dict:
    folder = work / f"p{participants}-s{seed}-o{share}"
    truth = generate_case(folder, seed=seed, participants=participants, obtained_share=share)
    t0 = time.perf_counter()
    case = build_case([folder / "exports"], lang="en")
    secs = time.perf_counter() - t0
    acc = case.accounts.set_index("account")
    roles = acc["role"].to_dict()
    truth_roles = {a: v["role"] for a, v in truth["accounts"].items()}

    def members(mapping, wanted):
        return {a for a, r in mapping.items() if r in wanted}

    out = {"participants": participants, "seed": seed, "share": share, "seconds": secs}
    for name, wanted in (
        ("scheme", SCHEME),
        ("participant", {"participant"}),
        ("beneficiary", {"beneficiary"}),
    ):
        out[name] = prf(members(roles, wanted), members(truth_roles, wanted))
    got = case.participants.set_index("account")
    exact = 0
    for account, w in truth["participants"].items():
        if account in got.index:
            row = got.loc[account]
            if int(row["paid_in"]) == cents(w["paid_in"]) and int(row["received_back"]) == cents(
                w["received_back"]
            ):
                exact += 1
    out["exact_share"] = exact / max(len(truth["participants"]), 1)
    s = case.summary

    def rel(a, b):
        a, b = Decimal(str(a)), Decimal(str(b))
        return float(abs(a - b) / b) if b else float(a != b)

    out["absorbed_err"] = rel(Decimal(s.total_absorbed) / 100, truth["total_absorbed"])
    out["loss_err"] = rel(Decimal(s.direct_loss) / 100, truth["direct_loss"])
    out["persons_err"] = rel(s.participant_persons, truth["participant_persons"])
    noise = {a for group in truth["noise"].values() for a in group}
    out["noise_flagged"] = sorted(a for a in noise if roles.get(a, "other") not in ("other", ""))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,300,1000")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--shares", default="0.1,0.3,0.6")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in map(int, args.sizes.split(",")):
            for share in map(float, args.shares.split(",")):
                for seed in map(int, args.seeds.split(",")):
                    r = evaluate(size, seed, share, Path(tmp))
                    rows.append(r)
                    print(
                        f"participants={size} share={share} seed={seed}: scheme F1 {r['scheme'][2]:.3f}, "
                        f"participant F1 {r['participant'][2]:.3f}, exact {r['exact_share']:.3f}, "
                        f"noise flagged {len(r['noise_flagged'])}",
                        file=sys.stderr,
                    )
    print(
        "| participants | obtained share | runs | scheme P / R / F1 | participant P / R / F1 "
        "| beneficiary F1 | paid-in & received-back exact | absorbed error | direct-loss error "
        "| persons error | noise accounts flagged |"
    )
    print("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["participants"], r["share"]), []).append(r)
    for (size, share), rs in groups.items():

        def m(key, i=None, rs=rs):
            return statistics.mean(r[key][i] if i is not None else r[key] for r in rs)

        print(
            f"| {size} | {share:.0%} | {len(rs)} | {m('scheme', 0):.3f} / {m('scheme', 1):.3f} / "
            f"{m('scheme', 2):.3f} | {m('participant', 0):.3f} / {m('participant', 1):.3f} / "
            f"{m('participant', 2):.3f} | {m('beneficiary', 2):.3f} | {m('exact_share'):.1%} "
            f"| {max(r['absorbed_err'] for r in rs):.3%} | {max(r['loss_err'] for r in rs):.3%} "
            f"| {max(r['persons_err'] for r in rs):.2%} | {sum(len(r['noise_flagged']) for r in rs)} |"
        )


if __name__ == "__main__":
    main()
