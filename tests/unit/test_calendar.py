"""WorkCalendar (Chinese statutory plan + contract overrides) and its month views / CLI."""

from __future__ import annotations

import io
import json
import time as _time
from datetime import date, time, timedelta

import pytest

from bot.services.calendar import HolidayPeriod, WorkCalendar, default_calendar
from bot.services.calendar_view import calendar_command, month_json, render_month


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# -- the two weeks that must come out right ------------------------------------------------------
def test_national_day_2022(cal: WorkCalendar) -> None:
    for d in days(date(2022, 10, 1), date(2022, 10, 7)):
        assert not cal.is_workday(d), d
        assert cal.is_holiday(d), d
    # Saturday 8 and Sunday 9 October were working days (调休上班)
    assert cal.is_workday(date(2022, 10, 8))
    assert cal.is_workday(date(2022, 10, 9))
    assert not cal.is_holiday(date(2022, 10, 8))
    assert cal.is_workday(date(2022, 9, 30))
    assert cal.is_workday(date(2022, 10, 10))
    assert cal.extra_workdays(date(2022, 10, 1), date(2022, 10, 31)) == [date(2022, 10, 8), date(2022, 10, 9)]


def test_spring_festival_2023(cal: WorkCalendar) -> None:
    for d in days(date(2023, 1, 21), date(2023, 1, 27)):
        assert not cal.is_workday(d), d
    assert cal.is_workday(date(2023, 1, 28))  # Saturday, worked
    assert cal.is_workday(date(2023, 1, 29))  # Sunday, worked
    assert cal.is_workday(date(2023, 1, 20))
    # 除夕 2023-01-21 was an ordinary Saturday, not a statutory holiday, but part of the period
    assert not cal.is_holiday(date(2023, 1, 21))
    assert cal.holiday_periods(date(2023, 1, 1), date(2023, 1, 31)) == [
        HolidayPeriod("元旦", "New Year's Day", date(2022, 12, 31), date(2023, 1, 2)),
        HolidayPeriod("春节", "Spring Festival", date(2023, 1, 21), date(2023, 1, 27)),
    ]


# -- single days ---------------------------------------------------------------------------------
def test_ordinary_weekdays_and_weekends(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2022, 11, 7))  # Monday
    assert not cal.is_workday(date(2022, 11, 5))  # Saturday
    assert not cal.is_holiday(date(2022, 11, 5))
    assert cal.holiday_name(date(2022, 11, 5)) is None


@pytest.mark.parametrize(
    ("d", "zh", "en"),
    [
        (date(2022, 10, 1), "国庆节", "National Day"),
        (date(2022, 10, 4), "国庆节", "National Day"),  # "(observed)" entry
        (date(2022, 10, 6), "国庆节", "National Day"),  # "Day off (substituted from 10/08/2022)"
        (date(2022, 1, 1), "元旦", "New Year's Day"),
        (date(2022, 2, 1), "春节", "Spring Festival"),
        (date(2022, 1, 31), "春节", "Spring Festival"),  # day off before the festival
        (date(2022, 4, 5), "清明节", "Tomb-Sweeping Day"),
        (date(2022, 5, 1), "劳动节", "Labor Day"),
        (date(2022, 6, 3), "端午节", "Dragon Boat Festival"),
        (date(2022, 9, 10), "中秋节", "Mid-Autumn Festival"),
        (date(2023, 9, 29), "中秋节", "Mid-Autumn Festival"),
        (date(2023, 10, 5), "国庆节", "National Day"),  # day off in the joint 中秋/国庆 period
        (date(2025, 1, 28), "春节", "Spring Festival"),  # 除夕 became statutory in 2025
    ],
)
def test_holiday_names(cal: WorkCalendar, d: date, zh: str, en: str) -> None:
    assert cal.holiday_name(d) == zh
    assert cal.holiday_name(d, lang="zh_CN") == zh
    assert cal.holiday_name(d, lang="en") == en


def test_holiday_name_none_on_working_day(cal: WorkCalendar) -> None:
    assert cal.holiday_name(date(2022, 10, 8)) is None
    assert cal.holiday_name(date(2022, 10, 10), lang="en") is None


