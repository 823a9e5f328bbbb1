"""The daily maintenance log (日常维护, 20 points): engineers record each working day's inspection.

Rate = working days with at least one log / working days in the period (up to today). Today counts
only once it has a log or its working day is over, so the morning does not show a loss yet.
On working days without any log by `working_hours.daily_log_reminder` the engineers are reminded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bot.services.container import Services
from bot.services.domain.daily_log import DailyLog
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.errors import BadInput, DomainError
from bot.services.timers import Timer
from storage.daily_log import DailyLogRepository
from storage.uow import UnitOfWork

ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})
MAX_LOG_LENGTH = 2000


def _repo(uow: UnitOfWork) -> DailyLogRepository:
    return uow.repo(DailyLogRepository)


@dataclass(frozen=True)
class LogLine:
    log: DailyLog
    name: str


async def record(services: Services, person: Person, text: str) -> tuple[date, int]:
    """Record today's inspection; returns (the day, how many logs today now has)."""
    if not person.has(*ENGINEERS):
        raise DomainError("daily.engineers_only")
    text = text.strip()
    if not text:
        raise BadInput("daily.usage")
    if len(text) > MAX_LOG_LENGTH:
        raise DomainError("daily.too_long", limit=MAX_LOG_LENGTH)
    now = services.acted_at()  # a log sent at 23:59 counts for that day, even if handled after midnight
    day = services.local(now).date()
    async with services.db.uow() as uow:
        log_id = await _repo(uow).add(day=day, person_id=person.id, text=text, now=now)
        await uow.audit.append(at=now, action="daily.record", entity="daily_log", entity_id=log_id,
                               actor=person,
                               after={"day": day.isoformat(), "text": text})
        count = len(await _repo(uow).on_day(day))
        await uow.commit()
    return day, count


async def logs_on(services: Services, day: date) -> list[LogLine]:
    async with services.db.uow() as uow:
        people = {p.id: p.name for p in await uow.people.all()}
        return [LogLine(log, people.get(log.person_id, "—")) for log in await _repo(uow).on_day(day)]


def _day_over(services: Services, day: date) -> bool:
    local = services.local_now()
    return local.date() > day or local.time() >= services.settings.working_hours.end


async def daily_maintenance_rate(services: Services, start: date, end: date,
                                 upto: date | None = None, *, losses: bool = True) -> ComponentRate:
    """Working days with ≥ 1 log / working days in [start, end] up to `upto` (default: today)."""
    contract = services.settings.contract
    first = max(start, contract.start)
    last = min(end, contract.end, upto or services.today())
    if first > last:
        return ComponentRate(Decimal(0), Decimal(0), details={"workdays": 0, "logged": 0})
    async with services.db.uow() as uow:
        logged = await _repo(uow).days_with_logs(first, last)
    workdays = services.calendar.workdays_between(first, last)
    if upto is None and workdays and workdays[-1] == services.today() and workdays[-1] not in logged \
            and not _day_over(services, workdays[-1]):
        workdays = workdays[:-1]   # today is still open
    missing = [day for day in workdays if day not in logged]
    listed = [Loss("daily.loss.missing", {"day": day.isoformat()}, when=day.isoformat())
              for day in missing] if losses else []
    # Recurring inspections (issue 20): each run due in the period is one more item, met when done by its day.
    from bot.services.inspections import maintenance_items

    met, counted, missed = await maintenance_items(services, first, last, upto, losses)
    details = {"workdays": len(workdays), "logged": len(workdays) - len(missing)}
    if counted:
        details |= {"inspections": counted, "inspections_done": met}
    return ComponentRate(Decimal(len(workdays) - len(missing) + met), Decimal(len(workdays) + counted),
                         listed + missed, details=details)


# --- the reminder ------------------------------------------------------------------------------------------

def _reminder_moment(services: Services, day: date) -> datetime:
    return datetime.combine(day, services.settings.working_hours.daily_log_reminder, services.tz)


def _in_contract(services: Services, day: date) -> bool:
    contract = services.settings.contract
    return contract.start <= day <= contract.end


async def sweep_reminder(services: Services, now: datetime) -> int:
    """On a working day past the reminder time with no log yet: remind the engineers (once a day)."""
    day = services.local(now).date()
    if not services.calendar.is_workday(day) or not _in_contract(services, day) \
            or now < _reminder_moment(services, day):
        return 0
    async with services.db.uow() as uow:
        if await _repo(uow).on_day(day):
            return 0
        people = [p for p in await uow.people.all(include_left=False)
                  if p.roles & ENGINEERS and p.assigned_on(day)]
        sent = await services.notifier.to_people(uow, people, "daily.reminder", kind="daily.reminder",
                                                 dedup=f"daily.reminder:{day.isoformat()}", day=day.isoformat())
        await uow.commit()
    return sent


async def next_reminder(services: Services, now: datetime) -> datetime | None:
    day = services.local(now).date()
    if services.calendar.is_workday(day) and _reminder_moment(services, day) > now:
        candidate = day
    else:
        candidate = services.calendar.next_workday(day)
    if candidate > services.settings.contract.end:
        return None
    return _reminder_moment(services, candidate)


REMINDER_TIMER = Timer("daily.reminder", sweep_reminder, next_reminder)
