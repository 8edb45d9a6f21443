"""The alias table: how banks spell each field. A new bank layout is a data entry here.

The header spellings, direction flags and status values live in ``vocabulary.toml`` beside
this module, written in the format of a user layout file (``fundgraph analyze --layout``);
the rules that refine them (posting dates, settlement amounts, neutral rows …) follow.

Header cells are compared after :func:`header_key` (full-width to half-width, spaces
removed, lower case, a trailing unit such as ``(元)`` dropped), so ``交易金额（元）`` and
``Transaction Amount`` need no entries of their own.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

__all__ = [
    "VOCABULARY_FILE",
    "FIELDS",
    "DIRECTION_IN",
    "DIRECTION_OUT",
    "STATUS_OK",
    "STATUS_FAILED",
    "TOTAL_MARKERS",
    "PLACEHOLDERS",
    "TITLE_FIELDS",
    "STATUS_CLOSED",
    "DIRECTION_NEUTRAL",
    "TOTAL_WORDS",
    "FOOTER_WORDS",
    "NO_RECORD_WORDS",
    "FILLER_NAMES",
    "CURRENCY_CODES",
    "column_role",
    "CARD_HINTS",
    "header_key",
    "header_field",
]

#: The data file holding the header spellings, direction flags and status values, in the
#: format of a user layout (:mod:`fundgraph.ingest.layouts`).
VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
_DATA = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))["layout"][0]

#: field -> header spellings (docs/input.md, "Header vocabulary", plus variants seen in the wild)
FIELDS: dict[str, tuple[str, ...]] = {f: tuple(names) for f, names in _DATA["headers"].items()}

#: Headers of the account field that name the card (the canonical id when both are shown).
CARD_HINTS = ("卡号", "card")

#: Direction flags, compared after stripping and upper-casing.
DIRECTION_IN = frozenset(_DATA["direction"]["in"])
DIRECTION_OUT = frozenset(_DATA["direction"]["out"])

#: Status values, compared after stripping and upper-casing. Executed rows are read; rows
#: not executed are rejected; an order "closed" is not executed unless its row names a
#: direction (a payment refunded later is still a payment); any other value is kept and
#: reported.
STATUS_OK = frozenset(_DATA["status"]["executed"])
STATUS_FAILED = frozenset(_DATA["status"]["not_executed"])
#: An order closed: not executed, unless the row says money moved (支出 / 收入).
STATUS_CLOSED = frozenset({"交易关闭", "已关闭", "关闭", "CLOSED"})

#: Direction values that say neither in nor out (payment apps' neutral rows); such rows
#: are decided by what the row says happened (:data:`NEUTRAL_IN_WORDS` ...).
DIRECTION_NEUTRAL = frozenset({"不计收支", "其他", "其它", "中性", "中性交易", "不计入收支", "/"})

#: A row whose first cells start with one of these is a totals line, not a transaction.
TOTAL_MARKERS = (
    "合计",
    "本页合计",
    "总计",
    "小计",
    "累计",
    "人民币合计",
    "合计金额",
    "TOTAL",
    "SUBTOTAL",
    "PAGE TOTAL",
)
#: Text a totals line holds anywhere in its first cells (``人民币合计``, ``Total debits``).
TOTAL_WORDS = ("合计", "总计", "小计", "TOTAL")
#: A footer below the table (export notes, a count of rows), not a transaction.
FOOTER_WORDS = (
    "导出信息",
    "说明",
    "以上数据",
    "仅供参考",
    "打印时间",
    "导出时间",
    "制表",
    "经办",
    "备注：",
    "温馨提示",
    "特别提示",
    "END OF STATEMENT",
    "PAGE ",
)
#: A row that stands for "no transactions" (police query returns).
NO_RECORD_WORDS = (
    "未查询到",
    "无交易明细",
    "无交易记录",
    "没有交易",
    "查无",
    "NO TRANSACTION",
    "NO RECORD",
)

#: Cells that mean "empty".
PLACEHOLDERS = frozenset({"NULL", "NONE", "NAN", "N/A", "NA", "无", "\\N", "/", "--", "-", "空"})

#: Counterparty "names" and "accounts" that are a bank's filler text, not a party.
FILLER_NAMES = frozenset(
    {
        "贷记卡卡号",
        "借记卡卡号",
        "对方卡号",
        "对方账号",
        "对方户名",
        "卡号",
        "账号",
        "户名",
        "无对方信息",
    }
)

# ------------------------------------------------------------------ column roles
# Header keys (see :func:`header_key`) that refine a field: posting dates give way to a
# transaction date, a settlement amount wins over the transaction amount, a sort code is
# the first part of the account number beside it. The columns below are kept in
# ``extra`` like any unmapped column and also read for the rules they serve.

#: Time columns that are the posting date when another column holds the transaction date.
POSTING_TIME = (
    "记账日期",
    "记账日",
    "记账时间",
    "入账日期",
    "入账时间",
    "Posting Date",
    "Completed Date",
    "Date Posted",
    "Value Date",
    "Transaction Posted Date",
)
#: Amount columns that hold what moved on the account (settlement, billing, 入账).
SETTLE_AMOUNT = (
    "结算金额",
    "入账金额",
    "记账金额",
    "Billing Amount",
    "实付金额",
    "人民币金额",
    "Settlement Amount",
    "记账金额(收入)",
    "记账金额(支出)",
)
#: Currency columns of the settlement amount.
SETTLE_CURRENCY = ("结算币种", "记账币种", "Billing Currency")
#: Account columns that are a bank code printed before the account number.
ACCOUNT_PREFIX = ("Sort Code", "BSB", "Routing Number")
#: The bank's own mark of a cash transaction.
CASH_FLAG_COLUMNS = ("现金标志", "现转标志", "现金/转账", "钞转标志")
CASH_FLAG_YES = frozenset({"现金", "现金交易", "现", "CASH", "现金存入", "现金支取"})
#: How a payment was funded (a card, a balance, pay-later): information, not the counterparty.
FUNDING_COLUMNS = ("收/付款方式", "支付方式", "付款方式", "收付款方式", "Payment Method")
#: A merchant's name: the counterparty's name where no other column gives one.
MERCHANT_COLUMNS = ("商户名称", "商家名称", "Merchant", "Merchant Name")
#: A payment app's category of the row.
CATEGORY_COLUMNS = ("交易分类", "交易类型", "Type", "Transaction Type")
#: Memo or channel text that marks a real cash deposit or withdrawal.
CASH_MEMO_RE = r"现金(?!奖励|红包|返|券|分期)|存现|取现|现存|现支|ATM|取款|CASH WITHDRAWAL|CASH DEPOSIT|CASH WDL"

#: Neutral rows: what the row says happened decides the direction.
NEUTRAL_REFUND_RE = r"退款|退货|退回|REFUND"
NEUTRAL_INTERNAL_RE = r"(?:到|至|来自)(?:零钱|余额)(?!宝)|(?:零钱|余额)(?:通)?转(?:入|出)?-?(?:到|至)?(?:零钱|余额)(?:通)?(?!宝)"
NEUTRAL_IN_RE = r"卖出|赎回|收益|充值|转入|来自|返现|奖励|利息|结息|分红|退回"
NEUTRAL_OUT_RE = r"提现|还款|购买|买入|申购|转出|缴费|支付|到[^零余]"
PAY_LATER_RE = r"先享后付|先用后付|白条|花呗分期"
#: Amount annotations of a payment app ("131.77(已退款89.84)", "468.32(已全额退款)").
AMOUNT_NOTE_RE = r"[(（][^()（）0-9.]*(?:退款|退)[^()（）]*[)）]$"

#: Credit-card statements: memo words of money into the card (repayment, refund,
#: cashback) and out of it (purchase, fee); their signs in a file decide its convention.
CARD_IN_RE = r"还款|退款|退货|返现|奖励|REPAYMENT|PAYMENT THANK|REFUND|CASHBACK|REVERSAL|AUTOPAY"
CARD_OUT_RE = r"消费|手续费|年费|利息|分期|PURCHASE|\bFEE\b"

#: Currency spellings to ISO codes.
CURRENCY_CODES = {
    "人民币": "CNY",
    "RMB": "CNY",
    "CNY": "CNY",
    "156": "CNY",
    "人民币元": "CNY",
    "元": "CNY",
    "港币": "HKD",
    "港元": "HKD",
    "HKD": "HKD",
    "344": "HKD",
    "美元": "USD",
    "美金": "USD",
    "USD": "USD",
    "840": "USD",
    "欧元": "EUR",
    "EUR": "EUR",
    "978": "EUR",
    "英镑": "GBP",
    "GBP": "GBP",
    "826": "GBP",
    "日元": "JPY",
    "JPY": "JPY",
    "392": "JPY",
    "加元": "CAD",
    "CAD": "CAD",
    "124": "CAD",
    "澳元": "AUD",
    "AUD": "AUD",
    "新加坡元": "SGD",
    "SGD": "SGD",
    "澳门元": "MOP",
    "MOP": "MOP",
    "新台币": "TWD",
    "TWD": "TWD",
    "韩元": "KRW",
    "KRW": "KRW",
}

#: Title lines above the header ("账号：6222…") that name the statement's account or holder.
TITLE_FIELDS: dict[str, tuple[str, ...]] = {
    "account": (
        "账号",
        "卡号",
        "帐号",
        "查询账号",
        "查询卡号",
        "客户账号",
        "交易卡号",
        "交易账号",
        "开户账号",
        "账户",
        "帐户",
        "卡号/账号",
        "账号/卡号",
        "支付宝账户",
        "京东账号名",
        "京东账号",
        "美团账号",
        "财付通账号",
        "账户号码",
        "卡号码",
        "Account Number",
        "Account No",
        "Account",
    ),
    "holder_name": (
        "户名",
        "账户名称",
        "客户名称",
        "姓名",
        "账户名",
        "开户名",
        "客户名",
        "持卡人",
        "Account Name",
        "Name",
    ),
    "holder_id": ("证件号码", "身份证号", "ID Number"),
    "nickname": ("微信昵称", "昵称", "用户名", "Nickname"),
    "currency": ("币种", "币别", "货币", "Currency"),
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


_ROLES: dict[str, str] = {}
for _role, _names in (
    ("posting_time", POSTING_TIME),
    ("settle_amount", SETTLE_AMOUNT),
    ("settle_currency", SETTLE_CURRENCY),
    ("account_prefix", ACCOUNT_PREFIX),
    ("cash_flag", CASH_FLAG_COLUMNS),
    ("funding", FUNDING_COLUMNS),
    ("category", CATEGORY_COLUMNS),
    ("merchant", MERCHANT_COLUMNS),
):
    for _name in _names:
        _ROLES.setdefault(header_key(_name), _role)


def column_role(text: object) -> str | None:
    """The refining role of a header cell (see :data:`POSTING_TIME` …), or None.

    >>> column_role("记账日期"), column_role("现金标志"), column_role("交易金额")
    ('posting_time', 'cash_flag', None)
    """
    return _ROLES.get(header_key(text))