# -- ranges --------------------------------------------------------------------------------------
def test_workdays_between_and_count(cal: WorkCalendar) -> None:
    got = cal.workdays_between(date(2022, 9, 29), date(2022, 10, 11))
    assert got == [date(2022, 9, 29), date(2022, 9, 30), date(2022, 10, 8), date(2022, 10, 9),
                   date(2022, 10, 10), date(2022, 10, 11)]
    assert cal.count_workdays(date(2022, 9, 29), date(2022, 10, 11)) == 6
    assert cal.count_workdays(date(2022, 10, 1), date(2022, 10, 31)) == 18
    assert cal.count_workdays(date(2023, 1, 1), date(2023, 1, 31)) == 18
    assert cal.workdays_between(date(2022, 10, 10), date(2022, 10, 10)) == [date(2022, 10, 10)]


def test_reversed_range_is_empty(cal: WorkCalendar) -> None:
    assert cal.workdays_between(date(2022, 10, 11), date(2022, 10, 10)) == []
    assert cal.count_workdays(date(2022, 10, 11), date(2022, 10, 10)) == 0
    assert cal.holidays_in(date(2022, 10, 7), date(2022, 10, 1)) == []


def test_holidays_in(cal: WorkCalendar) -> None:
    assert cal.holidays_in(date(2022, 9, 28), date(2022, 10, 10)) == days(date(2022, 10, 1), date(2022, 10, 7))
    # statutory only: the Saturday 2023-01-21 (除夕) is a weekend, not in the list
    assert cal.holidays_in(date(2023, 1, 1), date(2023, 1, 31)) == (
        [date(2023, 1, 1), date(2023, 1, 2), *days(date(2023, 1, 22), date(2023, 1, 27))])


def test_extra_workdays_whole_year(cal: WorkCalendar) -> None:
    assert cal.extra_workdays(date(2022, 1, 1), date(2022, 12, 31)) == [
        date(2022, 1, 29), date(2022, 1, 30), date(2022, 4, 2), date(2022, 4, 24), date(2022, 5, 7),
        date(2022, 10, 8), date(2022, 10, 9),
    ]


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(date(2022, 9, 30)) == date(2022, 10, 8)
    assert cal.next_workday(date(2022, 10, 7)) == date(2022, 10, 8)
    assert cal.next_workday(date(2022, 10, 8)) == date(2022, 10, 9)  # strictly after
    assert cal.next_workday(date(2022, 11, 4)) == date(2022, 11, 7)  # Friday -> Monday
    assert cal.next_workday(date(2023, 1, 20)) == date(2023, 1, 28)


def test_add_workdays(cal: WorkCalendar) -> None:
    assert cal.add_workdays(date(2022, 10, 10), 0) == date(2022, 10, 10)
    assert cal.add_workdays(date(2022, 10, 3), 0) == date(2022, 10, 8)  # holiday -> next workday
    assert cal.add_workdays(date(2022, 9, 30), 1) == date(2022, 10, 8)
    # payment within 15 working days after signing on 2022-09-28
    assert cal.add_workdays(date(2022, 9, 28), 15) == date(2022, 10, 24)
    assert cal.add_workdays(date(2022, 10, 8), -1) == date(2022, 9, 30)
    assert cal.add_workdays(date(2023, 1, 19), 2) == date(2023, 1, 28)


# -- holiday periods -----------------------------------------------------------------------------
def test_holiday_periods_2022(cal: WorkCalendar) -> None:
    periods = cal.holiday_periods(date(2022, 1, 1), date(2022, 12, 31))
    assert [(p.name, p.first, p.last) for p in periods] == [
        ("元旦", date(2022, 1, 1), date(2022, 1, 3)),
        ("春节", date(2022, 1, 31), date(2022, 2, 6)),
        ("清明节", date(2022, 4, 3), date(2022, 4, 5)),
        ("劳动节", date(2022, 4, 30), date(2022, 5, 4)),
        ("端午节", date(2022, 6, 3), date(2022, 6, 5)),
        ("中秋节", date(2022, 9, 10), date(2022, 9, 12)),
        ("国庆节", date(2022, 10, 1), date(2022, 10, 7)),
        ("元旦", date(2022, 12, 31), date(2023, 1, 2)),  # overlaps the range, reported whole
    ]
    national = periods[6]
    assert national.name_en == "National Day"
    assert national.days == 7


