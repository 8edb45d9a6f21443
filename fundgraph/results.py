"""What the analysis finds, as typed objects: every stage that produces one returns it,
every page, table and export reads it by attribute.

Money is integer cents inside these objects, as everywhere in memory; ``to_dict`` gives the
form the case folder writes (yuan as :class:`~decimal.Decimal`, in the same keys and order
as the files of docs/case-folder.md) and ``from_dict`` reads that form back.

========================  ================================================================
:class:`Structure`        one collection structure (``structures.json``)
:class:`TimelineFacts`    the dates and shares of the timeline (``timeline.json``)
:class:`CaseSummary`      the case's figures (``case.json``), with its :class:`Threshold` s
:class:`Alert`            one reason an account is flagged (a line of ``alerts.csv``)
========================  ================================================================
"""

from __future__ import annotations

import dataclasses
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import pandas as pd

from .i18n import catalogue, t
from .money import cents, yuan_decimal

__all__ = [
    "Alert",
    "alert_texts",
    "read_alert_texts",
    "CaseSummary",
    "CurrencyTotal",
    "Threshold",
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
    """A whole number of a case file or of numpy (not a bool)."""
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise TypeError(f"not a whole number: {v!r}")
    return int(v)


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


def _money(v: Any) -> int:
    """Yuan of a case file (Decimal or int) as cents."""
    if isinstance(v, bool) or not isinstance(v, (int, Decimal)):
        raise TypeError(f"not a yuan amount: {v!r}")
    return cents(v)


@dataclass(frozen=True)
class Threshold:
    """One legal threshold tested against the case figures
    (:func:`fundgraph.analysis.evaluate_thresholds`).

    Its texts (the law, the clause, the note) are catalogue messages
    ``threshold.<key>.law|clause|note``, looked up in the language they are shown in.

    Attributes
    ----------
    key : str
        The threshold (``176_amount`` ...; :data:`fundgraph.analysis.THRESHOLDS`).
    metric : str
        The figure tested: ``total_absorbed``, ``direct_loss`` (cents),
        ``participant_persons`` or ``levels`` (counts).
    value, threshold : int
        The case's figure and the threshold, in cents for money, else counts.
    met : bool
        ``value >= threshold``.

    Examples
    --------
    >>> th = Threshold("176_persons", "participant_persons", 149, 150, False)
    >>> th.law("en")
    'Criminal Law art. 176: illegal absorption of public deposits'
    >>> d = th.to_dict("zh")
    >>> list(d)
    ['law', 'clause', 'metric', 'value', 'threshold', 'met', 'note']
    >>> Threshold.from_dict(d) == th
    True
    """

    key: str
    metric: str
    value: int
    threshold: int
    met: bool

    @property
    def money(self) -> bool:
        """Whether ``value`` and ``threshold`` are cents."""
        from .analysis.thresholds import MONEY_METRICS

        return self.metric in MONEY_METRICS

    def law(self, lang: str) -> str:
        return t(f"threshold.{self.key}.law", lang)

    def clause(self, lang: str) -> str:
        return t(f"threshold.{self.key}.clause", lang)

    def note(self, lang: str) -> str:
        return t(f"threshold.{self.key}.note", lang)

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The entry of ``case.json``: texts in ``lang``, money as yuan."""
        value: Decimal | int = yuan_decimal(self.value) if self.money else self.value
        threshold: Decimal | int = yuan_decimal(self.threshold) if self.money else self.threshold
        return {
            "law": self.law(lang),
            "clause": self.clause(lang),
            "metric": self.metric,
            "value": value,
            "threshold": threshold,
            "met": self.met,
            "note": self.note(lang),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Threshold:
        """Read an entry of ``case.json``: the threshold is the one of
        :data:`~fundgraph.analysis.THRESHOLDS` with its metric and figure (the texts are
        not read, they are the catalogue's).

        Raises
        ------
        KeyError, TypeError, ValueError
            When a field is missing or of the wrong kind, or no threshold has that metric
            and figure.
        """
        from .analysis.thresholds import MONEY_METRICS, THRESHOLDS

        metric = str(d["metric"])
        read = _money if metric in MONEY_METRICS else _int
        value, threshold = read(d["value"]), read(d["threshold"])
        key = next((k for k, m, x in THRESHOLDS if m == metric and x == threshold), None)
        if key is None:
            raise ValueError(f"no threshold {metric} of {d['threshold']}")
        met = d["met"]
        if not isinstance(met, bool):
            raise TypeError(f"met: not true or false: {met!r}")
        return cls(key=key, metric=metric, value=value, threshold=threshold, met=met)


@dataclass(frozen=True)
class CurrencyTotal:
    """The transfers of one currency in a case.

    Attributes
    ----------
    transfers : int
        How many.
    amount : int
        Their cents.
    in_analysis : bool
        Whether they are in the case's main currency (or name none), so analysed.
    """

    transfers: int
    amount: int
    in_analysis: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "transfers": self.transfers,
            "amount": yuan_decimal(self.amount),
            "in_analysis": self.in_analysis,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CurrencyTotal:
        in_analysis = d["in_analysis"]
        if not isinstance(in_analysis, bool):
            raise TypeError(f"in_analysis: not true or false: {in_analysis!r}")
        return cls(_int(d["transfers"]), _money(d["amount"]), in_analysis)


#: Fields of :class:`CaseSummary` in cents (yuan in ``case.json``).
_SUMMARY_MONEY = frozenset(
    {
        "total_absorbed",
        "direct_loss",
        "recovered",
        "restitution_loss",
        "restitution_distributed",
        "restitution_surplus",
    }
)
_SUMMARY_TEXT = frozenset({"fundgraph_version", "lang", "date_from", "date_to", "currency", "case"})


@dataclass(frozen=True)
class CaseSummary:
    """The figures of a case (``case.json``), as the pipeline and the analysis compute them
    and the report, the views, the exports and the command line show them.

    A field is None when the case does not have it (a case built in a program, one not
    analysed, one without a restitution plan); ``case.json`` then leaves its key out.

    Attributes
    ----------
    fundgraph_version : str
        The fundgraph that wrote the case.
    lang : {"zh", "en"}
        The language of the run.
    files, files_unreadable : int
        Statement files read, and those that could not be read at all.
    rows_read, rows_accepted, rows_rejected : int
        Statement rows.
    transfers, transfers_seen_twice : int
        Distinct transfers of the main currency, and those both sides' statements show.
    accounts, accounts_obtained : int
        Accounts seen, and those whose own statement was obtained.
    date_from, date_to : str or None
        First and last transfer, ``YYYY-MM-DD HH:MM:SS`` (written with ``transfers``, null
        when there is none).
    warnings : int
        Data-quality warnings.
    currency : str
        The main currency (``""`` when no statement names one).
    currencies : dict of str to CurrencyTotal
        The transfers of each currency (``unstated`` for those that name none).
    total_absorbed, direct_loss : int
        Cents paid in by participants, and the sum of their positive net losses.
    participant_persons, participant_accounts : int
        Participants, by person and by account.
    max_level : int
        Largest level (hops from the core).
    thresholds : tuple of Threshold
        The legal thresholds tested.
    structures, communities : int
        How many collection structures and communities.
    recovered, restitution_loss, restitution_distributed, restitution_surplus : int
        Cents of the restitution plan (:func:`fundgraph.analysis.restitution_summary`).
    case : str
        The case's name, when ``case.json`` gives one.
    extra : dict
        Keys of ``case.json`` this fundgraph does not know, kept as they are.

    Examples
    --------
    >>> s = CaseSummary(lang="en", rows_read=7, total_absorbed=123_45)
    >>> s.to_dict()
    {'lang': 'en', 'rows_read': 7, 'total_absorbed': Decimal('123.45')}
    >>> CaseSummary.from_dict(s.to_dict()) == s
    True
    """

    fundgraph_version: str | None = None
    lang: str | None = None
    files: int | None = None
    files_unreadable: int | None = None
    rows_read: int | None = None
    rows_accepted: int | None = None
    rows_rejected: int | None = None
    transfers: int | None = None
    transfers_seen_twice: int | None = None
    accounts: int | None = None
    accounts_obtained: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    warnings: int | None = None
    currency: str | None = None
    currencies: Mapping[str, CurrencyTotal] | None = None
    total_absorbed: int | None = None
    participant_persons: int | None = None
    participant_accounts: int | None = None
    direct_loss: int | None = None
    max_level: int | None = None
    thresholds: tuple[Threshold, ...] | None = None
    structures: int | None = None
    communities: int | None = None
    recovered: int | None = None
    restitution_loss: int | None = None
    restitution_distributed: int | None = None
    restitution_surplus: int | None = None
    case: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """``case.json``: money as yuan, threshold texts in ``lang`` (default: the run's)."""
        texts = lang or self.lang or "zh"
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            name = f.name
            if name == "extra":
                continue
            v = getattr(self, name)
            if v is None:
                if name in ("date_from", "date_to") and self.transfers is not None:
                    out[name] = None
                continue
            if name in _SUMMARY_MONEY:
                v = yuan_decimal(v)
            elif name == "thresholds":
                v = [th.to_dict(texts) for th in v]
            elif name == "currencies":
                v = {code: total.to_dict() for code, total in v.items()}
            out[name] = v
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CaseSummary:
        """Read ``case.json`` (keys it does not know go to ``extra``).

        Raises
        ------
        TypeError, ValueError, KeyError
            Naming the key whose value is not of its kind.
        """
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, v in d.items():
            if name not in known:
                extra[name] = v
                continue
            if v is None:
                continue
            try:
                values[name] = _summary_value(name, v)
            except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
                raise type(exc)(f"{name}: {exc}") from None
        return cls(**values, extra=extra)


def _summary_value(name: str, v: Any) -> Any:
    if name in _SUMMARY_MONEY:
        return _money(v)
    if name in _SUMMARY_TEXT:
        if not isinstance(v, str):
            raise TypeError(f"not text: {v!r}")
        return v
    if name == "thresholds":
        if not isinstance(v, list) or not all(isinstance(x, Mapping) for x in v):
            raise TypeError("not an array of objects")
        return tuple(Threshold.from_dict(x) for x in v)
    if name == "currencies":
        if not isinstance(v, Mapping) or not all(isinstance(x, Mapping) for x in v.values()):
            raise TypeError("not an object of objects")
        return {str(code): CurrencyTotal.from_dict(x) for code, x in v.items()}
    return _int(v)


#: Message of each alert code whose key is not ``alert.<code>``.
_ALERT_MESSAGES = {"cycle": "alert.cycle_members"}
#: Parameters that are codes, shown as the message of their key in the language shown.
_ALERT_CODED = {"role": "role.", "part": "alert.part."}
#: Parameters that are whole numbers.
_ALERT_COUNTS = frozenset({"n", "days", "k", "n_in", "n_out"})


@dataclass(frozen=True)
class Alert:
    """One reason an account is flagged (:func:`fundgraph.analysis.account_alerts`).

    The text is made only when it is shown, in the language it is shown in: the message
    ``alert.<code>`` of the catalogue filled with ``params``.

    Attributes
    ----------
    code : str
        The alert code (:data:`fundgraph.analysis.ALERT_CODES`).
    params : dict
        The values of the message's placeholders (numbers, account ids, text); ``role``
        and ``part`` are codes (``core``, ``source``) shown in the message's language.
    stored : str or None
        The text a case file gave, kept as it is when it does not read as the code's
        message (a file from an older fundgraph, or edited by hand); None otherwise.

    Examples
    --------
    >>> a = Alert("fan_in", {"n": 12, "days": 30})
    >>> a.text("en")
    'fan-in: 12 distinct accounts paid in within 30 days'
    >>> Alert.read("fan_in", a.text("zh"), "zh") == a
    True
    >>> Alert("scheme_role", {"role": "core"}).text("zh")
    '资金结构角色：核心账户'
    >>> Alert.read("fan_in", "many payers", "en").text("zh")
    'many payers'
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    stored: str | None = None

    @property
    def message(self) -> str:
        """The catalogue key of the text."""
        return _ALERT_MESSAGES.get(self.code, f"alert.{self.code}")

    def text(self, lang: str) -> str:
        """The reason as a person reads it, in ``lang``."""
        if self.stored is not None:
            return self.stored
        values = {
            k: t(_ALERT_CODED[k] + str(v), lang) if k in _ALERT_CODED else v
            for k, v in self.params.items()
        }
        return t(self.message, lang, **values)

    @classmethod
    def read(cls, code: str, text: str, lang: str) -> Alert:
        """The alert a line of ``alerts.csv`` written in ``lang`` says, for ``code``.

        The line is read against that code's one message in ``lang``; when it does not
        read as it (or does not give the same text again), it is kept as ``stored``.
        """
        found = _alert_pattern(cls(code).message, lang).match(text)
        if found is not None:
            try:
                params = {k: _alert_param(k, v, lang) for k, v in found.groupdict().items()}
            except (KeyError, ValueError):
                params = None
            if params is not None:
                alert = cls(code, params)
                if alert.text(lang) == text:
                    return alert
        return cls(code, {}, stored=text)


@cache
def _alert_pattern(message: str, lang: str) -> re.Pattern[str]:
    template = catalogue(lang).get(message)
    if template is None:
        return re.compile(r"(?!)")  # a code this fundgraph has no message for
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


@cache
def _coded_values(prefix: str, lang: str) -> dict[str, str]:
    return {v: k[len(prefix) :] for k, v in catalogue(lang).items() if k.startswith(prefix)}


def _alert_param(name: str, value: str, lang: str) -> Any:
    if name in _ALERT_COUNTS:
        if not value.isdigit():
            raise ValueError(value)
        return int(value)
    if name in _ALERT_CODED:
        return _coded_values(_ALERT_CODED[name], lang)[value]
    return value


def alert_texts(alerts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The alerts table as ``alerts.csv`` holds it: ``reasons`` as text in ``lang``, one
    reason per line (in memory each cell is a tuple of :class:`Alert`).

    Raises
    ------
    TypeError
        If a ``reasons`` cell is not a tuple of :class:`Alert`.
    """
    out = alerts.copy()
    texts = []
    for cell in alerts["reasons"]:
        if not isinstance(cell, tuple) or not all(isinstance(a, Alert) for a in cell):
            raise TypeError(f"alerts: reasons must be a tuple of Alert, not {cell!r}")
        texts.append("\n".join(a.text(lang) for a in cell))
    out["reasons"] = pd.Series(texts, index=alerts.index, dtype=object)
    return out


def read_alert_texts(alerts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The alerts table of ``alerts.csv`` (written in ``lang``) with ``reasons`` as tuples
    of :class:`Alert`: each line read for the code at the same place in ``codes``."""
    out = alerts.copy()
    cells = []
    for codes, text in zip(alerts["codes"], alerts["reasons"], strict=True):
        code_list = [c for c in str(codes or "").split(";") if c]
        lines = [x for x in str(text or "").split("\n") if x.strip()]
        if len(lines) != len(code_list):
            cells.append(tuple(Alert("", {}, stored=x) for x in lines))
        else:
            cells.append(
                tuple(Alert.read(c, x, lang) for c, x in zip(code_list, lines, strict=True))
            )
    out["reasons"] = pd.Series(cells, index=alerts.index, dtype=object)
    return out
