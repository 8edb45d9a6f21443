"""Abnormal accounts with every reason (预警名单), and the user's watchlist."""

from __future__ import annotations

import io
import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import InputError
from ..i18n import t
from ..schema import ALERTS
from ..tables import conform, empty_frame
from .features import WAN, encode_accounts, is_company_name

__all__ = [
    "ALERT_CODES",
    "ALERT_WEIGHTS",
    "NAME_KEYWORDS",
    "REPORTING_LIMITS",
    "read_watchlist",
    "fund_cycles",
    "account_alerts",
]

#: Stable alert codes, in display order.
ALERT_CODES = (
    "scheme_role",
    "fast_in_fast_out",
    "cycle",
    "fan_in",
    "fan_out",
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
    reads those columns; otherwise every non-empty line (first cell) is one entry matched
    against names, holder ids and accounts alike.

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
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(key="error.watchlist.unreadable", path=str(p), detail=str(exc.strerror or exc)) from exc
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
                rows.append((kind, str(v).strip()))
    else:
        for ln in lines:
            rows.append(("any", (ln.split(sep)[0] if sep else ln).strip().strip('"')))
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
    lang: str = "zh",
    fan_in_min: int = 10,
    fan_out_min: int = 10,
    fast_hours: float = 48.0,
    fast_min_amount: int = 50 * WAN,
    structuring_band: float = 0.9,
    structuring_min: int = 3,
    round_min: int = 10,
    round_share: float = 0.5,
    night_min: int = 5,
    night_share: float = 0.3,
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
    lang : {"zh", "en"}
        Language of ``reasons``.
    fan_in_min, fan_out_min : int
        Distinct investment payers / natural-person receivers that raise ``fan_in`` /
        ``fan_out`` (an employer's steady payroll does not).
    fast_hours, fast_min_amount : float, int
        ``fast_in_fast_out``: median dwell at most ``fast_hours``, at least
        ``fast_min_amount`` cents in, out within 20 % of in.
    structuring_band, structuring_min : float, int
        ``structuring``: at least ``structuring_min`` amounts in ``[band*limit, limit)`` of a
        reporting limit (cash 5万, person 50万, company 200万).
    round_min, round_share : int, float
        ``round_amounts``: at least ``round_min`` transfers of whole 万元 making up at least
        ``round_share`` of the account's transfers.
    night_min, night_share : int, float
        ``night_activity``: transfers between 00:00 and 06:00 (exact midnight is a date
        without time and is ignored).

    Returns
    -------
    DataFrame
        :data:`fundgraph.schema.ALERTS`, sorted by score desc then account.

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
    codes: dict[str, list[tuple[str, str]]] = {}

    def add(acct_index, code, texts):
        for acct, txt in zip(acct_index, texts, strict=False):
            codes.setdefault(acct, []).append((code, txt))

    role = a["role"].fillna("other")
    sch = role.isin(list(_ROLE_WEIGHTS))
    add(
        idx[sch],
        "scheme_role",
        [t("alert.scheme_role", lang, role=t(f"role.{r}", lang)) for r in role[sch]],
    )

    if "median_dwell_hours" in a:
        dw = a["median_dwell_hours"]
        ratio = a["out_amount"] / a["in_amount"].where(a["in_amount"] > 0)
        m = (dw <= fast_hours) & (a["in_amount"] >= fast_min_amount) & ratio.between(0.8, 1.2)
        m = m.fillna(False).astype(bool)
        add(
            idx[m],
            "fast_in_fast_out",
            [
                t("alert.fast_in_fast_out", lang, hours=f"{h:.1f}", share=f"{100 * r:.0f}")
                for h, r in zip(dw[m], ratio[m], strict=False)
            ],
        )

    payers = a["distinct_payers"] if "distinct_payers" in a else a["in_degree"]
    m = payers >= fan_in_min
    add(idx[m], "fan_in", [t("alert.fan_in", lang, n=int(v)) for v in payers[m]])
    # per-account counts over the transfers, on integer codes
    nodes, s_all, d_all = encode_accounts(transfers)
    n = len(nodes)
    pos = nodes.get_indexer(idx)

    def per_account(values: np.ndarray) -> pd.Series:
        v = np.zeros(len(idx)) if n == 0 else np.where(pos >= 0, values[np.maximum(pos, 0)], 0)
        return pd.Series(v, index=idx)

    company = is_company_name(a["holder_name"])
    comp_node = np.zeros(n, dtype=bool)
    comp_node[pos[pos >= 0]] = company.to_numpy()[pos >= 0]
    amount = transfers["amount"].to_numpy(np.int64)
    both_ok = (s_all >= 0) & (d_all >= 0)

    # fan-out to natural persons (paying many shops or suppliers is everyday spending)
    pm = both_ok & ~comp_node[np.maximum(d_all, 0)]
    pairs = np.unique(s_all[pm] * max(n, 1) + d_all[pm])
    fo = per_account(np.bincount(pairs // max(n, 1), minlength=n) if len(pairs) else np.zeros(n))
    payroll = a["payroll"] if "payroll" in a else pd.Series(False, index=idx)
    m = (fo >= fan_out_min) & (~payroll.astype(bool) | sch)
    add(idx[m], "fan_out", [t("alert.fan_out", lang, n=int(v)) for v in fo[m]])
    strong = set(idx[sch]) | set(idx[(payers >= fan_in_min)]) | set(idx[m])

    # structuring just below the large-transaction reporting limits
    cash = (s_all < 0) | (d_all < 0)
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
    add(idx[m], "structuring", [t("alert.structuring", lang, n=int(v)) for v in st[m]])

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
            t("alert.round_amounts", lang, n=int(k), share=f"{100 * k / s_:.0f}")
            for k, s_ in zip(rnd_a[m], tot_a[m], strict=True)
        ],
    )
    m = (night_a >= night_min) & (night_a >= night_share * tot_a)
    add(
        idx[m],
        "night_activity",
        [
            t("alert.night_activity", lang, n=int(k), share=f"{100 * k / s_:.0f}")
            for k, s_ in zip(night_a[m], tot_a[m], strict=True)
        ],
    )

    names = a["holder_name"].fillna("").astype(str)
    word = pd.Series("", index=idx)
    for w in reversed(NAME_KEYWORDS):  # most specific wins
        word = word.where(~names.str.contains(w, regex=False), w)
    m = word != ""
    add(idx[m], "keyword_name", [t("alert.keyword_name", lang, word=w) for w in word[m]])

    if watchlist is not None and len(watchlist):
        hit = _watch_hits(a, watchlist)
        add(hit.index, "watchlist", [t("alert.watchlist", lang, entry=v) for v in hit])

    # cycles among the suspicious accounts only (bounded search)
    strong |= {
        k
        for k, v in codes.items()
        if any(c in ("fast_in_fast_out", "keyword_name", "watchlist") for c, _ in v)
    }
    cand = sorted(strong)
    if cand:
        if G is None:
            from ..graph import flow_graph

            sub = transfers[transfers["src"].isin(cand) & transfers["dst"].isin(cand)]
            G = flow_graph(sub)
        order = a.loc[[c for c in cand if c in a.index]]
        if "pagerank" in order:
            order = order.sort_values(["pagerank", "account"], ascending=[False, True])
        cyc = fund_cycles(G, list(order["account"]))
        for acct in sorted(cyc):
            peers = sorted(cyc[acct])
            shown = "、".join(peers[:5]) + ("…" if len(peers) > 5 else "")
            add([acct], "cycle", [t("alert.cycle", lang, n=len(peers), peers=shown)])

    if not codes:
        return empty_frame(ALERTS)
    rows = []
    for acct, items in codes.items():
        items = sorted(items, key=lambda x: ALERT_CODES.index(x[0]))
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
                "\n".join(x for _, x in items),
            )
        )
    out = pd.DataFrame(rows, columns=["account", "holder_name", "score", "codes", "reasons"])
    out = out.sort_values(["score", "account"], ascending=[False, True], kind="stable")
    return conform(out, ALERTS)


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
