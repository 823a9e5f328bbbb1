"""Chat time phrases (Chinese and English) -> datetimes and date periods.

Why: staff type "明天下午3点", "下周一", "三点半", "国庆", "上个月" or "tomorrow 9am" in the group
chat; reminders, attendance queries and reports need a real datetime or an inclusive date range.
``dateparser`` alone misreads Chinese chat phrasing (and auto language detection turns
"10月1日" into year 2110), so a small regex rule layer handles Chinese and numeric forms and
``dateparser`` (English only, never auto-detect) handles the remaining English phrases.

Rules (``now`` is timezone-aware; results carry ``now.tzinfo``):

* A phrase without a date means its next occurrence after ``now`` ("下午3点" said at 16:00 is
  tomorrow 15:00).
* A bare spoken hour without 上午/下午/…: when no date is given, the nearest future of the
  a.m./p.m. readings ("三点半" at 10:00 -> 15:30 today; at 16:00 -> 03:30 tomorrow; "12点" ->
  nearest of 00:00/12:00).  With a date ("明天3点") the office-hours reading is used:
  1-6 -> p.m., 7-11 -> a.m., 12 -> noon.  Clock notation ("15:00", "9:00") is 24-hour.
* 晚上/今晚 h: 5-11 -> p.m.; 12 -> 00:00 the next day; 0-4 -> the next day's early hours.
  凌晨 h -> a.m.; 中午 11/12/1/2 -> 11:00/12:00/13:00/14:00.
* A period word alone gets a default hour: 早上/上午 09:00, 中午 12:00, 下午 14:00,
  傍晚 18:00, 晚上/今晚 20:00.
* A date-only phrase gives that date at 00:00; "3天后" is a date too (00:00 three days on);
  "2小时后" is ``now`` + 2 h.
* Month/day/weekday without a year: for ``parse_when`` the next occurrence whose *day* is
  today or later ("10月1日" on 2022-11-05 -> 2023-10-01; "1月" in December -> next January);
  a bare weekday ("周三") means the next one after today, or today if a later time is given.
  For ``parse_period`` the occurrence that contains today is preferred, else the next one.
* 下周一 = Monday of next (Mon-Sun) week; 本周/这周 = current week; 上周 = previous week.
* Holidays (国庆, 春节, 元旦, 五一, 清明, 端午, 中秋 …) are the calendar's holiday periods
  (the current one if today is inside it, else the next); as a point: their first day 00:00.
* Lunar days (腊月二十八, 正月十五, 八月十五, 除夕, 大年初一, 初五, 小年, 元宵, 七夕, 重阳 …) are resolved on the
  lunar calendar (``bot.services.lunar``) like a month/day without a year; with a year, the one falling in
  that calendar year.  端午/中秋 stay holiday periods, but as a point they are the festival day itself.
* 国庆后第一个工作日 / 春节后上班第一天 / 节后第N个工作日: counted on the working calendar after the named (or
  any) holiday period; without a year the latest one that is today or later.
* 月初/月中/月底 (one day), 上旬/中旬/下旬 (ten days), 年初/年底 (one day), 本年度/上年度/全年 (a year).
* English weekdays: "monday" as 周一; "next monday" the next one after today (never today); "this"/"last".
* Anything unparseable or impossible (13月45日, 25点, 2月30日, > 200 characters) -> ``None``.
  The functions never raise.
"""

from __future__ import annotations

import calendar as _stdcal
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from dateparser.date import DateDataParser

from bot.services.calendar import HOLIDAY_ALIASES, HolidayPeriod, WorkCalendar, default_calendar
from bot.services.lunar import lunar_to_solar

__all__ = ["MAX_INPUT_LEN", "PERIOD_EXAMPLES", "WHEN_EXAMPLES", "parse_half_day", "parse_period", "parse_span",
           "parse_when"]

log = logging.getLogger(__name__)

MAX_INPUT_LEN = 200

WHEN_EXAMPLES: list[str] = [
    "明天下午3点",
    "今晚8点",
    "下周一上午10点",
    "10月1日 9:00",
    "三点半",
    "2小时后",
    "tomorrow 9am",
]
PERIOD_EXAMPLES: list[str] = [
    "本月",
    "上个月",
    "2022-10",
    "10月1日至10月7日",
    "国庆",
    "2022Q3",
    "last month",
]


class _Invalid(Exception):
    """The phrase was recognised but names an impossible date/time (13月, 25点, 2月30日)."""


# ----------------------------------------------------------------------------------------------
# normalisation
# ----------------------------------------------------------------------------------------------
_TRAD = str.maketrans(
    {
        "週": "周", "號": "号", "點": "点", "時": "时", "後": "后", "個": "个", "禮": "礼",
        "兩": "两", "這": "这", "鐘": "钟", "國": "国", "節": "节", "勞": "劳", "動": "动",
        "慶": "庆", "〜": "~", "—": "~", "–": "~", "―": "~", "−": "-", "﹣": "-",
        "。": " ", "！": " ", "？": " ", "、": " ",
    }
)
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}
_CN_NUM = "零〇一二两三四五六七八九十百"
_CN_NUM_RE = re.compile(
    r"(?P<keep>(?:周|星期|礼拜)[一二三四五六日天])"
    rf"|(?P<num>[{_CN_NUM}]+)(?=\s*(?:点|时|月|日|号|个|小时|分|天|周|星期|礼拜|年|季|刻|秒|钟|半))"
    rf"|(?<=[点时:])(?P<num2>[{_CN_NUM}]+)"
)
_ONE_BEFORE_UNIT_RE = re.compile(r"([上下这])一(?=个?(?:周|星期|礼拜|月|季度?|年))")
_DAY_PREFIX_RE = re.compile(r"(今|明|昨)(?=[早晨晚夜])")
_SPACE_RE = re.compile(r"\s+")
_FILLER = frozenset({"at", "@", "on", "在", "于", "by"})
_NOW_WORDS = frozenset({"现在", "马上", "立刻", "立即", "此刻", "now", "right now"})


def _cn_to_int(s: str) -> int:
    """Chinese numeral -> int: positional ("二十三") or digit-by-digit ("二〇二二")."""
    if "十" in s or "百" in s:
        total = cur = 0
        for ch in s:
            if ch == "十":
                total += (cur or 1) * 10
                cur = 0
            elif ch == "百":
                total += (cur or 1) * 100
                cur = 0
            else:
                cur = _CN_DIGIT[ch]
        return total + cur
    return int("".join(str(_CN_DIGIT[ch]) for ch in s))


def _cn_sub(m: re.Match[str]) -> str:
    if m.group("keep"):
        return m.group("keep")
    return str(_cn_to_int(m.group("num") or m.group("num2")))  # 三点零五 -> 3点5


