"""Money as spreadsheet and graph numbers; text safe for XML."""

from __future__ import annotations

import random
from decimal import Decimal

import pandas as pd

from fundgraph.export._common import EXACT_CENTS, xml_safe, yuan_number, yuan_numbers


def test_vectorised_yuan_is_the_exact_conversion():
    rng = random.Random(7)
    values = [0, 1, -1, 5, 10, 99, 100, 123456, -123456, EXACT_CENTS - 1, -(EXACT_CENTS - 1)]
    values += [rng.randrange(-(10**13), 10**13) for _ in range(2000)]
    fast = yuan_numbers(pd.Series(values, dtype="int64"))
    for c, v in zip(values, fast, strict=True):
        assert v == float(Decimal(c) / 100) == yuan_number(c)
        if abs(c) < 10**15:  # below 2**53 cents the shortest decimal is the amount itself
            assert Decimal(repr(float(v))) == Decimal(c) / 100


def test_amounts_beyond_double_precision_still_convert_exactly():
    big = [EXACT_CENTS * 4 + 3, 5]
    out = yuan_numbers(pd.Series(big, dtype="int64"))
    assert out[0] == float(Decimal(big[0]) / 100) and out[1] == 0.05


def test_missing_amounts_are_nan():
    out = yuan_numbers(pd.Series([100, None], dtype="Int64"))
    assert out[0] == 1.0 and out[1] != out[1]


def test_xml_safe_replaces_only_forbidden_characters():
    assert xml_safe("a\x00b\x1f\tc\n<&>") == "a\ufffdb\ufffd\tc\n<&>"
    assert xml_safe(None) == "" and xml_safe(float("nan")) == ""
