"""Attendance services on a real temporary database: check-in/out, location, leave, make-up, audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import pytest

from bot.catalog import render
from bot.services import attendance
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from config.settings import settings_from_dict
from storage.attendance import AttendanceRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT


def at(clock: FakeClock, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
    clock.set(datetime(2022, month, day, hour, minute, tzinfo=SHANGHAI))


async def who(services: Services, telegram_id: int) -> Person:
    async with services.db.uow() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None
    return person


async def audit_actions(services: Services, prefix: str = "attendance.") -> list[str]:
    async with services.db.uow() as uow:
        return [e.action for e in await uow.audit.list(action_prefix=prefix)]


@asynccontextmanager
async def services_with(config: dict[str, Any], clock: FakeClock) -> AsyncIterator[Services]:
    async with open_services(settings_from_dict(config, apply_env=False), clock) as services:
        yield services


# -- check-in and check-out --------------------------------------------------------------------------
async def test_checkin_on_time_and_a_second_checkin_changes_nothing(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    at(clock, 10, 10, 8, 55)
    first = await attendance.check_in(services, engineer, chat_id=ENGINEER)
    assert first.created and first.record.late_minutes == 0 and first.holiday_name is None
    at(clock, 10, 10, 9, 30)
    again = await attendance.check_in(services, engineer, chat_id=ENGINEER)
    assert not again.created
    assert services.fmt(again.record.checkin_at) == "2022-10-10 08:55"
    assert again.record.late_minutes == 0
    assert await audit_actions(services) == ["attendance.checkin"]


async def test_late_checkin_records_the_minutes_against_working_hours(services: Services, clock: FakeClock) -> None:
    at(clock, 10, 10, 9, 17)
    result = await attendance.check_in(services, await who(services, ENGINEER))
    assert result.record.late_minutes == 17
    text = render(attendance.describe_day(services, result.record), "zh_CN")
    assert "签到 09:17" in text and "迟到 17 分钟" in text and "签退 —" in text


async def test_checkin_on_national_day_is_holiday_duty_and_never_late(services: Services, clock: FakeClock) -> None:
    at(clock, 10, 3, 11, 0)
    result = await attendance.check_in(services, await who(services, LEAD))
    assert result.record.holiday_duty and result.record.late_minutes == 0
    assert result.holiday_name == "国庆节"


async def test_checkin_on_a_working_saturday_counts_as_a_workday(services: Services, clock: FakeClock) -> None:
    at(clock, 10, 8, 9, 10)  # 调休上班
    result = await attendance.check_in(services, await who(services, LEAD))
    assert not result.record.holiday_duty and result.record.late_minutes == 10


async def test_checkout_without_checkin_is_explained(services: Services, clock: FakeClock) -> None:
    with pytest.raises(DomainError) as refused:
        await attendance.check_out(services, await who(services, ENGINEER))
    assert refused.value.key == "att.checkout_without_checkin"


async def test_checkout_after_an_approved_makeup_of_today_is_recorded(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    filed = await attendance.request_makeup(services, engineer, "今天 忘了签到")
    with pytest.raises(DomainError) as pending:
        await attendance.check_out(services, engineer)
    assert pending.value.key == "att.checkout_makeup_pending" and pending.value.params["id"] == filed.request.id
    await attendance.decide_request(services, await who(services, SUPERVISOR), filed.request.id, approve=True)
    at(clock, 10, 10, 17, 0)
    result = await attendance.check_out(services, engineer)
    assert result.makeup_id == filed.request.id and result.record.checkin_at is None
    assert services.fmt(result.record.checkout_at) == "2022-10-10 17:00" and result.record.early_minutes == 30
    report = await attendance.attendance_report(services, date(2022, 10, 10), date(2022, 10, 10))
    [stats] = [e for e in report.engineers if e.person.id == engineer.id]
    assert stats.made_up == [date(2022, 10, 10)] and stats.absent == []
    assert await audit_actions(services, "attendance.checkout") == ["attendance.checkout"]
    # A check-in sent afterwards joins the same record instead of failing.
    at(clock, 10, 10, 17, 5)
    late = await attendance.check_in(services, engineer)
    assert late.created and services.fmt(late.record.checkout_at) == "2022-10-10 17:00"


async def test_a_rejected_makeup_does_not_allow_a_checkout(services: Services) -> None:
    engineer = await who(services, ENGINEER)
    filed = await attendance.request_makeup(services, engineer, "今天 忘了签到")
    await attendance.decide_request(services, await who(services, SUPERVISOR), filed.request.id, approve=False)
    with pytest.raises(DomainError) as refused:
        await attendance.check_out(services, engineer)
    assert refused.value.key == "att.checkout_without_checkin"


async def test_early_checkout_is_flagged_and_the_latest_checkout_counts(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    at(clock, 10, 10, 8, 50)
    await attendance.check_in(services, engineer)
    at(clock, 10, 10, 17, 0)
    early = await attendance.check_out(services, engineer)
    assert early.record.early_minutes == 30 and early.previous_checkout is None
    at(clock, 10, 10, 18, 5)
    later = await attendance.check_out(services, engineer)
    assert later.record.early_minutes == 0
    assert services.fmt(later.previous_checkout) == "2022-10-10 17:00"
    assert services.fmt(later.record.checkout_at) == "2022-10-10 18:05"
    async with services.db.uow() as uow:
        entries = await uow.audit.list(action_prefix="attendance.checkout")
    assert len(entries) == 2 and entries[1].before["early_minutes"] == 30


async def test_engineer_not_yet_assigned_cannot_check_in(services: Services, clock: FakeClock) -> None:
    async with services.db.uow() as uow:
        from bot.services.domain.people import Role

        await uow.people.add(name="新同事", telegram_id=100077, roles={Role.ENGINEER}, start=date(2022, 10, 17),
                             now=services.now())
        await uow.commit()
    with pytest.raises(DomainError) as refused:
        await attendance.check_in(services, await who(services, 100077))
    assert refused.value.key == "att.not_assigned"


# -- location --------------------------------------------------------------------------------------
async def test_location_within_the_window_outside_the_radius_is_recorded_and_flagged(
        services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    await attendance.check_in(services, engineer)
    at(clock, 10, 10, 9, 5)
    result = await attendance.share_location(services, engineer, 31.83, 119.97)  # ~2.2 km north
    assert not result.checked_in_now
    assert result.record.outside_site is True
    assert 2100 < result.record.distance_m < 2300
    text = render(attendance.describe_day(services, result.record), "zh_CN")
    assert "超出" in text and "2.2 公里" in text and "不在现场范围" in text
    assert await audit_actions(services) == ["attendance.checkin", "attendance.location"]


async def test_location_on_site_without_a_checkin_is_the_checkin(services: Services, clock: FakeClock) -> None:
    at(clock, 10, 10, 8, 58)
    result = await attendance.share_location(services, await who(services, LEAD), 31.8102, 119.9703)
    assert result.checked_in_now
    assert result.record.outside_site is False and result.record.distance_m < 100
    assert services.fmt(result.record.checkin_at) == "2022-10-10 08:58"


async def test_location_long_after_the_checkin_is_not_about_attendance(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    await attendance.check_in(services, engineer)
    at(clock, 10, 10, 11, 0)
    assert await attendance.share_location(services, engineer, 31.81, 119.97) is None
    assert (await attendance.today_picture(services, engineer)).distance_m is None
    assert await audit_actions(services) == ["attendance.checkin"]


async def test_location_in_the_evening_or_on_a_holiday_is_no_checkin(services: Services, clock: FakeClock) -> None:
    """An urgent call-out's arrival location must not become a check-in (that feature reads it)."""
    lead = await who(services, LEAD)
    at(clock, 10, 10, 21, 0)
    assert await attendance.share_location(services, lead, 31.81, 119.97) is None
    at(clock, 10, 3, 10, 0)
    assert await attendance.share_location(services, lead, 31.81, 119.97) is None
    assert await audit_actions(services) == []