def test_holiday_periods_overlap_and_merge(cal: WorkCalendar) -> None:
    # a range that starts in the middle of the period still reports the whole period
    assert cal.holiday_periods(date(2022, 10, 5), date(2022, 10, 5)) == [
        HolidayPeriod("国庆节", "National Day", date(2022, 10, 1), date(2022, 10, 7))]
    # 2023: Mid-Autumn Festival and National Day share one run of days off
    assert cal.holiday_periods(date(2023, 9, 1), date(2023, 10, 31)) == [
        HolidayPeriod("中秋节、国庆节", "Mid-Autumn Festival / National Day", date(2023, 9, 29), date(2023, 10, 6))]
    # ordinary weekends are not holiday periods
    assert cal.holiday_periods(date(2022, 11, 1), date(2022, 11, 30)) == []


@pytest.mark.parametrize(
    ("name", "around", "first", "last"),
    [
        ("国庆", date(2022, 9, 1), date(2022, 10, 1), date(2022, 10, 7)),
        ("国庆节", date(2022, 10, 5), date(2022, 10, 1), date(2022, 10, 7)),  # containing it
        ("National Day", date(2022, 10, 8), date(2023, 9, 29), date(2023, 10, 6)),  # next one
        ("春节", date(2022, 11, 5), date(2023, 1, 21), date(2023, 1, 27)),
        ("Spring Festival", date(2022, 1, 1), date(2022, 1, 31), date(2022, 2, 6)),
        ("元旦", date(2022, 12, 1), date(2022, 12, 31), date(2023, 1, 2)),
        ("New Year", date(2023, 1, 2), date(2022, 12, 31), date(2023, 1, 2)),
        ("清明", date(2022, 1, 1), date(2022, 4, 3), date(2022, 4, 5)),
        ("劳动节", date(2022, 1, 1), date(2022, 4, 30), date(2022, 5, 4)),
        ("五一", date(2022, 5, 5), date(2023, 4, 29), date(2023, 5, 3)),
        ("端午", date(2022, 1, 1), date(2022, 6, 3), date(2022, 6, 5)),
        ("中秋", date(2022, 1, 1), date(2022, 9, 10), date(2022, 9, 12)),
        ("中秋节", date(2023, 1, 1), date(2023, 9, 29), date(2023, 10, 6)),
    ],
)
def test_find_holiday(cal: WorkCalendar, name: str, around: date, first: date, last: date) -> None:
    period = cal.find_holiday(name, around)
    assert period is not None
    assert (period.first, period.last) == (first, last)


def test_find_holiday_unknown_name(cal: WorkCalendar) -> None:
    assert cal.find_holiday("圣诞节", date(2022, 1, 1)) is None
    assert cal.find_holiday("", date(2022, 1, 1)) is None


# -- overrides -----------------------------------------------------------------------------------
def test_add_holidays_override() -> None:
    cal = WorkCalendar(add_holidays={date(2022, 10, 10): "国庆节", date(2022, 11, 11): "单位运动会"})
    assert not cal.is_workday(date(2022, 10, 10))
    assert cal.is_holiday(date(2022, 10, 10))
    # 8/9 October are still 调休 working days, so the added Monday is a period of its own
    assert cal.find_holiday("国庆", date(2022, 9, 1)) == HolidayPeriod(
        "国庆节", "National Day", date(2022, 10, 1), date(2022, 10, 7))
    assert cal.find_holiday("国庆", date(2022, 10, 8)) == HolidayPeriod(
        "国庆节", "National Day", date(2022, 10, 10), date(2022, 10, 10))
    assert cal.holiday_name(date(2022, 11, 11)) == "单位运动会"
    assert cal.holiday_name(date(2022, 11, 11), lang="en") == "单位运动会"
    assert cal.count_workdays(date(2022, 10, 1), date(2022, 10, 31)) == 17