def _normalize(text: Any) -> str | None:
    """Fold widths, traditional characters, dashes, Chinese numerals and day compounds."""
    if not isinstance(text, str) or len(text) > MAX_INPUT_LEN:
        return None
    t = unicodedata.normalize("NFKC", text)
    if len(t) > MAX_INPUT_LEN:
        return None
    t = t.lower().translate(_TRAD)
    t = t.replace("的", "").replace("今儿", "今天").replace("明儿", "明天")
    t = _ONE_BEFORE_UNIT_RE.sub(r"\1", t)
    t = _DAY_PREFIX_RE.sub(r"\1天", t)
    t = _CN_NUM_RE.sub(_cn_sub, t)
    t = _SPACE_RE.sub(" ", t).strip(" ,.;:!?")
    return t or None


# ----------------------------------------------------------------------------------------------
# date helpers
# ----------------------------------------------------------------------------------------------
def _month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, _stdcal.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    idx = d.year * 12 + d.month - 1 + n
    y, m = divmod(idx, 12)
    return date(y, m + 1, min(d.day, _stdcal.monthrange(y, m + 1)[1]))


def _quarter_range(y: int, q: int) -> tuple[date, date]:
    return date(y, 3 * q - 2, 1), _month_range(y, 3 * q)[1]


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _check_md(m: int, d: int | None) -> None:
    """Reject month/day combinations that exist in no year (2月30日, 13月1日)."""
    if not 1 <= m <= 12:
        raise _Invalid
    if d is not None:
        try:
            date(2000, m, d)  # 2000 is a leap year: 2月29日 is allowed
        except ValueError:
            raise _Invalid from None


def _check_year(y: int) -> None:
    if not 1900 <= y <= 2200:
        raise _Invalid


_YEAR_WORDS = {"今年": 0, "本年": 0, "当年": 0, "明年": 1, "下年": 1, "后年": 2, "去年": -1, "上年": -1, "前年": -2,
               "this year": 0, "next year": 1, "last year": -1, "previous year": -1}
_MONTHS_EN = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9,
    "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
_MON_EN = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_REL_OFFSET = {"本": 0, "这": 0, "这个": 0, "今": 0, "当": 0, "上": -1, "上个": -1, "上上": -2,
               "上上个": -2, "下": 1, "下个": 1, "下下": 2, "下下个": 2, "this": 0, "current": 0,
               "last": -1, "previous": -1, "prev": -1, "next": 1, "coming": 1}
_REL_Q = r"(?P<rel>上上个?|上个?|下下个?|下个?|这个?|本|今|当|this|current|last|previous|prev|next|coming)"
_WD = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
       "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}


# ----------------------------------------------------------------------------------------------
# single period specs
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    """A parsed date expression: fixed range, or a partial (year-less) pattern to resolve."""

    start: date | None = None  # fixed range
    end: date | None = None
    m: int | None = None  # partial fields (no year)
    d: int | None = None
    q: int | None = None
    wd: int | None = None  # bare weekday, 0 = Monday
    gen: Callable[[int], tuple[tuple[date, date], ...]] | None = None  # occurrences per (lunar) year
    day: bool = False  # denotes a single day
    after_today: bool = False  # "next monday": an occurrence after today, never today itself
    point: date | None = None  # as a point in time: this day rather than ``start`` (中秋 in its holiday)

    @property
    def fixed(self) -> bool:
        return self.start is not None


def _fixed(start: date, end: date | None = None) -> _Spec:
    end = end or start
    return _Spec(start=start, end=end, day=start == end)


@dataclass(frozen=True)
class _Ctx:
    today: date
    cal: WorkCalendar


_G = dict[str, str]  # match groups with alternative names (y2, q2 …) folded onto y, q …


def _groups(m: re.Match[str]) -> _G:
    """Non-empty groups of a match; "y2"/"y3" fill "y" so one handler serves all alternatives."""
    g: _G = {"_all": m.group(0)}
    for k, v in m.groupdict().items():
        if v is not None:
            g.setdefault(k.rstrip("0123456789"), v)
    return g


def _year_of(g: _G, ctx: _Ctx) -> int | None:
    if "y" in g:
        y = int(g["y"])
        _check_year(y)
        return y
    if "yw" in g:
        return ctx.today.year + _YEAR_WORDS[g["yw"]]
    return None


def _ymd(y: int | None, mo: int, d: int | None) -> _Spec:
    _check_md(mo, d)
    if y is None:
        return _Spec(m=mo, d=d, day=d is not None)
    if d is None:
        return _fixed(*_month_range(y, mo))
    try:
        return _fixed(date(y, mo, d))
    except ValueError:
        raise _Invalid from None


_DAY_OFFSETS = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "明天": 1, "明日": 1,
                "后天": 2, "大后天": 3, "today": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "yesterday": -1,
                "the day after tomorrow": 2, "day after tomorrow": 2, "the day before yesterday": -2,
                "day before yesterday": -2}


def _h_day_word(g: _G, ctx: _Ctx) -> _Spec:
    return _fixed(ctx.today + timedelta(days=_DAY_OFFSETS[g["_all"]]))


def _h_weekday(g: _G, ctx: _Ctx) -> _Spec:
    wd = _WD[g["wd"]]
    if "rel" not in g:
        return _Spec(wd=wd, day=True)
    monday = _week_start(ctx.today) + timedelta(weeks=_REL_OFFSET[g["rel"]])
    return _fixed(monday + timedelta(days=wd))


def _h_ymd(g: _G, ctx: _Ctx) -> _Spec:
    """Year (or 今年/去年) optional, month required, day optional; numeric or English month."""
    mo = _MONTHS_EN[g["mon"]] if "mon" in g else int(g["m"])
    return _ymd(_year_of(g, ctx), mo, int(g["d"]) if "d" in g else None)


def _h_rel_month(g: _G, ctx: _Ctx) -> _Spec:
    first = _add_months(ctx.today.replace(day=1), _REL_OFFSET[g["rel"]])
    if "d" in g:
        try:
            return _fixed(first.replace(day=int(g["d"])))
        except ValueError:
            raise _Invalid from None
    return _fixed(*_month_range(first.year, first.month))


def _h_dom(g: _G, ctx: _Ctx) -> _Spec:
    d = int(g["d"])
    if not 1 <= d <= 31:
        raise _Invalid
    return _Spec(d=d, day=True)


def _h_rel_week(g: _G, ctx: _Ctx) -> _Spec:
    monday = _week_start(ctx.today) + timedelta(weeks=_REL_OFFSET[g["rel"]])
    return _fixed(monday, monday + timedelta(days=6))


def _h_quarter(g: _G, ctx: _Ctx) -> _Spec:
    q = int(g["q"])
    y = _year_of(g, ctx)
    if y is None:
        return _Spec(q=q)
    return _fixed(*_quarter_range(y, q))


def _h_rel_quarter(g: _G, ctx: _Ctx) -> _Spec:
    idx = ctx.today.year * 4 + (ctx.today.month - 1) // 3 + _REL_OFFSET[g["rel"]]
    y, q0 = divmod(idx, 4)
    return _fixed(*_quarter_range(y, q0 + 1))


