"""How fast does ``fundgraph screen`` rank a regional feed? (``python benchmarks/bench_screen.py``)

Generates a feed of ``--rows`` statement rows (default 1,000,000) as Parquet partitions of
the canonical transactions table (fixed seed): every transfer between two accounts of the
region appears in both statements. Ordinary traffic — shops with many small customer
payments that pay suppliers weekly, employers paying monthly salaries, landlords
collecting monthly rent, transfers between persons, cash — surrounds four hidden schemes
of different kinds:

* ``ponzi``: participants pay collectors odd tier sums (20,666 / 50,888 / 9,980 …),
  collectors forward within hours to the core, the core pays 2 to 6 monthly returns;
* ``pyramid``: members pay a 3,980 membership fee to their leader, who passes 3,000 of it
  up to the organiser within hours;
* ``fraud``: round sums (5万 / 10万) to salespeople, forwarded daily to the core, no returns;
* ``platform``: a merchant account takes 1,980 / 3,980 / 5,980 from many payers, pays
  2 to 6 monthly rebates and forwards the rest to its operator.

How many collectors, participants and payouts each scheme has is drawn from ranges (with
the seed), not set to the ranking's thresholds: some participants get fewer payouts than
``periodic_payouts`` needs, some collectors fewer payers than the others.

Then screens it on a local cluster of 2 worker processes (``--runs`` times) and reports wall
time, rows per second, and where each scheme's core and collectors rank (recall in the top
100 and the top 1,000), and how many ordinary shop, employer or landlord accounts are in
the top 100, and the peak memory of each worker and of this process (the client, where
the ranking runs). ``--dir D --generate-only`` writes the feed once (in a process of its
own, so its memory is not the client's); a later run with ``--dir D`` and the same
``--rows`` screens that feed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

START = np.datetime64("2024-01-01T00:00:00")
DAYS = 180
SECONDS = DAYS * 86400


class _Feed:
    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.src: list[np.ndarray] = []
        self.dst: list[np.ndarray] = []
        self.amount: list[np.ndarray] = []
        self.t: list[np.ndarray] = []

    def add(self, src, dst, amount, t) -> None:
        n = len(np.atleast_1d(t))
        self.src.append(np.broadcast_to(np.asarray(src, dtype=np.int64), (n,)).copy())
        self.dst.append(np.broadcast_to(np.asarray(dst, dtype=np.int64), (n,)).copy())
        self.amount.append(np.broadcast_to(np.asarray(amount, dtype=np.int64), (n,)).copy())
        self.t.append(np.broadcast_to(np.asarray(t, dtype=np.int64), (n,)).copy())

    def size(self) -> int:
        return sum(len(x) for x in self.t)


def generate(rows: int, seed: int = 11) -> tuple[pd.DataFrame, dict]:
    """Transfers of the feed (integer account codes) and the truth of the hidden schemes."""
    rng = np.random.default_rng(seed)
    transfers = int(rows / 1.9)  # cash and one-sided rows: a little more than half the rows
    persons = max(2_000, transfers // 5)
    f = _Feed(rng)
    next_id = persons  # organisations and scheme accounts come after the persons
    kinds: dict[int, str] = {}

    def new(kind: str) -> int:
        nonlocal next_id
        kinds[next_id] = kind
        next_id += 1
        return next_id - 1

    truth = {}
    scale = max(1, transfers // 500_000)
    # ---- ponzi
    core = new("company_keyword")
    collectors = [new("person_scheme") for _ in range(int(rng.integers(6, 13)))]
    participants = rng.choice(persons, int(rng.integers(400, 800)) * scale, replace=False)
    tiers = np.array([2_066_600, 5_088_800, 998_000, 3_066_600])
    for p in participants:
        c = collectors[int(p) % len(collectors)]
        k = 1 + int(rng.integers(0, 3))
        ts = rng.integers(0, 90 * 86400, k)
        amt = tiers[rng.integers(0, len(tiers), k)]
        f.add(p, c, amt, ts)
        f.add(c, core, amt, ts + rng.integers(1800, 6 * 3600, k))
        for month in range(1, 1 + int(rng.integers(2, 7))):  # 2 to 6 monthly returns
            f.add(core, p, amt // int(rng.integers(40, 100)), ts + month * 30 * 86400)
    truth["ponzi"] = {"core": [core], "collectors": collectors}
    # ---- pyramid
    organiser = new("person_scheme")
    leaders = [new("person_scheme") for _ in range(int(rng.integers(6, 15)))]
    members = rng.choice(persons, int(rng.integers(250, 550)) * scale, replace=False)
    for m in members:
        lead = leaders[int(m) % len(leaders)]
        ts = int(rng.integers(0, 150 * 86400))
        f.add(m, lead, 398_000, ts)
        f.add(lead, organiser, 300_000, ts + int(rng.integers(600, 8 * 3600)))
    truth["pyramid"] = {"core": [organiser], "collectors": leaders}
    # ---- fraud without returns
    fcore = new("company")
    sales = [new("person_scheme") for _ in range(int(rng.integers(3, 9)))]
    victims = rng.choice(persons, int(rng.integers(200, 400)) * scale, replace=False)
    controllers = [new("person_scheme") for _ in range(2)]
    for v in victims:
        s = sales[int(v) % len(sales)]
        ts = int(rng.integers(30 * 86400, 120 * 86400))
        amt = int(rng.choice([5_000_000, 10_000_000, 2_000_000]))
        f.add(v, s, amt, ts)
        day_end = (ts // 86400) * 86400 + 20 * 3600
        f.add(s, fcore, amt, max(day_end, ts + 600))
    for week in range(18, 26):
        f.add(fcore, controllers[week % 2], 50_000_000, week * 7 * 86400)
    truth["fraud"] = {"core": [fcore], "collectors": sales}
    # ---- platform
    merchant = new("company")
    operator = new("company")
    buyers = rng.choice(persons, int(rng.integers(500, 1100)) * scale, replace=False)
    ptiers = np.array([198_000, 398_000, 598_000])
    for b in buyers:
        ts = int(rng.integers(0, 120 * 86400))
        amt = int(ptiers[int(b) % 3])
        f.add(b, merchant, amt, ts)
        for month in range(1, 1 + int(rng.integers(2, 7))):  # 2 to 6 monthly rebates
            f.add(merchant, b, amt // 20, ts + month * 30 * 86400)
    for day in range(0, 150, 2):
        f.add(merchant, operator, 30_000_000, day * 86400 + 22 * 3600)
    truth["platform"] = {"core": [merchant], "collectors": []}

    scheme_rows = f.size()
    budget = max(0, transfers - scheme_rows)
    # ---- ordinary traffic
    n_shops = max(10, budget // 20_000)
    shops = [new("shop") for _ in range(n_shops)]
    suppliers = [new("company") for _ in range(max(3, n_shops // 4))]
    n_shop_tx = int(budget * 0.45)
    cust = rng.integers(0, persons, n_shop_tx)
    shop_of = np.asarray(shops)[rng.integers(0, n_shops, n_shop_tx)]
    amt = np.maximum(100, (rng.lognormal(np.log(6_000), 1.0, n_shop_tx)).astype(np.int64))
    f.add(cust, shop_of, amt, rng.integers(0, SECONDS, n_shop_tx))
    for i, s in enumerate(shops):
        for week in range(DAYS // 7):
            f.add(
                s,
                suppliers[i % len(suppliers)],
                int(rng.integers(200_000, 2_000_000)),
                week * 7 * 86400 + 5 * 86400,
            )
    n_emp = max(5, budget // 40_000)
    employers = [new("company") for _ in range(n_emp)]
    funder = new("company")
    for e in employers:
        staff = rng.choice(persons, int(rng.integers(50, 200)), replace=False)
        salary = rng.integers(400_000, 1_500_000, len(staff))
        for month in range(6):
            t0 = month * 30 * 86400 + 9 * 86400
            f.add(funder, e, int(salary.sum()), t0)
            f.add(e, staff, salary + month * 100, t0 + 86400 + rng.integers(0, 3600, len(staff)))
    n_land = max(10, budget // 10_000)
    for _ in range(n_land):
        landlord = int(rng.integers(0, persons))
        tenants = rng.choice(persons, int(rng.integers(3, 12)), replace=False)
        rent = rng.choice([200_000, 300_000, 350_000, 450_000], len(tenants))
        for month in range(6):
            f.add(
                tenants,
                landlord,
                rent,
                month * 30 * 86400 + 86400 + rng.integers(0, 3 * 86400, len(tenants)),
            )
        kinds.setdefault(-landlord - 1, "landlord")
    rest = max(0, transfers - f.size())
    n_cash = rest // 6
    p2p = rest - n_cash
    a = rng.integers(0, persons, p2p)
    b = rng.integers(0, persons, p2p)
    f.add(
        a,
        b,
        np.maximum(100, rng.lognormal(np.log(50_000), 1.3, p2p).astype(np.int64)),
        rng.integers(0, SECONDS, p2p),
    )
    who = rng.integers(0, persons, n_cash)
    f.add(who, -1, rng.integers(1, 50, n_cash) * 10_000, rng.integers(0, SECONDS, n_cash))

    tf = pd.DataFrame(
        {
            "src": np.concatenate(f.src),
            "dst": np.concatenate(f.dst),
            "amount": np.concatenate(f.amount),
            "t": np.clip(np.concatenate(f.t), 0, SECONDS - 1),
        }
    )
    tf = tf[tf["src"] != tf["dst"]].reset_index(drop=True)
    landlords = sorted({-k - 1 for k, v in kinds.items() if v == "landlord"})
    kinds = {k: v for k, v in kinds.items() if k >= 0}
    return tf, {
        "truth": truth,
        "kinds": kinds,
        "persons": persons,
        "shops": shops,
        "employers": employers,
        "landlords": landlords,
    }


def _ids(codes: np.ndarray, persons: int) -> np.ndarray:
    out = np.empty(len(codes), dtype=object)
    cash = codes < 0
    person = (codes >= 0) & (codes < persons)
    org = codes >= persons
    out[cash] = ""
    if person.any():
        out[person] = np.char.add("6217", np.char.zfill(codes[person].astype(str), 15))
    if org.any():
        out[org] = np.char.add("31", np.char.zfill(codes[org].astype(str), 14))
    return out


_SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
_GIVEN = np.array(list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"))
_LABELS = {
    "company_keyword": "投资咨询有限公司",
    "company": "商贸有限公司",
    "shop": "超市",
    "person_scheme": None,
}


def _org_names(info: dict) -> np.ndarray:
    """Holder name of every organisation or scheme account, by code - persons."""
    persons, kinds = info["persons"], info["kinds"]
    top = max(kinds, default=persons - 1) + 1
    out = np.empty(max(0, top - persons), dtype=object)
    for code in range(persons, top):
        kind = kinds.get(code, "company")
        if _LABELS.get(kind) is None:
            out[code - persons] = _SURNAMES[code % 20] + _GIVEN[(code // 7) % 20]
        else:
            out[code - persons] = f"某{code % 1000:03d}{_LABELS[kind]}"
    return out


def _names(codes: np.ndarray, info: dict, orgs: np.ndarray) -> np.ndarray:
    persons = info["persons"]
    out = np.empty(len(codes), dtype=object)
    out[:] = ""
    p = (codes >= 0) & (codes < persons)
    c = codes[p]
    out[p] = np.char.add(
        np.char.add(_SURNAMES[c % 20], _GIVEN[(c // 20) % 20]), _GIVEN[(c // 400) % 20]
    )
    o = codes >= persons
    out[o] = orgs[codes[o] - persons]
    return out


def write_feed(rows: int, folder: Path, *, seed: int = 11, part_rows: int = 100_000) -> dict:
    """Write the feed as Parquet partitions (in time order, as a daily feed arrives).

    Every transfer is an ``out`` row of the sender and, 30 s later, an ``in`` row of the
    receiver (none for cash); the texts are made one partition at a time, so a feed of
    tens of millions of rows is written in a few GB.
    """
    tf, info = generate(rows, seed)
    persons = info["persons"]
    tf = tf.sort_values(["t", "src", "dst"], kind="stable").reset_index(drop=True)
    src, dst = tf["src"].to_numpy(), tf["dst"].to_numpy()
    amount, secs = tf["amount"].to_numpy(), tf["t"].to_numpy()
    del tf
    # the out rows (of every sender but cash), then the in rows, in time order
    outs = np.flatnonzero(src >= 0)
    ins = np.flatnonzero(dst >= 0)
    which = np.concatenate([outs, ins])
    is_in = np.concatenate([np.zeros(len(outs), dtype=bool), np.ones(len(ins), dtype=bool)])
    at = secs[which] + np.where(is_in, 30, 0)
    order = np.argsort(at, kind="stable")[:rows]
    which, is_in, at = which[order], is_in[order], at[order]
    del order
    orgs = _org_names(info)
    folder.mkdir(parents=True, exist_ok=True)
    seen = []
    for i, start in enumerate(range(0, len(which), part_rows)):
        w, inn = which[start : start + part_rows], is_in[start : start + part_rows]
        acct = np.where(inn, dst[w], src[w])
        cp = np.where(inn, src[w], dst[w])
        seen.append(np.unique(np.concatenate([acct, cp])))
        ref = np.char.add(np.where(inn, "I", "O"), w.astype(str)).astype(object)
        part = pd.DataFrame(
            {
                "account": _ids(acct, persons),
                "holder_name": _names(acct, info, orgs),
                "time": START + at[start : start + part_rows].astype("timedelta64[s]"),
                "direction": np.where(inn, "in", "out").astype(object),
                "amount": amount[w],
                "counterparty": _ids(cp, persons),
                "counterparty_name": _names(cp, info, orgs),
                "reference": ref,
            }
        )
        for c in ("holder_id", "counterparty_id", "currency", "memo", "channel"):
            part[c] = ""
        part.to_parquet(folder / f"part-{i:04d}.parquet", index=False)
    truth = {
        k: {r: _ids(np.asarray(v[r], dtype=np.int64), persons).tolist() for r in v}
        for k, v in info["truth"].items()
    }
    ordinary = {
        "shops": _ids(np.asarray(info["shops"]), persons).tolist(),
        "employers": _ids(np.asarray(info["employers"]), persons).tolist(),
        "landlords": _ids(np.asarray(info["landlords"], dtype=np.int64), persons).tolist(),
    }
    return {
        "rows": len(which),
        "accounts": int(len(np.unique(np.concatenate(seen)))) if seen else 0,
        "truth": truth,
        "ordinary": ordinary,
    }


def recall(table: pd.DataFrame, meta: dict) -> dict:
    rank = dict(zip(table["account"], table["rank"], strict=True))
    out = {}
    for scheme, parts in meta["truth"].items():
        accts = parts["core"] + parts["collectors"]
        ranks = [rank.get(a) for a in accts]
        out[scheme] = {
            "core_rank": rank.get(parts["core"][0]),
            "top100": sum(1 for r in ranks if r is not None and r <= 100),
            "top1000": sum(1 for r in ranks if r is not None and r <= 1000),
            "of": len(accts),
        }
    ordinary = set().union(*map(set, meta["ordinary"].values()))
    out["ordinary_in_top100"] = sum(1 for a in table["account"].head(100) if a in ordinary)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where to write the feed (default: a temporary folder)",
    )
    ap.add_argument(
        "--generate-only",
        action="store_true",
        help="write the feed to --dir and stop (a later run with the same --dir reuses it)",
    )
    args = ap.parse_args(argv)

    from fundgraph.pipeline import peak_rss_mib
    from fundgraph.screen import dask_scheduler, screen

    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir or Path(tmp)
        meta_file = root / "meta.json"
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
        if meta is None or meta["requested_rows"] != args.rows:
            t0 = time.perf_counter()
            meta = write_feed(args.rows, root / "feed")
            meta["requested_rows"] = args.rows
            meta_file.write_text(json.dumps(meta))
            print(
                f"generated {meta['rows']:,} rows, {meta['accounts']:,} accounts "
                f"in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
        if args.generate_only:
            return 0
        walls = []
        with dask_scheduler(None, workers=args.workers) as client:
            for run in range(args.runs):
                t0 = time.perf_counter()
                result = screen([root / "feed"], root / f"out{run}", scheduler=client, lang="en")
                walls.append(time.perf_counter() - t0)
                print(f"run {run + 1}: {walls[-1]:.1f} s", file=sys.stderr)
            mem = client.run(_peak_rss)
        med = statistics.median(walls)
        report = {
            "rows": meta["rows"],
            "accounts": meta["accounts"],
            "workers": args.workers,
            "wall_s": [round(w, 1) for w in walls],
            "median_s": round(med, 1),
            "rows_per_s": int(meta["rows"] / med),
            "worker_peak_rss_mb": sorted(round(v / 2**20) for v in mem.values()),
            "client_peak_rss_mb": round(peak_rss_mib() or 0.0),
            "flagged": len(result.table),
            "recall": recall(result.table, meta),
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _peak_rss() -> int:
    from fundgraph.pipeline import peak_rss_mib

    return int((peak_rss_mib() or 0.0) * 2**20)


if __name__ == "__main__":
    sys.exit(main())
