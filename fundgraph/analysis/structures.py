"""Collection structures: who collects, where the money concentrates, who pays in.

The rule combines several signals instead of a single threshold (docs/method.md):

1. **Investment-like transfers** — a round sum (a multiple of ``deposit_unit``, at least
   ``min_deposit``) from an account that is not an employer's payroll, whose memo does not
   name an everyday payment (salary, rent, refund, goods ...).
2. **Fan-in hubs** — accounts that take investment-like transfers from at least
   ``min_payers`` distinct accounts.
3. **Scheme closure** — starting from the hubs, every account whose money comes mostly
   (``closure_share``) from accounts already in the closure, that is not a net payer into
   it and does not spend far more than the scheme gives it (collectors forwarding up, the
   core, payout and transit accounts, relatives — not participants living on returns).
4. **Returns** — accounts of the closure that pay money back to the people who paid
   investments in (interest, 返利, redemptions) are *active*; activity propagates against the
   flow to every closure account that sends at least ``active_share`` of its outflow to
   active accounts (collectors → core → payout).
5. **Structures** — weakly connected groups of active accounts; one is kept only when
   enough of its payers got money back through a real loop (two or more returns, or a return
   from an account other than the one paid): a shop, a landlord, a payroll or a family never
   closes that loop. Accounts with too few payers to be hubs that take investment-like sums
   from people the structure pays returns to, and pass at least 80 % of them into it, are
   small collectors: they are added as hubs and steps 3–5 run again.
6. **Roles** — the *core* is where money concentrates (largest inflow kept, not mainly a
   payer of returns); *collectors* take investments from two or more payers and pass them
   on; *transit* accounts pass money between scheme accounts or pay the returns;
   *participants* paid investments in; *beneficiaries* receive scheme money that is not a
   return (relatives, property sellers); ``level`` counts hops from the core along the flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from .. import coded as _coded
from ..results import Structure
from .coded import SchemeTransfers as CodedTransfers  # the steps read the scheme signals too
from .coded import bincount, code_transfers, investment_mask, passed_on, scheme_transfers
from .features import encode_accounts, memo_matches
from .rules import SchemeRules, rules_with

__all__ = [
    "SchemeResult",
    "STRUCTURE_KINDS",
    "find_structures",
    "transfers_table",
    "encode_accounts",
]

#: Kinds of structure, in the order they are searched.
STRUCTURE_KINDS = ("ponzi", "pyramid", "fraud")


@dataclass
class SchemeResult:
    """What :func:`find_structures` found.

    Attributes
    ----------
    accounts : DataFrame
        Indexed by account: ``role``, ``level``, ``structure`` and the signals used
        (``distinct_payers``, ``returned_payers``, ``forward_share`` ...).
    investments : DataFrame
        Investment transfers into scheme accounts: ``src``, ``dst``, ``amount``, ``time``,
        ``structure``.
    returns : DataFrame
        Transfers from scheme accounts back to participants: ``src``, ``dst``,
        ``amount``, ``time``, ``structure``.
    structures : list of Structure
        One entry per collection structure (see :func:`find_structures`).
    """

    accounts: pd.DataFrame
    investments: pd.DataFrame
    returns: pd.DataFrame
    structures: list[Structure] = field(default_factory=list)


def transfers_table(G_or_table: nx.Graph | pd.DataFrame) -> pd.DataFrame:
    """The transfers behind ``G_or_table``: a transfers DataFrame as is, or the edges of a
    :func:`fundgraph.graph.transfer_multigraph` / :func:`~fundgraph.graph.flow_graph` (one
    row per edge, time = last time)."""
    if isinstance(G_or_table, pd.DataFrame):
        return G_or_table
    rows = []
    multi = G_or_table.is_multigraph()
    for e in G_or_table.edges(data=True, keys=True) if multi else G_or_table.edges(data=True):
        s, d, a = (e[0], e[1], e[-1])
        rows.append(
            (s, d, int(a.get("amount", 0)), a.get("time", a.get("last_time")), a.get("memo", ""))
        )
    t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time", "memo"])
    t["time"] = pd.to_datetime(t["time"])
    return t


def _recurring(c: CodedTransfers, r: SchemeRules) -> np.ndarray:
    """True for transfers of a pair that pays about the same sum (within
    ``recurring_spread``) in ``recurring_months`` months or more at a steady pace (most
    gaps between one payment and the next within ``recurring_gap_spread`` of their
    median) and never naming an investment in a memo: rent, bills, a salary, everyday
    payments and not a share of the scheme's money. A person paying a scheme the same
    sum three times at uneven intervals invests; a tenant pays monthly (or quarterly)
    like clockwork, and does not call it 投资款.

    Cached on ``c``, as it depends on the transfers and the rules only."""
    cache = c.__dict__.setdefault("_recurring_cache", {})
    key = (r.recurring_months, r.recurring_spread, r.recurring_gap_spread)
    if key in cache:
        return cache[key]
    s, d = c.s, c.d
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    df = pd.DataFrame(
        {"s": s, "d": d, "a": c.amt.astype(np.float64), "m": c.month, "t": c.tns, "i": c.memo_inv}
    )
    g = df.groupby(["s", "d"], sort=False)
    months = g["m"].transform("nunique").to_numpy()
    mean = g["a"].transform("mean").to_numpy()
    std = g["a"].transform("std").fillna(0).to_numpy()
    # a tenant does not write 投资款 on its rent: a pair that ever names an investment
    named_inv = g["i"].transform("any").to_numpy(dtype=bool)
    out = (months >= r.recurring_months) & (std <= r.recurring_spread * mean) & ~named_inv
    if out.any():
        sub = df[out].sort_values(["s", "d", "t"], kind="stable")
        same = ((sub["s"].diff() == 0) & (sub["d"].diff() == 0)).to_numpy()
        gap = sub["t"].diff().to_numpy(dtype=np.float64, copy=True)
        gap[~same] = np.nan
        keys = [sub["s"].to_numpy(), sub["d"].to_numpy()]
        med = pd.Series(gap).groupby(keys).transform("median").to_numpy()
        lo, hi = 1 - r.recurring_gap_spread, 1 + r.recurring_gap_spread
        steady = same & (gap >= lo * med) & (gap <= hi * med)
        n_steady = pd.Series(steady).groupby(keys).transform("sum").to_numpy()
        n_gaps = pd.Series(same).groupby(keys).transform("sum").to_numpy()
        ok = np.zeros(len(s), dtype=bool)
        ok[sub.index.to_numpy()] = 2 * n_steady >= n_gaps
        out &= ok
    cache[key] = out
    return out


def _periodic_of(c: CodedTransfers, months: int) -> np.ndarray:
    """:func:`_periodic` of the transfers of ``c``, computed once per coded table."""
    cache = c.__dict__.setdefault("_periodic_cache", {})
    if months not in cache:
        cache[months] = _periodic(c.s, c.d, c.amt, c.tns, months)
    return cache[months]


def _periodic(
    s: np.ndarray, d: np.ndarray, amt: np.ndarray, tns: np.ndarray, months: int
) -> np.ndarray:
    """True for transfers of one exact sum that a pair pays month by month (a gap of 25
    to 35 days between one and the next at least ``months - 1`` times, and for at least
    half of the gaps): monthly interest, a wage. Several such series may run side by side
    in one pair; a sum that merely recurs (round deposits passed on as they come) is not
    one.

    >>> day = 86_400 * 10**9
    >>> _periodic(np.array([0, 0, 0, 0, 0]), np.array([1, 1, 1, 1, 1]),
    ...           np.array([500, 500, 500, 700, 700]),
    ...           np.array([0, 30, 61, 3, 90]) * day, 3).tolist()
    [True, True, True, False, False]
    """
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    df = pd.DataFrame({"s": s, "d": d, "a": amt, "t": tns}).sort_values(["s", "d", "a", "t"])
    same = ((df["s"].diff() == 0) & (df["d"].diff() == 0) & (df["a"].diff() == 0)).to_numpy()
    gap = df["t"].diff().to_numpy() / (86_400 * 10**9)
    monthly = same & (gap >= 25) & (gap <= 35)
    keys = [df["s"].to_numpy(), df["d"].to_numpy(), df["a"].to_numpy()]
    n_monthly = pd.Series(monthly).groupby(keys).transform("sum").to_numpy()
    n_gaps = pd.Series(same).groupby(keys).transform("sum").to_numpy()
    out = np.zeros(len(s), dtype=bool)
    out[df.index.to_numpy()] = (n_monthly >= months - 1) & (2 * n_monthly >= n_gaps)
    return out


def _pairs(s: np.ndarray, d: np.ndarray) -> np.ndarray:
    if len(s) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.stack([s, d], axis=1), axis=0)


def _distinct_payers(c: CodedTransfers, mask: np.ndarray) -> np.ndarray:
    """Per account: distinct senders of the transfers in ``mask``."""
    pairs = _pairs(c.s[mask], c.d[mask])
    return bincount(pairs[:, 1], None, c.n).astype(np.int64)


@dataclass
class _Found:
    """Accounts and transfers of one kind of structure, before numbering.

    ``comp`` holds a raw group id per account (-1 outside), ``role`` and ``level`` per
    account, ``inv``/``ret`` are boolean masks over the coded transfers (investments into
    and returns out of the group) and ``info`` the evidence per raw group id.
    """

    kind: str
    comp: np.ndarray
    role: np.ndarray
    level: np.ndarray
    inv: np.ndarray
    ret: np.ndarray
    info: dict[int, dict[str, Any]] = field(default_factory=dict)
    returned_by: np.ndarray | None = None
    closure: np.ndarray | None = None


# ------------------------------------------------------------------- Ponzi: steps 2–5


def _closure(c: CodedTransfers, dep: np.ndarray, hub: np.ndarray, r: SchemeRules) -> np.ndarray:
    """Step 3: every account whose money comes mostly from the scheme, not a net payer in
    (neither overall nor into any one group of hubs joined by their own money)."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    in_s = hub.copy()
    dep_out = bincount(s[dep], famt[dep], n)
    # what it paid the hubs whatever the sums look like (an odd instalment scores as
    # no investment, but money put in is not money the scheme handed out)
    paid = hub[d] & ~c.everyday & (c.amt >= r.min_investment)
    into_hubs = bincount(s[paid], famt[paid], n)
    # the hubs joined by their own money form groups; an account joins the group that
    # funds it most
    grp = _components(c, hub, r.min_investment)
    npay = _distinct_payers(c, dep)
    dep_pair = np.isin(_pair_keys(s, d, n), _pair_keys(s[dep], d[dep], n))
    # the same sum month after month (interest, a wage) pays a person back: it does not
    # make the receiver one of the accounts handing the scheme's money on
    periodic = _periodic_of(c, r.periodic_months)
    for _ in range(50):
        m = in_s[s] & ~periodic
        from_s = bincount(d[m], famt[m], n)
        dm = dep & hub[d] & ~in_s[s]  # investments into the collectors
        dep_to_s = bincount(s[dm], famt[dm], n)
        # a participant living on its returns spends far more than it gets from the
        # scheme: money of its own went in
        funded = (c.total_out <= 2 * c.total_in) | (from_s >= 3 * dep_out)
        new = (
            (~in_s)
            & (from_s > 0)
            & (from_s >= r.closure_share * c.total_in)
            & (from_s >= 3 * np.maximum(dep_to_s, into_hubs))
            & funded
        )
        if not new.any():
            break
        # the same test group by group: an account that put into one group more than a
        # third of what that group paid it invested there, whatever another group (a
        # relative's, a lender's) handed it; made a member, it would join the two
        mn = m & new[d]
        got = _by_group(d[mn], grp[s[mn]], famt[mn]).rename(columns={"a": "a_got"})
        # only into a hub that has enough payers without it (a core's commission to a
        # collector is not what makes that collector a hub)
        pb = paid & new[s] & (npay[d] - dep_pair.astype(np.int64) >= r.min_payers)
        put = _by_group(s[pb], grp[d[pb]], famt[pb])
        both = put.join(got, how="left").fillna(0.0)
        payer = both.index.get_level_values(0)[both["a"] > both["a_got"] / 3].unique()
        new[payer.to_numpy(dtype=np.int64)] = False
        if not new.any():
            break
        main = got.reset_index().sort_values(["x", "a_got", "g"], ascending=[True, False, True])
        mx, mg = (main.drop_duplicates("x")[k].to_numpy() for k in ("x", "g"))
        grp[mx[new[mx]]] = mg[new[mx]]
        in_s |= new
    return in_s


