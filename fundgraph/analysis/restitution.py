"""Pro-rata restitution (清退): sharing what was recovered over the participants' losses."""

from __future__ import annotations

import pandas as pd

from ..money import split_largest_remainder

__all__ = ["restitution_plan", "restitution_summary"]


def restitution_plan(participants: pd.DataFrame, recovered: int) -> pd.DataFrame:
    """Share ``recovered`` cents over persons in proportion to their positive net loss.

    Each person's share is rounded down to the cent; the cents left over go one each to the
    persons with the largest remainders (ties: larger loss first, then person id), so the
    plan sums exactly to ``min(recovered, total loss)``. Nobody gets more than they lost.

    Parameters
    ----------
    participants : DataFrame
        :data:`fundgraph.schema.PARTICIPANTS` rows (several accounts of one person are
        added up under ``person``).
    recovered : int
        Cents available for restitution (must be >= 0).

    Returns
    -------
    DataFrame
        One row per person with a loss: ``person``, ``holder_name``, ``accounts``,
        ``paid_in``, ``received_back``, ``net_loss``, ``recovered_share`` (cents) and
        ``ratio`` (share of the loss made good), sorted by ``net_loss`` desc then ``person``.

    Examples
    --------
    >>> p = pd.DataFrame({"account": ["a", "b", "c"], "person": ["A", "B", "C"],
    ...     "holder_name": "", "paid_in": [100, 100, 100], "received_back": [0, 0, 0],
    ...     "net_loss": [100, 100, 100]})
    >>> plan = restitution_plan(p, 100)
    >>> plan["recovered_share"].tolist(), int(plan["recovered_share"].sum())
    ([34, 33, 33], 100)

    Notes
    -----
    Arithmetic is on Python integers (no overflow, no floats) with the largest-remainder
    (Hamilton) method (:func:`fundgraph.money.split_largest_remainder`).

    References
    ----------
    .. [1] 最高人民法院 最高人民检察院 公安部《关于办理非法集资刑事案件若干问题的意见》
       (高检会〔2019〕2号) 第九条: 按比例清退.
    """
    if recovered < 0:
        raise ValueError("recovered must be >= 0 cents")
    cols = [
        "person",
        "holder_name",
        "accounts",
        "paid_in",
        "received_back",
        "net_loss",
        "recovered_share",
        "ratio",
    ]
    if participants is None or participants.empty:
        return pd.DataFrame({c: [] for c in cols})
    g = participants.groupby("person", sort=True)
    per = pd.DataFrame(
        {
            "holder_name": g["holder_name"].first(),
            "accounts": g["account"].agg(lambda a: ";".join(sorted(a))),
            "paid_in": g["paid_in"].sum().astype("int64"),
            "received_back": g["received_back"].sum().astype("int64"),
        }
    )
    per["net_loss"] = (per["paid_in"] - per["received_back"]).astype("int64")
    per = per[per["net_loss"] > 0].reset_index()
    losses = [int(v) for v in per["net_loss"]]
    total = sum(losses)
    pot = min(int(recovered), total)
    if total == 0:
        shares = [0] * len(losses)
    else:
        ties = [(-v, p) for v, p in zip(losses, per["person"], strict=True)]
        shares = split_largest_remainder(losses, pot, ties=ties)
    per["recovered_share"] = pd.Series(shares, dtype="int64")
    per["ratio"] = (per["recovered_share"] / per["net_loss"]).astype(float)
    per = per.sort_values(["net_loss", "person"], ascending=[False, True], kind="stable")
    return per[cols].reset_index(drop=True)


def restitution_summary(plan: pd.DataFrame, recovered: int) -> dict[str, int]:
    """What ``case.json`` records about a restitution plan (the fields of
    :class:`~fundgraph.results.CaseSummary` of the same names), in cents.

    Parameters
    ----------
    plan : DataFrame
        :func:`restitution_plan` of ``recovered``.
    recovered : int
        Cents recovered.

    Returns
    -------
    dict
        ``recovered`` (what was recovered), ``restitution_loss`` (the participants'
        positive net losses the plan shares over), ``restitution_distributed`` (what the
        plan pays out: ``min(recovered, loss)``) and ``restitution_surplus`` (recovered but
        not owed to any participant: ``recovered - distributed``).

    Examples
    --------
    >>> p = pd.DataFrame({"account": ["a", "b"], "person": ["A", "B"], "holder_name": "",
    ...     "paid_in": [300, 100], "received_back": [0, 0], "net_loss": [300, 100]})
    >>> s = restitution_summary(restitution_plan(p, 1000), 1000)
    >>> [s[k] for k in ("recovered", "restitution_distributed", "restitution_surplus")]
    [1000, 400, 600]
    """
    shares = plan["recovered_share"] if len(plan) else pd.Series([], dtype="int64")
    losses = plan["net_loss"] if len(plan) else pd.Series([], dtype="int64")
    distributed = sum(int(v) for v in shares)
    loss = sum(int(v) for v in losses)
    if distributed != min(int(recovered), loss):  # the plan's own invariant
        raise AssertionError("restitution plan does not share min(recovered, loss)")
    return {
        "recovered": int(recovered),
        "restitution_loss": loss,
        "restitution_distributed": distributed,
        "restitution_surplus": int(recovered) - distributed,
    }
