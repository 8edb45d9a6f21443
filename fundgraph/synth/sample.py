"""The small hand-made transfers table the documentation's examples analyse."""

from __future__ import annotations

import pandas as pd

__all__ = ["sample_transfers"]


def sample_transfers() -> pd.DataFrame:
    """Six payers ``p0``..``p5`` pay collector ``col`` 50,000 yuan each; ``col`` passes
    the 300,000 yuan on to ``core``, which pays every payer 1,000 yuan in February and
    in March.

    Returns
    -------
    DataFrame
        ``src``, ``dst``, ``amount`` (cents), ``time`` and ``transfer_id`` (the row
        positions): 19 transfers.

    Examples
    --------
    >>> t = sample_transfers()
    >>> len(t), int(t["amount"].sum()), sorted(set(t["src"]))[:3]
    (19, 61200000, ['col', 'core', 'p0'])
    """
    rows = [(f"p{i}", "col", 5_000_000, f"2022-01-0{1 + i % 5} 10:00") for i in range(6)]
    rows += [("col", "core", 30_000_000, "2022-01-06 09:00")]
    rows += [("core", f"p{i}", 100_000, f"2022-0{m}-10 09:00") for i in range(6) for m in (2, 3)]
    t = pd.DataFrame(rows, columns=["src", "dst", "amount", "time"])
    t["time"] = pd.to_datetime(t["time"])
    t["transfer_id"] = range(len(t))
    return t
