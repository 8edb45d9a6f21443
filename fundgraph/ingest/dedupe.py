"""From statement rows to distinct transfers: aliases, repeated rows and mirrors.

* **Aliases.** A statement that prints both the card number and the account number of its
  holder ties them together; every number of one account resolves to one canonical id
  (a card number where there is one), in the statement's own column and in the
  counterparty columns of every other statement.
* **Repeated rows.** The same row twice in one statement (same reference, time, amount) is
  rejected as a duplicate; the same statement exported twice (rows identical across files)
  is one transfer reported by both files.
* **Mirrors.** A transfer between two accounts whose statements were both obtained appears
  as an "out" row in one and an "in" row in the other, with clocks up to a few minutes
  apart and different references. Rows are matched one to one (never grouped), so two
  genuine equal payments between the same pair on the same day stay two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import CASH, TRANSFERS
from ..tables import conform

__all__ = ["resolve_aliases", "alias_map", "find_duplicate_rows", "build_transfers"]


def alias_map(pairs: pd.DataFrame) -> dict[str, str]:
    """Union the ``(alias, card)`` pairs; every number maps to its account's canonical id.

    The canonical id of a group is its smallest number that was printed as a card number
    (else its smallest number).

    >>> alias_map(pd.DataFrame({"alias": ["A1", "A1"], "card": ["6222", "6217"]}))
    {'6222': '6217', 'A1': '6217'}
    """
    if pairs is None or pairs.empty:
        return {}
    pairs = pairs.drop_duplicates()
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, c in zip(pairs["alias"], pairs["card"], strict=True):
        ra, rc = find(a), find(c)
        if ra != rc:
            parent[max(ra, rc)] = min(ra, rc)
    cards = set(pairs["card"])
    groups: dict[str, list[str]] = {}
    for x in set(pairs["alias"]) | cards:
        groups.setdefault(find(x), []).append(x)
    out: dict[str, str] = {}
    for members in groups.values():
        card_members = sorted(m for m in members if m in cards)
        canon = card_members[0] if card_members else min(members)
        for m in members:
            if m != canon:
                out[m] = canon
    return dict(sorted(out.items()))


def resolve_aliases(transactions: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Replace every alias in ``account`` and ``counterparty`` by its canonical id."""
    if not mapping:
        return transactions
    t = transactions.copy()
    for col in ("account", "counterparty"):
        mapped = t[col].map(mapping)
        t[col] = mapped.where(mapped.notna(), t[col]).astype(object)
    return t


def find_duplicate_rows(transactions: pd.DataFrame) -> np.ndarray:
    """Positions of rows repeated within one statement (same reference, account, direction,
    amount and time as an earlier row of the same file and sheet). Rows without a
    reference are never called duplicates: two equal payments in one second can be real."""
    t = transactions
    has_ref = t["reference"] != ""
    key = ["source_file", "source_sheet", "account", "reference", "direction", "amount", "time"]
    dup = t.duplicated(subset=key, keep="first") & has_ref
    return np.flatnonzero(dup.to_numpy())


def _candidates(t: pd.DataFrame) -> pd.DataFrame:
    out = t["direction"].to_numpy() == "out"
    acc = t["account"].to_numpy(dtype=object)
    cp = t["counterparty"].to_numpy(dtype=object)
    own_name = t["holder_name"].to_numpy(dtype=object)
    cp_name = t["counterparty_name"].to_numpy(dtype=object)
    own_id = t["holder_id"].to_numpy(dtype=object)
    cp_id = t["counterparty_id"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "src": np.where(out, acc, cp),
            "dst": np.where(out, cp, acc),
            "amount": t["amount"].to_numpy(),
            "time": t["time"].to_numpy(),
            "day_only": t["day_only"].to_numpy() if "day_only" in t else False,
            "side": np.where(out, 0, 1).astype(np.int8),  # 0: sender's statement
            "memo": t["memo"].to_numpy(dtype=object),
            "channel": t["channel"].to_numpy(dtype=object),
            "reference": t["reference"].to_numpy(dtype=object),
            "src_name": np.where(out, own_name, cp_name),
            "dst_name": np.where(out, cp_name, own_name),
            "src_id": np.where(out, own_id, cp_id),
            "dst_id": np.where(out, cp_id, own_id),
            "file": t["source_file"].to_numpy(dtype=object),
            "source": (
                t["source_file"].astype(str)
                + np.where(t["source_sheet"].to_numpy(dtype=object) != "", "[" + t["source_sheet"].astype(str) + "]", "")
                + ":"
                + t["source_row"].astype(str)
            ).to_numpy(dtype=object),
        }
    )