def _h_year(g: _G, ctx: _Ctx) -> _Spec:
    """2022年, 2023年度, 今年, 本年度, 上年度, 去年全年, 全年 (this year)."""
    y = _year_of(g, ctx)
    if y is None and "full" in g:
        y = ctx.today.year
    if y is None:
        raise _Invalid
    return _fixed(date(y, 1, 1), date(y, 12, 31))


def _h_half_year(g: _G, ctx: _Ctx) -> _Spec:
    y = _year_of(g, ctx) or ctx.today.year
    if g["h"] in ("上", "first", "h1"):
        return _fixed(date(y, 1, 1), date(y, 6, 30))
    return _fixed(date(y, 7, 1), date(y, 12, 31))


def _h_holiday(g: _G, ctx: _Ctx) -> _Spec:
    y = _year_of(g, ctx)
    period = ctx.cal.find_holiday(g["hol"], ctx.today if y is None else date(y, 1, 1))
    if period is None:
        raise _Invalid
    point = None
    lunar = _LUNAR_HOLIDAY_DAY.get(HOLIDAY_ALIASES.get(g["hol"], ""))
    if lunar is not None:  # 中秋 said as a point in time is the festival itself, not its first day off
        festival = lunar_to_solar(period.first.year, *lunar)
        if festival is not None and period.first <= festival <= period.last:
            point = festival
    return _Spec(start=period.first, end=period.last, day=period.first == period.last, point=point)


def _h_rel_count(g: _G, ctx: _Ctx) -> _Spec:
    """3天后 / 2周前 / in 3 days / 2 weeks ago: a single day."""
    n = int(g["n"])
    if n > 3660:
        raise _Invalid
    direction = g.get("dir", "later")
    sign = -1 if direction.endswith("前") or direction == "ago" else 1
    unit = g["u"]
    if unit in ("天", "日") or unit.startswith("day"):
        return _fixed(ctx.today + timedelta(days=sign * n))
    if unit.endswith(("周", "星期", "礼拜")) or unit.startswith("week"):
        return _fixed(ctx.today + timedelta(weeks=sign * n))
    if unit == "个月" or unit.startswith("month"):
        return _fixed(_add_months(ctx.today, sign * n))
    return _fixed(_add_months(ctx.today, sign * 12 * n))


def _h_recent(g: _G, ctx: _Ctx) -> _Spec:
    """最近7天 / past 2 weeks: ends today."""
    n = int(g["n"])
    if not 1 <= n <= 3660:
        raise _Invalid
    unit = g["u"]
    if unit.endswith(("天", "日")) or unit.startswith("day"):
        start = ctx.today - timedelta(days=n - 1)
    elif unit.endswith(("周", "星期", "礼拜")) or unit.startswith("week"):
        start = ctx.today - timedelta(weeks=n) + timedelta(days=1)
    else:
        start = _add_months(ctx.today, -n) + timedelta(days=1)
    return _fixed(start, ctx.today)


# -- days of the lunar calendar (农历) -------------------------------------------------------------------
_LUNAR_MONTH_NAMES = {"正": 1, "冬": 11, "腊": 12}
# Days people name by the lunar calendar: month, day, and a shift in days (除夕 = the eve of 正月初一,
# because the last month has 29 or 30 days).
_LUNAR_NAMED: dict[str, tuple[int, int, int]] = {
    "除夕": (1, 1, -1), "大年三十": (1, 1, -1), "年三十": (1, 1, -1), "大年夜": (1, 1, -1),
    "小年": (12, 23, 0), "腊八": (12, 8, 0), "腊八节": (12, 8, 0),
    "元宵": (1, 15, 0), "元宵节": (1, 15, 0), "上元节": (1, 15, 0), "龙抬头": (2, 2, 0),
    "七夕": (7, 7, 0), "七夕节": (7, 7, 0), "中元": (7, 15, 0), "中元节": (7, 15, 0),
    "重阳": (9, 9, 0), "重阳节": (9, 9, 0), "破五": (1, 5, 0),
}
# Statutory holidays that fall on one lunar day: as a point in time they mean that day itself.
_LUNAR_HOLIDAY_DAY = {"dragon_boat": (5, 5), "mid_autumn": (8, 15)}
_CN_DAY = "[一二三四五六七八九十]"
_LDAY = rf"初\s*(?:十|{_CN_DAY}|\d{{1,2}})|廿{_CN_DAY}?|卅|[二三]?十{_CN_DAY}?|{_CN_DAY}|\d{{1,2}}"


def _lunar_day_number(text: str) -> int:
    t = text.replace(" ", "").lstrip("初").replace("廿", "二十").replace("卅", "三十")
    n = int(t) if t.isdigit() else _cn_to_int(t)
    if not 1 <= n <= 30:
        raise _Invalid
    return n


def _lunar_occurrences(month: int, day: int, shift: int) -> Callable[[int], tuple[tuple[date, date], ...]]:
    """Per lunar year, the solar day of lunar month/day (+ shift days); none when it does not exist."""

    def occurrences(lunar_year: int) -> tuple[tuple[date, date], ...]:
        solar = lunar_to_solar(lunar_year, month, day)
        if solar is None:
            return ()
        solar += timedelta(days=shift)
        return ((solar, solar),)

    return occurrences


def _yearly(gen: Callable[[int], tuple[tuple[date, date], ...]], g: _G, ctx: _Ctx, *, day: bool = True) -> _Spec:
    """A yearly pattern: partial without a year; with one, its first occurrence starting in that year."""
    y = _year_of(g, ctx)
    if y is None:
        return _Spec(gen=gen, day=day)
    for s, e in (occ for yy in (y - 1, y) for occ in gen(yy)):
        if s.year == y:
            return _fixed(s, e)
    raise _Invalid


def _h_lunar(g: _G, ctx: _Ctx) -> _Spec:
    """腊月二十八, 正月十五, 农历八月十五, 八月十五 (a Chinese-numeral day without 日/号), 大年初一, 初五."""
    if "named" in g:
        month, day, shift = _LUNAR_NAMED[g["named"]]
        return _yearly(_lunar_occurrences(month, day, shift), g, ctx)
    lm = g.get("lm", "正")
    month = _LUNAR_MONTH_NAMES[lm] if lm in _LUNAR_MONTH_NAMES else int(lm)
    if not 1 <= month <= 12:
        raise _Invalid
    return _yearly(_lunar_occurrences(month, _lunar_day_number(g["ld"]), 0), g, ctx)


# -- the first working day after a holiday ---------------------------------------------------------------
_ANY_HOLIDAY = frozenset({"节", "假", "假期", "长假", "放假", "收假", "休假"})


