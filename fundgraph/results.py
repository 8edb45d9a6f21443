"""What the analysis finds, as typed objects: every stage that produces one returns it,
every page, table and export reads it by attribute.

Money is integer cents inside these objects, as everywhere in memory; ``to_dict`` gives the
form the case folder writes (yuan as :class:`~decimal.Decimal`, in the same keys and order
as the files of docs/case-folder.md) and ``from_dict`` reads that form back.

========================  ================================================================
:class:`Structure`        one collection structure (``structures.json``)
========================  ================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .money import cents, yuan_decimal

__all__ = ["Structure"]


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
