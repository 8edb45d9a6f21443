"""Abnormal accounts with every reason (预警名单), and the user's watchlist."""

from __future__ import annotations

import bisect
import io
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..coded import CodedTransfers, code_transfers
from ..errors import InputError
from ..results import Alert
from ..schema import ALERTS, CASH, is_cash
from ..tables import conform, empty_frame
from .features import WAN, is_company_name
from .rules import DEFAULT_RULES, SchemeRules

__all__ = [
    "ALERT_CODES",
    "ALERT_WEIGHTS",
    "NAME_KEYWORDS",
    "REPORTING_LIMITS",
    "read_watchlist",
    "fund_cycles",
    "fan_counts",
    "scatter_gather",
    "gather_scatter",
    "time_cycles",
    "account_alerts",
]

#: Stable alert codes, in display order.
ALERT_CODES = (
    "scheme_role",
    "fast_in_fast_out",
    "cycle",
    "fan_in",
    "fan_out",
    "scatter_gather",
    "gather_scatter",
    "structuring",
    "round_amounts",
    "night_activity",
    "keyword_name",
    "watchlist",
)

#: Score added by each code (``scheme_role`` by role).
ALERT_WEIGHTS = {
    "fast_in_fast_out": 2.0,
    "cycle": 2.0,
    "fan_in": 1.5,
    "fan_out": 1.0,
    "scatter_gather": 2.0,
    "gather_scatter": 2.0,
    "structuring": 2.0,
    "round_amounts": 0.5,
    "night_activity": 0.5,
    "keyword_name": 1.5,
    "watchlist": 3.0,
}
_ROLE_WEIGHTS = {"core": 5.0, "collector": 4.0, "transit": 3.0}

#: Name words the Qiandongnan screening used, most specific first.
NAME_KEYWORDS = ("投资咨询", "投资理财", "融资理财", "理财咨询", "投资")

#: Large-transaction reporting limits (cents): cash, transfers of persons, of companies.
REPORTING_LIMITS = {"cash": 5 * WAN, "person": 50 * WAN, "company": 200 * WAN}

_COLUMN_KINDS = {
    "name": ("name", "names", "holder_name", "姓名", "名称", "户名", "名字"),
    "id": ("id", "id_number", "holder_id", "证件号码", "身份证号", "身份证", "证件号"),
    "account": ("account", "accounts", "账号", "卡号", "帐号", "账户"),
}


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(key="error.watchlist.encoding", path=str(path))


def read_watchlist(path: str | os.PathLike) -> pd.DataFrame:
    """Read a watchlist: names, ID numbers or accounts to flag.

    A CSV with a header naming a column ``name``/``id``/``account`` (or 姓名/证件号码/账号 …)
    reads those columns; otherwise every non-empty cell of every line (``张三,110101…``) is
    one entry matched against names, holder ids and accounts alike. Numbers are spelled as
    the statements' are (:mod:`fundgraph.ids`): ``6222 0000 0000 0002`` and full-width
    digits match the account, a lower-case ID check letter ``x`` matches ``X``.

    Parameters
    ----------
    path : path-like
        ``.csv`` or ``.txt``, UTF-8 (with or without BOM), GBK/GB18030 or UTF-16.

    Returns
    -------
    DataFrame
        ``kind`` (``name``, ``id``, ``account`` or ``any``) and ``value``, sorted, unique.

    Raises
    ------
    InputError
        If the file cannot be read or holds no entry.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "w.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("姓名,证件号码\\n张三,110101\\n")
    >>> read_watchlist(p).values.tolist()
    [['id', '110101'], ['name', '张三']]
    """
    from ..ids import normalise_account, normalise_person_id

    def _watch_value(kind: str, value: str) -> str:
        # an entry in the spelling the case uses for its kind
        if kind == "account":
            return normalise_account(value)
        if kind == "id":
            return normalise_person_id(value)
        if kind == "any":
            return normalise_person_id(normalise_account(value))
        return value

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(
            key="error.watchlist.unreadable", path=str(p), detail=str(exc.strerror or exc)
        ) from exc
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(key="error.watchlist.binary", path=str(p))
    text = _decode(raw, str(p))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputError(key="error.watchlist.empty", path=str(p))
    sep = next((c for c in (",", "\t", ";", "|") if c in lines[0]), None)
    header = [h.strip().strip('"').lower() for h in (lines[0].split(sep) if sep else [lines[0]])]
    kinds = {}
    for i, h in enumerate(header):
        for kind, words in _COLUMN_KINDS.items():
            if h in words:
                kinds[i] = kind
    rows = []
    if kinds:
        try:
            df = pd.read_csv(
                io.StringIO("\n".join(lines)),
                sep=sep or ",",
                dtype=str,
                keep_default_na=False,
                header=0,
            )
        except (pd.errors.ParserError, ValueError) as exc:
            raise InputError(f"{p}: cannot parse watchlist ({exc})") from exc
        for i, kind in kinds.items():
            for v in df.iloc[:, i]:
                rows.append((kind, _watch_value(kind, str(v).strip())))
    else:
        for ln in lines:
            for cell in ln.split(sep) if sep else [ln]:
                rows.append(("any", _watch_value("any", cell.strip().strip('"').strip())))
    out = pd.DataFrame(rows, columns=["kind", "value"])
    out = out[out["value"] != ""].drop_duplicates().sort_values(["kind", "value"])
    if out.empty:
        raise InputError(key="error.watchlist.nothing", path=str(p))
    return out.reset_index(drop=True)


