"""The typed results: their file form, read back equal, and the case folder bytes they give."""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest

from fundgraph.case import finish_case, load_case, write_case_data
from fundgraph.errors import CaseError
from fundgraph.i18n import catalogue
from fundgraph.results import (
    Alert,
    CaseSummary,
    CollapseDate,
    CurrencyTotal,
    FundedByLater,
    LastDeposit,
    PayoutsExceedDeposits,
    Structure,
    Threshold,
    TimelineFacts,
    alert_texts,
    read_alert_texts,
)
from fundgraph.tables import dumps_json

STRUCTURE_KEYS = [
    "id",
    "kind",
    "core",
    "collectors",
    "transit",
    "beneficiaries",
    "participant_accounts",
    "participant_persons",
    "absorbed",
    "max_level",
    "depth",
    "evidence",
]


def _reread(obj):
    """``obj`` through JSON text as a case file holds it (non-integers as Decimal)."""
    return json.loads(dumps_json(obj), parse_float=Decimal)


def test_structure_round_trip():
    st = Structure(
        id=2,
        kind="fraud",
        core=("c",),
        collectors={1: ("a", "b"), 2: ("d",)},
        transit=("t",),
        beneficiaries=("x", "y"),
        participant_accounts=5,
        participant_persons=4,
        absorbed=123_456_789_01,
        max_level=3,
        depth=4,
        evidence={"exit_share": 0.25, "exits": ["x", "cash"], "payers": 5},
    )
    d = st.to_dict()
    assert list(d) == STRUCTURE_KEYS
    assert d["absorbed"] == Decimal("123456789.01") and d["collectors"] == {
        "1": ["a", "b"],
        "2": ["d"],
    }
    assert Structure.from_dict(d) == st
    back = Structure.from_dict(_reread(d))
    assert back.to_dict() == _reread(d) and back.absorbed == st.absorbed


def test_structures_json_of_a_generated_case_is_written_back_byte_for_byte(
    generated_case, tmp_path
):
    text = (generated_case.case_dir / "structures.json").read_bytes()
    case = load_case(generated_case.case_dir)
    assert case.structures and all(isinstance(st, Structure) for st in case.structures)
    assert all(list(d) == STRUCTURE_KEYS for d in json.loads(text))
    assert dumps_json([st.to_dict() for st in case.structures]).encode("utf-8") == text
    write_case_data(case, tmp_path / "again")
    finish_case(case, tmp_path / "again")
    assert (tmp_path / "again" / "structures.json").read_bytes() == text


def test_a_structure_without_its_fields_is_a_case_error(generated_case, tmp_path):
    case = load_case(generated_case.case_dir)
    folder = tmp_path / "case"
    write_case_data(case, folder)
    finish_case(case, folder)
    entries = json.loads((folder / "structures.json").read_text(encoding="utf-8"))
    del entries[0]["kind"]
    (folder / "structures.json").write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(CaseError, match="entry 0: missing 'kind'"):
        load_case(folder)


def test_timeline_facts_round_trip():
    facts = TimelineFacts(
        payouts_exceed_deposits=PayoutsExceedDeposits("2022-04", 3_000_00, 1_000_00, 0.75, (3, 9)),
        last_deposit=LastDeposit(
            pd.Timestamp("2022-05-01 10:00:01"), "2022-05-01", "6222", 5_000_00, 11, (11,)
        ),
        collapse_date=CollapseDate("2022-06-02", pd.Timestamp("2022-06-02 09:00"), (14, 15), 32),
        returns_funded_by_later_deposits_share=FundedByLater(0.4, 2_000, 5_000, "lifo", (14,)),
    )
    d = facts.to_dict()
    assert list(d) == [
        "payouts_exceed_deposits",
        "last_deposit",
        "collapse_date",
        "returns_funded_by_later_deposits_share",
    ]
    assert list(d["collapse_date"]) == ["date", "time", "transfer_ids", "days_after_last_deposit"]
    assert TimelineFacts.from_dict(d) == facts
    assert TimelineFacts.from_dict(TimelineFacts().to_dict()) == TimelineFacts()
    no_deposit = CollapseDate("2022-06-02", pd.Timestamp("2022-06-02 09:00"), (14,))
    assert "days_after_last_deposit" not in no_deposit.to_dict()


def test_timeline_json_of_a_generated_case_is_written_back_byte_for_byte(generated_case, tmp_path):
    text = (generated_case.case_dir / "timeline.json").read_bytes()
    case = load_case(generated_case.case_dir)
    assert isinstance(case.timeline, tuple) and isinstance(case.timeline[1], TimelineFacts)
    assert case.timeline[1].collapse_date is not None
    write_case_data(case, tmp_path / "again")
    assert (tmp_path / "again" / "timeline.json").read_bytes() == text


