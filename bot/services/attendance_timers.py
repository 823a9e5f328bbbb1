"""Attendance reminders, driven by the fixed times of `working_hours` and rebuilt from the database.

Each working day at `checkin_reminder` the engineers on the project, not on approved leave and not yet
checked in get a private reminder, until its next step comes: the summary at `summary_cutoff` (or, if the
cutoff is set earlier, the end of working hours). A reminder overtaken by that step is dropped, not sent late
(a restart at 10:30 sends the summary, not a 09:15 reminder). At `summary_cutoff` the project group(s) and
the supervisors get the day's picture; at `checkout_reminder` whoever checked in but not out is reminded
(also on holiday duty).
Every message carries a dedup key of its day, so a sweep that runs twice, or after a restart, sends
each reminder exactly once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.catalog import Joined, Text
from bot.services.attendance import LEAVE, MAKEUP, describe_record, distance_text, half_label, repo
from bot.services.container import Services
from bot.services.domain.attendance import AttendanceDay, AttendanceRequest
from bot.services.domain.people import Person, Role
from bot.services.timers import Timer
from storage.uow import UnitOfWork

LOOKAHEAD_DAYS = 40  # the longest run of days off in the Chinese calendar is well below this


def _local(services: Services, day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=services.tz).astimezone(UTC)


async def next_due(services: Services, now: datetime) -> datetime | None:
    """The next reminder time strictly after `now` (check-out reminders on every day, others on working days)."""
    hours = services.settings.working_hours
    today = services.local(now).date()
    for offset in range(LOOKAHEAD_DAYS):
        day = today + timedelta(days=offset)
        moments = [hours.checkout_reminder]
        if services.calendar.is_workday(day):
            moments += [hours.checkin_reminder, hours.summary_cutoff]
        due = [at for at in (_local(services, day, m) for m in moments) if at > now]
        if due:
            return min(due)
    return None


async def _expected_today(uow: UnitOfWork, day: date) -> list[Person]:
    return [p for p in await uow.people.all(include_left=False) if p.is_engineer and p.assigned_on(day)]


async def _approved_today(uow: UnitOfWork, day: date) -> list[AttendanceRequest]:
    return await repo(uow).requests_overlapping(day, day, statuses=("approved",))


async def remind_checkin(services: Services, day: date) -> int:
    async with services.db.uow() as uow:
        records = {r.person_id: r for r in await repo(uow).days_between(day, day)}
        excused = {r.person_id for r in await _approved_today(uow, day) if r.half != "pm"}  # pm off: still due
        missing = [p for p in await _expected_today(uow, day) if p.id not in records and p.id not in excused]
        count = await services.notifier.to_people(
            uow, missing, "att.remind_checkin", kind="attendance.reminder", dedup=f"att.remind_in:{day}",
            start=services.settings.working_hours.start.strftime("%H:%M"))
        await uow.commit()
    return count


async def remind_checkout(services: Services, day: date) -> int:
    async with services.db.uow() as uow:
        open_ids = {r.person_id for r in await repo(uow).days_between(day, day)
                    if r.checkin_at is not None and r.checkout_at is None}
        people = [p for p in await uow.people.all(include_left=False) if p.id in open_ids]
        count = 0
        for person in people:
            record = await repo(uow).day_of(person.id, day)
            if await services.notifier.to_person(uow, person, "att.remind_checkout", kind="attendance.reminder",
                                                 dedup=f"att.remind_out:{day}",
                                                 checkin=services.fmt(record.checkin_at if record else None,
                                                                      with_date=False)):
                count += 1
        await uow.commit()
    return count


def _summary_lines(services: Services, people: list[Person], records: dict[int, AttendanceDay],
                   approved: list[AttendanceRequest]) -> Joined | Text:
    made_up = {r.person_id for r in approved if r.kind == MAKEUP}
    on_leave = {r.person_id: r.half for r in approved if r.kind == LEAVE}
    lines = []
    for person in people:
        record = records.get(person.id)
        status: Any
        if record is not None and record.checkin_at is not None:
            status = describe_record(services, record)
            if record.distance_m is not None and record.outside_site:
                status = Joined((status, Text("att.flags", flags=distance_text(record.distance_m))))
            icon = "⚠️" if record.late_minutes or record.outside_site else "✅"
        elif person.id in made_up:
            status, icon = Text("att.sum_made_up"), "📝"
        elif person.id in on_leave:
            half = on_leave[person.id]
            status = Text("att.sum_leave_half", half=half_label(half)) if half else Text("att.sum_leave")
            icon = "🏖"
        else:
            status, icon = Text("att.sum_missing"), "❌"
        lines.append(Text("att.sum_line", icon=icon, name=person.name, status=status))
    return Joined(tuple(lines), "\n") if lines else Text("common.none")


async def send_summary(services: Services, day: date) -> int:
    async with services.db.uow() as uow:
        people = await _expected_today(uow, day)
        records = {r.person_id: r for r in await repo(uow).days_between(day, day)}
        approved = await _approved_today(uow, day)
        present = sum(1 for p in people if p.id in records
                      or any(r.person_id == p.id and r.kind == MAKEUP for r in approved))
        common: dict[str, Any] = {"date": day.isoformat(), "expected": len(people), "present": present,
                                  "cutoff": services.settings.working_hours.summary_cutoff.strftime("%H:%M")}
        lines = _summary_lines(services, people, records, approved)
        count = await services.notifier.to_groups(
            uow, "att.summary", kind="attendance.summary", dedup=f"att.summary:{day}",
            lines=lines, **common)
        supervisors = [p for p in await uow.people.all(include_left=False) if p.has(Role.SUPERVISOR)]
        for supervisor in supervisors:
            if await services.notifier.to_person(
                    uow, supervisor, "att.summary", kind="attendance.summary", dedup=f"att.summary:{day}",
                    lines=lines, **common):
                count += 1
        await uow.commit()
    return count


async def sweep(services: Services, now: datetime) -> None:
    """Everything due today at `now`; dedup keys make a second run (or a restart) send nothing new."""
    hours = services.settings.working_hours
    local = services.local(now)
    day, moment = local.date(), local.time()
    if not services.settings.contract.in_service(day):
        return  # no attendance is recorded outside the service period: nothing to remind or sum up
    workday = services.calendar.is_workday(day)
    overtaken_at = hours.summary_cutoff if hours.summary_cutoff > hours.checkin_reminder else hours.end
    if workday and hours.checkin_reminder <= moment < overtaken_at:
        await remind_checkin(services, day)
    if workday and hours.summary_cutoff <= moment:
        await send_summary(services, day)
    if hours.checkout_reminder <= moment:
        await remind_checkout(services, day)


REMINDERS = Timer("attendance.reminders", sweep, next_due)