def fund_cycles(
    G: nx.DiGraph, nodes, *, length_bound: int = 4, max_nodes: int = 2000, max_cycles: int = 10000
) -> dict[str, set[str]]:
    """Short money cycles (资金闭环) among ``nodes``: account -> accounts it shares a cycle with.

    The search is bounded: at most ``max_nodes`` accounts (first in the given order), cycles
    of at most ``length_bound`` accounts, and at most ``max_cycles`` cycles.

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    >>> {k: sorted(v) for k, v in sorted(fund_cycles(G, ["a", "b", "c", "d"]).items())}
    {'a': ['b', 'c'], 'b': ['a', 'c'], 'c': ['a', 'b']}

    References
    ----------
    .. [1] Gupta, P. et al. (networkx ``simple_cycles`` with ``length_bound``); IBM AMLSim
       "cycle" typology.
    """
    keep = list(dict.fromkeys(nodes))[:max_nodes]
    H = G.subgraph(keep)
    found: dict[str, set[str]] = {}
    for i, cyc in enumerate(nx.simple_cycles(H, length_bound=length_bound)):
        if i >= max_cycles:
            break
        for a in cyc:
            found.setdefault(a, set()).update(x for x in cyc if x != a)
    return found


def account_alerts(
    accounts: pd.DataFrame,
    transfers: pd.DataFrame,
    *,
    G: nx.DiGraph | None = None,
    watchlist: pd.DataFrame | None = None,
    rules: SchemeRules = DEFAULT_RULES,
    fast_min_amount: int = 50 * WAN,
    structuring_band: float = 0.9,
    structuring_min: int = 3,
    round_min: int = 10,
    round_share: float = 0.5,
    night_min: int = 5,
    night_share: float = 0.3,
    coded: CodedTransfers | None = None,
) -> pd.DataFrame:
    """Rank accounts by an alert score with every reason that applies.

    Parameters
    ----------
    accounts : DataFrame
        Accounts with ``role``, ``holder_name``, ``holder_id``, ``aliases``, ``in_amount``,
        ``out_amount``, ``in_count``, ``out_degree`` and, when available,
        ``median_dwell_hours``, ``distinct_payers``, ``payroll`` filled.
    transfers : DataFrame
        Transfers (cents).
    G : DiGraph, optional
        Flow graph for the cycle search (built from ``transfers`` when missing).
    watchlist : DataFrame, optional
        From :func:`read_watchlist`.
    rules : SchemeRules
        ``fan_min`` distinct counterparties within ``fan_window_days`` raise ``fan_in`` /
        ``fan_out`` whatever the sums (an employer's steady payroll does not fan out);
        ``scatter_gather`` / ``gather_scatter`` need ``sg_min_members`` intermediaries
        (senders and receivers) within ``sg_window_days``; ``cycle`` follows transfers in
        time order, three to ``cycle_max_length`` accounts within ``cycle_window_days``;
        ``fast_in_fast_out`` needs a median dwell of at most ``fast_hours`` and out within
        ``fast_balance`` of in. Transfers below ``min_investment`` are left out of the
        pattern searches.
    fast_min_amount : int
        ``fast_in_fast_out``: cents that must have come in at least.
    structuring_band, structuring_min : float, int
        ``structuring``: at least ``structuring_min`` amounts in ``[band*limit, limit)`` of a
        reporting limit (cash 5万, person 50万, company 200万).
    round_min, round_share : int, float
        ``round_amounts``: at least ``round_min`` transfers of whole 万元 making up at least
        ``round_share`` of the account's transfers.
    night_min, night_share : int, float
        ``night_activity``: transfers between 00:00 and 06:00 (exact midnight is a date
        without time and is ignored).
    coded : CodedTransfers, optional
        The coded ``transfers`` (:meth:`fundgraph.case.Case.coded`), when already built.

    Returns
    -------
    DataFrame
        :data:`fundgraph.schema.ALERTS`, sorted by score desc then account; each
        ``reasons`` cell is a tuple of :class:`~fundgraph.results.Alert` in the order of
        ``codes`` (:func:`fundgraph.results.alert_texts` gives the text of ``alerts.csv``).

    References
    ----------
    .. [1] 中国人民银行令〔2016〕第3号《金融机构大额交易和可疑交易报告管理办法》第五条
       (cash ≥ 5万元; transfers ≥ 50万元 for persons, ≥ 200万元 for organisations).
    .. [2] IBM AMLSim typologies (fan_in, fan_out, cycle); 黔东南州 非法集资 监测预警
       (keyword screening of 投资/理财 company names).
    """
    if accounts.empty:
        return empty_frame(ALERTS)
    a = accounts.set_index("account", drop=False)
    a.index.name = None
    idx = a.index
    codes: dict[str, list[tuple[str, Alert]]] = {}

    def add(acct_index, code, params):
        for acct, p in zip(acct_index, params, strict=False):
            codes.setdefault(acct, []).append((code, Alert(code, p)))

    role = a["role"].fillna("other")
    sch = role.isin(list(_ROLE_WEIGHTS))
    add(idx[sch], "scheme_role", [{"role": str(r)} for r in role[sch]])

    if "median_dwell_hours" in a:
        dw = a["median_dwell_hours"]
        ratio = a["out_amount"] / a["in_amount"].where(a["in_amount"] > 0)
        lo, hi = 1 - rules.fast_balance, 1 + rules.fast_balance
        m = (dw <= rules.fast_hours) & (a["in_amount"] >= fast_min_amount) & ratio.between(lo, hi)
        m = m.fillna(False).astype(bool)
        add(
            idx[m],
            "fast_in_fast_out",
            [
                {"hours": f"{h:.1f}", "share": f"{100 * r:.0f}"}
                for h, r in zip(dw[m], ratio[m], strict=False)
            ],
        )

    edges = _account_edges(transfers, rules.min_investment)
    days = rules.fan_window_days
    fin = fan_counts(edges, "dst", days).reindex(idx).fillna(0).astype("int64")
    m = fin >= rules.fan_min
    add(idx[m], "fan_in", [{"n": int(v), "days": days} for v in fin[m]])
    # per-account counts over the transfers, on integer codes
    ct = coded if coded is not None else code_transfers(transfers)
    nodes, s_all, d_all = ct.nodes, ct.s_all, ct.d_all
    n = len(nodes)
    pos = nodes.get_indexer(idx)

    def per_account(values: np.ndarray) -> pd.Series:
        v = np.zeros(len(idx)) if n == 0 else np.where(pos >= 0, values[np.maximum(pos, 0)], 0)
        return pd.Series(v, index=idx)

    company = is_company_name(a["holder_name"])
    comp_node = np.zeros(n, dtype=bool)
    comp_node[pos[pos >= 0]] = company.to_numpy()[pos >= 0]
    amount = ct.a_all

    # fan-out to distinct accounts (an employer's steady payroll is no pattern)
    fo = fan_counts(edges, "src", days).reindex(idx).fillna(0).astype("int64")
    payroll = a["payroll"] if "payroll" in a else pd.Series(False, index=idx)
    m = (fo >= rules.fan_min) & (~payroll.astype(bool) | sch)
    add(idx[m], "fan_out", [{"n": int(v), "days": days} for v in fo[m]])
    _patterns(add, edges, rules, set(idx[payroll.astype(bool) & ~sch]))

    # structuring just below the large-transaction reporting limits
    cash = is_cash(transfers)  # a transfer to an unnamed counterparty is no cash
    near = np.zeros(n)
    for side in (s_all, d_all):
        ok = side >= 0
        lim = np.where(
            cash,
            REPORTING_LIMITS["cash"],
            np.where(
                comp_node[np.maximum(side, 0)],
                REPORTING_LIMITS["company"],
                REPORTING_LIMITS["person"],
            ),
        )
        hit = ok & (amount < lim) & (amount >= structuring_band * lim)
        near += np.bincount(side[hit], minlength=n)
    st = per_account(near)
    m = st >= structuring_min
    add(idx[m], "structuring", [{"n": int(v)} for v in st[m]])

    # round sums and night-time transfers (either side)
    tm = pd.Series(transfers["time"].to_numpy())
    secs = (tm.dt.hour * 3600 + tm.dt.minute * 60 + tm.dt.second).to_numpy()
    night = (secs < 6 * 3600) & (secs > 0)  # exact midnight: a date without a time
    rnd = amount % WAN == 0
    tot = np.zeros(n)
    n_round = np.zeros(n)
    n_night = np.zeros(n)
    for side in (s_all, d_all):
        ok = side >= 0
        tot += np.bincount(side[ok], minlength=n)
        n_round += np.bincount(side[ok & rnd], minlength=n)
        n_night += np.bincount(side[ok & night], minlength=n)
    tot_a, rnd_a, night_a = per_account(tot), per_account(n_round), per_account(n_night)
    m = (rnd_a >= round_min) & (rnd_a >= round_share * tot_a)
    add(
        idx[m],
        "round_amounts",
        [
            {"n": int(k), "share": f"{100 * k / s_:.0f}"}
            for k, s_ in zip(rnd_a[m], tot_a[m], strict=True)
        ],
    )
    m = (night_a >= night_min) & (night_a >= night_share * tot_a)
    add(
        idx[m],
        "night_activity",
        [
            {"n": int(k), "share": f"{100 * k / s_:.0f}"}
            for k, s_ in zip(night_a[m], tot_a[m], strict=True)
        ],
    )

    names = a["holder_name"].fillna("").astype(str)
    word = pd.Series("", index=idx)
    for w in reversed(NAME_KEYWORDS):  # most specific wins
        word = word.where(~names.str.contains(w, regex=False), w)
    m = word != ""
    add(idx[m], "keyword_name", [{"word": w} for w in word[m]])

    if watchlist is not None and len(watchlist):
        hit = _watch_hits(a, watchlist)
        add(hit.index, "watchlist", [{"entry": v} for v in hit])

    # money cycles in time order over all accounts (bounded search)
    known = set(idx)
    for cyc in time_cycles(edges, rules):
        path = " → ".join(cyc + cyc[:1])
        params = {"path": path, "days": rules.cycle_window_days}
        members = [x for x in cyc if x in known]
        add(members, "cycle", [params] * len(members))

    if not codes:
        return empty_frame(ALERTS)
    rows = []
    for acct, items in codes.items():
        first: dict[str, Alert] = {}
        for c_, x_ in items:
            first.setdefault(c_, x_)
        items = sorted(first.items(), key=lambda x: ALERT_CODES.index(x[0]))
        score = sum(
            _ROLE_WEIGHTS.get(role.get(acct, "other"), 0.0)
            if c == "scheme_role"
            else ALERT_WEIGHTS[c]
            for c, _ in items
        )
        rows.append(
            (
                acct,
                a.at[acct, "holder_name"] if acct in a.index else "",
                float(score),
                ";".join(c for c, _ in items),
                tuple(x for _, x in items),
            )
        )
    out = pd.DataFrame(rows, columns=["account", "holder_name", "score", "codes", "reasons"])
    out = out.sort_values(["score", "account"], ascending=[False, True], kind="stable")
    # the reasons stay Alert objects (conform would make text of them)
    return conform(out, {k: v for k, v in ALERTS.items() if k != "reasons"})


