"""The canonical tables that flow between fundgraph's stages.

Every stage takes and returns plain pandas DataFrames with the columns listed here, so a
stage can be changed without touching the others. Money is always ``int64`` cents;
times are naive local ``datetime64[ns]`` (bank statements carry no zone).

``TRANSACTIONS``
    One accepted statement row: one account's side of one transaction.
``REJECTS``
    One statement row (or a whole unreadable file) that was not accepted, with a reason.
``TRANSFERS``
    One distinct movement of money. ``src``/``dst`` are canonical account ids; the empty
    string stands for no account: cash (a deposit has ``src == ""``, a withdrawal
    ``dst == ""``) or a counterparty the statement does not name; ``counterparty_kind``
    says which (:func:`is_cash`, :func:`is_unknown`).
``ACCOUNTS``, ``PARTICIPANTS``
    Per-account and per-participant results of the analysis.
"""

from __future__ import annotations

__all__ = [
    "CASH",
    "TRANSACTIONS",
    "REJECTS",
    "TRANSFERS",
    "ACCOUNTS",
    "PARTICIPANTS",
    "ALERTS",
    "WARNINGS",
    "FILES",
    "ROLES",
    "is_cash",
    "is_unknown",
]

#: Placeholder used in ``src``/``dst`` for cash or an unknown counterparty (no account);
#: ``counterparty_kind`` says which.
CASH = ""


def is_cash(transfers):
    """Per transfer: True where the missing counterparty is cash (the statement says so).

    A transfer with an empty ``src`` or ``dst`` is cash unless ``counterparty_kind`` is
    ``"unknown"`` (the statement did not name the counterparty and did not say cash).
    Tables without a ``counterparty_kind`` column (written by hand, or before the column
    existed) count every empty side as cash.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"src": ["a", "", "b"], "dst": ["", "a", "a"],
    ...     "counterparty_kind": ["cash", "unknown", "account"]})
    >>> is_cash(t).tolist()
    [True, False, False]
    """
    empty = _empty_side(transfers)
    if "counterparty_kind" not in transfers:
        return empty
    return empty & (transfers["counterparty_kind"].to_numpy(dtype=object) != "unknown")


def is_unknown(transfers):
    """Per transfer: True where a side is empty and the counterparty is not cash.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"src": ["a", ""], "dst": ["", "a"], "counterparty_kind": ["cash", "unknown"]})
    >>> is_unknown(t).tolist()
    [False, True]
    """
    return _empty_side(transfers) & ~is_cash(transfers)


def _empty_side(transfers):
    src = transfers["src"].fillna(CASH).to_numpy(dtype=object)
    dst = transfers["dst"].fillna(CASH).to_numpy(dtype=object)
    return (src == CASH) | (dst == CASH)


#: Roles an account can take (docs/case-folder.md, "Roles"), in the order used for display.
ROLES = ("core", "collector", "transit", "participant", "beneficiary", "other")

# column -> dtype ("str", "int64" cents/counts, "Int64" nullable, "datetime", "float", "bool")
TRANSACTIONS = {
    "source_file": "str",  # path relative to the PATH given on the command line
    "source_sheet": "str",  # sheet name for workbooks, "" for text files
    "source_row": "int64",  # row number as a spreadsheet numbers it (1-based)
    "account": "str",  # canonical id of the statement's own account
    "account_raw": "str",  # as printed on the row
    "holder_name": "str",
    "holder_id": "str",
    "time": "datetime",
    "direction": "str",  # "in" or "out"
    "amount": "int64",  # cents, > 0
    "balance": "Int64",  # cents after the transaction, <NA> when not shown
    "counterparty": "str",  # canonical id, "" for cash / not shown
    "counterparty_kind": "str",  # "account", "cash" (the statement says so) or "unknown"
    "counterparty_name": "str",
    "counterparty_id": "str",
    "counterparty_bank": "str",
    "memo": "str",
    "channel": "str",
    "reference": "str",
    "branch": "str",
    "currency": "str",
    "extra": "str",  # JSON object of the columns fundgraph does not interpret
}

REJECTS = {
    "source_file": "str",
    "source_sheet": "str",
    "source_row": "Int64",  # <NA> when the whole file was rejected
    "code": "str",  # stable machine code, e.g. "unknown_direction"
    "reason": "str",  # human text (language of the run)
    "raw": "str",  # the row's cells joined by " | "
}

TRANSFERS = {
    "transfer_id": "int64",  # 0..n-1 in (time, src, dst, amount) order
    "src": "str",
    "dst": "str",
    "amount": "int64",
    "currency": "str",  # ISO code as the statement gives it ("" where it does not say)
    "counterparty_kind": "str",  # "account"; "cash" or "unknown" where src or dst is empty
    "time": "datetime",
    "memo": "str",
    "channel": "str",
    "src_name": "str",
    "dst_name": "str",
    "src_id": "str",  # holder id of src where any statement shows it
    "dst_id": "str",
    "seen": "str",  # "both", "src" (only in the sender's statement) or "dst"
    "sources": "str",  # "file:row" of every statement row that reported it, ";"-joined
}

ACCOUNTS = {
    "account": "str",
    "aliases": "str",  # ";"-joined other numbers of the same account
    "holder_name": "str",
    "holder_id": "str",
    "obtained": "bool",  # a statement of this account was read
    "role": "str",  # one of ROLES
    "level": "Int64",  # hops from the core of its structure, <NA> outside structures
    "structure": "Int64",  # id of its collection structure
    "community": "Int64",
    "pagerank": "float",
    "betweenness": "float",
    "in_amount": "int64",
    "out_amount": "int64",
    "in_count": "int64",
    "out_count": "int64",
    "in_degree": "int64",  # distinct senders
    "out_degree": "int64",  # distinct receivers
    "cash_in": "int64",  # cash deposits (the statement says cash)
    "cash_out": "int64",
    "unknown_in": "int64",  # money from a counterparty the statement does not name
    "unknown_out": "int64",
    "first_time": "datetime",
    "last_time": "datetime",
    "alert_score": "float",
}

PARTICIPANTS = {
    "account": "str",
    "holder_name": "str",
    "holder_id": "str",
    "person": "str",  # holder id where known, else the account
    "structure": "Int64",
    "paid_in": "int64",
    "received_back": "int64",
    "net_loss": "int64",
    "first_paid": "datetime",
    "last_paid": "datetime",
    "deposits": "int64",  # number of investment transfers
}

ALERTS = {
    "account": "str",
    "holder_name": "str",
    "score": "float",
    "codes": "str",  # ";"-joined stable codes
    "reasons": "str",  # human text, one reason per line
}

WARNINGS = {
    "code": "str",  # e.g. "balance_break"
    "account": "str",
    "source_file": "str",
    "source_row": "Int64",
    "detail": "str",
}

FILES = {
    "source_file": "str",
    "source_sheet": "str",
    "layout": "str",  # short description of what was recognised
    "encoding": "str",
    "rows_read": "int64",
    "rows_accepted": "int64",
    "rows_rejected": "int64",
    "account_source": "str",  # column, title, footer, file_name, layout or derived
    "direction_rule": "str",  # flag, debit/credit, sign, words, balance; "none": no direction info
    "date_order": "str",  # dmy / mdy for dd/mm/yyyy-style dates ("dmy?": ambiguous)
    "status_values": "str",  # "value:count;…" of the status column
    "currencies": "str",  # "code:rows;…" of the accepted rows
}