def test_case_summary_round_trip_keeps_unknown_keys_last():
    summary = CaseSummary(
        fundgraph_version="0.1.0",
        lang="en",
        transfers=3,
        currency="CNY",
        currencies={"CNY": CurrencyTotal(3, 12_345, True)},
        total_absorbed=100_000_000,
        thresholds=(Threshold("176_amount", "total_absorbed", 100_000_000, 100_000_000, True),),
        recovered=5_00,
        extra={"note": "added by hand"},
    )
    d = summary.to_dict()
    assert list(d) == [
        "fundgraph_version",
        "lang",
        "transfers",
        "date_from",
        "date_to",
        "currency",
        "currencies",
        "total_absorbed",
        "thresholds",
        "recovered",
        "note",
    ]
    assert d["date_from"] is None and d["currencies"]["CNY"]["amount"] == Decimal("123.45")
    assert d["thresholds"][0]["law"].startswith("Criminal Law art. 176")
    assert d["recovered"] == Decimal("5.00")
    assert CaseSummary.from_dict(_reread(d)) == summary
    # the texts follow the language asked for; the figures do not change
    zh = summary.to_dict("zh")
    assert zh["thresholds"][0]["law"].startswith("刑法第一百七十六条")
    assert CaseSummary.from_dict(_reread(zh)) == summary


def test_case_json_of_a_generated_case_is_written_back_byte_for_byte(generated_case, tmp_path):
    text = (generated_case.case_dir / "case.json").read_bytes()
    case = load_case(generated_case.case_dir)
    assert case.summary.thresholds and case.summary.extra == {}
    assert case.summary.total_absorbed == sum(case.participants["paid_in"])
    write_case_data(case, tmp_path / "again")
    finish_case(case, tmp_path / "again")
    assert (tmp_path / "again" / "case.json").read_bytes() == text


def test_a_summary_figure_of_the_wrong_kind_is_a_case_error(generated_case, tmp_path):
    case = load_case(generated_case.case_dir)
    folder = tmp_path / "case"
    write_case_data(case, folder)
    finish_case(case, folder)
    data = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    data["rows_read"] = "many"
    (folder / "case.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CaseError, match="rows_read: not a whole number"):
        load_case(folder)


ALERTS = [
    Alert("scheme_role", {"role": "collector"}),
    Alert("fast_in_fast_out", {"hours": "3.3", "share": "99"}),
    Alert("cycle", {"path": "a → b → c → a", "days": 30}),
    Alert("fan_in", {"n": 6, "days": 30}),
    Alert("structuring", {"n": 3}),
    Alert("round_amounts", {"n": 12, "share": "80"}),
    Alert("night_activity", {"n": 5, "share": "31"}),
    Alert("keyword_name", {"word": "投资咨询"}),
    Alert("watchlist", {"entry": "张三 → 李四（{x}）"}),
    Alert(
        "scatter_gather",
        {
            "part": "member",
            "source": "s",
            "target": "t",
            "k": 3,
            "days": 15,
            "members": "m0、m1、m2",
        },
    ),  # fmt: skip
    Alert(
        "gather_scatter",
        {
            "part": "hub",
            "hub": "h",
            "n_in": 3,
            "n_out": 4,
            "days": 15,
            "members": "i0、i1、i2、o0、o1…",
        },
    ),  # fmt: skip
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("alert", ALERTS, ids=[a.code for a in ALERTS])
def test_an_alert_reads_back_from_its_text(alert, lang):
    assert Alert.read(alert.code, alert.text(lang), lang) == alert


def test_a_text_that_is_not_the_codes_message_is_kept_as_written():
    a = Alert.read("fan_in", "资金汇聚：多人转入", "zh")
    assert a.stored == "资金汇聚：多人转入" and a.text("en") == a.stored
    assert Alert.read("no_such_code", "x", "en").stored == "x"
    # the English message read as Chinese is not the Chinese message
    assert Alert.read("fan_in", ALERTS[3].text("en"), "zh").stored is not None


def test_alerts_csv_of_a_generated_case_reads_as_alerts_and_writes_back(generated_case, tmp_path):
    text = (generated_case.case_dir / "alerts.csv").read_bytes()
    case = load_case(generated_case.case_dir)
    cells = list(case.alerts["reasons"])
    assert cells and all(a.stored is None for cell in cells for a in cell)
    assert [";".join(a.code for a in cell) for cell in cells] == list(case.alerts["codes"])
    write_case_data(case, tmp_path / "again")
    assert (tmp_path / "again" / "alerts.csv").read_bytes() == text
    # shown in the other language, the reasons are that language's messages
    en = catalogue("en")
    for cell, text in zip(cells, alert_texts(case.alerts, "en")["reasons"], strict=True):
        lines = text.split("\n")
        assert all(
            x.startswith(en[a.message].split("{")[0]) for a, x in zip(cell, lines, strict=True)
        )
    assert read_alert_texts(alert_texts(case.alerts, "en"), "en")["reasons"].tolist() == cells


def test_alert_texts_wants_alerts():
    table = pd.DataFrame({"account": ["a"], "codes": ["fan_in"], "reasons": ["some text"]})
    with pytest.raises(TypeError, match="tuple of Alert"):
        alert_texts(table, "zh")