def _watch_hits(a: pd.DataFrame, watchlist: pd.DataFrame) -> pd.Series:
    values = {
        k: set(watchlist.loc[watchlist["kind"].isin([k, "any"]), "value"])
        for k in ("name", "id", "account")
    }
    hit = pd.Series("", index=a.index)
    name = a["holder_name"].fillna("").astype(str)
    hid = (
        a["holder_id"].fillna("").astype(str) if "holder_id" in a else pd.Series("", index=a.index)
    )
    aliases = (
        a["aliases"].fillna("").astype(str) if "aliases" in a else pd.Series("", index=a.index)
    )
    acct = pd.Series(a.index, index=a.index)
    alias_hit = aliases.str.split(";").map(
        lambda xs: next((x for x in xs if x in values["account"]), "")
    )
    for col, kind in ((acct, "account"), (hid, "id"), (name, "name")):
        m = col.isin(values[kind]) & (col != "") & (hit == "")
        hit = hit.where(~m, col)
    m = (alias_hit != "") & (hit == "")
    hit = hit.where(~m, alias_hit)
    return hit[hit != ""].sort_index()


def _patterns(add, edges: pd.DataFrame, rules: SchemeRules, skip: set) -> None:
    """Add ``scatter_gather`` and ``gather_scatter`` to every member of each pattern."""
    days = rules.sg_window_days
    for p in scatter_gather(edges, rules):
        if p["source"] in skip:
            continue
        shown = "、".join(p["members"][:5]) + ("…" if len(p["members"]) > 5 else "")
        for acct, part in [(p["source"], "source"), (p["target"], "target")] + [
            (x, "member") for x in p["members"]
        ]:
            params = {
                "part": part, "source": p["source"], "target": p["target"],
                "k": len(p["members"]), "days": days, "members": shown,
            }  # fmt: skip
            add([acct], "scatter_gather", [params])
    for p in gather_scatter(edges, rules):
        if p["hub"] in skip:
            continue
        shown = "、".join((p["senders"] + p["receivers"])[:5]) + "…"
        parts = [(p["hub"], "hub")] + [(x, "sender") for x in p["senders"]]
        parts += [(x, "receiver") for x in p["receivers"]]
        for acct, part in parts:
            params = {
                "part": part, "hub": p["hub"], "n_in": len(p["senders"]),
                "n_out": len(p["receivers"]), "days": days, "members": shown,
            }  # fmt: skip
            add([acct], "gather_scatter", [params])


