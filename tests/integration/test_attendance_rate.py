"""The attendance rate across the 2022 National Day holiday, worked out by hand.

October 2022: 1–7 October are the National Day holiday; Saturday 8 and Sunday 9 are working days
(调休上班). Working days: 8, 9, 10–14, 17–21, 24–28, 31 = 2 + 5 + 5 + 5 + 1 = 18 per engineer.

林海 (lead): checks in on all 18 working days, late on 10 and 20 October, and on holiday duty on 3 October.
周小舟: approved leave on 12–13 October, forgot 24 October (make-up approved on the 25th),
absent on 31 October, checked in on every other working day (14 check-ins).

Default rules (leave not present, late not deducted):
    林海 18/18, 周小舟 15/18 → (18 + 15) / 36 = 33/36 = 91.67 %; losses: 2 leave days + 1 absent day = 3.
leave_counts_as_present = true, late_weight = 0.5:
    林海 18 − 2 × 0.5 = 17, 周小舟 15 + 2 = 17 → 34/36; losses: 1 absent + 2 × 0.5 late = 2.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.handlers.render.attendance import render_report
from bot.services import attendance
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Role
from tests.conftest import ENGINEER, LEAD, SHANGHAI, SUPERVISOR
from tests.integration.test_attendance import services_with, who

WORKDAYS = [date(2022, 10, d) for d in (8, 9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 24, 25, 26, 27, 28, 31)]
LATE = {date(2022, 10, 10): (9, 20), date(2022, 10, 20): (9, 5)}
LEAVE = [date(2022, 10, 12), date(2022, 10, 13)]
FORGOT = date(2022, 10, 24)
ABSENT = date(2022, 10, 31)
OCTOBER = (date(2022, 10, 1), date(2022, 10, 31))


def at(clock: FakeClock, day: date, hour: int, minute: int = 0) -> None:
    clock.set(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI))


async def live_october(services: Services, clock: FakeClock) -> None:
    lead, engineer = await who(services, LEAD), await who(services, ENGINEER)
    supervisor = await who(services, SUPERVISOR)
    at(clock, date(2022, 10, 3), 10)
    await attendance.check_in(services, lead)  # holiday duty
    for day in WORKDAYS:
        hour, minute = LATE.get(day, (8, 50))
        at(clock, day, hour, minute)
        await attendance.check_in(services, lead)
        if day == date(2022, 10, 10):
            leave = await attendance.request_leave(services, engineer, "10月12日至10月13日 家里有事")
            await attendance.decide_request(services, supervisor, leave.request.id, approve=True)
        if day not in (*LEAVE, FORGOT, ABSENT):
            at(clock, day, 8, 45)
            await attendance.check_in(services, engineer)
        if day == date(2022, 10, 25):
            makeup = await attendance.request_makeup(services, engineer, "昨天 忘记签到")
            assert makeup.request.first_day == FORGOT
            await attendance.decide_request(services, supervisor, makeup.request.id, approve=True)
    at(clock, date(2022, 11, 1), 9)


async def test_national_day_month_rate_by_hand(services: Services, clock: FakeClock) -> None:
    await live_october(services, clock)
    rate = await attendance.attendance_rate(services, *OCTOBER)
    assert rate.denominator == 36
    assert rate.numerator == 33
    assert rate.rate == Decimal(33) / Decimal(36)
    assert [(loss.key, loss.params["name"], loss.params["date"], loss.units) for loss in rate.losses] == [
        ("att.loss_leave", "周小舟", "2022-10-12", 1), ("att.loss_leave", "周小舟", "2022-10-13", 1),
        ("att.loss_absent", "周小舟", "2022-10-31", 1)]
    assert sum(loss.units for loss in rate.losses) == rate.denominator - rate.numerator
    assert rate.details["late_days"] == 2 and rate.details["holiday_duty_days"] == 1
    assert rate.details["made_up_days"] == 1 and rate.details["leave_days"] == 2
    per = {e["name"]: e for e in rate.details["engineers"]}
    assert per["林海"]["expected"] == 18 and per["林海"]["present"] == 18 and per["林海"]["late"] == 2
    assert per["周小舟"]["present"] == 15 and per["周小舟"]["absent"] == 1


async def test_leave_as_present_and_weighted_late_days(config_dict: dict[str, Any], clock: FakeClock) -> None:
    config_dict["attendance"] = {"leave_counts_as_present": True, "late_weight": "0.5"}
    async with services_with(config_dict, clock) as services:
        await live_october(services, clock)
        rate = await attendance.attendance_rate(services, *OCTOBER)
    assert (rate.numerator, rate.denominator) == (34, 36)
    assert sorted((loss.key, loss.params["date"], loss.units) for loss in rate.losses) == [
        ("att.loss_absent", "2022-10-31", 1), ("att.loss_late", "2022-10-10", Decimal("0.5")),
        ("att.loss_late", "2022-10-20", Decimal("0.5"))]
    late = next(loss for loss in rate.losses if loss.params["date"] == "2022-10-10")
    assert late.params["minutes"] == 20 and late.params["name"] == "林海"


async def test_days_after_today_are_not_expected(services: Services, clock: FakeClock) -> None:
    engineer, lead = await who(services, ENGINEER), await who(services, LEAD)
    for day in (date(2022, 10, 8), date(2022, 10, 9)):
        at(clock, day, 8, 50)
        await attendance.check_in(services, lead)
    at(clock, date(2022, 10, 10), 8, 55)
    await attendance.check_in(services, engineer)
    # Monday 10 Oct, 08:55: only 8, 9 and (for whoever checked in already) today count.
    rate = await attendance.attendance_rate(services, *OCTOBER)
    per = {e["name"]: e for e in rate.details["engineers"]}
    assert per["林海"]["expected"] == 2 and per["林海"]["present"] == 2
    assert per["周小舟"]["expected"] == 3 and per["周小舟"]["absent"] == 2
    at(clock, date(2022, 10, 10), 10, 1)  # after the cut-off the lead's missing check-in today counts
    later = await attendance.attendance_rate(services, *OCTOBER)
    assert {e["name"]: e["absent"] for e in later.details["engineers"]} == {"林海": 1, "周小舟": 2}
    explicit = await attendance.attendance_rate(services, *OCTOBER, upto=date(2022, 10, 8))
    assert (explicit.numerator, explicit.denominator) == (1, 2)


async def test_expected_days_follow_the_engineers_assignment(services: Services, clock: FakeClock) -> None:
    async with services.db.uow() as uow:
        await uow.people.add(name="新同事", telegram_id=100077, roles={Role.ENGINEER}, start=date(2022, 10, 27),
                             now=services.now())
        await uow.commit()
    newcomer = await who(services, 100077)
    for day in (date(2022, 10, 27), date(2022, 10, 28), date(2022, 10, 31)):
        at(clock, day, 8, 59)
        await attendance.check_in(services, newcomer)
    at(clock, date(2022, 11, 1), 9)
    report = await attendance.attendance_report(services, *OCTOBER, person_id=newcomer.id)
    [stats] = report.engineers
    assert stats.expected == [date(2022, 10, 27), date(2022, 10, 28), date(2022, 10, 31)]
    assert stats.rate == 1


async def test_report_text_lists_each_engineer_with_absent_dates(services: Services, clock: FakeClock) -> None:
    await live_october(services, clock)
    report = await attendance.attendance_report(services, *OCTOBER)
    text = render_report(report, "zh_CN")
    assert "2022-10-01 至 2022-10-31" in text
    assert "林海：应出勤 18 天，出勤 18，迟到 2，请假 0，缺勤 0，出勤率 100.0%" in text
    assert "周小舟：应出勤 18 天，出勤 15，迟到 0，请假 2，缺勤 1，出勤率 83.3%" in text
    assert "缺勤日期：10-31" in text
    assert "合计出勤率：91.7%（33/36）" in text and "请假不计为出勤" in text


async def test_nothing_to_count_before_the_first_working_day(services: Services, clock: FakeClock) -> None:
    """1–7 October is all holiday: no expected day yet, so no loss and the empty rate."""
    at(clock, date(2022, 10, 5), 12)
    rate = await attendance.attendance_rate(services, *OCTOBER)
    assert rate.denominator == 0 and rate.rate == 1 and rate.losses == []


async def test_half_day_leave_counts_half_a_day_in_the_rate(config_dict: dict[str, Any], clock: FakeClock,
                                                            tmp_path: Path) -> None:
    """周小舟 takes the afternoon of Tuesday 11 October off and works the morning; the morning of Wednesday 12
    October off, and never comes in that afternoon. Two working days: present ½ + ½ leave on the 11th, ½ leave
    + ½ absent on the 12th → 0.5 / 2 with leave not present, (0.5 + 1) / 2 with leave counted as present."""
    for counts, expected in ((False, Decimal("0.5")), (True, Decimal("1.5"))):
        config_dict["attendance"] = {"leave_counts_as_present": counts}
        config_dict["storage"] = {**config_dict["storage"], "db": str(tmp_path / f"half-{counts}.db")}
        async with services_with(config_dict, clock) as services:
            engineer, supervisor = await who(services, ENGINEER), await who(services, SUPERVISOR)
            at(clock, date(2022, 10, 10), 10)
            for text in ("明天下午 家里有事", "10月12日上午 看病"):
                filed = await attendance.request_leave(services, engineer, text)
                assert filed.workdays == Decimal("0.5")
                await attendance.decide_request(services, supervisor, filed.request.id, approve=True)
            at(clock, date(2022, 10, 11), 8, 50)
            await attendance.check_in(services, engineer)
            at(clock, date(2022, 10, 13), 9)
            rate = await attendance.attendance_rate(services, date(2022, 10, 11), date(2022, 10, 12))
        per = {e["name"]: e for e in rate.details["engineers"]}
        assert per["周小舟"]["expected"] == 2 and per["周小舟"]["leave"] == 1 and per["周小舟"]["absent"] == 0.5
        mine = [loss for loss in rate.losses if loss.params["name"] == "周小舟"]
        assert sum(loss.units for loss in mine) == 2 - expected
        keys = sorted(loss.key for loss in mine)
        assert keys == (["att.loss_absent_pm"] if counts else
                        ["att.loss_absent_pm", "att.loss_leave_am", "att.loss_leave_pm"])
        assert sum(loss.units for loss in rate.losses) == rate.denominator - rate.numerator
