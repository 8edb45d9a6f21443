"""Small hand-built transfer tables for the analysis rules (imported by the tests by name)."""

from __future__ import annotations

import numpy as np
import pandas as pd

WAN = 1_000_000  # 1万元 in cents
DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2022-01-03 10:00")


def table(rows, names: dict[str, str] | None = None, ids: dict[str, str] | None = None):
    """Transfers from ``(src, dst, amount_cents, time[, memo])`` tuples."""
    rows = [r if len(r) == 5 else (*r, "") for r in rows]
    t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time", "memo"])
    t["time"] = pd.to_datetime(t["time"])
    t["amount"] = t["amount"].astype("int64")
    names = names or {}
    ids = ids or {}
    t["src_name"] = [names.get(x, "") for x in t["src"]]
    t["dst_name"] = [names.get(x, "") for x in t["dst"]]
    t["src_id"] = [ids.get(x, "") for x in t["src"]]
    t["dst_id"] = [ids.get(x, "") for x in t["dst"]]
    t = t.sort_values(["time", "src", "dst", "amount"], kind="stable").reset_index(drop=True)
    t["transfer_id"] = np.arange(len(t), dtype="int64")
    t["channel"] = ""
    t["seen"] = "both"
    t["sources"] = ""
    return t


def pyramid_rows(
    *,
    participants: int = 12,
    months: int = 4,
    seed: int = 0,
    prefix: str = "",
):
    """A three-level pyramid: ``core`` <- ``lead`` <- ``sale1``/``sale2`` <- participants.

    Participants ``p0..`` pay round sums to the salespeople (the first two pay the leader
    directly); salespeople and the leader pass the money up within hours; the core funds a
    payout account ``pay`` that pays monthly interest; the core pays commissions and sends
    the bulk to a controller ``boss``, who buys property from ``estate``.
    Returns ``(rows, expected)`` with ``expected`` = paid_in / received_back per participant.
    """
    rng = np.random.default_rng(seed)
    x = prefix
    rows = []
    paid = {}
    back = {}
    for i in range(participants):
        p = f"{x}p{i:02d}"
        to = f"{x}lead" if i < 2 else f"{x}sale{1 + i % 2}"
        amt = int(rng.choice([1, 2, 5, 10])) * WAN
        when = T0 + int(rng.integers(0, 20)) * DAY
        rows.append((p, to, amt, when))
        paid[p] = amt
        # forwarded up the same day
        if to != f"{x}lead":
            rows.append((to, f"{x}lead", amt, when + pd.Timedelta(hours=3)))
        rows.append((f"{x}lead", f"{x}core", amt, when + pd.Timedelta(hours=6)))
        # monthly interest (2 %) through the payout account
        for m in range(1, months):
            it = amt * 2 // 100
            rows.append((f"{x}pay", p, it, when + m * 30 * DAY))
            back[p] = back.get(p, 0) + it
    total_interest = sum(back.values())
    rows.append((f"{x}core", f"{x}pay", total_interest, T0 + 25 * DAY))
    total = sum(paid.values())
    rows.append((f"{x}core", f"{x}sale1", total * 3 // 100, T0 + 35 * DAY, "提成"))
    rows.append((f"{x}core", f"{x}boss", total // 2, T0 + 60 * DAY))
    rows.append((f"{x}boss", f"{x}estate", total // 4, T0 + 70 * DAY))
    return rows, {"paid_in": paid, "received_back": back}
