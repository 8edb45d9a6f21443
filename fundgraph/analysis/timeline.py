"""The scheme over time: money in, money out, new participants, and the facts they show.

A Ponzi scheme pays early participants from later participants' money; when new money
stops, payments stop (docs/method.md). :func:`timeline` sums the scheme's flows per month, week
or day from an analysed case; :func:`timeline_facts` derives the dates an investigator
cites — when payouts overtook deposits, the last deposit, the collapse — and how much of
the returns was paid with later participants' money, each with the transfers behind it.

The flows (``src`` → ``dst`` of ``case.transfers``), with *scheme accounts* the accounts
whose role is ``core``, ``collector`` or ``transit`` and *participants* the accounts of
``case.participants`` (and those with role ``participant``) that are not scheme accounts:

``deposits_in``
    participant → scheme account, counted as the role analysis counts an investment: a
    transfer that scores as an investment under the same
    :class:`~fundgraph.analysis.rules.SchemeRules`
    (:func:`fundgraph.analysis.coded.investment_mask`). So the series sums to
    ``participants.paid_in`` (for a recruitment tree, a member's relays of its recruits'
    fees to the organiser count here too).
``returns_out``
    scheme account → participant, with the same memo exclusion (interest, 返利, redemptions).
``commissions``
    scheme account → collector downstream of it: from a core account, or to a collector of
    a higher ``level`` (further from the core). Collectors passing money up are not paid.
``to_beneficiaries``
    scheme account → an account whose role is ``beneficiary``.
``cash_out``
    cash withdrawals from scheme accounts (the statement says cash).
``to_unknown``
    scheme account → a counterparty the statement does not name (not cash).
``new_participants``
    persons (``participants.person``, else the account) whose first deposit falls in the
    period.
``core_balance``
    the core accounts' cumulative inflows less outflows (cash included, transfers between
    core accounts left out) at the end of the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..coded import code_transfers
from ..errors import InputError
from ..results import (
    CollapseDate,
    FundedByLater,
    LastDeposit,
    PayoutsExceedDeposits,
    TimelineFacts,
)
from ..schema import CASH, is_cash
from .coded import investment_mask, scheme_transfers
from .features import non_investment_memo
from .rules import DEFAULT_RULES, SchemeRules
from .tracing import _UNTRACED, METHODS, _event_order, _Flows, _labelled_sweep

__all__ = [
    "SCHEME_ROLES",
    "TIMELINE_COLUMNS",
    "scheme_flows",
    "timeline",
    "timeline_facts",
    "case_timeline",
]

#: Roles of the accounts that make up a scheme.
SCHEME_ROLES = ("core", "collector", "transit")

#: Money columns of :func:`timeline`, in order.
TIMELINE_COLUMNS = (
    "deposits_in",
    "returns_out",
    "commissions",
    "to_beneficiaries",
    "cash_out",
    "to_unknown",
)

_FREQ = {"month": "M", "week": "W-SUN", "day": "D"}


def _roles(case) -> tuple[pd.Series, pd.Series, pd.Series]:
    acc = case.accounts
    if acc is None or not len(acc) or "role" not in acc.columns:
        raise InputError(key="error.no_roles")
    idx = acc["account"].astype(str)
    role = pd.Series(acc["role"].fillna("other").astype(str).to_numpy(), index=idx)
    level = pd.Series(
        pd.to_numeric(acc["level"], errors="coerce").to_numpy() if "level" in acc else np.nan,
        index=idx,
        dtype="float64",
    )
    struct = pd.Series(
        pd.to_numeric(acc["structure"], errors="coerce").to_numpy()
        if "structure" in acc
        else np.nan,
        index=idx,
        dtype="float64",
    )
    return role, level, struct


def scheme_flows(
    case,
    *,
    structure: int | None = None,
    account: str | None = None,
    rules: SchemeRules = DEFAULT_RULES,
) -> pd.DataFrame:
    """The case's transfers with the scheme flow each one is (or "" for none).

    Parameters
    ----------
    case : Case
        An analysed case: ``transfers``, ``accounts`` (``role``, ``level``, ``structure``)
        and ``participants``.
    structure : int, optional
        Only the scheme accounts of this collection structure.
    account : str, optional
        Only the flows of this one scheme account (its deposits, returns ...); the core
        balance is then this account's own.
    rules : SchemeRules, optional
        The rules the roles were found with (what counts as an investment).

    Returns
    -------
    DataFrame
        ``transfer_id``, ``src``, ``dst``, ``amount``, ``time``, ``flow`` (one of the
        money columns of :func:`timeline`, or ""), ``person`` (the participant of a
        deposit or return, else ""), ``core_delta`` (signed cents the transfer moved into
        the core accounts, 0 for most).

    Examples
    --------
    >>> import pandas as pd
    >>> from fundgraph.case import Case
    >>> acc = pd.DataFrame({"account": ["core", "p"], "role": ["core", "participant"]})
    >>> t = pd.DataFrame({"transfer_id": [0, 1], "src": ["p", "core"], "dst": ["core", "p"],
    ...     "amount": [1_000_000, 10_000], "time": pd.to_datetime(["2022-01-01", "2022-02-01"]),
    ...     "memo": ["", ""]})
    >>> scheme_flows(Case(transfers=t, accounts=acc))["flow"].tolist()
    ['deposits_in', 'returns_out']
    """
    # the report asks for the same flows several times (series, facts, tracing): reuse them
    main = case.summary.currency
    key = (
        structure,
        account,
        id(case.transfers),
        len(case.transfers),
        id(case.accounts),
        rules,
        main,
    )
    cache = case.__dict__.setdefault("_scheme_flows", {})
    if key not in cache:
        cache.clear()
        cache[key] = _scheme_flows(case, structure=structure, account=account, rules=rules)
    return cache[key].copy()


def _scheme_flows(
    case, *, structure: int | None, account: str | None, rules: SchemeRules
) -> pd.DataFrame:
    role, level, struct = _roles(case)
    scheme_all = set(role.index[role.isin(SCHEME_ROLES)])
    if account is not None:
        if account not in role.index and account not in set(case.transfers["src"]) | set(
            case.transfers["dst"]
        ):
            raise InputError(f"unknown account {account!r}")
        scope = {account}
        core = {account}
    else:
        sel = role.isin(SCHEME_ROLES)
        if structure is not None:
            sel &= struct == structure
            if not sel.any():
                raise InputError(f"no scheme accounts in structure {structure!r}")
        scope = set(role.index[sel])
        core = set(role.index[sel & (role == "core")])
    parts = case.participants
    person: dict[str, str] = {}
    if parts is not None and len(parts):
        pp = parts["person"].astype(str) if "person" in parts else parts["account"].astype(str)
        person = dict(
            zip(parts["account"].astype(str), pp.where(pp != "", parts["account"]), strict=True)
        )
    for a in role.index[role == "participant"]:
        person.setdefault(a, a)
    for a in scheme_all:
        person.pop(a, None)

    t = case.transfers
    # never two currencies in one sum: the flows of the case's main currency only (a
    # transfer whose statement names none counts as that currency)
    main = case.summary.currency
    if main and "currency" in t:
        in_main = t["currency"].fillna("").astype(str).isin([main, ""]).to_numpy()
        if not in_main.all():
            t = t[in_main]
    out = pd.DataFrame(
        {
            "transfer_id": t["transfer_id"].to_numpy(np.int64)
            if "transfer_id" in t
            else np.arange(len(t), dtype=np.int64),
            "src": t["src"].fillna(CASH).astype(str).to_numpy(dtype=object),
            "dst": t["dst"].fillna(CASH).astype(str).to_numpy(dtype=object),
            "amount": t["amount"].to_numpy(np.int64),
            "time": pd.to_datetime(t["time"]).astype("datetime64[ns]").to_numpy(),
        }
    )
    memo = t["memo"] if "memo" in t else pd.Series("", index=t.index)
    everyday = non_investment_memo(memo.reset_index(drop=True))
    if t is case.transfers:
        coded = scheme_transfers(case.coded(), case.accounts)
    else:
        coded = scheme_transfers(
            code_transfers(t.reset_index(drop=True), case.accounts), case.accounts
        )
    # per account once, then per transfer through the integer codes (-1: cash)
    nodes = coded.nodes

    def per_row(values: np.ndarray, fill) -> tuple[np.ndarray, np.ndarray]:
        values = np.append(values, np.asarray([fill], dtype=values.dtype))
        return values[coded.s_all], values[coded.d_all]

    src_in, dst_in = per_row(nodes.isin(scope), False)
    src_p, dst_p = per_row(nodes.isin(list(person)), False)
    r_src, r_dst = per_row(role.reindex(nodes).fillna("other").to_numpy(dtype=object), "other")
    l_src, l_dst = per_row(level.reindex(nodes).to_numpy(dtype="float64"), np.nan)
    person_n = pd.Series(person, dtype=object).reindex(nodes).fillna("").to_numpy(dtype=object)
    p_src, p_dst = per_row(person_n, "")

    amt = out["amount"].to_numpy(np.int64)
    invest = np.zeros(len(out), dtype=bool)
    invest[coded.row] = investment_mask(coded, rules)
    deposit = src_p & dst_in & ~everyday & invest
    ret = src_in & dst_p & ~everyday
    downstream = (r_src == "core") | (np.isfinite(l_src) & np.isfinite(l_dst) & (l_dst > l_src))
    commission = (
        src_in & (r_dst == "collector") & downstream & (out["src"] != out["dst"]).to_numpy()
    )
    benef = src_in & (r_dst == "beneficiary")
    no_account = src_in & (out["dst"] == CASH).to_numpy()
    cash = is_cash(t)
    flow = np.full(len(out), "", dtype=object)
    flow[no_account & cash] = "cash_out"
    flow[no_account & ~cash] = "to_unknown"
    flow[benef] = "to_beneficiaries"
    flow[commission] = "commissions"
    flow[ret] = "returns_out"
    flow[deposit] = "deposits_in"
    out["flow"] = flow
    out["person"] = np.where(deposit, p_src, np.where(ret, p_dst, ""))
    c_out, c_in = per_row(nodes.isin(list(core)), False)
    out["core_delta"] = (np.where(c_in & ~c_out, amt, 0) - np.where(c_out & ~c_in, amt, 0)).astype(
        np.int64
    )
    return out.sort_values(["time", "transfer_id"], kind="mergesort").reset_index(drop=True)


def _period_labels(times: pd.Series, by: str) -> tuple[pd.Series, pd.Series]:
    per = times.dt.to_period(_FREQ[by])
    start = per.dt.start_time.astype("datetime64[ns]")
    if by == "month":
        label = per.astype(str)
    else:
        label = start.dt.strftime("%Y-%m-%d")
    return label, start


def timeline(
    case,
    *,
    by: str = "month",
    structure: int | None = None,
    account: str | None = None,
) -> pd.DataFrame:
    """The scheme's money and newcomers per period.

    Parameters
    ----------
    case : Case
        An analysed case (``transfers``, ``accounts`` with roles, ``participants``).
    by : {"month", "week", "day"}
        Period length. Weeks start on Monday.
    structure : int, optional
        Only this collection structure's scheme accounts.
    account : str, optional
        Only this scheme account's flows (see :func:`scheme_flows`).

    Returns
    -------
    DataFrame
        One row per period from the first to the last flow, empty periods included:
        ``period`` ("2022-03" by month, the first day "2022-03-07" by week or day),
        ``period_start``, the money columns ``deposits_in``, ``returns_out``,
        ``commissions``, ``to_beneficiaries``, ``cash_out``, ``to_unknown`` (int64 cents),
        ``new_participants`` (persons whose first deposit is in the period) and
        ``core_balance`` (int64 cents, cumulative, at the period's end). The money columns
        sum to the case's totals: ``deposits_in`` to ``participants.paid_in`` and
        ``returns_out`` to ``participants.received_back`` when the analysis counted the
        same transfers (module docstring).

    Raises
    ------
    InputError
        The case has no roles, or ``by``, ``structure`` or ``account`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> from fundgraph.case import Case
    >>> acc = pd.DataFrame({"account": ["core", "p", "q", "boss"],
    ...                     "role": ["core", "participant", "participant", "beneficiary"]})
    >>> t = pd.DataFrame({"transfer_id": range(4), "src": ["p", "q", "core", "core"],
    ...     "dst": ["core", "core", "p", "boss"], "amount": [1_000_000, 2_000_000, 10_000, 1_500_000],
    ...     "time": pd.to_datetime(["2022-01-05", "2022-02-03", "2022-02-05", "2022-03-01"])})
    >>> tl = timeline(Case(transfers=t, accounts=acc))
    >>> tl[["period", "deposits_in", "returns_out", "to_beneficiaries", "new_participants",
    ...     "core_balance"]].values.tolist()
    [['2022-01', 1000000, 0, 0, 1, 1000000], ['2022-02', 2000000, 10000, 0, 1, 2990000], ['2022-03', 0, 0, 1500000, 0, 1490000]]

    References
    ----------
    .. [1] docs/method.md, "How the money moves": early participants paid from later deposits;
       when new money stops, payments stop.
    """
    if by not in _FREQ:
        raise InputError(f"by must be month, week or day, not {by!r}")
    fl = scheme_flows(case, structure=structure, account=account)
    rel = fl[(fl["flow"] != "") | (fl["core_delta"] != 0)]
    cols = ["period", "period_start", *TIMELINE_COLUMNS, "new_participants", "core_balance"]
    if rel.empty:
        df = pd.DataFrame({c: pd.Series(dtype="int64") for c in cols})
        df["period"] = df["period"].astype(object)
        df["period_start"] = df["period_start"].astype("datetime64[ns]")
        return df
    label, start = _period_labels(rel["time"], by)
    first = start.min()
    last = start.max()
    freq = _FREQ[by]
    all_p = pd.period_range(first, last, freq=freq)
    starts = pd.Series(all_p.start_time.astype("datetime64[ns]"))
    labels = pd.Series(all_p.astype(str)) if by == "month" else starts.dt.strftime("%Y-%m-%d")
    df = pd.DataFrame({"period": labels.to_numpy(dtype=object), "period_start": starts.to_numpy()})
    key = pd.Series(start.to_numpy(), index=rel.index)
    for c in TIMELINE_COLUMNS:
        m = rel["flow"] == c
        s = rel.loc[m, "amount"].groupby(key[m]).sum()
        df[c] = df["period_start"].map(s).fillna(0).astype("int64")
    dep = rel[rel["flow"] == "deposits_in"]
    firsts = dep.groupby("person")["time"].min()
    if len(firsts):
        fl_start = _period_labels(firsts, by)[1]
        newp = fl_start.value_counts()
        df["new_participants"] = df["period_start"].map(newp).fillna(0).astype("int64")
    else:
        df["new_participants"] = np.zeros(len(df), dtype=np.int64)
    net = rel["core_delta"].groupby(key).sum()
    df["core_balance"] = (
        df["period_start"].map(net).fillna(0).astype("int64").cumsum().astype("int64")
    )
    return df[cols]


def timeline_facts(
    case,
    series: pd.DataFrame | None = None,
    *,
    method: str = "fifo",
    structure: int | None = None,
) -> TimelineFacts:
    """Dates and shares that show how the scheme ran, each with the transfers behind it.

    Parameters
    ----------
    case : Case
        An analysed case.
    series : DataFrame, optional
        The output of :func:`timeline` (computed by month when not given).
    method : {"fifo", "lifo", "proportional", "libr"}
        Tracing rule for ``returns_funded_by_later_deposits_share``.
    structure : int, optional
        Only this collection structure.

    Returns
    -------
    TimelineFacts
        Each fact has its ``transfer_ids`` (sorted), or is None when the data do not show
        it (:mod:`fundgraph.results`):

        ``payouts_exceed_deposits``
            ``period``: the first period in which ``returns_out > deposits_in`` *and* in at
            least half of the periods from it to the last period with a deposit or a
            return, returns exceed deposits ("from then on, mostly"); with
            ``returns_out``, ``deposits_in`` and ``share_of_later_periods``.
            ``transfer_ids``: the period's returns and deposits.
        ``last_deposit``
            The last deposit: ``time``, ``date``, ``account``, ``amount``, ``transfer_id``.
        ``collapse_date``
            ``date`` (YYYY-MM-DD): the day of the last return paid by a scheme account to a
            participant — after this day no participant receives anything more from the
            scheme. ``time`` of that payment, ``days_after_last_deposit``;
            ``transfer_ids``: the returns paid on that day.
        ``returns_funded_by_later_deposits_share``
            ``share`` (0–1): of all returns paid, the part funded by later participants'
            money. Every return is traced backward through the scheme accounts by
            ``method`` (every sum entering the scheme accounts is labelled with the transfer
            it came in by; see :func:`fundgraph.analysis.tracing.trace_backward`); a part
            counts when its source is a deposit made by a person other than the receiver,
            strictly later than the receiver's own first deposit (for a receiver who never
            deposited: any other person's deposit). ``funded_by_later`` and ``returns``
            (cents), ``method``; ``transfer_ids``: the returns with such a part.

    Examples
    --------
    >>> import pandas as pd
    >>> from fundgraph.case import Case
    >>> acc = pd.DataFrame({"account": ["core", "p", "q"],
    ...                     "role": ["core", "participant", "participant"]})
    >>> t = pd.DataFrame({"transfer_id": range(4), "src": ["p", "q", "core", "core"],
    ...     "dst": ["core", "core", "p", "p"], "amount": [1_000_000, 2_000_000, 1_500_000, 100_000],
    ...     "time": pd.to_datetime(["2022-01-05", "2022-02-03", "2022-02-05", "2022-03-01"])})
    >>> f = timeline_facts(Case(transfers=t, accounts=acc))
    >>> f.collapse_date.date, f.last_deposit.transfer_id
    ('2022-03-01', 1)
    >>> f.returns_funded_by_later_deposits_share.funded_by_later
    600000
    >>> f.payouts_exceed_deposits.period
    '2022-03'

    References
    ----------
    .. [1] docs/method.md, "Timeline" and "Following the money"; 法释〔2022〕5号 第七条 (以后期集资款兑付前期本息).
    """
    if method not in METHODS:
        raise InputError(f"unknown tracing method {method!r}; choose one of {', '.join(METHODS)}")
    fl = scheme_flows(case, structure=structure)
    if series is None:
        series = timeline(case, by="month", structure=structure)
    deps = fl[fl["flow"] == "deposits_in"]
    rets = fl[fl["flow"] == "returns_out"]
    last_deposit = collapse = funded = None
    if len(deps):
        d = deps.iloc[-1]
        last_deposit = LastDeposit(
            time=pd.Timestamp(d["time"]),
            date=pd.Timestamp(d["time"]).strftime("%Y-%m-%d"),
            account=str(d["src"]),
            amount=int(d["amount"]),
            transfer_id=int(d["transfer_id"]),
            transfer_ids=(int(d["transfer_id"]),),
        )
    if len(rets):
        r = rets.iloc[-1]
        day = pd.Timestamp(r["time"]).normalize()
        same = rets[rets["time"].dt.normalize() == day]
        collapse = CollapseDate(
            date=day.strftime("%Y-%m-%d"),
            time=pd.Timestamp(r["time"]),
            transfer_ids=tuple(sorted(int(i) for i in same["transfer_id"])),
            days_after_last_deposit=int(
                (day - pd.Timestamp(deps["time"].iloc[-1]).normalize()).days
            )
            if len(deps)
            else None,
        )
        funded = _funded_by_later(case, fl, method, structure)
    return TimelineFacts(
        payouts_exceed_deposits=_payouts_exceed(series, deps, rets),
        last_deposit=last_deposit,
        collapse_date=collapse,
        returns_funded_by_later_deposits_share=funded,
    )


def case_timeline(case) -> tuple[pd.DataFrame, TimelineFacts] | str:
    """The whole case's monthly :func:`timeline` and its :func:`timeline_facts`, as the
    report shows them; the error's text when they cannot be computed.

    The analysis computes this once (``Case.timeline``, written as ``timeline.json``), so
    the report never traces the returns itself.

    Examples
    --------
    >>> from fundgraph.case import Case
    >>> case_timeline(Case()).startswith("InputError: ")  # an empty case has no roles
    True
    """
    try:
        series = timeline(case, by="month")
        return series, timeline_facts(case, series)
    except Exception as exc:  # the report says why and renders the rest
        return f"{type(exc).__name__}: {exc}"


def _payouts_exceed(
    series: pd.DataFrame, deps: pd.DataFrame, rets: pd.DataFrame
) -> PayoutsExceedDeposits | None:
    if series is None or not len(series):
        return None
    s = series.reset_index(drop=True)
    active = (s["deposits_in"] > 0) | (s["returns_out"] > 0)
    if not active.any():
        return None
    last = int(np.flatnonzero(active.to_numpy())[-1])
    over = (s["returns_out"] > s["deposits_in"]).to_numpy()
    for i in np.flatnonzero(over[: last + 1]):
        window = over[i : last + 1]
        share = float(window.mean())
        if share >= 0.5:
            row = s.iloc[int(i)]
            start = pd.Timestamp(row["period_start"])
            end = pd.Timestamp(s["period_start"].iloc[int(i) + 1]) if int(i) + 1 < len(s) else None
            ids = sorted(
                int(x)
                for x in pd.concat(
                    [
                        rets.loc[_within(rets["time"], start, end), "transfer_id"],
                        deps.loc[_within(deps["time"], start, end), "transfer_id"],
                    ]
                )
            )
            return PayoutsExceedDeposits(
                period=str(row["period"]),
                returns_out=int(row["returns_out"]),
                deposits_in=int(row["deposits_in"]),
                share_of_later_periods=share,
                transfer_ids=tuple(ids),
            )
    return None


def _within(times: pd.Series, start: pd.Timestamp, end: pd.Timestamp | None) -> pd.Series:
    inside = times >= start
    return inside & (times < end) if end is not None else inside


def _funded_by_later(
    case, fl: pd.DataFrame, method: str, structure: int | None
) -> FundedByLater | None:
    role, _, struct = _roles(case)
    sel = role.isin(SCHEME_ROLES)
    if structure is not None:
        sel &= struct == structure
    scheme = set(role.index[sel])
    f = _Flows(fl[["transfer_id", "src", "dst", "amount", "time"]], obtained=set())
    inside = {f.index[a] for a in scheme if a in f.index}
    if not inside:
        return None
    inside_mask = np.zeros(len(f.names), dtype=bool)
    inside_mask[list(inside)] = True
    order = _event_order(f, inside_mask[f.src] | inside_mask[f.dst])
    # flow kind and person of each of the sweep's transfers, by position
    row = pd.Index(fl["transfer_id"].to_numpy(np.int64)).get_indexer(f.tid)
    known = row >= 0
    flow_at = np.full(len(row), "", dtype=object)
    person_at = np.full(len(row), "", dtype=object)
    flow_at[known] = fl["flow"].to_numpy(dtype=object)[row[known]]
    person_at[known] = fl["person"].to_numpy(dtype=object)[row[known]]
    order_a = np.asarray(order, dtype=np.int64)
    record = set(order_a[flow_at[order_a] == "returns_out"].tolist()) if len(order_a) else set()
    got = _labelled_sweep(
        f,
        order,
        inside,
        method,
        None,
        entry=lambda p: p,
        own=lambda s: _UNTRACED,
        move=lambda lab, p, x: lab,
        expire_label=lambda a, lab: lab,
        record=record,
    )
    deps = fl[fl["flow"] == "deposits_in"]
    first_dep = deps.groupby("person")["time"].min()
    first_ns = {k: int(pd.Timestamp(v).value) for k, v in first_dep.items()}
    total = 0
    counted = 0
    ids: list[int] = []
    for p, pieces in got.items():
        tid = int(f.tid[p])
        receiver = person_at[p]
        since = first_ns.get(receiver)
        part = 0
        for lab, x in pieces:
            total += x
            if lab == _UNTRACED:
                continue
            if flow_at[lab] != "deposits_in":
                continue
            payer = person_at[lab]
            if payer == receiver:
                continue
            if since is None or int(f.time[lab]) > since:
                part += x
        if part:
            counted += part
            ids.append(tid)
    return FundedByLater(
        share=counted / total if total else 0.0,
        funded_by_later=int(counted),
        returns=int(total),
        method=method,
        transfer_ids=tuple(sorted(ids)),
    )