def test_add_holiday_on_substituted_weekend() -> None:
    """A local arrangement may cancel a 调休 working Saturday."""
    cal = WorkCalendar(add_holidays={date(2022, 10, 8): "国庆节"})
    assert not cal.is_workday(date(2022, 10, 8))
    assert cal.extra_workdays(date(2022, 10, 1), date(2022, 10, 31)) == [date(2022, 10, 9)]
    assert cal.holiday_periods(date(2022, 10, 1), date(2022, 10, 31))[0].last == date(2022, 10, 8)


def test_remove_holidays_override() -> None:
    cal = WorkCalendar(remove_holidays=[date(2022, 10, 6), date(2022, 10, 7)])
    assert cal.is_workday(date(2022, 10, 6))
    assert not cal.is_holiday(date(2022, 10, 7))
    assert cal.holiday_name(date(2022, 10, 7)) is None
    removed_on_weekend = WorkCalendar(remove_holidays=[date(2022, 10, 1)])
    assert not removed_on_weekend.is_holiday(date(2022, 10, 1))
    assert not removed_on_weekend.is_workday(date(2022, 10, 1))  # still a Saturday


def test_add_workdays_override() -> None:
    cal = WorkCalendar(add_workdays=[date(2022, 10, 7), date(2022, 11, 5)])
    assert cal.is_workday(date(2022, 10, 7))
    assert not cal.is_holiday(date(2022, 10, 7))
    assert cal.is_workday(date(2022, 11, 5))  # a Saturday worked under the contract
    assert date(2022, 11, 5) in cal.extra_workdays(date(2022, 11, 1), date(2022, 11, 30))
    assert cal.holiday_periods(date(2022, 10, 1), date(2022, 10, 31))[0].last == date(2022, 10, 6)


def test_conflicting_overrides_rejected() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(add_holidays={date(2022, 10, 8): "x"}, add_workdays=[date(2022, 10, 8)])
    with pytest.raises(ValueError):
        WorkCalendar(workday_start=time(18, 0), workday_end=time(9, 0))


def test_workday_hours() -> None:
    assert WorkCalendar().workday_start == time(9, 0)
    assert WorkCalendar().workday_end == time(17, 30)
    cal = WorkCalendar(workday_start=time(8, 30), workday_end=time(17, 0))
    assert (cal.workday_start, cal.workday_end) == (time(8, 30), time(17, 0))


def test_default_calendar_is_shared() -> None:
    assert default_calendar() is default_calendar()
    assert default_calendar().is_workday(date(2022, 10, 8))


def test_years_are_lazy_and_cached_fast(cal: WorkCalendar) -> None:
    assert cal.count_workdays(date(2015, 1, 1), date(2030, 12, 31)) > 3900
    start = _time.perf_counter()
    for _ in range(10):
        cal.count_workdays(date(2015, 1, 1), date(2030, 12, 31))
    assert _time.perf_counter() - start < 1.0  # ~58k cached lookups
    assert cal.is_workday(date(1900, 1, 1))  # outside the package's range: plain Mon-Fri


# -- month views ---------------------------------------------------------------------------------
OCT_2022_JSON = {
    "workdays": ["2022-10-08", "2022-10-09", "2022-10-10", "2022-10-11", "2022-10-12", "2022-10-13",
                 "2022-10-14", "2022-10-17", "2022-10-18", "2022-10-19", "2022-10-20", "2022-10-21",
                 "2022-10-24", "2022-10-25", "2022-10-26", "2022-10-27", "2022-10-28", "2022-10-31"],
    "holidays": ["2022-10-01", "2022-10-02", "2022-10-03", "2022-10-04", "2022-10-05", "2022-10-06",
                 "2022-10-07"],
    "extra_workdays": ["2022-10-08", "2022-10-09"],
}


def test_month_json_2022_10(cal: WorkCalendar) -> None:
    assert month_json(cal, 2022, 10) == OCT_2022_JSON


