"""A second generator: schemes and laundering typologies drawn from their descriptions.

:mod:`fundgraph.synth` draws the cases the analysis was first built on. This module draws
transfers straight from the descriptions in the project's domain notes (Ponzi collection
with or without returns, 传销 recruitment trees, platform cores) and from the published
AMLSim typologies (fan_in, fan_out, cycle, bipartite, stack, scatter_gather,
gather_scatter), over everyday background traffic (a shop, a payroll, landlords, loans,
families, merchants with many payers, people paying each other). Every amount, share,
count and delay is drawn from a range, so a rule can only lean on what the description
says, not on a constant of this module.

:func:`generate_typology_case` returns the visible transfers (a transfers table the
analysis reads directly) and the truth::

    case = generate_typology_case(seed=1, scheme="pyramid", amounts="odd")
    case.transfers       # src, dst, amount (cents), time, memo, src_name, dst_name
    case.truth           # accounts (role, level, sponsor, shown), participants, patterns,
                         # decoys, cut_off (传销 members not linked to the organiser)

A participant is in the truth when a visible transfer shows it paying in; a core,
collector or transit account is ``shown`` when visible transfers show it taking scheme
money in and passing it on (else nothing obtained can tell it from a payer or a payee).

Examples
--------
>>> c = generate_typology_case(seed=3, scheme="ponzi", participants=40)
>>> sorted(c.truth)[:3]
['accounts', 'background', 'cut_off']
>>> c.transfers["amount"].dtype.name
'int64'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import names

__all__ = [
    "TypologyCase",
    "generate_typology_case",
    "SCHEMES",
    "AMOUNT_STYLES",
    "TOPOLOGIES",
    "RETURN_STYLES",
    "OBTAINED",
    "AML_TYPOLOGIES",
]

SCHEMES = ("ponzi", "pyramid", "fraud", "none")
AMOUNT_STYLES = ("round", "odd", "tiered", "instalments")
TOPOLOGIES = ("flat", "levels", "several_cores", "platform")
RETURN_STYLES = ("periodic", "bonuses", "none")
OBTAINED = ("all", "part", "core_few")
AML_TYPOLOGIES = (
    "fan_in",
    "fan_out",
    "cycle",
    "bipartite",
    "stack",
    "scatter_gather",
    "gather_scatter",
)

_HOUR = 3600
_DAY = 86_400
# kinds of drawn transfer that carry scheme money into / out of a scheme account
_SCHEME_IN = {"deposit", "forward", "funding", "fee", "relay"}
_SCHEME_OUT = {"forward", "funding", "interest", "relay", "bonus", "siphon"}


@dataclass
class TypologyCase:
    """Visible transfers of one drawn case and what an analysis should find."""

    transfers: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)


class _Draw:
    def __init__(
        self, rng: np.random.Generator, start: pd.Timestamp, days: int, seed: int = 0
    ) -> None:
        self.rng = rng
        # memo wordings are drawn from a stream of their own, so how a memo is worded
        # never shifts the amounts, times and shapes drawn from ``rng``
        self.memo_rng = np.random.default_rng([seed, 0x6D656D6F])
        self.start = start
        self.days = days
        self.rows: list[tuple] = []
        self.acc: dict[str, dict[str, Any]] = {}
        self.n = 0

    def account(self, kind: str, *, company: bool = False, role: str = "other", name=None):
        self.n += 1
        acct = f"{62 if not company else 44}{self.n:010d}{self.rng.integers(10, 99)}"
        if name is None:
            if company:
                name = names.company_names(self.rng, 1, [kind_suffix(kind)])[0]
            else:
                name = names.person_names(self.rng, 1)[0]
        self.acc[acct] = {"kind": kind, "role": role, "level": None, "name": str(name),
                          "company": company}  # fmt: skip
        return acct

    def pay(self, src: str, dst: str, cents: int, t: float, kind: str, memo: str = "") -> None:
        if cents <= 0:
            return
        self.rows.append((src, dst, int(cents), float(t), kind, memo))

    def when(self, lo_day: float, hi_day: float) -> float:
        d = self.rng.uniform(lo_day, max(hi_day, lo_day + 1e-3))
        return int(d) * _DAY + self.rng.uniform(8, 21) * _HOUR


def kind_suffix(kind: str) -> str:
    return {
        "company": "投资管理有限公司",
        "platform": "网络科技有限公司",
        "shop": "超市",
        "supplier": "商贸有限公司",
        "employer": "制造有限公司",
        "merchant": "餐饮店",
        "bank": "银行",
        "property": "房地产开发有限公司",
    }.get(kind, "有限公司")


# --------------------------------------------------------------------------- amounts


def _amount_plan(rng: np.random.Generator, style: str, n: int) -> list[list[int]]:
    """Per payer, the list of sums (cents) it pays in."""
    out: list[list[int]] = []
    if style == "tiered":
        k = int(rng.integers(2, 5))
        tiers = (rng.uniform(1_000, 50_000, k) // 10 * 10 + rng.choice([0, 80, 88, 99], k)) * 100
    for _ in range(n):
        times = int(rng.choice([1, 1, 1, 2, 2, 3]))
        base = [int(rng.choice([1, 2, 3, 5, 10, 20, 50])) * 1_000_000 for _ in range(times)]
        if style == "round":
            out.append(base)
        elif style == "odd":
            # a round figure plus lucky digits, sometimes cents: +666, +37.5 ...
            out.append([b + int(rng.integers(1, 3_000)) * 100 + int(rng.choice([0, 0, 50, 37]))
                        for b in base])  # fmt: skip
        elif style == "tiered":
            out.append([int(rng.choice(tiers)) for _ in range(times)])
        else:  # instalments: one sum paid in 3-6 parts, the last one the rest
            total = base[0] + int(rng.integers(0, 500)) * 100
            parts = int(rng.integers(3, 7))
            each = total // parts // 100 * 100
            out.append([each] * (parts - 1) + [total - each * (parts - 1)])
    return out


def _style_for(rng: np.random.Generator, style: str) -> str:
    return style if style in AMOUNT_STYLES else str(rng.choice(AMOUNT_STYLES))


# ---------------------------------------------------------------------------- Ponzi


def _ponzi(D: _Draw, P: int, *, amounts: str, topology: str, returns: str, tag: int,
           people: list[str]) -> dict[str, Any]:  # fmt: skip
    rng = D.rng
    core = D.account("company", company=True, role="core")
    D.acc[core]["level"] = 0
    payout = D.account("payout", role="transit")
    D.acc[payout]["level"] = 1
    ctrls = [D.account("controller", role="beneficiary") for _ in range(int(rng.integers(1, 4)))]
    entry = core
    lvl_entry = 0
    if topology == "platform":
        entry = D.account("platform", company=True, role="collector")
        D.acc[entry]["level"] = 1
        lvl_entry = 1
    collectors: list[tuple[str, str, int]] = []  # account, upstream, level
    if topology in ("levels", "several_cores"):
        for _ in range(int(rng.integers(2, 6))):
            lead = D.account("leader", role="collector")
            D.acc[lead]["level"] = lvl_entry + 1
            collectors.append((lead, entry, lvl_entry + 1))
            for _ in range(int(rng.integers(1, 5))):
                sale = D.account("salesperson", role="collector")
                D.acc[sale]["level"] = lvl_entry + 2
                collectors.append((sale, lead, lvl_entry + 2))
    up = {a: u for a, u, _ in collectors}
    lvl = {a: v for a, _, v in collectors}
    lvl[entry] = lvl_entry
    up_of_entry = core if entry != core else None
    days = D.days
    rec_end = days * rng.uniform(0.55, 0.8)
    collapse = min(rec_end + rng.uniform(10, 40), days - 2)
    rate = rng.uniform(0.008, 0.03)
    plans = _amount_plan(rng, amounts, P)
    intake = 0
    part_truth: dict[str, dict[str, Any]] = {}
    targets = [a for a, _, _ in collectors] or [entry]
    for i in range(P):
        p = people[i]
        to = str(rng.choice(targets)) if collectors and rng.random() < 0.9 else entry
        t0 = D.when(0, rec_end)
        paid = 0
        t = t0
        principal_times = []
        for k, a in enumerate(plans[i]):
            t = t0 + (k * 30 * _DAY if amounts == "instalments" else k * rng.uniform(5, 60) * _DAY)
            t = min(t, rec_end * _DAY)
            D.pay(p, to, a, t, "deposit", str(rng.choice(["", "投资款", "理财", "转账", ""])))
            paid += a
            principal_times.append((t, a))
            # forwarded up the chain within hours, a small cut kept sometimes
            x, tt, amt = to, t, a
            while True:
                nxt = up.get(x, up_of_entry if x == entry else None)
                if nxt is None:
                    break
                tt += rng.uniform(0.1, 30) * _HOUR
                cut = int(amt * rng.uniform(0, 0.02)) // 100 * 100 if rng.random() < 0.3 else 0
                amt -= cut
                D.pay(x, nxt, amt, tt, "forward", str(rng.choice(["", "往来款", "转账"])))
                x = nxt
        intake += paid
        back = 0
        if returns != "none":
            for tp, a in principal_times:
                m = 1
                while tp + m * 30 * _DAY < collapse * _DAY:
                    r = (
                        int(a * rate) // 100 * 100
                        if returns == "periodic"
                        else int(a * rate * rng.uniform(0.5, 1.5))
                    )
                    D.pay(payout, p, r, tp + m * 30 * _DAY, "interest", str(rng.choice(["利息", "返利", "收益", ""])))  # fmt: skip
                    back += r
                    m += 1
        part_truth[p] = {"paid_in": paid, "received_back": back, "to": to, "structure": tag}
    # the core funds the payout account, pays commissions, sends the rest to controllers
    paid_back = sum(v["received_back"] for v in part_truth.values())
    if paid_back:
        n_f = max(2, int(collapse / 7))
        for k in range(n_f):
            D.pay(core, payout, int(paid_back / n_f * rng.uniform(1.0, 1.1)), (k * 7 + 0.5) * _DAY, "funding")  # fmt: skip
    keep = int(intake * rng.uniform(0.4, 0.75))
    for _ in range(int(rng.integers(3, 10))):
        c = str(rng.choice(ctrls))
        D.pay(core, c, keep // 10, D.when(20, collapse + 1), "siphon")
    for c in ctrls:
        D.pay(c, "", int(keep * rng.uniform(0.02, 0.08)), D.when(30, days), "cash")
    prop = D.account("property", company=True, role="beneficiary")
    D.pay(str(ctrls[0]), prop, max(keep // 4, 20_000_000), D.when(60, days), "property")
    for coll, _, _ in collectors:
        # how a company words its commissions varies: named, a wage, or nothing
        memo = str(D.memo_rng.choice(["提成", "佣金", "业绩提成", "工资", "转账", "往来款", ""]))
        for m in range(1, int(collapse // 30) + 1):
            D.pay(core, coll, int(rng.uniform(2_000, 20_000)) * 100, m * 30 * _DAY + 10 * _HOUR, "commission", memo)  # fmt: skip
    scheme = [core, payout, entry] + [a for a, _, _ in collectors]
    if returns == "none":
        D.acc[payout]["role"] = "other"
        D.acc[payout]["level"] = None
        scheme.remove(payout)
    for p, v in part_truth.items():
        D.acc[p]["role"] = "participant"
        D.acc[p]["level"] = lvl[v["to"]] + 1
    return {"core": [core], "scheme": sorted(set(scheme)), "participants": part_truth,
            "beneficiaries": ctrls + [prop], "kind": "ponzi" if returns != "none" else "fraud"}  # fmt: skip


# ----------------------------------------------------------------------------- 传销


def _pyramid(D: _Draw, N: int, *, amounts: str, depth: int, returns: str, tag: int,
             people: list[str]) -> dict[str, Any]:  # fmt: skip
    rng = D.rng
    company = D.account("company", company=True, role="core")
    org = D.account("organiser", role="core")
    D.acc[company]["level"] = 0
    D.acc[org]["level"] = 0
    k = int(rng.integers(1, 4))
    if amounts == "round":
        tiers = rng.choice([1, 2, 3, 5, 10], k) * 100_000
    else:
        tiers = (rng.uniform(800, 9_000, k) // 10 * 10 + rng.choice([0, 80, 88, 98], k)) * 100
    sponsor: dict[str, str] = {}
    level = {org: 0}
    joined = {org: 0.0}
    members: list[str] = []
    span = D.days * rng.uniform(0.5, 0.8)
    # grow level by level so the tree reaches the drawn depth, then fill in
    for i in range(N):
        m = people[i]
        cand = [x for x in [org] + members if level[x] < depth - 1]
        if i < depth - 1:
            sp = org if not members else members[-1]
        else:
            w = np.array([1.0 + level[x] for x in cand])
            sp = cand[int(rng.choice(len(cand), p=w / w.sum()))]
        t = joined[sp] + rng.uniform(1, max(2, span / max(depth, 1) / 2)) * _DAY
        t = min(t, D.days * _DAY - 5 * _DAY)
        sponsor[m] = sp
        level[m] = level[sp] + 1
        joined[m] = t
        members.append(m)
    part_truth: dict[str, dict[str, Any]] = {}
    cut = rng.uniform(0.05, 0.3)
    for m in sorted(members, key=lambda x: joined[x]):
        fee = int(rng.choice(tiers))
        t = joined[m]
        D.pay(
            m, sponsor[m], fee, t, "fee", str(rng.choice(["入会费", "会员费", "套餐", "转账", ""]))
        )
        part_truth[m] = {"paid_in": fee, "received_back": 0, "to": sponsor[m], "structure": tag}
        x, amt, tt = sponsor[m], fee, t
        while x != org:
            amt = int(amt * (1 - cut)) // 100 * 100
            tt += rng.uniform(0.1, 8) * _HOUR
            D.pay(x, sponsor[x], amt, tt, "relay", str(rng.choice(["", "转账", "货款往来"])))
            x = sponsor[x]
        amt = int(amt * (1 - cut * rng.uniform(0.5, 1))) // 100 * 100
        D.pay(org, company, amt, tt + rng.uniform(0.1, 8) * _HOUR, "relay")
    if returns != "none":
        down = {m: 0 for m in members}
        for m in members:
            x = sponsor[m]
            while x != org:
                down[x] += 1
                x = sponsor[x]
        unit = int(rng.uniform(20, 200)) * 100
        for mo in range(1, int(D.days // 30)):
            tm = mo * 30 * _DAY + 10 * _HOUR
            for m in members:
                if down[m] and joined[m] < tm:
                    b = unit * min(down[m], 50)
                    D.pay(company, m, b, tm, "bonus", "奖金" if rng.random() < 0.2 else "返利")
                    part_truth[m]["received_back"] += b
    boss = D.account("controller", role="beneficiary")
    D.pay(company, boss, int(sum(v["paid_in"] for v in part_truth.values()) * 0.3), D.when(30, D.days), "siphon")  # fmt: skip
    for m in members:
        D.acc[m]["role"] = "participant"
        D.acc[m]["level"] = level[m]
        D.acc[m]["sponsor"] = sponsor[m]
    return {"core": [company, org], "scheme": [company, org], "participants": part_truth,
            "beneficiaries": [boss], "kind": "pyramid", "depth": depth,
            "sponsor": sponsor}  # fmt: skip


# ------------------------------------------------------------------ background noise


def _noise(D: _Draw, people: list[str]) -> dict[str, list[str]]:
    rng = D.rng
    days = D.days
    dec: dict[str, list[str]] = {}
    shop = D.account("shop", company=True)
    sups = [D.account("supplier", company=True) for _ in range(int(rng.integers(3, 7)))]
    buyers = list(rng.choice(people, min(len(people), int(rng.integers(40, 150))), replace=False))
    takings = 0
    for b in buyers:
        for _ in range(int(rng.integers(1, 8))):
            a = int(np.clip(rng.lognormal(np.log(150), 1.0), 5, 4_000) * 100)
            D.pay(
                str(b),
                shop,
                a,
                D.when(0, days),
                "shopping",
                str(rng.choice(["消费", "", "扫码支付"])),
            )
            takings += a
    for w in range(days // 7):
        D.pay(shop, str(rng.choice(sups)), int(takings / (days / 7) * rng.uniform(0.5, 0.9)), (w * 7 + 2) * _DAY + 11 * _HOUR, "supplier")  # fmt: skip
    dec["shop"] = [shop]
    emp = D.account("employer", company=True)
    staff = list(rng.choice(people, min(len(people), int(rng.integers(15, 60))), replace=False))
    base = {s: int(rng.uniform(3_000, 15_000)) * 100 for s in staff}
    for m in range(days // 30):
        for s in staff:
            D.pay(emp, str(s), int(base[s] * rng.uniform(0.97, 1.03)) // 100 * 100, (m * 30 + 9) * _DAY + 9 * _HOUR, "salary", str(rng.choice(["代发工资", "", "工资"])))  # fmt: skip
    client = D.account("client", company=True)
    for m in range(days // 30):
        D.pay(client, emp, int(sum(base.values()) * rng.uniform(1.2, 1.5)), (m * 30 + 3) * _DAY + 10 * _HOUR, "income")  # fmt: skip
    dec["employer"] = [emp]
    dec["landlord"] = []
    for _ in range(int(rng.integers(1, 3))):
        ll = D.account("landlord")
        tenants = rng.choice(people, int(rng.integers(4, 12)), replace=False)
        for tn in tenants:
            rent = int(rng.uniform(800, 6_000)) * 100
            for m in range(days // 30):
                D.pay(str(tn), ll, rent, (m * 30 + int(rng.integers(1, 6))) * _DAY + 12 * _HOUR, "rent", str(rng.choice(["房租", "", "转账"])))  # fmt: skip
        bank = D.account("bank", company=True)
        for m in range(days // 30):
            D.pay(ll, bank, int(rng.uniform(3_000, 20_000)) * 100, (m * 30 + 15) * _DAY, "mortgage")
        dec["landlord"].append(ll)
    dec["merchant"] = []
    for _ in range(int(rng.integers(1, 4))):
        mc = D.account("merchant", company=True)
        for b in rng.choice(people, min(len(people), int(rng.integers(50, 200))), replace=False):
            D.pay(str(b), mc, int(np.clip(rng.lognormal(np.log(80), 1.0), 5, 3_000) * 100), D.when(0, days), "shopping")  # fmt: skip
        dec["merchant"].append(mc)
    # loans between persons: a round sum out, repaid in instalments with interest
    dec["family"] = []
    dec["lender"] = []
    for _ in range(int(rng.integers(2, 6))):
        a, b = rng.choice(people, 2, replace=False)
        amt = int(rng.choice([1, 2, 5, 10])) * 1_000_000
        t = D.when(0, days / 2)
        D.pay(str(a), str(b), amt, t, "loan", str(rng.choice(["借款", ""])))
        k = int(rng.integers(3, 8))
        for j in range(k):
            D.pay(str(b), str(a), int(amt * 1.05 / k), t + (j + 1) * 30 * _DAY, "repay", "还款")
        dec["lender"].append(str(a))
    # families: parents helping children, children sending money home
    for _ in range(int(rng.integers(3, 10))):
        fam = [str(x) for x in rng.choice(people, int(rng.integers(2, 5)), replace=False)]
        for _ in range(int(rng.integers(3, 15))):
            a, b = rng.choice(fam, 2, replace=False)
            D.pay(str(a), str(b), int(rng.uniform(100, 20_000)) * 100, D.when(0, days), "family", str(rng.choice(["生活费", "", "转账", "还钱"])))  # fmt: skip
        dec["family"].extend(fam)
    # everyday person-to-person traffic
    for _ in range(len(people) * 2):
        a, b = rng.choice(people, 2, replace=False)
        D.pay(str(a), str(b), int(np.clip(rng.lognormal(np.log(300), 1.2), 1, 50_000) * 100), D.when(0, days), "p2p")  # fmt: skip
    for p in rng.choice(people, len(people) // 3, replace=False):
        D.pay("", str(p), int(rng.uniform(100, 5_000)) * 100, D.when(0, days), "cash_in")
    return dec


# --------------------------------------------------------------------- AMLSim patterns


def _aml(D: _Draw, kind: str, accts: list[str]) -> dict[str, Any]:
    rng = D.rng
    t0 = D.when(0, D.days - 20)

    def amt():
        return int(rng.uniform(5_000, 300_000) * 100) + int(rng.integers(0, 100))

    def tt(span_days=10):
        return t0 + rng.uniform(0, span_days) * _DAY

    k = len(accts)
    main = accts[0]
    if kind == "fan_in":
        for a in accts[1:]:
            D.pay(a, main, amt(), tt(), kind)
    elif kind == "fan_out":
        for a in accts[1:]:
            D.pay(main, a, amt(), tt(), kind)
    elif kind == "cycle":
        a0 = amt()
        t = t0
        for i in range(k):
            a0 = int(a0 * rng.uniform(0.9, 0.99))
            t += rng.uniform(1, 48) * _HOUR
            D.pay(accts[i], accts[(i + 1) % k], a0, t, kind)
    elif kind == "bipartite":
        h = k // 2
        for a in accts[:h]:
            for b in accts[h:]:
                D.pay(a, b, amt(), tt(), kind)
    elif kind == "stack":
        h = k // 3
        layers = [accts[:h], accts[h : 2 * h], accts[2 * h :]]
        for x, y in ((0, 1), (1, 2)):
            for a in layers[x]:
                for b in layers[y]:
                    D.pay(a, b, amt(), tt(), kind)
    elif kind == "scatter_gather":
        src, dst, mids = accts[0], accts[-1], accts[1:-1]
        for m in mids:
            a = amt()
            t = tt(5)
            D.pay(src, m, a, t, kind)
            D.pay(m, dst, int(a * rng.uniform(0.9, 0.99)), t + rng.uniform(1, 72) * _HOUR, kind)
    elif kind == "gather_scatter":
        h = (k - 1) // 2
        hub, ins, outs = accts[0], accts[1 : 1 + h], accts[1 + h :]
        total = 0
        for a in ins:
            x = amt()
            total += x
            D.pay(a, hub, x, tt(3), kind)
        for b in outs:
            D.pay(hub, b, int(total / len(outs) * rng.uniform(0.85, 0.98)), t0 + rng.uniform(3.5, 7) * _DAY, kind)  # fmt: skip
    return {"typology": kind, "main": main, "members": list(accts)}


# ------------------------------------------------------------------------- the case


def generate_typology_case(
    seed: int,
    *,
    scheme: str = "ponzi",
    amounts: str = "any",
    topology: str = "any",
    returns: str = "any",
    obtained: str = "all",
    participants: int | None = None,
    depth: int | None = None,
    aml: bool = True,
) -> TypologyCase:
    """Draw one case: a scheme (or none), background life and AMLSim patterns.

    Parameters
    ----------
    seed : int
        Everything follows from it.
    scheme : {"ponzi", "pyramid", "fraud", "none"}
        ``fraud`` is a Ponzi-like collection that never pays anything back.
    amounts : {"round", "odd", "tiered", "instalments", "any"}
    topology : {"flat", "levels", "several_cores", "platform", "any"}
        ``several_cores``: two schemes, some persons paying into both.
    returns : {"periodic", "bonuses", "none", "any"}
        For ``ponzi`` and ``pyramid`` (``fraud`` has none).
    obtained : {"all", "part", "core_few"}
        Whose statements were obtained: a transfer is visible when one side was.
    participants, depth : int, optional
        Drawn from ranges when missing (depth of a 传销 tree: 3–10).
    aml : bool
        Add two patterns of every AMLSim typology over the background.

    Returns
    -------
    TypologyCase
        ``transfers``: the visible transfers in time order (``transfer_id``, ``src``,
        ``dst`` ("" for cash), ``amount`` in cents, ``time``, ``kind`` (what the draw
        made it: ``deposit``, ``interest``, ``salary``, ``shopping`` ...), ``memo``,
        ``src_name``, ``dst_name``); ``truth``: ``params``, ``accounts`` (role, level,
        name, ``shown``), ``participants``, ``structures``, ``total_absorbed`` and
        ``direct_loss`` (cents), ``decoys``, ``patterns``, ``background``, ``cut_off``.

    See Also
    --------
    fundgraph.synth.generate_case : the first generator, writing bank exports.

    Examples
    --------
    A flat Ponzi scheme of ten participants with round sums and periodic returns, over
    the background traffic but without AMLSim patterns:

    >>> from collections import Counter
    >>> c = generate_typology_case(1, scheme="ponzi", topology="flat", amounts="round",
    ...                            returns="periodic", participants=10, aml=False)
    >>> len(c.transfers), c.truth["total_absorbed"], c.truth["direct_loss"]
    (2362, 236000000, 227998000)
    >>> sorted(Counter(a["role"] for a in c.truth["accounts"].values()).items())
    [('beneficiary', 3), ('core', 1), ('other', 439), ('participant', 10), ('transit', 1)]
    >>> c.truth["structures"]
    [{'kind': 'ponzi', 'core': ['44000000043733']}]
    >>> c.transfers["kind"].value_counts().head(3).to_dict()
    {'p2p': 872, 'shopping': 563, 'salary': 400}
    """
    rng = np.random.default_rng(seed)
    days = int(rng.integers(150, 360))
    start = pd.Timestamp("2021-01-04") + pd.Timedelta(days=int(rng.integers(0, 300)))
    D = _Draw(rng, start, days, seed)
    amounts = _style_for(rng, amounts)
    topology = topology if topology in TOPOLOGIES else str(rng.choice(TOPOLOGIES))
    if returns not in RETURN_STYLES:
        returns = str(rng.choice(["periodic", "bonuses"]))
    if scheme == "fraud":
        returns = "none"
    P = participants or int(rng.integers(60, 400))
    people = [D.account("person") for _ in range(P + int(rng.integers(200, 500)))]
    rng.shuffle(people)
    part_pool = people[:P]
    schemes = []
    if scheme in ("ponzi", "fraud"):
        if topology == "several_cores":
            h = P // 2
            both = part_pool[h - max(2, P // 20) : h]
            schemes.append(_ponzi(D, h, amounts=amounts, topology="levels", returns=returns, tag=0, people=part_pool[:h]))  # fmt: skip
            schemes.append(_ponzi(D, P - h + len(both), amounts=amounts, topology="flat", returns=returns, tag=1, people=both + part_pool[h:]))  # fmt: skip
        else:
            schemes.append(_ponzi(D, P, amounts=amounts, topology=topology, returns=returns, tag=0, people=part_pool))  # fmt: skip
    elif scheme == "pyramid":
        dp = depth or int(rng.integers(3, 11))
        schemes.append(_pyramid(D, P, amounts=amounts, depth=dp, returns=returns, tag=0, people=part_pool))  # fmt: skip
    background = people[P:]
    decoys = _noise(D, people)
    patterns = []
    if aml:
        pool = list(background)
        rng.shuffle(pool)
        for kind in AML_TYPOLOGIES:
            for _ in range(2):
                # a cycle of 3 to 11 accounts (AMLSim's own cycles run to ten and more)
                size = int(rng.integers(6, 16)) if kind != "cycle" else int(rng.integers(3, 12))
                if len(pool) < size:
                    break
                accts, pool = pool[:size], pool[size:]
                patterns.append(_aml(D, kind, [str(a) for a in accts]))
    # who was obtained
    sch_accts = {a for s in schemes for a in s["scheme"]}
    ben = {a for s in schemes for a in s["beneficiaries"]}
    parts = sorted({p for s in schemes for p in s["participants"]})
    ob: set[str] = set()
    deco = {a for k in ("shop", "employer", "landlord", "merchant") for a in decoys[k]}
    if obtained == "all":
        ob = set(D.acc)
    elif obtained == "part":
        ob = sch_accts | ben | deco | {p for p in parts if rng.random() < 0.3}
        ob |= {str(a) for a in background if rng.random() < 0.3}
        ob |= {a for pt in patterns for a in pt["members"]}
    else:
        cores = {a for s in schemes for a in s["core"]}
        few = [a for a in sorted(sch_accts - cores)][: int(rng.integers(1, 4))]
        ob = cores | set(few) | ben | deco | {p for p in parts if rng.random() < 0.05}
        ob |= {a for pt in patterns for a in pt["members"]}
    rows = pd.DataFrame(D.rows, columns=["src", "dst", "amount", "t", "kind", "memo"])
    vis = rows["src"].isin(ob) | rows["dst"].isin(ob)
    rows = rows[vis].reset_index(drop=True)
    rows["time"] = start + pd.to_timedelta(rows["t"].round().astype("int64"), unit="s")
    nm = {a: v["name"] for a, v in D.acc.items()}
    rows["src_name"] = rows["src"].map(nm).fillna("")
    rows["dst_name"] = rows["dst"].map(nm).fillna("")
    rows["amount"] = rows["amount"].astype("int64")
    rows = rows.sort_values(["time", "src", "dst", "amount"], kind="stable").reset_index(drop=True)
    rows["transfer_id"] = np.arange(len(rows), dtype=np.int64)
    # truth over what is visible
    seen = set(rows["src"]) | set(rows["dst"])
    seen.discard("")
    kind_of = rows["kind"].to_numpy()
    accounts = {a: dict(v) for a, v in D.acc.items() if a in seen}
    parts_truth: dict[str, dict[str, Any]] = {}
    for si, s in enumerate(schemes):
        sch = set(s["scheme"])
        for p in s["participants"]:
            pin = rows[(rows["src"] == p) & rows["dst"].isin(sch | set(s["participants"]))
                       & np.isin(kind_of, ["deposit", "fee"])]["amount"].sum()  # fmt: skip
            back = rows[(rows["dst"] == p) & rows["src"].isin(sch)
                        & np.isin(kind_of, ["interest", "bonus"])]["amount"].sum()  # fmt: skip
            if pin == 0:
                continue
            cur = parts_truth.setdefault(p, {"paid_in": 0, "received_back": 0, "structure": si})
            cur["paid_in"] += int(pin)
            cur["received_back"] += int(back)
    # a 传销 member's place in the tree shows only where the visible transfers link it to
    # the organiser: its own fee or relays to its sponsor, its sponsor's to its sponsor's
    # sponsor, and so on up; a member cut off from the organiser is not shown as one
    fee_rows = np.isin(kind_of, ["fee", "relay"])
    links = set(zip(rows["src"][fee_rows], rows["dst"][fee_rows], strict=True))
    cut_off: set[str] = set()
    for s in schemes:
        sponsor = s.get("sponsor")
        if not sponsor:
            continue
        shown = {s["core"][1]}  # the organiser
        for m in sorted(sponsor, key=lambda x: (D.acc[x]["level"], x)):
            if sponsor[m] in shown and (m, sponsor[m]) in links:
                shown.add(m)
            else:
                parts_truth.pop(m, None)
                cut_off.add(m)
    for p in parts_truth:
        parts_truth[p]["net_loss"] = parts_truth[p]["paid_in"] - parts_truth[p]["received_back"]
    for a, v in accounts.items():
        if v["role"] == "participant" and a not in parts_truth:
            v["role"] = "other"
            v["level"] = None
    # a scheme account is shown by the visible transfers when they show it taking scheme
    # money in and passing it on; a salesperson seen only receiving its commission, or a
    # leader seen only paying the core, cannot be told from the statements obtained
    src_k = rows.groupby("src")["kind"].agg(set).to_dict()
    dst_k = rows.groupby("dst")["kind"].agg(set).to_dict()
    for a, v in accounts.items():
        if v["role"] in ("core", "collector", "transit"):
            v["shown"] = bool(dst_k.get(a, set()) & _SCHEME_IN) and bool(
                src_k.get(a, set()) & _SCHEME_OUT
            )
        else:
            v["shown"] = True
    truth = {
        "params": {
            "seed": seed,
            "scheme": scheme,
            "amounts": amounts,
            "topology": topology,
            "returns": returns,
            "obtained": obtained,
            "participants": P,
            "days": days,
            "depth": schemes[0].get("depth") if schemes else None,
        },  # fmt: skip
        "accounts": accounts,
        "participants": parts_truth,
        "structures": [{"kind": s["kind"], "core": s["core"]} for s in schemes],
        "total_absorbed": int(sum(v["paid_in"] for v in parts_truth.values())),
        "direct_loss": int(sum(max(v["net_loss"], 0) for v in parts_truth.values())),
        "decoys": {k: sorted(set(v) & seen) for k, v in decoys.items()},
        "patterns": patterns,
        "background": sorted(set(map(str, background)) & seen),
        # 传销 members the visible transfers cut off from the organiser: a piece of the
        # tree may show, but not where it hangs nor whom it belongs to
        "cut_off": sorted(cut_off & seen),
    }
    return TypologyCase(transfers=rows.drop(columns=["t"]), truth=truth)
