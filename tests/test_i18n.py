"""The message catalogue is complete in every language."""

import json
import re
from importlib import resources

import pytest

from fundgraph.i18n import LANGS, catalogue, cli_lang, t


def _files(lang):
    folder = resources.files("fundgraph") / "locales" / lang
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in folder.iterdir()
        if p.name.endswith(".json")
    }


def test_same_files_in_every_language():
    names = {lang: set(_files(lang)) for lang in LANGS}
    assert names["zh"] == names["en"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_in_every_language(lang):
    others = [o for o in LANGS if o != lang]
    for other in others:
        missing = sorted(set(catalogue(other)) - set(catalogue(lang)))
        assert not missing, f"keys missing in {lang}: {missing[:10]}"


def test_placeholders_agree_between_languages():
    zh, en = catalogue("zh"), catalogue("en")
    for key in zh:
        assert set(re.findall(r"\{(\w+)", zh[key])) == set(re.findall(r"\{(\w+)", en[key])), key


def test_no_empty_messages():
    for lang in LANGS:
        empty = [k for k, v in catalogue(lang).items() if not str(v).strip()]
        assert not empty, empty


def test_lookup_and_fill():
    assert t("role.core", "zh") == "核心账户"
    assert t("reject.unknown_direction", "en", value="X") == 'unknown direction flag "X"'
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_cli_language_follows_locale():
    assert cli_lang({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert cli_lang({"LANG": "en_US.UTF-8"}) == "en"
    assert cli_lang({"LC_ALL": "zh_TW", "LANG": "en_US"}) == "zh"
    assert cli_lang({"LANG": "C"}) == "en"
