"""Attendance reminders and the daily summary: who gets what, when, and exactly once."""

from __future__ import annotations

from datetime import date, datetime

from bot.services import attendance
from bot.services.attendance_timers import REMINDERS, next_due
from bot.services.clock import FakeClock
from bot.services.container import Services
from storage.outbox import OutboxMessage
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, VENDOR_CONTACT
from tests.integration.test_attendance import who


async def sweep(services: Services, now: datetime) -> None:
    """Only this feature's timer (others' timers are tested with their features)."""
    await REMINDERS.sweep(services, now)


def at(clock: FakeClock, month: int, day: int, hour: int, minute: int = 0) -> None:
    clock.set(datetime(2022, month, day, hour, minute, tzinfo=SHANGHAI))


async def queued(services: Services, kind: str) -> list[OutboxMessage]:
    async with services.db.uow() as uow:
        return [m for m in await uow.outbox.due(services.now(), limit=1000) if m.kind == kind]


async def test_checkin_reminder_goes_only_to_engineers_missing_and_only_once(
        services: Services, clock: FakeClock) -> None:
    await attendance.check_in(services, await who(services, LEAD))  # 09:00
    at(clock, 10, 10, 9, 14)
    await sweep(services, clock.now())
    assert await queued(services, "attendance.reminder") == []
    at(clock, 10, 10, 9, 15)
    await sweep(services, clock.now())
    await sweep(services, clock.now())
    at(clock, 10, 10, 9, 40)
    await sweep(services, clock.now())
    reminders = await queued(services, "attendance.reminder")
    assert [m.chat_id for m in reminders] == [ENGINEER]
    assert "还没有收到您的签到" in reminders[0].text and "09:00" in reminders[0].text


async def test_engineer_on_approved_leave_is_not_reminded(services: Services, clock: FakeClock) -> None:
    engineer = await who(services, ENGINEER)
    filed = await attendance.request_leave(services, engineer, "今天 发烧")
    await attendance.decide_request(services, await who(services, SUPERVISOR), filed.request.id, approve=True)
    at(clock, 10, 10, 9, 30)
    await sweep(services, clock.now())
    assert [m.chat_id for m in await queued(services, "attendance.reminder")] == [LEAD]


async def test_no_reminders_on_a_holiday(services: Services, clock: FakeClock) -> None:
    at(clock, 10, 3, 9, 30)
    await sweep(services, clock.now())
    at(clock, 10, 3, 10, 30)
    await sweep(services, clock.now())
    assert await queued(services, "attendance.reminder") == []
    assert await queued(services, "attendance.summary") == []


async def test_summary_at_cutoff_goes_to_group_and_supervisors(services: Services, clock: FakeClock) -> None:
    async with services.db.uow() as uow:
        await uow.chats.bind_group(GROUP, "项目群", SUPERVISOR, services.now())
        await uow.commit()
    at(clock, 10, 10, 9, 12)
    await attendance.check_in(services, await who(services, LEAD))
    at(clock, 10, 10, 10, 0)
    await sweep(services, clock.now())
    at(clock, 10, 10, 10, 30)
    await sweep(services, clock.now())
    summaries = {m.chat_id: m for m in await queued(services, "attendance.summary")}
    assert set(summaries) == {GROUP, SUPERVISOR, CLIENT_CONTACT}  # not the vendor's contact
    assert VENDOR_CONTACT not in summaries
    text = summaries[GROUP].text
    assert "2022-10-10" in text and "应到 2 人，已到 1 人" in text
    assert "⚠️ 林海：签到 09:12（迟到 12 分钟）" in text and "迟到 12 分钟" in text
    assert "❌ 周小舟：未签到" in text


async def test_checkout_reminder_for_who_checked_in_but_not_out(services: Services, clock: FakeClock) -> None:
    lead, engineer = await who(services, LEAD), await who(services, ENGINEER)
    await attendance.check_in(services, lead)
    await attendance.check_in(services, engineer)
    at(clock, 10, 10, 17, 45)
    await attendance.check_out(services, engineer)
    at(clock, 10, 10, 18, 30)
    await sweep(services, clock.now())
    await sweep(services, clock.now())
    reminders = [m for m in await queued(services, "attendance.reminder") if "签退" in m.text]
    assert [m.chat_id for m in reminders] == [LEAD]
    assert "09:00 签到后还没有签退" in reminders[0].text


async def test_next_due_follows_the_working_calendar(services: Services) -> None:
    def local(day: date, hour: int, minute: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)

    # Friday 7 Oct (holiday) evening → Saturday 8 Oct 09:15 (a working Saturday).
    assert await next_due(services, local(date(2022, 10, 7), 19, 0)) == local(date(2022, 10, 8), 9, 15)
    assert await next_due(services, local(date(2022, 10, 10), 9, 15)) == local(date(2022, 10, 10), 10, 0)
    assert await next_due(services, local(date(2022, 10, 10), 10, 0)) == local(date(2022, 10, 10), 18, 30)
    assert REMINDERS.name == "attendance.reminders"
