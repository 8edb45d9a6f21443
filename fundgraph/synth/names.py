"""Made-up identities: Chinese names, resident ID numbers, credit codes, card and account numbers.

Every function takes a :class:`numpy.random.Generator` and returns numpy object arrays, so
a case of a hundred thousand people is named in one vectorised call.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BANKS",
    "person_names",
    "company_names",
    "resident_ids",
    "credit_codes",
    "card_numbers",
    "account_numbers",
]

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆帅旭宁龙林欣佳琳晨雪梅莉慧婷颖琴云莲真环瑶怡倩雯婕馨瑞博文武志国建春海波德福贵祥荣昌富顺"
)
BRAND = list("鑫汇盛恒泰通达丰源金瑞华富隆宏信诚德安嘉益和祥融博创宝聚裕银晟昊锦润鼎盈")
CITIES = ["贵州", "贵阳", "凯里", "遵义", "都匀", "安顺", "毕节", "铜仁", "黔东南", "黔南"]
REGIONS = np.array(
    [
        "520102",
        "520103",
        "520111",
        "520302",
        "520402",
        "522601",
        "522622",
        "522701",
        "522501",
        "520201",
    ],
    dtype=object,
)

#: (bank name, card prefix) pairs; persons' cards start with their bank's prefix.
BANKS = {
    "icbc": ("中国工商银行", "622202"),
    "ccb": ("中国建设银行", "621700"),
    "ccb2": ("中国建设银行", "623668"),
    "abc": ("中国农业银行", "622848"),
    "boc": ("中国银行", "621661"),
    "cmb": ("招商银行", "622588"),
    "psbc": ("中国邮政储蓄银行", "621799"),
    "bocom": ("交通银行", "622262"),
    "rcc": ("贵州省农村信用社", "623058"),
}

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.array(list("10X98765432"), dtype=object)
_USCC_CHARS = np.array(list("0123456789ABCDEFGHJKLMNPQRTUWXY"), dtype=object)


def _join(*parts: np.ndarray) -> np.ndarray:
    out = parts[0].astype(object)
    for p in parts[1:]:
        out = out + p.astype(object)
    return out


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` strings of ``width`` random decimal digits."""
    d = rng.integers(0, 10, size=(n, width)).astype(np.uint8) + ord("0")
    return (
        np.array([bytes(r).decode() for r in d], dtype=object) if n else np.array([], dtype=object)
    )


def person_names(
    rng: np.random.Generator, n: int, surnames: np.ndarray | None = None
) -> np.ndarray:
    """Two- or three-character Chinese names (surname + one or two given characters)."""
    sur = surnames if surnames is not None else rng.choice(np.array(SURNAMES, dtype=object), n)
    g1 = rng.choice(np.array(GIVEN, dtype=object), n)
    g2 = np.where(rng.random(n) < 0.7, rng.choice(np.array(GIVEN, dtype=object), n), "")
    return _join(np.asarray(sur, dtype=object), g1, g2.astype(object))


def company_names(rng: np.random.Generator, n: int, suffixes: list[str]) -> np.ndarray:
    """Company names: place, two brand characters, a trade suffix (``…投资咨询有限公司``)."""
    city = rng.choice(np.array(CITIES, dtype=object), n)
    b = rng.choice(np.array(BRAND, dtype=object), (n, 2))
    suf = rng.choice(np.array(suffixes, dtype=object), n)
    return _join(city, b[:, 0], b[:, 1], suf)


def resident_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """18-character resident ID numbers with a valid GB 11643 check character."""
    region = rng.choice(REGIONS, n)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 18250, n).astype("timedelta64[D]")
    ymd = (
        np.array([str(d).replace("-", "") for d in birth], dtype=object)
        if n
        else np.array([], object)
    )
    seq = _digits(rng, n, 3)
    body = _join(region, ymd, seq)
    if n == 0:
        return body
    dig = np.array([[ord(c) - 48 for c in s] for s in body], dtype=np.int64)
    check = _ID_CHECK[(dig * _ID_WEIGHTS).sum(axis=1) % 11]
    return _join(body, check)


def credit_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    """18-character unified social credit codes (``91`` + region + random body)."""
    region = rng.choice(REGIONS, n)
    body = rng.choice(_USCC_CHARS, (n, 10))
    return _join(np.full(n, "91", dtype=object), region, *[body[:, i] for i in range(10)])


def _luhn_complete(body: np.ndarray) -> np.ndarray:
    dig = np.array([[ord(c) - 48 for c in s] for s in body], dtype=np.int64)
    rev = dig[:, ::-1]
    dbl = rev.copy()
    dbl[:, 0::2] *= 2
    dbl = np.where(dbl > 9, dbl - 9, dbl)
    check = (10 - dbl.sum(axis=1) % 10) % 10
    return _join(body, check.astype(str).astype(object))


def card_numbers(rng: np.random.Generator, prefixes: np.ndarray) -> np.ndarray:
    """19-digit card numbers starting with the given 6-digit bank prefixes (Luhn-valid)."""
    n = len(prefixes)
    if n == 0:
        return np.array([], dtype=object)
    body = _join(np.asarray(prefixes, dtype=object), _digits(rng, n, 12))
    return _luhn_complete(body)


def account_numbers(rng: np.random.Generator, n: int, lo: int = 12, hi: int = 20) -> np.ndarray:
    """Account numbers of ``lo``..``hi`` digits, never starting with 0 or 6 (not card-like)."""
    if n == 0:
        return np.array([], dtype=object)
    widths = rng.integers(lo, hi + 1, n)
    first = rng.choice(np.array(list("12345789"), dtype=object), n)
    rest = _digits(rng, n, hi - 1)
    return np.array(
        [f + r[: w - 1] for f, r, w in zip(first, rest, widths, strict=True)], dtype=object
    )