def test_month_json_2023_01(cal: WorkCalendar) -> None:
    got = month_json(cal, 2023, 1)
    assert got["holidays"] == ["2023-01-01", "2023-01-02", "2023-01-22", "2023-01-23", "2023-01-24",
                               "2023-01-25", "2023-01-26", "2023-01-27"]
    assert got["extra_workdays"] == ["2023-01-28", "2023-01-29"]
    assert len(got["workdays"]) == 18
    assert got["workdays"][:2] == ["2023-01-03", "2023-01-04"]
    assert "2023-01-20" in got["workdays"] and "2023-01-21" not in got["workdays"]


def test_render_month_zh_2022_10(cal: WorkCalendar) -> None:
    text = render_month(cal, 2022, 10)
    lines = text.splitlines()
    assert lines[0] == "2022年10月 工作日历"
    assert lines[1].split() == list("一二三四五六日")
    assert lines[2].split() == ["1休", "2休"]
    assert lines[3].split() == ["3休", "4休", "5休", "6休", "7休", "8班", "9班"]
    assert lines[4].split() == ["10", "11", "12", "13", "14", "15", "16"]
    assert lines[7].split() == ["31"]
    assert "国庆节：10月1日（周六）至10月7日（周五），共7天" in text
    assert "10月8日（周六）、10月9日（周日）" in text
    assert "工作日：18天" in text
    assert "图例" in text


def test_render_month_en_2023_01(cal: WorkCalendar) -> None:
    text = render_month(cal, 2023, 1, lang="en")
    lines = text.splitlines()
    assert lines[0].startswith("January 2023")
    assert lines[1].split() == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert lines[2].split() == ["1*"]  # Sunday 1 January
    assert lines[6].split() == ["23*", "24*", "25*", "26*", "27*", "28+", "29+"]
    assert lines[5].split()[-2:] == ["21*", "22*"]  # 除夕 Saturday is inside the festival period
    assert "New Year's Day: Sat 31 Dec 2022 – Mon 2 Jan (3 days off)" in text
    assert "Spring Festival: Sat 21 Jan – Fri 27 Jan (7 days off)" in text
    assert "Sat 28 Jan, Sun 29 Jan" in text
    assert "Working days: 18" in text
    assert "Legend" in text


def test_render_month_without_holidays(cal: WorkCalendar) -> None:
    text = render_month(cal, 2022, 11)
    assert "节假日：\n  无" in text
    assert "调休上班：\n  无" in text
    assert "工作日：22天" in text


# -- CLI -----------------------------------------------------------------------------------------
def run(argv: list[str], cal: WorkCalendar) -> tuple[int, str]:
    out = io.StringIO()
    return calendar_command(argv, cal, out), out.getvalue()


def test_cli_json(cal: WorkCalendar) -> None:
    rc, out = run(["2022-10", "--json"], cal)
    assert rc == 0
    assert json.loads(out) == OCT_2022_JSON


def test_cli_text_and_chinese_month(cal: WorkCalendar) -> None:
    rc, out = run(["2022年10月"], cal)
    assert rc == 0
    assert out == render_month(cal, 2022, 10)
    rc, out = run(["2023-01", "--lang", "en"], cal)
    assert rc == 0
    assert out == render_month(cal, 2023, 1, lang="en")
    rc, out = run(["--json", "2023/01"], cal)
    assert rc == 0 and json.loads(out) == month_json(cal, 2023, 1)


@pytest.mark.parametrize(
    "argv",
    [["2022-13"], ["foo"], ["10月1日至10月7日"], ["2022-10-05"], ["--bogus"], ["2022-10", "--lang", "fr"],
     ["2022-10", "2022-11"]],
)
def test_cli_bad_input(cal: WorkCalendar, argv: list[str]) -> None:
    rc, out = run(argv, cal)
    assert rc == 2
    assert "error" in out
    assert "calendar 2022-10" in out  # shows an example


def test_cli_help(cal: WorkCalendar) -> None:
    rc, out = run(["--help"], cal)
    assert rc == 0
    assert "usage: calendar" in out


def test_cli_default_is_current_month(cal: WorkCalendar) -> None:
    rc, out = run(["--json"], cal)
    assert rc == 0
    data = json.loads(out)
    assert data["workdays"], "every month has working days"
    assert len({d[:7] for d in data["workdays"]}) == 1
