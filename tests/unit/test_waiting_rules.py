"""The pure rules of issue 20: paused working time and the due time it moves, and a missed arrival estimate."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.domain.tickets import WorkingDay, add_working_time, working_time_between
from bot.services.domain.urgent import UrgentRequest, missed_estimate

SH = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY = {date(2022, 10, d) for d in range(1, 8)}
HOURS = WorkingDay(lambda d: d.weekday() < 5 and d not in NATIONAL_DAY, time(9), time(17, 30), SH)


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2022, month, day, hour, minute, tzinfo=SH)


def test_nights_weekends_and_holidays_are_not_paused_working_time() -> None:
    assert working_time_between(at(10, 16, 30), at(11, 10), HOURS) == timedelta(hours=2)
    assert working_time_between(at(14, 17), at(17, 9, 30), HOURS) == timedelta(hours=1)   # Fri → Mon
    assert working_time_between(at(30, 9, month=9), at(8, 9), HOURS) == timedelta(hours=8, minutes=30)  # 国庆
    assert working_time_between(at(10, 20), at(10, 23), HOURS) == timedelta(0)


def test_the_due_time_moves_by_exactly_the_paused_working_time() -> None:
    assert add_working_time(at(11, 9), timedelta(hours=9, minutes=30), HOURS) == at(12, 10)
    assert add_working_time(at(14, 17), timedelta(hours=1), HOURS) == at(17, 9, 30)    # over the weekend
    assert add_working_time(at(14, 20), timedelta(hours=1), HOURS) == at(17, 10)       # due after hours
    assert add_working_time(at(14, 20), timedelta(0), HOURS) == at(14, 20)              # nothing paused


def _request(**changes: object) -> UrgentRequest:
    base = UrgentRequest(1, None, "x", 1, at(10, 9), at(10, 9), at(10, 10), 0, at(10, 9, 1), 2, None, None, None,
                         None, None, None, None, 0, None, None, None, None, None, None, None, None, None, None,
                         None, ack_eta=at(10, 9, 20))
    return replace(base, **changes)


def test_a_missed_estimate_is_arriving_after_it_or_not_arriving_by_it() -> None:
    assert not missed_estimate(_request(arrived_at=at(10, 9, 20)), at(10, 11))   # exactly at the estimate
    assert missed_estimate(_request(arrived_at=at(10, 9, 45)), at(10, 11))
    assert missed_estimate(_request(), at(10, 9, 21))
    assert not missed_estimate(_request(), at(10, 9, 19))
    assert not missed_estimate(_request(ack_eta=None), at(10, 11))
    assert not missed_estimate(_request(cancelled_at=at(10, 9, 30)), at(10, 11))