# ------------------------------------------------------------------- typologies


def _account_edges(transfers: pd.DataFrame, min_amount: int) -> pd.DataFrame:
    """Account-to-account transfers of at least ``min_amount`` cents: src, dst, amount, t."""
    t = transfers[(transfers["src"] != CASH) & (transfers["dst"] != CASH)]
    t = t[(t["amount"] >= min_amount) & (t["src"] != t["dst"])]
    return pd.DataFrame(
        {
            "src": t["src"].astype(str).to_numpy(dtype=object),
            "dst": t["dst"].astype(str).to_numpy(dtype=object),
            "amount": t["amount"].to_numpy(np.int64),
            "t": pd.to_datetime(t["time"]).to_numpy().astype("datetime64[ns]"),
        }
    )


def fan_counts(edges: pd.DataFrame, side: str, window_days: int) -> pd.Series:
    """Most distinct counterparties of each account within any ``window_days`` span
    (``side="dst"``: senders into it, fan-in; ``"src"``: receivers, fan-out).

    Examples
    --------
    >>> e = pd.DataFrame({"src": ["a", "b", "c"], "dst": "h", "amount": 1,
    ...     "t": pd.to_datetime(["2022-01-01", "2022-01-05", "2022-03-01"])})
    >>> fan_counts(e, "dst", 30).to_dict()
    {'h': 2}
    """
    other = "src" if side == "dst" else "dst"
    if edges.empty:
        return pd.Series(dtype="int64")
    first = edges.groupby([side, other], sort=False)["t"].min().reset_index()
    code, accts = pd.factorize(first[side], sort=True)
    secs = first["t"].to_numpy(dtype="datetime64[s]").astype(np.int64)
    secs = secs - secs.min()
    # one sorted key per (account, time): the window's end is a search in it
    key = code.astype(np.int64) * (1 << 34) + secs
    order = np.argsort(key, kind="stable")
    key = key[order]
    hi = np.searchsorted(key, key + int(window_days * 86400), side="right")
    width = hi - np.arange(len(key))
    most = pd.Series(width).groupby(code[order]).max()
    return pd.Series(most.to_numpy(np.int64), index=accts[most.index.to_numpy()], dtype="int64")


