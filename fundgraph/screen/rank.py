"""Ranking accounts by the risk that they collect money for a scheme, from aggregates.

Runs in one process on the aggregated account graph (:mod:`fundgraph.screen.aggregates`),
never on statement rows. Each rule is a small function; an account's score is the sum of
the weights of the rules it meets, and every rule met is listed with its reason
(docs/method.md, "Signals": signals to combine, none decides alone).

Rules (stable codes)
--------------------
``many_payers``     money from at least ``MIN_PAYERS`` distinct natural persons (fan-in);
                    weighted down when the median person paid less than 1,000 元 in all
                    (a shop's customers).
``tiered_sums``     several payers paying the same few sums of at least 1,000 元 each,
                    whatever the digits (入会费 3,980, 20,666 …): at least five payers, and
                    at least 30 % of them, paid a sum that three or more payers paid.
                    Standing orders (one payer, one sum, three or more months: rent) are
                    not counted.
``round_sums``      the same, for multiples of 1,000 元 of at least 5,000 元.
``fast_forwarding`` 快进快出: at least 60 % of the money in leaves within 48 hours (first
                    in, first out over hourly totals), with the median dwell time.
``concentration``   fan-in followed by concentration: 70 % or more of the money out goes to
                    one or two accounts (weighted down for a shop's small payments).
``upstream_of_collectors`` the account that two or more concentrating accounts with tiered,
                    round or fast-forwarded money pay most of it to; weighted up (by
                    ``UPSTREAM_BREADTH`` at most) when at least ``MIN_PAYERS`` natural
                    persons paid those accounts and the median person paid at least
                    1,000 元 (fan-in followed by concentration upstream: a scheme's core,
                    not the head office of shops taking small payments).
``periodic_payouts`` returns-like payments: five or more payees who paid money into a
                    collecting account (tiered, round, fast-forwarding or upstream) are paid
                    in three or more distinct months.
``keyword_name``    holder name with 投资 / 投资咨询 / 投资理财 / 融资理财 / 理财咨询.
``watchlist``       account, alias, holder id or name on the watch list.
``sudden_growth``   the month with the most money in (at least 10万元) holds five times the
                    account's own monthly average of the up to six months before (at least
                    two months of history).

All thresholds are constants of this module; weights are :data:`SCREEN_WEIGHTS`.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pandas as pd

from ..analysis.alerts import NAME_KEYWORDS
from ..analysis.features import is_company_name
from ..i18n import t
from ..ingest import alias_map
from ..money import format_cny
from ..schema import CASH
from .aggregates import TABLES, canonical, group_agg
from .keyed import Keyed, from_text, resolve

__all__ = [
    "SCREEN_CODES",
    "SCREEN_WEIGHTS",
    "SCREEN_COLUMNS",
    "resolve_aggregates",
    "authoritative_pairs",
    "rank_accounts",
    "neighbourhood",
]

SCREEN_CODES = (
    "watchlist",
    "upstream_of_collectors",
    "periodic_payouts",
    "many_payers",
    "tiered_sums",
    "round_sums",
    "fast_forwarding",
    "concentration",
    "keyword_name",
    "sudden_growth",
)

SCREEN_WEIGHTS = {
    "watchlist": 3.0,
    "upstream_of_collectors": 2.5,
    "periodic_payouts": 2.5,
    "many_payers": 3.0,  # the most; scaled by payers, see _many_payers
    "tiered_sums": 2.0,
    "round_sums": 1.0,
    "fast_forwarding": 2.0,
    "concentration": 1.5,
    "keyword_name": 1.5,
    "sudden_growth": 1.0,
}

SCREEN_COLUMNS = {
    "rank": "int64",
    "account": "str",
    "holder_name": "str",
    "holder_id": "str",
    "score": "float",
    "codes": "str",
    "reasons": "str",
    "first_time": "datetime",
    "last_time": "datetime",
    "payers": "int64",
    "natural_payers": "int64",
    "in_amount": "int64",
    "out_amount": "int64",
    "obtained": "bool",
}

MIN_PAYERS = 10
MIN_TIER = 100_000  # 1,000 元 in cents
ROUND_UNIT = 100_000
MIN_ROUND = 500_000
FAST_HOURS = 48
MIN_FAST_IN = 5_000_000  # 5万元
MIN_GROWTH_PEAK = 10_000_000  # 10万元
UPSTREAM_BREADTH = 1.0  # added to upstream_of_collectors at full breadth behind it
_PERSON_ID = r"^\d{17}[\dXx]$"


def resolve_aggregates(aggregates: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Aggregates with every alias replaced by its canonical account id (and re-merged).

    The alias pairs of all files seen are known only at the end, so aggregates are kept
    under the numbers as printed and resolved here; merging makes this exact.
    """
    mapping = alias_map(aggregates["aliases"]) if len(aggregates["aliases"]) else {}
    if not mapping:
        return dict(aggregates)
    out = {}
    for name, df in aggregates.items():
        df = df.copy()
        for col in ("account", "src", "dst"):
            if col in df and name != "aliases":
                m = df[col].map(mapping)
                df[col] = m.where(m.notna(), df[col]).astype(object)
        out[name] = df
    # merging a table with an empty one regroups it by its key
    return {name: _regroup(name, out[name]) for name in TABLES}


