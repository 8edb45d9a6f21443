"""The case report: content, safety, determinism, and how it behaves in a browser."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from fundgraph import schema as S
from fundgraph.analysis.restitution import restitution_plan
from fundgraph.analysis.thresholds import evaluate_thresholds
from fundgraph.case import Case
from fundgraph.i18n import catalogue
from fundgraph.render import report as R
from fundgraph.render.report import render_report, report_html
from fundgraph.results import (
    Alert,
    CaseSummary,
    CollapseDate,
    FundedByLater,
    LastDeposit,
    PayoutsExceedDeposits,
    Structure,
    TimelineFacts,
)
from fundgraph.tables import conform

#: A catalogue key shown instead of its text (e.g. "report.sec.summary", "role.core").
KEY_LEAK = re.compile(r"\b(?:report|role|threshold)\.[a-z_][a-z_.]*")

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '" onmouseover="alert(1)',
]

CORE = "6222000000000001"
L1 = ["6222000000000101", "6222000000000102"]
L2 = ["6222000000000201", "6222000000000202", "6222000000000203"]
PAYOUT = "6222000000000009"
BENEFICIARY = "6222000000000501"


def _participant(i: int) -> str:
    return f"6217{i:012d}"


def make_case(n_participants: int = 40) -> Case:
    """A small hand-made case: a core, collectors at two levels, participants, and the rest."""
    collectors = L1 + L2
    parent = {L1[0]: CORE, L1[1]: CORE, L2[0]: L1[0], L2[1]: L1[0], L2[2]: L1[1]}
    transfers = []
    t0 = pd.Timestamp("2022-01-03 10:00")
    part_rows = []
    for i in range(n_participants):
        acc = _participant(i)
        via = collectors[i % len(collectors)]
        amount = (i % 5 + 1) * 10_000_00
        when = t0 + pd.Timedelta(days=200) * i / n_participants
        transfers.append((acc, via, amount, when, "投资款"))
        back = amount // 10 if i % 3 else 0
        if back:
            transfers.append((PAYOUT, acc, back, when + pd.Timedelta(days=30), "利息"))
        name = HOSTILE[i % len(HOSTILE)] if i < 8 else f"参与人{i:02d}"
        part_rows.append(
            {
                "account": acc,
                "holder_name": name,
                "holder_id": f"5226011990{i:08d}",
                "person": f"5226011990{i:08d}",
                "structure": 0,
                "paid_in": amount,
                "received_back": back,
                "net_loss": amount - back,
                "first_paid": when,
                "last_paid": when,
                "deposits": 1,
            }
        )
    for c in collectors:
        got = sum(a for s, d, a, _, _ in transfers if d == c)
        transfers.append((c, parent[c], got, t0 + pd.Timedelta(days=250), "上划"))
    transfers.append((CORE, BENEFICIARY, 30_000_00, t0 + pd.Timedelta(days=260), "购房"))
    transfers.append((CORE, "", 5_000_00, t0 + pd.Timedelta(days=261), "取现"))
    transfers.sort(key=lambda r: (r[3], r[0], r[1], r[2]))
    tr = pd.DataFrame(transfers, columns=["src", "dst", "amount", "time", "memo"])
    tr["transfer_id"] = range(len(tr))
    tr["sources"] = [f"stmt.csv:{i + 2}" for i in range(len(tr))]
    tr = conform(tr, S.TRANSFERS)

    names = {CORE: "某某投资咨询有限公司", PAYOUT: "返利专户<b>", BENEFICIARY: "张某亲属"}
    names.update({c: f"业务员{j}" for j, c in enumerate(collectors)})
    names[L2[2]] = HOSTILE[2]
    acc_rows = []
    for a in [CORE, PAYOUT, BENEFICIARY, *collectors] + [p["account"] for p in part_rows]:
        ins = tr.loc[tr["dst"] == a, "amount"].sum()
        outs = tr.loc[tr["src"] == a, "amount"].sum()
        if a == CORE:
            role, level = "core", 0
        elif a in L1:
            role, level = "collector", 1
        elif a in L2:
            role, level = "collector", 2
        elif a == BENEFICIARY:
            role, level = "beneficiary", None
        elif a == PAYOUT:
            role, level = "transit", None
        else:
            role, level = "participant", None
        acc_rows.append(
            {
                "account": a,
                "holder_name": names.get(
                    a, next((p["holder_name"] for p in part_rows if p["account"] == a), "")
                ),
                "role": role,
                "level": level,
                "structure": 0 if level is not None else None,
                "pagerank": round(0.5 / (1 + len(acc_rows)), 6),
                "in_amount": int(ins),
                "out_amount": int(outs),
                "in_degree": int(tr.loc[tr["dst"] == a, "src"].nunique()),
            }
        )
    accounts = conform(pd.DataFrame(acc_rows), S.ACCOUNTS)
    participants = conform(pd.DataFrame(part_rows), S.PARTICIPANTS)
    alerts = conform(
        pd.DataFrame(
            [
                {
                    "account": L2[2],
                    "holder_name": HOSTILE[2],
                    "score": 0.91,
                    "codes": "fan_in;watchlist",
                },
                {
                    "account": CORE,
                    "holder_name": names[CORE],
                    "score": 0.99,
                    "codes": "scheme_role",
                },
            ]
        ),
        S.ALERTS,
    )
    alerts["reasons"] = [
        (Alert("fan_in", {"n": 12, "days": 30}), Alert("watchlist", {"entry": HOSTILE[1]})),
        (Alert("scheme_role", {"role": "core"}),),
    ]
    rejects = conform(
        pd.DataFrame(
            [
                {
                    "source_file": "农行/明细.xls",
                    "source_sheet": "Sheet1",
                    "source_row": 40,
                    "code": "totals_line",
                    "reason": "合计行",
                    "raw": "合计 | 100",
                },
                {
                    "source_file": "农行/明细.xls",
                    "source_sheet": "Sheet1",
                    "source_row": 80,
                    "code": "totals_line",
                    "reason": "合计行",
                    "raw": "合计 | 200",
                },
                {
                    "source_file": HOSTILE[0] + ".csv",
                    "source_sheet": "",
                    "source_row": 7,
                    "code": "unknown_direction",
                    "reason": HOSTILE[1],
                    "raw": HOSTILE[2],
                },
            ]
        ),
        S.REJECTS,
    )
    warnings = conform(
        pd.DataFrame(
            [
                {
                    "code": "balance_break",
                    "account": L1[0],
                    "source_file": "工行.csv",
                    "source_row": 12,
                    "detail": "余额不连续 " + HOSTILE[0],
                },
            ]
        ),
        S.WARNINGS,
    )
    files = conform(
        pd.DataFrame(
            [
                {
                    "source_file": "stmt.csv",
                    "source_sheet": "",
                    "layout": "工商银行 34列",
                    "encoding": "gb18030",
                    "rows_read": 120,
                    "rows_accepted": 117,
                    "rows_rejected": 3,
                }
            ]
        ),
        S.FILES,
    )
    loss = participants["net_loss"]
    restitution = restitution_plan(participants, int(loss.sum()) // 2)
    total_absorbed = int(participants["paid_in"].sum())
    summary = CaseSummary(
        lang="zh",
        rows_read=120,
        rows_accepted=117,
        rows_rejected=3,
        transfers=len(tr),
        accounts=len(accounts),
        total_absorbed=total_absorbed,
        participant_persons=n_participants,
        participant_accounts=n_participants,
        direct_loss=int(loss.sum()),
        max_level=2,
        thresholds=tuple(
            evaluate_thresholds(
                {
                    "total_absorbed": total_absorbed,
                    "direct_loss": int(loss.sum()),
                    "participant_persons": n_participants,
                    "max_level": 2,
                }
            )
        ),
    )
    structures = [
        Structure(
            id=0,
            kind="ponzi",
            core=(CORE,),
            collectors={1: tuple(L1), 2: tuple(L2)},
            transit=(PAYOUT,),
            beneficiaries=(BENEFICIARY,),
            participant_accounts=n_participants,
            participant_persons=n_participants,
            absorbed=total_absorbed,
            max_level=3,
            depth=4,
            evidence={"evidence": "returns", "looped_payers": 20, "payers": 40, "required": 4},
        )
    ]
    periods = ["2022-01", "2022-02", "2022-03", "2022-04"]
    timeline_df = pd.DataFrame(
        {
            "period": periods,
            "deposits_in": [50_000_00, 80_000_00, 40_000_00, 0],
            "returns_out": [0, 10_000_00, 45_000_00, 5_000_00],
            "commissions": [2_000_00, 3_000_00, 1_000_00, 0],
            "to_beneficiaries": [0, 0, 30_000_00, 0],
            "cash_out": [0, 0, 5_000_00, 0],
            "new_participants": [6, 9, 4, 0],
            "core_balance": [48_000_00, 115_000_00, 74_000_00, 69_000_00],
        }
    )
    facts = TimelineFacts(
        payouts_exceed_deposits=PayoutsExceedDeposits(
            period="2022-03",
            returns_out=45_000_00,
            deposits_in=40_000_00,
            share_of_later_periods=1.0,
            transfer_ids=(9, 5, 7),
        ),
        last_deposit=LastDeposit(
            time=pd.Timestamp("2022-03-20 10:00"),
            date="2022-03-20",
            account=_participant(3),
            amount=10_000_00,
            transfer_id=42,
            transfer_ids=(42,),
        ),
        collapse_date=CollapseDate(
            date="2022-04-15",
            time=pd.Timestamp("2022-04-15 09:00"),
            days_after_last_deposit=26,
            transfer_ids=(50,),
        ),
        returns_funded_by_later_deposits_share=FundedByLater(
            share=0.83,
            funded_by_later=4_150_00,
            returns=5_000_00,
            method="fifo",
            transfer_ids=tuple(range(5, 20)),
        ),
    )
    return Case(
        transfers=tr,
        accounts=accounts,
        participants=participants,
        alerts=alerts,
        rejects=rejects,
        warnings=warnings,
        files=files,
        structures=structures,
        restitution=restitution,
        summary=summary,
    ), (timeline_df, facts)


@pytest.fixture(scope="module")
def case_and_timeline():
    return make_case()


# ------------------------------------------------------------------ without a browser


def test_catalogues_have_the_same_keys():
    zh = {k for k in catalogue("zh") if k.startswith("report.")}
    en = {k for k in catalogue("en") if k.startswith("report.")}
    assert zh == en and len(zh) > 100


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_is_deterministic(tmp_path, case_and_timeline, lang):
    case, tl = case_and_timeline
    a = render_report(case, tmp_path / "a.html", lang=lang, timeline=tl).read_bytes()
    b = render_report(case, tmp_path / "b.html", lang=lang, timeline=tl).read_bytes()
    assert a == b


def test_style_and_script_are_the_template_files_inlined(case_and_timeline):
    from importlib import resources

    case, tl = case_and_timeline
    folder = resources.files("fundgraph") / "render" / "templates"
    css = (folder / "report.css").read_text(encoding="utf-8")
    js = (folder / "report.js").read_text(encoding="utf-8")
    html = report_html(case, lang="en", timeline=tl)
    assert f"<style>\n{css}</style>" in html and f"<script>\n{js}</script>" in html
    assert (folder / "report.html.j2").is_file()


def test_output_path_may_be_a_folder(tmp_path, case_and_timeline):
    case, tl = case_and_timeline
    out = render_report(case, tmp_path, timeline=tl)
    assert out == tmp_path / "report.html" and out.is_file()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_text_is_escaped_in_the_source(case_and_timeline, lang):
    case, tl = case_and_timeline
    html = report_html(case, lang=lang, timeline=tl)
    assert "<img src=x" not in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 2  # the JSON summary and the sorting script


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_catalogue_key_leaks(case_and_timeline, lang):
    case, tl = case_and_timeline
    html = report_html(case, lang=lang, timeline=tl)
    text = re.sub(r"<[^>]+>", " ", html)
    assert not KEY_LEAK.search(text)


def test_large_case_lists_the_worst_losses_and_counts_the_rest(tmp_path):
    case, tl = make_case(n_participants=R.PARTICIPANT_ROWS + 37)
    html = report_html(case, lang="en", timeline=tl)
    assert "37 more are in participants.csv" in html
    table = html.split('id="participants-table"')[1].split("</table>")[0]
    assert table.count("<tr data-i=") == R.PARTICIPANT_ROWS


def test_empty_case_renders_in_both_languages(tmp_path):
    for lang in ("zh", "en"):
        html = report_html(Case(), lang=lang)
        for sid in R.SECTIONS:
            assert f'id="{sid}"' in html


def test_timeline_section_says_when_missing(case_and_timeline):
    case, _ = case_and_timeline
    assert case.timeline is None  # a case built in a program, not by the pipeline
    section = report_html(case, lang="en").split('id="timeline"')[1].split("</section>")[0]
    assert "timeline analysis is not available" in section and "<svg" not in section


def test_timeline_the_analysis_computed_is_shown(case_and_timeline):
    import dataclasses

    from fundgraph.analysis.timeline import case_timeline

    case, _ = case_and_timeline
    case = dataclasses.replace(case)
    case.timeline = case_timeline(case)  # what the pipeline keeps on the case
    section = report_html(case, lang="en").split('id="timeline"')[1].split("</section>")[0]
    assert 'class="chart timeline"' in section and "The last deposit by a participant" in section


def test_collapse_without_a_deposit_has_the_short_sentence(case_and_timeline):
    case, (df, _) = case_and_timeline
    facts = TimelineFacts(
        collapse_date=CollapseDate("2022-04-15", pd.Timestamp("2022-04-15 09:00"), (50,))
    )
    html = report_html(case, lang="en", timeline=(df, facts))
    assert "Payments to participants stopped (collapse) on 2022-04-15 (transfer_id #50)." in html


def test_figures_and_facts(case_and_timeline):
    case, tl = case_and_timeline
    html = report_html(case, lang="en", timeline=tl)
    assert "transfer_id #5, #7, #9)" in html
    assert "#5, #6, #7, #8, #9, #10, #11, #12 and 7 more" in html
    assert "¥4,150.00 (83.0%)" in html and "first-in-first-out" in html
    assert "on 2022-04-15 (26 days after the last deposit)" in html
    assert "2022-03-20 10:00: ¥10,000.00 from account 6217000000000003" in html
    assert "Criminal Law art. 176: illegal absorption of public deposits" in html
    # the run was in Chinese; the texts shown are translated (the embedded data keeps them)
    assert "刑法第一百七十六条" not in html.split('<script type="application/json"')[0]
    assert "<svg" in html and 'class="chart structure"' in html
    # so are the alert reasons: made from their codes and figures in the page's language
    assert "fan-in: 12 distinct accounts paid in within 30 days" in html
    assert "scheme role: core account" in html and "quoted in the language" not in html


# ------------------------------------------------------------------ in a browser


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_in_browser(tmp_path, open_page, case_and_timeline, lang):
    case, tl = case_and_timeline
    path = render_report(case, tmp_path / f"report-{lang}.html", lang=lang, timeline=tl)
    opened = open_page(path)
    page = opened.page
    assert opened.foreign_requests == []
    assert opened.console_errors == [] and opened.page_errors == []
    for sid in R.SECTIONS:
        assert page.locator(f"section#{sid}").count() == 1, sid
    assert page.locator("#structures svg.structure").count() == 1
    assert page.locator("#timeline svg.timeline").count() == 1
    body_text = page.inner_text("body")
    assert not KEY_LEAK.search(body_text)
    # hostile holder names show as text and nothing of them ran or was built
    assert HOSTILE[0] in body_text and HOSTILE[2] in body_text
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 2
    assert page.evaluate("document.querySelectorAll('[onerror],[onmouseover]').length") == 0
    assert opened.dialogs == []
    opened.screenshot(f"report-{lang}")

    def net_losses() -> list[int]:
        return [
            int(v)
            for v in page.eval_on_selector_all(
                "#participants-table tbody tr td:nth-child(7)", "tds => tds.map(t => t.dataset.v)"
            )
        ]

    first = net_losses()
    assert first == sorted(first, reverse=True) and len(first) == 40
    header = page.locator("#participants-table th.net-loss button")
    header.click()
    asc = net_losses()
    assert asc == sorted(first)
    assert page.get_attribute("#participants-table th.net-loss", "aria-sort") == "ascending"
    header.click()
    assert net_losses() == sorted(first, reverse=True)
    # sort by a text column, then back
    page.locator("#participants-table thead th:nth-child(3) button").click()
    names = page.eval_on_selector_all(
        "#participants-table tbody tr td:nth-child(3)", "tds => tds.map(t => t.textContent)"
    )
    assert len(names) == 40
    assert opened.dialogs == [] and opened.page_errors == []


@pytest.mark.browser
def test_report_prints_to_pdf(tmp_path, open_page, case_and_timeline):
    case, tl = case_and_timeline
    path = render_report(case, tmp_path / "report.html", lang="zh", timeline=tl)
    opened = open_page(path)
    pdf = tmp_path / "report.pdf"
    opened.page.pdf(path=str(pdf), format="A4", print_background=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert opened.foreign_requests == [] and opened.page_errors == []


@pytest.mark.slow
@pytest.mark.browser
def test_report_of_a_synthetic_case(tmp_path, open_page):
    """The whole way: generated bank exports, the analysis, the report in both languages."""
    from fundgraph import pipeline, synth

    synth.generate_case(tmp_path / "generated", seed=3, participants=60, months=10)
    case = pipeline.build_case([tmp_path / "generated" / "exports"], recovered=50_000_000)
    for lang in ("zh", "en"):
        path = render_report(case, tmp_path / f"report-{lang}.html", lang=lang)
        again = render_report(case, tmp_path / "again.html", lang=lang)
        assert path.read_bytes() == again.read_bytes()
        opened = open_page(path)
        page = opened.page
        assert opened.foreign_requests == []
        assert opened.console_errors == [] and opened.page_errors == [] and opened.dialogs == []
        for sid in R.SECTIONS:
            assert page.locator(f"section#{sid}").count() == 1, sid
        assert page.locator("#structures svg.structure .node-core").count() >= 1
        assert page.locator("#timeline svg.timeline").count() == 1
        assert page.locator("#restitution-table tbody tr").count() > 0
        assert page.locator("#participants-table tbody tr").count() == len(case.participants)
        assert not KEY_LEAK.search(page.inner_text("body"))


def test_report_of_a_case_folder_read_back(tmp_path, case_and_timeline):
    """A case written to disk and loaded again (CSV types, Decimal money) renders the same way;
    the example script does it from the command line."""
    import subprocess
    import sys
    from pathlib import Path

    from fundgraph.case import finish_case, load_case, write_case_data

    case, tl = case_and_timeline
    folder = tmp_path / "case"
    write_case_data(case, folder)
    finish_case(case, folder)
    loaded = load_case(folder)
    html = report_html(loaded, lang="zh", timeline=tl)
    for sid in R.SECTIONS:
        assert f'id="{sid}"' in html
    assert html.count("<tr data-i=") == len(case.participants) + len(case.restitution)
    script = Path(__file__).resolve().parents[2] / "examples" / "make_report.py"
    done = subprocess.run(
        [sys.executable, str(script), str(folder), "en"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (folder / "report.html").is_file()
    bad = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "nothing")], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "case.json" in bad.stderr


def test_timeline_failure_is_reported_not_raised(monkeypatch, case_and_timeline):
    import dataclasses

    import fundgraph.analysis.timeline as tl_module

    case, _ = case_and_timeline

    def broken(case, **kw):
        raise ValueError("<b>no roles</b>")

    monkeypatch.setattr(tl_module, "timeline", broken)
    case = dataclasses.replace(case, timeline=tl_module.case_timeline(case))
    html = report_html(case, lang="en")
    assert "The timeline could not be computed (ValueError: &lt;b&gt;no roles&lt;/b&gt;)" in html