def _holiday_from(ctx: _Ctx, name: str | None, anchor: date) -> HolidayPeriod | None:
    """The named holiday period (any one when ``name`` is None) containing ``anchor``, else the next one."""
    if name is not None:
        return ctx.cal.find_holiday(name, anchor)
    for step in range(0, 420, 35):
        start = anchor + timedelta(days=step)
        periods = [p for p in ctx.cal.holiday_periods(start, start + timedelta(days=34)) if p.last >= anchor]
        if periods:
            return periods[0]
    return None


def _h_after_holiday(g: _G, ctx: _Ctx) -> _Spec:
    """国庆后第一个工作日, 春节后上班第一天, 节后第二个工作日: counted on the working calendar (调休 included).

    Without a year: the latest such day that is today or later (said on the first working day after
    National Day, "国庆后第一个工作日" is today).
    """
    n = int(g.get("n", "1"))
    if not 1 <= n <= 60:
        raise _Invalid
    hol = g["hol"]
    name = None if hol in _ANY_HOLIDAY else "春节" if hol == "年" else hol
    y = _year_of(g, ctx)
    anchor = date(y, 1, 1) if y is not None else ctx.today - timedelta(days=45)
    for _ in range(4):
        period = _holiday_from(ctx, name, anchor)
        if period is None:
            raise _Invalid
        day = ctx.cal.add_workdays(period.last, n)
        if y is not None or day >= ctx.today:
            return _fixed(day)
        anchor = period.last + timedelta(days=1)
    raise _Invalid


# -- the start, middle and end of a month or a year ------------------------------------------------------
_EDGE_TENDAYS = {"上旬": (1, 10), "中旬": (11, 20), "下旬": (21, 31)}


def _month_edge(y: int, mo: int, edge: str) -> tuple[date, date]:
    first, last = _month_range(y, mo)
    if edge == "初":
        return first, first
    if edge == "中":
        mid = first.replace(day=15)
        return mid, mid
    if edge in _EDGE_TENDAYS:
        a, b = _EDGE_TENDAYS[edge]
        return first.replace(day=a), first.replace(day=min(b, last.day))
    return last, last  # 底 / 末 / 尾


def _h_month_edge(g: _G, ctx: _Ctx) -> _Spec:
    """月初/月中/月底/月末, 上旬/中旬/下旬 of this, last or next month, or of a named month."""
    edge = g["edge"]
    single = edge not in _EDGE_TENDAYS
    if "m" not in g:
        first = _add_months(ctx.today.replace(day=1), _REL_OFFSET[g["rel"]] if "rel" in g else 0)
        return _fixed(*_month_edge(first.year, first.month, edge))
    mo = int(g["m"])
    _check_md(mo, None)
    y = _year_of(g, ctx)
    if y is not None:
        return _fixed(*_month_edge(y, mo, edge))
    return _Spec(gen=lambda yy: (_month_edge(yy, mo, edge),), day=single)


def _h_year_edge(g: _G, ctx: _Ctx) -> _Spec:
    """年初 (1 January) / 年底 / 年末 (31 December) of this year, or of the year named."""
    y = _year_of(g, ctx) or ctx.today.year
    d = date(y, 1, 1) if g["edge"] == "初" else date(y, 12, 31)
    return _fixed(d)


# -- English weekdays ---------------------------------------------------------------------------------
_WD_EN = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2, "thu": 3,
          "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5, "sun": 6,
          "sunday": 6}
_WD_EN_RE = "|".join(sorted(_WD_EN, key=len, reverse=True))


def _h_weekday_en(g: _G, ctx: _Ctx) -> _Spec:
    """monday; next monday / coming monday (the next one after today); this monday; last monday."""
    wd = _WD_EN[g["wde"]]
    rel = g.get("rel")
    if rel is None:
        return _Spec(wd=wd, day=True)
    if rel in ("next", "coming"):  # partial, so "next monday to next wednesday" keeps to one week
        return _Spec(wd=wd, day=True, after_today=True)
    if rel == "this":
        return _fixed(_week_start(ctx.today) + timedelta(days=wd))
    delta = (wd - ctx.today.weekday()) % 7
    if rel == "last":
        return _fixed(ctx.today - timedelta(days=(7 - delta) if delta else 7))
    return _fixed(ctx.today + timedelta(days=delta or 7))


_HOL_RE = "|".join(re.escape(a) for a in sorted(HOLIDAY_ALIASES, key=len, reverse=True))
_YW_RE = "|".join(re.escape(w) for w in sorted(_YEAR_WORDS, key=len, reverse=True))
_Y = rf"(?:(?P<y>\d{{4}})\s*年?|(?P<yw>{_YW_RE}))"
_ORD = r"(?:st|nd|rd|th)?"
_Y2 = _Y.replace("<y>", "<y2>").replace("<yw>", "<yw2>")
_Y3 = _Y.replace("<y>", "<y3>").replace("<yw>", "<yw3>")
_EDGE_RE = "上旬|中旬|下旬|初|中|底|末|尾"
_LUNAR_NAMED_RE = "|".join(sorted(_LUNAR_NAMED, key=len, reverse=True))
_ANY_HOLIDAY_RE = "|".join(sorted(_ANY_HOLIDAY, key=len, reverse=True))

