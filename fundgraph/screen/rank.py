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
                    round or fast-forwarded money pay most of it to.
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


def _natural(names: pd.Series, ids: pd.Series) -> np.ndarray:
    person_id = ids.fillna("").astype(str).str.match(_PERSON_ID).to_numpy()
    named = (names.fillna("") != "").to_numpy()
    return person_id | (named & ~is_company_name(names).to_numpy())


def _fifo_fast(hours: pd.DataFrame) -> tuple[float, float]:
    """Share of money in that left within ``FAST_HOURS`` and the median dwell (hours),
    first in first out over hourly totals (money in during an hour counts before money out)."""
    h = (hours["hour"].to_numpy().astype("datetime64[h]").astype(np.int64)).tolist()
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


def rank_accounts(
    aggregates: dict[str, pd.DataFrame],
    *,
    watchlist: pd.DataFrame | None = None,
    lang: str = "zh",
    min_score: float = 0.0,
    resolved: bool = False,
) -> pd.DataFrame:
    """Every account that meets at least one rule, highest score first.

    Parameters
    ----------
    aggregates : dict of DataFrame
        Merged aggregates (:func:`fundgraph.screen.aggregates.merge_aggregates`).
    watchlist : DataFrame, optional
        From :func:`fundgraph.analysis.read_watchlist`.
    lang : {"zh", "en"}
        Language of the reasons.
    min_score : float
        Leave out accounts scoring less, unless on the watch list or named with a keyword.
    resolved : bool
        ``aggregates`` come from :func:`resolve_aggregates` already.

    Returns
    -------
    DataFrame
        :data:`SCREEN_COLUMNS`, sorted by score (descending) then account.
    """
    agg = aggregates if resolved else resolve_aggregates(aggregates)
    accounts = agg["accounts"].set_index("account")
    obtained = set(accounts.index)
    pairs = _with_use(agg["pairs"], obtained)
    inflow = pairs[pairs["use_in"]]
    outflow = pairs[pairs["use_out"]]
    pin = inflow[inflow["src"] != CASH].copy()
    pin["natural"] = _natural(pin["src_name"], pin["src_id"])
    pout = outflow[outflow["dst"] != CASH]

    per = pd.DataFrame(
        index=pd.Index(sorted(set(pairs["src"]) | set(pairs["dst"]) - {CASH}), name="account")
    )
    per["in_amount"] = inflow.groupby("dst")["amount"].sum()
    per["out_amount"] = outflow.groupby("src")["amount"].sum()
    per["payers"] = pin.groupby("dst")["src"].nunique()
    per["natural_payers"] = pin[pin["natural"]].groupby("dst")["src"].nunique()
    per["median_paid"] = pin[pin["natural"]].groupby("dst")["amount"].median()
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
    # names: the own statement's, else what counterparties' statements print
    seen_names = pd.concat(
        [
            pairs[["dst", "dst_name", "dst_id"]].set_axis(["account", "name", "id"], axis=1),
            pairs[["src", "src_name", "src_id"]].set_axis(["account", "name", "id"], axis=1),
        ]
    )
    seen_names = group_agg(
        seen_names, ["account"], {"name": ("name", "max"), "id": ("id", "max")}
    ).set_index("account")
    own_name = accounts["holder_name"].reindex(per.index).fillna("")
    own_id = accounts["holder_id"].reindex(per.index).fillna("")
    per["holder_name"] = own_name.where(
        own_name != "", seen_names["name"].reindex(per.index).fillna("")
    )
    per["holder_id"] = own_id.where(own_id != "", seen_names["id"].reindex(per.index).fillna(""))
    per["obtained"] = per.index.isin(list(obtained))

    reasons: dict[str, list[tuple[str, float, str]]] = {}

    def add(acct: str, code: str, weight: float, text: str) -> None:
        reasons.setdefault(acct, []).append((code, weight, text))

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
    fan_in = set(per.index[per["natural_payers"] >= 5])

    months = _with_use(agg["months"], obtained)
    # standing orders (rent, subscriptions): one sum, paid in three or more months
    mi_pairs = months[months["use_in"] & (months["src"] != CASH)]
    n_in_months = mi_pairs.groupby(["src", "dst"])["month"].nunique()

    # tiered and round sums (amounts paid by distinct payers into the account)
    amounts = _with_use(agg["amounts"], obtained)
    amounts = amounts[amounts["use_in"] & (amounts["src"] != CASH) & amounts["dst"].isin(fan_in)]
    n_sums = amounts.groupby(["src", "dst"])["amount"].nunique()
    standing = (n_sums == 1) & (n_in_months.reindex(n_sums.index).fillna(0) >= 3)
    standing_pairs = set(n_sums.index[standing.to_numpy()])
    if standing_pairs:
        keyed = pd.MultiIndex.from_frame(amounts[["src", "dst"]])
        amounts = amounts[~keyed.isin(list(standing_pairs))]
    big = amounts[amounts["amount"] >= MIN_TIER]
    tier_payers = big.groupby(["dst", "amount"])["src"].nunique().rename("k").reset_index()
    tiers = tier_payers[tier_payers["k"] >= 3]
    collecting: set[str] = set()
    if len(tiers):
        tiered = big.merge(tiers[["dst", "amount"]], on=["dst", "amount"])
        n_tiered = tiered.groupby("dst")["src"].nunique()
        for acct, k in n_tiered.items():
            if k >= 5 and k >= 0.3 * per.at[acct, "payers"]:
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
                    t("screen.reason.tiered_sums", lang, n=int(k), tiers=shown),
                )
                collecting.add(acct)
    rnd = big[(big["amount"] % ROUND_UNIT == 0) & (big["amount"] >= MIN_ROUND)]
    for acct, k in rnd.groupby("dst")["src"].nunique().items():
        if k >= 5 and k >= 0.3 * per.at[acct, "payers"]:
            add(
                acct,
                "round_sums",
                SCREEN_WEIGHTS["round_sums"],
                t("screen.reason.round_sums", lang, n=int(k)),
            )
            collecting.add(acct)

    # fast forwarding, over hourly totals of candidate accounts only
    fast: set[str] = set()
    cand = sorted(set(per.index[(per["payers"] >= 5) & (per["in_amount"] >= MIN_FAST_IN)]))
    if cand:
        hours = agg["hours"]
        hours = hours[hours["account"].isin(cand)]
        own = hours["account"].isin(list(obtained)).to_numpy()
        hours = hours[(hours["view"] == "own") == own]
        for acct, g in hours.groupby("account", sort=True):
            share, med = _fifo_fast(g.sort_values("hour"))
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
                fast.add(acct)

    # fan-in followed by concentration upstream
    upstream: dict[str, list[str]] = {}
    many = set(per.index[per["natural_payers"] >= MIN_PAYERS])
    if len(pout):
        po = pout[pout["src"].isin(many)].sort_values(
            ["src", "amount", "dst"], ascending=[True, False, True]
        )
        top = po.groupby("src", sort=True).head(2)
        top2 = top.groupby("src", sort=True)["amount"].sum()
        to = top.groupby("src", sort=True)["dst"].agg("、".join)
        head = po.groupby("src", sort=True).head(1).set_index("src")
        total = per["out_nc"].reindex(top2.index)
        inn = per["in_amount"].reindex(top2.index)
        hit = (total > 0) & (top2 >= 0.7 * total) & (total >= 0.5 * inn)
        for acct in top2.index[hit.to_numpy()]:
            share = 100 * top2[acct] / total[acct]
            small = per.at[acct, "median_paid"] < MIN_TIER  # a shop's customers, paying on
            add(
                acct,
                "concentration",
                SCREEN_WEIGHTS["concentration"] * (0.5 if small else 1.0),
                t("screen.reason.concentration", lang, share=f"{share:.0f}", to=to[acct]),
            )
            if head.at[acct, "amount"] >= 0.5 * total[acct] and acct in collecting | fast:
                upstream.setdefault(head.at[acct, "dst"], []).append(acct)
    for acct in sorted(upstream):
        feeders = sorted(upstream[acct])
        if len(feeders) >= 2:
            shown = "、".join(feeders[:5]) + ("…" if len(feeders) > 5 else "")
            add(
                acct,
                "upstream_of_collectors",
                SCREEN_WEIGHTS["upstream_of_collectors"],
                t("screen.reason.upstream_of_collectors", lang, n=len(feeders), feeders=shown),
            )
            collecting.add(acct)

    # returns-like periodic payouts to those who paid a collecting account
    mo = months[months["use_out"] & (months["dst"] != CASH)]
    n_months = mo.groupby(["src", "dst"])["month"].nunique()
    periodic = n_months[n_months >= 3].reset_index()[["src", "dst"]]
    if len(periodic):
        invest = pin[(pin["max_amount"] >= MIN_TIER) & pin["dst"].isin(collecting | fast)][
            ["src", "dst"]
        ]
        investors = set(invest["src"])
        paid_to = set(zip(pin["src"], pin["dst"], strict=True))
        ok = [
            (p in investors) or ((p, x) in paid_to and x in collecting | fast)
            for x, p in zip(periodic["src"], periodic["dst"], strict=True)
        ]
        periodic = periodic[np.asarray(ok, dtype=bool)]
        for acct, g in periodic.groupby("src", sort=True):
            if len(g) >= 5:
                add(
                    acct,
                    "periodic_payouts",
                    SCREEN_WEIGHTS["periodic_payouts"],
                    t("screen.reason.periodic_payouts", lang, n=len(g)),
                )

    # sudden growth against the account's own months
    mi = months[months["use_in"] & (months["src"] != CASH)]
    monthly = mi.groupby(["dst", "month"])["amount"].sum().reset_index()
    monthly = monthly[monthly.groupby("dst")["amount"].transform("max") >= MIN_GROWTH_PEAK]
    if len(monthly):
        ym = monthly["month"].astype(str)
        monthly["m"] = ym.str.slice(0, 4).astype(int) * 12 + ym.str.slice(5, 7).astype(int)
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
                month = g.loc[g["m"] == peak, "month"].iloc[0]
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

    # names and the watch list
    names = per["holder_name"].astype(str)
    for acct, name in names[names != ""].items():
        word = next((w for w in NAME_KEYWORDS if w in name), "")
        if word:
            add(
                acct,
                "keyword_name",
                SCREEN_WEIGHTS["keyword_name"],
                t("screen.reason.keyword_name", lang, word=word),
            )
    if watchlist is not None and len(watchlist):
        alias_of: dict[str, list[str]] = {}
        for a, c in alias_map(agg["aliases"]).items() if len(agg["aliases"]) else []:
            alias_of.setdefault(c, []).append(a)
        values = {
            k: set(watchlist.loc[watchlist["kind"].isin([k, "any"]), "value"])
            for k in ("name", "id", "account")
        }
        for acct, r in per.iterrows():
            hit = next(
                (
                    v
                    for v, kind in [
                        (acct, "account"),
                        *((a, "account") for a in sorted(alias_of.get(acct, []))),
                        (r["holder_id"], "id"),
                        (r["holder_name"], "name"),
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
                "account": acct,
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
    aggregates: dict[str, pd.DataFrame],
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
    agg = aggregates if resolved else resolve_aggregates(aggregates)
    pairs = _with_use(agg["pairs"], set(agg["accounts"]["account"]))
    want = set(accounts)
    parts = []
    pin = pairs[pairs["use_in"] & pairs["dst"].isin(want)]
    parts.append(
        pd.DataFrame(
            {
                "account": pin["dst"],
                "direction": "in",
                "peer": pin["src"],
                "peer_name": pin["src_name"],
                "n": pin["n"],
                "amount": pin["amount"],
                "first_time": pin["first_time"],
                "last_time": pin["last_time"],
            }
        )
    )
    po = pairs[pairs["use_out"] & pairs["src"].isin(want)]
    parts.append(
        pd.DataFrame(
            {
                "account": po["src"],
                "direction": "out",
                "peer": po["dst"],
                "peer_name": po["dst_name"],
                "n": po["n"],
                "amount": po["amount"],
                "first_time": po["first_time"],
                "last_time": po["last_time"],
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
    return nb.reset_index(drop=True)