def scatter_gather(edges: pd.DataFrame, rules: SchemeRules) -> list[dict]:
    """Scatter-gather: a source pays several intermediaries that each pass most of it on
    to one target, all within ``sg_window_days`` (AMLSim ``scatter_gather``).

    Examples
    --------
    >>> t0 = pd.Timestamp("2022-01-01")
    >>> rows = [("s", f"m{i}", 100, t0) for i in range(3)]
    >>> rows += [(f"m{i}", "t", 95, t0 + pd.Timedelta(hours=5)) for i in range(3)]
    >>> e = pd.DataFrame(rows, columns=["src", "dst", "amount", "t"])
    >>> [(p["source"], p["target"], p["members"]) for p in scatter_gather(e, SchemeRules())]
    [('s', 't', ['m0', 'm1', 'm2'])]
    """
    if edges.empty:
        return []
    e1 = edges.rename(columns={"src": "s", "dst": "m", "amount": "a1", "t": "t1"})
    e2 = edges.rename(columns={"src": "m", "dst": "d", "amount": "a2", "t": "t2"})
    # intermediaries deal with few accounts (a bounded join)
    deg_in = edges.groupby("dst")["src"].nunique()
    deg_out = edges.groupby("src")["dst"].nunique()
    mids = set(deg_in.index[deg_in <= 5]) & set(deg_out.index[deg_out <= 5])
    e1 = e1[e1["m"].isin(mids)]
    e2 = e2[e2["m"].isin(mids)]
    j = e1.merge(e2, on="m")
    win = np.timedelta64(int(rules.sg_window_days * 86400), "s")
    j = j[(j["s"] != j["d"]) & (j["t2"] >= j["t1"]) & (j["t2"] - j["t1"] <= win)]
    j = j[(j["a2"] <= j["a1"]) & (j["a2"] >= 0.5 * j["a1"])]
    out = []
    for (s, d), g in j.groupby(["s", "d"], sort=True):
        ms = sorted(set(g["m"]))
        if len(ms) >= rules.sg_min_members:
            out.append({"source": s, "target": d, "members": ms})
    return out