_Handler = Callable[[_G, _Ctx], _Spec]
_SINGLE: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(r"大前天|前天|昨天|昨日|今天|今日|明天|明日|大后天|后天|today|tomorrow|tmrw?|yesterday"
                r"|(?:the )?day after tomorrow|(?:the )?day before yesterday"), _h_day_word),
    (re.compile(rf"(?:{_REL_Q}\s*)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])"), _h_weekday),
    (re.compile(rf"(?:(?P<rel>this|next|last|coming)\s+)?(?P<wde>{_WD_EN_RE})\.?"), _h_weekday_en),
    (re.compile(rf"{_Y}?\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]?"), _h_ymd),
    (re.compile(r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})\s*[日号]?"
                r"|(?P<y2>\d{4})(?P<m2>\d{2})(?P<d2>\d{2})"), _h_ymd),
    (re.compile(r"(?P<m>\d{1,2})\s*[./]\s*(?P<d>\d{1,2})"), _h_ymd),
    (re.compile(rf"{_Y}?\s*(?P<m>\d{{1,2}})\s*月份?|(?P<y2>\d{{4}})\s*[-/.]\s*(?P<m2>\d{{1,2}})"), _h_ymd),
    (re.compile(rf"(?P<mon>{_MON_EN})\.?(?:\s+(?P<d>\d{{1,2}}){_ORD})?(?:\s*,?\s*(?P<y>\d{{4}}))?"
                rf"|(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon2>{_MON_EN})\.?(?:\s*,?\s*(?P<y2>\d{{4}}))?"),
     _h_ymd),
    (re.compile(rf"{_REL_Q}\s*(?:月份?|month)(?:\s*(?P<d>\d{{1,2}})\s*[日号])?"), _h_rel_month),
    (re.compile(r"(?P<d>\d{1,2})\s*[日号]"), _h_dom),
    (re.compile(rf"{_REL_Q}\s*(?:周|星期|礼拜|week)"), _h_rel_week),
    (re.compile(r"(?:(?P<y>\d{4})\s*年?\s*)?(?:第\s*)?(?P<q>[1-4])\s*季度?"
                r"|(?:(?P<y2>\d{4})\s*年?\s*-?\s*)?q(?P<q2>[1-4])|q(?P<q3>[1-4])\s*[,-]?\s*(?P<y3>\d{4})"),
     _h_quarter),
    (re.compile(rf"{_REL_Q}\s*(?:季度?|quarter)"), _h_rel_quarter),
    (re.compile(rf"{_Y}?\s*(?P<h>上|下)半年|(?P<h2>first|second) half(?: of)?(?: (?P<y2>\d{{4}}))?"
                r"|(?P<y3>\d{4})\s*(?P<h3>h1|h2)"), _h_half_year),
    (re.compile(rf"(?:(?P<y>\d{{4}})\s*(?:年度?)?|(?P<yw>{_YW_RE})\s*度?)\s*(?:全年|整年|一整年)?"
                r"|(?P<full>全年度?|整年|一整年)"), _h_year),
    (re.compile(rf"(?:{_REL_Q}\s*)?月\s*(?P<edge>{_EDGE_RE})|(?P<edge2>上旬|中旬|下旬)"), _h_month_edge),
    (re.compile(rf"{_Y}?\s*(?P<m>\d{{1,2}})\s*月份?\s*(?P<edge>{_EDGE_RE})"), _h_month_edge),
    (re.compile(rf"(?:{_Y}|年)\s*年?\s*(?P<edge>初|底|末|尾)"), _h_year_edge),
    (re.compile(rf"{_Y}?\s*(?:(?:农历|阴历|旧历)\s*)?(?P<lm>正|冬|腊|\d{{1,2}})\s*月\s*(?P<ld>{_LDAY})\s*[日号]?"
                rf"|{_Y2}?\s*(?:大年|年)?初\s*(?P<ld2>十|{_CN_DAY}|\d{{1,2}})\s*[日号]?"
                rf"|{_Y3}?\s*(?P<named>{_LUNAR_NAMED_RE})"), _h_lunar),
    (re.compile(rf"{_Y}?\s*(?P<hol>{_HOL_RE}|{_ANY_HOLIDAY_RE}|年)\s*(?:假期|长假|小长假|黄金周|放假|假)?\s*"
                r"(?:结束|收假)?\s*(?:之后|以后|过后|后|完)\s*(?:上班|复工|开工|返岗|收假)?\s*"
                r"(?:第\s*(?P<n>\d{1,2})\s*个?|首个)\s*(?:工作日|上班日|天|日)\s*(?:上班|开工)?"), _h_after_holiday),
    (re.compile(rf"{_Y}?\s*(?P<hol>{_HOL_RE})\s*(?:假期|长假|小长假|黄金周|放假|期间|holidays?|break)?"),
     _h_holiday),
    (re.compile(r"(?:再过|过)?\s*(?P<n>\d{1,4})\s*(?P<u>天|日|周|个?星期|个?礼拜|个月|年)\s*"
                r"(?P<dir>以后|之后|后|以前|之前|前)"
                r"|in (?P<n2>\d{1,4}) (?P<u2>days?|weeks?|months?|years?)"
                r"|(?P<n3>\d{1,4}) (?P<u3>days?|weeks?|months?|years?) (?P<dir3>ago|later)"), _h_rel_count),
    (re.compile(r"(?:最近|近|过去)\s*(?P<n>\d{1,4})\s*(?P<u>天|日|周|个?星期|个?礼拜|个?月)"
                r"|(?:last|past|previous) (?P<n2>\d{1,4}) (?P<u2>days?|weeks?|months?)"), _h_recent),
]

_LEAD_RE = re.compile(r"^(?:(?:从|自|于|在)\s*|(?:on|from|between|during)\s+)")
_TRAIL_RE = re.compile(r"(?:\s*(?:为止|止|期间|之间|以来|整天|全天|全月|整月)|\s+(?:at|on))$")


def _parse_single(text: str, ctx: _Ctx) -> _Spec | None:
    """Match one date expression (whole text); None if not recognised, _Invalid if impossible."""
    text = _TRAIL_RE.sub("", _LEAD_RE.sub("", text)).strip()
    if not text:
        return None
    for rx, handler in _SINGLE:
        m = rx.fullmatch(text)
        if m:
            return handler(_groups(m), ctx)
    return None


# ----------------------------------------------------------------------------------------------
# resolving partial specs
# ----------------------------------------------------------------------------------------------
def _candidates(spec: _Spec, since: date) -> Iterator[tuple[date, date]]:
    """Chronological occurrences of a partial spec, starting around ``since``."""
    if spec.fixed:
        assert spec.start is not None and spec.end is not None
        yield spec.start, spec.end
    elif spec.gen is not None:
        for y in range(since.year - 1, since.year + 9):
            yield from spec.gen(y)
    elif spec.wd is not None:
        d = _week_start(since) + timedelta(days=spec.wd)
        for _ in range(160):
            yield d, d
            d += timedelta(weeks=1)
    elif spec.m is not None:
        for y in range(since.year, since.year + 9):
            if spec.d is None:
                yield _month_range(y, spec.m)
            else:
                try:
                    d = date(y, spec.m, spec.d)
                except ValueError:
                    continue
                yield d, d
    elif spec.d is not None:
        first = since.replace(day=1)
        for i in range(48):
            mo = _add_months(first, i)
            try:
                d = mo.replace(day=spec.d)
            except ValueError:
                continue
            yield d, d
    elif spec.q is not None:
        for y in range(since.year, since.year + 9):
            yield _quarter_range(y, spec.q)


def _early_since(spec: _Spec, ref: date) -> date:
    """A start point safely before any occurrence we could want near ``ref``."""
    if spec.wd is not None:
        return ref - timedelta(days=14)
    return date(ref.year - 1, 1, 1)


def _first(spec: _Spec, since: date, pred: Callable[[date, date], bool]) -> tuple[date, date] | None:
    for s, e in _candidates(spec, since):
        if pred(s, e):
            return s, e
    return None


def _resolve_period(spec: _Spec, today: date) -> tuple[date, date] | None:
    """Single period: the occurrence containing today, else the next one."""
    if spec.fixed:
        assert spec.start is not None and spec.end is not None
        return spec.start, spec.end
    if spec.after_today:
        return _first(spec, today, lambda s, e: s > today)
    return _first(spec, _early_since(spec, today), lambda s, e: e >= today)


