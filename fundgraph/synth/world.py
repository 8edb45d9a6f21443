"""The case model: who the accounts are and every movement of money between them.

:func:`build_world` returns the accounts (integer ids, kinds, roles, levels, which were
obtained) and the transfers (sender-side time in seconds from the case start, amount in
cents). Numbers, names and statements are added later by :mod:`.statements`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import names

__all__ = ["World", "build_world", "SCHEME_KINDS", "TRANSFER_KINDS"]

DAY = 86_400
SCHEME_KINDS = ("company", "payout", "leader", "salesperson", "controller", "relative")
TRANSFER_KINDS = (
    "deposit", "forward", "funding", "interest", "redemption", "commission", "siphon",
    "property", "cash", "salary", "income", "shopping", "supplier", "family", "rent",
)  # fmt: skip
_K = {k: i for i, k in enumerate(TRANSFER_KINDS)}
CASH = -1


@dataclass
class World:
    """Accounts and transfers of one synthetic case (money in cents, times in seconds)."""

    accounts: pd.DataFrame
    transfers: pd.DataFrame
    start: pd.Timestamp
    end: pd.Timestamp
    rate_bp: int
    info: dict = field(default_factory=dict)


class _Book:
    """Collects accounts and transfers as numpy chunks."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.acc: list[dict] = []
        self.n = 0
        self.tr: list[tuple] = []

    def add(self, n: int, kind: str, *, company: bool = False, obtained=False, name=None, hid=None):
        ids = np.arange(self.n, self.n + n)
        self.n += n
        self.acc.append(
            {
                "id": ids,
                "kind": np.full(n, kind, dtype=object),
                "company": np.full(n, company),
                "obtained": np.broadcast_to(np.asarray(obtained, dtype=bool), (n,)).copy(),
                "holder_name": name,
                "holder_id": hid,
            }
        )
        return ids

    def pay(self, src, dst, amount, t, kind: str) -> None:
        n = len(amount)
        if n == 0:
            return
        src = np.broadcast_to(np.asarray(src, dtype=np.int64), (n,))
        dst = np.broadcast_to(np.asarray(dst, dtype=np.int64), (n,))
        amount = np.asarray(amount, dtype=np.int64)
        keep = amount > 0
        self.tr.append(
            (
                src[keep].copy(),
                dst[keep].copy(),
                amount[keep],
                np.asarray(t, dtype=np.int64)[keep],
                np.full(int(keep.sum()), _K[kind], dtype=np.int8),
            )
        )


def _tod(rng, n, lo_h=9, hi_h=20):
    return rng.integers(lo_h * 3600, hi_h * 3600, n)


