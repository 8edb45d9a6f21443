"""Synthetic illegal-fundraising cases: bank exports plus the truth they were drawn from.

Shared by ``fundgraph demo``, the tests and the benchmarks. One call writes a case::

    from fundgraph.synth import generate_case
    truth = generate_case("case/", seed=3, participants=300)
    # case/exports/<bank>/...   the statements, as banks and the police deliver them
    # case/truth.json           what an analysis should find
    # case/truth_transfers.csv  every visible transfer, one line each

Everything follows from ``seed``: the same seed writes byte-identical files.

The case model
--------------
A company account (``core``, level 0, named like ``…投资咨询有限公司``) runs a Ponzi scheme
(docs/method.md). Participants pay round sums (1万, 5万, 10万 …, sometimes 2万/3万/20万/50万)
one to four times, mostly into salespeople's cards, some into team leaders' cards or the
company account; a few pay twice the same day with the same sum (two real transfers).
Salespeople pass the money to their leader (or straight to the company), leaders to the
company, one-to-one or in lumps per half-day/day/two days, within minutes to 36 hours,
sometimes keeping a little. A payout account (``transit``, level 1), funded weekly by the
company, pays each deposit 1–3 % a month (``interest``) from the month after it was made;
a few participants get their principal back early (``redemption``). Collectors get
monthly commissions. Recruitment peaks and fades, so payouts come to exceed new money; the
last deposit is 45–75 days before the end of the period and payments to participants stop
10–40 days after it. The company sends the bulk of what it keeps to 1–3 controllers and
their relatives (``siphon``), who buy property and withdraw cash.

Around it, everyday life: an employer paying monthly salaries to many people (some of them
collectors and participants), a busy shop with many small irregular customer payments
that pays its suppliers, other merchants, landlords collecting rent, family transfers
between a few participants, cash at ATMs. The shop and the employer are obtained, so
their fan-in / fan-out is visible and must not be flagged.

Obtained: every scheme account (company, payout, leaders, salespeople, controllers,
relatives), the shop, the employer and ``obtained_share`` of the participants. A transfer
is *visible* when at least one side is obtained (for cash: the account side). A transfer
between two obtained accounts appears in both statements; the receiver's clock is 0–120 s
late and the references differ.

Accounts and layouts
--------------------
Persons have 19-digit Luhn-valid cards (prefix of their bank), 18-character resident IDs
and Chinese names; companies have 12–20 digit account numbers and credit codes. A few
participants hold two cards (one holder ID). Obtained persons whose layout shows both a
card and an account number (police, CCB) often have an account number too: the card is
the canonical id, the other an *alias*, and other statements sometimes show the alias as
the counterparty.

Each statement gets one of :data:`ALL_LAYOUTS` (police 34-column xlsx workbooks with
人员信息/账户信息 companion sheets; ICBC GBK csv with title lines, page-break header
repeats and 合计; CCB UTF-8-BOM csv with debit/credit columns and ``¥`` amounts; GB18030
tab text with signed ``元`` amounts, ``-------`` blanks and 本页合计; English csv or ``;``
text with Dr/Cr, D/C, Direction or Debit/Credit columns and a Total line; UTF-16 ``|``
text; a genuine ``.xls`` (needs ``xlwt``, otherwise skipped and flagged in
``params.xls_skipped``); an xlsx with title rows and real date-time cells). Header
spellings rotate between statements so a case covers the vocabulary of docs/input.md.
Spreadsheet layouts are kept to statements of at most a few thousand rows and a bounded
total, so benchmark-sized cases stay fast. Layouts with a status column carry failed
attempts (rejected; the balance does not move). Every statement's balance runs:
balance = previous + in − out.

The truth
---------
Money is a string of yuan with two decimals; times ``YYYY-MM-DD HH:MM:SS`` (the sender's
clock). ``truth.json``::

    {"seed", "params": {participants, obtained_share, months, start, scale_rows, layouts,
                        xls_skipped, files_relative_to: "exports"},
     "files": [{"file": path under exports/, "sheet": "" or name,
                "rows_read", "rows_valid", "rows_junk"}],   # statement sheets only
     "rows_read", "rows_valid", "rows_junk",
     "transfers",                       # visible transfers, mirrors once, genuine twins twice
     "accounts": {account: {"role", "level", "holder_name", "holder_id", "aliases",
                            "obtained", "kind", "layout", "in_amount", "out_amount",
                            "in_count", "out_count"}},
     "participants": {account: {"person", "paid_in", "received_back", "net_loss",
                                "first_paid", "last_paid"}},
     "total_absorbed", "participant_persons", "participant_accounts", "direct_loss",
     "max_level", "collapse_date", "last_deposit", "payout_exceeds_deposits_month",
     "interest_rate_monthly", "noise": {"shop", "employer", "landlord", "merchant",
                                        "supplier": [accounts]}}

- ``rows_read`` counts every non-empty row below the header: accepted rows, repeated
  headers, totals lines and failed attempts; ``rows_junk`` the ones to reject. Title
  lines above the header and companion sheets are not counted.
- ``in_amount``/``out_amount``/counts are over visible transfers **including cash**
  (a cash deposit counts into ``in_amount`` of the account, a withdrawal into
  ``out_amount``). Cash itself is not an account.
- Roles: company ``core`` (0); payout ``transit`` (1); leaders ``collector`` (1);
  salespeople ``collector`` (2, or 1 when they pay the company directly); participants
  ``participant`` with level = 1 + the lowest level of an account they paid into;
  controllers, relatives and property sellers ``beneficiary``; everything else ``other``;
  levels are null for ``beneficiary`` and ``other``.
- ``paid_in`` = deposits into scheme accounts; ``received_back`` = interest and
  redemptions from scheme accounts; ``total_absorbed`` = all ``paid_in``;
  ``direct_loss`` = sum over persons (holder IDs) of the positive part of their net
  loss; ``participant_persons`` = distinct holder IDs.
- ``collapse_date`` is the day of the last payment to a participant; ``last_deposit`` the
  time of the last deposit; ``payout_exceeds_deposits_month`` the first ``YYYY-MM`` in
  which interest plus redemptions exceeded deposits (null if never).

``truth_transfers.csv`` (UTF-8): ``src,dst,amount,time,kind,obtained_sides`` with ``src``
or ``dst`` empty for cash, ``kind`` one of deposit, forward, funding, interest,
redemption, commission, siphon, property, cash, salary, income, shopping, supplier,
family, rent, and ``obtained_sides`` ``both``, ``src`` or ``dst``.

Sizes
-----
:func:`participants_for_rows` picks the number of participants for about a wanted number
of statement rows (≈ 70 rows per participant at the default obtained share);
:func:`rows_for` is the inverse; ``generate_case(..., scale_rows=N)`` uses it.
"""

from .case import ALL_LAYOUTS, generate_case, participants_for_rows, rows_for
from .sample import sample_transfers

__all__ = ["generate_case", "participants_for_rows", "rows_for", "ALL_LAYOUTS", "sample_transfers"]