# -- leave -----------------------------------------------------------------------------------------
async def _pending(services: Services) -> list[Any]:
    async with services.db.uow() as uow:
        return await uow.outbox.due(services.now())


async def test_leave_request_reads_the_period_and_asks_supervisors_with_buttons(
        services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    result = await attendance.request_leave(services, engineer, "10月12日 至 10月13日 家里有事")
    assert (result.request.first_day, result.request.last_day) == (date(2022, 10, 12), date(2022, 10, 13))
    assert result.request.reason == "家里有事" and result.workdays == 2
    assert result.approvers == 2  # 陈主管 and 赵联络 (client contact); not the vendor's contact
    asked = {m.chat_id: m for m in await _pending(services)}
    assert set(asked) == {SUPERVISOR, CLIENT_CONTACT}
    assert "周小舟" in asked[SUPERVISOR].text and "2022-10-12" in asked[SUPERVISOR].text
    assert [label for label, _ in asked[SUPERVISOR].buttons[0]] == ["✅ 批准", "❌ 驳回"]
    assert await audit_actions(services) == ["attendance.leave_request"]


async def test_leave_without_a_space_before_the_reason_is_still_read(services: Services) -> None:
    result = await attendance.request_leave(services, await who(services, ENGINEER), "明天看病")
    assert result.request.first_day == date(2022, 10, 11) and result.request.reason == "看病"


async def test_unparseable_leave_period_gets_examples(services: Services) -> None:
    with pytest.raises(DomainError) as refused:
        await attendance.request_leave(services, await who(services, ENGINEER), "改天吧 有事")
    assert refused.value.key == "error.bad_period"
    assert "本月" in refused.value.params["examples"] and refused.value.params["text"] == "改天吧"


async def test_leave_needs_a_reason_and_a_working_day(services: Services) -> None:
    engineer = await who(services, ENGINEER)
    with pytest.raises(DomainError) as no_reason:
        await attendance.request_leave(services, engineer, "明天")
    assert no_reason.value.key == "att.leave_usage"
    with pytest.raises(DomainError) as weekend:
        await attendance.request_leave(services, engineer, "10月15日至10月16日 休息")
    assert weekend.value.key == "att.leave_no_workdays"


async def test_overlapping_leave_is_not_filed_twice(services: Services) -> None:
    engineer = await who(services, ENGINEER)
    await attendance.request_leave(services, engineer, "明天 看病")
    with pytest.raises(DomainError) as refused:
        await attendance.request_leave(services, engineer, "明天至后天 复查")
    assert refused.value.key == "att.leave_overlap"


async def test_supervisor_approves_and_the_engineer_is_told(services: Services) -> None:
    engineer = await who(services, ENGINEER)
    filed = await attendance.request_leave(services, engineer, "明天 看病")
    decision = await attendance.decide_request(services, await who(services, SUPERVISOR), filed.request.id,
                                               approve=True)
    assert decision.approved and decision.request.status == "approved"
    told = [m for m in await _pending(services) if m.chat_id == ENGINEER]
    assert len(told) == 1 and "批准" in told[0].text and "陈主管" in told[0].text
    async with services.db.uow() as uow:
        assert await attendance.on_leave(uow, engineer.id, date(2022, 10, 11))
        assert not await attendance.on_leave(uow, engineer.id, date(2022, 10, 12))
    with pytest.raises(DomainError) as second:
        await attendance.decide_request(services, await who(services, CLIENT_CONTACT), filed.request.id,
                                        approve=False)
    assert second.value.key == "att.already_decided" and second.value.params["by"] == "陈主管"
    assert await audit_actions(services) == ["attendance.leave_request", "attendance.leave_approved"]


async def test_vendor_contact_cannot_approve(services: Services) -> None:
    filed = await attendance.request_leave(services, await who(services, ENGINEER), "明天 看病")
    with pytest.raises(DomainError) as refused:
        await attendance.decide_request(services, await who(services, VENDOR_CONTACT), filed.request.id,
                                        approve=True)
    assert refused.value.key == "att.not_approver"


async def test_lead_who_is_also_supervisor_cannot_approve_own_leave(config_dict: dict[str, Any],
                                                                    clock: FakeClock) -> None:
    config_dict["roster"][0]["roles"] = ["lead", "engineer", "supervisor"]
    async with services_with(config_dict, clock) as services:
        lead = await who(services, LEAD)
        filed = await attendance.request_leave(services, lead, "明天 体检")
        assert filed.approvers == 2  # asked the others, not himself
        assert LEAD not in {m.chat_id for m in await _pending(services)}
        with pytest.raises(DomainError) as refused:
            await attendance.decide_request(services, lead, filed.request.id, approve=True)
        assert refused.value.key == "att.own_request"
        async with services.db.uow() as uow:
            assert (await uow.repo(AttendanceRepository).request(filed.request.id)).status == "pending"


# -- make-up (补卡) ----------------------------------------------------------------------------------
async def test_makeup_of_yesterday_reads_a_past_date(services: Services, clock: FakeClock) -> None:
    result = await attendance.request_makeup(services, await who(services, ENGINEER), "10月9日 手机没电")
    assert result.request.first_day == date(2022, 10, 9)  # not 2023
    assert result.request.kind == "makeup" and result.approvers == 2


async def test_makeup_cap_per_month_says_the_limit(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    at(clock, 10, 17, 9, 30)
    for phrase in ("10月11日 忘了", "10月12日 忘了", "10月13日 忘了"):
        await attendance.request_makeup(services, engineer, phrase)
    with pytest.raises(DomainError) as refused:
        await attendance.request_makeup(services, engineer, "10月14日 又忘了")
    assert refused.value.key == "att.makeup_cap"
    assert refused.value.params["limit"] == 3 and refused.value.params["used"] == 3


async def test_makeup_reach_is_counted_in_working_days(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    at(clock, 10, 17, 9, 30)  # five working days back: 10-14, 13, 12, 11, 10
    await attendance.request_makeup(services, engineer, "10月10日 忘了")
    with pytest.raises(DomainError) as refused:
        await attendance.request_makeup(services, engineer, "10月9日 忘了")
    assert refused.value.key == "att.makeup_too_old"
    assert refused.value.params["days"] == 5 and refused.value.params["earliest"] == "2022-10-10"


async def test_makeup_is_refused_for_holidays_future_days_and_days_already_present(
        services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    refusals = {}
    for phrase in ("10月7日 忘了", "明天 先补", "今天 补"):
        if phrase.startswith("今天"):
            await attendance.check_in(services, engineer)
        with pytest.raises(DomainError) as refused:
            await attendance.request_makeup(services, engineer, phrase)
        refusals[phrase] = refused.value.key
    assert refusals == {"10月7日 忘了": "att.makeup_not_workday", "明天 先补": "att.makeup_future",
                        "今天 补": "att.makeup_already_present"}


async def test_unreadable_makeup_date_is_explained(services: Services) -> None:
    with pytest.raises(DomainError) as refused:
        await attendance.request_makeup(services, await who(services, ENGINEER), "那天 忘了")
    assert refused.value.key == "att.makeup_bad_date"


async def test_every_change_is_in_the_audit_table(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    supervisor = await who(services, SUPERVISOR)
    await attendance.check_in(services, engineer)
    await attendance.share_location(services, engineer, 31.81, 119.97)
    at(clock, 10, 10, 17, 40)
    await attendance.check_out(services, engineer)
    leave = await attendance.request_leave(services, engineer, "明天 看病")
    await attendance.decide_request(services, supervisor, leave.request.id, approve=False)
    makeup = await attendance.request_makeup(services, engineer, "昨天 忘了")
    await attendance.decide_request(services, supervisor, makeup.request.id, approve=True)
    assert await audit_actions(services) == [
        "attendance.checkin", "attendance.location", "attendance.checkout", "attendance.leave_request",
        "attendance.leave_rejected", "attendance.makeup_request", "attendance.makeup_approved"]
    async with services.db.uow() as uow:
        entries = await uow.audit.list(action_prefix="attendance.")
    assert all(e.actor_name in {"周小舟", "陈主管"} for e in entries)
    assert entries[4].before["status"] == "pending" and entries[4].after["status"] == "rejected"
