"""Every threshold of the scheme analysis, named and documented in one place.

:class:`SchemeRules` is a frozen dataclass: :func:`~fundgraph.analysis.structures.
find_structures`, :func:`~fundgraph.analysis.timeline.scheme_flows` and
:func:`~fundgraph.analysis.alerts.account_alerts` all read the same object, so the
timeline's deposits are the role analysis's investments and an alert threshold is never a
second copy of a structure threshold. Money is in cents, durations in hours.

Examples
--------
>>> r = SchemeRules()
>>> r.investment_score, r.min_investment
(2, 100000)
>>> SchemeRules(min_payers=4).min_payers
4
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["SchemeRules", "DEFAULT_RULES", "rules_with"]


@dataclass(frozen=True)
class SchemeRules:
    """Thresholds of the investment score, the three structure kinds and the alerts.

    Investment score (one point per signal, no signal required)
        ``min_investment``
            Smallest sum (cents) that can be an investment at all (1,000元): below it a
            payment is shopping or pocket money.
        ``large_sum``
            A sum at least this large (5,000元) is large for a natural person: one point.
        ``round_unit``
            A multiple of this (1,000元) is a round sum: one point.
        ``tier_payers``
            At least this many distinct payers paying one account the very same sum make
            that sum a tier (a product price, an entry fee): one point.
        ``repeat_payments``
            A payer paying the same account at least this many times: one point.
        ``forward_hours``, ``forward_share``
            The receiver passed at least ``forward_share`` of what it got on within
            ``forward_hours`` (快进快出): one point.
        ``investment_score``
            Points that make a transfer an investment, one of them about the sum itself
            (large, a tier or an investment memo). A natural person's large sum (two
            points) is one whether round or not; so is a tier of fees.
        Memo words of investments (投资, 理财, 入会费 …) give one point; a payer's being a
        natural person gives one point; everyday memos (salary, rent, refunds, goods) and
        payroll senders never invest.

    Ponzi structures (collection with returns)
        ``min_payers``
            Distinct investment payers that make an account a fan-in hub.
        ``closure_share``
            Share of an account's inflow that must come from the scheme for it to join.
        ``periodic_months``
            A pair paying one exact sum month by month (at least this many payments
            25 to 35 days apart, and most of its gaps so) pays a return or a wage: that money does not draw its receiver into the scheme (a
            participant whose own deposit is not in the statements, seen only taking
            its monthly interest, is no collector).
        ``payout_min_payees``
            Monthly same sums count as a payout account's interest (passed on, or paid
            out as returns) only when they go to at least this many receivers: one
            landlord paid rent every month is a tenant's life, not a scheme's payout.
        ``active_share``
            Share of outflow sent to active scheme accounts that makes an account active.
        ``min_returned``, ``returned_share``
            A structure needs ``max(min_returned, returned_share * payers)`` payers who got
            money back through a loop.
        ``min_returns_each``, ``interest_share``
            A person paying a found structure sums that nothing marks as investments
            is a participant when the structure then pays it back at least
            ``min_returns_each`` times from another account, or from the account it
            paid in sums of at most ``interest_share`` of what it paid. A payer counts
            as paid back through a structure's loop (``min_returned``) only when it got
            money back ``min_returns_each`` times after its first investment.
        ``small_collector_share``
            A small collector passes at least this share of what returning investors paid
            it into the structure.
        ``hub_forward_share``
            A hub other than the core passes at least this share of the investments it
            took on into the structure (else it is a person whose relatives pay it).
        ``collector_pass_hours``
            A collector passes a payer's money on after it came in: only an investment
            followed within this many hours by payments of at least ``forward_share`` of
            it into the structure counts as passed on (for small collectors and hubs). A
            participant's own deposit made before relatives' gifts came in, or months
            after, passes nothing on.
        ``collector_own_ratio``
            A small collector pays into the structure at most this multiple of what
            its payers paid it, and a hub at most this multiple of what it was paid
            (the structure's monthly interest not counted): a person who got a few
            thousand from relatives and then invested far more of its own money is a
            participant.
        ``silent_invest_share``
            A collector whose passing-on is not in the statements (one the structure
            pays, found through payers it pays back) takes investments for at least
            this share of what it gets from outside the structure: a shop that one
            payer paid a large sum is a shop.
        ``silent_max_back``
            ... and a payer found that way got back from the structure at most this
            multiple of what it paid that account (interest and the principal; a
            controller's relative handed millions is a beneficiary, not a payer).
        ``relay_min_sums``
            A payer into a structure paying it at least this many different sums is a
            collector whose own statement is missing (a person invests a few times,
            instalments repeat one sum): not a participant, its payments not paid in.
        ``relay_paid_sums``
            The same with this many different sums for a payer that the structure
            paid ``min_returns_each`` times before its own first payment in (money
            before any investment is no return: a commission for collecting; a
            steady wage, the same sum month after month, does not count).
        ``relay_named_sums``
            The same with this many different sums for a payer that the structure
            paid ``min_returns_each`` times with memos naming a commission (提成,
            佣金): paid for what it brought in, not on what it invested.
        ``commission_spread``
            Sums paid by the structure to one payer ``min_returns_each`` times or more
            are commissions when they stray from their median by at least this share
            of it at the median (median absolute deviation over median): interest, rent
            or a wage is about the same sum each time (overtime and deductions move a
            wage by a few per cent, a year-end month aside); a commission follows what
            was brought in. Under memos naming a wage (工资, 薪) such sums count as
            named commissions (``relay_named_sums``); with no such memo they do when the
            first of them came before the payer's own first payment in.
        ``min_benefit``
            Smallest single sum, and total, making a receiver of scheme money a
            beneficiary (1万元).
        ``recurring_months``, ``recurring_spread``, ``recurring_gap_spread``
            A pair paying about the same sum (within ``recurring_spread`` of its mean) in
            ``recurring_months`` months or more at a steady pace (most gaps between
            one payment and the next within ``recurring_gap_spread`` of their median)
            pays rent, a bill or a wage: everyday money, not an investment of a fraud
            and not scheme money handed on. The same sum paid at uneven intervals is
            invested.

    Pyramid selling (传销 recruitment trees)
        ``tree_min_fee``
            Smallest sum (cents) that can be an entry or product fee (500元): tiers are a
            few hundred to a few thousand yuan, rarely a round number.
        ``tree_relay_hours``, ``tree_relay_share``
            A fee is passed up when its receiver sends one transfer of at least
            ``tree_relay_share`` of it, and not more, to another account within
            ``tree_relay_hours``; a member relays when it had just got as much from its
            own recruits.
        ``tree_relay_scan``
            Payments of the receiver looked at, in time order, for that transfer.
        ``tree_sponsor_share``
            Share of an account's relays that must go to one account for that account
            to be where it passes its money (its up-link).
        ``tree_min_members``, ``tree_min_levels``
            Smallest tree kept (members below the organiser, levels counted with the
            organiser's).
        ``tree_relay_nodes``
            Share of a tree's members with recruits that must relay (most of them: a
            Ponzi participant who once passed a friend's deposit on is not a sponsor).
        ``tree_max_recruits``
            Most members per relaying sponsor in a kept tree: recruiters bring in a few
            people each, so hundreds of payers passed on by one or two accounts are a
            collection hierarchy (salespeople forwarding deposits), not a tree.

    Fraud without returns (concentration)
        ``fraud_min_payers``
            Distinct natural-person payers of investments a collection point needs.
            An account with fewer payers collects for a kept group when it passes at
            least ``small_collector_share`` of what persons paid it into the group
            within ``collector_pass_hours``, pays in at most ``collector_own_ratio``
            times that, and the group pays it ``min_returns_each`` times or more
            (commissions: a fraud pays no payer back).
        ``fraud_forward_share``
            Share of the group's intake passed on to few receivers, assets or cash, or
            still held by its largest keeper.
        ``fraud_max_receivers``
            At most this many accounts (cash counted as one) take that share.
        ``fraud_max_back_share``
            At most this share of the payers ever get anything back from the group.
        ``fraud_intake_share``
            Investments make up at least this share of what the group gets from
            outside (a shop with a few large customers lives on its sales).
        ``fraud_min_days``
            The payers' first payments span at least this many days (the public is
            recruited over weeks; a burst of a few days is a laundering fan-in, left to the
            alerts): the middle 80 % of them span at least 80 % of it, so a stray payer
            months away does not stretch a burst.

    Alerts
        ``fan_min``
            Distinct counterparties raising ``fan_in`` / ``fan_out``.
        ``fan_window_days``
            ``fan_in`` / ``fan_out`` count the counterparties of any window of this many
            days.
        ``fast_hours``, ``fast_min_amount``, ``fast_balance``
            ``fast_in_fast_out``: median dwell at most ``fast_hours``, at least
            ``fast_min_amount`` in, out within ``fast_balance`` of in.
        ``sg_min_members``
            Intermediaries of a scatter-gather / gather-scatter pattern.
        ``sg_window_days``
            All the pattern's transfers fall within this many days.
        ``cycle_max_length``, ``cycle_window_days``
            Longest cycle searched and the span its transfers may take.

    Parameters
    ----------
    **thresholds
        Any of the fields above, by name; the others keep their defaults (those of
        :data:`DEFAULT_RULES`).

    Raises
    ------
    TypeError
        For a name that is not a field.
    dataclasses.FrozenInstanceError
        When a field of an instance is assigned: make another one instead
        (:func:`rules_with`, :func:`dataclasses.replace`).

    See Also
    --------
    rules_with : a copy with some fields replaced, the names checked.
    fundgraph.analysis.analyze_case : takes the rules as ``rules=``.

    Examples
    --------
    Six payers pay a collector, which passes their money to the core; the core pays each
    of them twice. With the default rules (a hub needs ``min_payers=3`` payers) the
    collection is a structure; asking for seven payers leaves none:

    >>> from fundgraph.analysis import analyze_case
    >>> from fundgraph.case import Case
    >>> from fundgraph.synth import sample_transfers
    >>> t = sample_transfers()
    >>> for rules in (SchemeRules(), SchemeRules(min_payers=7)):
    ...     case = analyze_case(Case(transfers=t), rules=rules, lang="en")
    ...     roles = sorted(case.accounts["role"].value_counts().items())
    ...     print(rules.min_payers, len(case.structures), roles)
    3 1 [('collector', 1), ('core', 1), ('participant', 6)]
    7 0 [('other', 8)]
    >>> rules = SchemeRules(min_payers=7)
    >>> rules.min_payers = 8
    Traceback (most recent call last):
    dataclasses.FrozenInstanceError: cannot assign to field 'min_payers'
    """

    # investment score
    min_investment: int = 100_000
    large_sum: int = 500_000
    round_unit: int = 100_000
    tier_payers: int = 3
    repeat_payments: int = 2
    forward_hours: float = 72.0
    forward_share: float = 0.8
    investment_score: int = 2
    # Ponzi
    min_payers: int = 3
    closure_share: float = 0.5
    periodic_months: int = 3
    payout_min_payees: int = 2
    active_share: float = 0.05
    min_returned: int = 3
    returned_share: float = 0.1
    min_returns_each: int = 2
    interest_share: float = 0.2
    small_collector_share: float = 0.8
    hub_forward_share: float = 0.5
    collector_pass_hours: float = 168.0
    collector_own_ratio: float = 2.0
    silent_invest_share: float = 0.5
    silent_max_back: float = 3.0
    relay_min_sums: int = 8
    relay_paid_sums: int = 3
    relay_named_sums: int = 2
    commission_spread: float = 0.15
    min_benefit: int = 1_000_000
    recurring_months: int = 3
    recurring_spread: float = 0.1
    recurring_gap_spread: float = 0.5
    # 传销
    tree_min_fee: int = 50_000
    tree_relay_scan: int = 64
    tree_sponsor_share: float = 0.5
    tree_relay_hours: float = 72.0
    tree_relay_share: float = 0.5
    tree_min_members: int = 10
    tree_min_levels: int = 3
    tree_relay_nodes: float = 0.8
    tree_max_recruits: float = 50.0
    # fraud without returns
    fraud_min_payers: int = 10
    fraud_forward_share: float = 0.5
    fraud_max_receivers: int = 5
    fraud_max_back_share: float = 0.05
    fraud_min_days: int = 30
    fraud_intake_share: float = 0.5
    # alerts
    fan_min: int = 5
    fan_window_days: int = 30
    fast_hours: float = 48.0
    fast_min_amount: int = 500_000
    fast_balance: float = 0.2
    sg_min_members: int = 3
    sg_window_days: int = 15
    cycle_max_length: int = 12
    cycle_window_days: int = 30


#: The rules used when none are given.
DEFAULT_RULES = SchemeRules()


def rules_with(rules: SchemeRules | None, overrides: dict[str, Any]) -> SchemeRules:
    """``rules`` (default :data:`DEFAULT_RULES`) with the named fields replaced.

    Raises
    ------
    TypeError
        For a name that is not a field of :class:`SchemeRules`.

    Examples
    --------
    >>> rules_with(None, {"min_payers": 5}).min_payers
    5
    """
    base = rules or DEFAULT_RULES
    names = {f.name for f in fields(SchemeRules)}
    bad = sorted(set(overrides) - names)
    if bad:
        raise TypeError(f"unknown scheme rule: {', '.join(bad)}")
    return replace(base, **overrides) if overrides else base
