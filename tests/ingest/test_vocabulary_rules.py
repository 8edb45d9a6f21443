"""The vocabulary of docs/input.md: every header spelling, flag and status value is understood."""

from __future__ import annotations

import unicodedata

import pytest

from fundgraph.ingest.vocabulary import (
    DIRECTION_IN,
    DIRECTION_OUT,
    FIELDS,
    STATUS_FAILED,
    STATUS_OK,
    header_field,
    header_key,
)

#: The table of docs/input.md, field by field (the document's wording, not the code's).
CONTRACT_HEADERS: dict[str, tuple[str, ...]] = {
    "account": (
        "交易卡号",
        "交易账号",
        "卡号",
        "账号",
        "帐号",
        "本方账号",
        "本方卡号",
        "查询账号",
        "查询卡号",
        "Account Number",
        "Account No",
        "Account",
    ),
    "holder_name": (
        "交易方户名",
        "交易户名",
        "账户开户名称",
        "户名",
        "本方户名",
        "账户名称",
        "客户名称",
        "Account Name",
        "Name",
    ),
    "holder_id": (
        "交易方证件号码",
        "交易证件号码",
        "开户人证件号码",
        "证件号码",
        "身份证号",
        "本方证件号码",
        "ID Number",
    ),
    "time": (
        "交易时间",
        "交易日期",
        "交易日期时间",
        "记账日期",
        "记账时间",
        "入账日期",
        "入账时间",
        "发生时间",
        "Transaction Time",
        "Transaction Date",
        "Date",
        "Time",
    ),
    "amount": ("交易金额", "发生额", "金额", "交易额", "Amount", "Transaction Amount"),
    "out_amount": (
        "借方发生额",
        "支出金额",
        "支出",
        "付款金额",
        "转出金额",
        "Debit",
        "Debit Amount",
        "Withdrawal",
    ),
    "in_amount": (
        "贷方发生额",
        "收入金额",
        "存入",
        "收款金额",
        "转入金额",
        "Credit",
        "Credit Amount",
        "Deposit",
    ),
    "direction": (
        "收付标志",
        "借贷标志",
        "借贷标记",
        "借贷方向",
        "收支标志",
        "收支方向",
        "交易方向",
        "资金流向",
        "Direction",
        "Dr/Cr",
        "D/C",
    ),
    "balance": ("交易余额", "余额", "账户余额", "联机余额", "Balance"),
    "counterparty": (
        "交易对手账卡号",
        "对手账号",
        "对方账号",
        "对方帐号",
        "对手卡号",
        "对方卡号",
        "对方账户",
        "对方帐户",
        "对手账户",
        "Counterparty Account",
        "Opposite Account",
        "Beneficiary Account",
    ),
    "counterparty_name": (
        "对手户名",
        "对方户名",
        "对方名称",
        "对手名称",
        "对方账户名称",
        "对方账户名",
        "对方单位名称",
        "Counterparty Name",
        "Beneficiary Name",
    ),
    "counterparty_id": (
        "对手身份证号",
        "对手证件号码",
        "对方证件号码",
        "交易对手证照号码",
        "Counterparty ID",
    ),
    "counterparty_bank": (
        "对手开户银行",
        "对方行名",
        "对方开户行",
        "对方银行",
        "Counterparty Bank",
    ),
    "memo": (
        "摘要说明",
        "摘要",
        "交易摘要",
        "用途",
        "附言",
        "备注",
        "Description",
        "Memo",
        "Remark",
    ),
    "channel": ("交易渠道", "渠道", "交易方式", "Channel"),
    "reference": (
        "交易流水号",
        "流水号",
        "银行流水号",
        "交易序号",
        "传票号",
        "Reference No",
        "Reference",
        "Transaction ID",
    ),
    "branch": ("交易网点名称", "交易网点", "网点名称", "Branch"),
    "status": ("交易是否成功", "交易状态", "是否成功", "Status"),
    "currency": ("交易币种", "币种", "Currency"),
}
CONTRACT_OTHER = ("IP地址", "MAC地址", "现金标志", "交易发生地", "商户名称")
CONTRACT_IN = ("进", "收", "入", "贷", "收入", "转入", "C", "CR", "Credit", "IN")
CONTRACT_OUT = ("出", "付", "支", "借", "支出", "转出", "D", "DR", "Debit", "OUT")
CONTRACT_OK = ("是", "成功", "Y", "success")
CONTRACT_FAILED = ("否", "失败", "N", "failed")

CASES = [(f, h) for f, names in CONTRACT_HEADERS.items() for h in names]
CODE_CASES = [(f, h) for f, names in FIELDS.items() for h in names]


def _fullwidth(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (U+FF01…)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(("field", "header"), CASES, ids=[f"{f}:{h}" for f, h in CASES])
def test_contract_spelling_is_in_the_alias_table(field, header):
    assert header in FIELDS[field]
    assert header_field(header) == field


@pytest.mark.parametrize(("field", "header"), CODE_CASES, ids=[f"{f}:{h}" for f, h in CODE_CASES])
def test_every_alias_maps_to_its_own_field(field, header):
    # no spelling is shadowed by another field's identical key
    assert header_field(header) == field


@pytest.mark.parametrize(("field", "header"), CASES, ids=[f"{f}:{h}" for f, h in CASES])
def test_header_matched_after_trimming_spaces_and_full_width(field, header):
    assert header_field(f"  {header}\t") == field
    assert header_field(f"\u3000{header}\u3000") == field
    assert header_field(_fullwidth(header)) == field
    assert header_field(header.upper()) == field
    assert header_field(f"{header}（元）") == field
    assert header_field(" ".join(header)) == field  # 交 易 金 额: spaces inside are dropped


@pytest.mark.parametrize("header", CONTRACT_OTHER)
def test_other_columns_are_not_taken_for_a_field(header):
    assert header_field(header) is None


def test_header_key_examples():
    assert header_key("\ufeff交易金额(元)") == "交易金额"
    assert header_key("ＡＣＣＯＵＮＴ　ＮＯ") == "accountno"
    assert unicodedata.normalize("NFKC", "（") == "("


@pytest.mark.parametrize("flag", CONTRACT_IN)
def test_in_flags(flag):
    assert flag.upper() in DIRECTION_IN


@pytest.mark.parametrize("flag", CONTRACT_OUT)
def test_out_flags(flag):
    assert flag.upper() in DIRECTION_OUT


def test_flag_sets_do_not_overlap():
    assert not DIRECTION_IN & DIRECTION_OUT
    assert not STATUS_OK & STATUS_FAILED


@pytest.mark.parametrize("value", CONTRACT_OK)
def test_status_ok(value):
    assert value.upper() in STATUS_OK


@pytest.mark.parametrize("value", CONTRACT_FAILED)
def test_status_failed(value):
    assert value.upper() in STATUS_FAILED
