"""The holiday duty plan's balancing rule, on its own."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from bot.services.domain.oncall import balance_plan
from bot.services.domain.people import Person, Role
from bot.services.oncall import split_names


def engineer(pid: int, name: str) -> Person:
    return Person(id=pid, name=name, telegram_id=1000 + pid, roles=frozenset({Role.ENGINEER}), language="zh_CN")


A, B, C = engineer(1, "甲工"), engineer(2, "乙工"), engineer(3, "丙工")
NATIONAL_DAY = [date(2022, 10, 1) + timedelta(days=i) for i in range(7)]


def test_days_alternate_and_totals_differ_by_at_most_one() -> None:
    plan = balance_plan(NATIONAL_DAY, [A, B], Counter())
    assert [plan[d] for d in NATIONAL_DAY] == [1, 2, 1, 2, 1, 2, 1]


def test_earlier_holidays_count() -> None:
    plan = balance_plan(NATIONAL_DAY[:3], [A, B, C], Counter({1: 3, 2: 1, 3: 1}))
    assert [plan[d] for d in NATIONAL_DAY[:3]] == [2, 3, 2]  # 甲工 already did three days


def test_an_engineer_on_leave_is_not_put_on_duty_that_day() -> None:
    plan = balance_plan(NATIONAL_DAY, [A, B], Counter(), unavailable={(1, d) for d in NATIONAL_DAY[:3]})
    assert [plan[d] for d in NATIONAL_DAY[:3]] == [2, 2, 2]
    assert [plan[d] for d in NATIONAL_DAY[3:]] == [1, 1, 1, 2]  # catches up afterwards


def test_trailing_roster_names_are_split_from_the_period() -> None:
    phrase, people = split_names("10月15日至10月16日 甲工、乙工", [A, B, C])
    assert phrase == "10月15日至10月16日" and people == [A, B]
    assert split_names("明天", [A]) == ("明天", [])