def _round_to(a, unit):
    return (np.asarray(a, dtype=np.int64) // unit) * unit


def _forward(rng, holder, t, amount, upstream, one2one, period, keep_share, row_base=0):
    """Collectors pass what they received up: one-to-one or in lumps per period."""
    n = len(t)
    if n == 0:
        e = np.array([], dtype=np.int64)
        return e, e, e, e
    h = holder
    bucket = (t + (h * 7919) % period[h]) // period[h]
    key = np.where(one2one[h], -(np.arange(n) + 1 + row_base), h * 100_000 + bucket)
    df = pd.DataFrame({"key": key, "h": h, "t": t, "a": amount})
    g = df.groupby("key", sort=True).agg(h=("h", "first"), t=("t", "max"), a=("a", "sum"))
    gh = g["h"].to_numpy()
    delay = np.where(
        one2one[gh], rng.integers(600, 6 * 3600, len(g)), rng.integers(1200, 36 * 3600, len(g))
    )
    keep = np.where(
        rng.random(len(g)) < keep_share[gh],
        _round_to(g["a"].to_numpy() * rng.uniform(0.003, 0.02, len(g)), 10_000),
        0,
    )
    fa = g["a"].to_numpy() - keep
    return gh, upstream[gh], fa, g["t"].to_numpy() + delay


def build_world(
    rng: np.random.Generator,
    participants: int,
    obtained_share: float,
    months: int,
    start: str,
) -> World:
    """Draw one Ponzi case and its everyday noise (see the package docstring)."""
    start_ts = pd.Timestamp(start).normalize()
    end_ts = start_ts + pd.DateOffset(months=months)
    days = int((end_ts - start_ts).days)
    start_d = np.datetime64(start_ts.date())
    B = _Book(rng)
    P = int(participants)

    # --- the scheme's people and accounts -------------------------------------------
    company = B.add(1, "company", company=True, obtained=True,
                    name=names.company_names(rng, 1, ["投资咨询有限公司", "投资理财有限公司", "理财咨询有限公司", "融资理财服务有限公司", "财富管理有限公司"]))[0]  # fmt: skip
    n_ctrl = int(rng.integers(1, 4))
    ctrl_names = names.person_names(rng, n_ctrl)
    controllers = B.add(n_ctrl, "controller", obtained=True, name=ctrl_names)
    n_rel = int(rng.integers(1, 2 * n_ctrl + 1))
    rel_sur = np.array([s[0] for s in rng.choice(ctrl_names, n_rel)], dtype=object)
    relatives = B.add(n_rel, "relative", obtained=True,
                      name=names.person_names(rng, n_rel, np.where(rng.random(n_rel) < 0.6, rel_sur, rng.choice(np.array(names.SURNAMES, dtype=object), n_rel))))  # fmt: skip
    payout = B.add(1, "payout", obtained=True)[0]
    n_lead = int(rng.integers(2, 7))
    leaders = B.add(n_lead, "leader", obtained=True)
    per_lead = rng.integers(2, 6, n_lead) + min(P // 1500, 40)
    sales_lead = np.repeat(leaders, per_lead)
    n_direct = int(rng.integers(1, 4))
    sales = B.add(len(sales_lead) + n_direct, "salesperson", obtained=True)
    property_sellers = B.add(int(rng.integers(1, 3)), "property", company=True,
                             name=names.company_names(rng, 2, ["房地产开发有限公司", "置业有限公司"]))  # fmt: skip

    # participants: persons, a few holding two cards
    n_dep = rng.choice([1, 2, 3, 4], P, p=[0.55, 0.28, 0.12, 0.05])
    p_obt = rng.random(P) < obtained_share
    p_names = names.person_names(rng, P)
    p_ids = names.resident_ids(rng, P)
    card1 = B.add(P, "participant", obtained=p_obt, name=p_names, hid=p_ids)
    two = (n_dep >= 2) & (rng.random(P) < 0.04)
    card2_of = np.full(P, -1, dtype=np.int64)
    card2 = B.add(
        int(two.sum()), "participant", obtained=p_obt[two], name=p_names[two], hid=p_ids[two]
    )
    card2_of[two] = card2

    # --- deposits ---------------------------------------------------------------------
    rec_days = max(days - int(rng.integers(45, 76)), int(days * 0.6))
    cutoff_day = min(rec_days + int(rng.integers(10, 41)), days - 4)
    person = np.repeat(np.arange(P), n_dep)
    nd = len(person)
    # recruitment grows, peaks and fades, so that payouts end up above new money
    first_day = (rng.beta(2.0, 2.6, P) * rec_days).astype(np.int64)
    is_first = np.r_[True, person[1:] != person[:-1]]
    later = first_day[person] + (
        rng.beta(1.0, 2.5, nd) * (rec_days - first_day[person] + 1)
    ).astype(np.int64)
    dep_day = np.where(is_first, first_day[person], np.minimum(later, rec_days))
    dep_t = dep_day * DAY + _tod(rng, nd, 9, 20)
    amounts_yuan = np.array([10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 500_000])
    dep_amt = rng.choice(amounts_yuan, nd, p=[0.30, 0.08, 0.09, 0.25, 0.19, 0.07, 0.02]) * 100
    # the card each deposit comes from
    is_last = np.r_[person[1:] != person[:-1], True]
    use2 = (card2_of[person] >= 0) & (is_last | (rng.random(nd) < 0.4)) & ~is_first
    dep_src = np.where(use2, card2_of[person], card1[person])
    # the collector each deposit goes to
    team_w = rng.dirichlet(np.ones(len(sales)) * 1.5)
    lead_w = rng.dirichlet(np.ones(n_lead) * 2.0)
    main_type = rng.choice(3, P, p=[0.75, 0.15, 0.10])
    main = np.where(
        main_type == 0, rng.choice(sales, P, p=team_w),
        np.where(main_type == 1, rng.choice(leaders, P, p=lead_w), company),
    )  # fmt: skip
    dep_dst = main[person].copy()
    other = rng.random(nd) < 0.08
    dep_dst[other] = rng.choice(np.r_[sales, leaders], int(other.sum()))
    # a few invest twice the same day, same sum, same collector: two separate transfers
    dup = rng.random(nd) < 0.03
    dep_src = np.r_[dep_src, dep_src[dup]]
    dep_dst = np.r_[dep_dst, dep_dst[dup]]
    dep_amt = np.r_[dep_amt, dep_amt[dup]]
    dep_t = np.r_[dep_t, dep_t[dup] + rng.integers(120, 3600, int(dup.sum()))]
    dep_day = np.r_[dep_day, dep_day[dup]]
    B.pay(dep_src, dep_dst, dep_amt, dep_t, "deposit")

    # --- collectors pass the money up -------------------------------------------------
    n_acc = B.n
    upstream = np.full(n_acc, company, dtype=np.int64)
    upstream[sales[: len(sales_lead)]] = sales_lead
    one2one = np.zeros(n_acc, dtype=bool)
    one2one[sales] = rng.random(len(sales)) < 0.4
    one2one[leaders] = rng.random(n_lead) < 0.15
    period = np.full(n_acc, DAY, dtype=np.int64)
    period[sales] = rng.choice([DAY // 2, DAY, 2 * DAY], len(sales))
    period[leaders] = rng.choice([DAY, 2 * DAY], n_lead)
    keep_share = np.zeros(n_acc)
    keep_share[sales] = rng.uniform(0, 0.4, len(sales))
    keep_share[leaders] = rng.uniform(0, 0.2, n_lead)
    is_sales = np.zeros(n_acc, dtype=bool)
    is_sales[sales] = True
    is_lead = np.zeros(n_acc, dtype=bool)
    is_lead[leaders] = True

    m = is_sales[dep_dst]
    h1, u1, a1, t1 = _forward(
        rng, dep_dst[m], dep_t[m], dep_amt[m], upstream, one2one, period, keep_share
    )
    B.pay(h1, u1, a1, t1, "forward")
    m2 = is_lead[dep_dst]
    to_lead = is_lead[u1]
    h2, u2, a2, t2 = _forward(
        rng, np.r_[dep_dst[m2], u1[to_lead]], np.r_[dep_t[m2], t1[to_lead]],
        np.r_[dep_amt[m2], a1[to_lead]], upstream, one2one, period, keep_share, row_base=10**9,
    )  # fmt: skip
    B.pay(h2, u2, a2, t2, "forward")

    # --- interest, redemptions -------------------------------------------------------
    rate_bp = int(rng.integers(100, 301))
    dep_card = dep_src
    n_cards = B.n
    card_last_day = np.full(n_cards, -1, dtype=np.int64)
    np.maximum.at(card_last_day, dep_card, dep_day)
    card_sum = np.zeros(n_cards, dtype=np.int64)
    np.add.at(card_sum, dep_card, dep_amt)
    cards = np.unique(dep_card)
    red_card = cards[rng.random(len(cards)) < 0.05]
    lo = card_last_day[red_card] + 60
    hi = cutoff_day - 3
    ok = lo < hi
    red_card = red_card[ok]
    red_day = lo[ok] + (rng.random(int(ok.sum())) * (hi - lo[ok])).astype(np.int64)
    stop_day = np.full(n_cards, cutoff_day, dtype=np.int64)
    stop_day[red_card] = red_day

    dates = start_d + dep_day.astype("timedelta64[D]")
    dep_month = dates.astype("datetime64[M]")
    dom = np.minimum((dates - dep_month.astype("datetime64[D]")).astype(np.int64), 27)
    K = months + 2
    di = np.repeat(np.arange(len(dep_day)), K)
    k = np.tile(np.arange(1, K + 1), len(dep_day))
    pay_date = (dep_month[di] + k.astype("timedelta64[M]")).astype("datetime64[D]") + dom[
        di
    ].astype("timedelta64[D]")
    pay_day = (pay_date - start_d).astype(np.int64)
    live = pay_day < stop_day[dep_card[di]]
    di, pay_day = di[live], pay_day[live]
    bonus = np.where(dep_amt[di] >= 100_000_00, 50, 0)
    interest = _round_to(dep_amt[di] * (rate_bp + bonus) // 10_000, 100)
    it = pd.DataFrame({"card": dep_card[di], "day": pay_day, "a": interest})
    it = it.groupby(["card", "day"], sort=True, as_index=False)["a"].sum()
    it_t = it["day"].to_numpy() * DAY + _tod(rng, len(it), 9, 12)
    B.pay(payout, it["card"].to_numpy(), it["a"].to_numpy(), it_t, "interest")
    red_from = np.where(rng.random(len(red_card)) < 0.7, payout, company)
    red_t = red_day * DAY + _tod(rng, len(red_card), 10, 16)
    B.pay(red_from, red_card, card_sum[red_card], red_t, "redemption")

    # the company keeps the payout account funded a little ahead of each week's payments
    po_t = np.r_[it_t, red_t[red_from == payout]]
    po_a = np.r_[it["a"].to_numpy(), card_sum[red_card][red_from == payout]]
    if len(po_t):
        wk = (
            pd.DataFrame({"w": po_t // (7 * DAY), "t": po_t, "a": po_a})
            .groupby("w")
            .agg(t=("t", "min"), a=("a", "sum"))
        )
        f_amt = -(-wk["a"].to_numpy() // 1_000_000) * 1_000_000
        f_t = np.maximum(wk["t"].to_numpy() - rng.integers(3600, 18 * 3600, len(wk)), 0)
        B.pay(company, payout, f_amt, f_t, "funding")
    else:
        f_amt = f_t = np.array([], dtype=np.int64)

    # commissions: monthly, a share of what each collector's team brought in
    month_of = lambda d: (start_d + np.asarray(d).astype("timedelta64[D]")).astype("datetime64[M]")  # noqa: E731
    dm = month_of(dep_day)
    sales_rate = int(rng.integers(100, 301))
    lead_rate = int(rng.integers(50, 151))
    team_leader = np.where(is_sales[dep_dst], upstream[dep_dst], dep_dst)
    com = []
    for who, rate, mask in (
        (dep_dst, sales_rate, is_sales[dep_dst]),
        (team_leader, lead_rate, is_lead[team_leader]),
    ):
        c = (
            pd.DataFrame({"who": who[mask], "m": dm[mask], "a": dep_amt[mask]})
            .groupby(["who", "m"], as_index=False)["a"]
            .sum()
        )
        com.append(c.assign(a=_round_to(c["a"].to_numpy() * rate // 10_000, 100)))
    com = pd.concat(com, ignore_index=True)
    com_day = (
        (com["m"].to_numpy().astype("datetime64[M]") + np.timedelta64(1, "M")).astype(
            "datetime64[D]"
        )
        + np.timedelta64(4, "D")
        - start_d
    ).astype(np.int64)
    okc = com_day < min(cutoff_day + 10, days - 1)
    com_t = com_day[okc] * DAY + _tod(rng, int(okc.sum()), 14, 18)
    B.pay(company, com["who"].to_numpy()[okc], com["a"].to_numpy()[okc], com_t, "commission")

    # --- noise: landlord, employer, shop, merchants, family, cash ------------------
    landlords = B.add(int(rng.integers(1, 3)), "landlord")
    office_rent = int(rng.integers(20, 60)) * 100_000
    n_m = days // 30
    mdays = np.array(
        [
            (
                (start_d.astype("datetime64[M]") + np.timedelta64(i, "M")).astype("datetime64[D]")
                - start_d
            ).astype(np.int64)
            for i in range(months + 1)
        ]
    )
    mdays = mdays[mdays < days]
    B.pay(
        company,
        landlords[0],
        np.full(len(mdays), office_rent),
        mdays * DAY + 2 * DAY + _tod(rng, len(mdays)),
        "rent",
    )

    ob_part = np.r_[card1[p_obt]]
    collectors = np.r_[leaders, sales]
    private = np.r_[collectors, ob_part, controllers, relatives, payout]
    tenants = rng.choice(
        np.r_[collectors, ob_part],
        min(int(rng.integers(2, 7)), len(collectors) + len(ob_part)),
        replace=False,
    )
    rent = rng.integers(15, 51, len(tenants)) * 10_000
    tl = rng.choice(landlords, len(tenants))
    ti = np.repeat(np.arange(len(tenants)), len(mdays))
    md = np.tile(mdays, len(tenants))
    B.pay(
        tenants[ti],
        tl[ti],
        rent[ti],
        md * DAY + rng.integers(0, 5, len(ti)) * DAY + _tod(rng, len(ti), 8, 22),
        "rent",
    )

    employer = B.add(1, "employer", company=True, obtained=True,
                     name=names.company_names(rng, 1, ["制造有限公司", "物流有限公司", "建材有限公司", "食品有限公司"]))[0]  # fmt: skip
    n_emp_x = max(15, P // 10)
    emp_extra = B.add(n_emp_x, "employee")
    staff = np.r_[
        collectors[rng.random(len(collectors)) < 0.6],
        ob_part[rng.random(len(ob_part)) < 0.4],
        rng.choice(card1, min(P, max(1, P // 25)), replace=False),
        emp_extra,
    ]
    staff = np.unique(staff)
    base = rng.integers(300, 1200, len(staff)) * 1000
    si = np.repeat(np.arange(len(staff)), len(mdays))
    sd = np.tile(mdays, len(staff)) + 9
    keep = sd < days
    si, sd = si[keep], sd[keep]
    sal = _round_to(base[si] * rng.uniform(0.97, 1.03, len(si)), 1000)
    st = sd * DAY + 9 * 3600 + rng.integers(0, 1800, len(si))
    B.pay(employer, staff[si], sal, st, "salary")
    clients = B.add(int(rng.integers(2, 5)), "other", company=True,
                    name=names.company_names(rng, 4, ["商贸有限公司", "建筑工程有限公司", "科技有限公司"]))  # fmt: skip
    payroll = int(base.sum())
    ci = np.repeat(np.arange(len(clients)), len(mdays))
    cd = np.tile(mdays, len(clients)) + rng.integers(0, 8, len(ci))
    ca = _round_to(payroll * rng.uniform(1.1, 1.5, len(ci)) / len(clients), 100)
    B.pay(clients[ci], employer, ca, cd * DAY + _tod(rng, len(ci)), "income")

    shop = B.add(1, "shop", company=True, obtained=True,
                 name=names.company_names(rng, 1, ["超市有限公司", "购物广场", "生活超市"]))[0]  # fmt: skip
    merchants = B.add(int(rng.integers(8, 25)), "merchant", company=True,
                      name=names.company_names(rng, 24, ["餐饮管理有限公司", "加油站", "百货商店", "通讯器材店", "药房", "服装店", "电器商行"]))  # fmt: skip
    suppliers = B.add(int(rng.integers(3, 7)), "supplier", company=True,
                      name=names.company_names(rng, 6, ["食品贸易有限公司", "农产品批发有限公司", "日用品商行", "饮料经销部"]))  # fmt: skip
    walkers = B.add(max(30, P // 2), "other")
    un_part = card1[~p_obt]
    buyers = np.r_[private, un_part[rng.random(len(un_part)) < 0.25], walkers]
    rate = np.r_[np.full(len(private), 1.5), np.full(len(buyers) - len(private), 0.8)]
    nb = rng.poisson(rate * days / 30)
    bi = np.repeat(buyers, nb)
    bd = rng.integers(0, days, len(bi))
    ba = np.clip(np.round(rng.lognormal(np.log(120), 1.0, len(bi)) * 100), 500, 300_000).astype(
        np.int64
    )
    bt = bd * DAY + _tod(rng, len(bi), 8, 22)
    B.pay(bi, shop, ba, bt, "shopping")
    nmc = rng.poisson(2.0 * days / 30, len(private))
    mi = np.repeat(private, nmc)
    ma = np.clip(np.round(rng.lognormal(np.log(150), 1.1, len(mi)) * 100), 300, 800_000).astype(
        np.int64
    )
    B.pay(
        mi,
        rng.choice(merchants, len(mi)),
        ma,
        rng.integers(0, days, len(mi)) * DAY + _tod(rng, len(mi), 7, 23),
        "shopping",
    )
    # the shop pays its suppliers weekly from the takings and banks some cash
    wk = pd.DataFrame({"w": bt // (7 * DAY), "a": ba}).groupby("w", as_index=False)["a"].sum()
    ns = rng.integers(1, 4, len(wk))
    wi = np.repeat(np.arange(len(wk)), ns)
    share = rng.uniform(0.15, 0.35, len(wi))
    sa = _round_to(wk["a"].to_numpy()[wi] * share, 100)
    sday = np.minimum((wk["w"].to_numpy()[wi] + 1) * 7 + rng.integers(0, 3, len(wi)), days - 1)
    B.pay(
        shop,
        rng.choice(suppliers, len(wi)),
        sa,
        sday * DAY + _tod(rng, len(wi), 10, 17),
        "supplier",
    )
    n_cd = max(1, days // 7)
    B.pay(
        np.full(n_cd, CASH),
        shop,
        rng.integers(20, 100, n_cd) * 10_000,
        np.arange(n_cd) * 7 * DAY + _tod(rng, n_cd, 17, 21),
        "cash",
    )

    # family transfers between a few participants
    n_pairs = max(2, P // 40)
    fa = rng.choice(card1, n_pairs)
    fb = rng.choice(card1, n_pairs)
    fam = fa != fb
    fa, fb = fa[fam], fb[fam]
    nf = rng.poisson(0.7 * days / 30, len(fa))
    fi = np.repeat(np.arange(len(fa)), nf)
    flip = rng.random(len(fi)) < 0.5
    B.pay(np.where(flip, fb[fi], fa[fi]), np.where(flip, fa[fi], fb[fi]), rng.integers(20, 500, len(fi)) * 1000,
          rng.integers(0, days, len(fi)) * DAY + _tod(rng, len(fi), 8, 22), "family")  # fmt: skip

    # cash withdrawals of private persons
    atm_who = np.r_[collectors, ob_part, relatives]
    na = rng.poisson(0.5 * days / 30, len(atm_who))
    ai = np.repeat(atm_who, na)
    B.pay(
        ai,
        np.full(len(ai), CASH),
        rng.integers(5, 31, len(ai)) * 10_000,
        rng.integers(0, days, len(ai)) * DAY + _tod(rng, len(ai), 8, 22),
        "cash",
    )

    # --- the organisers take the bulk ------------------------------------------------
    bens = np.r_[controllers, relatives]
    ben_w = np.r_[np.full(n_ctrl, 3.0), np.ones(n_rel)]
    ben_w /= ben_w.sum()
    c_in = np.r_[dep_amt[dep_dst == company], a1[u1 == company], a2[u2 == company]]
    c_in_t = np.r_[dep_t[dep_dst == company], t1[u1 == company], t2[u2 == company]]
    c_out = np.r_[
        f_amt,
        card_sum[red_card][red_from == company],
        com["a"].to_numpy()[okc],
        np.full(len(mdays), office_rent),
    ]
    c_out_t = np.r_[f_t, red_t[red_from == company], com_t, mdays * DAY]
    flows = (
        pd.DataFrame({"m": np.r_[c_in_t, c_out_t] // (30 * DAY), "a": np.r_[c_in, -c_out]})
        .groupby("m")["a"]
        .sum()
    )
    sip_share = rng.uniform(0.35, 0.6)
    net = flows.to_numpy()
    mm = flows.index.to_numpy()
    sip_total = np.where(net > 0, (net * sip_share).astype(np.int64), 0)
    # after the collapse, most of what is left goes out in a few large sums
    retained = int(max(0, net.sum() - sip_total.sum()))
    ns = rng.integers(1, 5, len(mm))
    si = np.repeat(np.arange(len(mm)), ns)
    sa = _round_to(
        sip_total[si] * rng.dirichlet(np.ones(4), len(si))[:, 0] * 4 / ns[si].clip(1), 100_000
    )
    sd = np.minimum(mm[si] * 30 + rng.integers(20, 30, len(si)), days - 1)
    fin_n = int(rng.integers(2, 5))
    fin = _round_to(np.full(fin_n, retained * 0.85 / fin_n), 100_000)
    fin_d = np.minimum(cutoff_day + rng.integers(1, 10, fin_n), days - 1)
    s_to = rng.choice(bens, len(sa) + fin_n, p=ben_w)
    s_amt = np.r_[sa, fin]
    s_day = np.r_[sd, fin_d]
    B.pay(company, s_to, s_amt, s_day * DAY + _tod(rng, len(s_to), 9, 17), "siphon")
    # property and cash from what the controllers and relatives received
    got = np.zeros(B.n, dtype=np.int64)
    np.add.at(got, s_to, s_amt)
    for i, c in enumerate(controllers):
        if got[c] <= 0 or (i > 0 and rng.random() > 0.7):
            continue
        n_pp = int(rng.integers(1, 3))
        pa = _round_to(np.full(n_pp, got[c] * rng.uniform(0.2, 0.45) / n_pp), 1_000_000)
        firsts = s_day[s_to == c]
        pday = np.minimum(int(np.median(firsts)) + rng.integers(3, 40, n_pp), days - 1)
        B.pay(
            np.full(n_pp, c),
            rng.choice(property_sellers, n_pp),
            pa,
            pday * DAY + _tod(rng, n_pp, 10, 16),
            "property",
        )
    for b in bens:
        if got[b] <= 0:
            continue
        nc = int(rng.integers(2, 8))
        firsts = int(s_day[s_to == b].min())
        cday = rng.integers(firsts + 1, days, nc) if firsts + 1 < days else np.full(nc, days - 1)
        B.pay(
            np.full(nc, b),
            np.full(nc, CASH),
            rng.integers(10, 50, nc) * 1_000_000 // 10,
            cday * DAY + _tod(rng, nc, 9, 17),
            "cash",
        )
    # relatives get a share from the controllers too
    for r in relatives:
        c = rng.choice(controllers)
        if got[c] > 0:
            d = (
                int(rng.integers(int(s_day[s_to == c].min()) + 1, days))
                if s_day[s_to == c].min() + 1 < days
                else days - 1
            )
            B.pay(
                [c],
                [r],
                [_round_to(got[c] * rng.uniform(0.02, 0.1), 100_000)],
                [d * DAY + 11 * 3600],
                "siphon",
            )

    # --- assemble --------------------------------------------------------------------
    acc = pd.DataFrame(
        {
            "id": np.concatenate([a["id"] for a in B.acc]),
            "kind": np.concatenate([a["kind"] for a in B.acc]),
            "company": np.concatenate([a["company"] for a in B.acc]),
            "obtained": np.concatenate([a["obtained"] for a in B.acc]),
        }
    )
    hn = np.empty(B.n, dtype=object)
    hid = np.empty(B.n, dtype=object)
    for a in B.acc:
        n = len(a["id"])
        comp = bool(a["company"][0]) if n else False
        if a["holder_name"] is not None:
            hn[a["id"]] = np.asarray(a["holder_name"], dtype=object)[:n]
        else:
            hn[a["id"]] = (
                names.company_names(rng, n, ["商贸有限公司", "科技有限公司"])
                if comp
                else names.person_names(rng, n)
            )
        if a["holder_id"] is not None:
            hid[a["id"]] = a["holder_id"]
        else:
            hid[a["id"]] = names.credit_codes(rng, n) if comp else names.resident_ids(rng, n)
    acc["holder_name"] = hn
    acc["holder_id"] = hid
    level = np.full(B.n, -1, dtype=np.int64)
    level[company] = 0
    level[payout] = 1
    level[leaders] = 1
    level[sales] = np.where(is_lead[upstream[sales]], 2, 1)
    acc["level"] = level

    tr = pd.DataFrame(
        {
            "src": np.concatenate([t[0] for t in B.tr]),
            "dst": np.concatenate([t[1] for t in B.tr]),
            "amount": np.concatenate([t[2] for t in B.tr]),
            "t": np.concatenate([t[3] for t in B.tr]),
            "kind": np.concatenate([t[4] for t in B.tr]),
        }
    )
    tr = tr[(tr["t"] >= 0) & (tr["t"] < days * DAY)]
    obt = acc["obtained"].to_numpy()
    so = np.where(tr["src"].to_numpy() >= 0, obt[tr["src"].clip(lower=0)], False)
    do = np.where(tr["dst"].to_numpy() >= 0, obt[tr["dst"].clip(lower=0)], False)
    tr = tr[so | do].copy()
    tr["src_obt"] = so[so | do]
    tr["dst_obt"] = do[so | do]
    tr = tr.sort_values(["t", "src", "dst", "amount"], kind="stable").reset_index(drop=True)
    return World(
        accounts=acc,
        transfers=tr,
        start=start_ts,
        end=end_ts,
        rate_bp=rate_bp,
        info={"recruit_days": rec_days, "cutoff_day": cutoff_day, "days": days, "n_m": n_m},
    )