def _by_group(x: np.ndarray, g: np.ndarray, amt: np.ndarray) -> pd.DataFrame:
    """Sums of ``amt`` per account ``x`` and group ``g`` (index ``x, g``).

    >>> t = _by_group(np.array([0, 0, 1]), np.array([5, 5, 7]), np.array([1.0, 2.0, 4.0]))
    >>> t.reset_index().to_numpy().tolist()
    [[0.0, 5.0, 3.0], [1.0, 7.0, 4.0]]
    """
    t = pd.DataFrame({"x": x, "g": g, "a": amt})
    return t.groupby(["x", "g"], sort=True)[["a"]].sum()


def _activity(
    c: CodedTransfers, dep: np.ndarray, in_s: np.ndarray, r: SchemeRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 4: accounts paying money back to payers, and those feeding them."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    dep_mask = dep & in_s[d] & ~in_s[s]
    depositor = np.zeros(n, dtype=bool)
    depositor[s[dep_mask]] = True
    ret_mask = in_s[s] & depositor[d] & ~in_s[d] & ~c.everyday
    rpairs = _pairs(s[ret_mask], d[ret_mask])
    returned_by = bincount(rpairs[:, 0], None, n).astype(np.int64)
    active = in_s & (returned_by >= 2)
    active |= _funds_returns(c, dep_mask, rpairs, in_s, active, r)
    for _ in range(50):
        m = active[d]
        to_active = bincount(s[m], famt[m], n)
        new = in_s & ~active & (to_active > 0) & (to_active >= r.active_share * c.out_acc)
        if not new.any():
            break
        active |= new
    return dep_mask, ret_mask, active, returned_by


def _funds_returns(
    c: CodedTransfers,
    dep_mask: np.ndarray,
    rpairs: np.ndarray,
    in_s: np.ndarray,
    active: np.ndarray,
    r: SchemeRules,
) -> np.ndarray:
    """Closure accounts that pay an account paying money back to their own payers, for
    at least ``min_returned`` payers (payer -> core -> payout -> payer): a loop, however
    small a share of the core's outflow the returns take (a scheme that siphons most of
    its money away still funds its payouts)."""
    s, d, n = c.s, c.d, c.n
    out = np.zeros(n, dtype=bool)
    xy = in_s[s] & active[d] & ~active[s] & (s != d)
    if not xy.any() or not len(rpairs):
        return out
    fund = pd.DataFrame(_pairs(s[xy], d[xy]), columns=["x", "y"])
    paid = pd.DataFrame(_pairs(s[dep_mask], d[dep_mask]), columns=["p", "x"])
    back = pd.DataFrame(rpairs, columns=["y", "p"])
    loop = fund.merge(back, on="y").merge(paid, on=["p", "x"])
    per = loop.groupby("x")["p"].nunique()
    out[per.index[per >= r.min_returned].to_numpy()] = True
    return out


def _components(c: CodedTransfers, member: np.ndarray, min_amount: int = 0) -> np.ndarray:
    """Weakly connected groups of ``member`` accounts over their transfers of at least
    ``min_amount`` (-1 outside)."""
    s, d, n = c.s, c.d, c.n
    e = member[s] & member[d] & (c.amt >= min_amount)
    comp = np.full(n, -1, dtype=np.int64)
    if member.any():
        adj = sparse.coo_matrix((np.ones(int(e.sum())), (s[e], d[e])), shape=(n, n)).tocsr()
        _, labels = csgraph.connected_components(adj, directed=True, connection="weak")
        comp[member] = labels[member]
    return comp


def _looped_groups(
    c: CodedTransfers,
    dep_mask: np.ndarray,
    ret_mask: np.ndarray,
    active: np.ndarray,
    comp: np.ndarray,
    r: SchemeRules,
) -> tuple[list[int], dict[int, dict[str, Any]]]:
    """Step 5: groups where enough payers got money back through a real loop."""
    s, d, amt = c.s, c.d, c.amt
    dep = pd.DataFrame(
        {"payer": s[dep_mask], "node": d[dep_mask], "amount": amt[dep_mask], "t": c.tns[dep_mask]}
    )
    dep = dep[active[dep["node"].to_numpy()]]
    dep["comp"] = comp[dep["node"].to_numpy()]
    ret_m2 = ret_mask & active[s]
    ret = pd.DataFrame(
        {"node": s[ret_m2], "payer": d[ret_m2], "amount": amt[ret_m2], "t": c.tns[ret_m2]}
    )
    ret["comp"] = comp[ret["node"].to_numpy()]
    # money back counts only after the payer's first investment into the group
    first = dep.groupby(["comp", "payer"])["t"].min().rename("first").reset_index()
    ret = ret.merge(first, on=["comp", "payer"], how="inner")
    ret = ret[ret["t"] > ret["first"]]
    # money back at least ``min_returns_each`` times (interest, instalments of a return):
    # one payment back, from wherever, is as likely a loan repaid or a gift
    per_payer = ret.groupby(["comp", "payer"]).size().rename("n")
    looped = per_payer[per_payer >= r.min_returns_each].reset_index()
    n_looped = looped.groupby("comp").size()
    n_payers = dep.groupby("comp")["payer"].nunique()
    need = np.maximum(r.min_returned, np.ceil(r.returned_share * n_payers))
    got = n_looped.reindex(n_payers.index).fillna(0)
    ok = (n_payers >= r.min_payers) & (got >= need)
    valid = sorted(int(x) for x in n_payers.index[ok])
    info = {
        g: {"payers": int(n_payers[g]), "looped_payers": int(got[g]), "required": int(need[g])}
        for g in valid
    }
    return valid, info


class _Pass:
    """One pass of the Ponzi search (closure, activity, loop-validated groups)."""

    def __init__(self, c: CodedTransfers, dep: np.ndarray, hub: np.ndarray, r: SchemeRules):
        self.in_s = _closure(c, dep, hub, r)
        self.dep_mask, self.ret_mask, self.active, self.returned_by = _activity(
            c, dep, self.in_s, r
        )
        # joined by the scheme's money: a few hundred yuan between two members' owners
        # does not make two collections one
        self.comp = _components(c, self.active, r.min_investment)
        self.valid_comps, self.info = _looped_groups(
            c, self.dep_mask, self.ret_mask, self.active, self.comp, r
        )
        self.valid = np.isin(self.comp, self.valid_comps) & self.active


def _small_collectors(
    c: CodedTransfers, dep: np.ndarray, hub: np.ndarray, passed: _Pass, r: SchemeRules
) -> tuple[np.ndarray, _Pass]:
    """Accounts with too few payers to be hubs that take investments from people the
    scheme pays back and pass them on into it: added as hubs, and the search runs again."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    for _ in range(5):
        valid = passed.valid
        rm = valid[s] & ~valid[d] & ~c.everyday
        got_back = np.zeros(n, dtype=bool)
        got_back[d[rm]] = True
        m = dep & got_back[s] & ~valid[s] & ~valid[d] & ~c.payroll[s]
        from_returned = bincount(d[m], famt[m], n)
        # passed on after it came in, into the structure
        fwd = m & passed_on(c, r.collector_pass_hours, r.forward_share, to=valid)
        to_valid = bincount(d[fwd], famt[fwd], n)
        fv = valid[d] & ~valid[s]
        put_in = bincount(s[fv], famt[fv], n)
        small = (
            (~hub)
            & (from_returned > 0)
            & (to_valid >= r.small_collector_share * from_returned)
            & (put_in <= r.collector_own_ratio * from_returned)
            & ~c.payroll
        )
        if not small.any():
            break
        hub = hub | small
        passed = _Pass(c, dep, hub, r)
    return hub, passed


def _forwarding_hubs(
    c: CodedTransfers, dep: np.ndarray, hub: np.ndarray, p: _Pass, r: SchemeRules
) -> tuple[np.ndarray, _Pass]:
    """A collector passes its payers' money on: a hub that is not where its structure's
    money stays and forwards less than ``hub_forward_share`` of the investments it took
    into the structure is a person with relatives or friends paying it, not a collector;
    such hubs are dropped and the search runs again."""
    d = c.d
    valid, comp = p.valid, p.comp
    if not valid.any():
        return hub, p
    core, _ = _ponzi_core(c, p, valid, comp)
    # what it passed on into the structure after it came in (a participant's own
    # deposit made before its relatives paid it is not their money passed on)
    # counting what lower collectors passed up to it: a leader whose team's money goes
    # on within hours collects, even when one large payment to it stays (it keeps a cut)
    s = c.s
    from_team = valid[s] & valid[d] & hub[s] & ~core[s] & (s != d) & ~c.everyday
    from_team &= ~_periodic_of(c, r.periodic_months)
    inv_in, _ = _taken_and_passed(c, p.dep_mask & valid[d], valid, r)
    took_all, fwd = _taken_and_passed(c, (p.dep_mask & valid[d]) | from_team, valid, r)
    weak = hub & valid & ~core & (inv_in > 0) & (fwd < r.hub_forward_share * took_all)
    # and it puts into the structure at most ``collector_own_ratio`` times what it was
    # paid (its payers' and lower collectors' money; the structure's monthly same sums,
    # interest, not counted): a participant paying in far more than its relatives gave
    # it invests its own money, whatever it passes on of theirs
    big = ~c.everyday & (c.amt >= r.min_investment) & (s != d)
    took_m = big & ~(_periodic_of(c, r.periodic_months) & valid[s])
    took = bincount(d[took_m], c.famt[took_m], c.n)
    put = bincount(s[big & valid[d] & valid[s]], c.famt[big & valid[d] & valid[s]], c.n)
    weak |= hub & valid & ~core & (put > r.collector_own_ratio * took)
    if not weak.any():
        return hub, p
    hub = hub & ~weak
    return hub, _Pass(c, dep, hub, r)


def _silent_collectors(
    c: CodedTransfers,
    dep: np.ndarray,
    valid: np.ndarray,
    comp: np.ndarray,
    level: np.ndarray,
    r: SchemeRules,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Collection points whose passing-on is not in the statements: an account that
    the structure pays and that pays nothing into it, one of whose investment payers
    paid nothing else into the structure, got nothing from it before, and was then paid
    back by it (``min_returns_each`` times after it paid the account, or once in a sum
    whose memo names a return; the returns can only be for that payment), is one of
    its collectors, placed one level below the
    account paying its payers back (or paying it). Returns the accounts, their group and
    their level."""
    s, d, n = c.s, c.d, c.n
    silent = np.zeros(n, dtype=bool)
    s_comp = np.full(n, -1, dtype=np.int64)
    s_level = np.full(n, -1, dtype=np.int64)
    # an account paying the structure anything is a payer in, not a silent collector
    pays_in = np.zeros(n, dtype=bool)
    pays_in[s[valid[d] & ~c.everyday]] = True
    cand = ~valid & ~pays_in
    if not cand.any() or not valid.any():
        return silent, s_comp, s_level
    paid_by = valid[s] & cand[d] & ~c.everyday
    pay = dep & cand[d] & ~pays_in[s] & ~valid[s] & ~c.payroll[s]
    back = valid[s] & ~valid[d] & ~c.everyday
    if not (paid_by.any() and pay.any() and back.any()):
        return silent, s_comp, s_level
    first = (
        pd.DataFrame({"x": d[pay], "p": s[pay], "t": c.tns[pay]})
        .groupby(["x", "p"], sort=False)["t"]
        .min()
        .rename("first")
        .reset_index()
    )
    rets = pd.DataFrame({"p": d[back], "y": s[back], "t": c.tns[back], "named": c.memo_ret[back]})
    rets["g"] = comp[rets["y"].to_numpy()]
    m = first.merge(rets, on="p")
    # money back follows the investment: a payer the structure paid before is paid for
    # something else (a beneficiary handing some on)
    paid_before = m.loc[m["t"] <= m["first"], ["x", "p"]].drop_duplicates()
    m = m[m["t"] > m["first"]]
    n_back = m.groupby(["x", "p", "g"], sort=False)["named"].agg(k="size", named="any")
    n_back = n_back.reset_index()
    # ``min_returns_each`` times, or once named a return (the statements end before more)
    n_back = n_back[(n_back["k"] >= r.min_returns_each) | n_back["named"]]
    n_back = n_back.drop(columns="named")
    # returns are a fraction of the deposit, a few times it at most over the years: a
    # payer the structure hands many times what it paid is a beneficiary, not an
    # investor being paid back
    paid_x = pd.DataFrame({"x": d[pay], "p": s[pay], "a": c.famt[pay]})
    paid_x = paid_x.groupby(["x", "p"], sort=False)["a"].sum().rename("paid").reset_index()
    back_p = pd.Series(bincount(d[back], c.famt[back], n))
    n_back = n_back.merge(paid_x, on=["x", "p"])
    n_back = n_back[back_p.to_numpy()[n_back["p"].to_numpy()] <= r.silent_max_back * n_back["paid"]]
    n_back = n_back.drop(columns="paid")
    if len(paid_before):
        n_back = n_back.merge(paid_before, on=["x", "p"], how="left", indicator=True)
        n_back = n_back[n_back["_merge"] == "left_only"].drop(columns="_merge")
    funds = pd.DataFrame({"x": d[paid_by], "g": comp[s[paid_by]], "lv": level[s[paid_by]]})
    ok = n_back.merge(funds.drop_duplicates(["x", "g"])[["x", "g"]], on=["x", "g"])
    if ok.empty:
        return silent, s_comp, s_level
    g_of = ok.sort_values(["x", "g"]).drop_duplicates("x").set_index("x")["g"]
    # investments are most of what it takes from outside the structure: a shop that a
    # payer once paid a large sum is a shop, whatever the structure later paid that payer
    outside = ~valid[s] & (s != d)
    inv_in = bincount(d[outside & dep], c.famt[outside & dep], n)
    took = bincount(d[outside], c.famt[outside], n)
    x = g_of.index.to_numpy(dtype=np.int64)
    g_of = g_of[inv_in[x] >= r.silent_invest_share * took[x]]
    if g_of.empty:
        return silent, s_comp, s_level
    x = g_of.index.to_numpy(dtype=np.int64)
    silent[x] = True
    s_comp[x] = g_of.to_numpy()
    m = m.merge(g_of.rename("g0").reset_index(), on="x")
    m = m[m["g"] == m["g0"]]
    lv_back = m.assign(lv=level[m["y"].to_numpy()]).groupby("x")["lv"].max()
    funds = funds.merge(g_of.rename("g0").reset_index(), on="x")
    lv_fund = funds[funds["g"] == funds["g0"]].groupby("x")["lv"].max()
    lv = lv_back.reindex(x).fillna(lv_fund.reindex(x)).fillna(0).to_numpy(dtype=np.int64)
    s_level[x] = lv + 1
    return silent, s_comp, s_level


def _taken_and_passed(
    c: CodedTransfers, took: np.ndarray, into: np.ndarray, r: SchemeRules
) -> tuple[np.ndarray, np.ndarray]:
    """Per account: cents it took in by the transfers ``took``, and the part of those it
    passed on into the accounts ``into`` within ``collector_pass_hours`` after each came
    in (at least ``forward_share`` of the sum)."""
    d, famt, n = c.d, c.famt, c.n
    fwd = took & passed_on(c, r.collector_pass_hours, r.forward_share, to=into)
    return bincount(d[took], famt[took], n), bincount(d[fwd], famt[fwd], n)


def _ponzi_core(
    c: CodedTransfers, p: _Pass, valid: np.ndarray, comp: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Step 6a: the core of each group: the largest net keeper that is not a payout."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    e_v = valid[s] & valid[d] & (comp[s] == comp[d])
    in_from = bincount(d[e_v], famt[e_v], n)
    out_to = bincount(s[e_v], famt[e_v], n)
    dep_v = p.dep_mask & valid[d]
    dep_in = bincount(d[dep_v], famt[dep_v], n)
    ret_v = p.ret_mask & valid[s]
    ret_out = bincount(s[ret_v], famt[ret_v], n)
    net = in_from + dep_in - out_to
    # a payout account passes most of what it gets on as returns; the core keeps money
    not_payout = ~((ret_out >= 0.5 * c.total_out) & (c.total_out >= 0.7 * c.total_in))
    core = np.zeros(n, dtype=bool)
    vi = np.flatnonzero(valid)
    if len(vi):
        vc = pd.DataFrame({"i": vi, "comp": comp[vi], "net": net[vi], "np": not_payout[vi]})
        cand = vc[vc["np"]] if vc["np"].any() else vc
        best = cand.groupby("comp")["net"].transform("max")
        core[cand["i"][cand["net"] >= 0.5 * best].to_numpy()] = True
        # a structure whose accounts all pay returns: the largest keeper is the core
        missing = set(vc["comp"]) - set(comp[core])
        if missing:
            sub = vc[vc["comp"].isin(missing)]
            core[sub.loc[sub.groupby("comp")["net"].idxmax(), "i"].to_numpy()] = True
    flows = {"e_v": e_v, "in_from": in_from, "out_to": out_to, "ret_out": ret_out}
    flows["not_payout"] = not_payout
    return core, flows


def _flow_levels(
    c: CodedTransfers, members: np.ndarray, edges: np.ndarray, core: np.ndarray
) -> np.ndarray:
    """Hops against the flow from the core over substantial internal edges (-1 outside)."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    level = np.full(n, -1, dtype=np.int64)
    vi = np.flatnonzero(members)
    if not len(vi):
        return level
    out_to = bincount(s[edges], famt[edges], n)
    ea = pd.DataFrame({"s": s[edges], "d": d[edges], "a": famt[edges]})
    ea = ea.groupby(["s", "d"])["a"].sum().reset_index()
    ea = ea[ea["a"] >= 0.1 * out_to[ea["s"].to_numpy()]]
    rev = sparse.coo_matrix(
        (np.ones(len(ea)), (ea["d"].to_numpy(), ea["s"].to_numpy())), shape=(n, n)
    ).tocsr()
    fwd = rev.T.tocsr()
    cores = np.flatnonzero(core)
    up = csgraph.dijkstra(rev, unweighted=True, indices=cores, min_only=True)
    down = csgraph.dijkstra(fwd, unweighted=True, indices=cores, min_only=True)
    lv = np.where(np.isfinite(up), up, down)
    lv = np.where(np.isfinite(lv), lv, 1)
    level[vi] = lv[vi].astype(np.int64)
    level[core] = 0
    return level


def _participant_levels(
    c: CodedTransfers, inv_mask: np.ndarray, level: np.ndarray, part: np.ndarray
) -> None:
    """Participants sit one level below the highest account they paid (in place)."""
    s, d = c.s, c.d
    if not inv_mask.any():
        return
    p_level = pd.Series(level[d[inv_mask]]).groupby(s[inv_mask]).min()
    idx = p_level.index.to_numpy()
    level[idx] = np.where(part[idx], p_level.to_numpy() + 1, level[idx])


def _follow_on(
    c: CodedTransfers, inv_mask: np.ndarray, part: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """A participant's further payments into an account it invested in: instalments
    and top-ups are paid in too, whatever their sum looks like, unless the memo names
    an everyday purpose or the sum is below ``min_investment``.

    Examples
    --------
    One investment with an investment memo, two more instalments of the same odd sum:

    >>> t = pd.DataFrame({"src": ["p", "p", "p"], "dst": ["c", "c", "c"],
    ...     "amount": [168_200, 168_200, 168_300], "memo": ["理财", "", "转账"],
    ...     "time": pd.to_datetime(["2022-01-01", "2022-02-01", "2022-03-01"])})
    >>> c = code_transfers(t)
    >>> part = np.array([False, True])  # nodes are sorted: c, p
    >>> _follow_on(c, np.array([True, False, False]), part, SchemeRules()).tolist()
    [False, True, True]
    """
    s, d = c.s, c.d
    if not inv_mask.any():
        return np.zeros(len(s), dtype=bool)
    invested = np.unique(_pair_keys(s[inv_mask], d[inv_mask], c.n))
    cand = part[s] & ~inv_mask & ~c.everyday & (c.amt >= r.min_investment) & ~c.payroll[s]
    if not cand.any():
        return cand
    ci = np.flatnonzero(cand)
    hit = np.isin(_pair_keys(s[ci], d[ci], c.n), invested)
    out = np.zeros(len(s), dtype=bool)
    out[ci[hit]] = True
    return out


def _paid_back_payers(
    c: CodedTransfers, inv_mask: np.ndarray, valid: np.ndarray, part: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """Payments of natural persons into a found structure that nothing about the sum
    marks as an investment (an odd instalment, no memo), made by payers the structure
    then pays money back to periodically: at least ``min_returns_each`` payments after
    their first one (or one whose memo names a return: interest, 返利), from a
    structure account other than the one they paid, or from the same one in sums of at
    most ``interest_share`` of what they paid it.

    Examples
    --------
    ``p`` pays collector ``k`` two odd sums and gets interest twice from payout ``y``:

    >>> t = pd.DataFrame({"src": ["p", "p", "y", "y"], "dst": ["k", "k", "p", "p"],
    ...     "amount": [251_100, 251_300, 5_800, 5_800], "memo": "",
    ...     "time": pd.to_datetime(["2022-01-01", "2022-02-01", "2022-02-01", "2022-03-01"])})
    >>> c = code_transfers(t)  # nodes sorted: k, p, y
    >>> valid = np.array([True, False, True])
    >>> none = np.zeros(4, dtype=bool)
    >>> _paid_back_payers(c, none, valid, np.zeros(3, dtype=bool), SchemeRules()).tolist()
    [True, True, False, False]
    """
    s, d, amt, n = c.s, c.d, c.amt, c.n
    m = len(s)
    out = np.zeros(m, dtype=bool)
    if not m or not valid.any():
        return out
    person = ~c.company[s]
    cand = (
        valid[d] & ~valid[s] & ~part[s] & person & ~inv_mask & ~c.everyday
        & (amt >= r.min_investment) & ~c.payroll[s]
    )  # fmt: skip
    if not cand.any():
        return out
    back = np.zeros(n, dtype=bool)
    back[s[cand]] = True
    rm = valid[s] & back[d] & ~c.everyday
    if not rm.any():
        return out
    pay = pd.DataFrame({"p": s[cand], "k": d[cand], "a": amt[cand], "t": c.tns[cand]})
    first = pay.groupby("p")["t"].min()
    paid = pay.groupby("p")["a"].sum()
    paid_to = pay.groupby(["p", "k"])["a"].sum()
    ret = pd.DataFrame(
        {"k": s[rm], "p": d[rm], "a": amt[rm], "t": c.tns[rm], "named": c.memo_ret[rm]}
    )
    ret = ret[ret["t"].to_numpy() > first.reindex(ret["p"]).to_numpy()]
    if ret.empty:
        return out
    own = paid_to.reindex(pd.MultiIndex.from_arrays([ret["p"], ret["k"]])).to_numpy()
    # from an account it did not pay, or interest-sized from the one it paid
    ok = np.isnan(own) | (
        ret["a"].to_numpy() <= r.interest_share * paid.reindex(ret["p"]).to_numpy()
    )
    got = ret[ok].groupby("p")["named"].agg(["size", "any"])
    who = np.zeros(n, dtype=bool)
    # paid back ``min_returns_each`` times, or once in a sum its memo calls a return
    # (interest, 返利) when the statements end before the next
    who[got.index[(got["size"] >= r.min_returns_each) | got["any"]].to_numpy()] = True
    return cand & who[s]


def _pair_keys(s: np.ndarray, d: np.ndarray, n: int) -> np.ndarray:
    return s.astype(np.int64) * np.int64(n) + d.astype(np.int64)


def _swinging(x: np.ndarray, amt: np.ndarray, n: int, r: SchemeRules) -> np.ndarray:
    """Per account: paid ``min_returns_each`` times or more (``x`` the receivers, ``amt``
    the sums) in sums that stray from their median by ``commission_spread`` of it or more
    at the median (median absolute deviation over median). Interest on a deposit, rent or
    a wage is about the same sum each time; a commission follows what was brought in."""
    out = np.zeros(n, dtype=bool)
    if not len(x):
        return out
    w = pd.DataFrame({"x": x, "a": amt})
    g = w.groupby("x")["a"]
    med = g.median()
    dev = (w["a"] - med.reindex(w["x"]).to_numpy()).abs().groupby(w["x"]).median()
    keep = (g.size() >= r.min_returns_each).to_numpy() & (
        dev.to_numpy() >= r.commission_spread * med.to_numpy()
    )
    out[med.index[keep].to_numpy(dtype=np.int64)] = True
    return out


def _unseen_collectors(
    c: CodedTransfers, inv_mask: np.ndarray, part: np.ndarray, valid: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """Payers into a structure that paid it at least ``relay_min_sums`` different sums
    (``relay_paid_sums`` when the structure paid it before its first payment in,
    ``relay_named_sums`` when it paid it commissions named as such, wages that swing
    month to month, or such swinging sums that began before its first payment in,
    ``commission_spread``): a
    person invests a few times (instalments repeat one sum); an account passing on many
    payers' money one sum at a time is a collector whose own statement is missing, and
    its payments are not its own investments."""
    if not inv_mask.any():
        return np.zeros(c.n, dtype=bool)
    s, d = c.s, c.d
    df = pd.DataFrame({"s": s[inv_mask], "a": c.amt[inv_mask], "t": c.tns[inv_mask]})
    per = df.groupby("s").agg(sums=("a", "nunique"), first=("t", "min"))
    out = np.zeros(c.n, dtype=bool)
    out[per.index[per["sums"] >= r.relay_min_sums].to_numpy()] = True
    # money from the structure before any payment in is no return: paid for its work
    # (a commission) and passing on several different sums, it collects for the
    # structure; a steady wage (the same sum month after month) is not counted
    payer = np.zeros(c.n, dtype=bool)
    payer[per.index.to_numpy()] = True
    recipients = valid[s] & payer[d] & ~c.everyday & ~c.payroll[s]
    if recipients.any():
        rec = _recurring(c, r)[recipients]
        got = pd.DataFrame({"x": d[recipients][~rec], "t": c.tns[recipients][~rec]})
        got = got.join(per["first"], on="x")
        before = got[got["t"] < got["first"]].groupby("x").size()
        early = before.index[before >= r.min_returns_each]
        early = per.index.intersection(early)
        early = early[per.loc[early, "sums"].to_numpy() >= r.relay_paid_sums]
        out[early.to_numpy(dtype=np.int64)] = True
        # paid once before its first payment in and then month after month in sums that
        # follow no interest schedule (a commission on what it brings in), passing on
        # more than one sum
        once = per.index.intersection(before.index)
        once = once[per.loc[once, "sums"].to_numpy() >= r.relay_named_sums]
        if len(once):
            swing = _swinging(d[recipients], c.amt[recipients], c.n, r)
            out[once[swing[once.to_numpy(dtype=np.int64)]].to_numpy(dtype=np.int64)] = True
    # paid by the structure, again and again, under a memo naming a commission: paid
    # for what it brought in (a wage-like steady sum or not), passing on what it paid
    named = valid[s] & payer[d] & c.memo_com
    # or under a memo naming a wage whose sums follow no wage: a collector's commission
    # booked as 工资 swings with what it brought in
    wage = valid[s] & payer[d] & c.memo_wage & ~named
    if wage.any():
        named |= wage & _swinging(d[wage], c.amt[wage], c.n, r)[d]
    if named.any():
        times = bincount(d[named], np.ones(int(named.sum())), c.n)
        sums = np.zeros(c.n, dtype=np.int64)
        sums[per.index.to_numpy()] = per["sums"].to_numpy()
        out |= (times >= r.min_returns_each) & (sums >= r.relay_named_sums)
    return out & part


def _payees(s: np.ndarray, d: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Per transfer, how many distinct receivers its sender pays by the transfers in
    ``mask`` (0 outside ``mask``).

    >>> _payees(np.array([0, 0, 0, 1]), np.array([2, 3, 2, 2]),
    ...         np.array([True, True, True, False]), 4).tolist()
    [2, 2, 2, 0]
    """
    out = np.zeros(len(s), dtype=np.int64)
    if not mask.any():
        return out
    pairs = np.unique(np.stack([s[mask], d[mask]]), axis=1)
    per_sender = np.bincount(pairs[0], minlength=n)
    out[mask] = per_sender[s[mask]]
    return out


def _ponzi(c: CodedTransfers, dep: np.ndarray, r: SchemeRules) -> _Found:
    """Collection with returns (Ponzi / 非法吸收): steps 2–6 of the module docstring."""
    s, d, n = c.s, c.d, c.n
    hub = _distinct_payers(c, dep) >= r.min_payers
    passed = _Pass(c, dep, hub, r)
    hub, p = _small_collectors(c, dep, hub, passed, r)
    hub, p = _forwarding_hubs(c, dep, hub, p, r)
    valid, comp = p.valid, p.comp
    core, fl = _ponzi_core(c, p, valid, comp)
    dep_payers = _distinct_payers(c, p.dep_mask & valid[d])
    # an account with no investors of its own, paying fewer than ``min_returned`` payers
    # back, that keeps what the structure paid it (passes less than
    # ``hub_forward_share`` on: into the structure, back to payers, or as monthly sums,
    # a payout account's interest to payers whose deposits are not in the statements)
    # is paid by the scheme, not part of it: a payer whose own deposit is not in the
    # statements, seen only taking its interest. Money passed on came in first: returns
    # it paid before the structure first paid it pass nothing on; and the structure
    # writes 利息/收益 on what it pays an investor, not on what funds its payout account
    periodic = _periodic_of(c, r.periodic_months) & ~c.everyday
    periodic &= _payees(s, d, periodic, n) >= r.payout_min_payees
    e_in = fl["e_v"]
    first_in = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_in, d[e_in], c.tns[e_in])
    ret_after = p.ret_mask & valid[s] & (c.tns >= first_in[s])
    passed = (
        fl["out_to"]
        + bincount(s[ret_after], c.famt[ret_after], n)
        + bincount(s[periodic], c.famt[periodic], n)
    )
    named_in = bincount(d[e_in & c.memo_ret], c.famt[e_in & c.memo_ret], n)
    kept = (passed < r.hub_forward_share * fl["in_from"]) | (
        named_in >= r.hub_forward_share * fl["in_from"]
    ) & (fl["in_from"] > 0)
    valid = valid & ~(kept & (dep_payers == 0) & (p.returned_by < r.min_returned) & ~core)
    level = _flow_levels(c, valid, fl["e_v"] & valid[s] & valid[d], core)
    silent, s_comp, s_level = _silent_collectors(c, dep, valid, comp, level, r)
    if silent.any():
        valid = valid | silent
        comp = np.where(silent, s_comp, comp)
        level = np.where(silent, s_level, level)
        dep_payers = _distinct_payers(c, p.dep_mask & valid[d])
    # transit: no investor of its own and a pure conduit (pays the returns, or nearly all
    # of its money comes from and goes to the structure); a leader that only forwards its
    # team's money but has a life of its own (salary, cash, shopping) is a collector
    conduit = (fl["in_from"] >= 0.9 * c.total_in) & (
        fl["out_to"] + fl["ret_out"] >= 0.9 * c.total_out
    )
    # a payout account: most of its money goes out as returns, counting the monthly same
    # sums to persons whose own deposits are not in the statements
    per_ext = periodic & ~valid[d]
    per_ext &= _payees(s, d, per_ext, n) >= r.payout_min_payees
    per_out = bincount(s[per_ext], c.famt[per_ext], n)
    payout = ~fl["not_payout"] | (
        (fl["ret_out"] + per_out >= 0.5 * c.total_out) & (c.total_out >= 0.7 * c.total_in)
    )
    role = np.array(["other"] * n, dtype=object)
    role[valid] = "collector"
    role[valid & (dep_payers == 0) & (conduit | payout)] = "transit"
    role[core] = "core"
    inv_mask = p.dep_mask & valid[d]
    part = np.zeros(n, dtype=bool)
    part[s[inv_mask]] = True
    part &= ~valid
    late = _paid_back_payers(c, inv_mask, valid, part, r)
    inv_mask |= late
    part[s[late]] = True
    inv_mask |= _follow_on(c, inv_mask, part, r)
    _participant_levels(c, inv_mask, level, part)
    cm = np.where(valid, comp, -1)
    relay = _unseen_collectors(c, inv_mask, part, valid, r)
    if relay.any():
        ri = np.flatnonzero(relay)
        first = pd.DataFrame({"s": s[inv_mask], "g": comp[d[inv_mask]]}).drop_duplicates("s")
        cm[ri] = first.set_index("s")["g"].reindex(ri).to_numpy()
        role[relay] = "collector"
        part &= ~relay
        inv_mask &= ~relay[s]
        # the payers of such a collector invested through it
        via = dep & relay[d] & ~valid[s] & ~relay[s] & ~c.payroll[s]
        if via.any():
            inv_mask |= via
            part[s[via]] = True
            part &= ~valid & ~relay
            inv_mask |= _follow_on(c, inv_mask, part, r)
            _participant_levels(c, inv_mask, level, part)
    role[part] = "participant"
    ret = valid[s] & part[d] & ~c.everyday
    info = {g: dict(p.info[g], evidence="returns") for g in p.valid_comps}
    return _Found("ponzi", cm, role, level, inv_mask, ret, info, p.returned_by, p.in_s)


# ---------------------------------------------------------- 传销: recruitment trees

#: Memo words a 传销 uses for its product fees (货款) and bonuses (奖金): everyday words
#: elsewhere, they do not bar a transfer inside a recruitment tree.
TREE_MEMO = r"货款|奖金"


def _tree_everyday(c: CodedTransfers) -> np.ndarray:
    """Everyday memos, except the words a recruitment tree uses for fees and bonuses."""
    if "memo" not in c.transfers or not len(c.s):
        return c.everyday
    memo = c.transfers["memo"].reset_index(drop=True)
    return c.everyday & ~memo_matches(memo, TREE_MEMO)[c.row]


def _relay_matches(c: CodedTransfers, cand: np.ndarray, r: SchemeRules) -> np.ndarray:
    """Per transfer ``m -> x`` of ``cand``: the account ``x`` passed it on to (-1: none).

    Passed on = ``x`` sent one transfer of ``cand`` to an account other than ``m`` within
    ``tree_relay_hours`` after, of at least ``tree_relay_share`` of the sum and not more
    (a sponsor keeps a cut, it does not add money of its own), among the next
    ``tree_relay_scan`` payments of ``x``; a sum that is no tier (paid by fewer than
    ``tier_payers`` distinct payers) is not passed on as a tier sum. One transfer passes
    one sum on: as many tier sums (entry fees) as can be are paired with one transfer
    each, then as many other sums with the transfers left (a relative's sum that comes
    in just before a relay does not take a recruit's fee's place). "As many as can be"
    is a maximum matching per receiver, grown from the pairs closest in time (a relay
    goes with the fee that came in just before it, not with an older sum whose own relay
    fell below ``tree_min_fee``, :func:`_most_pairs`); at a hub with more than :data:`EXACT_PAIRS`
    candidate pairs each sum, earliest first, takes the earliest transfer not yet taken
    (:func:`_first_free_pairs`), so the cost stays bounded on any case.
    """
    s, d, amt, tns = c.s, c.d, c.amt, c.tns
    out = np.full(len(s), -1, dtype=np.int64)
    ci = np.flatnonzero(cand)
    if not len(ci):
        return out
    win = np.int64(r.tree_relay_hours * 3600 * 1e9)
    order = ci[np.lexsort((tns[ci], s[ci]))]
    # exact integer keys (receiver, rank of time): a float key of account and
    # nanoseconds loses the time's last digits on a large case
    times = np.unique(tns[ci])
    width = np.int64(len(times) + 1)
    key = s[order].astype(np.int64) * width + np.searchsorted(times, tns[order], side="left")
    dk = d[ci].astype(np.int64) * width
    lo = np.searchsorted(key, dk + np.searchsorted(times, tns[ci], side="right"), side="left")
    hi = np.searchsorted(key, dk + np.searchsorted(times, tns[ci] + win, side="right"), side="left")
    hi = np.minimum(hi, lo + r.tree_relay_scan)
    cnt = np.maximum(hi - lo, 0)
    if not cnt.sum():
        return out
    e = np.repeat(ci, cnt)
    pos = np.repeat(lo, cnt) + np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    j = order[pos]
    # a tier sum (``tier_payers`` distinct payers paid it) is an entry fee, or a fee
    # passed on less a cut; a sum of no tier is not passed on as one
    df = pd.DataFrame({"s": s[ci], "a": amt[ci]})
    tier = np.zeros(len(s), dtype=bool)
    tier[ci] = df.groupby("a")["s"].transform("nunique").to_numpy() >= r.tier_payers
    ok = (amt[j] <= amt[e]) & (amt[j] >= r.tree_relay_share * amt[e]) & (d[j] != s[e])
    ok &= tier[e] | ~tier[j]
    e, j = e[ok], j[ok]
    # one transfer passes one sum on: the tier sums are paired first, then the other
    # sums with the transfers left; earlier sums first, each with the earliest relay
    used = np.zeros(len(s), dtype=bool)
    for want in (True, False):
        pick = (tier[e] == want) & ~used[j]
        pe, pj = e[pick], j[pick]
        # the pairs of one receiver are a matching problem of their own: solved exactly
        # where it is small, greedily at a hub with very many
        per = np.bincount(d[pe], minlength=c.n)
        small = per[d[pe]] <= EXACT_PAIRS
        ue, uj = _most_pairs(pe[small], pj[small], tns[pj[small]] - tns[pe[small]])
        used[uj] = True
        ge, gj = _first_free_pairs(pe[~small], pj[~small], tns, used)
        out[ue] = d[uj]
        out[ge] = d[gj]
    return out


#: Candidate fee/relay pairs of one receiver up to which the pairing is a maximum
#: matching (as many fees passed on as the relays allow); above, a hub's pairs are
#: paired greedily (:func:`_first_free_pairs`), which stays linear.
EXACT_PAIRS = 20_000


def _most_pairs(
    e: np.ndarray, j: np.ndarray, gap: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A maximum matching of the candidate pairs ``(e, j)``: matched ``e`` and ``j``.

    Of the many maximum matchings, the one grown from the pairs closest in time: the
    pairs are first taken greedily by ``gap`` (shortest first, each ``e`` and ``j`` once)
    and only then augmented to a maximum, so a relay goes with the fee that came in
    just before it rather than with an older sum that happens to fit as well.
    """
    if not len(e):
        return e, j
    ue, ie = np.unique(e, return_inverse=True)
    uj, ij = np.unique(j, return_inverse=True)
    g = sparse.csr_matrix((np.ones(len(e)), (ie, ij)), shape=(len(ue), len(uj)))
    init = None
    if gap is not None:
        init = _greedy_pairs(ie, ij, gap, len(ue), len(uj))
    col = _max_matching(g.indptr, g.indices, len(ue), init)
    hit = col >= 0
    return ue[hit], uj[col[hit]]


def _greedy_pairs(
    ie: np.ndarray, ij: np.ndarray, gap: np.ndarray, n_rows: int, n_cols: int
) -> np.ndarray:
    """Per row, the column of a greedy matching taking the pairs by ``gap`` (then row,
    then column), each row and column once (-1: none)."""
    order = np.lexsort((ij, ie, gap))
    col_of = [-1] * n_rows
    taken = bytearray(n_cols)
    for r_, c_ in zip(ie[order].tolist(), ij[order].tolist(), strict=True):
        if col_of[r_] < 0 and not taken[c_]:
            col_of[r_] = c_
            taken[c_] = 1
    return np.asarray(col_of, dtype=np.int64)


def _max_matching(
    indptr: np.ndarray, indices: np.ndarray, n_rows: int, init: np.ndarray | None = None
) -> np.ndarray:
    """Hopcroft-Karp maximum bipartite matching of the rows of a CSR pattern: the column
    of each row (-1: none), grown from the matching ``init`` (column per row) when given.

    Each phase layers the rows by a breadth-first search from the unmatched ones, then
    looks for vertex-disjoint shortest augmenting paths depth first; a row whose search
    failed is marked dead for the rest of the phase, so every edge is looked at once per
    phase (SciPy's ``maximum_bipartite_matching`` does not mark dead ends and takes
    exponential time on layered graphs such as chains of members relaying fees,
    scipy/scipy#26147).

    >>> _max_matching(np.array([0, 2, 3, 4]), np.array([0, 1, 0, 1]), 3).tolist()
    [0, -1, 1]
    """
    ptr = indptr.tolist()
    cols = indices.tolist()
    n_cols = (max(cols) + 1) if cols else 0
    row_of = [-1] * n_cols  # the row each column is matched to
    col_of = [-1] * n_rows
    if init is not None:
        col_of = init.tolist()
        for r_, c_ in enumerate(col_of):
            if c_ >= 0:
                row_of[c_] = r_
    inf = n_rows + 1
    while True:
        # breadth-first: layers of rows reachable from the free rows by alternating paths
        dist = [inf] * n_rows
        queue = [r for r in range(n_rows) if col_of[r] < 0]
        for r in queue:
            dist[r] = 0
        found = inf
        head = 0
        while head < len(queue):
            r = queue[head]
            head += 1
            if dist[r] >= found:
                continue
            for k in range(ptr[r], ptr[r + 1]):
                m = row_of[cols[k]]
                if m < 0:
                    found = min(found, dist[r] + 1)
                elif dist[m] == inf:
                    dist[m] = dist[r] + 1
                    queue.append(m)
        if found == inf:
            return np.asarray(col_of, dtype=np.int64)
        # depth-first along the layers, each row's edges tried in order once per phase
        nxt = ptr[:-1].copy()
        for root in range(n_rows):
            if col_of[root] >= 0:
                continue
            path = [root]
            while path:
                r = path[-1]
                advanced = False
                while nxt[r] < ptr[r + 1]:
                    c = cols[nxt[r]]
                    m = row_of[c]
                    if m < 0 and dist[r] + 1 == found:
                        # augment along the path: each row takes the column it went by
                        for q in reversed(path):
                            c_q = cols[nxt[q]]
                            col_of[q] = c_q
                            row_of[c_q] = q
                        for q in path:
                            dist[q] = inf  # used in this phase
                        path = []
                        advanced = True
                        break
                    if m >= 0 and dist[m] == dist[r] + 1:
                        path.append(m)
                        advanced = True
                        break
                    nxt[r] += 1
                if not advanced:
                    dist[r] = inf  # dead end for the rest of the phase
                    path.pop()
                    if path:
                        nxt[path[-1]] += 1


def _first_free_pairs(
    e: np.ndarray, j: np.ndarray, tns: np.ndarray, used: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pair each ``e`` with one ``j`` of its candidate pairs ``(e, j)``, no ``j`` twice.

    The pairs of one ``e`` are contiguous and in the order ``e`` prefers them. In each
    round every unpaired ``e`` asks for its next ``j`` not yet taken; a ``j`` asked for
    by several goes to the earliest ``e`` (by ``tns``, then position); the others move
    on. Every round each asker is paired or moves one candidate on, so there are at
    most as many rounds as the longest candidate list. ``used`` is updated in place.
    """
    if not len(e):
        return e, j
    start = np.flatnonzero(np.r_[True, e[1:] != e[:-1]])
    end = np.r_[start[1:], len(e)]
    owner = e[start]
    ptr = start.copy()
    rank = np.lexsort((np.arange(len(owner)), tns[owner]))
    prio = np.empty(len(owner), dtype=np.int64)
    prio[rank] = np.arange(len(owner))
    got = np.full(len(owner), -1, dtype=np.int64)
    live = np.arange(len(owner))
    while len(live):
        live = live[ptr[live] < end[live]]
        if not len(live):
            break
        want = j[ptr[live]]
        free = ~used[want]
        ptr[live[~free]] += 1
        ask, want = live[free], want[free]
        if len(ask):
            o = np.lexsort((prio[ask], want))
            ask, want = ask[o], want[o]
            win = np.r_[True, want[1:] != want[:-1]]
            got[ask[win]] = want[win]
            used[want[win]] = True
            ptr[ask[~win]] += 1
        live = live[got[live] < 0]
    hit = got >= 0
    return owner[hit], got[hit]


def _up_links(
    c: CodedTransfers, cand: np.ndarray, passed: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """Per account, the account it passes the money it takes on to (-1: none): the one
    getting the most of its relays, at least ``tree_sponsor_share`` of them (ties: more
    payments of any kind, then the smaller code)."""
    s, d, n = c.s, c.d, c.n
    up = np.full(n, -1, dtype=np.int64)
    m = passed >= 0
    if not m.any():
        return up
    df = pd.DataFrame({"x": d[m], "y": passed[m]})
    per = df.groupby(["x", "y"], sort=True).size().rename("relays").reset_index()
    pays = pd.DataFrame({"x": s[cand], "y": d[cand]}).groupby(["x", "y"]).size().rename("pays")
    per = per.join(pays, on=["x", "y"]).fillna({"pays": 0})
    tot = per.groupby("x")["relays"].transform("sum")
    per = per[per["relays"] >= r.tree_sponsor_share * tot]
    per = per.sort_values(["x", "relays", "pays", "y"], ascending=[True, False, False, True])
    per = per.drop_duplicates("x")
    up[per["x"].to_numpy()] = per["y"].to_numpy()
    return up


def _tops(parent: np.ndarray, stop: np.ndarray | None = None) -> np.ndarray:
    """Per account, the top of its ``parent`` chain (at most 64 hops); where ``stop`` is
    given, a chain goes on only from accounts in it. -1 inside a cycle."""
    n = len(parent)
    go = parent >= 0 if stop is None else (parent >= 0) & stop
    top = np.where(go, parent, np.arange(n))
    for _ in range(64):
        go_t = go[top]
        if not go_t.any():
            return top
        top = np.where(go_t, parent[top], top)
    return np.where(go[top], -1, top)


def _hops(parent: np.ndarray) -> np.ndarray:
    """Per account, hops up its ``parent`` chain to the top (-1 inside a cycle)."""
    n = len(parent)
    hops = np.where(parent < 0, 0, -1).astype(np.int64)
    for _ in range(n + 1):
        ready = (hops < 0) & (hops[np.maximum(parent, 0)] >= 0)
        if not ready.any():
            break
        hops[ready] = hops[parent[ready]] + 1
    return hops


def _sponsors(c: CodedTransfers, fee_like: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Per account, its sponsor: the receiver of its fee-like payments (-1: none).

    A fee-like payment is one its receiver passed up at once to where it passes its
    money; when an account paid such sums to several receivers (a relative who happens
    to spend what it gets at once), the sponsor is the one in the deepest relay network
    (money passed up the most hops to the same top: fees climb a tree level by level,
    a relative's spending stops at a shop), then the one with most distinct payers,
    then the earliest paid; never by the size of the sums.
    """
    s, d, n = c.s, c.d, c.n
    sponsor = np.full(n, -1, dtype=np.int64)
    fi = np.flatnonzero(fee_like)
    if not len(fi):
        return sponsor
    top = _tops(up)
    hops = _hops(np.where(top >= 0, up, -1))
    ok = top >= 0
    deep = pd.Series(hops[ok]).groupby(top[ok]).max()
    df = pd.DataFrame({"m": s[fi], "x": d[fi], "t": c.tns[fi], "top": top[d[fi]]})
    df = df[df["top"] >= 0]
    df["deep"] = df["top"].map(deep).to_numpy()
    df["size"] = df["top"].map(df.groupby("top")["m"].nunique()).to_numpy()
    df = df.sort_values(["m", "deep", "size", "t", "x"], ascending=[True, False, False, True, True])
    df = df.drop_duplicates("m")
    sponsor[df["m"].to_numpy()] = df["x"].to_numpy()
    return sponsor


def _relay_flags(
    c: CodedTransfers, up: np.ndarray, sponsor: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """For the transfers ``up`` (member -> its sponsor): True when the member got at least
    as much from its own recruits within ``tree_relay_hours`` before (passing fees up)."""
    s, d = c.s, c.d
    relay = np.zeros(len(s), dtype=bool)
    child_in = (sponsor[s] == d) & (c.amt >= r.tree_min_fee)  # recruit -> member
    if not up.any() or not child_in.any():
        return relay
    win = np.int64(r.tree_relay_hours * 3600 * 1e9)
    ci = np.flatnonzero(child_in)
    acc = d[ci]
    order = np.lexsort((c.tns[ci], acc))
    acc, tt, aa = acc[order], c.tns[ci][order], c.amt[ci][order]
    cum = np.cumsum(aa)
    base = int(c.tns.min())
    span = float(int(c.tns.max()) - base + 2 * int(win) + 1)
    key = acc.astype(np.float64) * span + (tt - base)
    ui = np.flatnonzero(up)
    who = s[ui]
    k_hi = who.astype(np.float64) * span + (c.tns[ui] - base)
    hi = np.searchsorted(key, k_hi, side="right")
    lo = np.searchsorted(key, k_hi - float(win), side="left")
    got = np.where(hi > lo, cum[np.maximum(hi - 1, 0)] - np.where(lo > 0, cum[lo - 1], 0), 0)
    relay[ui] = got >= c.amt[ui]
    return relay


def _bonus_hung(
    c: CodedTransfers,
    org: np.ndarray,
    mi: np.ndarray,
    up_link: np.ndarray,
    member: np.ndarray,
    everyday: np.ndarray,
    r: SchemeRules,
) -> pd.Series:
    """Pieces of a recruitment tree cut off from their organiser by missing statements,
    hung back under it by the company's bonuses.

    The company is the account an organiser passes the fees up to; a piece is the
    member-chain tops passing their money up to one account (a sponsor whose statement
    is missing), with their members and that account. When one company pays at least
    ``min_returns_each`` times to at least two accounts of its own organiser's piece
    (bonuses) and as often to two accounts of a piece that passes its money up
    elsewhere, to an account that pays that piece no bonuses, the piece belongs to
    that company's tree, provided the sponsor above it shows no money passed on (its
    statement is the missing link). Returns the organiser per hung top (index: top
    code; values: organiser code); a piece paid by several companies is left alone.
    """
    none = pd.Series([], dtype=np.int64)
    if not len(mi):
        return none
    tops = np.unique(org[mi])
    tops = tops[up_link[tops] >= 0]
    tops = tops[~member[up_link[tops]]]
    if len(tops) < 2:
        return none
    organiser_of = pd.Series(tops, index=up_link[tops]).groupby(level=0).min()
    # tops passing their money up to the same account are one piece, named by the
    # smallest of them
    rep = np.full(c.n, -1, dtype=np.int64)
    rep[tops] = organiser_of.reindex(up_link[tops]).to_numpy()
    piece = np.full(c.n, -1, dtype=np.int64)
    mt = mi[np.isin(org[mi], tops)]
    piece[mt] = rep[org[mt]]
    piece[tops] = rep[tops]
    piece[up_link[tops]] = rep[tops]  # the sponsor above a cut-off piece
    s, d = c.s, c.d
    pay = (piece[d] >= 0) & np.isin(s, organiser_of.index.to_numpy()) & ~everyday & (s != d)
    if not pay.any():
        return none
    df = pd.DataFrame({"b": s[pay], "x": d[pay], "p": piece[d[pay]]})
    per = df.groupby(["p", "b"]).agg(n=("x", "size"), who=("x", "nunique")).reset_index()
    per = per[(per["n"] >= r.min_returns_each) & (per["who"] >= 2)]
    own = up_link[per["p"].to_numpy()] == per["b"].to_numpy()
    # a company pays bonuses into its own tree too; a piece whose own up-link pays it
    # bonuses has its company and is a tree of its own
    pays_own = set(per["b"][own])
    has_own = set(per["p"][own])
    per = per[~own & per["b"].isin(pays_own) & ~per["p"].isin(has_own)]
    # the sponsor above a cut-off piece shows no money passed on (its statement is
    # missing): one that visibly passes its money up is a collector of a structure
    # whose links all show, not a gap in a tree
    # (members are persons: a company sits at the top of a tree only)
    top_p = per["p"].to_numpy()
    above = up_link[top_p]
    per = per[(up_link[above] < 0) & ~np.isin(above, tops) & ~c.company[top_p] & ~c.company[above]]
    per = per[per.groupby("p")["b"].transform("nunique") == 1]
    if per.empty:
        return none
    under = pd.Series(organiser_of.reindex(per["b"]).to_numpy(), index=per["p"].to_numpy())
    hung = tops[np.isin(rep[tops], under.index.to_numpy())]
    return pd.Series(under.reindex(rep[hung]).to_numpy(), index=hung).astype(np.int64)


def _branch_of_collection(
    c: CodedTransfers, g: int, ms: np.ndarray, up_link: np.ndarray, collects: np.ndarray
) -> bool:
    """True when the account a tree's organiser ``g`` passes its money to takes more
    investments and collectors' money (``collects``, per transfer) from outside the
    tree than from the tree: the "organiser" is then one collector of a larger
    collection (a Ponzi's salesperson whose payers happen to pass a sum on), not the
    top of a recruitment tree."""
    k = int(up_link[g])
    if k < 0:
        return False
    s, d = c.s, c.d
    into = d == k
    tree = np.zeros(c.n, dtype=bool)
    tree[ms] = True
    tree[g] = True
    from_tree = int(c.amt[into & tree[s]].sum())
    other = int(c.amt[into & ~tree[s] & collects].sum())
    return other > from_tree


def _tree_depths(parent: np.ndarray, member: np.ndarray, org: np.ndarray) -> np.ndarray:
    """Per member, hops up its parent chain to its organiser (-1 elsewhere)."""
    hops = _hops(np.where(member, parent, -1))
    return np.where(member & (org >= 0), hops, -1)


def _pyramid(
    c: CodedTransfers, free: np.ndarray, r: SchemeRules, dep: np.ndarray | None = None
) -> _Found:
    """Recruitment trees (传销): fees passed up sponsor by sponsor within hours.

    1. *Fee-like payments*: sums of at least ``tree_min_fee`` (no everyday memo but the
       tree's own words, not from a payroll) that the receiver passed up within
       ``tree_relay_hours`` (:func:`_relay_matches`) to the account it passes its money
       to (its *up-link*, :func:`_up_links`). Everyday payments to relatives, shops or a
       landlord are not passed up the same way, however large.
    2. A member's *sponsor* is the receiver of its fee-like payments (:func:`_sponsors`);
       an account with no sponsor hangs under its up-link (the organiser under the
       company). A transfer to the sponsor is a *relay* when the member had just got as
       much from its own recruits; the first one that is not is the member's own fee (its
       paid-in: later payments up pass recruits' money on, seen or not); a *member* paid
       that fee before its first recruit's money came in.
    3. The *organiser* of a member is the first account up its chain that is not a
       member (it never paid a fee of its own); level = hops up to it. A tree is kept when
       it has ``tree_min_members`` members, ``tree_min_levels`` levels (the organiser's
       included) and ``tree_relay_nodes`` of its members with recruits relayed: a Ponzi
       salesperson only forwards and has no fee of its own, so its payers form no tree.
       A tree has at most ``tree_max_recruits`` members per relaying sponsor (a
       participant who also gathers hundreds of deposits is a collector, not a sponsor),
       and its organiser's up-link takes no more investments and collectors' money from
       outside the tree than from it (:func:`_branch_of_collection`).
    4. The organiser and the account it passes the fees to (the company) are the core;
       what they pay members is returns (bonuses); a member's own fees are its paid-in.
    """
    s, d, n = c.s, c.d, c.n
    m = len(s)
    empty = _Found(
        "pyramid",
        np.full(n, -1, dtype=np.int64),
        np.array(["other"] * n, dtype=object),
        np.full(n, -1, dtype=np.int64),
        np.zeros(m, dtype=bool),
        np.zeros(m, dtype=bool),
    )
    if not m:
        return empty
    everyday = _tree_everyday(c)
    cand = (c.amt >= r.tree_min_fee) & ~everyday & ~c.payroll[s] & free[s] & free[d] & (s != d)
    passed = _relay_matches(c, cand, r)
    up_link = _up_links(c, cand, passed, r)
    fee_like = cand & (passed >= 0) & (passed == up_link[d])
    sponsor = _sponsors(c, fee_like, up_link)
    if (sponsor >= 0).sum() < r.tree_min_members:
        return empty
    parent = np.where(sponsor >= 0, sponsor, up_link)
    up = fee_like & (sponsor[s] == d)
    relay = _relay_flags(c, up, sponsor, r)
    own = up & ~relay
    # a member joined (paid its own fee) before it recruited anyone
    big = np.iinfo(np.int64).max
    first_own = np.full(n, big, dtype=np.int64)
    np.minimum.at(first_own, s[own], c.tns[own])
    child_in = up
    first_child = np.full(n, big, dtype=np.int64)
    np.minimum.at(first_child, d[child_in], c.tns[child_in])
    member = (first_own < big) & (first_own < first_child)
    # the fee is paid once, on joining: later payments up pass recruits' money on, also
    # where the recruits' own statements are missing and their fees do not show
    own &= c.tns == first_own[s]
    relays = np.zeros(n, dtype=bool)
    relays[s[relay]] = True
    has_children = np.zeros(n, dtype=bool)
    has_children[sponsor[member & (sponsor >= 0)]] = True
    org = _tops(parent, member)
    org = np.where(member, org, -1)
    org[org >= 0] = np.where(member[org[org >= 0]], -1, org[org >= 0])
    member &= org >= 0
    tree_org = np.full(n, -1, dtype=np.int64)
    tree_org[member] = org[member]
    tree_org[np.unique(org[member])] = np.unique(org[member])
    depth = _tree_depths(parent, member, tree_org)
    comp = np.full(n, -1, dtype=np.int64)
    role = np.array(["other"] * n, dtype=object)
    level = np.full(n, -1, dtype=np.int64)
    info: dict[int, dict[str, Any]] = {}
    mi = np.flatnonzero(member & (depth > 0))
    hung = _bonus_hung(c, org, mi, up_link, member, everyday, r)
    hung_in = np.zeros(n, dtype=bool)  # members that came with a hung piece
    inferred = np.zeros(n, dtype=bool)  # the sponsors above the hung pieces
    if len(hung):
        # a piece hung under a tree by its company's bonuses: its top is a member too,
        # and its levels count from the organiser as if the sponsor above it were a
        # direct recruit (at least that deep: the links above it are not in the
        # statements), the piece's top its recruit, and so on down
        tops_h = hung.index.to_numpy()
        above = up_link[tops_h]
        pieces = mi[np.isin(org[mi], tops_h)]
        depth[pieces] += 2
        org[pieces] = hung.reindex(org[pieces]).to_numpy()
        depth[tops_h], depth[above] = 2, 1
        org[tops_h] = org[above] = hung.to_numpy()
        member[tops_h] = member[above] = True
        mi = np.union1d(mi, np.concatenate([tops_h, above]))
        hung_in[pieces] = hung_in[tops_h] = hung_in[above] = True
        inferred[above] = True
        # a hung piece's top passed its recruits' fees up to the sponsor above it
        passes_up = np.zeros(n, dtype=bool)
        passes_up[d[fee_like]] = True
        relays[tops_h] |= passes_up[tops_h]
    # investments into the structure's accounts, and the collectors passing them on
    collects = None
    if dep is not None:
        collects = dep | (_distinct_payers(c, dep) >= r.min_payers)[s]
    groups = pd.Series(mi).groupby(org[mi], sort=True)
    for g, grp in groups:
        ms = grp.to_numpy()
        if len(ms) < r.tree_min_members:
            continue
        levels = int(depth[ms].max()) + 1
        # the sponsor above a hung piece is inferred: it is not judged by relays the
        # statements do not show
        inner = ms[has_children[ms] & ~inferred[ms]]
        ok_inner = inner[relays[inner]]
        share = len(ok_inner) / len(inner) if len(inner) else 0.0
        if levels < r.tree_min_levels or share < r.tree_relay_nodes:
            continue
        if len(ms) > r.tree_max_recruits * len(ok_inner):
            continue
        if collects is not None and _branch_of_collection(c, int(g), ms, up_link, collects):
            continue
        g = int(g)
        core = [g]
        company = int(up_link[g])
        if company >= 0 and comp[company] < 0 and not member[company]:
            core.append(company)
        comp[core] = g
        role[core] = "core"
        level[core] = 0
        comp[ms] = g
        role[ms] = "participant"
        level[ms] = depth[ms]
        info[g] = {
            "evidence": "recruitment_tree",
            "members": int(len(ms)),
            "hung_by_bonuses": int(hung_in[ms].sum()),
            "levels": levels,
            "relaying_sponsors": int(len(ok_inner)),
            "sponsors": int(len(inner)),
            "organiser": str(c.nodes[g]),
        }
    if not info:
        return empty
    in_tree = role == "participant"
    inv = own & in_tree[s] & (comp[s] == comp[d])
    core_m = role == "core"
    ret = core_m[s] & in_tree[d] & (comp[s] == comp[d]) & ~everyday
    return _Found("pyramid", comp, role, level, inv, ret, info)


# ------------------------------------------------------- fraud without returns


def _fraud(c: CodedTransfers, dep: np.ndarray, free: np.ndarray, r: SchemeRules) -> _Found:
    """Concentration without returns (集资诈骗 / 跑路).

    Collection points take investments from ``min_payers`` distinct payers named as
    natural persons (payers without a known name cannot be told from firms; everyday
    monthly payments such as rent left out); the group grows to accounts fed
    mostly by it (as in the Ponzi closure). It is kept when it has ``fraud_min_payers``
    payers, the first payments of those of its main collection point (most payers) spread
    over at least ``fraud_min_days`` (the middle 80 % of them over 80 % of it), at most
    ``fraud_max_back_share`` of its payers ever get money back from it and at most
    ``fraud_max_receivers`` exits (persons, cash, or lump sums of at least ten times
    ``min_benefit``), together with what its largest keeper still holds, take
    ``fraud_forward_share`` of what it took in. Collectors with fewer payers, paid
    commissions by a kept group, join it (:func:`_small_fraud_collectors`). A shop (pays its
    many suppliers in regular instalments), a payroll, a landlord (monthly rent) or a
    family (few payers) fail.
    """
    s, d, famt, n = c.s, c.d, c.famt, c.n
    m = len(s)
    empty = _Found(
        "fraud",
        np.full(n, -1, dtype=np.int64),
        np.array(["other"] * n, dtype=object),
        np.full(n, -1, dtype=np.int64),
        np.zeros(m, dtype=bool),
        np.zeros(m, dtype=bool),
    )
    if not m:
        return empty
    recurring = _recurring(c, r)
    # many *persons*: payers whose statements name them as natural persons
    named = (c.names.to_numpy(dtype=object) != "") & ~c.company
    strong = dep & ~recurring & named[s] & free[s] & free[d]
    point = (_distinct_payers(c, strong) >= r.min_payers) & free & ~c.payroll
    point &= ~_idle_feeders(c, strong, point, r)
    if not point.any():
        return empty
    group = _closure(c, strong, point, r) & free
    comp = _components(c, group)
    # evidence per group
    inv = strong & group[d] & ~group[s]
    info: dict[int, dict[str, Any]] = {}
    role = np.array(["other"] * n, dtype=object)
    level = np.full(n, -1, dtype=np.int64)
    keep_comp = np.full(n, -1, dtype=np.int64)
    payer_of = pd.DataFrame(
        {"p": s[inv], "g": comp[d[inv]], "a": c.amt[inv], "at": d[inv], "t": c.tns[inv]}
    )
    cash_out = (c.s_all >= 0) & (c.d_all < 0)
    for g, grp in payer_of.groupby("g", sort=True):
        payers = set(grp["p"].tolist())
        if len(payers) < r.fraud_min_payers:
            continue
        # the public pays over weeks; a burst of a few days is a laundering fan-in (the
        # span is that of the point with most payers: two bursts months apart joined by
        # one private transfer are not weeks of recruiting)
        per_point = grp.groupby("at")["p"].nunique()
        main_pt = int(per_point.sort_index().idxmax())
        tg = grp.loc[grp["at"] == main_pt].groupby("p")["t"].min().to_numpy()
        if _middle_span(tg) < 0.8 * r.fraud_min_days * 86_400 * 10**9:
            continue
        taken = float(grp["a"].sum())
        gm = comp == g
        back = gm[s] & np.isin(d, list(payers))
        n_back = len(set(d[back].tolist()))
        if n_back > r.fraud_max_back_share * len(payers):
            continue
        # the core: where the group's money concentrates (most received from the group
        # and its payers); the accounts it pays on are beneficiaries, not members
        e_in = gm[s] & gm[d]
        got_in = bincount(d[e_in], famt[e_in], n) + bincount(d[inv], famt[inv], n)
        members = np.flatnonzero(gm)
        core_i = members[np.argmax(got_in[members])]
        core = np.zeros(n, dtype=bool)
        core[core_i] = True
        rev = sparse.coo_matrix(
            (np.ones(int(e_in.sum())), (d[e_in], s[e_in])), shape=(n, n)
        ).tocsr()
        reach = csgraph.breadth_first_order(rev, core_i, directed=True, return_predecessors=False)
        gm = gm & np.isin(np.arange(n), reach)
        members = np.flatnonzero(gm)
        # the group lives on the investments: not a shop with a few large customers
        e_int = gm[s] & gm[d]
        outside_in = float(c.total_in[members].sum() - famt[e_int].sum())
        if taken < r.fraud_intake_share * outside_in:
            continue
        ex = gm[s] & ~gm[d] & ~np.isin(d, list(payers))
        exits = pd.DataFrame({"d": d[ex], "a": c.amt[ex]})
        per = exits.groupby("d")["a"].agg(["sum", "size", "max"])
        lump = per["max"] >= 10 * r.min_benefit
        person = ~c.company[per.index.to_numpy()]
        per = per[person | (lump & (per["size"] <= 3))]
        cm = cash_out & np.isin(c.s_all, np.flatnonzero(gm))
        sums = per["sum"].astype(float).tolist()
        cash_sum = float(c.a_all[cm].sum())
        if cash_sum:
            sums.append(cash_sum)
        top = sorted(sums, reverse=True)[: r.fraud_max_receivers]
        members = np.flatnonzero(gm)
        kept = float(np.max(np.maximum(c.total_in[members] - c.total_out[members], 0)))
        if sum(top) + kept < r.fraud_forward_share * taken:
            continue
        e_g = gm[s] & gm[d]
        lv = _flow_levels(c, gm, e_g, core)
        role[members] = "collector"
        role[core_i] = "core"
        level[members] = lv[members]
        keep_comp[members] = g
        top_d = per.sort_values("sum", ascending=False).index[: r.fraud_max_receivers]
        info[int(g)] = {
            "evidence": "concentration",
            "payers": len(payers),
            "payers_paid_back": n_back,
            "exit_share": round(sum(top) / taken, 4) if taken else 0.0,
            "kept_share": round(kept / taken, 4) if taken else 0.0,
            "exits": [str(c.nodes[x]) for x in top_d] + (["cash"] if cash_sum else []),
        }
    if not info:
        return empty
    small = _small_fraud_collectors(c, strong, keep_comp >= 0, r)
    if small.any():
        # placed one below the kept account it passes most to, in that one's group
        to_kept = small[s] & (keep_comp[d] >= 0) & ~c.everyday
        top = (
            pd.DataFrame({"x": s[to_kept], "y": d[to_kept], "a": famt[to_kept]})
            .groupby(["x", "y"], sort=True)["a"]
            .sum()
            .reset_index()
            .sort_values(["x", "a", "y"], ascending=[True, False, True], kind="stable")
            .drop_duplicates("x")
        )
        x, y = top["x"].to_numpy(dtype=np.int64), top["y"].to_numpy(dtype=np.int64)
        role[x] = "collector"
        level[x] = level[y] + 1
        keep_comp[x] = keep_comp[y]
    is_kept = keep_comp >= 0
    inv = strong & is_kept[d] & ~is_kept[s]
    part = np.zeros(n, dtype=bool)
    part[s[inv]] = True
    part &= ~is_kept
    role[part] = "participant"
    _participant_levels(c, inv, level, part)
    keep_comp[part] = -1  # assigned per structure later
    found = _Found("fraud", keep_comp, role, level, inv, np.zeros(m, dtype=bool), info)
    found.closure = group
    return found


def _small_fraud_collectors(
    c: CodedTransfers, strong: np.ndarray, kept: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """Collectors with too few payers to be collection points: an account outside the
    kept groups that passes at least ``small_collector_share`` of what persons paid it
    into them within ``collector_pass_hours`` after it came in, pays them at most
    ``collector_own_ratio`` times that, and is paid by them ``min_returns_each`` times
    or more (commissions: in a fraud without returns the scheme pays no payer back)."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    cand = ~kept & ~c.payroll
    took_m = strong & cand[d] & ~kept[s] & (s != d)
    if not took_m.any():
        return np.zeros(n, dtype=bool)
    took, fwd = _taken_and_passed(c, took_m, kept, r)
    into = kept[d] & cand[s] & ~c.everyday
    put = bincount(s[into], famt[into], n)
    paid = kept[s] & cand[d] & ~c.everyday
    times = np.bincount(d[paid], minlength=n)
    return (
        cand
        & (took > 0)
        & (fwd >= r.small_collector_share * took)
        & (put <= r.collector_own_ratio * took)
        & (times >= r.min_returns_each)
    )


def _middle_span(t: np.ndarray) -> float:
    """Time between the first tenth and the last tenth of ``t`` (the span of the middle 80 %:
    a few stray payers months away do not stretch a burst of a few days into weeks).

    >>> _middle_span(np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000]))
    8.0
    """
    if not len(t):
        return 0.0
    lo, hi = np.quantile(np.sort(t).astype(np.float64), [0.1, 0.9], method="nearest")
    return float(hi - lo)


def _idle_feeders(
    c: CodedTransfers, strong: np.ndarray, point: np.ndarray, r: SchemeRules
) -> np.ndarray:
    """Collection points that pay other points but pass on less than
    ``hub_forward_share`` of what their payers paid them within
    ``collector_pass_hours`` after it came in: a person whose relatives paid it and who
    later invested its own money, not a collector feeding the scheme (the same test as
    the Ponzi hubs' :func:`_forwarding_hubs`)."""
    s, d, n = c.s, c.d, c.n
    feeds = np.zeros(n, dtype=bool)
    to_pt = point[d] & (s != d)
    feeds[s[to_pt & point[s]]] = True
    if not feeds.any():
        return feeds
    intake, passed = _taken_and_passed(c, strong & point[d], point, r)
    return feeds & (passed < r.hub_forward_share * intake)


# ------------------------------------------------------------- beneficiaries


def _beneficiaries(
    c: CodedTransfers,
    role: np.ndarray,
    scheme: np.ndarray,
    part: np.ndarray,
    closure: np.ndarray,
    r: SchemeRules,
) -> np.ndarray:
    """Scheme money out that is not a return, followed through (controllers -> relatives,
    property sellers): from the core and transit accounts (a collector's own shopping is
    its private life), single sums of at least ``min_benefit``."""
    s, d, famt, n = c.s, c.d, c.famt, c.n
    recurring = _recurring(c, r)
    src_ok = (role == "core") | (scheme & (role == "transit"))
    benef = np.zeros(n, dtype=bool)
    big = c.amt >= r.min_benefit
    for _ in range(10):
        bmask = src_ok[s] & ~scheme[d] & ~part[d] & ~c.payroll[d] & ~recurring & big
        got = bincount(d[bmask], famt[bmask], n)
        lump = np.zeros(n)
        if bmask.any():
            np.maximum.at(lump, d[bmask], famt[bmask])
        # mostly living on scheme money, or a lump sum (property, a car): rent and bills
        # paid by the scheme are neither
        new = (
            (~scheme)
            & (~part)
            & ~c.payroll
            & ~benef
            & (
                ((got >= r.min_benefit) & (closure | (got >= r.closure_share * c.total_in)))
                | (lump >= 10 * r.min_benefit)
            )
        )
        if not new.any():
            break
        benef |= new
        src_ok = src_ok | benef
    return benef


# ------------------------------------------------------------------- assembly


def _merge(c: CodedTransfers, found: list[_Found]) -> tuple[np.ndarray, np.ndarray]:
    """Roles and levels of every kind in one pair of arrays: a scheme role (core,
    collector, transit) wins over participant, an earlier kind over a later one."""
    n = c.n
    role = np.array(["other"] * n, dtype=object)
    level = np.full(n, -1, dtype=np.int64)
    for sch in (True, False):
        for f in found:
            is_sch = np.isin(f.role, ["core", "collector", "transit"])
            take = (is_sch if sch else (f.role == "participant")) & (role == "other")
            role[take] = f.role[take]
            level[take] = f.level[take]
    return role, level


def _frames(c: CodedTransfers, found: list[_Found]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Investments and returns of every kind with their raw ``(kind, group)`` key."""
    t_np = c.time.to_numpy()
    invs, rets = [], []
    for k, f in enumerate(found):
        if f.kind == "pyramid":
            g_inv = f.comp[c.s[f.inv]]
        else:
            g_inv = f.comp[c.d[f.inv]]
        invs.append(
            pd.DataFrame(
                {
                    "src": c.nodes[c.s[f.inv]],
                    "dst": c.nodes[c.d[f.inv]],
                    "amount": c.amt[f.inv],
                    "time": t_np[f.inv],
                    "key": [(k, int(g)) for g in g_inv],
                }
            )
        )
        rets.append(
            pd.DataFrame(
                {
                    "src": c.nodes[c.s[f.ret]],
                    "dst": c.nodes[c.d[f.ret]],
                    "amount": c.amt[f.ret],
                    "time": t_np[f.ret],
                    "key": [(k, int(g)) for g in f.comp[c.s[f.ret]]],
                }
            )
        )
    inv = pd.concat(invs, ignore_index=True)
    ret = pd.concat(rets, ignore_index=True)
    for df in (inv, ret):
        df["amount"] = df["amount"].astype("int64")
        df["time"] = pd.to_datetime(df["time"])
    return inv, ret


def _number(
    c: CodedTransfers, found: list[_Found], inv: pd.DataFrame, role: np.ndarray
) -> tuple[dict[tuple[int, int], int], np.ndarray]:
    """Structure ids by amount absorbed (desc), then smallest core account; the id of
    every scheme account."""
    keys = [(k, g) for k, f in enumerate(found) for g in sorted(f.info)]
    absorbed = inv.groupby("key")["amount"].sum() if len(inv) else pd.Series(dtype="int64")

    def core_of(k, g):
        f = found[k]
        m = (f.comp == g) & (f.role == "core")
        return min(c.nodes[np.flatnonzero(m)]) if m.any() else ""

    order = sorted(keys, key=lambda kg: (-int(absorbed.get(kg, 0)), core_of(*kg), kg))
    renum = {kg: i for i, kg in enumerate(order)}
    struct = np.full(c.n, -1, dtype=np.int64)
    for (k, g), i in renum.items():
        f = found[k]
        m = (f.comp == g) & (struct < 0)
        struct[m] = i
    return renum, struct


def _assign_members(
    c: CodedTransfers,
    inv: pd.DataFrame,
    struct: np.ndarray,
    benef: np.ndarray,
    bsrc: np.ndarray,
) -> None:
    """Participants and beneficiaries belong to the structure they dealt most with."""
    s, d, amt = c.s, c.d, c.amt
    if len(inv):
        main = inv.groupby(["src", "structure"])["amount"].sum().reset_index()
        main = main.sort_values(["src", "amount", "structure"], ascending=[True, False, True])
        main = main.drop_duplicates("src")
        idx = c.nodes.get_indexer(main["src"])
        free = struct[idx] < 0
        struct[idx[free]] = main["structure"].to_numpy()[free]
    if benef.any():
        bmask = bsrc[s] & benef[d]
        for _ in range(10):
            todo = benef & (struct < 0)
            pay = bmask & (struct[s] >= 0) & todo[d]
            if not pay.any():
                break
            bb = pd.DataFrame({"dst": d[pay], "c": struct[s[pay]], "a": amt[pay]})
            bb = bb.groupby(["dst", "c"])["a"].sum().reset_index()
            bb = bb.sort_values(["dst", "a", "c"], ascending=[True, False, True])
            bb = bb.drop_duplicates("dst")
            struct[bb["dst"].to_numpy()] = bb["c"].to_numpy()


def find_structures(
    G_or_table: nx.Graph | pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    rules: SchemeRules | None = None,
    coded: _coded.CodedTransfers | None = None,
    **overrides: Any,
) -> SchemeResult:
    """Find collection structures of the three kinds and the role of every account.

    Parameters
    ----------
    G_or_table : DataFrame or networkx graph
        Transfers (:data:`fundgraph.schema.TRANSFERS`: ``src``, ``dst``, ``amount`` cents,
        ``time``, optional ``memo``) or a transfer multigraph.
    accounts : DataFrame, optional
        Accounts table (for holder names and accounts without transfers).
    rules : SchemeRules, optional
        Every threshold (:class:`~fundgraph.analysis.rules.SchemeRules`).
    coded : CodedTransfers, optional
        The coded transfers of this table (:meth:`fundgraph.case.Case.coded`), when
        already built; otherwise they are built here.
    **overrides
        Fields of :class:`SchemeRules` to replace (``min_payers=4`` ...).

    Returns
    -------
    SchemeResult
        Each :class:`~fundgraph.results.Structure` has its ``kind`` (``ponzi``,
        ``pyramid``, ``fraud``) and the ``evidence`` that kept it.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(f"p{i}", "col", 5_000_000, f"2022-01-0{1 + i % 5} 10:00") for i in range(6)]
    >>> rows += [("col", "core", 30_000_000, "2022-01-06 09:00"),
    ...          ("core", "pay", 3_000_000, "2022-02-01 09:00"),
    ...          ("core", "boss", 20_000_000, "2022-02-02 09:00")]
    >>> rows += [("pay", f"p{i}", 100_000, f"2022-0{m}-10 09:00")
    ...          for i in range(6) for m in (2, 3)]
    >>> t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    >>> t["time"] = pd.to_datetime(t["time"])
    >>> r = find_structures(t)
    >>> r.accounts.loc[["core", "col", "pay", "p0", "boss"], "role"].tolist()
    ['core', 'collector', 'transit', 'participant', 'beneficiary']
    >>> r.accounts.loc[["core", "col", "pay", "p0"], "level"].tolist()
    [0, 1, 1, 2]
    >>> r.structures[0].kind
    'ponzi'

    Notes
    -----
    Every step is a vectorised pass over one coded transfers table
    (:mod:`fundgraph.coded`: ``numpy.bincount``, pandas
    group-bys, sparse connected components), so a million transfers take seconds.

    References
    ----------
    .. [1] 最高人民法院《关于审理非法集资刑事案件具体应用法律若干问题的解释》
       (法释〔2022〕5号), 第一条: 向社会公众吸收资金、承诺还本付息或者给付回报.
    .. [2] Li, X. et al. "FlowScope: Spotting Money Laundering Based on Graphs",
       AAAI 2020 (dense multi-hop flows through pass-through accounts).
    .. [3] 两高一部《关于办理组织领导传销活动刑事案件适用法律若干问题的意见》(2013):
       层级 and 人数 of a recruitment tree.
    """
    r = rules_with(rules, overrides)
    if coded is None:
        c = code_transfers(transfers_table(G_or_table), accounts)
    else:
        c = scheme_transfers(coded, accounts)
    dep = investment_mask(c, r)
    pyramid = _pyramid(c, np.ones(c.n, dtype=bool), r, dep)
    free = pyramid.comp < 0
    ponzi = _ponzi(c, dep & free[c.s] & free[c.d], r)
    free &= ~np.isin(ponzi.role, ["core", "collector", "transit"])
    fraud = _fraud(c, dep, free, r)
    found = [ponzi, pyramid, fraud]
    role, level = _merge(c, found)
    inv, rets = _frames(c, found)
    renum, struct = _number(c, found, inv, role)
    inv["structure"] = inv.pop("key").map(renum).astype("int64")
    rets["structure"] = rets.pop("key").map(renum).astype("int64")
    scheme = np.isin(role, ["core", "collector", "transit"])
    part = role == "participant"
    assert ponzi.closure is not None  # _ponzi always sets it
    closure = ponzi.closure.copy()
    if fraud.closure is not None:
        closure |= fraud.closure
    benef = _beneficiaries(c, role, scheme, part, closure, r)
    role[benef] = "beneficiary"
    bsrc = (role == "core") | (scheme & (role == "transit")) | benef
    _assign_members(c, inv, struct, benef, bsrc)

    fwd_share = np.divide(c.total_out, c.total_in, out=np.zeros(c.n), where=c.total_in > 0)
    acc = pd.DataFrame(
        {
            "role": role,
            "level": pd.array(np.where(level >= 0, level, 0), dtype="Int64"),
            "structure": pd.array(np.where(struct >= 0, struct, 0), dtype="Int64"),
            "distinct_payers": _distinct_payers(c, dep),
            "returned_payers": ponzi.returned_by,
            "forward_share": np.minimum(fwd_share, 10.0),
            "company": c.company,
            "payroll": c.payroll,
        },
        index=pd.Index(c.nodes, name="account"),
    )
    acc.loc[level < 0, "level"] = pd.NA
    acc.loc[acc["role"] == "beneficiary", "level"] = pd.NA
    acc.loc[struct < 0, "structure"] = pd.NA
    acc.loc[acc["role"] == "other", ["level", "structure"]] = pd.NA

    meta = {i: (found[k].kind, found[k].info[g]) for (k, g), i in renum.items()}
    structures = _describe(acc, inv, meta)
    return SchemeResult(accounts=acc, investments=inv, returns=rets, structures=structures)


def _describe(
    acc: pd.DataFrame, inv: pd.DataFrame, meta: dict[int, tuple[str, dict[str, Any]]]
) -> list[Structure]:
    out = []
    for c in range(len(meta)):
        kind, evidence = meta[c]
        members = acc[acc["structure"] == c]
        by_role = {
            r: tuple(sorted(members.index[members["role"] == r]))
            for r in ("core", "collector", "transit", "participant", "beneficiary")
        }
        colls = members[members["role"] == "collector"]
        by_level: dict[int, tuple[str, ...]] = {}
        for lv, grp in colls.groupby("level"):
            by_level[int(lv)] = tuple(sorted(grp.index))
        inv_c = inv[inv["structure"] == c]
        lv = members["level"].dropna()
        max_level = int(lv.max()) if len(lv) else 0
        out.append(
            Structure(
                id=c,
                kind=kind,
                core=by_role["core"],
                collectors=by_level,
                transit=by_role["transit"],
                beneficiaries=by_role["beneficiary"],
                participant_accounts=int(inv_c["src"].nunique()),
                participant_persons=int(inv_c["src"].nunique()),
                absorbed=int(inv_c["amount"].sum()) if len(inv_c) else 0,
                max_level=max_level,
                depth=max_level + 1,
                evidence={k: v for k, v in sorted(evidence.items())},
            )
        )
    return out