def _merge_same_side(c: pd.DataFrame) -> pd.DataFrame:
    """Rows identical across files (a statement exported twice) become one candidate."""
    key = ["side", "src", "dst", "amount", "time", "reference"]
    c = c.sort_values([*key, "file", "source"], kind="stable").reset_index(drop=True)
    occ = c.groupby([*key, "file"], sort=False, dropna=False).cumcount()
    c["_occ"] = occ.to_numpy()
    gid = c.groupby([*key, "_occ"], sort=False, dropna=False).ngroup().to_numpy()
    c["_gid"] = gid
    sizes = np.bincount(gid)
    if (sizes > 1).any():
        multi = sizes[gid] > 1
        joined = c.loc[multi].groupby("_gid", sort=False)["source"].agg(";".join)
        first = ~pd.Series(gid).duplicated().to_numpy()
        c = c[first].copy()
        c.loc[c["_gid"].isin(joined.index), "source"] = c["_gid"].map(joined)
    return c.drop(columns=["_occ", "_gid"]).reset_index(drop=True)


def _match_mirrors(c: pd.DataFrame, window_s: int) -> np.ndarray:
    """Partner index for each candidate (-1 when unmatched): greedy one-to-one matching of
    sender-side and receiver-side rows with the same src, dst and amount within the window."""
    n = len(c)
    partner = np.full(n, -1, dtype=np.int64)
    both = (c["src"].to_numpy() != CASH) & (c["dst"].to_numpy() != CASH)
    idx = np.flatnonzero(both)
    if len(idx) == 0:
        return partner
    sub = c.iloc[idx][["src", "dst", "amount", "time", "day_only", "side"]].copy()
    sub["_pos"] = idx
    # only keys that have rows from both sides can match
    sides = sub.groupby(["src", "dst", "amount"], sort=False)["side"].transform("nunique")
    sub = sub[sides.to_numpy() == 2]
    sub = sub.sort_values(["src", "dst", "amount", "time", "side"], kind="stable")
    window = np.timedelta64(window_s, "s")
    for _ in range(50):
        if len(sub) < 2:
            break
        key_same = (
            (sub["src"].to_numpy()[1:] == sub["src"].to_numpy()[:-1])
            & (sub["dst"].to_numpy()[1:] == sub["dst"].to_numpy()[:-1])
            & (sub["amount"].to_numpy()[1:] == sub["amount"].to_numpy()[:-1])
        )
        side = sub["side"].to_numpy()
        t = sub["time"].to_numpy()
        day = sub["day_only"].to_numpy()
        opp = side[1:] != side[:-1]
        close = np.abs(t[1:] - t[:-1]) <= window
        same_day = (day[1:] | day[:-1]) & (t[1:].astype("datetime64[D]") == t[:-1].astype("datetime64[D]"))
        cand = key_same & opp & (close | same_day)
        if not cand.any():
            break
        start = cand & ~np.r_[False, cand[:-1]]
        run = np.cumsum(start)
        first_of_run = np.flatnonzero(start)
        offset = np.arange(len(cand)) - first_of_run[np.maximum(run - 1, 0)]
        chosen = np.flatnonzero(cand & (offset % 2 == 0))
        pos = sub["_pos"].to_numpy()
        a, b = pos[chosen], pos[chosen + 1]
        partner[a] = b
        partner[b] = a
        keep = np.ones(len(sub), dtype=bool)
        keep[chosen] = False
        keep[chosen + 1] = False
        sub = sub[keep]
    return partner