def gather_scatter(edges: pd.DataFrame, rules: SchemeRules) -> list[dict]:
    """Gather-scatter: a hub takes money from several accounts and soon pays most of it
    out to several others, all within ``sg_window_days`` (AMLSim ``gather_scatter``).

    Examples
    --------
    >>> t0 = pd.Timestamp("2022-01-01")
    >>> rows = [(f"i{i}", "h", 100, t0) for i in range(3)]
    >>> rows += [("h", f"o{i}", 90, t0 + pd.Timedelta(days=2)) for i in range(3)]
    >>> e = pd.DataFrame(rows, columns=["src", "dst", "amount", "t"])
    >>> [(p["hub"], p["senders"], p["receivers"]) for p in gather_scatter(e, SchemeRules())]
    [('h', ['i0', 'i1', 'i2'], ['o0', 'o1', 'o2'])]
    """
    if edges.empty:
        return []
    k = rules.sg_min_members
    win = np.timedelta64(int(rules.sg_window_days * 86400), "s")
    n_in = edges.groupby("dst")["src"].nunique()
    n_out = edges.groupby("src")["dst"].nunique()
    hubs = sorted(set(n_in.index[n_in >= k]) & set(n_out.index[n_out >= k]))
    ins = edges[edges["dst"].isin(hubs)].groupby("dst")
    outs = edges[edges["src"].isin(hubs)].groupby("src")
    found = []
    for h in hubs:
        gi = ins.get_group(h).sort_values("t", kind="stable")
        go = outs.get_group(h).sort_values("t", kind="stable")
        ti, si, ai = gi["t"].to_numpy(), gi["src"].to_numpy(), gi["amount"].to_numpy(np.int64)
        to, do, ao = go["t"].to_numpy(), go["dst"].to_numpy(), go["amount"].to_numpy(np.int64)
        cin = np.concatenate([[0], np.cumsum(ai)])
        cout = np.concatenate([[0], np.cumsum(ao)])
        # windows starting at the first inflow of each day: senders in it, then receivers
        days = ti.astype("datetime64[D]")
        for s0 in np.flatnonzero(np.r_[True, days[1:] != days[:-1]]):
            t0 = ti[s0]
            s1 = int(np.searchsorted(ti, t0 + win, side="right"))
            o0 = int(np.searchsorted(to, t0, side="left"))
            o1 = int(np.searchsorted(to, t0 + win, side="right"))
            if s1 - s0 < k or o1 - o0 < k:
                continue
            last_in = ti[s1 - 1]
            senders = sorted(set(si[s0:s1]) - set(do[o0:o1]))
            r0 = int(np.searchsorted(to, last_in - (last_in - t0) / 2, side="left"))
            receivers = sorted(set(do[max(r0, o0) : o1]) - set(senders))
            a_in = int(cin[s1] - cin[s0])
            a_out = int(cout[o1] - cout[o0])
            if len(senders) >= k and len(receivers) >= k and 0.5 * a_in <= a_out <= 1.5 * a_in:
                found.append({"hub": h, "senders": senders, "receivers": receivers})
                break
    return found


