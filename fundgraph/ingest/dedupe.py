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

__all__ = [
    "resolve_aliases",
    "alias_map",
    "alias_conflicts",
    "find_duplicate_rows",
    "build_transfers",
]


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


def alias_conflicts(transactions: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Warnings (:data:`fundgraph.schema.WARNINGS` columns) for alias groups whose own
    statements name different holders: one holder's statement giving another's account as
    its own would otherwise merge two persons without a word.

    Parameters
    ----------
    transactions : DataFrame
        Accepted rows before :func:`resolve_aliases` (``account`` as printed, normalised).
    mapping : dict
        :func:`alias_map` of the same rows.

    Returns
    -------
    DataFrame
        ``code`` ``alias_conflict``, the canonical ``account``, the first row that names a
        second holder (``source_file``, ``source_row``) and the accounts, names and ids in
        ``detail``; one row per conflicting group, sorted by account.

    Examples
    --------
    >>> t = pd.DataFrame({"account": ["A1", "C9"], "holder_name": ["张三", "李四"],
    ...     "holder_id": ["", ""], "source_file": ["a.csv", "b.csv"], "source_row": [2, 2]})
    >>> alias_conflicts(t, {"A1": "C9"})[["code", "account", "source_file"]].values.tolist()
    [['alias_conflict', 'C9', 'b.csv']]
    """
    cols = ["code", "account", "source_file", "source_row", "detail"]
    if not mapping or transactions.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    members = set(mapping) | set(mapping.values())
    t = transactions[transactions["account"].isin(members)]
    if t.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    canon = t["account"].map(mapping).fillna(t["account"])
    name = t["holder_name"].astype(str).str.replace(r"\s+", "", regex=True)
    hid = t["holder_id"].astype(str)
    frame = pd.DataFrame(
        {
            "canon": canon.to_numpy(),
            "account": t["account"].to_numpy(),
            "name": name.to_numpy(),
            "hid": hid.to_numpy(),
            "file": t["source_file"].astype(str).to_numpy(),
            "row": t["source_row"].to_numpy(),
        }
    ).sort_values(["canon", "file", "row"], kind="stable")
    # only groups with two names or two ids are looked at one by one
    named = frame.where(frame["name"] != "").groupby(frame["canon"])["name"].nunique()
    with_id = frame.where(frame["hid"] != "").groupby(frame["canon"])["hid"].nunique()
    bad = set(named.index[named > 1]) | set(with_id.index[with_id > 1])
    frame = frame[frame["canon"].isin(bad)]
    out = []
    for acc, g in frame.groupby("canon", sort=True):
        names = sorted(set(g["name"]) - {""})
        ids = sorted(set(g["hid"]) - {""})
        if len(names) < 2 and len(ids) < 2:
            continue
        first_name = next((v for v in g["name"] if v), "")
        first_id = next((v for v in g["hid"] if v), "")
        other = g[
            ((g["name"] != "") & (g["name"] != first_name))
            | ((g["hid"] != "") & (g["hid"] != first_id))
        ]
        at = other.iloc[0]
        parts = [
            f"accounts {', '.join(sorted(set(g['account'])))} are one account by their numbers"
        ]
        if len(names) > 1:
            parts.append(f"holders {' / '.join(names)}")
        if len(ids) > 1:
            parts.append(f"holder ids {' / '.join(ids)}")
        out.append(
            {
                "code": "alias_conflict",
                "account": acc,
                "source_file": at["file"],
                "source_row": at["row"],
                "detail": "; ".join(parts),
            }
        )
    return pd.DataFrame(out, columns=cols)


def resolve_aliases(transactions: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Replace every alias in ``account`` and ``counterparty`` by its canonical id."""
    if not mapping:
        return transactions
    t = transactions.copy(deep=False)  # the other columns are shared, not copied
    for col in ("account", "counterparty"):
        # each distinct id looked up once
        codes, uniques = pd.factorize(t[col].to_numpy(dtype=object), use_na_sentinel=False)
        canon = np.array([mapping.get(u, u) for u in uniques], dtype=object)
        t[col] = pd.Series(canon[codes], index=t.index, dtype=object)
    return t


def find_duplicate_rows(transactions: pd.DataFrame) -> np.ndarray:
    """Positions of rows repeated within one statement (same reference, account, direction,
    amount, time, balance, counterparty, memo and other cells as an earlier row of the same
    file and sheet: the same row twice).

    Only a reference that is a serial counts: rows without one are never called duplicates
    (two equal payments in one second can be real), nor are rows of a statement in which
    one reference stands on different rows (its reference column is a batch number or a
    placeholder, not a serial), nor rows whose reference is only zeros.

    >>> t = pd.DataFrame({"source_file": ["a", "a", "b", "b", "b"], "source_sheet": "",
    ...     "account": "A", "direction": "in", "time": pd.Timestamp("2022-01-01"),
    ...     "reference": ["r1", "r1", "x", "x", "x"], "amount": [5, 5, 5, 5, 7]})
    >>> find_duplicate_rows(t).tolist()
    [1]
    """
    t = transactions
    stmt = ["source_file", "source_sheet"]
    key = [*stmt, "account", "reference", "direction", "amount", "time"]
    # a duplicate is the same row twice: balance, memo and the other cells included
    key += [c for c in ("balance", "counterparty", "memo", "channel", "extra") if c in t.columns]
    # the same row twice has the same amount and time: only rows sharing both with another
    # row are compared cell by cell (hashing every text cell of every row costs the most)
    near = (
        pd.DataFrame({"a": t["amount"].to_numpy(), "t": t["time"].to_numpy()})
        .duplicated(keep=False)
        .to_numpy()
    )
    same = np.zeros(len(t), dtype=bool)
    if near.any():
        same[near] = t[key][near].duplicated(keep="first").to_numpy()
    if not same.any():
        return np.flatnonzero(same)
    has_ref = (t["reference"] != "") & ~t["reference"].str.fullmatch("0+").fillna(False).astype(
        bool
    )
    dup = pd.Series(same, index=t.index) & has_ref
    if not dup.any():
        return np.flatnonzero(dup.to_numpy())
    # a statement's references are serials when each of them names one row (repeated or not)
    row_key = pd.Series(t.groupby(key, sort=False, dropna=False).ngroup().to_numpy(), index=t.index)
    distinct = row_key.groupby(
        [t[c] for c in [*stmt, "reference"]], sort=False, dropna=False
    ).transform("nunique")
    shared = pd.Series((distinct.to_numpy() > 1) & has_ref.to_numpy(), index=t.index)
    not_serial = shared.groupby([t[c] for c in stmt], sort=False, dropna=False).transform("any")
    dup &= ~not_serial.to_numpy()
    return np.flatnonzero(dup.to_numpy())


def _candidates(t: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, dict[str, np.ndarray]]:
    """Each statement row as a directed transfer seen from one side, with integer codes for
    the text keys (sorting and grouping integers is what keeps this fast at a million rows)."""
    out = t["direction"].to_numpy() == "out"
    acc = t["account"].to_numpy(dtype=object)
    cp = t["counterparty"].to_numpy(dtype=object)
    codes, uniques = _sorted_codes(np.concatenate([acc, cp]))
    n = len(t)
    acc_c, cp_c = codes[:n], codes[n:]
    own_name = t["holder_name"].to_numpy(dtype=object)
    cp_name = t["counterparty_name"].to_numpy(dtype=object)
    own_id = t["holder_id"].to_numpy(dtype=object)
    cp_id = t["counterparty_id"].to_numpy(dtype=object)
    file_key = t["source_file"].astype(str) + "\x00" + t["source_sheet"].astype(str)
    file_c, _ = _sorted_codes(file_key.to_numpy(dtype=object))
    ref_c, _ = _sorted_codes(t["reference"].to_numpy(dtype=object))
    c = pd.DataFrame(
        {
            "src_c": np.where(out, acc_c, cp_c),
            "dst_c": np.where(out, cp_c, acc_c),
            "amount": t["amount"].to_numpy(dtype=np.int64),
            "time": t["time"].to_numpy(),
            "day_only": t["day_only"].to_numpy() if "day_only" in t else np.zeros(n, dtype=bool),
            "side": np.where(out, 0, 1).astype(np.int8),  # 0: sender's statement
            "ref_c": ref_c,
            "file_c": file_c,
            "row": np.arange(n),  # position in ``t``
        }
    )
    n_rows = len(t)
    kind = (
        t["counterparty_kind"].to_numpy(dtype=object)
        if "counterparty_kind" in t
        else np.where(cp == CASH, "cash", "account").astype(object)
    )
    cols = {
        "kind": np.where(
            cp == CASH, np.where(kind == "account", "unknown", kind), "account"
        ).astype(object),
        "currency": (
            t["currency"].to_numpy(dtype=object)
            if "currency" in t
            else np.full(n_rows, "", dtype=object)
        ),
        "memo": t["memo"].to_numpy(dtype=object),
        "channel": t["channel"].to_numpy(dtype=object),
        "src_name": np.where(out, own_name, cp_name),
        "dst_name": np.where(out, cp_name, own_name),
        "src_id": np.where(out, own_id, cp_id),
        "dst_id": np.where(out, cp_id, own_id),
        "source": (
            t["source_file"].astype(str)
            + np.where(
                t["source_sheet"].to_numpy(dtype=object) != "",
                "[" + t["source_sheet"].astype(str) + "]",
                "",
            )
            + ":"
            + t["source_row"].astype(str)
        ).to_numpy(dtype=object),
    }
    # kept beside the frame, not in DataFrame.attrs, which pandas deep-copies on every step
    return c, np.asarray(uniques, dtype=object), cols


def _merge_same_side(c: pd.DataFrame, source: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows identical across files (a statement exported twice) become one candidate.

    Returns the kept candidates and, for each, the ``;``-joined sources of the rows merged
    into it (empty where it stands alone)."""
    key = ["side", "src_c", "dst_c", "amount", "time", "ref_c"]
    order = np.lexsort(
        [c["row"].to_numpy(), c["file_c"].to_numpy()] + [c[k].to_numpy() for k in reversed(key)]
    )
    c = c.iloc[order].reset_index(drop=True)
    same_key = np.ones(len(c), dtype=bool)
    same_key[0:1] = False
    for k in key:
        v = c[k].to_numpy()
        same_key[1:] &= v[1:] == v[:-1]
    merged_sources = np.full(len(c), "", dtype=object)
    if not same_key.any():
        return c, merged_sources
    # k-th identical row of one file pairs with the k-th of another file
    grp = np.cumsum(~same_key)
    f = c["file_c"].to_numpy()
    occ = pd.DataFrame({"g": grp, "f": f}).groupby(["g", "f"], sort=False).cumcount().to_numpy()
    gid = pd.DataFrame({"g": grp, "o": occ}).groupby(["g", "o"], sort=False).ngroup().to_numpy()
    first = ~pd.Series(gid).duplicated().to_numpy()
    sizes = np.bincount(gid)
    multi = sizes[gid] > 1
    if multi.any():
        src = source[c["row"].to_numpy()]
        joined = pd.Series(src[multi]).groupby(gid[multi], sort=False).agg(";".join)
        merged_sources = np.full(len(c), "", dtype=object)
        rep_multi = first & multi
        merged_sources[rep_multi] = joined.reindex(gid[rep_multi]).to_numpy()
    c = c[first].reset_index(drop=True)
    return c, merged_sources[first]


def _match_mirrors(c: pd.DataFrame, window_s: int, cash_code: int) -> np.ndarray:
    """Partner index for each candidate (-1 when unmatched): greedy one-to-one matching of
    sender-side and receiver-side rows with the same src, dst and amount within the window."""
    n = len(c)
    partner = np.full(n, -1, dtype=np.int64)
    src, dst, amt = c["src_c"].to_numpy(), c["dst_c"].to_numpy(), c["amount"].to_numpy()
    both = (src != cash_code) & (dst != cash_code)
    idx = np.flatnonzero(both)
    if len(idx) == 0:
        return partner
    side_all = c["side"].to_numpy()
    # only keys that have rows from both sides can match
    key = pd.DataFrame({"s": src[idx], "d": dst[idx], "a": amt[idx], "side": side_all[idx]})
    nsides = key.groupby(["s", "d", "a"], sort=False)["side"].transform("nunique").to_numpy()
    idx = idx[nsides == 2]
    t_all = c["time"].to_numpy()
    order = np.lexsort([side_all[idx], t_all[idx], amt[idx], dst[idx], src[idx]])
    pos = idx[order]
    window = np.timedelta64(window_s, "s")
    day_all = c["day_only"].to_numpy()
    for _ in range(50):
        if len(pos) < 2:
            break
        s_, d_, a_ = src[pos], dst[pos], amt[pos]
        key_same = (s_[1:] == s_[:-1]) & (d_[1:] == d_[:-1]) & (a_[1:] == a_[:-1])
        side = side_all[pos]
        t = t_all[pos]
        day = day_all[pos]
        opp = side[1:] != side[:-1]
        close = np.abs(t[1:] - t[:-1]) <= window
        same_day = (day[1:] | day[:-1]) & (
            t[1:].astype("datetime64[D]") == t[:-1].astype("datetime64[D]")
        )
        cand = key_same & opp & (close | same_day)
        if not cand.any():
            break
        start = cand & ~np.r_[False, cand[:-1]]
        run = np.cumsum(start)
        first_of_run = np.flatnonzero(start)
        offset = np.arange(len(cand)) - first_of_run[np.maximum(run - 1, 0)]
        chosen = np.flatnonzero(cand & (offset % 2 == 0))
        a, b = pos[chosen], pos[chosen + 1]
        partner[a] = b
        partner[b] = a
        keep = np.ones(len(pos), dtype=bool)
        keep[chosen] = False
        keep[chosen + 1] = False
        pos = pos[keep]
    return partner


def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, sort=True)`` for texts, the sort done by Arrow (a sort
    keyed on a million Python strings compares them one pair at a time): the codes are
    the texts' dense ranks in code-point order.

    >>> codes, uniques = _sorted_codes(np.array(["b", "a", "b", "乙"], dtype=object))
    >>> codes.tolist(), uniques.tolist()
    ([1, 0, 1, 2], ['a', 'b', '乙'])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    codes, uniques = pd.factorize(values)  # by hashing, in order of appearance
    uniques = np.asarray(uniques, dtype=object)
    try:
        # UTF-8 bytes compare in code-point order, as Python compares strings
        order = pc.sort_indices(pa.array(uniques, type=pa.large_string())).to_numpy()
    except (pa.ArrowException, UnicodeError):
        codes, uniques = pd.factorize(values, sort=True)
        return codes, np.asarray(uniques, dtype=object)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], -1), uniques[order]


def build_transfers(transactions: pd.DataFrame, *, mirror_window: int = 300) -> pd.DataFrame:
    """One row per distinct transfer (:data:`fundgraph.schema.TRANSFERS`).

    Parameters
    ----------
    transactions : DataFrame
        Accepted rows with aliases resolved.
    mirror_window : int
        Largest clock difference, in seconds, between the two statements of one transfer.

    Returns
    -------
    DataFrame
        One row per transfer, in time order: ``transfer_id`` (0, 1, ...), ``src`` and
        ``dst`` ("" for cash or a counterparty the statement does not name),
        ``counterparty_kind``, ``amount`` (cents), ``currency``, ``time``, ``memo``,
        ``channel``, the names and ID numbers of both sides, ``seen`` (``both``, ``src``
        or ``dst``: whose statements showed it) and ``sources`` (the ``file:row`` of every
        statement row that reported it, ";"-joined). A transfer shown by both parties'
        statements (out in one, in in the other, clocks within ``mirror_window``) is one
        row; two equal payments between the same pair stay two rows.

    See Also
    --------
    read_exports : makes the accepted rows.
    fundgraph.accounts.account_table : the per-account table from these transfers.
    fundgraph.graph.flow_graph : the graph of these transfers.

    Examples
    --------
    Account A's statement shows one payment to B; B's statement shows it (90 seconds
    later by B's bank's clock) and a second, genuine payment:

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
    c, accounts, cols = _candidates(transactions)
    c, merged_sources = _merge_same_side(c, cols["source"])
    cash_hits = np.flatnonzero(accounts == CASH)
    cash_code = int(cash_hits[0]) if len(cash_hits) else -1
    partner = _match_mirrors(c, mirror_window, cash_code)
    n = len(c)
    me = np.arange(n)
    side = c["side"].to_numpy()
    # a matched pair is represented by its sender-side row
    is_rep = (partner < 0) | (side == 0)
    rep = me[is_rep]
    mate = partner[is_rep]
    has_mate = mate >= 0
    mate_or_rep = np.where(has_mate, mate, rep)
    row_r = c["row"].to_numpy()[rep]
    row_m = c["row"].to_numpy()[mate_or_rep]

    def pick(col: str) -> np.ndarray:
        a = cols[col][row_r]
        b = cols[col][row_m]
        return np.where((a == "") & has_mate, b, a)

    def sources_of(ix: np.ndarray, rows: np.ndarray) -> np.ndarray:
        merged = merged_sources[ix]
        return np.where(merged != "", merged, cols["source"][rows])

    # the sender's clock unless it only gave a date
    t_all = c["time"].to_numpy()
    day_all = c["day_only"].to_numpy()
    use_mate_time = has_mate & day_all[rep] & ~day_all[mate_or_rep]
    src_r = sources_of(rep, row_r)
    src_m = sources_of(mate_or_rep, row_m)
    sources = np.where(has_mate, src_r + ";" + src_m, src_r)
    seen = np.where(has_mate, "both", np.where(side[rep] == 0, "src", "dst"))
    src_c = c["src_c"].to_numpy()[rep]
    dst_c = c["dst_c"].to_numpy()[rep]
    amount = c["amount"].to_numpy()[rep]
    time = np.where(use_mate_time, t_all[mate_or_rep], t_all[rep])
    order = np.lexsort([_sorted_codes(sources)[0], amount, dst_c, src_c, time])
    cols_out = {
        "transfer_id": np.arange(len(rep), dtype=np.int64),
        "src": accounts[src_c][order],
        "dst": accounts[dst_c][order],
        "amount": amount[order],
        "currency": pick("currency")[order],
        "counterparty_kind": cols["kind"][row_r][order],
        "time": time[order],
        "memo": pick("memo")[order],
        "channel": pick("channel")[order],
        "src_name": pick("src_name")[order],
        "dst_name": pick("dst_name")[order],
        "src_id": pick("src_id")[order],
        "dst_id": pick("dst_id")[order],
        "seen": seen[order],
        "sources": sources[order],
    }
    # text stays the Python strings it is (pandas would copy each cell into Arrow storage,
    # and the table's schema turns it back into objects)
    out = pd.DataFrame(
        {k: pd.Series(v, dtype=object) if v.dtype == object else v for k, v in cols_out.items()}
    )
    out["time"] = out["time"].astype("datetime64[ns]")
    return conform(out, TRANSFERS, extra=False)
