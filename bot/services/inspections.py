"""Recurring inspections and maintenance tasks (巡检计划, issue 20): the lead's `/inspections` (list, add, pause,
resume, done), the runs the timer opens, and how they feed the daily-maintenance component.

How it counts (the contract's 日常维护, 20 points): each run of a task that counts for daily maintenance (config
`daily_maintenance = true`, the default) is one more daily-maintenance item beside the working days with a log;
it is met when the run is done by the end of its due day (local). A run not done by then is a missed item
(`/score why`: "巡检未按期完成"). Done later still closes it and stops the reminders; the item stays missed.
Paused tasks open no runs. A task from config is kept in step with the file; one added in chat lives in the
database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.catalog import Text
from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.inspections import EVERY, Inspection, InspectionRun, done_in_time, occurrences
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import Loss
from bot.services.errors import BadInput, DomainError
from bot.services.timers import Timer
from storage.inspections import InspectionRepository
from storage.tickets import TicketRepository
from storage.uow import UnitOfWork

ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})
LOOKBACK = timedelta(days=100)

EVERY_WORDS = {"每天": "daily", "每日": "daily", "daily": "daily", "每周": "weekly", "weekly": "weekly",
               "每月": "monthly", "monthly": "monthly", "每季度": "quarterly", "每季": "quarterly",
               "quarterly": "quarterly"}
TICKET_WORDS = ("工单", "ticket")
_FREQ = re.compile(r"^(每天|每日|每周|每月|每季度|每季|daily|weekly|monthly|quarterly)(\d{1,2})?[日号]?$", re.I)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def repo(uow: UnitOfWork) -> InspectionRepository:
    return uow.repo(InspectionRepository)


@dataclass(frozen=True)
class Listed:
    inspection: Inspection
    latest: InspectionRun | None


async def sync_config(services: Services, uow: UnitOfWork) -> None:
    """Tasks from `[[inspections]]`: added once (starting today), their schedule kept in step with the file."""
    starts = max(services.today(), services.settings.contract.start)
    for item in services.settings.inspections:
        await repo(uow).upsert_config(name=item.name, every=item.every, day=item.day, at=item.at,
                                      creates=item.creates, daily_maintenance=item.daily_maintenance,
                                      starts_on=starts, now=services.now())


async def list_inspections(services: Services) -> list[Listed]:
    async with services.db.uow() as uow:
        await sync_config(services, uow)
        tasks = await repo(uow).all()
        latest = await repo(uow).latest_runs()
        await uow.commit()
    return [Listed(task, latest.get(task.id)) for task in tasks]


def parse_add(text: str) -> tuple[str, int, time, str, str]:
    """`每月1日 09:30 备份恢复验证 [工单]` → (every, day, at, name, creates)."""
    words = text.split()
    match = _FREQ.match(words[0]) if words else None
    if match is None:
        raise BadInput("insp.usage_add")
    every = EVERY_WORDS[match.group(1).lower()]
    day_text = match.group(2)
    rest = words[1:]
    if day_text is None and rest and rest[0].rstrip("日号").isdigit():
        day_text, rest = rest[0].rstrip("日号"), rest[1:]
    day = int(day_text) if day_text else 1
    if not rest or (time_match := _TIME.match(rest[0])) is None:
        raise BadInput("insp.usage_add")
    at = time(int(time_match.group(1)), int(time_match.group(2)))
    rest = rest[1:]
    creates = "checklist"
    if rest and rest[-1].lower() in TICKET_WORDS:
        creates, rest = "ticket", rest[:-1]
    name = " ".join(rest).strip()
    if not name or len(name) > 80 or not (1 <= day <= (7 if every == "weekly" else 31)):
        raise BadInput("insp.usage_add")
    return every, day, at, name, creates


def _lead_only(person: Person) -> None:
    if Role.LEAD not in person.roles:
        raise DomainError("insp.lead_only")


async def add(services: Services, person: Person, text: str) -> Inspection:
    _lead_only(person)
    every, day, at, name, creates = parse_add(text)
    async with services.db.uow() as uow:
        new_id = await repo(uow).add(name=name, every=every, day=day, at=at, creates=creates,
                                     daily_maintenance=True, starts_on=max(services.today(),
                                                                           services.settings.contract.start),
                                     now=services.now(), created_by=person.id)
        if new_id is None:
            raise DomainError("insp.name_taken", name=name)
        task = await repo(uow).get(new_id)
        assert task is not None
        await uow.audit.append(at=services.now(), action="inspection.add", entity="inspection", entity_id=new_id,
                               actor=person, after={"name": name, "every": every, "day": day,
                                                    "at": at.strftime("%H:%M"), "creates": creates})
        services.poke_timers(uow)
        await uow.commit()
    return task


async def _task(uow: UnitOfWork, text: str) -> Inspection:
    number = text.strip().lstrip("#")
    task = await repo(uow).get(int(number)) if number.isdigit() else None
    if task is None:
        raise DomainError("insp.not_found", text=text.strip() or "?")
    return task


async def set_paused(services: Services, person: Person, text: str, paused: bool) -> Inspection:
    _lead_only(person)
    async with services.db.uow() as uow:
        task = await _task(uow, text)
        now = services.now()
        if not await repo(uow).set_paused(task.id, now if paused else None, person.id if paused else None):
            raise DomainError("insp.already_paused" if paused else "insp.not_paused", name=task.name)
        await uow.audit.append(at=now, action="inspection.pause" if paused else "inspection.resume",
                               entity="inspection", entity_id=task.id, actor=person, after={"name": task.name})
        services.poke_timers(uow)
        await uow.commit()
    return task


@dataclass(frozen=True)
class Done:
    task: Inspection
    run: InspectionRun
    late: bool


async def mark_done(services: Services, person: Person, text: str) -> Done:
    """`/inspections done N [note]`: the task's oldest open run is done (by an engineer or the lead)."""
    if not person.roles & ENGINEERS:
        raise DomainError("access.denied_button")
    number, _, note = text.strip().partition(" ")
    async with services.db.uow() as uow:
        task = await _task(uow, number)
        runs = [r for r in await repo(uow).open_runs() if r.inspection_id == task.id]
        if not runs:
            raise DomainError("insp.nothing_open", name=task.name)
        run = runs[0]
        at = services.acted_at()
        await repo(uow).mark_done(run.id, at, person.id, note.strip() or None)
        late = not done_in_time(run, services.local(at).date())
        await uow.audit.append(at=at, action="inspection.done", entity="inspection_run", entity_id=run.id,
                               actor=person, after={"name": task.name, "due_day": run.due_day.isoformat(),
                                                    "late": late, "note": note.strip() or None})
        services.poke_timers(uow)
        await uow.commit()
    return Done(task, run, late)