def _money_cycles(
    adj: dict,
    pair: dict,
    length_bound: int,
    win: int,
    max_cycles: int,
    max_steps: int,
    steps_per_start: int,
):
    """Time-respecting cycles of 3 to ``length_bound`` accounts: money leaves an account and
    comes back to it hop by hop, each hop at or after the one before, all within ``win``
    seconds of the first.

    ``adj`` maps an account to the accounts it paid (sorted), ``pair`` an ordered pair to its
    transfer times (sorted seconds). Accounts are tried as the money's origin lightest first
    (fewest in times out neighbours), each first transfer in turn, always taking the earliest
    next transfer (which keeps every later hop possible); a search from one origin stops after
    ``steps_per_start`` hops followed and the whole search after ``max_steps`` or
    ``max_cycles`` cycles, so a dense scheme graph costs bounded time and cannot starve the
    sparse rest of the graph. Each cycle is yielded once, starting at its smallest account.

    >>> adj = {"a": ["b"], "b": ["c"], "c": ["a", "b"]}
    >>> pair = {("a", "b"): [0], ("b", "c"): [10], ("c", "a"): [20], ("c", "b"): [5]}
    >>> list(_money_cycles(adj, pair, 6, 100, 10, 1000, 100))
    [('a', 'b', 'c')]
    >>> list(_money_cycles(adj, pair, 6, 15, 10, 1000, 100))  # back after 20 s: too late
    []
    """
    indeg: dict = {}
    for vs in adj.values():
        for v in vs:
            indeg[v] = indeg.get(v, 0) + 1
    origins = sorted(adj, key=lambda a: (len(adj[a]) * indeg.get(a, 0), a))
    seen: set = set()
    steps = 0
    for s in origins:
        budget = steps_per_start
        for v0 in adj[s]:
            for t0 in pair[(s, v0)]:
                # depth-first over (account, arrival time); path holds the accounts so far
                path, on_path = [s, v0], {s, v0}
                stack = [(iter(adj.get(v0, ())), t0)]
                while stack and budget > 0:
                    it, t = stack[-1]
                    nxt = next(it, None)
                    if nxt is None:
                        stack.pop()
                        on_path.discard(path.pop())
                        continue
                    budget -= 1
                    steps += 1
                    if steps > max_steps:
                        return
                    ts = pair[(path[-1], nxt)]
                    i = bisect.bisect_left(ts, t)
                    if i == len(ts) or ts[i] - t0 > win:
                        continue
                    if nxt == s:
                        if len(path) >= 3:
                            j = path.index(min(path))
                            norm = tuple(path[j:] + path[:j])
                            if norm not in seen:
                                seen.add(norm)
                                yield norm
                                if len(seen) >= max_cycles:
                                    return
                        continue
                    if nxt in on_path or len(path) >= length_bound or nxt not in adj:
                        continue
                    path.append(nxt)
                    on_path.add(nxt)
                    stack.append((iter(adj[nxt]), ts[i]))
                if budget <= 0:
                    break
            if budget <= 0:
                break


