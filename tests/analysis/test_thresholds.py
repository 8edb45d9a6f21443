"""Legal thresholds at their boundaries (法释〔2022〕5号, 传销 standards)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundgraph.analysis import THRESHOLDS, evaluate_thresholds
from fundgraph.i18n import catalogue
from fundgraph.results import Threshold

WAN = 1_000_000


def figures(**kw):
    base = {"total_absorbed": 0, "direct_loss": 0, "participant_persons": 0, "max_level": 0}
    base.update(kw)
    return base


def met(rows, key):
    keys = [k for k, _, _ in THRESHOLDS]
    assert [r.key for r in rows] == keys
    return rows[keys.index(key)].met


@pytest.mark.parametrize(
    "key, metric, below, at",
    [
        ("176_amount", "total_absorbed", 100 * WAN - 1, 100 * WAN),
        ("176_persons", "participant_persons", 149, 150),
        ("176_loss", "direct_loss", 50 * WAN - 1, 50 * WAN),
        ("192_large", "direct_loss", 10 * WAN - 1, 10 * WAN),
        ("192_huge", "direct_loss", 100 * WAN - 1, 100 * WAN),
        ("224_members", "participant_persons", 29, 30),
        ("224_members_serious", "participant_persons", 119, 120),
        ("224_amount_serious", "total_absorbed", 250 * WAN - 1, 250 * WAN),
    ],
)
def test_boundaries(key, metric, below, at):
    assert not met(evaluate_thresholds(figures(**{metric: below})), key)
    assert met(evaluate_thresholds(figures(**{metric: at})), key)


def test_levels_count_the_organisers_level():
    # core level 0, collectors 1, participants 2: three levels
    assert met(evaluate_thresholds(figures(max_level=2, participant_persons=40)), "224_levels")
    assert not met(evaluate_thresholds(figures(max_level=1, participant_persons=40)), "224_levels")


def test_not_the_2010_numbers():
    rows = evaluate_thresholds(figures(total_absorbed=20 * WAN, participant_persons=30))
    assert not met(rows, "176_amount") and not met(rows, "176_persons")


def test_entries_in_case_json_have_every_field_and_money_is_decimal():
    rows = evaluate_thresholds(figures(total_absorbed=123_456_789))
    assert rows[0].value == 123_456_789 and rows[0].money and not rows[1].money
    for lang in ("zh", "en"):
        entries = [r.to_dict(lang) for r in rows]
        for e in entries:
            assert list(e) == ["law", "clause", "metric", "value", "threshold", "met", "note"]
            assert e["law"] and e["clause"] and e["note"]
        assert entries[0]["value"] == Decimal("1234567.89")
        assert isinstance(entries[0]["threshold"], Decimal)
        assert [Threshold.from_dict(e) for e in entries] == rows
    zh = [r.to_dict("zh") for r in evaluate_thresholds(figures())]
    assert "法释〔2022〕5号" in zh[0]["clause"]
    assert "以非法占有为目的" in [r for r in zh if r["metric"] == "direct_loss"][3]["note"]


def test_an_entry_of_no_threshold_is_refused():
    entry = evaluate_thresholds(figures())[0].to_dict("en")
    entry["threshold"] = Decimal("999.00")
    with pytest.raises(ValueError, match="no threshold total_absorbed"):
        Threshold.from_dict(entry)


def test_catalogues_have_the_same_keys():
    import json
    from importlib import resources

    files = {
        lang: json.loads(
            (resources.files("fundgraph") / "locales" / lang / "analysis.json").read_text(
                encoding="utf-8"
            )
        )
        for lang in ("zh", "en")
    }
    assert files["zh"].keys() == files["en"].keys()
    for lang in ("zh", "en"):
        assert set(files[lang]) <= set(catalogue(lang))
