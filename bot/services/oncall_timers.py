"""The rota's daily jobs, each run once per day at its configured local time (claimed in `oncall_runs`):

- `holiday_notice` (settings.oncall.holiday_notice): the day before a holiday period, each person on duty
  gets their days and the group gets the plan;
- `morning` (morning_reminder): each duty day, the person on duty is reminded;
- `handover` (handover_prompt): on the last day of a holiday period, a hand-over prompt to whoever is on duty;
- `coverage` (coverage_check): the lead and supervisors are warned of any stretch in the next
  `coverage_days` days with nobody on duty;
- `plans` (coverage_check): a duty plan is proposed for holidays starting within `plan_lead_days`.
A day's job that is due but not yet claimed (the bot was down at that time) runs at the next sweep the
same day; a day that passed entirely is not caught up (a stale reminder helps nobody). A reminder overtaken
by its next step is dropped, not sent late: the morning reminder once the duty day has begun
(working_hours.start), claimed so it stays dropped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from bot.catalog import Joined, Text
from bot.services.calendar import HolidayPeriod
from bot.services.container import Services
from bot.services.domain.people import Role
from bot.services.oncall import coverage_gaps, describe_gaps, holiday_title, local_at, propose_if_missing, repo
from bot.services.timers import Timer
from storage.uow import UnitOfWork

Job = Callable[[Services, UnitOfWork, date, datetime], Awaitable[None]]


def _period_starting(services: Services, day: date) -> HolidayPeriod | None:
    for period in services.calendar.holiday_periods(day, day):
        if period.first == day:
            return period
    return None


def _period_ending(services: Services, day: date) -> HolidayPeriod | None:
    for period in services.calendar.holiday_periods(day, day):
        if period.last == day:
            return period
    return None


async def _names(uow: UnitOfWork) -> dict[int, str]:
    return {p.id: p.name for p in await uow.people.all()}


async def holiday_notice(services: Services, uow: UnitOfWork, day: date, now: datetime) -> None:
    period = _period_starting(services, day + timedelta(days=1))
    if period is None:
        return
    shifts = await repo(uow).shifts_between(period.first, period.last)
    names = await _names(uow)
    by_person: dict[int, list[date]] = {}
    for shift in shifts:
        by_person.setdefault(shift.person_id, []).append(shift.day)
    for person_id, days in by_person.items():
        person = await uow.people.by_id(person_id)
        if person is None:
            continue
        await services.notifier.to_person(uow, person, "oc.holiday_your_days", kind="oncall.holiday",
                                          dedup=f"oc:pre:{period.first}",
                                          holiday=holiday_title(period),
                                          days=Joined(tuple(d.isoformat() for d in days),
                                                      Text("role.separator")))
    lines = "\n".join(f"{s.day.isoformat()}  {names.get(s.person_id, '?')}" for s in shifts)
    await services.notifier.to_groups(uow, "oc.holiday_plan_group" if shifts else "oc.holiday_no_plan_group",
                                      kind="oncall.holiday", dedup=f"oc:pre:{period.first}",
                                      holiday=holiday_title(period),
                                      first=period.first.isoformat(), last=period.last.isoformat(),
                                      lines=lines)


async def morning(services: Services, uow: UnitOfWork, day: date, now: datetime) -> None:
    # The duty day that starts this morning (at working_hours.start) is `day`.
    for shift in await repo(uow).shifts_between(day, day):
        person = await uow.people.by_id(shift.person_id)
        if person is None:
            continue
        if shift.starts_at is not None and shift.ends_at is not None:  # a span with times: say exactly when
            await services.notifier.to_person(uow, person, "oc.morning_span", kind="oncall.morning",
                                              dedup=f"oc:morning:{day}", day=day.isoformat(),
                                              start=services.fmt(shift.starts_at), end=services.fmt(shift.ends_at))
            continue
        await services.notifier.to_person(uow, person, "oc.morning", kind="oncall.morning",
                                          dedup=f"oc:morning:{day}", day=day.isoformat(),
                                          start=services.settings.working_hours.start.strftime("%H:%M"))


async def handover(services: Services, uow: UnitOfWork, day: date, now: datetime) -> None:
    period = _period_ending(services, day)
    if period is None:
        return
    for shift in await repo(uow).shifts_between(day, day):
        person = await uow.people.by_id(shift.person_id)
        if person is None:
            continue
        await services.notifier.to_person(uow, person, "oc.handover", kind="oncall.handover",
                                          dedup=f"oc:handover:{period.first}", holiday=holiday_title(period),
                                          next_day=(day + timedelta(days=1)).isoformat())


async def coverage(services: Services, uow: UnitOfWork, day: date, now: datetime) -> None:
    end = now + timedelta(days=services.settings.oncall.coverage_days)
    contract = services.settings.contract
    # only within the service period: no warnings about gaps years after the contract ended
    end = min(end, datetime.combine(contract.end + timedelta(days=1), time(0), services.tz))
    if not contract.in_service(day) or end <= now:
        return
    gaps = await coverage_gaps(services, uow, now, end)
    if not gaps:
        return
    await uow.audit.append(at=now, action="oncall.coverage_gaps", entity="oncall", entity_id=day.isoformat(),
                           after={"gaps": [[services.fmt(a), services.fmt(b)] for a, b in gaps]})
    await services.notifier.to_roles(uow, [Role.LEAD, Role.SUPERVISOR], "oc.coverage_gaps",
                                     kind="oncall.coverage", dedup=f"oc:coverage:{day}",
                                     days=services.settings.oncall.coverage_days, gaps=describe_gaps(services, gaps))


async def plans(services: Services, uow: UnitOfWork, day: date, now: datetime) -> None:
    """Done outside `uow` (propose_if_missing opens its own); listed here for the daily claim."""


def _jobs(services: Services) -> dict[str, tuple[time, Job]]:
    cfg = services.settings.oncall
    return {
        "holiday_notice": (cfg.holiday_notice, holiday_notice),
        "morning": (cfg.morning_reminder, morning),
        "handover": (cfg.handover_prompt, handover),
        "coverage": (cfg.coverage_check, coverage),
        "plans": (cfg.coverage_check, plans),
    }


def _overtaken_at(services: Services, name: str, day: date) -> datetime | None:
    """When a daily job's next step comes, after which it is dropped rather than sent late."""
    start = services.settings.working_hours.start
    if name == "morning" and services.settings.oncall.morning_reminder < start:
        return local_at(services, day, start)  # the duty day has begun
    return None


async def next_due(services: Services, now: datetime) -> datetime | None:
    today = services.local(now).date()
    moments = []
    async with services.db.uow() as uow:
        for name, (at, _job) in _jobs(services).items():
            if await repo(uow).has_run(name, today):
                moments.append(local_at(services, today + timedelta(days=1), at))
            else:
                moments.append(local_at(services, today, at))
    return min(moments)


async def sweep(services: Services, now: datetime) -> None:
    today = services.local(now).date()
    for name, (at, job) in _jobs(services).items():
        if now < local_at(services, today, at):
            continue
        async with services.db.uow() as uow:
            if not await repo(uow).claim_run(name, today, now):
                continue
            overtaken = _overtaken_at(services, name, today)
            if overtaken is None or now < overtaken:
                await job(services, uow, today, now)
            await uow.commit()
        if name == "plans":
            await _propose_upcoming(services, today)


async def _propose_upcoming(services: Services, today: date) -> None:
    horizon = today + timedelta(days=services.settings.oncall.plan_lead_days)
    for period in services.calendar.holiday_periods(today + timedelta(days=1), horizon):
        if period.first > today:
            await propose_if_missing(services, period)


ONCALL_TIMER = Timer("oncall.daily", sweep, next_due)
