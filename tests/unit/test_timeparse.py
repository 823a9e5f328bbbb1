"""Chat time phrases -> datetimes / periods, with fixed clocks in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.calendar import WorkCalendar
from bot.services.timeparse import PERIOD_EXAMPLES, WHEN_EXAMPLES, parse_period, parse_when

SH = ZoneInfo("Asia/Shanghai")
WED_AM = datetime(2022, 10, 5, 10, 0, tzinfo=SH)  # Wednesday, inside the National Day holiday
WED_PM = datetime(2022, 10, 5, 16, 0, tzinfo=SH)
LATE = datetime(2022, 10, 5, 23, 30, tzinfo=SH)
NOV = datetime(2022, 11, 5, 10, 0, tzinfo=SH)  # Saturday
DEC = datetime(2022, 12, 28, 9, 0, tzinfo=SH)  # Wednesday, year end
JAN1 = datetime(2023, 1, 1, 12, 0, tzinfo=SH)  # Sunday, inside 元旦 2022-12-31..2023-01-02


def dt(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH)


WHEN_CASES: list[tuple[str, datetime, datetime | None]] = [
    # relative days, date only -> 00:00
    ("今天", WED_AM, dt(2022, 10, 5)),
    ("明天", WED_AM, dt(2022, 10, 6)),
    ("后天", WED_AM, dt(2022, 10, 7)),
    ("大后天", WED_AM, dt(2022, 10, 8)),
    ("昨天", WED_AM, dt(2022, 10, 4)),
    ("前天", WED_AM, dt(2022, 10, 3)),
    ("3天后", WED_AM, dt(2022, 10, 8)),
    ("3天后下午2点", WED_AM, dt(2022, 10, 8, 14)),
    ("2周后", WED_AM, dt(2022, 10, 19)),
    ("3个月后", WED_AM, dt(2023, 1, 5)),
    # day + time of day
    ("明天下午3点", WED_AM, dt(2022, 10, 6, 15)),
    ("明天下午三点", WED_AM, dt(2022, 10, 6, 15)),
    ("明天上午9点半", WED_AM, dt(2022, 10, 6, 9, 30)),
    ("今晚8点", WED_AM, dt(2022, 10, 5, 20)),
    ("今天晚上八点", WED_AM, dt(2022, 10, 5, 20)),
    ("明晚7点", WED_AM, dt(2022, 10, 6, 19)),
    ("明早8点", WED_AM, dt(2022, 10, 6, 8)),
    ("今早7点", WED_AM, dt(2022, 10, 5, 7)),
    ("明天凌晨2点", WED_AM, dt(2022, 10, 6, 2)),
    ("昨天晚上8点", WED_AM, dt(2022, 10, 4, 20)),
    ("今晚12点", WED_AM, dt(2022, 10, 6, 0)),
    ("今晚1点", WED_AM, dt(2022, 10, 6, 1)),
    ("明天中午12点", WED_AM, dt(2022, 10, 6, 12)),
    ("明天中午1点", WED_AM, dt(2022, 10, 6, 13)),
    ("后天傍晚6点", WED_AM, dt(2022, 10, 7, 18)),
    ("明天 15:00", WED_AM, dt(2022, 10, 6, 15)),
    ("明天3点", WED_AM, dt(2022, 10, 6, 15)),  # dated bare hour: office-hours reading
    ("明天9点", WED_AM, dt(2022, 10, 6, 9)),
    ("明天下午3点前", WED_AM, dt(2022, 10, 6, 15)),
    # period word alone -> default hour
    ("明早", WED_AM, dt(2022, 10, 6, 9)),
    ("明天下午", WED_AM, dt(2022, 10, 6, 14)),
    ("今晚", WED_AM, dt(2022, 10, 5, 20)),
    ("下午", WED_PM, dt(2022, 10, 6, 14)),
    # time only -> next occurrence
    ("下午3点", WED_AM, dt(2022, 10, 5, 15)),
    ("下午3点", WED_PM, dt(2022, 10, 6, 15)),
    ("晚上8点", WED_AM, dt(2022, 10, 5, 20)),
    ("晚上12点", WED_AM, dt(2022, 10, 6, 0)),
    ("凌晨2点", WED_AM, dt(2022, 10, 6, 2)),
    ("凌晨2点", datetime(2022, 10, 5, 1, 0, tzinfo=SH), dt(2022, 10, 5, 2)),
    ("中午12点", WED_AM, dt(2022, 10, 5, 12)),
    ("中午12点", WED_PM, dt(2022, 10, 6, 12)),
    ("三点半", WED_AM, dt(2022, 10, 5, 15, 30)),  # nearest future of 03:30 / 15:30
    ("三点半", WED_PM, dt(2022, 10, 6, 3, 30)),
    ("3点", LATE, dt(2022, 10, 6, 3)),
    ("十点一刻", datetime(2022, 10, 5, 9, 0, tzinfo=SH), dt(2022, 10, 5, 10, 15)),
    ("十点一刻", datetime(2022, 10, 5, 10, 30, tzinfo=SH), dt(2022, 10, 5, 22, 15)),
    ("十点三刻", datetime(2022, 10, 5, 9, 0, tzinfo=SH), dt(2022, 10, 5, 10, 45)),
    ("下午三点四十五", WED_AM, dt(2022, 10, 5, 15, 45)),
    ("两点", WED_AM, dt(2022, 10, 5, 14)),
    ("12点", WED_AM, dt(2022, 10, 5, 12)),
    ("12点", WED_PM, dt(2022, 10, 6, 0)),
    ("十一点", WED_AM, dt(2022, 10, 5, 11)),
    ("23点", WED_AM, dt(2022, 10, 5, 23)),
    ("9:00", WED_AM, dt(2022, 10, 6, 9)),  # clock notation is 24-hour
    ("14:30", WED_AM, dt(2022, 10, 5, 14, 30)),
    ("１２：３０", WED_AM, dt(2022, 10, 5, 12, 30)),  # full width
    ("3pm", WED_AM, dt(2022, 10, 5, 15)),
    # relative times keep now's precision
    ("2小时后", WED_AM, dt(2022, 10, 5, 12)),
    ("两小时后", WED_AM, dt(2022, 10, 5, 12)),
    ("30分钟后", WED_AM, dt(2022, 10, 5, 10, 30)),
    ("半小时后", WED_AM, dt(2022, 10, 5, 10, 30)),
    ("一个半小时后", WED_AM, dt(2022, 10, 5, 11, 30)),
    ("一刻钟后", WED_AM, dt(2022, 10, 5, 10, 15)),
    ("2小时前", WED_AM, dt(2022, 10, 5, 8)),
    ("现在", WED_AM, WED_AM),
    # weekdays
    ("周一", WED_AM, dt(2022, 10, 10)),
    ("周三", WED_AM, dt(2022, 10, 12)),  # bare weekday = the next one after today
    ("周三下午5点", WED_AM, dt(2022, 10, 5, 17)),  # ... unless a later time today is given
    ("周三上午9点", WED_AM, dt(2022, 10, 12, 9)),
    ("星期天", WED_AM, dt(2022, 10, 9)),
    ("周天", WED_AM, dt(2022, 10, 9)),
    ("礼拜六", WED_AM, dt(2022, 10, 8)),
    ("本周五", WED_AM, dt(2022, 10, 7)),
    ("这周一", WED_AM, dt(2022, 10, 3)),
    ("下周一", WED_AM, dt(2022, 10, 10)),
    ("下周一上午10点", WED_AM, dt(2022, 10, 10, 10)),
    ("下个星期五", WED_AM, dt(2022, 10, 14)),
    ("下下周一", WED_AM, dt(2022, 10, 17)),
    ("上周五", WED_AM, dt(2022, 9, 30)),
    ("下周一", DEC, dt(2023, 1, 2)),  # year rollover
    ("周一一点", WED_AM, dt(2022, 10, 10, 13)),
    # explicit dates
    ("10月1日", NOV, dt(2023, 10, 1)),  # month-day without year: next occurrence
    ("10月1日 9:00", NOV, dt(2023, 10, 1, 9)),
    ("10月5日", WED_AM, dt(2022, 10, 5)),  # today still counts as the occurrence
    ("12月31日", WED_AM, dt(2022, 12, 31)),
    ("10月1号", WED_AM, dt(2023, 10, 1)),
    ("10.8", WED_AM, dt(2022, 10, 8)),
    ("2022/10/8", WED_AM, dt(2022, 10, 8)),
    ("2022-10-08", WED_AM, dt(2022, 10, 8)),
    ("2022年10月8日", WED_AM, dt(2022, 10, 8)),
    ("2022年10月8日下午2点半", WED_AM, dt(2022, 10, 8, 14, 30)),
    ("二〇二二年十月八日", WED_AM, dt(2022, 10, 8)),
    ("１０月８日", WED_AM, dt(2022, 10, 8)),
    ("2022-10-05 14:30", WED_AM, dt(2022, 10, 5, 14, 30)),
    ("2022-10-05T14:30", WED_AM, dt(2022, 10, 5, 14, 30)),
    ("15号", WED_AM, dt(2022, 10, 15)),
    ("1号", WED_AM, dt(2022, 11, 1)),
    ("下个月1号", WED_AM, dt(2022, 11, 1)),
    ("1月", DEC, dt(2023, 1, 1)),
    ("10月", WED_AM, dt(2023, 10, 1)),
    ("11月", WED_AM, dt(2022, 11, 1)),
    # holidays: first day of the (current or next) holiday period
    ("国庆", WED_AM, dt(2022, 10, 1)),
    ("国庆节", NOV, dt(2023, 9, 29)),  # 2023: 中秋节、国庆节 one period
    ("春节", WED_AM, dt(2023, 1, 21)),
    ("元旦", WED_AM, dt(2022, 12, 31)),
    ("五一", WED_AM, dt(2023, 4, 29)),
    ("清明", WED_AM, dt(2023, 4, 5)),
    ("端午", WED_AM, dt(2023, 6, 22)),
    ("中秋", WED_AM, dt(2023, 9, 29)),
    # English
    ("tomorrow 9am", WED_AM, dt(2022, 10, 6, 9)),
    ("tomorrow", WED_AM, dt(2022, 10, 6)),
    ("today 3pm", WED_AM, dt(2022, 10, 5, 15)),
    ("in 2 hours", WED_AM, dt(2022, 10, 5, 12)),
    ("in 30 minutes", WED_AM, dt(2022, 10, 5, 10, 30)),
    ("2 hours ago", WED_AM, dt(2022, 10, 5, 8)),
    ("in 3 days", WED_AM, dt(2022, 10, 8)),
    ("next Friday", WED_AM, dt(2022, 10, 7)),
    ("tomorrow at noon", WED_AM, dt(2022, 10, 6, 12)),
    ("Oct 1", WED_AM, dt(2023, 10, 1)),
    ("Oct 8", WED_AM, dt(2022, 10, 8)),
    ("next week", WED_AM, dt(2022, 10, 10)),
    ("last month", WED_AM, dt(2022, 9, 1)),
    ("now", WED_AM, WED_AM),
    # invalid / impossible -> None
    ("13月45日", WED_AM, None),
    ("25点", WED_AM, None),
    ("2月30日", WED_AM, None),
    ("2022-02-29", WED_AM, None),
    ("下午25点", WED_AM, None),
    ("10点61分", WED_AM, None),
    ("13/45", WED_AM, None),
    ("13pm", WED_AM, None),
    ("", WED_AM, None),
    ("   ", WED_AM, None),
    ("😀", WED_AM, None),
    ("随便说点什么", WED_AM, None),
    ("hello world", WED_AM, None),
    ("下个月3点", WED_AM, None),
    ("x" * 10_000, WED_AM, None),
]


@pytest.mark.parametrize(("text", "now", "expected"), WHEN_CASES, ids=[c[0][:20] for c in WHEN_CASES])
def test_parse_when(text: str, now: datetime, expected: datetime | None) -> None:
    got = parse_when(text, now)
    assert got == expected
    if expected is not None:
        assert got is not None and got.tzinfo is now.tzinfo


PERIOD_CASES: list[tuple[str, datetime, tuple[date, date] | None]] = [
    ("今天", WED_AM, (date(2022, 10, 5), date(2022, 10, 5))),
    ("昨天", WED_AM, (date(2022, 10, 4), date(2022, 10, 4))),
    ("明天", WED_AM, (date(2022, 10, 6), date(2022, 10, 6))),
    ("本周", WED_AM, (date(2022, 10, 3), date(2022, 10, 9))),
    ("这周", WED_AM, (date(2022, 10, 3), date(2022, 10, 9))),
    ("上周", WED_AM, (date(2022, 9, 26), date(2022, 10, 2))),
    ("下周", WED_AM, (date(2022, 10, 10), date(2022, 10, 16))),
    ("下周", DEC, (date(2023, 1, 2), date(2023, 1, 8))),
    ("本月", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("这个月", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("上个月", WED_AM, (date(2022, 9, 1), date(2022, 9, 30))),
    ("上月", JAN1, (date(2022, 12, 1), date(2022, 12, 31))),
    ("下个月", DEC, (date(2023, 1, 1), date(2023, 1, 31))),
    ("2022年10月", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("2022-10", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("2024年2月", WED_AM, (date(2024, 2, 1), date(2024, 2, 29))),
    ("10月", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),  # current month contains today
    ("9月", WED_AM, (date(2023, 9, 1), date(2023, 9, 30))),
    ("1月", DEC, (date(2023, 1, 1), date(2023, 1, 31))),
    ("10月1日", WED_AM, (date(2023, 10, 1), date(2023, 10, 1))),
    ("2022-10-01", WED_AM, (date(2022, 10, 1), date(2022, 10, 1))),
    ("10月1日至10月7日", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),  # contains today
    ("10月1日至10月7日", NOV, (date(2023, 10, 1), date(2023, 10, 7))),
    ("10月1日到7日", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("10.1-10.7", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("10.1~10.7", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("10月1日—10月7日", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("2022-10-01 to 2022-10-07", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("2022年10月1日-2022年10月7日", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("从10月1日到10月7日", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("12月30日至1月2日", DEC, (date(2022, 12, 30), date(2023, 1, 2))),
    ("10月1日至今", NOV, (date(2022, 10, 1), date(2022, 11, 5))),
    ("周一到周五", WED_AM, (date(2022, 10, 3), date(2022, 10, 7))),
    ("国庆", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("国庆节", NOV, (date(2023, 9, 29), date(2023, 10, 6))),
    ("春节", WED_AM, (date(2023, 1, 21), date(2023, 1, 27))),
    ("2022年春节", WED_AM, (date(2022, 1, 31), date(2022, 2, 6))),
    ("去年国庆", WED_AM, (date(2021, 10, 1), date(2021, 10, 7))),
    ("元旦", JAN1, (date(2022, 12, 31), date(2023, 1, 2))),
    ("五一", WED_AM, (date(2023, 4, 29), date(2023, 5, 3))),
    ("2022Q3", WED_AM, (date(2022, 7, 1), date(2022, 9, 30))),
    ("2022 Q3", WED_AM, (date(2022, 7, 1), date(2022, 9, 30))),
    ("Q4 2022", WED_AM, (date(2022, 10, 1), date(2022, 12, 31))),
    ("2022年第三季度", WED_AM, (date(2022, 7, 1), date(2022, 9, 30))),
    ("第四季度", WED_AM, (date(2022, 10, 1), date(2022, 12, 31))),
    ("第三季度", WED_AM, (date(2023, 7, 1), date(2023, 9, 30))),
    ("本季度", WED_AM, (date(2022, 10, 1), date(2022, 12, 31))),
    ("上季度", WED_AM, (date(2022, 7, 1), date(2022, 9, 30))),
    ("上季度", datetime(2023, 2, 1, tzinfo=SH), (date(2022, 10, 1), date(2022, 12, 31))),
    ("2022年", WED_AM, (date(2022, 1, 1), date(2022, 12, 31))),
    ("今年", WED_AM, (date(2022, 1, 1), date(2022, 12, 31))),
    ("去年", WED_AM, (date(2021, 1, 1), date(2021, 12, 31))),
    ("上半年", WED_AM, (date(2022, 1, 1), date(2022, 6, 30))),
    ("最近7天", WED_AM, (date(2022, 9, 29), date(2022, 10, 5))),
    ("周一", WED_AM, (date(2022, 10, 10), date(2022, 10, 10))),
    ("下周一", DEC, (date(2023, 1, 2), date(2023, 1, 2))),
    ("last month", WED_AM, (date(2022, 9, 1), date(2022, 9, 30))),
    ("this month", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("next week", WED_AM, (date(2022, 10, 10), date(2022, 10, 16))),
    ("last week", WED_AM, (date(2022, 9, 26), date(2022, 10, 2))),
    ("yesterday", WED_AM, (date(2022, 10, 4), date(2022, 10, 4))),
    ("October 2022", NOV, (date(2022, 10, 1), date(2022, 10, 31))),
    ("Oct 1 - Oct 7", WED_AM, (date(2022, 10, 1), date(2022, 10, 7))),
    ("last 7 days", WED_AM, (date(2022, 9, 29), date(2022, 10, 5))),
    ("next friday", WED_AM, (date(2022, 10, 7), date(2022, 10, 7))),
    # invalid
    ("13月", WED_AM, None),
    ("2月30日", WED_AM, None),
    ("10月7日至10月1日", WED_AM, None),
    ("10月7日至1日", WED_AM, (date(2022, 10, 7), date(2022, 11, 1))),
    ("Q3-Q1", WED_AM, (date(2022, 7, 1), date(2023, 3, 31))),  # the occurrence containing today
    ("2022Q3-Q4", WED_AM, (date(2022, 7, 1), date(2022, 12, 31))),
    ("2022-10-07 to 2022-10-01", WED_AM, None),
    ("明天下午3点", WED_AM, None),  # a point, not a period
    ("Q5", WED_AM, None),
    ("", WED_AM, None),
    ("🙂🙂", WED_AM, None),
    ("-" * 300, WED_AM, None),
]


@pytest.mark.parametrize(("text", "now", "expected"), PERIOD_CASES, ids=[c[0][:20] for c in PERIOD_CASES])
def test_parse_period(text: str, now: datetime, expected: tuple[date, date] | None) -> None:
    assert parse_period(text, now) == expected


def test_timezone_is_taken_from_now() -> None:
    utc_now = datetime(2022, 10, 5, 2, 0, tzinfo=UTC)
    got = parse_when("明天下午3点", utc_now)
    assert got == datetime(2022, 10, 6, 15, 0, tzinfo=UTC)
    assert got is not None and got.tzinfo is UTC
    rel = parse_when("2小时后", WED_AM)
    assert rel is not None and rel.tzinfo is SH and rel - WED_AM == timedelta(hours=2)


def test_examples_all_parse() -> None:
    """Error replies quote these lists, so every example must really work."""
    assert len(WHEN_EXAMPLES) >= 5 and len(PERIOD_EXAMPLES) >= 5
    for phrase in WHEN_EXAMPLES:
        assert parse_when(phrase, WED_AM) is not None, phrase
    for phrase in PERIOD_EXAMPLES:
        assert parse_period(phrase, WED_AM) is not None, phrase


def test_holiday_phrases_follow_calendar_overrides() -> None:
    """A contract that extends National Day to 10-10 changes what 国庆 means."""
    cal = WorkCalendar(add_holidays={date(2022, 10, 8): "国庆节", date(2022, 10, 9): "国庆节",
                                     date(2022, 10, 10): "国庆节"})
    assert parse_period("国庆", WED_AM, calendar=cal) == (date(2022, 10, 1), date(2022, 10, 10))
    assert parse_period("国庆", WED_AM) == (date(2022, 10, 1), date(2022, 10, 7))


def test_non_string_input_returns_none() -> None:
    assert parse_when(None, WED_AM) is None  # type: ignore[arg-type]
    assert parse_period(12345, WED_AM) is None  # type: ignore[arg-type]


def test_past_day_prefers_the_latest_past_occurrence_within_the_search() -> None:
    from bot.services.timeparse import parse_past_day

    now = datetime(2022, 10, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert parse_past_day("10月9日", now) == date(2022, 10, 9)
    assert parse_past_day("周五", now) == date(2022, 10, 7)
    assert parse_past_day("明天", now) == date(2022, 10, 11)  # relative phrases keep their meaning
    assert parse_past_day("12月1日", now) == date(2022, 12, 1)  # beyond the default 31 days: as said
    assert parse_past_day("12月1日", now, search_days=366) == date(2021, 12, 1)


# -- holiday-season phrases (issue 13, item 6) ----------------------------------------------------------
# Lunar days checked against the published calendar: 2023 Spring Festival 2023-01-22 (腊月 had 30 days, so
# 除夕 was 腊月三十, 01-21); 2024 Spring Festival 2024-02-10; 2025 has no 腊月三十 (除夕 2025-01-28).
# 重阳 2022-10-04, 七夕 2023-08-22, 小年 (northern, 腊月二十三) 2023-01-14.
FEB24 = datetime(2024, 1, 20, 10, 0, tzinfo=SH)  # Saturday, before the 2024 Spring Festival
MON = datetime(2022, 10, 10, 9, 0, tzinfo=SH)
HOLIDAY_SEASON_WHEN: list[tuple[str, datetime, datetime | None]] = [
    ("腊月二十八", WED_AM, dt(2023, 1, 19)),
    ("腊月二十八下午3点", WED_AM, dt(2023, 1, 19, 15)),
    ("腊月二十八下午三点", WED_AM, dt(2023, 1, 19, 15)),
    ("腊月廿八上午9点", WED_AM, dt(2023, 1, 19, 9)),
    ("除夕", WED_AM, dt(2023, 1, 21)),
    ("除夕晚上8点", WED_AM, dt(2023, 1, 21, 20)),
    ("大年三十", FEB24, dt(2024, 2, 9)),
    ("除夕", datetime(2024, 6, 1, 9, 0, tzinfo=SH), dt(2025, 1, 28)),  # a 29-day 腊月
    ("大年初一", WED_AM, dt(2023, 1, 22)),
    ("初五", WED_AM, dt(2023, 1, 26)),
    ("正月初七上午9点", WED_AM, dt(2023, 1, 28, 9)),
    ("正月十五", WED_AM, dt(2023, 2, 5)),
    ("元宵节", FEB24, dt(2024, 2, 24)),
    ("小年", WED_AM, dt(2023, 1, 14)),
    ("腊八", WED_AM, dt(2022, 12, 30)),
    ("七夕", WED_AM, dt(2023, 8, 22)),
    ("重阳节", datetime(2022, 10, 1, 9, 0, tzinfo=SH), dt(2022, 10, 4)),
    ("农历八月十五", WED_AM, dt(2023, 9, 29)),
    ("八月十五", WED_AM, dt(2023, 9, 29)),
    ("五月初五", WED_AM, dt(2023, 6, 22)),
    ("2024年除夕", WED_AM, dt(2024, 2, 9)),
    ("中秋", datetime(2024, 9, 1, 9, 0, tzinfo=SH), dt(2024, 9, 17)),  # the festival, not its first day off
    ("中秋下午3点", datetime(2024, 9, 1, 9, 0, tzinfo=SH), dt(2024, 9, 17, 15)),
    # 腊月 has 29 days from lunar 2024 to 2028 ("五年没有年三十"): the next 腊月三十 that exists
    ("腊月三十", datetime(2024, 6, 1, 9, 0, tzinfo=SH), dt(2030, 2, 2)),
    # the first working day after a holiday (substituted working weekends count)
    ("国庆后第一个工作日", datetime(2022, 9, 28, 9, 0, tzinfo=SH), dt(2022, 10, 8)),  # a Saturday 调休
    ("国庆后第一个工作日", datetime(2022, 10, 8, 8, 0, tzinfo=SH), dt(2022, 10, 8)),  # said that morning: today
    ("国庆节后第一个工作日上午9点", WED_AM, dt(2022, 10, 8, 9)),
    ("春节后上班第一天", WED_AM, dt(2023, 1, 28)),
    ("年后第一天上班", WED_AM, dt(2023, 1, 28)),
    ("节后第一天", WED_AM, dt(2022, 10, 8)),
    ("节后第二个工作日", WED_AM, dt(2022, 10, 9)),
    ("节后第三个工作日下午2点", WED_AM, dt(2022, 10, 10, 14)),
    ("节后第一天", NOV, dt(2023, 1, 3)),  # the next holiday is 元旦 2022-12-31..2023-01-02
    ("2023年国庆后第一个工作日", WED_AM, dt(2023, 10, 7)),
    ("五一后第一个工作日", WED_AM, dt(2023, 5, 4)),
    # month and year edges
    ("月底", WED_AM, dt(2022, 10, 31)),
    ("月末下午5点", WED_AM, dt(2022, 10, 31, 17)),
    ("本月初", WED_AM, dt(2022, 10, 1)),
    ("下个月初", WED_AM, dt(2022, 11, 1)),
    ("下月底", DEC, dt(2023, 1, 31)),
    ("上月末", JAN1, dt(2022, 12, 31)),
    ("2月底", WED_AM, dt(2023, 2, 28)),
    ("2024年2月底", WED_AM, dt(2024, 2, 29)),
    ("年底", WED_AM, dt(2022, 12, 31)),
    ("明年初", WED_AM, dt(2023, 1, 1)),
    # English weekdays
    ("next monday", WED_AM, dt(2022, 10, 10)),
    ("next monday 3pm", WED_AM, dt(2022, 10, 10, 15)),
    ("last monday", WED_AM, dt(2022, 10, 3)),
    ("this friday", WED_AM, dt(2022, 10, 7)),
    # not lunar, not a day
    ("腊月三十二", WED_AM, None),
    ("初四十", WED_AM, None),
    ("节后第0天", WED_AM, None),
    ("13月底", WED_AM, None),
]


@pytest.mark.parametrize(("text", "now", "expected"), HOLIDAY_SEASON_WHEN,
                         ids=[c[0][:20] for c in HOLIDAY_SEASON_WHEN])
def test_holiday_season_points(text: str, now: datetime, expected: datetime | None) -> None:
    assert parse_when(text, now) == expected


HOLIDAY_SEASON_PERIODS: list[tuple[str, datetime, tuple[date, date] | None]] = [
    ("正月初一到初七", WED_AM, (date(2023, 1, 22), date(2023, 1, 28))),
    ("除夕到初六", WED_AM, (date(2023, 1, 21), date(2023, 1, 27))),
    ("腊月二十八到正月初六", WED_AM, (date(2023, 1, 19), date(2023, 1, 27))),
    ("小年至元宵", WED_AM, (date(2023, 1, 14), date(2023, 2, 5))),
    ("初八至2月10日", WED_AM, (date(2023, 1, 29), date(2023, 2, 10))),
    ("腊月二十八", WED_AM, (date(2023, 1, 19), date(2023, 1, 19))),
    ("2024年除夕", WED_AM, (date(2024, 2, 9), date(2024, 2, 9))),
    ("国庆后第一个工作日", WED_AM, (date(2022, 10, 8), date(2022, 10, 8))),
    ("节后第一天至10月14日", WED_AM, (date(2022, 10, 8), date(2022, 10, 14))),
    ("月末", WED_AM, (date(2022, 10, 31), date(2022, 10, 31))),
    ("月底", datetime(2024, 2, 3, 9, 0, tzinfo=SH), (date(2024, 2, 29), date(2024, 2, 29))),
    ("本月初到今天", WED_AM, (date(2022, 10, 1), date(2022, 10, 5))),
    ("月初至月底", WED_AM, (date(2022, 10, 1), date(2022, 10, 31))),
    ("上月末", WED_AM, (date(2022, 9, 30), date(2022, 9, 30))),
    ("下个月初", DEC, (date(2023, 1, 1), date(2023, 1, 1))),
    ("下旬", WED_AM, (date(2022, 10, 21), date(2022, 10, 31))),
    ("2月下旬", WED_AM, (date(2023, 2, 21), date(2023, 2, 28))),
    ("本月上旬", WED_AM, (date(2022, 10, 1), date(2022, 10, 10))),
    ("本年度", WED_AM, (date(2022, 1, 1), date(2022, 12, 31))),
    ("今年", WED_AM, (date(2022, 1, 1), date(2022, 12, 31))),
    ("去年", WED_AM, (date(2021, 1, 1), date(2021, 12, 31))),
    ("上年度", WED_AM, (date(2021, 1, 1), date(2021, 12, 31))),
    ("上一年度", WED_AM, (date(2021, 1, 1), date(2021, 12, 31))),
    ("2023年度", WED_AM, (date(2023, 1, 1), date(2023, 12, 31))),
    ("2023全年", WED_AM, (date(2023, 1, 1), date(2023, 12, 31))),
    ("全年", WED_AM, (date(2022, 1, 1), date(2022, 12, 31))),
    ("去年全年", WED_AM, (date(2021, 1, 1), date(2021, 12, 31))),
    ("next monday to next wednesday", WED_AM, (date(2022, 10, 10), date(2022, 10, 12))),
    # said on a Monday: next week's Monday to Wednesday, never today
    ("next monday to next wednesday", MON, (date(2022, 10, 17), date(2022, 10, 19))),
    ("next monday", MON, (date(2022, 10, 17), date(2022, 10, 17))),
    ("monday to friday", WED_AM, (date(2022, 10, 3), date(2022, 10, 7))),  # as 周一到周五: this week
]


@pytest.mark.parametrize(("text", "now", "expected"), HOLIDAY_SEASON_PERIODS,
                         ids=[c[0][:20] for c in HOLIDAY_SEASON_PERIODS])
def test_holiday_season_periods(text: str, now: datetime, expected: tuple[date, date] | None) -> None:
    assert parse_period(text, now) == expected


def test_first_working_day_after_a_holiday_follows_the_contract_calendar() -> None:
    """A contract that gives 10-08 (the statutory 调休 Saturday) off moves 国庆后第一个工作日 to Monday."""
    cal = WorkCalendar(add_holidays={date(2022, 10, 8): "国庆节", date(2022, 10, 9): "国庆节"})
    assert parse_when("国庆后第一个工作日", WED_AM, calendar=cal) == dt(2022, 10, 10)
    assert parse_when("国庆后第一个工作日", WED_AM) == dt(2022, 10, 8)


def test_half_days() -> None:
    from bot.services.timeparse import parse_half_day

    monday = datetime(2022, 10, 10, 9, 0, tzinfo=SH)
    assert parse_half_day("明天下午", monday) == (date(2022, 10, 11), "pm")
    assert parse_half_day("10月10日上午", monday) == (date(2022, 10, 10), "am")
    assert parse_half_day("周五上午", monday) == (date(2022, 10, 14), "am")
    assert parse_half_day("tomorrow afternoon", monday) == (date(2022, 10, 11), "pm")
    assert parse_half_day("腊月二十八下午", monday) == (date(2023, 1, 19), "pm")
    assert parse_half_day("明天", monday) is None
    assert parse_half_day("下周下午", monday) is None  # a week is not half a day
    assert parse_half_day("明天下午3点", monday) is None


def test_on_call_spans() -> None:
    from datetime import time

    from bot.services.timeparse import parse_span

    monday = datetime(2022, 10, 10, 9, 0, tzinfo=SH)
    hours = {"day_start": time(8, 30), "day_end": time(17, 0)}
    assert parse_span("今晚", monday, **hours) == (dt(2022, 10, 10, 17), dt(2022, 10, 11, 8, 30))
    assert parse_span("周五晚上", monday, **hours) == (dt(2022, 10, 14, 17), dt(2022, 10, 15, 8, 30))
    assert parse_span("今天18:00至明天09:00", monday) == (dt(2022, 10, 10, 18), dt(2022, 10, 11, 9))
    assert parse_span("18:00至次日9:00", monday) == (dt(2022, 10, 10, 18), dt(2022, 10, 11, 9))
    assert parse_span("明天18:00到后天9点", monday) == (dt(2022, 10, 11, 18), dt(2022, 10, 12, 9))
    assert parse_span("今天18:00至09:00", monday) == (dt(2022, 10, 10, 18), dt(2022, 10, 11, 9))
    assert parse_span("今天18:00至今天17:00", monday) is None
    assert parse_span("10月1日至10月7日", monday) is None  # days without times: a period, not a span


def test_on_call_examples_all_parse() -> None:
    """/oncall set quotes these when it cannot read a period; each is a period or a span with times."""
    from bot.services.oncall import SPAN_EXAMPLES
    from bot.services.timeparse import parse_span

    for phrase in SPAN_EXAMPLES:
        assert parse_period(phrase, WED_AM) is not None or parse_span(phrase, WED_AM) is not None, phrase
