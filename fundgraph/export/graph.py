"""The account graph for Gephi, Cytoscape and yEd: GraphML and GEXF through networkx's writers.

One node per account of the case (id = the account number, as text), one edge per ordered
pair of accounts that money moved between (all transfers between them aggregated; cash is
not a node, it is ``cash_in``/``cash_out`` on the account, and money from or to a
counterparty the statement does not name is ``unknown_in``/``unknown_out``).

Node attributes: ``label`` (holder name, else the account), ``account``, ``holder``,
``holder_id``, ``role`` (stable code: core, collector, transit, participant, beneficiary,
other), ``role_label`` (the same in the export's language), ``level``, ``structure`` and
``community`` (integers, left out where the account has none), ``pagerank``,
``alert_score``, ``obtained`` (its statement was read), ``in_amount``, ``out_amount``,
``cash_in``, ``cash_out``, ``unknown_in``, ``unknown_out`` (yuan), ``in_count``,
``out_count``.

Edge attributes: ``amount`` (yuan), ``weight`` (the same amount, which Gephi uses for edge
width and weighted metrics), ``count`` (transfers), ``first_time``, ``last_time``
(``YYYY-MM-DDTHH:MM:SS``, local time as the statements give it).

Amounts are **numbers** (GraphML ``double``, GEXF ``double``) in yuan: the double nearest
to the exact amount, written with the shortest decimal that reads back to it, so the text
in the file is the two-decimal amount itself (``1234.5`` for ¥1,234.50). Ranking, sizing
and filtering by amount work in Gephi as they should.

The same case gives the same bytes: nodes and edges are written in sorted order, and the
GEXF ``lastmodifieddate`` (which networkx sets to today) is fixed.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from ..case import Case
from ..graph import aggregate_edges
from ..i18n import check_lang
from ..schema import is_cash
from ..tables import atomic_write_bytes
from ._common import role_label, xml_safe, yuan_number

__all__ = ["account_graph", "write_graphml", "write_gexf", "GEXF_DATE"]

#: ``lastmodifieddate`` written into GEXF files (fixed, so outputs are identical).
GEXF_DATE = "2000-01-01"

_TIME = "%Y-%m-%dT%H:%M:%S"
_MONEY_ATTRS = ("in_amount", "out_amount", "cash_in", "cash_out", "unknown_in", "unknown_out")
_COUNT_ATTRS = ("in_count", "out_count")
_INT_ATTRS = ("level", "structure", "community")


def _plain_int(v: Any) -> int | None:
    if v is None or pd.isna(v):
        return None
    return int(v)


def _plain_float(v: Any) -> float | None:
    if v is None or pd.isna(v):
        return None
    return float(v)


def account_graph(case: Case, *, lang: str = "zh") -> nx.DiGraph:
    """The case's accounts and aggregated transfers as a :class:`networkx.DiGraph` whose
    attributes are plain ``str``/``int``/``float``/``bool`` values (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> from fundgraph.case import Case
    >>> case = Case()
    >>> case.transfers = pd.DataFrame({"src": ["A", "A", "B"], "dst": ["B", "B", ""],
    ...     "amount": [1000, 250, 99], "time": pd.to_datetime(["2022-01-01", "2022-02-01",
    ...     "2022-03-01"])})
    >>> G = account_graph(case, lang="en")
    >>> G.edges["A", "B"]["amount"], G.edges["A", "B"]["count"], G.nodes["B"]["cash_out"]
    (12.5, 2, 0.99)
    """
    check_lang(lang)
    G = nx.DiGraph()
    acc = case.accounts
    tr = case.transfers
    records: dict[str, dict[str, Any]] = {}
    if len(acc):
        for r in acc.to_dict("records"):
            records[str(r["account"])] = r
    # accounts that only appear in transfers still become nodes
    seen = set()
    if len(tr):
        seen = set(tr["src"].astype(str)) | set(tr["dst"].astype(str))
    seen.discard("")
    # per account, the money with no counterparty account (where accounts.csv lacks it)
    no_account: dict[str, dict[str, int]] = {}
    if len(tr):
        cash = is_cash(tr)
        for kind, mask in (("cash", cash), ("unknown", ~cash)):
            sub = tr[mask]
            no_account[f"{kind}_in"] = (
                sub[sub["src"] == ""].groupby("dst")["amount"].sum().astype("int64").to_dict()
            )
            no_account[f"{kind}_out"] = (
                sub[sub["dst"] == ""].groupby("src")["amount"].sum().astype("int64").to_dict()
            )
    for account in sorted(set(records) | seen):
        r = records.get(account, {})
        holder = xml_safe(r.get("holder_name", ""))
        role = xml_safe(r.get("role", "")) or "other"
        attrs: dict[str, Any] = {
            "label": holder or xml_safe(account),
            "account": xml_safe(account),
            "holder": holder,
            "holder_id": xml_safe(r.get("holder_id", "")),
            "role": role,
            "role_label": xml_safe(role_label(role, lang)),
            "obtained": bool(r.get("obtained", False))
            if not pd.isna(r.get("obtained", False))
            else False,
        }
        for name in _INT_ATTRS:
            v = _plain_int(r.get(name))
            if v is not None:
                attrs[name] = v
        for name in ("pagerank", "alert_score"):
            f = _plain_float(r.get(name))
            attrs[name] = 0.0 if f is None else f
        for name in _MONEY_ATTRS:
            c = _plain_int(r.get(name))
            if c is None:
                c = int(no_account.get(name, {}).get(account, 0))
            attrs[name] = yuan_number(c)
        for name in _COUNT_ATTRS:
            attrs[name] = _plain_int(r.get(name)) or 0
        G.add_node(xml_safe(account), **attrs)
    if len(tr):
        edges = aggregate_edges(tr)
        for e in edges.itertuples(index=False):
            amount = yuan_number(int(e.amount))
            G.add_edge(
                xml_safe(e.src),
                xml_safe(e.dst),
                amount=amount,
                weight=amount,
                count=int(e.count),
                first_time=pd.Timestamp(e.first_time).strftime(_TIME),
                last_time=pd.Timestamp(e.last_time).strftime(_TIME),
            )
    return G


def write_graphml(case: Case, out_path: str | os.PathLike, *, lang: str = "zh") -> Path:
    """Write the account graph as GraphML (``nx.write_graphml``), atomically.

    Returns
    -------
    Path
        The file written.
    """
    G = account_graph(case, lang=lang)
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    out = Path(out_path)
    atomic_write_bytes(out, buf.getvalue())
    return out


def write_gexf(case: Case, out_path: str | os.PathLike, *, lang: str = "zh") -> Path:
    """Write the account graph as GEXF 1.2 (``nx.write_gexf``), atomically, with a fixed
    ``lastmodifieddate`` (:data:`GEXF_DATE`) so the same case gives the same bytes.

    Returns
    -------
    Path
        The file written.
    """
    G = account_graph(case, lang=lang)
    buf = io.BytesIO()
    nx.write_gexf(G, buf, encoding="utf-8", prettyprint=True)
    data = re.sub(
        rb'lastmodifieddate="[^"]*"',
        f'lastmodifieddate="{GEXF_DATE}"'.encode(),
        buf.getvalue(),
        count=1,
    )
    out = Path(out_path)
    atomic_write_bytes(out, data)
    return out
