"""Pro-rata restitution (清退): sharing what was recovered over the participants' losses."""

from __future__ import annotations

import pandas as pd

__all__ = ["restitution_plan"]


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
    (Hamilton) method.

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
        floors = [pot * v // total for v in losses]
        rems = [pot * v % total for v in losses]
        left = pot - sum(floors)
        order = sorted(
            range(len(losses)), key=lambda i: (-rems[i], -losses[i], per["person"].iat[i])
        )
        for i in order[:left]:
            floors[i] += 1
        shares = floors
    per["recovered_share"] = pd.Series(shares, dtype="int64")
    per["ratio"] = (per["recovered_share"] / per["net_loss"]).astype(float)
    per = per.sort_values(["net_loss", "person"], ascending=[False, True], kind="stable")
    return per[cols].reset_index(drop=True)
