"""Every reject code has a message in both languages."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from fundgraph.i18n import t
from fundgraph.ingest.normalise import REJECT_CODES

FILE_CODES = (
    "binary",
    "empty_file",
    "no_header",
    "no_time_column",
    "no_amount_column",
    "unreadable",
    "too_large",
    "empty_sheet",
    "duplicate_row",
)


def _keys(lang: str) -> set[str]:
    text = (resources.files("fundgraph") / "locales" / lang / "ingest.json").read_text(
        encoding="utf-8"
    )
    return set(json.loads(text))


def test_same_keys_in_both_languages():
    assert _keys("zh") == _keys("en")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("code", REJECT_CODES + FILE_CODES)
def test_every_code_has_a_message(lang, code):
    assert t(f"reject.{code}", lang, value="x")