def _resolve_after(spec: _Spec, anchor: date) -> tuple[date, date] | None:
    """Right side of a range, taking the missing year/month from the left side's start.

    It rolls over to the next year (month) only when its month (day) is earlier than the
    left side's: "12月30日至1月2日" crosses New Year, "10月7日至10月1日" is rejected.
    """
    if spec.wd is not None or spec.gen is not None:
        return _first(spec, anchor, lambda s, e: s >= anchor)
    if spec.m is not None or spec.q is not None:
        rolls = spec.m < anchor.month if spec.m is not None else spec.q is not None and spec.q < (anchor.month + 2) // 3
        year = anchor.year + (1 if rolls else 0)
        return _first(spec, date(year, 1, 1), lambda s, e: s.year == year and s >= anchor)
    if spec.d is not None:
        first = anchor.replace(day=1)
        if spec.d < anchor.day:
            first = _add_months(first, 1)
        return _first(spec, first, lambda s, e: (s.year, s.month) == (first.year, first.month))
    return None


def _resolve_before(spec: _Spec, limit: date) -> tuple[date, date] | None:
    """Left side before a fixed right side: the latest occurrence starting on/before ``limit``."""
    since = limit - timedelta(days=14) if spec.wd is not None else date(limit.year - 8, 1, 1)
    best = None
    for s, e in _candidates(spec, since):
        if s > limit:
            break
        best = (s, e)
    return best


def _resolve_range(left: _Spec, right: _Spec, today: date) -> tuple[date, date] | None:
    if left.fixed:
        assert left.start is not None
        assert left.end is not None
        r = _resolve_after(right, left.start) if not right.fixed else (right.start, right.end)
        if r is None or r[1] is None or r[1] < left.end:
            return None
        return left.start, r[1]
    if right.fixed:
        assert right.start is not None and right.end is not None
        lft = _resolve_before(left, right.end)
        if lft is None:
            return None
        return lft[0], right.end
    for s, _e in _candidates(left, _early_since(left, today)):
        if left.after_today and s <= today:
            continue
        r = _resolve_after(right, s)
        if r is not None and r[1] >= today:
            return s, r[1]
    return None


_SEP_RE = re.compile(r"\s*(?:至|到|~|-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)\s*")
_RIGHT_TODAY = frozenset({"今", "今天", "现在", "目前", "now", "today", "date", "present"})


# ----------------------------------------------------------------------------------------------
# time of day
# ----------------------------------------------------------------------------------------------
_PERIOD_WORDS = "凌晨|半夜|午夜|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|早|晨|晚|夜"
_CLOCK = (
    r"(?P<h>\d{1,2})\s*(?:点钟|点|时)\s*(?:(?P<half>半)|(?P<qtr>[123])\s*刻(?:钟)?|(?P<mi>\d{1,2})\s*(?:分钟|分)?)?"
    r"|(?P<ch>\d{1,2})\s*:\s*(?P<cmi>\d{2})(?:\s*:\s*(?P<cs>\d{2}))?(?:\s*(?P<cap>[ap])\.?m\.?)?"
    r"|(?P<ah>\d{1,2})\s*(?P<aap>[ap])\.?m\.?"
)
_TIME_RE = re.compile(
    rf"(?:(?P<per>{_PERIOD_WORDS})\s*)?(?P<clock>{_CLOCK})?\s*(?:整)?\s*(?:左右|前后|之前|以前|前)?\s*$"
)
_MORNING = {"早上", "早晨", "清晨", "上午", "早", "晨"}
_AFTERNOON = {"下午", "午后"}
_NIGHT = {"晚上", "夜里", "夜间", "晚", "夜", "半夜"}
_DEFAULT_HOUR = {**dict.fromkeys(_MORNING, 9), "中午": 12, **dict.fromkeys(_AFTERNOON, 14), "傍晚": 18,
                 **dict.fromkeys(_NIGHT - {"半夜"}, 20)}


@dataclass(frozen=True)
class _Time:
    h: int | None
    mi: int
    s: int
    per: str | None
    form: str  # "spoken" (3点), "clock" (15:00), "ampm" (3pm), "default" (下午 alone)


def _split_time(t: str) -> tuple[str, _Time | None]:
    """Split a trailing time-of-day off the text."""
    m = _TIME_RE.search(t)
    if m is None:
        return t, None
    if m.group("clock") is None and (m.group("per") is None or m.group(0).strip() != m.group("per")):
        return t, None  # nothing, or "下午前"/"左右" without a clock
    per = m.group("per")
    if m.group("h") is not None:
        h = int(m.group("h"))
        if m.group("half"):
            mi = 30
        elif m.group("qtr"):
            mi = 15 * int(m.group("qtr"))
        else:
            mi = int(m.group("mi") or 0)
        tm = _Time(h, mi, 0, per, "spoken")
    elif m.group("ch") is not None:
        h = int(m.group("ch"))
        if m.group("cap"):
            h = _ampm(h, m.group("cap"))
        tm = _Time(h, int(m.group("cmi")), int(m.group("cs") or 0), per,
                   "ampm" if m.group("cap") else "clock")
    elif m.group("ah") is not None:
        tm = _Time(_ampm(int(m.group("ah")), m.group("aap")), 0, 0, per, "ampm")
    else:
        tm = _Time(None, 0, 0, per, "default")
    rest = t[: m.start()].strip(" ,")
    rest = re.sub(r"(?<=\d)t$", "", rest)
    return rest, tm


def _ampm(h: int, ap: str) -> int:
    if not 1 <= h <= 12:
        raise _Invalid
    return h % 12 + (12 if ap == "p" else 0)


def _readings(tm: _Time, dated: bool) -> list[tuple[int, int]]:
    """Possible (day offset, 24h hour) readings of a time; several when ambiguous."""
    if tm.mi > 59 or tm.s > 59:
        raise _Invalid
    per, h = tm.per, tm.h
    if h is None:
        if per in _DEFAULT_HOUR:
            return [(0, _DEFAULT_HOUR[per])]
        if per == "午夜":
            return [(1, 0)]
        raise _Invalid
    if h > 24 or (h == 24 and tm.mi):
        raise _Invalid
    if h == 24:
        return [(1, 0)]
    if tm.form == "ampm" or per is None:
        if tm.form in ("ampm", "clock") or h == 0 or h >= 13:
            return [(0, h)]
        if dated:  # office hours: 1-6 p.m., 7-11 a.m., 12 noon
            return [(0, h + 12 if h <= 6 else h)]
        return [(0, h % 12), (0, h % 12 + 12)]
    if per == "凌晨":
        if h <= 6 or h == 12:
            return [(0, h % 12)]
    elif per in _MORNING:
        if h <= 12:
            return [(0, h)]
    elif per == "中午":
        if h in (11, 12, 13, 14):
            return [(0, h)]
        if h in (1, 2):
            return [(0, h + 12)]
    elif per in _AFTERNOON:
        if 1 <= h <= 11:
            return [(0, h + 12)]
        if 12 <= h <= 23:
            return [(0, h)]
    elif per == "傍晚":
        if 4 <= h <= 8:
            return [(0, h + 12)]
        if 16 <= h <= 20:
            return [(0, h)]
    elif per in _NIGHT or per == "午夜":
        if per == "午夜" and 5 <= h <= 11:
            raise _Invalid
        if 5 <= h <= 11:
            return [(0, h + 12)]
        if h == 12 or h == 0:
            return [(1, 0)]
        if 1 <= h <= 4:
            return [(1, h)]
        if 17 <= h <= 23:
            return [(0, h)]
    raise _Invalid


