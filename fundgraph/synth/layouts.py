"""Bank export layouts: each writes its statements the way one kind of bank does.

Every writer takes the statement rows of its statements and returns one record per file
(or sheet) with ``rows_read`` (non-empty rows below the header), ``rows_valid`` and
``rows_junk`` (repeated headers, totals lines, failed attempts). Header spellings rotate
between statements of the same layout so that, over a case, the whole vocabulary of
docs/input.md shows up.
"""

from __future__ import annotations

from itertools import repeat
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["WRITERS", "xls_available"]

DAY = 86_400
PAD2 = np.array([f"{i:02d}" for i in range(100)], dtype=object)
NUM = np.array([str(i) for i in range(100)], dtype=object)
YEARS = np.array([str(y) for y in range(1970, 2100)], dtype=object)
# a fixed creation time keeps workbooks byte-identical for a seed
FIXED_TIME = pd.Timestamp("2023-01-01 00:00:00").to_pydatetime()


def xls_available() -> bool:
    """Whether the optional ``xlwt`` package (genuine .xls writing) is installed."""
    try:
        import xlwt  # noqa: F401
    except ImportError:
        return False
    return True


class _Clock:
    """Date and time pieces of statement rows, as strings, vectorised."""

    def __init__(self, start: pd.Timestamp, t: np.ndarray) -> None:
        start_d = np.datetime64(start.date())
        d = start_d + (t // DAY).astype("timedelta64[D]")
        self.serial_day = (d - np.datetime64("1899-12-30")).astype(np.int64)
        sec = t % DAY
        self.sec = sec
        m = d.astype("datetime64[M]")
        self.Y = YEARS[d.astype("datetime64[Y]").astype(np.int64)]
        mi = m.astype(np.int64) % 12 + 1
        di = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
        self.M, self.D = PAD2[mi], PAD2[di]
        self.m1, self.d1 = NUM[mi], NUM[di]
        self.h, self.mi, self.s = PAD2[sec // 3600], PAD2[sec % 3600 // 60], PAD2[sec % 60]

        self._memo: dict = {}

    def _cached(self, key, make):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def iso(self, sep=" "):
        return self._cached(("iso", sep), lambda: self.date("-") + sep + self.hms())

    def date(self, sep="-"):
        return self._cached(("date", sep), lambda: self.Y + sep + self.M + sep + self.D)

    def hms(self):
        return self._cached("hms", lambda: self.h + ":" + self.mi + ":" + self.s)

    def ymd(self):
        return self._cached("ymd", lambda: self.Y + self.M + self.D)

    def compact(self):
        return self._cached("compact", lambda: self.ymd() + self.h + self.mi + self.s)

    def excel(self) -> np.ndarray:
        return self.serial_day + self.sec / DAY


def _plain(c: np.ndarray) -> np.ndarray:
    a = np.abs(c)
    s = (a // 100).astype(str).astype(object) + "." + PAD2[a % 100]
    return np.where(c < 0, "-" + s, s)


def _commas(c: np.ndarray) -> np.ndarray:
    a = np.abs(c)
    s = np.array([f"{x:,}" for x in (a // 100).tolist()], dtype=object) + "." + PAD2[a % 100]
    return np.where(c < 0, "-" + s, s)


def _short(c: np.ndarray) -> np.ndarray:
    a = np.abs(c)
    s = np.where(a % 100 == 0, (a // 100).astype(str).astype(object), _plain(a))
    return np.where(c < 0, "-" + s, s)


def _join(cols: list, sep: str) -> list[str]:
    """Rows of delimited text from column arrays (joining per row beats column-wise ``+``)."""
    n = max(len(c) for c in cols if not isinstance(c, str))
    its = [repeat(c, n) if isinstance(c, str) else c.tolist() for c in cols]
    return list(map(sep.join, zip(*its, strict=True)))


def _q(a: np.ndarray) -> np.ndarray:
    return '"' + a + '"'


def _full(n: int, v: str) -> np.ndarray:
    return np.full(n, v, dtype=object)


def _period(start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, str]:
    return start.strftime("%Y-%m-%d"), (end - pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|')


def _fname(st, ext: str) -> str:
    return f"{_safe(st.holder_name)}_{st.number}.{ext}"


def _write(path: Path, text: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


class _Ctx:
    """What every writer needs: rows, statements, where to write, the case period."""

    def __init__(self, rows, meta, root: Path, folder: str, start, end, rng):
        self.rows, self.meta, self.root, self.folder = rows, meta, root, folder
        self.start, self.end, self.rng = start, end, rng
        self.n = len(rows)
        self.clock = _Clock(start, rows["t"].to_numpy())
        self.amount = rows["amount"].to_numpy()
        self.dir = rows["dir"].to_numpy()
        self.failed = rows["failed"].to_numpy()
        self.balance = rows["balance"].to_numpy()
        self.obj = {
            c: rows[c].to_numpy(dtype=object)
            for c in ("cp_number", "cp_name", "cp_id", "cp_bank", "memo", "channel")
        }
        self.ref = rows["ref"].to_numpy().astype(str).astype(object)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def record(self, path: Path, sheet: str, read: int, junk: int) -> dict:
        return {
            "file": self.rel(path),
            "sheet": sheet,
            "rows_read": read,
            "rows_valid": read - junk,
            "rows_junk": junk,
        }


def _stmts(ctx: _Ctx):
    for k, st in enumerate(ctx.meta.itertuples(index=False)):
        yield k, st, int(st.lo), int(st.hi)


# --- ICBC-like: GBK csv, title lines, split date/time, 借/贷, page-break header repeats ------


def write_icbc(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    out = _q(_commas(ctx.amount))
    dirv = np.where(ctx.dir < 0, "借", "贷")
    cpn = np.where(ctx.obj["cp_number"] != "", "\t" + ctx.obj["cp_number"], "")
    branch = ctx.obj["cp_bank"]  # the counterparty's bank doubles as 对方行名
    body = _join(
        ["\t" + c.ymd(), "\t" + c.h + c.mi + c.s, ctx.obj["memo"], dirv, out, _q(_commas(ctx.balance)),
         cpn, ctx.obj["cp_name"], branch, _full(ctx.n, "营业部"), "\t" + ctx.ref], ","
    )  # fmt: skip
    recs = []
    a, b = _period(ctx.start, ctx.end)
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        acct_col = [None, "帐号", "查询账号", "查询卡号"][v % 4]
        header = ["交易日期", "交易时间", "摘要", ["借贷标志", "借贷标记", "借贷方向"][v % 3], "发生额", "余额",
                  "对方账号", "对方户名", "对方行名", ["交易网点", "网点名称"][v % 2], ["交易序号", "传票号"][v % 2]]  # fmt: skip
        lines = list(body[lo:hi])
        if acct_col:
            header = [acct_col, *header]
            lines = ["\t" + st.number + "," + x for x in lines]
        head = ",".join(header)
        every = 30 + (v * 7) % 50
        outl = [
            "中国工商银行账户历史明细",
            f"账号：\t{st.number}",
            f"户名：{st.holder_name}",
            f"起止日期：{a}至{b}",
            head,
        ]
        junk = 0
        for i in range(0, len(lines), every):
            if i:
                outl.append(head)
                junk += 1
            outl.extend(lines[i : i + every])
        tot_out = int(ctx.amount[lo:hi][(ctx.dir[lo:hi] < 0)].sum())
        cells = [""] * len(header)
        cells[0] = "合计"
        cells[header.index("发生额")] = f'"{tot_out / 100:,.2f}"'
        outl.append(",".join(cells))
        junk += 1 + int(ctx.failed[lo:hi].sum())
        path = ctx.root / ctx.folder / _fname(st, "csv")
        _write(path, "\r\n".join(outl) + "\r\n", "gbk")
        recs.append(ctx.record(path, "", hi - lo + junk - int(ctx.failed[lo:hi].sum()), junk))
    return recs


# --- CCB-like: UTF-8 BOM csv, debit/credit columns, ¥ amounts, card + account number -------

CCB_PAIRS = [
    ("借方发生额", "贷方发生额"),
    ("支出金额", "收入金额"),
    ("支出", "存入"),
    ("付款金额", "收款金额"),
    ("转出金额", "转入金额"),
]


def write_ccb(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    yen = "¥" + _commas(ctx.amount)
    date = c.Y + "/" + c.m1 + "/" + c.d1
    recs = []
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        zero = "0.00" if (v // 2) % 2 else ""
        out_c = np.where(ctx.dir[lo:hi] < 0, _q(yen[lo:hi]), zero)
        in_c = np.where(ctx.dir[lo:hi] > 0, _q(yen[lo:hi]), zero)
        split = v % 2 == 0
        card = "" if st.company else st.number
        acct = st.alias or st.number
        n = hi - lo
        times = [date[lo:hi], c.hms()[lo:hi]] if split else [date[lo:hi] + " " + c.hms()[lo:hi]]
        lines = _join(
            [_full(n, "\t" + card if card else ""), _full(n, "\t" + acct), _full(n, st.holder_name),
             _full(n, st.holder_id), *times, out_c, in_c, _q("¥" + _commas(ctx.balance[lo:hi])),
             ctx.obj["cp_number"][lo:hi], ctx.obj["cp_name"][lo:hi], ctx.obj["cp_bank"][lo:hi],
             ctx.obj["memo"][lo:hi]], ","
        )  # fmt: skip
        pair = CCB_PAIRS[v % 5]
        header = ["卡号", "账号", ["户名", "客户名称", "账户开户名称"][v % 3], ["证件号码", "开户人证件号码"][v % 2],
                  *(["记账日期", "记账时间"] if split else ["交易日期时间"]), pair[0], pair[1], "账户余额",
                  ["对方账户", "对方帐户", "对方卡号"][v % 3], ["对方账户名称", "对方账户名", "对方单位名称"][v % 3],
                  "对方开户行", ["用途", "附言"][(v // 3) % 2]]  # fmt: skip
        outl = ["中国建设银行个人活期账户交易明细", ",".join(header), *lines]
        junk = 0
        if v % 3 != 1:
            outl.append("合计" + "," * (len(header) - 1))
            junk = 1
        path = ctx.root / ctx.folder / _fname(st, "csv")
        _write(path, "\ufeff" + "\r\n".join(outl) + "\r\n", "utf-8")
        recs.append(ctx.record(path, "", n + junk, junk))
    return recs


# --- signed amounts: GB18030 tab txt, 2022年03月05日, ------- placeholders, 本页合计 ------------


def write_signed(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    signed = ctx.dir * ctx.amount
    styles = (_commas(signed), _plain(signed) + "元")
    bal = (_commas(ctx.balance), _plain(ctx.balance) + "元")
    date = c.Y + "年" + c.M + "月" + c.D + "日"
    ph = "-------"

    def blank(a):
        return np.where(a == "", ph, a)

    recs = []
    a0, b0 = _period(ctx.start, ctx.end)
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        n = hi - lo
        name = st.holder_name + ("  " if v % 3 == 0 else "")
        lines = _join(
            [_full(n, st.number), _full(n, name), _full(n, st.holder_id), date[lo:hi], c.hms()[lo:hi],
             styles[v % 2][lo:hi], bal[v % 2][lo:hi], blank(ctx.obj["cp_number"][lo:hi]),
             blank(ctx.obj["cp_name"][lo:hi]), blank(ctx.obj["cp_id"][lo:hi]), ctx.obj["memo"][lo:hi],
             " " + ctx.ref[lo:hi]], "\t"
        )  # fmt: skip
        header = [["本方账号", "本方卡号"][v % 2], "本方户名", "本方证件号码", "记账日期", "记账时间", "交易金额", "余额",
                  ["对手账号", "对手卡号", "对手账户"][v % 3], ["对手户名", "对手名称"][(v // 2) % 2],
                  ["对方证件号码", "对手证件号码"][(v // 3) % 2], "交易摘要", "流水号"]  # fmt: skip
        outl = ["中国农业银行账户交易明细", f"查询期间：{a0}至{b0}", "\t".join(header)]
        page = 40 + (v * 11) % 40
        junk = 0
        sg = signed[lo:hi]
        for i in range(0, n, page):
            outl.extend(lines[i : i + page])
            tot = int(sg[i : i + page].sum())
            outl.append("本页合计\t\t\t\t\t" + f"{tot / 100:.2f}" + "\t" * 6)
            junk += 1
        path = ctx.root / ctx.folder / _fname(st, "txt")
        _write(path, "\r\n".join(outl) + "\r\n", "gb18030")
        recs.append(ctx.record(path, "", n + junk, junk))
    return recs


# --- English headers: UTF-8 csv or ; txt, Dr/Cr or Debit/Credit, Status, Total --------------

EN_DIRS = [
    ("Dr/Cr", "DR", "CR"),
    ("D/C", "D", "C"),
    ("Direction", "Debit", "Credit"),
    ("Direction", "OUT", "IN"),
]
EN_PAIRS = [("Debit", "Credit"), ("Debit Amount", "Credit Amount"), ("Withdrawal", "Deposit")]


def write_english(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    amt = _plain(ctx.amount)
    status = np.where(ctx.failed, "failed", "success")
    recs = []
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        n = hi - lo
        sep = ";" if (v // 3) % 2 else ","
        tv = v % 3
        if tv == 0:
            th, tc = ["Transaction Date"], [c.iso("T")[lo:hi]]
        elif tv == 1:
            th, tc = ["Transaction Time"], [c.compact()[lo:hi]]
        else:
            th, tc = ["Date", "Time"], [c.date("-")[lo:hi], c.hms()[lo:hi]]
        av = v % 7
        d = ctx.dir[lo:hi]
        if av < 4:
            dh, do, di = EN_DIRS[av]
            ah = [["Amount", "Transaction Amount"][v % 2], dh]
            ac = [amt[lo:hi], np.where(d < 0, do, di)]
        else:
            ah = list(EN_PAIRS[av - 4])
            ac = [np.where(d < 0, amt[lo:hi], ""), np.where(d > 0, amt[lo:hi], "")]
        header = [["Account Number", "Account No", "Account"][v % 3], ["Account Name", "Name"][v % 2], "ID Number",
                  *th, *ah, "Balance", ["Counterparty Account", "Opposite Account", "Beneficiary Account"][v % 3],
                  ["Counterparty Name", "Beneficiary Name"][(v // 2) % 2], "Counterparty ID", "Counterparty Bank",
                  ["Description", "Memo", "Remark"][(v // 2) % 3], "Channel",
                  ["Reference No", "Reference", "Transaction ID"][(v // 4) % 3], "Branch", "Currency", "Status"]  # fmt: skip
        lines = _join(
            [_full(n, st.number), _full(n, st.holder_name), _full(n, st.holder_id), *tc, *ac,
             _plain(ctx.balance[lo:hi]), ctx.obj["cp_number"][lo:hi], ctx.obj["cp_name"][lo:hi],
             ctx.obj["cp_id"][lo:hi], ctx.obj["cp_bank"][lo:hi], ctx.obj["memo"][lo:hi],
             ctx.obj["channel"][lo:hi], "TX" + ctx.ref[lo:hi], _full(n, "Head Office"), _full(n, "CNY"),
             status[lo:hi]], sep
        )  # fmt: skip
        ok = ~ctx.failed[lo:hi]
        total = f"{int(ctx.amount[lo:hi][ok].sum()) / 100:.2f}"
        outl = [sep.join(header), *lines, "Total" + sep * 3 + total + sep * (len(header) - 4)]
        junk = 1 + int(ctx.failed[lo:hi].sum())
        path = ctx.root / ctx.folder / _fname(st, "txt" if sep == ";" else "csv")
        _write(path, "\n".join(outl) + "\n", "utf-8")
        recs.append(ctx.record(path, "", n + 1, junk))
    return recs


# --- UTF-16 with BOM, | delimited: 收/支, 收/付, 入/支, 交易状态 -----------------------------

U16_DIRS = [("收", "支"), ("收", "付"), ("入", "支")]


def write_utf16(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    when = c.Y + "/" + c.m1 + "/" + c.d1 + " " + c.hms()
    amt = _short(ctx.amount)
    bal = _short(ctx.balance)
    status = np.where(ctx.failed, "失败", "成功")
    recs = []
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        n = hi - lo
        di, do = U16_DIRS[v % 3]
        header = ["交易账号", "账户名称", "交易日期时间", ["收支标志", "收支方向"][v % 2], "金额", "联机余额", "对方帐号",
                  "对方名称", "对方银行", "备注", "渠道", "银行流水号", "交易状态"]  # fmt: skip
        lines = _join(
            [_full(n, st.number), _full(n, st.holder_name), when[lo:hi], np.where(ctx.dir[lo:hi] < 0, do, di),
             amt[lo:hi], bal[lo:hi], ctx.obj["cp_number"][lo:hi], ctx.obj["cp_name"][lo:hi],
             ctx.obj["cp_bank"][lo:hi], ctx.obj["memo"][lo:hi], ctx.obj["channel"][lo:hi],
             "PSBC" + ctx.ref[lo:hi], status[lo:hi]], "|"
        )  # fmt: skip
        outl = ["|".join(header), *lines]
        path = ctx.root / ctx.folder / _fname(st, "txt")
        _write(path, "\r\n".join(outl) + "\r\n", "utf-16")
        recs.append(ctx.record(path, "", n, int(ctx.failed[lo:hi].sum())))
    return recs


# --- police return format (公安调证): xlsx, 34 columns, several sheets, companion sheets ----

POLICE_COLUMNS = [
    "交易卡号", "交易账号", "交易方户名", "交易方证件号码", "交易时间", "交易金额", "交易余额", "收付标志",
    "交易对手账卡号", "现金标志", "对手户名", "对手身份证号", "对手开户银行", "摘要说明", "币种", "交易网点名称",
    "交易发生地", "交易是否成功", "凭证号", "IP地址", "MAC地址", "交易流水号", "日志号", "凭证种类",
    "交易柜员号", "交易类型", "商户名称", "商户号", "交易渠道", "终端号", "交易机构号", "钞汇标志", "交易地区",
    "查询反馈结果原因",
]  # fmt: skip
PEOPLE_COLUMNS = ["姓名", "证件类型", "证件号码", "联系电话", "联系地址", "工作单位"]
ACCOUNT_COLUMNS = [
    "账户开户名称",
    "开户人证件号码",
    "交易卡号",
    "交易账号",
    "开户网点",
    "账户状态",
    "币种",
]


def _workbook(path: Path):
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wb.set_properties({"created": FIXED_TIME, "author": "", "title": ""})
    return wb


def write_police(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    rng = ctx.rng
    when = c.iso()
    ip = np.where(np.isin(ctx.obj["channel"], ["手机银行", "网上银行"]),
                  "10." + NUM[rng.integers(0, 100, ctx.n)] + "." + NUM[rng.integers(0, 100, ctx.n)] + ".8", "")  # fmt: skip
    recs = []
    meta = list(_stmts(ctx))
    i = 0
    book = 0
    while i < len(meta):
        size = int(rng.integers(1, 7))
        group = meta[i : i + size]
        i += size
        book += 1
        path = ctx.root / ctx.folder / f"调证反馈_{book:03d}.xlsx"
        wb = _workbook(path)
        sheets = []
        j = 0
        while j < len(group):
            s = int(rng.integers(1, 4))
            sheets.append(group[j : j + s])
            j += s
        for si, part in enumerate(sheets):
            name = "交易明细" if si == 0 else f"交易明细{si + 1}"
            ws = wb.add_worksheet(name)
            v0 = part[0][0] + offset
            header = list(POLICE_COLUMNS)
            header[2] = ["交易方户名", "交易户名"][v0 % 2]
            header[3] = ["交易方证件号码", "交易证件号码"][v0 % 2]
            ws.write_row(0, 0, header)
            r = 1
            junk = 0
            for _k, st, lo, hi in part:
                card = "" if st.company else st.number
                acct = st.alias or st.number
                for x in range(lo, hi):
                    cash = ctx.obj["cp_number"][x] == ""
                    ws.write_row(r, 0, [
                        card, acct, st.holder_name, st.holder_id, when[x], ctx.amount[x] / 100,
                        ctx.balance[x] / 100, "出" if ctx.dir[x] < 0 else "进", ctx.obj["cp_number"][x],
                        "现金" if cash else "转账", ctx.obj["cp_name"][x], ctx.obj["cp_id"][x], ctx.obj["cp_bank"][x],
                        ctx.obj["memo"][x], "人民币", st.bank + "营业部", "", "否" if ctx.failed[x] else "是", "",
                        ip[x], "", ctx.ref[x], "", "", "", "转账" if not cash else "现金", "", "",
                        ctx.obj["channel"][x], "", "", "钞", "", "",
                    ])  # fmt: skip
                    r += 1
                junk += int(ctx.failed[lo:hi].sum())
            recs.append(ctx.record(path, name, r - 1, junk))
        people = wb.add_worksheet("人员信息")
        people.write_row(0, 0, PEOPLE_COLUMNS)
        accounts = wb.add_worksheet("账户信息")
        accounts.write_row(0, 0, ACCOUNT_COLUMNS)
        for r, (_k, st, _lo, _hi) in enumerate(group, start=1):
            phone = (
                "1" + str(int(rng.integers(3, 9))) + "".join(str(d) for d in rng.integers(0, 10, 9))
            )
            people.write_row(
                r,
                0,
                [
                    st.holder_name,
                    "营业执照" if st.company else "身份证",
                    st.holder_id,
                    phone,
                    "贵州省",
                    "",
                ],
            )
            accounts.write_row(r, 0, [st.holder_name, st.holder_id, "" if st.company else st.number,
                                      st.alias or st.number, st.bank + "营业部", "正常", "人民币"])  # fmt: skip
        wb.close()
    return recs


# --- xlsx with title rows and real date-time cells -------------------------------------------


def write_xlsx_title(ctx: _Ctx, offset: int) -> list[dict]:
    c = ctx.clock
    serial = c.excel()
    recs = []
    a0, b0 = _period(ctx.start, ctx.end)
    for k, st, lo, hi in _stmts(ctx):
        v = k + offset
        path = ctx.root / ctx.folder / _fname(st, "xlsx")
        wb = _workbook(path)
        ws = wb.add_worksheet("明细")
        fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        ws.write_string(0, 0, "交通银行对私活期账户交易明细")
        ws.write_string(1, 0, f"查询账号：{st.number}    户名：{st.holder_name}")
        ws.write_string(2, 0, f"查询期间：{a0} 至 {b0}")
        header = [["查询账号", "查询卡号"][v % 2], "交易户名", "交易证件号码", "发生时间", "资金流向", "交易额", "账户余额",
                  "对手账户", "对手名称", "交易对手证照号码", "对方开户行", "摘要", "交易方式", "交易流水号", "网点名称",
                  "是否成功", "交易币种"]  # fmt: skip
        ws.write_row(4, 0, header)
        r = 5
        for x in range(lo, hi):
            ws.write_row(r, 0, [st.number, st.holder_name, st.holder_id])
            ws.write_number(r, 3, float(serial[x]), fmt)
            ws.write_row(r, 4, [
                "转出" if ctx.dir[x] < 0 else "转入", ctx.amount[x] / 100, ctx.balance[x] / 100,
                ctx.obj["cp_number"][x], ctx.obj["cp_name"][x], ctx.obj["cp_id"][x], ctx.obj["cp_bank"][x],
                ctx.obj["memo"][x], ctx.obj["channel"][x], ctx.ref[x], "交通银行营业部",
                "N" if ctx.failed[x] else "Y", "CNY",
            ])  # fmt: skip
            r += 1
        wb.close()
        recs.append(ctx.record(path, "明细", hi - lo, int(ctx.failed[lo:hi].sum())))
    return recs


# --- genuine .xls (BIFF8) with a title row, date cells + time text -----------------------------


def write_xls(ctx: _Ctx, offset: int) -> list[dict]:
    import xlwt

    c = ctx.clock
    hms = c.hms()
    recs = []
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for _k, st, lo, hi in _stmts(ctx):
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("Sheet1")
        ws.write_merge(0, 0, 0, 6, "贵州省农村信用社 客户账户交易明细")
        header = ["查询卡号", "户名", "身份证号", "入账日期", "入账时间", "交易方向", "交易额", "余额", "对方卡号", "对手名称",
                  "对方银行", "附言", "交易网点", "交易币种", "交易序号"]  # fmt: skip
        for j, h in enumerate(header):
            ws.write(1, j, h)
        for i, x in enumerate(range(lo, hi), start=2):
            vals = [st.number, st.holder_name, st.holder_id]
            for j, val in enumerate(vals):
                ws.write(i, j, val)
            ws.write(i, 3, int(c.serial_day[x]), date_style)
            rest = [hms[x], "支出" if ctx.dir[x] < 0 else "收入", ctx.amount[x] / 100, ctx.balance[x] / 100,
                    ctx.obj["cp_number"][x], ctx.obj["cp_name"][x], ctx.obj["cp_bank"][x], ctx.obj["memo"][x],
                    "信用社营业部", "人民币", ctx.ref[x]]  # fmt: skip
            for j, val in enumerate(rest, start=4):
                ws.write(i, j, val)
        path = ctx.root / ctx.folder / _fname(st, "xls")
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(str(path))
        recs.append(ctx.record(path, "Sheet1", hi - lo, 0))
    return recs


#: layout -> (folder under exports/, writer)
WRITERS = {
    "police": ("公安调证", write_police),
    "icbc": ("工商银行", write_icbc),
    "ccb": ("建设银行", write_ccb),
    "signed": ("农业银行", write_signed),
    "english": ("招商银行", write_english),
    "utf16": ("邮储银行", write_utf16),
    "xls": ("农村信用社", write_xls),
    "xlsx_title": ("交通银行", write_xlsx_title),
}