def _regroup(name: str, df: pd.DataFrame) -> pd.DataFrame:
    keys, values = TABLES[name]
    if df.empty:
        return canonical(name, df)
    if not values:
        return canonical(name, df.drop_duplicates(subset=keys))
    return canonical(name, group_agg(df, keys, {c: (c, op) for c, op in values.items()}))


def _with_use(df: pd.DataFrame, obtained: set[str]) -> pd.DataFrame:
    """``use_in``: the row is how ``dst``'s money in is counted; ``use_out`` likewise for
    ``src``: from the account's own statement where the feed holds it, else the other side."""
    df = df.copy()
    dst_own = df["dst"].isin(obtained).to_numpy()
    src_own = df["src"].isin(obtained).to_numpy()
    seen = df["seen"].to_numpy()
    df["use_in"] = ((seen == "dst") == dst_own) & (df["dst"] != CASH).to_numpy()
    df["use_out"] = ((seen == "src") == src_own) & (df["src"] != CASH).to_numpy()
    return df


def authoritative_pairs(aggregates: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Pairs with ``use_in``/``use_out`` flags (see :func:`_with_use`); aliases resolved."""
    obtained = set(aggregates["accounts"]["account"])
    return _with_use(aggregates["pairs"], obtained)


def _fifo_fast(hours: pd.DataFrame) -> tuple[float, float]:
    """Share of money in that left within ``FAST_HOURS`` and the median dwell (hours),
    first in first out over hourly totals (money in during an hour counts before money out);
    ``hour`` in hours since the epoch, in order."""
    h = hours["hour"].to_numpy().astype(np.int64).tolist()
    ins = hours["in_amount"].tolist()
    outs = hours["out_amount"].tolist()
    queue: deque = deque()
    fast = 0
    dwell: list[tuple[int, int]] = []
    total_in = sum(ins)
    for hh, i, o in zip(h, ins, outs, strict=True):
        if i:
            queue.append([hh, i])
        while o > 0 and queue:
            q = queue[0]
            take = min(q[1], o)
            d = hh - q[0]
            if d <= FAST_HOURS:
                fast += take
            dwell.append((d, take))
            q[1] -= take
            o -= take
            if q[1] == 0:
                queue.popleft()
    if not total_in or not dwell:
        return 0.0, math.nan
    dwell.sort()
    half = sum(a for _, a in dwell) / 2
    acc = 0
    med = dwell[-1][0]
    for d, a in dwell:
        acc += a
        if acc >= half:
            med = d
            break
    return fast / total_in, float(med)


def _exact(c: int) -> str:
    """Cents as exact yuan (``¥20,666.00``): a tier's digits are the evidence."""
    c = int(c)
    return f"¥{c // 100:,}.{c % 100:02d}"


def _yuan(c: int, lang: str) -> str:
    return format_cny(int(c), lang)


def _use(df: pd.DataFrame, obtained: np.ndarray, cash: int) -> tuple[np.ndarray, np.ndarray]:
    """``use_in`` and ``use_out`` of keyed rows (the rule of :func:`_with_use`)."""
    src = df["src"].to_numpy()
    dst = df["dst"].to_numpy()
    seen_src = df["seen_src"].to_numpy(dtype=bool)
    use_in = (~seen_src == obtained[dst]) & (dst != cash)
    use_out = (seen_src == obtained[src]) & (src != cash)
    return use_in, use_out


def _persons_behind(
    feeders: dict[int, list[int]], pin_nat: pd.DataFrame, n_ids: int
) -> dict[int, tuple[int, float]]:
    """For each upstream account: distinct natural persons who paid its feeders, and the
    median of what each such person paid one feeder in all (payer-feeder sums)."""
    if not feeders:
        return {}
    up = np.repeat(
        np.fromiter(feeders.keys(), dtype=np.int64, count=len(feeders)),
        [len(f) for f in feeders.values()],
    )
    fed = np.concatenate([np.asarray(f, dtype=np.int64) for f in feeders.values()])
    link = pd.DataFrame({"dst": fed, "up": up})
    paid = pin_nat[["src", "dst", "amount"]].merge(link, on="dst", how="inner")
    paid = paid[paid["src"].to_numpy() != paid["up"].to_numpy()]
    if paid.empty:
        return {}
    g = paid.groupby("up", sort=True)
    persons, median = g["src"].nunique(), g["amount"].median()
    return {int(a): (int(persons[a]), float(median[a])) for a in persons.index}


def _natural(names: pd.Series, ids: pd.Series) -> np.ndarray:
    """Natural persons: an 18-digit resident ID, or a name that is not an organisation's
    (worked out once per distinct name and id)."""
    n_codes, n_uniq = pd.factorize(names.fillna("").to_numpy(dtype=object))
    i_codes, i_uniq = pd.factorize(ids.fillna("").to_numpy(dtype=object))
    if not len(n_codes):
        return np.zeros(0, dtype=bool)
    n_uniq = pd.Series(np.asarray(n_uniq, dtype=object), dtype=object)
    i_uniq = pd.Series(np.asarray(i_uniq, dtype=object), dtype=object)
    person_id = i_uniq.astype(str).str.match(_PERSON_ID).to_numpy()
    named = (n_uniq != "").to_numpy() & ~is_company_name(n_uniq).to_numpy()
    return person_id[i_codes] | named[n_codes]


def _pair_key(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    return src.astype(np.int64) * max(n, 1) + dst.astype(np.int64)


def _month_text(m: int) -> str:
    return str(np.int64(m).astype("datetime64[M]"))[:7]


def rank_accounts(
    aggregates: dict[str, pd.DataFrame] | Keyed,
    *,
    watchlist: pd.DataFrame | None = None,
    lang: str = "zh",
    min_score: float = 0.0,
    resolved: bool = False,
) -> pd.DataFrame:
    """Every account that meets at least one rule, highest score first.

    Parameters
    ----------
    aggregates : dict of DataFrame or Keyed
        Merged aggregates (:func:`fundgraph.screen.aggregates.merge_aggregates`), or their
        keyed form (:mod:`fundgraph.screen.keyed`).
    watchlist : DataFrame, optional
        From :func:`fundgraph.analysis.read_watchlist`.
    lang : {"zh", "en"}
        Language of the reasons.
    min_score : float
        Leave out accounts scoring less, unless on the watch list or named with a keyword.
    resolved : bool
        ``aggregates`` have their aliases resolved already (:func:`resolve_aggregates`,
        :func:`fundgraph.screen.keyed.resolve`).

    Returns
    -------
    DataFrame
        :data:`SCREEN_COLUMNS`, sorted by score (descending) then account.
    """
    k = aggregates if isinstance(aggregates, Keyed) else from_text(aggregates)
    if not resolved:
        k = resolve(k)
    return _rank(k, watchlist=watchlist, lang=lang, min_score=min_score)


def _rank(k: Keyed, *, watchlist, lang: str, min_score: float) -> pd.DataFrame:
    texts, T, cash = k.texts, k.tables, k.cash  # amounts, months, hours: k.rows
    n_ids = len(texts)
    accounts = T["accounts"].set_index("account")
    obtained = np.zeros(n_ids, dtype=bool)
    obtained[accounts.index.to_numpy()] = True
    pairs = T["pairs"]
    use_in, use_out = _use(pairs, obtained, cash)
    # the columns each use reads (the pairs are as long as the feed's distinct pairs)
    inflow = pairs.loc[
        use_in, ["src", "dst", "n", "amount", "max_amount", "first_time", "last_time"]
    ]
    outflow = pairs.loc[use_out, ["src", "dst", "amount", "first_time", "last_time"]]
    paid = use_in & (pairs["src"].to_numpy() != cash)
    pin = inflow.loc[inflow["src"].to_numpy() != cash, ["src", "dst", "amount", "max_amount"]]
    pin = pin.assign(natural=_natural(pairs["src_name"][paid], pairs["src_id"][paid]))
    pout = outflow.loc[outflow["dst"].to_numpy() != cash, ["src", "dst", "amount"]]
    del paid

    # every sender, and every receiver but cash (a cash sender stays, with nothing summed)
    dst_ends = np.unique(pairs["dst"].to_numpy())
    ends = np.union1d(pairs["src"].to_numpy(), dst_ends[dst_ends != cash])
    per = pd.DataFrame(index=pd.Index(ends.astype(np.int64), name="account"))
    pin_nat = pin[pin["natural"].to_numpy()]
    per["in_amount"] = inflow.groupby("dst")["amount"].sum()
    per["out_amount"] = outflow.groupby("src")["amount"].sum()
    per["payers"] = pin.groupby("dst")["src"].nunique()
    per["natural_payers"] = pin_nat.groupby("dst")["src"].nunique()
    per["median_paid"] = pin_nat.groupby("dst")["amount"].median()
    per["out_nc"] = pout.groupby("src")["amount"].sum()
    per["in_n"] = inflow.groupby("dst")["n"].sum()
    for c in ("in_amount", "out_amount", "payers", "natural_payers", "out_nc", "in_n"):
        per[c] = per[c].fillna(0).astype("int64")
    first = pd.concat(
        [inflow.groupby("dst")["first_time"].min(), outflow.groupby("src")["first_time"].min()],
        axis=1,
    ).min(axis=1)
    last = pd.concat(
        [inflow.groupby("dst")["last_time"].max(), outflow.groupby("src")["last_time"].max()],
        axis=1,
    ).max(axis=1)
    per["first_time"] = first
    per["last_time"] = last
    # names: the own statement's, else what counterparties' statements print (looked up
    # only for the accounts whose own is empty)
    own_name = accounts["holder_name"].reindex(per.index).fillna("")
    own_id = accounts["holder_id"].reindex(per.index).fillna("")
    for col, own in (("name", own_name), ("id", own_id)):
        need = np.zeros(n_ids, dtype=bool)
        need[per.index.to_numpy()[(own == "").to_numpy()]] = True
        # the largest text of each such account; an empty one only where all are empty
        d, s_ = pairs["dst"].to_numpy(), pairs["src"].to_numpy()
        v_d = pairs[f"dst_{col}"].to_numpy(dtype=object)
        v_s = pairs[f"src_{col}"].to_numpy(dtype=object)
        sel_d, sel_s = need[d] & (v_d != ""), need[s_] & (v_s != "")
        seen = pd.DataFrame(
            {
                "account": np.concatenate([d[sel_d], s_[sel_s]]),
                "v": np.concatenate([v_d[sel_d], v_s[sel_s]]),
            }
        )
        del v_d, v_s, sel_d, sel_s
        if len(seen):
            got = group_agg(seen, ["account"], {"v": ("v", "max")}).set_index("account")["v"]
            other = got.reindex(per.index).fillna("")
        else:
            other = pd.Series("", index=per.index, dtype=object)
        per[f"holder_{col}"] = own.where(own != "", other)
    per["obtained"] = obtained[per.index.to_numpy()]

    reasons: dict[int, list[tuple[str, float, str]]] = {}

    def add(acct: int, code: str, weight: float, text: str) -> None:
        reasons.setdefault(int(acct), []).append((code, weight, text))

    # many distinct natural-person payers
    fan = per[per["natural_payers"] >= MIN_PAYERS]
    for acct, r in fan.iterrows():
        strength = min(1.0, 0.5 + math.log10(r["natural_payers"] / MIN_PAYERS))
        if r["median_paid"] < MIN_TIER:
            strength *= 0.5
        add(
            acct,
            "many_payers",
            SCREEN_WEIGHTS["many_payers"] * strength,
            t(
                "screen.reason.many_payers",
                lang,
                n=int(r["natural_payers"]),
                median=_yuan(r["median_paid"], lang),
            ),
        )
    fan_in = np.zeros(n_ids, dtype=bool)
    fan_in[per.index.to_numpy()[(per["natural_payers"] >= 5).to_numpy()]] = True

    # money in per month, of the accounts with payers or enough money in for a peak month
    # of sudden growth (a month's money in is at most all money in)
    growth = np.zeros(n_ids, dtype=bool)
    growth[per.index.to_numpy()[(per["in_amount"] >= MIN_GROWTH_PEAK).to_numpy()]] = True
    months = k.rows("months", dst=fan_in | growth)
    m_in, _ = _use(months, obtained, cash)
    # standing orders (rent, subscriptions): one sum, paid in three or more months
    m_src, m_dst = months["src"].to_numpy(), months["dst"].to_numpy()
    mi_pairs = months[m_in & (m_src != cash) & fan_in[m_dst]]
    n_in_months = mi_pairs.groupby(["src", "dst"])["month"].nunique()

    # tiered and round sums (amounts paid by distinct payers into the account)
    amounts = k.rows("amounts", dst=fan_in)
    a_in, _ = _use(amounts, obtained, cash)
    a_src, a_dst = amounts["src"].to_numpy(), amounts["dst"].to_numpy()
    amounts = amounts[a_in & (a_src != cash) & fan_in[a_dst]]
    n_sums = amounts.groupby(["src", "dst"])["amount"].nunique()
    standing = (n_sums == 1) & (n_in_months.reindex(n_sums.index).fillna(0) >= 3)
    if standing.any():
        st = n_sums.index[standing.to_numpy()]
        st_keys = _pair_key(
            st.get_level_values(0).to_numpy(), st.get_level_values(1).to_numpy(), n_ids
        )
        keyed = _pair_key(amounts["src"].to_numpy(), amounts["dst"].to_numpy(), n_ids)
        amounts = amounts[~np.isin(keyed, st_keys)]
    big = amounts[amounts["amount"] >= MIN_TIER]
    tier_payers = big.groupby(["dst", "amount"])["src"].nunique().rename("k").reset_index()
    tiers = tier_payers[tier_payers["k"] >= 3]
    collecting = np.zeros(n_ids, dtype=bool)
    if len(tiers):
        tiered = big.merge(tiers[["dst", "amount"]], on=["dst", "amount"])
        n_tiered = tiered.groupby("dst")["src"].nunique()
        for acct, n_k in n_tiered.items():
            if n_k >= 5 and n_k >= 0.3 * per.at[acct, "payers"]:
                top = (
                    tiers[tiers["dst"] == acct]
                    .sort_values(["k", "amount"], ascending=[False, True])
                    .head(3)
                )
                shown = "、".join(
                    f"{_exact(a)}×{int(n)}" for a, n in zip(top["amount"], top["k"], strict=True)
                )
                add(
                    acct,
                    "tiered_sums",
                    SCREEN_WEIGHTS["tiered_sums"],
                    t("screen.reason.tiered_sums", lang, n=int(n_k), tiers=shown),
                )
                collecting[acct] = True
    rnd = big[(big["amount"] % ROUND_UNIT == 0) & (big["amount"] >= MIN_ROUND)]
    for acct, n_k in rnd.groupby("dst")["src"].nunique().items():
        if n_k >= 5 and n_k >= 0.3 * per.at[acct, "payers"]:
            add(
                acct,
                "round_sums",
                SCREEN_WEIGHTS["round_sums"],
                t("screen.reason.round_sums", lang, n=int(n_k)),
            )
            collecting[acct] = True

    # fast forwarding, over hourly totals of candidate accounts only
    fast = np.zeros(n_ids, dtype=bool)
    cand = np.zeros(n_ids, dtype=bool)
    cand[
        per.index.to_numpy()[((per["payers"] >= 5) & (per["in_amount"] >= MIN_FAST_IN)).to_numpy()]
    ] = True
    if cand.any():
        hours = k.rows("hours", dst=cand)
        h_acct = hours["account"].to_numpy()
        keep = cand[h_acct] & (hours["own"].to_numpy(dtype=bool) == obtained[h_acct])
        for acct, g in hours[keep].groupby("account", sort=True):
            share, med = _fifo_fast(g)
            if share >= 0.6:
                add(
                    acct,
                    "fast_forwarding",
                    SCREEN_WEIGHTS["fast_forwarding"],
                    t(
                        "screen.reason.fast_forwarding",
                        lang,
                        share=f"{100 * share:.0f}",
                        hours=f"{med:.0f}",
                        window=FAST_HOURS,
                    ),
                )
                fast[acct] = True

    # fan-in followed by concentration upstream
    upstream: dict[int, list[int]] = {}
    many = np.zeros(n_ids, dtype=bool)
    many[per.index.to_numpy()[(per["natural_payers"] >= MIN_PAYERS).to_numpy()]] = True
    if len(pout):
        po = pout[many[pout["src"].to_numpy()]].sort_values(
            ["src", "amount", "dst"], ascending=[True, False, True]
        )
        top = po.groupby("src", sort=True).head(2)
        top2 = top.groupby("src", sort=True)["amount"].sum()
        head = po.groupby("src", sort=True).head(1).set_index("src")
        total = per["out_nc"].reindex(top2.index)
        inn = per["in_amount"].reindex(top2.index)
        hit = (total > 0) & (top2 >= 0.7 * total) & (total >= 0.5 * inn)
        hits = top2.index[hit.to_numpy()]
        top_hit = top[top["src"].isin(hits)]
        to = (
            pd.Series(texts[top_hit["dst"].to_numpy()], index=top_hit["src"].to_numpy())
            .groupby(level=0, sort=True)
            .agg("、".join)
        )
        for acct in hits:
            share = 100 * top2[acct] / total[acct]
            small = per.at[acct, "median_paid"] < MIN_TIER  # a shop's customers, paying on
            add(
                acct,
                "concentration",
                SCREEN_WEIGHTS["concentration"] * (0.5 if small else 1.0),
                t("screen.reason.concentration", lang, share=f"{share:.0f}", to=to[acct]),
            )
            if head.at[acct, "amount"] >= 0.5 * total[acct] and (collecting[acct] or fast[acct]):
                upstream.setdefault(int(head.at[acct, "dst"]), []).append(int(acct))
    # the natural persons behind each upstream account: who paid its feeders, and how much
    behind = _persons_behind({a: f for a, f in upstream.items() if len(f) >= 2}, pin_nat, n_ids)
    for acct in sorted(upstream):
        feeders = sorted(upstream[acct])
        if len(feeders) >= 2:
            shown = "、".join(texts[feeders[:5]]) + ("…" if len(feeders) > 5 else "")
            persons, median = behind.get(acct, (0, 0))
            weight = SCREEN_WEIGHTS["upstream_of_collectors"]
            if persons >= MIN_PAYERS and median >= MIN_TIER:
                # fan-in followed by concentration upstream: the money of many persons,
                # each paying investment-sized sums, ends here (not a chain's till money)
                weight += UPSTREAM_BREADTH * min(1.0, 0.5 + math.log10(persons / MIN_PAYERS))
            add(
                acct,
                "upstream_of_collectors",
                weight,
                t(
                    "screen.reason.upstream_of_collectors",
                    lang,
                    n=len(feeders),
                    feeders=shown,
                    persons=persons,
                    median=_yuan(int(median), lang),
                ),
            )
            collecting[acct] = True

    # returns-like periodic payouts to those who paid a collecting account (the months of
    # payments by a collecting account or to one of its payers)
    gathering = collecting | fast
    p_src, p_dst = pin["src"].to_numpy(), pin["dst"].to_numpy()
    investors = np.zeros(n_ids, dtype=bool)
    investors[p_src[(pin["max_amount"].to_numpy() >= MIN_TIER) & gathering[p_dst]]] = True
    months_out = k.rows("months", src=gathering, dst=investors)
    _, m_out = _use(months_out, obtained, cash)
    mo = months_out[m_out & (months_out["dst"].to_numpy() != cash)]
    n_months = mo.groupby(["src", "dst"])["month"].nunique()
    periodic = n_months[n_months >= 3].reset_index()[["src", "dst"]]
    if len(periodic):
        x, p = periodic["src"].to_numpy(), periodic["dst"].to_numpy()
        paid = np.isin(_pair_key(p, x, n_ids), _pair_key(p_src, p_dst, n_ids))
        ok = investors[p] | (paid & gathering[x])
        periodic = periodic[ok]
        for acct, size in periodic.groupby("src", sort=True).size().items():
            if size >= 5:
                add(
                    acct,
                    "periodic_payouts",
                    SCREEN_WEIGHTS["periodic_payouts"],
                    t("screen.reason.periodic_payouts", lang, n=int(size)),
                )

    # sudden growth against the account's own months
    mi = months[m_in & (m_src != cash)]
    monthly = mi.groupby(["dst", "month"])["amount"].sum().reset_index()
    monthly = monthly[monthly.groupby("dst")["amount"].transform("max") >= MIN_GROWTH_PEAK]
    if len(monthly):
        monthly = monthly.assign(m=monthly["month"])
        for acct, g in monthly.groupby("dst", sort=True):
            if g["amount"].max() < MIN_GROWTH_PEAK:
                continue
            g = g.sort_values("m")
            peak = g.loc[g["amount"] == g["amount"].max(), "m"].max()
            start = max(int(g["m"].min()), int(peak) - 6)
            if peak - start < 2:
                continue
            prior = g[(g["m"] >= start) & (g["m"] < peak)]["amount"].sum() / (peak - start)
            value = int(g.loc[g["m"] == peak, "amount"].iloc[0])
            if value >= 5 * max(prior, 1):
                month = _month_text(int(g.loc[g["m"] == peak, "month"].iloc[0]))
                add(
                    acct,
                    "sudden_growth",
                    SCREEN_WEIGHTS["sudden_growth"],
                    t(
                        "screen.reason.sudden_growth",
                        lang,
                        month=month,
                        amount=_yuan(value, lang),
                        average=_yuan(int(round(prior)), lang),
                    ),
                )

    # names and the watch list (each distinct name looked at once)
    names = per["holder_name"].astype(str)
    n_codes, n_uniq = pd.factorize(names.to_numpy(dtype=object))
    words = np.array(
        [next((w for w in NAME_KEYWORDS if w in name), "") if name else "" for name in n_uniq],
        dtype=object,
    )
    if len(n_codes):
        acct_word = words[n_codes]
        for acct, word in zip(per.index[acct_word != ""], acct_word[acct_word != ""], strict=True):
            add(
                acct,
                "keyword_name",
                SCREEN_WEIGHTS["keyword_name"],
                t("screen.reason.keyword_name", lang, word=word),
            )
    if watchlist is not None and len(watchlist):
        alias_of: dict[int, list[str]] = {}
        for a, c in alias_map(k.aliases).items() if len(k.aliases) else []:
            code = int(k.codes([c])[0])
            alias_of.setdefault(code, []).append(a)
        values = {
            kind: set(watchlist.loc[watchlist["kind"].isin([kind, "any"]), "value"])
            for kind in ("name", "id", "account")
        }
        idx = per.index.to_numpy()
        acct_text = texts[idx]
        ids_ = per["holder_id"].to_numpy(dtype=object)
        nms = per["holder_name"].to_numpy(dtype=object)
        maybe = (
            pd.Series(acct_text).isin(values["account"]).to_numpy()
            | pd.Series(ids_).isin(values["id"]).to_numpy()
            | pd.Series(nms).isin(values["name"]).to_numpy()
            | np.isin(idx, np.fromiter(alias_of.keys(), dtype=np.int64))
        )
        for i in np.flatnonzero(maybe):
            acct = int(idx[i])
            hit = next(
                (
                    v
                    for v, kind in [
                        (acct_text[i], "account"),
                        *((a, "account") for a in sorted(alias_of.get(acct, []))),
                        (ids_[i], "id"),
                        (nms[i], "name"),
                    ]
                    if v and v in values[kind]
                ),
                "",
            )
            if hit:
                add(
                    acct,
                    "watchlist",
                    SCREEN_WEIGHTS["watchlist"],
                    t("screen.reason.watchlist", lang, entry=hit),
                )

    rows = []
    for acct, items in reasons.items():
        items = sorted(items, key=lambda x: SCREEN_CODES.index(x[0]))
        named = any(c in ("watchlist", "keyword_name") for c, _, _ in items)
        if sum(w for _, w, _ in items) < min_score and not named:
            continue
        r = per.loc[acct]
        rows.append(
            {
                "account": texts[acct],
                "holder_name": r["holder_name"],
                "holder_id": r["holder_id"],
                "score": round(sum(w for _, w, _ in items), 3),
                "codes": ";".join(c for c, _, _ in items),
                "reasons": "\n".join(x for _, _, x in items),
                "first_time": r["first_time"],
                "last_time": r["last_time"],
                "payers": int(r["payers"]),
                "natural_payers": int(r["natural_payers"]),
                "in_amount": int(r["in_amount"]),
                "out_amount": int(r["out_amount"]),
                "obtained": bool(r["obtained"]),
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in SCREEN_COLUMNS if c != "rank"])
    out = out.sort_values(["score", "account"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    out.insert(0, "rank", np.arange(1, len(out) + 1, dtype=np.int64))
    from ..tables import conform

    return conform(out, SCREEN_COLUMNS, extra=False)


def neighbourhood(
    aggregates: dict[str, pd.DataFrame] | Keyed,
    accounts: list[str],
    *,
    limit: int = 10,
    resolved: bool = False,
) -> pd.DataFrame:
    """The one-hop neighbourhood of ``accounts``: their biggest counterparties each way.

    Returns
    -------
    DataFrame
        ``account``, ``direction`` (``in``: money from the peer), ``peer``, ``peer_name``,
        ``n``, ``amount``, ``first_time``, ``last_time``, at most ``limit`` peers per account
        and direction, biggest first. ``peer`` is empty for cash.
    """
    k = aggregates if isinstance(aggregates, Keyed) else from_text(aggregates)
    if not resolved:
        k = resolve(k)
    pairs = k.tables["pairs"]
    n_ids = len(k.texts)
    obtained = np.zeros(n_ids, dtype=bool)
    obtained[k.tables["accounts"]["account"].to_numpy()] = True
    use_in, use_out = _use(pairs, obtained, k.cash)
    want = np.zeros(n_ids, dtype=bool)
    codes = k.codes(accounts)
    want[codes[codes >= 0]] = True
    parts = []
    pin = pairs[use_in & want[pairs["dst"].to_numpy()]]
    parts.append(
        pd.DataFrame(
            {
                "account": pin["dst"].to_numpy(),
                "direction": "in",
                "peer": pin["src"].to_numpy(),
                "peer_name": pin["src_name"].to_numpy(dtype=object),
                "n": pin["n"].to_numpy(),
                "amount": pin["amount"].to_numpy(),
                "first_time": pin["first_time"].to_numpy(),
                "last_time": pin["last_time"].to_numpy(),
            }
        )
    )
    po = pairs[use_out & want[pairs["src"].to_numpy()]]
    parts.append(
        pd.DataFrame(
            {
                "account": po["src"].to_numpy(),
                "direction": "out",
                "peer": po["dst"].to_numpy(),
                "peer_name": po["dst_name"].to_numpy(dtype=object),
                "n": po["n"].to_numpy(),
                "amount": po["amount"].to_numpy(),
                "first_time": po["first_time"].to_numpy(),
                "last_time": po["last_time"].to_numpy(),
            }
        )
    )
    nb = pd.concat(parts, ignore_index=True)
    nb = nb.sort_values(
        ["account", "direction", "amount", "peer"],
        ascending=[True, True, False, True],
        kind="stable",
    )
    if limit:
        nb = nb.groupby(["account", "direction"], sort=False).head(limit)
    nb = nb.reset_index(drop=True)
    for c in ("account", "peer"):
        v = nb[c].to_numpy(dtype=np.int64)
        nb[c] = pd.Series(k.texts[v] if len(v) else np.array([], dtype=object), dtype=object)
    return nb