def build_transfers(transactions: pd.DataFrame, *, mirror_window: int = 300) -> pd.DataFrame:
    """One row per distinct transfer (:data:`fundgraph.schema.TRANSFERS`).

    Parameters
    ----------
    transactions : DataFrame
        Accepted rows with aliases resolved.
    mirror_window : int
        Largest clock difference, in seconds, between the two statements of one transfer.

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "source_file": ["a.csv", "b.csv", "b.csv"], "source_sheet": ["", "", ""],
    ...     "source_row": [2, 2, 3], "account": ["A", "B", "B"], "direction": ["out", "in", "in"],
    ...     "counterparty": ["B", "A", "A"], "amount": [100, 100, 100],
    ...     "time": pd.to_datetime(["2022-01-01 10:00:00", "2022-01-01 10:01:30", "2022-01-01 15:00:00"]),
    ...     "holder_name": ["a", "b", "b"], "holder_id": "", "counterparty_name": "",
    ...     "counterparty_id": "", "memo": "", "channel": "", "reference": ["r1", "x1", "x2"]})
    >>> build_transfers(rows)[["src", "dst", "amount", "seen", "sources"]].values.tolist()
    [['A', 'B', 100, 'both', 'a.csv:2;b.csv:2'], ['A', 'B', 100, 'dst', 'b.csv:3']]
    """
    if transactions.empty:
        return conform(pd.DataFrame(), TRANSFERS, extra=False)
    c = _candidates(transactions)
    c = _merge_same_side(c)
    partner = _match_mirrors(c, mirror_window)
    n = len(c)
    me = np.arange(n)
    # a matched pair is represented by its sender-side row
    is_rep = (partner < 0) | (c["side"].to_numpy() == 0)
    rep = me[is_rep]
    mate = partner[is_rep]
    r = c.iloc[rep].reset_index(drop=True)
    has_mate = mate >= 0
    m = c.iloc[np.where(has_mate, mate, rep)].reset_index(drop=True)

    def pick(col: str) -> np.ndarray:
        a = r[col].to_numpy(dtype=object)
        b = m[col].to_numpy(dtype=object)
        return np.where((a == "") & has_mate, b, a)

    # the sender's clock unless it only gave a date
    t_r, t_m = r["time"].to_numpy(), m["time"].to_numpy()
    use_mate_time = has_mate & r["day_only"].to_numpy() & ~m["day_only"].to_numpy()
    sources = np.where(
        has_mate, r["source"].to_numpy(dtype=object) + ";" + m["source"].to_numpy(dtype=object), r["source"].to_numpy(dtype=object)
    )
    seen = np.where(has_mate, "both", np.where(r["side"].to_numpy() == 0, "src", "dst"))
    out = pd.DataFrame(
        {
            "src": r["src"].to_numpy(dtype=object),
            "dst": r["dst"].to_numpy(dtype=object),
            "amount": r["amount"].to_numpy(dtype=np.int64),
            "time": np.where(use_mate_time, t_m, t_r),
            "memo": pick("memo"),
            "channel": pick("channel"),
            "src_name": pick("src_name"),
            "dst_name": pick("dst_name"),
            "src_id": pick("src_id"),
            "dst_id": pick("dst_id"),
            "seen": seen,
            "sources": sources,
        }
    )
    out["time"] = out["time"].astype("datetime64[ns]")
    out = out.sort_values(["time", "src", "dst", "amount", "sources"], kind="stable").reset_index(drop=True)
    out.insert(0, "transfer_id", np.arange(len(out), dtype=np.int64))
    return conform(out, TRANSFERS, extra=False)
