"""Writing an analysed case into the graph: everything prepared first, then sent batch
by batch (docs/neo4j.md)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import schema as S
from ..case import Case, file_table, load_case
from ..errors import StoreError
from ..tables import dumps_json
from .cases import Progress, _delete_in
from .codec import _json_value, _layout, _Rows, _rows, _table_json
from .connection import _ensure_schema, _open, _Store, mask_uri
from .cypher import (
    _CASE_TABLES,
    _HEADLINE,
    _Q_ACCOUNTS,
    _Q_ACCOUNTS_NEW,
    _Q_CASE_BEGIN,
    _Q_CASE_DATA,
    _Q_CASE_EXISTS,
    _Q_CASE_FINISH,
    _Q_CASE_HELD,
    _Q_CASH,
    _Q_COUNTS,
    _Q_ENDPOINTS,
    _Q_HOLDS,
    _Q_PARTICIPANTS,
    _Q_PERSONS,
    _Q_TRANSFER,
    _Q_TRANSFER_NEW,
    _Q_UNKNOWN,
    _TRANSFER_ENDS,
    MODEL_VERSION,
)

__all__ = ["push_case"]

log = logging.getLogger("fundgraph.store")


def _batches(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def push_case(
    case_or_dir: Case | str | os.PathLike,
    case_name: str,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 5000,
    replace: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write an analysed case into Neo4j under the name ``case_name``.

    Parameters
    ----------
    case_or_dir : Case or path
        The case, or a case folder written by ``fundgraph analyze``.
    case_name : str
        Name of the case in the database (the ``case`` property of everything pushed).
    uri, user, password, database : str, optional
        Connection; each falls back to ``NEO4J_URI``, ``NEO4J_USERNAME`` (else
        ``"neo4j"``), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (else the server default).
    batch_size : int
        Rows per transaction (each batch is one ``UNWIND`` in a managed transaction,
        retried by the driver on transient errors).
    replace : bool
        Delete what the database holds for ``case_name`` first (in batches); other
        cases are never touched.
    progress : callable, optional
        ``progress(stage, done, total)`` after every batch.

    Returns
    -------
    dict
        Counts in the database after the push: ``accounts``, ``participants``,
        ``persons``, ``holds``, ``transfers``, ``cash``.

    Raises
    ------
    StoreError
        If the server cannot be reached, refuses the login or the database is missing;
        for an empty ``case_name``, a ``batch_size`` below 1, a URI that is not Bolt
        (``neo4j://``, ``bolt://`` and their ``+s``/``+ssc`` forms) or no password; and
        if ``case_name`` already holds another analysis and ``replace`` is not set.
    CaseError
        ``case_or_dir`` is a folder that does not hold a complete, readable case.

    See Also
    --------
    pull_case : the case back into a folder.
    list_cases, delete_case : the cases a database holds.

    Notes
    -----
    Idempotent: nodes are merged on ``(case, account)``, transfers on
    ``(case, transfer_id)`` and every property map is replaced, so pushing the same case
    again, or again after an interrupted push, leaves the same graph. The ``:Case`` node
    says ``push_complete: false`` until the last batch is in.

    Examples
    --------
    The arguments are checked before the case is read or a server contacted:

    >>> push_case("case/", "")
    Traceback (most recent call last):
    fundgraph.errors.StoreError: a case name is required (--case NAME)
    >>> push_case("case/", "shanghai-2024", batch_size=0)
    Traceback (most recent call last):
    fundgraph.errors.StoreError: batch size must be at least 1, not 0

    With a server (``fundgraph.store.server.LocalServer`` starts one for tests):

    >>> push_case("out/", "shanghai-2024", uri="bolt://localhost:7687",
    ...           user="neo4j", password="...")                        # doctest: +SKIP
    {'accounts': 812, 'participants': 640, 'persons': 655, 'holds': 700, 'transfers': 12031, 'cash': 1}
    """
    if not isinstance(case_name, str) or not case_name.strip():
        raise StoreError("a case name is required (--case NAME)")
    if batch_size < 1:
        raise StoreError(f"batch size must be at least 1, not {batch_size}")
    case = case_or_dir if isinstance(case_or_dir, Case) else load_case(case_or_dir)
    plan = _plan(case, case_name)
    report = progress or (lambda stage, done, total: None)

    with _open(uri, user, password, database) as store:
        _ensure_schema(store)
        if replace:
            _delete_in(store, case_name, batch_size=batch_size, progress=report)
        else:
            _check_same_analysis(store, case_name, plan.content_hash)
        fresh = store.read(_Q_CASE_EXISTS, case=case_name)[0]["n"] == 0
        store.write(_Q_CASE_BEGIN, case=case_name, version=MODEL_VERSION, hash=plan.content_hash)
        store.write(_Q_CASH, case=case_name)
        store.write(_Q_UNKNOWN, case=case_name)

        def run(stage: str, parts: list[_Rows]) -> None:
            total = sum(len(p) for p in parts)
            done = 0
            report(stage, 0, total)
            for part in parts:
                statement = (
                    part.fresh_statement if fresh and part.fresh_statement else part.statement
                )
                for lo in range(0, len(part.rows), batch_size):
                    chunk = part.rows[lo : lo + batch_size]
                    store.write(statement, case=case_name, rows=chunk)
                    done += len(chunk)
                    report(stage, done, total)

        run("accounts", [plan.accounts])
        for lo in range(0, len(plan.endpoints), batch_size):
            store.write(_Q_ENDPOINTS, case=case_name, rows=plan.endpoints[lo : lo + batch_size])
        run("participants", [plan.participants])
        run("persons", [plan.persons, plan.holds])
        run("transfers", plan.transfers)
        store.write(_Q_CASE_FINISH, case=case_name, props=plan.case_props)
        counts = _counts(store, case_name)
    log.info("pushed case %r to %s: %s", case_name, mask_uri(store.settings.uri), counts)
    return counts


