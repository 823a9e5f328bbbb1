"""Pure pieces of attendance: reading '<period> <reason>', past dates for 补卡, text triggers, approvers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.handlers.attendance import CHECKIN_TEXT, CHECKOUT_TEXT
from bot.services.attendance import is_approver, split_leading_phrase
from bot.services.domain.people import Person, Role
from bot.services.timeparse import parse_past_day, parse_past_period, parse_period
from tests.conftest import SHANGHAI

MONDAY = datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI)


def period(text: str) -> tuple[date, date] | None:
    return parse_period(text, MONDAY)


@pytest.mark.parametrize(("text", "expected", "reason"), [
    ("明天 看病", (date(2022, 10, 11), date(2022, 10, 11)), "看病"),
    ("10月12日 至 10月13日 家里 有事", (date(2022, 10, 12), date(2022, 10, 13)), "家里 有事"),
    ("下周一到下周三 年假", (date(2022, 10, 17), date(2022, 10, 19)), "年假"),
    ("明天看病", (date(2022, 10, 11), date(2022, 10, 11)), "看病"),
    ("后天", (date(2022, 10, 12), date(2022, 10, 12)), ""),
])
def test_longest_leading_period_is_split_from_the_reason(text: str, expected: tuple[date, date],
                                                         reason: str) -> None:
    assert split_leading_phrase(text, period) == (expected, reason)


def test_nothing_readable_gives_none() -> None:
    assert split_leading_phrase("改天 再说", period) is None
    assert split_leading_phrase("", period) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("昨天", date(2022, 10, 9)),
    ("10月9日", date(2022, 10, 9)),        # parse_period alone says 2023-10-09
    ("9号", date(2022, 10, 9)),
    ("15号", date(2022, 9, 15)),
    ("上周五", date(2022, 10, 7)),
    ("周五", date(2022, 10, 7)),           # on a Monday: last Friday
    ("今天", date(2022, 10, 10)),
    ("2022-10-08", date(2022, 10, 8)),
    ("明天", date(2022, 10, 11)),          # relative phrases keep their meaning (refused later as future)
])
def test_makeup_dates_prefer_the_latest_past_day(text: str, expected: date) -> None:
    assert parse_past_day(text, MONDAY) == expected


def test_a_period_is_not_a_makeup_date() -> None:
    assert parse_past_day("本周", MONDAY) is None
    assert parse_past_day("随便哪天", MONDAY) is None


def test_report_periods_without_a_year_mean_the_latest_past_one() -> None:
    assert parse_past_period("9月", MONDAY) == (date(2022, 9, 1), date(2022, 9, 30))
    assert parse_past_period("本月", MONDAY) == (date(2022, 10, 1), date(2022, 10, 31))
    assert parse_past_period("上个月", MONDAY) == (date(2022, 9, 1), date(2022, 9, 30))
    assert parse_past_period("下个月", MONDAY) == (date(2022, 11, 1), date(2022, 11, 30))


@pytest.mark.parametrize("text", ["签到", " 签到！", "check in", "Check-in", "CHECKIN", "上班打卡"])
def test_checkin_words(text: str) -> None:
    assert CHECKIN_TEXT.match(text) and not CHECKOUT_TEXT.match(text)


@pytest.mark.parametrize("text", ["签退", "check out", "checkout.", "下班打卡"])
def test_checkout_words(text: str) -> None:
    assert CHECKOUT_TEXT.match(text) and not CHECKIN_TEXT.match(text)


@pytest.mark.parametrize("text", ["我签到了吗", "明天签到", "check in later please", "签到签退"])
def test_chatter_mentioning_the_words_is_not_a_checkin(text: str) -> None:
    assert not CHECKIN_TEXT.match(text) and not CHECKOUT_TEXT.match(text)


def _person(*roles: Role, party: str | None = None) -> Person:
    return Person(id=1, name="测试", telegram_id=1, roles=frozenset(roles), language="zh_CN", party=party)


def test_approvers_are_supervisors_and_the_clients_contact() -> None:
    assert is_approver(_person(Role.SUPERVISOR))
    assert is_approver(_person(Role.CONTACT, party="client"))
    assert not is_approver(_person(Role.CONTACT, party="vendor"))
    assert not is_approver(_person(Role.LEAD, Role.ENGINEER))
