"""What the analysis finds, as typed objects: every stage that produces one returns it,
every page, table and export reads it by attribute.

Money is integer cents inside these objects, as everywhere in memory; ``to_dict`` gives the
form the case folder writes (yuan as :class:`~decimal.Decimal`, in the same keys and order
as the files of docs/case-folder.md) and ``from_dict`` reads that form back.

========================  ================================================================
:class:`Structure`        one collection structure (``structures.json``)
:class:`TimelineFacts`    the dates and shares of the timeline (``timeline.json``)
========================  ================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from .money import cents, yuan_decimal

__all__ = [
    "Structure",
    "TimelineFacts",
    "PayoutsExceedDeposits",
    "LastDeposit",
    "CollapseDate",
    "FundedByLater",
]


def _accounts(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


@dataclass(frozen=True)
class Structure:
    """One collection structure found by :func:`fundgraph.analysis.find_structures`.

    Attributes
    ----------
    id : int
        Structure number, 0 for the one that absorbed most.
    kind : {"ponzi", "pyramid", "fraud"}
        Which rule found it (docs/method.md).
    core : tuple of str
        The core accounts (level 0), sorted.
    collectors : dict of int to tuple of str
        The collectors by level (hops from the core), levels ascending, accounts sorted.
    transit, beneficiaries : tuple of str
        The transit accounts and the beneficiaries of the structure, sorted.
    participant_accounts, participant_persons : int
        Participants who paid into it: accounts, and persons counted by holder id.
    absorbed : int
        Cents paid into it by its participants.
    max_level : int
        Largest level of its accounts.
    depth : int
        Levels including the core's (``max_level + 1``).
    evidence : dict
        What kept it: the figures of its rule (``payers``, ``looped_payers`` ...), keys sorted.

    Examples
    --------
    >>> s = Structure(id=0, kind="ponzi", core=("c",), collectors={1: ("a", "b")},
    ...     participant_accounts=2, participant_persons=2, absorbed=1_000_00, max_level=2,
    ...     depth=3, evidence={"payers": 2})
    >>> d = s.to_dict()
    >>> d["collectors"], d["absorbed"]
    ({'1': ['a', 'b']}, Decimal('1000.00'))
    >>> Structure.from_dict(d) == s
    True
    """

    id: int
    kind: str
    core: tuple[str, ...] = ()
    collectors: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    transit: tuple[str, ...] = ()
    beneficiaries: tuple[str, ...] = ()
    participant_accounts: int = 0
    participant_persons: int = 0
    absorbed: int = 0
    max_level: int = 0
    depth: int = 1
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The entry of ``structures.json``: account lists, levels as text keys, yuan."""
        return {
            "id": self.id,
            "kind": self.kind,
            "core": list(self.core),
            "collectors": {str(lv): list(accs) for lv, accs in self.collectors.items()},
            "transit": list(self.transit),
            "beneficiaries": list(self.beneficiaries),
            "participant_accounts": self.participant_accounts,
            "participant_persons": self.participant_persons,
            "absorbed": yuan_decimal(self.absorbed),
            "max_level": self.max_level,
            "depth": self.depth,
            "evidence": dict(self.evidence),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Structure:
        """Read an entry of ``structures.json`` (as :meth:`to_dict` writes it).

        Raises
        ------
        KeyError, TypeError, ValueError
            When a field is missing or not of its kind.
        """
        absorbed = d["absorbed"]
        if isinstance(absorbed, bool) or not isinstance(absorbed, (int, Decimal)):
            raise TypeError(f"absorbed: not a yuan amount: {absorbed!r}")
        collectors = d["collectors"]
        evidence = d["evidence"]
        if not isinstance(collectors, Mapping) or not isinstance(evidence, Mapping):
            raise TypeError("collectors and evidence must be objects")
        return cls(
            id=_int(d["id"]),
            kind=str(d["kind"]),
            core=_accounts(d["core"]),
            collectors={int(lv): _accounts(accs) for lv, accs in collectors.items()},
            transit=_accounts(d["transit"]),
            beneficiaries=_accounts(d["beneficiaries"]),
            participant_accounts=_int(d["participant_accounts"]),
            participant_persons=_int(d["participant_persons"]),
            absorbed=cents(absorbed),
            max_level=_int(d["max_level"]),
            depth=_int(d["depth"]),
            evidence=dict(evidence),
        )


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"not a whole number: {v!r}")
    return v


def _ids(values: Any) -> tuple[int, ...]:
    return tuple(_int(v) for v in values)