def _at(d: date, off: int, h: int, tm: _Time) -> datetime:
    return datetime(d.year, d.month, d.day, h, tm.mi, tm.s) + timedelta(days=off)


# ----------------------------------------------------------------------------------------------
# relative times and dateparser
# ----------------------------------------------------------------------------------------------
_REL_TIME_RE = re.compile(
    r"(?:再过|过)?\s*(?P<n>\d{1,5}(?:\.\d{1,2})?|半)\s*个?\s*(?P<half>半)?\s*"
    r"(?P<u>小时|钟头|分钟|分|秒钟|秒|刻钟|刻)\s*(?P<dir>以后|之后|后|以前|之前|前)"
)
_UNIT_SECONDS = {"小时": 3600, "钟头": 3600, "分钟": 60, "分": 60, "秒钟": 1, "秒": 1, "刻钟": 900, "刻": 900}

_DP_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}
_EN_WORD_RE = re.compile(
    r"\b(?:today|tonight|tomorrow|tmrw?|yesterday|now|noon|midnight|morning|afternoon|evening|night"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    rf"|{_MON_EN}|in|ago|hours?|minutes?|mins?|days?|weeks?|months?|years?|next|last|this|am|pm)\b"
    r"|\d\s*[ap]\.?m\b"
)
_EN_TIME_CUE_RE = re.compile(
    r"\d\s*[ap]\.?m\b|\d:\d|\b(?:noon|midnight|morning|afternoon|evening|night|tonight|now|hours?"
    r"|minutes?|mins?|seconds?|secs?)\b"
)
_EN_OK_RE = re.compile(r"[a-z0-9 ,.:'/+-]+")


_DP_CACHE: dict[datetime, DateDataParser] = {}


def _dp_for(base: datetime) -> DateDataParser:
    """English-only DateDataParser for a relative base (settings are fixed per instance)."""
    parser = _DP_CACHE.get(base)
    if parser is None:
        if len(_DP_CACHE) >= 64:
            _DP_CACHE.clear()
        parser = DateDataParser(languages=["en"], settings={**_DP_SETTINGS, "RELATIVE_BASE": base})
        _DP_CACHE[base] = parser
    return parser


def _dateparser(t: str, base: datetime) -> tuple[datetime, str] | None:
    """English fallback via dateparser; (naive datetime, period) or None."""
    if len(t) > 60 or not _EN_OK_RE.fullmatch(t) or not _EN_WORD_RE.search(t):
        return None
    data = _dp_for(base).get_date_data(t)
    dt = data.date_obj
    if dt is None or abs(dt.year - base.year) > 100:
        return None
    if dt.tzinfo is not None:
        dt = dt.replace(tzinfo=None)
    return dt, data.period or "day"


def _warm_up() -> None:
    base = datetime(2022, 10, 5, 10, 0)
    for phrase in ("tomorrow 9am", "in 2 hours", "next friday", "3pm", "last month"):
        _dateparser(phrase, base)
    default_calendar().find_holiday("国庆", date.today())  # first holidays.China() costs ~60 ms


try:
    _warm_up()
except Exception:  # pragma: no cover - a failing warm-up only costs speed
    log.exception("dateparser warm-up failed")


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------
def _attach(dt: datetime, now: datetime) -> datetime:
    return dt.replace(tzinfo=now.tzinfo)


def _when(text: str, now: datetime, cal: WorkCalendar) -> datetime | None:
    t = _normalize(text)
    if t is None:
        return None
    if t in _NOW_WORDS:
        return now
    naive = now.replace(tzinfo=None)
    today = naive.date()
    ctx = _Ctx(today, cal)

    m = _REL_TIME_RE.fullmatch(t)
    if m:
        n = 0.5 if m.group("n") == "半" else float(m.group("n"))
        n += 0.5 if m.group("half") else 0
        secs = n * _UNIT_SECONDS[m.group("u")]
        if secs > 100 * 366 * 86400:
            return None
        sign = -1 if m.group("dir").endswith("前") else 1
        return now + timedelta(seconds=sign * secs)

    date_text, tm = _split_time(t)
    if date_text in _FILLER:
        date_text = ""
    spec = _parse_single(date_text, ctx) if date_text else None
    if spec is None and date_text:
        return _when_dateparser(t, naive, now)
    if spec is None:  # time only: next occurrence of any reading
        assert tm is not None
        readings = _readings(tm, dated=False)
        cands = [_at(today + timedelta(days=k), off, h, tm) for k in (0, 1) for off, h in readings]
        future = [c for c in cands if c > naive]
        return _attach(min(future), now) if future else None

    if tm is None:
        if spec.wd is not None:
            return _attach(_combine(_first(spec, today, lambda s, e: s > today)), now)
        if spec.fixed:
            assert spec.start is not None
            first = spec.point or spec.start
            return _attach(_combine((first, first)), now)
        return _attach(_combine(_first(spec, _early_since(spec, today), lambda s, e: s >= today)), now)

    if spec.point is not None:
        spec = _fixed(spec.point)
    if not spec.day:
        return None  # "下个月3点" is not a point in time
    (off, h), *_ = _readings(tm, dated=True)
    if spec.wd is not None:
        for s, _e in _candidates(spec, today):
            if spec.after_today and s <= today:
                continue
            dt = _at(s, off, h, tm)
            if dt > naive:
                return _attach(dt, now)
        return None
    if spec.fixed:
        assert spec.start is not None
        return _attach(_at(spec.start, off, h, tm), now)
    occ = _first(spec, _early_since(spec, today), lambda s, e: s >= today)
    return _attach(_at(occ[0], off, h, tm), now) if occ else None


def _combine(occ: tuple[date, date] | None) -> datetime:
    if occ is None:
        raise _Invalid
    return datetime(occ[0].year, occ[0].month, occ[0].day)


def _when_dateparser(t: str, naive: datetime, now: datetime) -> datetime | None:
    res = _dateparser(t, naive)
    if res is None:
        return None
    dt, period = res
    if period != "day":
        return None  # "next month" etc. are handled by the rule layer; dateparser guesses a day
    if not _EN_TIME_CUE_RE.search(t):
        dt = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    return _attach(dt, now)


def parse_when(text: str, now: datetime, *, calendar: WorkCalendar | None = None) -> datetime | None:
    """A point in time from a chat phrase, in ``now``'s timezone; None if not understood."""
    try:
        return _when(text, now, calendar or default_calendar())
    except Exception:  # _Invalid, ValueError, OverflowError, … -> "not understood"
        return None


