"""The alias table: how banks spell each field. A new bank layout is a data entry here.

Header cells are compared after :func:`header_key` (full-width to half-width, spaces
removed, lower case, a trailing unit such as ``(元)`` dropped), so ``交易金额（元）`` and
``Transaction Amount`` need no entries of their own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "FIELDS",
    "DIRECTION_IN",
    "DIRECTION_OUT",
    "STATUS_OK",
    "STATUS_FAILED",
    "TOTAL_MARKERS",
    "PLACEHOLDERS",
    "TITLE_FIELDS",
    "CARD_HINTS",
    "header_key",
    "header_field",
]

#: field -> header spellings (CONTRACT §2, plus variants seen in the wild)
FIELDS: dict[str, tuple[str, ...]] = {
    "account": (
        "交易卡号", "交易账号", "卡号", "账号", "帐号", "本方账号", "本方卡号", "本方帐号",
        "查询账号", "查询卡号", "客户账号", "账户账号", "借记卡号", "主账号",
        "Account Number", "Account No", "Account No.", "Account", "Card Number", "Card No",
    ),
    "holder_name": (
        "交易方户名", "交易户名", "账户开户名称", "户名", "本方户名", "账户名称", "客户名称",
        "账户名", "开户名称", "本方名称", "持卡人", "持卡人姓名",
        "Account Name", "Name", "Account Holder", "Holder Name",
    ),
    "holder_id": (
        "交易方证件号码", "交易证件号码", "开户人证件号码", "证件号码", "身份证号", "本方证件号码",
        "身份证号码", "证件号", "客户证件号码",
        "ID Number", "ID No", "Holder ID",
    ),
    "time": (
        "交易时间", "交易日期", "交易日期时间", "记账日期", "记账时间", "入账日期", "入账时间",
        "发生时间", "交易发生时间", "发生日期", "时间", "日期",
        "Transaction Time", "Transaction Date", "Date", "Time", "Posting Date", "Value Date",
    ),
    "amount": (
        "交易金额", "发生额", "金额", "交易额", "交易发生额",
        "Amount", "Transaction Amount",
    ),
    "out_amount": (
        "借方发生额", "支出金额", "支出", "付款金额", "转出金额", "借方金额", "支取金额",
        "Debit", "Debit Amount", "Withdrawal", "Withdrawals",
    ),
    "in_amount": (
        "贷方发生额", "收入金额", "存入", "收款金额", "转入金额", "贷方金额", "存入金额", "收入",
        "Credit", "Credit Amount", "Deposit", "Deposits",
    ),
    "direction": (
        "收付标志", "借贷标志", "借贷标记", "借贷方向", "收支标志", "收支方向", "交易方向",
        "资金流向", "借贷", "收付方向",
        "Direction", "Dr/Cr", "D/C", "Debit/Credit", "Cr/Dr",
    ),
    "balance": (
        "交易余额", "余额", "账户余额", "联机余额", "账面余额", "可用余额",
        "Balance", "Running Balance",
    ),
    "counterparty": (
        "交易对手账卡号", "对手账号", "对方账号", "对方帐号", "对手卡号", "对方卡号", "对方账户",
        "对方帐户", "对手账户", "交易对手账号", "对方账卡号", "收/付方账号", "对方账号卡号",
        "Counterparty Account", "Opposite Account", "Beneficiary Account",
        "Counterparty Account No", "Counterparty Account Number",
    ),
    "counterparty_name": (
        "对手户名", "对方户名", "对方名称", "对手名称", "对方账户名称", "对方账户名",
        "对方单位名称", "交易对手名称", "交易对手户名", "收/付方名称",
        "Counterparty Name", "Beneficiary Name", "Opposite Name",
    ),
    "counterparty_id": (
        "对手身份证号", "对手证件号码", "对方证件号码", "交易对手证照号码", "对方身份证号",
        "Counterparty ID",
    ),
    "counterparty_bank": (
        "对手开户银行", "对方行名", "对方开户行", "对方银行", "对方开户银行", "对方开户机构",
        "Counterparty Bank", "Beneficiary Bank",
    ),
    "memo": (
        "摘要说明", "摘要", "交易摘要", "用途", "附言", "备注", "交易附言", "交易用途",
        "Description", "Memo", "Remark", "Remarks", "Narrative",
    ),
    "channel": ("交易渠道", "渠道", "交易方式", "交易类型", "Channel"),
    "reference": (
        "交易流水号", "流水号", "银行流水号", "交易序号", "传票号", "交易参考号", "凭证号",
        "Reference No", "Reference", "Transaction ID", "Ref No", "Reference Number",
    ),
    "branch": ("交易网点名称", "交易网点", "网点名称", "交易机构", "Branch"),
    "status": ("交易是否成功", "交易状态", "是否成功", "Status", "Transaction Status"),
    "currency": ("交易币种", "币种", "Currency"),
}

#: Headers of the account field that name the card (the canonical id when both are shown).
CARD_HINTS = ("卡号", "card")

#: Direction flags, compared after stripping and upper-casing.
DIRECTION_IN = frozenset(
    {"进", "收", "入", "贷", "收入", "转入", "存入", "C", "CR", "CREDIT", "IN", "+"}
)
DIRECTION_OUT = frozenset(
    {"出", "付", "支", "借", "支出", "转出", "支取", "D", "DR", "DEBIT", "OUT", "-"}
)

#: Status values, compared after stripping and upper-casing.
STATUS_OK = frozenset({"是", "成功", "Y", "YES", "SUCCESS", "SUCCEEDED", "OK", "交易成功", "正常", "1"})
STATUS_FAILED = frozenset({"否", "失败", "N", "NO", "FAILED", "FAIL", "FAILURE", "交易失败", "0"})

#: A row whose first cells start with one of these is a totals line, not a transaction.
TOTAL_MARKERS = ("合计", "本页合计", "总计", "小计", "累计", "TOTAL", "SUBTOTAL", "PAGE TOTAL")

#: Cells that mean "empty".
PLACEHOLDERS = frozenset({"NULL", "NONE", "NAN", "N/A", "NA", "无", "\\N"})

#: Title lines above the header ("账号：6222…") that name the statement's account or holder.
TITLE_FIELDS: dict[str, tuple[str, ...]] = {
    "account": (
        "账号", "卡号", "帐号", "查询账号", "查询卡号", "客户账号", "交易卡号", "交易账号", "开户账号",
        "账户", "帐户", "卡号/账号", "账号/卡号", "Account Number", "Account No", "Account",
    ),
    "holder_name": (
        "户名", "账户名称", "客户名称", "姓名", "账户名", "开户名", "客户名", "持卡人",
        "Account Name", "Name",
    ),
    "holder_id": ("证件号码", "身份证号", "ID Number"),
}

_UNIT_RE = re.compile(r"\((元|人民币|rmb|cny|yuan)\)$")
_SPACE_RE = re.compile(r"\s+")


def header_key(text: object) -> str:
    """Normalise a header cell for lookup.

    >>> header_key(" 交易金额（元） ")
    '交易金额'
    >>> header_key("Account  No.")
    'accountno.'
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = _SPACE_RE.sub("", s).replace("\ufeff", "")
    s = _UNIT_RE.sub("", s)
    return s


_LOOKUP: dict[str, str] = {}
for _field, _names in FIELDS.items():
    for _name in _names:
        _LOOKUP.setdefault(header_key(_name), _field)


@lru_cache(maxsize=1 << 16)
def _field_of(text: str) -> str | None:
    return _LOOKUP.get(header_key(text))


def header_field(text: object) -> str | None:
    """The field a header cell stands for, or None.

    >>> header_field("对方帐号"), header_field("Dr/Cr"), header_field("IP地址")
    ('counterparty', 'direction', None)
    """
    if not isinstance(text, str):
        text = str(text)
    # values (amounts, dates, card numbers) are most cells scanned for a header: skip them
    if not text or len(text) > 40 or text.lstrip()[:1].isdigit():
        return None
    return _field_of(text)