@dataclass(frozen=True)
class PayoutsExceedDeposits:
    """The first period from which returns paid mostly exceed new deposits.

    Attributes
    ----------
    period : str
        The period (``2022-03`` by month).
    returns_out, deposits_in : int
        Cents returned to and deposited by participants in that period.
    share_of_later_periods : float
        Share of the periods from it to the last active one in which returns exceed deposits.
    transfer_ids : tuple of int
        The period's returns and deposits, sorted.
    """

    period: str
    returns_out: int
    deposits_in: int
    share_of_later_periods: float
    transfer_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "returns_out": self.returns_out,
            "deposits_in": self.deposits_in,
            "share_of_later_periods": self.share_of_later_periods,
            "transfer_ids": list(self.transfer_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PayoutsExceedDeposits:
        return cls(
            period=str(d["period"]),
            returns_out=_int(d["returns_out"]),
            deposits_in=_int(d["deposits_in"]),
            share_of_later_periods=float(d["share_of_later_periods"]),
            transfer_ids=_ids(d["transfer_ids"]),
        )


@dataclass(frozen=True)
class LastDeposit:
    """The last deposit by a participant.

    Attributes
    ----------
    time : Timestamp
        When it was made.
    date : str
        Its day, ``YYYY-MM-DD``.
    account : str
        The participant's account.
    amount : int
        Cents.
    transfer_id : int
        The transfer.
    transfer_ids : tuple of int
        ``(transfer_id,)``.
    """

    time: pd.Timestamp
    date: str
    account: str
    amount: int
    transfer_id: int
    transfer_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "date": self.date,
            "account": self.account,
            "amount": self.amount,
            "transfer_id": self.transfer_id,
            "transfer_ids": list(self.transfer_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LastDeposit:
        return cls(
            time=pd.Timestamp(d["time"]),
            date=str(d["date"]),
            account=str(d["account"]),
            amount=_int(d["amount"]),
            transfer_id=_int(d["transfer_id"]),
            transfer_ids=_ids(d["transfer_ids"]),
        )


@dataclass(frozen=True)
class CollapseDate:
    """The day of the last return paid to a participant: the collapse.

    Attributes
    ----------
    date : str
        ``YYYY-MM-DD``.
    time : Timestamp
        When that last return was paid.
    transfer_ids : tuple of int
        The returns paid on that day, sorted.
    days_after_last_deposit : int or None
        Days from the last deposit's day; None when there was no deposit.
    """

    date: str
    time: pd.Timestamp
    transfer_ids: tuple[int, ...]
    days_after_last_deposit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "date": self.date,
            "time": self.time,
            "transfer_ids": list(self.transfer_ids),
        }
        if self.days_after_last_deposit is not None:
            out["days_after_last_deposit"] = self.days_after_last_deposit
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CollapseDate:
        days = d.get("days_after_last_deposit")
        return cls(
            date=str(d["date"]),
            time=pd.Timestamp(d["time"]),
            transfer_ids=_ids(d["transfer_ids"]),
            days_after_last_deposit=None if days is None else _int(days),
        )


@dataclass(frozen=True)
class FundedByLater:
    """How much of the returns was paid with later participants' money.

    Attributes
    ----------
    share : float
        ``funded_by_later / returns`` (0 when nothing was returned).
    funded_by_later, returns : int
        Cents of the returns traced to later deposits of other persons; cents returned.
    method : str
        The tracing rule (``fifo``, ``lifo``, ``proportional``, ``libr``).
    transfer_ids : tuple of int
        The returns with such a part, sorted.
    """

    share: float
    funded_by_later: int
    returns: int
    method: str
    transfer_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "funded_by_later": self.funded_by_later,
            "returns": self.returns,
            "method": self.method,
            "transfer_ids": list(self.transfer_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FundedByLater:
        return cls(
            share=float(d["share"]),
            funded_by_later=_int(d["funded_by_later"]),
            returns=_int(d["returns"]),
            method=str(d["method"]),
            transfer_ids=_ids(d["transfer_ids"]),
        )


@dataclass(frozen=True)
class TimelineFacts:
    """The dates and shares that show how a scheme ran
    (:func:`fundgraph.analysis.timeline.timeline_facts`); each is None when the data do
    not show it.

    Attributes
    ----------
    payouts_exceed_deposits : PayoutsExceedDeposits or None
    last_deposit : LastDeposit or None
    collapse_date : CollapseDate or None
    returns_funded_by_later_deposits_share : FundedByLater or None

    Examples
    --------
    >>> f = TimelineFacts(collapse_date=CollapseDate("2022-03-01",
    ...     pd.Timestamp("2022-03-01 09:00"), (7,)))
    >>> f.to_dict()["collapse_date"]["transfer_ids"], f.to_dict()["last_deposit"]
    ([7], None)
    >>> TimelineFacts.from_dict(f.to_dict()) == f
    True
    """

    payouts_exceed_deposits: PayoutsExceedDeposits | None = None
    last_deposit: LastDeposit | None = None
    collapse_date: CollapseDate | None = None
    returns_funded_by_later_deposits_share: FundedByLater | None = None

    def to_dict(self) -> dict[str, Any]:
        """The facts as plain values (cents, timestamps), in the order of ``timeline.json``."""
        return {
            "payouts_exceed_deposits": _maybe_dict(self.payouts_exceed_deposits),
            "last_deposit": _maybe_dict(self.last_deposit),
            "collapse_date": _maybe_dict(self.collapse_date),
            "returns_funded_by_later_deposits_share": _maybe_dict(
                self.returns_funded_by_later_deposits_share
            ),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TimelineFacts:
        """Read what :meth:`to_dict` gives (a missing fact reads as None).

        Raises
        ------
        KeyError, TypeError, ValueError
            When a fact lacks a field or a field is not of its kind.
        """

        def fact(name: str, kind: Any) -> Any:
            v = d.get(name)
            if v is None:
                return None
            if not isinstance(v, Mapping):
                raise TypeError(f"{name}: not an object")
            return kind.from_dict(v)

        return cls(
            payouts_exceed_deposits=fact("payouts_exceed_deposits", PayoutsExceedDeposits),
            last_deposit=fact("last_deposit", LastDeposit),
            collapse_date=fact("collapse_date", CollapseDate),
            returns_funded_by_later_deposits_share=fact(
                "returns_funded_by_later_deposits_share", FundedByLater
            ),
        )


def _maybe_dict(fact: Any) -> dict[str, Any] | None:
    return None if fact is None else fact.to_dict()
