"""Reading a case back from the graph into a case folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .. import schema as S
from ..analysis.timeline import case_timeline
from ..case import Case, check_case_folder, finish_case, write_case_data
from ..errors import StoreError
from ..results import CaseSummary, Structure, read_alert_texts
from .codec import _frame_from_records, _loads_exact, _pull_fields, _table_from_json
from .connection import _open, mask_uri
from .cypher import (
    _CASE_TABLES,
    _Q_PULL_ACCOUNTS,
    _Q_PULL_CASE,
    _Q_PULL_PARTICIPANTS,
    _Q_PULL_TRANSFERS,
    MODEL_VERSION,
)

__all__ = ["pull_case"]


def pull_case(
    case_name: str,
    out_dir: str | os.PathLike,
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Path:
    """Read case ``case_name`` back from Neo4j and write it as a case folder.

    Writes the files of docs/case-folder.md that the case holds (``transfers.csv`` and
    ``.parquet``, ``accounts.csv``, ``participants.csv``, ``alerts.csv``, ...,
    ``structures.json``) and ``case.json`` last, equal to what was pushed. Rejected
    rows are not stored in the graph: ``rejects.csv`` comes back empty, their counts
    are in ``case.json``.

    Parameters
    ----------
    case_name : str
        The name the case was pushed under.
    out_dir : path
        The case folder to write: it may not exist yet, be empty, or hold a case (which
        is replaced); any other folder is refused before the database is contacted.
    uri, user, password, database : str, optional
        Connection; each falls back to ``NEO4J_URI``, ``NEO4J_USERNAME`` (else
        ``"neo4j"``), ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (else the server default),
        as for :func:`~fundgraph.store.push_case`.

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    StoreError
        If the database has no such case, its push never completed, or it was pushed by
        a newer fundgraph; as :func:`~fundgraph.store.push_case` for the connection.
    CaseError
        ``out_dir`` is a file, or a folder holding other files and no case.

    See Also
    --------
    push_case : the other way.
    fundgraph.case.load_case : reads the folder written.

    Examples
    --------
    The connection settings are checked before anything is read:

    >>> pull_case("shanghai-2024", "copy/", uri="http://localhost:7474")
    Traceback (most recent call last):
    fundgraph.errors.StoreError: cannot use the Neo4j URI http://localhost:7474: write neo4j://host:port or bolt://host:port (neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc)

    With a server: ``pull_case("shanghai-2024", "copy/", uri="bolt://localhost:7687",
    password=secret)`` writes ``copy/`` and returns its path.
    """
    check_case_folder(out_dir)  # a wrong -o fails before anything is read
    with _open(uri, user, password, database) as store:
        found = store.read(_Q_PULL_CASE, case=case_name)
        if not found:
            raise StoreError(
                f"no case {case_name!r} in Neo4j at {mask_uri(store.settings.uri)}"
                f" ({store.settings.database or 'default database'})"
            )
        meta = found[0]["p"]
        if not meta.get("push_complete"):
            raise StoreError(
                f"case {case_name!r} in Neo4j is incomplete (its push was interrupted): "
                "push it again"
            )
        if int(meta.get("model_version", 0)) > MODEL_VERSION:
            raise StoreError(
                f"case {case_name!r} was pushed by a newer fundgraph (model "
                f"{meta.get('model_version')}); upgrade fundgraph to pull it"
            )
        layouts = json.loads(meta["columns_json"])
        acc_fields, _ = _pull_fields("accounts", layouts["accounts"], "a", {"account"})
        par_fields, _ = _pull_fields("participants", layouts["participants"], "a", {"account"})
        tr_fields, _ = _pull_fields(
            "transfers", layouts["transfers"], "t", {"transfer_id", "src", "dst"}
        )
        accounts = store.read(_Q_PULL_ACCOUNTS.replace("{fields}", acc_fields), case=case_name)
        participants = store.read(
            _Q_PULL_PARTICIPANTS.replace("{fields}", par_fields), case=case_name
        )
        transfers = store.read(_Q_PULL_TRANSFERS.replace("{fields}", tr_fields), case=case_name)

    case = Case()
    case.lang = meta.get("lang") or "zh"
    case.summary = CaseSummary.from_dict(_loads_exact(meta["summary_json"]))
    case.structures = [Structure.from_dict(d) for d in _loads_exact(meta["structures_json"])]
    for records in (accounts, participants, transfers):
        records.sort(key=lambda r: r["row_"])
    case.accounts = _frame_from_records(
        "accounts", accounts, layouts["accounts"], {"account": [r["key_"] for r in accounts]}
    )
    case.participants = _frame_from_records(
        "participants",
        participants,
        layouts["participants"],
        {"account": [r["key_"] for r in participants]},
    )
    case.transfers = _frame_from_records(
        "transfers",
        transfers,
        layouts["transfers"],
        {
            "transfer_id": [r["row_"] for r in transfers],
            "src": [r["src_"] or S.CASH for r in transfers],
            "dst": [r["dst_"] or S.CASH for r in transfers],
        },
    )
    for attr, (prop, schema) in _CASE_TABLES.items():
        df = _table_from_json(meta.get(prop), schema)
        if df is not None:
            setattr(case, attr, read_alert_texts(df, case.lang) if attr == "alerts" else df)
    # the timeline is derived from the tables pulled: computed as the analysis did
    case.timeline = case_timeline(case)
    out = Path(out_dir)
    write_case_data(case, out)
    finish_case(case, out)
    return out