# -- the daily-maintenance component ------------------------------------------------------------------------
async def maintenance_items(services: Services, first: date, last: date, upto: date | None,
                            losses: bool) -> tuple[int, int, list[Loss]]:
    """(met, counted, losses) of the runs due in [first, last]: a run counts once its day is over or it is done;
    met when done by the end of its due day."""
    today = upto or services.today()
    async with services.db.uow(read_only=True) as uow:
        runs = await repo(uow).counted_between(first, last)
        names = {task.id: task.name for task in await repo(uow).all()} if runs else {}
    met = counted = 0
    listed: list[Loss] = []
    for run in runs:
        done_day = services.local(run.done_at).date() if run.done_at else None
        if done_day is None and run.due_day >= today:
            continue  # its day is not over
        counted += 1
        if done_in_time(run, done_day):
            met += 1
        elif losses:
            listed.append(Loss("insp.loss.missed", {"name": names.get(run.inspection_id, "?"),
                                                    "day": run.due_day.isoformat()}, when=run.due_day.isoformat()))
    return met, counted, listed


# -- the timer ----------------------------------------------------------------------------------------------
def _moment(services: Services, day: date, at: time) -> datetime:
    return datetime.combine(day, at, services.tz)


def _reminder_at(services: Services, day: date) -> datetime:
    return _moment(services, day, services.settings.working_hours.daily_log_reminder)


def _in_contract(services: Services, day: date) -> bool:
    contract = services.settings.contract
    return contract.start <= day <= contract.end


def _occurrences(services: Services, task: Inspection, first: date, last: date) -> list[date]:
    first = max(first, task.starts_on, services.settings.contract.start)
    last = min(last, services.settings.contract.end)
    if first > last:
        return []
    return occurrences(task.every, task.day, first, last, services.calendar.is_workday)