@dataclass
class _Plan:
    accounts: _Rows
    endpoints: list[str]
    participants: _Rows
    persons: _Rows
    holds: _Rows
    transfers: list[_Rows]
    case_props: dict[str, Any]
    content_hash: str = ""


def _check_same_analysis(store: _Store, name: str, content_hash: str) -> None:
    """Refuse, before anything is written, to merge a different analysis into case ``name``.

    The ``:Case`` node carries the hash of what was pushed (set when a push begins), so a
    re-run of the same push, or of an interrupted one, goes on; another case folder under
    the same name would mix two analyses and is refused.
    """
    held = store.read(_Q_CASE_HELD, case=name)[0]
    where = mask_uri(store.settings.uri)
    if int(held["cases"]) == 0:
        if int(store.read(_Q_CASE_DATA, case=name)[0]["n"]):
            raise StoreError(key="error.store.leftover_case", case=repr(name), where=where)
        return
    if held["hash"] != content_hash:
        raise StoreError(key="error.store.other_analysis", case=repr(name), where=where)


def _content_hash(parts: list[Any]) -> str:
    """SHA-256 of everything a push sends (the same case gives the same hash)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False, default=str).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _plan(case: Case, name: str) -> _Plan:
    """Every value to send, prepared before connecting (a bad case fails before any write)."""
    accounts = case.accounts.reset_index(drop=True)
    participants = case.participants.reset_index(drop=True)
    transfers = case.transfers.reset_index(drop=True)
    for table, df, key in (
        ("accounts", accounts, "account"),
        ("participants", participants, "account"),
        ("transfers", transfers, "transfer_id"),
    ):
        if key not in df.columns:
            raise StoreError(f"the {table} table has no {key!r} column")
        if df[key].duplicated().any():
            dup = df[key][df[key].duplicated()].iloc[0]
            raise StoreError(f"the {table} table has {key} {dup!r} twice")
    for col in ("src", "dst"):
        if col not in transfers.columns:
            raise StoreError(f"the transfers table has no {col!r} column")
    if (accounts["account"].astype(str) == S.CASH).any():
        raise StoreError("the accounts table has an empty account id")

    account_ids = [str(a) for a in accounts["account"].tolist()]
    acc_layout = _layout(accounts, "accounts", set(), "account")
    acc_rows = _rows(
        accounts,
        "accounts",
        acc_layout,
        (_Q_ACCOUNTS, _Q_ACCOUNTS_NEW),
        "a",
        {"key": account_ids},
        {"account"},
        {
            "case": [name] * len(accounts),
            "account": account_ids,
            "account_row": list(range(len(accounts))),
        },
    )

    taken = (set(accounts.columns) | set(S.ACCOUNTS)) - {"account"}
    par_layout = _layout(participants, "participants", taken, "account", prefix="participant_")
    par_ids = [str(a) for a in participants["account"].tolist()]
    par_rows = _rows(
        participants,
        "participants",
        par_layout,
        (_Q_PARTICIPANTS, None),
        "a",
        {"key": par_ids},
        {"account"},
        {
            "participant": [True] * len(participants),
            "participant_row": list(range(len(participants))),
        },
    )

    tr_layout = _layout(transfers, "transfers", set(), "transfer_id")
    src = np.array([str(v) for v in transfers["src"].tolist()], dtype=object)
    dst = np.array([str(v) for v in transfers["dst"].tolist()], dtype=object)
    # the node standing in for each side: an account, the case's cash or its unknown
    # counterparty
    unknown = S.is_unknown(transfers)
    s_end = np.where(src != S.CASH, "Account", np.where(unknown, "Unknown", "Cash"))
    d_end = np.where(dst != S.CASH, "Account", np.where(unknown, "Unknown", "Cash"))
    tr_parts = []
    for (s_label, d_label), ends in _TRANSFER_ENDS.items():
        mask = (s_end == s_label) & (d_end == d_label)
        if not mask.any():
            continue
        sub = transfers[mask].reset_index(drop=True)
        ids = [int(v) for v in sub["transfer_id"].tolist()]
        tr_parts.append(
            _rows(
                sub,
                "transfers",
                tr_layout,
                (_Q_TRANSFER.replace("{ends}", ends), _Q_TRANSFER_NEW.replace("{ends}", ends)),
                "t",
                {"key": ids, "src": src[mask].tolist(), "dst": dst[mask].tolist()},
                {"transfer_id", "src", "dst"},
                {"case": [name] * len(sub), "transfer_id": ids},
            )
        )

    known = set(account_ids)
    endpoints = sorted(({*src.tolist(), *dst.tolist(), *par_ids} - known) - {S.CASH})
    persons, holds = _persons(accounts, participants)

    summary = case.summary.to_dict(case.lang)
    case_props: dict[str, Any] = {
        "name": name,
        "case": name,
        "push_complete": True,
        "model_version": MODEL_VERSION,
        "lang": case.lang,
        "summary_json": dumps_json(summary),
        "structures_json": dumps_json([st.to_dict() for st in case.structures]),
        "columns_json": json.dumps(
            {"accounts": acc_layout, "participants": par_layout, "transfers": tr_layout},
            ensure_ascii=False,
        ),
        "structure_count": len(case.structures),
    }
    for attr, (prop, _schema) in _CASE_TABLES.items():
        df = file_table(case, attr)
        if attr == "communities" and df is not None and not len(df.columns):
            df = None
        case_props[prop] = _table_json(df)
    for key in _HEADLINE:
        if key in summary:
            value = _json_value(summary[key])
            if value is not None:
                case_props[key] = value
    content = {k: v for k, v in case_props.items() if k not in ("name", "case")}
    content_hash = _content_hash(
        [content, acc_rows.rows, endpoints, par_rows.rows, persons.rows, holds.rows]
        + [p.rows for p in tr_parts]
    )
    case_props["content_hash"] = content_hash
    return _Plan(acc_rows, endpoints, par_rows, persons, holds, tr_parts, case_props, content_hash)


def _persons(accounts: pd.DataFrame, participants: pd.DataFrame) -> tuple[_Rows, _Rows]:
    """One :Person per known holder id (with a name) and the accounts each holds."""
    names: dict[str, str] = {}
    held: set[tuple[str, str]] = set()
    for df in (accounts, participants):
        if "holder_id" not in df.columns:
            continue
        holder_names = df["holder_name"].tolist() if "holder_name" in df.columns else [""] * len(df)
        for account, holder, holder_name in zip(
            df["account"].tolist(), df["holder_id"].tolist(), holder_names, strict=True
        ):
            holder = "" if holder is None or holder != holder else str(holder).strip()
            if not holder:
                continue
            if not names.get(holder) and isinstance(holder_name, str) and holder_name:
                names[holder] = holder_name
            else:
                names.setdefault(holder, "")
            held.add((holder, str(account)))
    people = sorted(names)
    pairs = sorted(held)
    persons = _Rows(_Q_PERSONS, [{"key": p, "name": names[p]} for p in people])
    holds = _Rows(_Q_HOLDS, [{"key": p, "account": a} for p, a in pairs])
    return persons, holds


def _counts(store: _Store, name: str) -> dict[str, int]:
    return {key: int(store.read(q, case=name)[0]["n"]) for key, q in _Q_COUNTS}
