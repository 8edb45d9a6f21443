"""Collection structures: who collects, where the money concentrates, who pays in.

The rule combines several signals instead of a single threshold (DOMAIN §3):

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
from decimal import Decimal
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from ..money import yuan_decimal
from ..schema import CASH
from .features import is_company_name, non_investment_memo

__all__ = ["SchemeResult", "find_structures", "transfers_table", "encode_accounts"]


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
    structures : list of dict
        One entry per collection structure (see :func:`find_structures`).
    """

    accounts: pd.DataFrame
    investments: pd.DataFrame
    returns: pd.DataFrame
    structures: list[dict[str, Any]] = field(default_factory=list)


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


def encode_accounts(
    transfers: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Sorted account ids and the integer code of each transfer's ``src``/``dst`` (-1: cash).

    Examples
    --------
    >>> t = pd.DataFrame({"src": ["b", "", "a"], "dst": ["a", "b", ""]})
    >>> nodes, s, d = encode_accounts(t)
    >>> list(nodes), s.tolist(), d.tolist()
    (['a', 'b'], [1, -1, 0], [0, 1, -1])
    """
    m = len(transfers)
    parts = [transfers["src"].to_numpy(dtype=object), transfers["dst"].to_numpy(dtype=object)]
    if accounts is not None and len(accounts):
        parts.append(accounts["account"].to_numpy(dtype=object))
    codes, uniques = pd.factorize(np.concatenate(parts), sort=True)
    uniques = np.asarray(uniques, dtype=object)
    is_cash = uniques == CASH
    # drop the cash placeholder and renumber
    shift = np.cumsum(~is_cash) - 1
    mapped = np.where(codes >= 0, shift[np.maximum(codes, 0)], -1)
    if is_cash.any():
        mapped = np.where(codes == np.flatnonzero(is_cash)[0], -1, mapped)
    nodes = pd.Index(uniques[~is_cash], dtype=object)
    return nodes, mapped[:m].astype(np.int64), mapped[m : 2 * m].astype(np.int64)


def _names(
    nodes: pd.Index,
    transfers: pd.DataFrame,
    accounts: pd.DataFrame | None,
    s_all: np.ndarray,
    d_all: np.ndarray,
) -> pd.Series:
    n = len(nodes)
    out = np.full(n, "", dtype=object)
    filled = np.zeros(n, dtype=bool)
    sources = []
    if accounts is not None and "holder_name" in accounts and len(accounts):
        sources.append(
            (
                nodes.get_indexer(accounts["account"].to_numpy(dtype=object)),
                accounts["holder_name"].to_numpy(dtype=object),
            )
        )
    for codes, col in ((s_all, "src_name"), (d_all, "dst_name")):
        if col in transfers:
            sources.append((codes, transfers[col].to_numpy(dtype=object)))
    for codes, vals in sources:
        ok = (codes >= 0) & (pd.Series(vals, dtype=object).fillna("").to_numpy() != "")
        if not ok.any():
            continue
        first = pd.Series(vals[ok]).groupby(codes[ok], sort=False).first()
        idx = first.index.to_numpy()
        new = ~filled[idx]
        out[idx[new]] = first.to_numpy()[new]
        filled[idx[new]] = True
    return pd.Series(out, index=nodes)


def _payroll_codes(
    s: np.ndarray,
    d: np.ndarray,
    famt: np.ndarray,
    month: np.ndarray,
    n: int,
    *,
    min_receivers: int = 5,
    max_cv: float = 0.25,
    min_share: float = 0.6,
) -> np.ndarray:
    if len(s) == 0:
        return np.zeros(n, dtype=bool)
    df = pd.DataFrame({"s": s, "d": d, "m": month, "a": famt})
    pair = df.groupby(["s", "d"], sort=False).agg(
        months=("m", "nunique"), mean=("a", "mean"), std=("a", "std")
    )
    steady = (pair["months"] >= 2) & (pair["std"].fillna(0) <= max_cv * pair["mean"])
    src = pair.index.get_level_values(0).to_numpy()
    receivers = np.bincount(src, minlength=n)
    n_steady = np.bincount(src, weights=steady.to_numpy().astype(float), minlength=n)
    return (n_steady >= min_receivers) & (n_steady >= min_share * receivers)


def _bincount(idx: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    if len(idx) == 0:
        return np.zeros(n)
    return np.bincount(idx, weights=weights, minlength=n)


def _recurring(s: np.ndarray, d: np.ndarray, amt: np.ndarray, month: np.ndarray) -> np.ndarray:
    """True for transfers of a pair that pays about the same sum month after month (rent,
    bills, a salary): everyday payments, not a share of the scheme's money."""
    if len(s) == 0:
        return np.zeros(0, dtype=bool)
    df = pd.DataFrame({"s": s, "d": d, "a": amt.astype(np.float64), "m": month})
    g = df.groupby(["s", "d"], sort=False)
    months = g["m"].transform("nunique").to_numpy()
    mean = g["a"].transform("mean").to_numpy()
    std = g["a"].transform("std").fillna(0).to_numpy()
    return (months >= 3) & (std <= 0.1 * mean)


class _SchemePass(NamedTuple):
    """What one pass of the scheme search (closure, activity, structures) found."""

    in_s: np.ndarray
    dep_mask: np.ndarray
    depositor: np.ndarray
    ret_mask: np.ndarray
    active: np.ndarray
    comp: np.ndarray
    valid: np.ndarray
    valid_comps: list[int]
    dep: pd.DataFrame
    returned_by: np.ndarray


def find_structures(
    G_or_table: nx.Graph | pd.DataFrame,
    accounts: pd.DataFrame | None = None,
    *,
    min_payers: int = 3,
    min_deposit: int = 500_000,
    deposit_unit: int = 100_000,
    closure_share: float = 0.5,
    active_share: float = 0.05,
    min_returned: int = 3,
    returned_share: float = 0.1,
    min_benefit: int = 1_000_000,
) -> SchemeResult:
    """Find collection structures and the role of every account.

    Parameters
    ----------
    G_or_table : DataFrame or networkx graph
        Transfers (:data:`fundgraph.schema.TRANSFERS`: ``src``, ``dst``, ``amount`` cents,
        ``time``, optional ``memo``) or a transfer multigraph.
    accounts : DataFrame, optional
        Accounts table (for holder names and accounts without transfers).
    min_payers : int
        Distinct investment payers that make an account a fan-in hub.
    min_deposit, deposit_unit : int
        Investment-like transfers are multiples of ``deposit_unit`` cents (default 1,000元)
        of at least ``min_deposit`` cents (default 5,000元).
    closure_share : float
        Share of an account's inflow that must come from the scheme for it to join.
    active_share : float
        Share of outflow sent to active scheme accounts that makes an account active.
    min_returned, returned_share : int, float
        A structure needs at least ``max(min_returned, returned_share * payers)`` payers who
        got money back through a loop.
    min_benefit : int
        Cents: smallest single sum, and smallest total, that makes an account receiving
        from the core or a transit account (or from another beneficiary) a beneficiary.

    Returns
    -------
    SchemeResult

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

    Notes
    -----
    Every step is a vectorised pass over the transfers (``numpy.bincount``, pandas
    group-bys, sparse connected components), so a million transfers take seconds.

    References
    ----------
    .. [1] 最高人民法院《关于审理非法集资刑事案件具体应用法律若干问题的解释》
       (法释〔2022〕5号), 第一条: 向社会公众吸收资金、承诺还本付息或者给付回报.
    .. [2] Li, X. et al. "FlowScope: Spotting Money Laundering Based on Graphs",
       AAAI 2020 (dense multi-hop flows through pass-through accounts).
    """
    transfers = transfers_table(G_or_table)
    nodes, s_all, d_all = encode_accounts(transfers, accounts)
    n = len(nodes)
    a_all = transfers["amount"].to_numpy(np.int64)
    total_in = _bincount(d_all[d_all >= 0], a_all[d_all >= 0].astype(np.float64), n)
    total_out = _bincount(s_all[s_all >= 0], a_all[s_all >= 0].astype(np.float64), n)
    keep = (s_all >= 0) & (d_all >= 0)
    s = s_all[keep]
    d = d_all[keep]
    amt = a_all[keep]
    famt = amt.astype(np.float64)
    time = pd.Series(transfers["time"].to_numpy()[keep])
    if "memo" in transfers:
        everyday = non_investment_memo(transfers["memo"])[keep]
    else:
        everyday = np.zeros(len(s), dtype=bool)
    out_acc = _bincount(s, famt, n)

    month = (time.dt.year * 12 + time.dt.month).to_numpy()
    payroll = _payroll_codes(s, d, famt, month, n)
    names = _names(nodes, transfers, accounts, s_all, d_all)
    company = is_company_name(names).to_numpy()

    deposit_like = (amt >= min_deposit) & (amt % deposit_unit == 0) & ~everyday & ~payroll[s]

    # fan-in hubs: distinct senders of investment-like transfers
    pairs = (
        np.unique(np.stack([s[deposit_like], d[deposit_like]], axis=1), axis=0)
        if len(s)
        else (np.zeros((0, 2), dtype=np.int64))
    )
    payers = _bincount(pairs[:, 1], None, n).astype(np.int64)
    hub = payers >= min_payers

    def scheme_pass(hub):
        # closure: accounts whose money comes mostly from the scheme, not net payers into it
        in_s = hub.copy()
        dep_out = _bincount(s[deposit_like], famt[deposit_like], n)
        for _ in range(50):
            m = in_s[s]
            from_s = _bincount(d[m], famt[m], n)
            dm = deposit_like & hub[d] & ~in_s[s]  # investments into the collectors
            dep_to_s = _bincount(s[dm], famt[dm], n)
            # a participant living on its returns spends far more than it gets from the
            # scheme: money of its own went in
            funded = (total_out <= 2 * total_in) | (from_s >= 3 * dep_out)
            new = (
                (~in_s)
                & (from_s > 0)
                & (from_s >= closure_share * total_in)
                & (from_s >= 3 * dep_to_s)
                & funded
            )
            if not new.any():
                break
            in_s |= new

        # depositors into the closure, and money coming back to them
        dep_mask = deposit_like & in_s[d] & ~in_s[s]
        depositor = np.zeros(n, dtype=bool)
        depositor[s[dep_mask]] = True
        ret_mask = in_s[s] & depositor[d] & ~in_s[d] & ~everyday
        rpairs = (
            np.unique(np.stack([s[ret_mask], d[ret_mask]], axis=1), axis=0)
            if ret_mask.any()
            else (np.zeros((0, 2), dtype=np.int64))
        )
        returned_by = _bincount(rpairs[:, 0], None, n).astype(np.int64)
        active = in_s & (returned_by >= 2)
        for _ in range(50):
            m = active[d]
            to_active = _bincount(s[m], famt[m], n)
            new = in_s & ~active & (to_active > 0) & (to_active >= active_share * out_acc)
            if not new.any():
                break
            active |= new

        # weakly connected groups of active accounts
        e_act = active[s] & active[d]
        comp = np.full(n, -1, dtype=np.int64)
        if active.any():
            adj = sparse.coo_matrix(
                (np.ones(int(e_act.sum())), (s[e_act], d[e_act])), shape=(n, n)
            ).tocsr()
            _, labels = csgraph.connected_components(adj, directed=True, connection="weak")
            comp[active] = labels[active]

        # validate each group by its loop of money back to payers
        dep = pd.DataFrame({"payer": s[dep_mask], "node": d[dep_mask], "amount": amt[dep_mask]})
        dep = dep[active[dep["node"].to_numpy()]]
        dep["comp"] = comp[dep["node"].to_numpy()]
        ret_m2 = ret_mask & active[s]
        ret = pd.DataFrame({"node": s[ret_m2], "payer": d[ret_m2], "amount": amt[ret_m2]})
        ret["comp"] = comp[ret["node"].to_numpy()]
        paid_nodes = dep[["payer", "comp", "node"]].drop_duplicates()
        ret_k = ret.merge(paid_nodes.assign(same=True), on=["payer", "comp", "node"], how="left")
        ret_k["other"] = ret_k["same"].isna()
        per_payer = ret_k.groupby(["comp", "payer"]).agg(
            n=("amount", "size"), other=("other", "any")
        )
        looped = per_payer[(per_payer["n"] >= 2) | per_payer["other"]].reset_index()
        n_looped = looped.groupby("comp").size()
        n_payers = dep.groupby("comp")["payer"].nunique()
        need = np.maximum(min_returned, np.ceil(returned_share * n_payers))
        ok = (n_payers >= min_payers) & (n_looped.reindex(n_payers.index).fillna(0) >= need)
        valid_comps = sorted(int(c) for c in n_payers.index[ok])
        valid = np.isin(comp, valid_comps) & active
        return _SchemePass(
            in_s, dep_mask, depositor, ret_mask, active, comp, valid, valid_comps, dep, returned_by
        )

    passed = scheme_pass(hub)
    # small collectors: accounts with too few payers to be a hub that take investments from
    # people the scheme pays returns to and pass them on into the structure
    for _ in range(5):
        valid = passed.valid
        rm = valid[s] & ~valid[d] & ~everyday
        got_back = np.zeros(n, dtype=bool)
        got_back[d[rm]] = True
        m = deposit_like & got_back[s] & ~valid[s] & ~valid[d] & ~payroll[s]
        from_returned = _bincount(d[m], famt[m], n)
        fv = valid[d] & ~valid[s]
        to_valid = _bincount(s[fv], famt[fv], n)
        small = (~hub) & (from_returned > 0) & (to_valid >= 0.8 * from_returned) & ~payroll
        if not small.any():
            break
        hub = hub | small
        passed = scheme_pass(hub)
    in_s, dep_mask, depositor, ret_mask, active, comp, valid, valid_comps, dep, returned_by = passed

    # roles inside each valid structure
    role = np.array(["other"] * n, dtype=object)
    level = np.full(n, -1, dtype=np.int64)
    e_v = valid[s] & valid[d] & (comp[s] == comp[d])
    in_from = _bincount(d[e_v], famt[e_v], n)
    out_to = _bincount(s[e_v], famt[e_v], n)
    dep_v = dep_mask & valid[d]
    dep_in = _bincount(d[dep_v], famt[dep_v], n)
    ret_v = ret_mask & valid[s]
    ret_out = _bincount(s[ret_v], famt[ret_v], n)
    net = in_from + dep_in - out_to
    # a payout account passes most of what it gets on as returns; the core keeps money
    not_payout = ~((ret_out >= 0.5 * total_out) & (total_out >= 0.7 * total_in))
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

    # levels: hops against the flow from the core over substantial internal edges
    if len(vi):
        ea = pd.DataFrame({"s": s[e_v], "d": d[e_v], "a": famt[e_v]}).groupby(["s", "d"])["a"].sum()
        ea = ea.reset_index()
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

    dp = pd.DataFrame({"s": s[dep_v], "d": d[dep_v]}).drop_duplicates()
    dep_payers = _bincount(dp["d"].to_numpy(), None, n).astype(np.int64)
    # transit: no investor of its own and a pure conduit (pays the returns, or nearly all
    # of its money comes from and goes to the structure); a leader that only forwards its
    # team's money but has a life of its own (salary, cash, shopping) is a collector
    conduit = (in_from >= 0.9 * total_in) & (out_to + ret_out >= 0.9 * total_out)
    payout = ~not_payout
    role[valid] = "collector"
    role[valid & (dep_payers == 0) & (conduit | payout)] = "transit"
    role[core] = "core"

    # participants: investment transfers into valid scheme accounts
    inv_mask = dep_mask & valid[d]
    inv = pd.DataFrame(
        {
            "src": nodes[s[inv_mask]],
            "dst": nodes[d[inv_mask]],
            "amount": amt[inv_mask],
            "time": time.to_numpy()[inv_mask],
            "structure": comp[d[inv_mask]],
        }
    )
    part = np.zeros(n, dtype=bool)
    part[s[inv_mask]] = True
    part &= ~valid
    p_level = pd.Series(level[d[inv_mask]]).groupby(s[inv_mask]).min()
    level[p_level.index.to_numpy()] = np.where(
        part[p_level.index.to_numpy()], p_level.to_numpy() + 1, level[p_level.index.to_numpy()]
    )
    role[part] = "participant"
    rmask = valid[s] & part[d] & ~everyday
    rets = pd.DataFrame(
        {
            "src": nodes[s[rmask]],
            "dst": nodes[d[rmask]],
            "amount": amt[rmask],
            "time": time.to_numpy()[rmask],
            "structure": comp[s[rmask]],
        }
    )

    # beneficiaries: scheme money out that is not a return, followed through the closure
    # (controllers -> relatives, property sellers)
    recurring = _recurring(s, d, amt, month)
    # from the core and the transit accounts (a collector's own shopping is its private
    # life), single sums of at least ``min_benefit``
    src_ok = core | (valid & (role == "transit"))
    benef = np.zeros(n, dtype=bool)
    big = amt >= min_benefit
    for _ in range(10):
        bmask = src_ok[s] & ~valid[d] & ~part[d] & ~payroll[d] & ~recurring & big
        got = _bincount(d[bmask], famt[bmask], n)
        lump = np.zeros(n)
        if bmask.any():
            np.maximum.at(lump, d[bmask], famt[bmask])
        # mostly living on scheme money, or a lump sum (property, a car): rent and bills
        # paid by the scheme are neither
        new = (
            (~valid)
            & (~part)
            & ~payroll
            & ~benef
            & (
                ((got >= min_benefit) & (in_s | (got >= closure_share * total_in)))
                | (lump >= 10 * min_benefit)
            )
        )
        if not new.any():
            break
        benef |= new
        src_ok = src_ok | benef
    bmask = src_ok[s] & benef[d]
    role[benef] = "beneficiary"

    # structure ids: by absorbed desc, then smallest core account
    absorbed = inv.groupby("structure")["amount"].sum() if len(inv) else pd.Series(dtype="int64")
    order = sorted(
        valid_comps,
        key=lambda c: (-int(absorbed.get(c, 0)), nodes[np.flatnonzero(core & (comp == c))].min()),
    )
    renum = {c: i for i, c in enumerate(order)}
    struct = np.full(n, -1, dtype=np.int64)
    struct[valid] = [renum[c] for c in comp[valid]]
    inv["structure"] = inv["structure"].map(renum).astype("int64")
    rets["structure"] = rets["structure"].map(renum).astype("int64")
    # participants and beneficiaries belong to the structure they dealt most with
    if len(inv):
        main = inv.groupby(["src", "structure"])["amount"].sum().reset_index()
        main = main.sort_values(["src", "amount", "structure"], ascending=[True, False, True])
        main = main.drop_duplicates("src")
        struct[nodes.get_indexer(main["src"])] = main["structure"].to_numpy()
    if benef.any():
        # the structure each beneficiary got most from, directly or through another one
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

    fwd_share = np.divide(total_out, total_in, out=np.zeros(n), where=total_in > 0)
    acc = pd.DataFrame(
        {
            "role": role,
            "level": pd.array(np.where(level >= 0, level, 0), dtype="Int64"),
            "structure": pd.array(np.where(struct >= 0, struct, 0), dtype="Int64"),
            "distinct_payers": payers,
            "returned_payers": returned_by,
            "forward_share": np.minimum(fwd_share, 10.0),
            "company": company,
            "payroll": payroll,
        },
        index=pd.Index(nodes, name="account"),
    )
    acc.loc[level < 0, "level"] = pd.NA
    acc.loc[acc["role"] == "beneficiary", "level"] = pd.NA
    acc.loc[struct < 0, "structure"] = pd.NA

    structures = _describe(acc, inv, order, renum)
    return SchemeResult(accounts=acc, investments=inv, returns=rets, structures=structures)


def _describe(
    acc: pd.DataFrame, inv: pd.DataFrame, order: list[int], renum: dict[int, int]
) -> list[dict[str, Any]]:
    out = []
    for c in range(len(order)):
        members = acc[acc["structure"] == c]
        by_role = {
            r: sorted(members.index[members["role"] == r])
            for r in ("core", "collector", "transit", "participant", "beneficiary")
        }
        colls = members[members["role"] == "collector"]
        by_level: dict[str, list[str]] = {}
        for lv, grp in colls.groupby("level"):
            by_level[str(int(lv))] = sorted(grp.index)
        inv_c = inv[inv["structure"] == c]
        lv = members["level"].dropna()
        max_level = int(lv.max()) if len(lv) else 0
        out.append(
            {
                "id": c,
                "core": by_role["core"],
                "collectors": by_level,
                "transit": by_role["transit"],
                "beneficiaries": by_role["beneficiary"],
                "participant_accounts": int(inv_c["src"].nunique()),
                "participant_persons": int(inv_c["src"].nunique()),
                "absorbed": yuan_decimal(int(inv_c["amount"].sum()))
                if len(inv_c)
                else Decimal("0.00"),
                "max_level": max_level,
                "depth": max_level + 1,
            }
        )
    return out
