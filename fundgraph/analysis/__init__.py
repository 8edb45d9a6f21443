"""The analysis stage: find the scheme in the fund-flow graph.

:func:`analyze_case` runs every rule on a :class:`~fundgraph.case.Case` and fills its
accounts' roles, levels, structures, communities and centralities, the participants, the
structures, the alerts, the legal thresholds and, when an amount recovered is given, a
pro-rata restitution plan. Each rule is also a function of its own:

========================  ================================================================
:func:`find_structures`   roles, levels and collection structures (docs/method.md)
:func:`participant_table` paid in, received back, net loss per participant account
:func:`flow_centrality`   PageRank by amount, betweenness, strengths
:func:`louvain_communities` communities of the undirected amount-weighted graph
:func:`account_alerts`    abnormal accounts with reasons; :func:`read_watchlist`
:func:`evaluate_thresholds` the 2022 criminal thresholds
:func:`restitution_plan`  pro-rata 清退 exact to the cent
========================  ================================================================
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd

from ..accounts import account_flows
from ..case import Case
from ..coded import CodedTransfers
from ..schema import ACCOUNTS
from ..tables import conform
from .alerts import ALERT_CODES, account_alerts, fund_cycles, read_watchlist
from .centrality import flow_centrality
from .communities import community_table, louvain_communities
from .features import dwell_hours
from .participants import holder_fields, holder_ids, holder_names, participant_table
from .restitution import restitution_plan, restitution_summary
from .rules import DEFAULT_RULES, SchemeRules
from .structures import SchemeResult, find_structures
from .thresholds import THRESHOLDS, evaluate_thresholds

__all__ = [
    "analyze_case",
    "find_structures",
    "SchemeResult",
    "SchemeRules",
    "DEFAULT_RULES",
    "participant_table",
    "holder_fields",
    "holder_ids",
    "holder_names",
    "flow_centrality",
    "louvain_communities",
    "community_table",
    "account_alerts",
    "fund_cycles",
    "read_watchlist",
    "ALERT_CODES",
    "evaluate_thresholds",
    "THRESHOLDS",
    "restitution_plan",
    "restitution_summary",
    "direct_loss",
]

_EXTRA = [
    "distinct_payers",
    "returned_payers",
    "forward_share",
    "median_dwell_hours",
    "forwarded_within_72h",
]


def direct_loss(participants: pd.DataFrame) -> int:
    """Sum over persons of their positive net loss, in cents.

    Examples
    --------
    >>> p = pd.DataFrame({"person": ["A", "A", "B"], "net_loss": [100, -30, -5]})
    >>> direct_loss(p)
    70
    """
    if participants.empty:
        return 0
    per = participants.groupby("person")["net_loss"].sum()
    return int(per[per > 0].sum())


def _base_accounts(case: Case, coded: CodedTransfers) -> pd.DataFrame:
    acc = case.accounts
    if acc is not None and len(acc):
        return acc.copy()
    flows = account_flows(case.transfers, coded).reset_index()
    flows["obtained"] = False
    return conform(flows, ACCOUNTS)


class _Clock:
    """Seconds since the last call, written into ``timings`` under ``prefix + name``."""

    def __init__(self, timings: dict[str, float], prefix: str) -> None:
        self.timings, self.prefix, self.t = timings, prefix, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[self.prefix + name] = round(now - self.t, 3)
        self.t = now


def analyze_case(
    case: Case,
    *,
    recovered: int | None = None,
    watchlist: pd.DataFrame | None = None,
    lang: str = "zh",
    rules: SchemeRules | None = DEFAULT_RULES,
) -> Case:
    """Run every analysis on ``case`` and return it with the results filled.

    Parameters
    ----------
    case : Case
        With ``transactions``, ``transfers`` and base ``accounts`` columns.
    recovered : int, optional
        Cents recovered for the participants; adds a ``restitution`` plan.
    watchlist : DataFrame, optional
        From :func:`read_watchlist`.
    lang : {"zh", "en"}
        The run's language (``case.lang``): the case folder's alert reasons and threshold
        texts are written in it.
    rules : SchemeRules or None
        Every threshold of the structures and alerts (None: the defaults).

    Returns
    -------
    Case
        A copy of ``case`` with ``accounts`` (``role``, ``level``, ``structure``,
        ``community``, ``pagerank``, ``betweenness``, ``alert_score`` and the signals
        ``distinct_payers``, ``returned_payers``, ``forward_share``, ``median_dwell_hours``,
        ``forwarded_within_72h``), ``participants``, ``structures``, ``alerts``,
        ``communities``, ``restitution`` and the ``summary`` fields ``total_absorbed``,
        ``participant_persons``, ``participant_accounts``, ``direct_loss``, ``max_level``,
        ``thresholds``, ``structures``, ``communities`` (and the restitution figures)
        filled (the other fields kept).

    Examples
    --------
    >>> rows = [(f"p{i}", "col", 5_000_000, f"2022-01-0{1 + i % 5} 10:00") for i in range(6)]
    >>> rows += [("col", "core", 30_000_000, "2022-01-06 09:00")]
    >>> rows += [("core", f"p{i}", 100_000, f"2022-0{m}-10 09:00") for i in range(6)
    ...          for m in (2, 3)]
    >>> t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    >>> t["time"] = pd.to_datetime(t["time"])
    >>> c = analyze_case(Case(transfers=t), recovered=10_000_000, lang="en")
    >>> c.summary.total_absorbed, c.summary.participant_persons, c.summary.max_level
    (30000000, 6, 2)
    >>> int(c.restitution["recovered_share"].sum())
    10000000
    """
    if rules is None:
        rules = DEFAULT_RULES
    if "transfer_id" not in case.transfers.columns:
        # every figure is traced to its transfer: a table given without ids gets its rows'
        # positions (a folder written from it reads back)
        ids = np.arange(len(case.transfers), dtype=np.int64)
        case = dataclasses.replace(case, transfers=case.transfers.assign(transfer_id=ids))
    transfers = case.transfers
    coded = case.coded()  # built once: every step below reads it
    accounts = _base_accounts(case, coded)
    clock = _Clock(case.timings, "analysis.")
    scheme = find_structures(transfers, accounts, rules=rules, coded=coded)
    clock("structures")
    cent = flow_centrality(coded)
    clock("centrality")
    comm = louvain_communities(coded)
    clock("communities")
    dwell = dwell_hours(transfers, coded)
    holders = holder_fields(case.transactions, transfers, accounts)
    ids, names = holders["holder_id"], holders["holder_name"]
    participants = participant_table(scheme, ids=ids, names=names)

    acc = accounts.set_index("account", drop=False)
    acc.index.name = None
    for col, src in (("holder_id", ids), ("holder_name", names)):
        if col in acc:
            cur = acc[col].fillna("").astype(str)
            known = pd.Series(acc.index.map(src), index=acc.index, dtype=object)
            acc[col] = cur.where(cur != "", known.where(known.notna(), ""))
    sa = scheme.accounts.reindex(acc.index)
    acc["role"] = sa["role"].fillna("other")
    acc["level"] = sa["level"].astype("Int64")
    acc["structure"] = sa["structure"].astype("Int64")
    acc["community"] = comm.reindex(acc.index).astype("Int64")
    acc["pagerank"] = cent["pagerank"].reindex(acc.index).fillna(0.0)
    acc["betweenness"] = cent["betweenness"].reindex(acc.index).fillna(0.0)
    for col in ("distinct_payers", "returned_payers"):
        acc[col] = sa[col].fillna(0).astype("int64")
    acc["forward_share"] = sa["forward_share"].astype(float)
    acc["median_dwell_hours"] = dwell["median_dwell_hours"].reindex(acc.index).astype(float)
    acc["forwarded_within_72h"] = dwell["forwarded_within_72h"].reindex(acc.index).astype(float)
    acc["payroll"] = sa["payroll"].fillna(False).astype(bool)
    acc = acc.reset_index(drop=True)

    clock("tables")
    alerts = account_alerts(acc, transfers, watchlist=watchlist, rules=rules, coded=coded)
    clock("alerts")
    score = alerts.set_index("account")["score"]
    acc["alert_score"] = acc["account"].map(score).fillna(0.0).astype(float)
    acc = acc.drop(columns=["payroll"]).sort_values("account", kind="stable")
    acc = conform(acc, ACCOUNTS)

    # structures: persons counted by holder id
    structures = []
    for st in scheme.structures:
        members = participants[participants["structure"] == st.id]
        structures.append(
            dataclasses.replace(
                st,
                participant_accounts=int(len(members)),
                participant_persons=int(members["person"].nunique()),
            )
        )

    absorbed = int(participants["paid_in"].sum()) if len(participants) else 0
    loss = direct_loss(participants)
    persons = int(participants["person"].nunique())
    lv = acc["level"].dropna()
    max_level = int(lv.max()) if len(lv) else 0

    figures = {
        "total_absorbed": absorbed,
        "direct_loss": loss,
        "participant_persons": persons,
        "max_level": max_level,
    }
    trees = [st for st in structures if st.kind == "pyramid"]
    if trees:
        big = max(trees, key=lambda st: (st.participant_persons, -st.id))
        members = participants[participants["structure"] == big.id]
        figures["tree_members"] = int(members["person"].nunique())
        figures["tree_levels"] = big.depth
        figures["tree_amount"] = int(members["paid_in"].sum())

    summary = dataclasses.replace(
        case.summary,
        lang=lang,
        total_absorbed=absorbed,
        participant_persons=persons,
        participant_accounts=int(len(participants)),
        direct_loss=loss,
        max_level=max_level,
        thresholds=tuple(evaluate_thresholds(figures)),
        structures=len(structures),
        communities=int(comm.nunique()) if len(comm) else 0,
    )
    communities = community_table(acc, transfers)
    plan = restitution_plan(participants, recovered) if recovered is not None else None
    if plan is not None and recovered is not None:
        figures_r = restitution_summary(plan, recovered)
        summary = dataclasses.replace(
            summary,
            recovered=figures_r["recovered"],
            restitution_loss=figures_r["restitution_loss"],
            restitution_distributed=figures_r["restitution_distributed"],
            restitution_surplus=figures_r["restitution_surplus"],
        )
    clock("summary")
    out = dataclasses.replace(
        case,
        accounts=acc,
        participants=participants,
        structures=structures,
        alerts=alerts,
        communities=communities,
        restitution=plan,
        summary=summary,
        lang=lang,
    )
    # the coded transfers number the same accounts (every account of the new table was
    # numbered, and every one numbered is in a transfer or the new table): kept for the
    # steps after the analysis instead of being built again
    before = case.accounts["account"] if "account" in case.accounts else pd.Series(dtype=object)
    ends = coded.named()
    if bool(pd.Index(acc["account"]).isin(coded.nodes).all()) and bool(
        pd.Index(before).isin(acc["account"]).all() or ends.all()
    ):
        out._coded = (out.transfers, out.accounts, coded)
    return out