async def sweep(services: Services, now: datetime) -> None:
    """Open what is due (the latest occurrence only), close runs whose ticket was resolved, mark the runs whose
    day is over as missed (the lead is told), and remind the engineers of open runs once each working day."""
    today = services.local(now).date()
    async with services.db.uow() as uow:
        await sync_config(services, uow)
        tasks = [task for task in await repo(uow).all() if not task.paused]
        await uow.commit()
    for task in tasks:
        due = [d for d in _occurrences(services, task, today - LOOKBACK, today)
               if _moment(services, d, task.at) <= now]
        if due:
            async with services.db.uow() as uow:
                await _open(services, uow, task, due[-1], now)
                await uow.commit()
    async with services.db.uow() as uow:
        tasks_by_id = {task.id: task for task in await repo(uow).all()}
        for run in await repo(uow).open_runs():
            task = tasks_by_id[run.inspection_id]
            if run.ticket_id is not None and await _ticket_closed(services, uow, run, task):
                continue
            if run.due_day < today and await repo(uow).claim_missed(run.id, now):
                await uow.audit.append(at=now, action="inspection.missed", entity="inspection_run",
                                       entity_id=run.id, after={"name": task.name, "due_day": run.due_day.isoformat()})
                await services.notifier.to_roles(uow, [Role.LEAD], "insp.missed", kind="inspection.missed",
                                                 dedup=f"insp:{run.id}:missed", id=task.id, name=task.name,
                                                 day=run.due_day.isoformat())
            if services.calendar.is_workday(today) and now >= _reminder_at(services, today) \
                    and run.due_day <= today and not task.paused:
                people = [p for p in await uow.people.all(include_left=False)
                          if p.roles & ENGINEERS and p.assigned_on(today)]
                await services.notifier.to_people(uow, people, "insp.reminder", kind="inspection.reminder",
                                                  dedup=f"insp:{run.id}:rem:{today.isoformat()}", id=task.id,
                                                  name=task.name, day=run.due_day.isoformat())
        await uow.commit()


async def _open(services: Services, uow: UnitOfWork, task: Inspection, day: date, now: datetime) -> None:
    run_id = await repo(uow).open_run(task.id, day, now, task.daily_maintenance)
    if run_id is None:
        return
    people = [p for p in await uow.people.all(include_left=False) if p.roles & ENGINEERS and p.assigned_on(day)]
    ticket_id: int | None = None
    if task.creates == "ticket":
        from bot.services.tickets import open_ticket

        requester = next((p for p in people if Role.LEAD in p.roles), people[0] if people else None)
        if requester is not None:
            end = datetime.combine(day, services.settings.working_hours.end, services.tz)
            text = Text("insp.ticket_text", name=task.name, day=day.isoformat()).in_lang(requester.language)
            ticket_id = await open_ticket(services, requester=requester, text=text, due_at=max(end, now))
            await repo(uow).set_ticket(run_id, ticket_id)
    await uow.audit.append(at=now, action="inspection.open", entity="inspection_run", entity_id=run_id,
                           after={"name": task.name, "due_day": day.isoformat(), "ticket": ticket_id})
    key = "insp.opened_ticket" if ticket_id is not None else "insp.opened"
    buttons = None if ticket_id is not None else [[("insp.btn.done", Action("insp", "done", task.id))]]
    await services.notifier.to_people(uow, people, key, kind="inspection.open", dedup=f"insp:{run_id}:open",
                                      buttons=buttons, id=task.id, name=task.name, day=day.isoformat(),
                                      ticket=ticket_id or 0)


async def _ticket_closed(services: Services, uow: UnitOfWork, run: InspectionRun, task: Inspection) -> bool:
    """A run whose ticket was resolved is done at the ticket's resolution."""
    assert run.ticket_id is not None
    ticket = await uow.repo(TicketRepository).get(run.ticket_id)
    if ticket is None or ticket.resolved_at is None:
        return False
    if await repo(uow).mark_done(run.id, ticket.resolved_at, ticket.assignee_id, None):
        await uow.audit.append(at=services.now(), action="inspection.done", entity="inspection_run",
                               entity_id=run.id, after={"name": task.name, "due_day": run.due_day.isoformat(),
                                                        "ticket": run.ticket_id})
    return True


async def next_due(services: Services, now: datetime) -> datetime | None:
    today = services.local(now).date()
    moments: list[datetime] = []
    async with services.db.uow(read_only=True) as uow:
        tasks = [task for task in await repo(uow).all() if not task.paused]
        open_runs = await repo(uow).open_runs()
        for task in tasks:
            for day in _occurrences(services, task, today, today + LOOKBACK):
                moment = _moment(services, day, task.at)
                if moment > now or not await repo(uow).has_run(task.id, day):
                    moments.append(moment)
                    break
    if open_runs:
        day = today if services.calendar.is_workday(today) else services.calendar.next_workday(today)
        reminder = _reminder_at(services, day)
        moments.append(reminder if reminder > now else _reminder_at(services, services.calendar.next_workday(day)))
        unfinished = [r.due_day for r in open_runs if r.missed_at is None]
        if unfinished:
            moments.append(_moment(services, min(unfinished) + timedelta(days=1), time(0)))
    if not services.settings.inspections and not tasks:
        return None
    return min(moments, default=None)


def every_label(every: str) -> str:
    assert every in EVERY
    return f"insp.every.{every}"


INSPECTION_TIMER = Timer("inspections.clock", sweep, next_due)