def time_cycles(
    edges: pd.DataFrame,
    rules: SchemeRules,
    max_cycles: int = 5000,
    max_steps: int = 2_000_000,
    steps_per_start: int = 20_000,
) -> list[list[str]]:
    """Money cycles (资金闭环) of three to ``cycle_max_length`` accounts whose transfers
    follow one another in time within ``cycle_window_days`` (AMLSim ``cycle``).

    The search follows the money (see :func:`_money_cycles` for its bounds), so a long
    cycle through quiet accounts is found however dense the scheme around it is.

    Examples
    --------
    >>> t0 = pd.Timestamp("2022-01-01")
    >>> e = pd.DataFrame({"src": ["a", "b", "c"], "dst": ["b", "c", "a"], "amount": 1,
    ...     "t": [t0, t0 + pd.Timedelta(hours=1), t0 + pd.Timedelta(hours=2)]})
    >>> time_cycles(e, SchemeRules())
    [['a', 'b', 'c']]
    """
    if edges.empty:
        return []
    e = edges.sort_values(["src", "dst", "t"], kind="stable")
    secs = (e["t"].to_numpy(dtype="datetime64[s]").astype(np.int64)).tolist()
    keys = list(zip(e["src"].to_numpy(), e["dst"].to_numpy(), strict=True))
    # each ordered pair's transfer times, sorted (one slice of the sorted table per pair)
    pair: dict[tuple, list[int]] = {}
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            pair[keys[start]] = secs[start:i]
            start = i
    # only accounts in a strongly connected group of three or more can be on such a cycle
    G = nx.DiGraph()
    G.add_edges_from(sorted(pair))
    keep = [c for c in nx.strongly_connected_components(G) if len(c) >= 3]
    on_cycle = set().union(*keep) if keep else set()
    adj: dict = {}
    for u, v in sorted(pair):
        if u in on_cycle and v in on_cycle:
            adj.setdefault(u, []).append(v)
    win = int(rules.cycle_window_days * 86400)
    found = _money_cycles(
        adj, pair, rules.cycle_max_length, win, max_cycles, max_steps, steps_per_start
    )
    return sorted(list(c) for c in found)