def _period(text: str, now: datetime, cal: WorkCalendar) -> tuple[date, date] | None:
    t = _normalize(text)
    if t is None:
        return None
    naive = now.replace(tzinfo=None)
    today = naive.date()
    ctx = _Ctx(today, cal)
    t = _TRAIL_RE.sub("", _LEAD_RE.sub("", t)).strip()
    spec = _parse_single(t, ctx)
    if spec is not None:
        return _resolve_period(spec, today)

    seps = list(_SEP_RE.finditer(t))
    if len(seps) > 12:
        return None
    for sep in seps:
        left_t, right_t = t[: sep.start()].strip(), t[sep.end():].strip()
        if not left_t or not right_t:
            continue
        left = _parse_single(left_t, ctx)
        if left is None:
            continue
        right = _fixed(today) if right_t in _RIGHT_TODAY else _parse_single(right_t, ctx)
        if right is None:
            continue
        return _resolve_range(left, right, today)

    res = _dateparser(t, naive) if not _EN_TIME_CUE_RE.search(t) else None
    if res is None:
        return None
    dt, period = res
    d = dt.date()
    if period == "day":
        return d, d
    if period == "week":
        return _week_start(d), _week_start(d) + timedelta(days=6)
    if period == "month":
        return _month_range(d.year, d.month)
    if period == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    return None


def parse_period(
    text: str, now: datetime, *, calendar: WorkCalendar | None = None
) -> tuple[date, date] | None:
    """An inclusive (first, last) date range from a chat phrase; None if not understood."""
    try:
        return _period(text, now, calendar or default_calendar())
    except Exception:
        return None


_HALF_RE = re.compile(r"(?P<rest>.*?)\s*(?P<half>上午|早上|早晨|清晨|早|下午|午后|(?:in the )?morning"
                      r"|(?:in the )?afternoon|[ap]\.?m\.?)")
_HALF_AM = frozenset({"上午", "早上", "早晨", "清晨", "早", "morning", "in the morning", "am", "a.m.", "a.m", "am."})


def parse_half_day(text: str, now: datetime, *, calendar: WorkCalendar | None = None) -> tuple[date, str] | None:
    """Half a day: (day, "am" | "pm") from "明天下午", "10月10日上午", "周五下午", "tomorrow morning", "下午"
    (today); None when the text is not exactly one day and a half."""
    try:
        t = _normalize(text)
        if t is None:
            return None
        m = _HALF_RE.fullmatch(t)
        if m is None:
            return None
        today = now.replace(tzinfo=None).date()
        rest = m.group("rest").strip()
        if not rest:
            day = today
        else:
            spec = _parse_single(rest, _Ctx(today, calendar or default_calendar()))
            if spec is None or not spec.day:
                return None
            occ = _resolve_period(spec, today)
            if occ is None or occ[0] != occ[1]:
                return None
            day = occ[0]
        return day, "am" if m.group("half") in _HALF_AM else "pm"
    except Exception:
        return None


_NIGHT_RE = re.compile(r"(?P<rest>.*?)\s*(?:晚上|夜里|夜间|晚|夜|tonight|(?:at )?night|evening|overnight)(?:值班)?")
_NEXT_DAY_WORDS = frozenset({"次日", "第2天", "翌日", "隔天", "the next day", "next day", "the next morning"})


def _span(text: str, now: datetime, cal: WorkCalendar, day_start: time, day_end: time
          ) -> tuple[datetime, datetime] | None:
    t = _normalize(text)
    if t is None:
        return None
    t = _TRAIL_RE.sub("", _LEAD_RE.sub("", t)).strip()
    today = now.replace(tzinfo=None).date()
    night = _NIGHT_RE.fullmatch(t)
    if night is not None:  # 今晚 / 周五晚上 / tonight: that evening's off-hours until the next working morning
        rest = night.group("rest").strip()
        if rest in ("", "今天", "today"):
            day = today
        else:
            spec = _parse_single(rest, _Ctx(today, cal))
            occ = _resolve_period(spec, today) if spec is not None and spec.day else None
            if occ is None or occ[0] != occ[1]:
                return None
            day = occ[0]
        evening = datetime.combine(day, day_end)
        return _attach(evening, now), _attach(datetime.combine(day + timedelta(days=1), day_start), now)
    for sep in _SEP_RE.finditer(t):
        left_t, right_t = t[: sep.start()].strip(), t[sep.end():].strip()
        if not left_t or not right_t or _split_time(left_t)[1] is None:
            continue
        start = _when(left_t, now, cal)
        if start is None:
            continue
        right_date, right_time = _split_time(right_t)
        if right_time is None:
            continue
        if right_date in _NEXT_DAY_WORDS:
            base = datetime.combine(start.date() + timedelta(days=1), time(0)).replace(tzinfo=now.tzinfo)
            end = _when(right_t[len(right_date):].strip(), base - timedelta(microseconds=1), cal)
        elif not right_date:
            end = _when(right_t, start, cal)  # "18:00至09:00": the next 09:00 after the start
        else:
            end = _when(right_t, now, cal)
        if end is None or not start < end <= start + timedelta(days=31):
            return None
        return start, end
    return None


def parse_span(text: str, now: datetime, *, calendar: WorkCalendar | None = None, day_start: time = time(9, 0),
               day_end: time = time(17, 30)) -> tuple[datetime, datetime] | None:
    """A stretch of time with start and end times, for on-call duty: "今天18:00至明天09:00",
    "18:00至次日9:00", "今晚" / "周五晚上" / "tonight" (from ``day_end`` that evening until ``day_start`` the next
    morning: the contract's working hours).  None when not understood, or when the end is not after the start."""
    try:
        return _span(text, now, calendar or default_calendar(), day_start, day_end)
    except Exception:
        return None


def parse_past_period(text: str, now: datetime, *, calendar: Any = None,
                      search_days: int = 400) -> tuple[date, date] | None:
    """Like parse_period, but a phrase without a year that names a past span means the latest one.

    "9月" said in October is last September, "10月9日" said on 10 October is yesterday; relative
    phrases ("明天", "下个月") keep their meaning because they never name the probe day itself.
    """
    period = parse_period(text, now, calendar=calendar)
    if period is None or period[0] <= now.date():
        return period
    for back in range(1, search_days + 1):
        probe = now - timedelta(days=back)
        found = parse_period(text, probe, calendar=calendar)
        if found is not None and found[0] <= probe.date() <= found[1]:
            return found
    return period


def parse_past_day(text: str, now: datetime, *, calendar: Any = None, search_days: int = 31) -> date | None:
    """One day, preferring the latest past occurrence within `search_days` ("周五" on a Monday is last Friday;
    with 366, "12月1日" said in October is last December)."""
    period = parse_past_period(text, now, calendar=calendar, search_days=search_days)
    if period is None or period[0] != period[1]:
        return None
    return period[0]
