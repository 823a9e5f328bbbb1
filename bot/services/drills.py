"""Emergency drills (应急演练): the contract's scenarios, planned dates, reminders, recorded results.

The contract names the scenarios: loss of key staff, and the vendor leaving the service — voluntarily, or
through loss of qualification, acquisition, merger or bankruptcy (`BUILTIN_SCENARIOS`). Drills listed in
the config (`[[drills]]`) are put into the plan by the drills timer's sweep (run at start-up), each with an
audit row; the lead plans the others with `/drill plan`. `/drills` only reads: it shows the plan and the
contract scenarios with no drill yet. Before a drill the lead and the contacts are reminded
(`duties.reminder_workdays` working days before, and on the day); a drill still not done the next working
day is flagged to the lead and the contacts. Drills planned before tracking began are listed, never nagged
about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.catalog import CATALOG, Text
from bot.services.container import Services
from bot.services.domain.duties import Drill
from bot.services.domain.people import Person, Role, client_contacts, with_roles
from bot.services.errors import DomainError
from bot.services.staff import actor, moment_on, tracking_since
from storage.duties import DrillRepository, DutyMarksRepository
from storage.uow import UnitOfWork

BUILTIN_SCENARIOS = ("key_staff_loss", "exit_voluntary", "exit_qualification", "exit_acquisition", "exit_merger",
                     "exit_bankruptcy")


def scenario_key(text: str) -> str:
    """`S1`…`S6`, a built-in key, or its name in either language → the key; anything else stays free text."""
    raw = text.strip()
    lowered = raw.lower()
    if lowered.startswith("s") and lowered[1:].isdigit() and 1 <= int(lowered[1:]) <= len(BUILTIN_SCENARIOS):
        return BUILTIN_SCENARIOS[int(lowered[1:]) - 1]
    for key in BUILTIN_SCENARIOS:
        names = CATALOG.get(f"drill.scenario.{key}", {})
        if lowered == key or raw in names.values() or lowered in (n.lower() for n in names.values()):
            return key
    return raw


@dataclass(frozen=True)
class DrillPlan:
    drills: list[Drill]
    unscheduled: list[str]  # built-in scenarios with no drill at all


def _repo(uow: UnitOfWork) -> DrillRepository:
    return uow.repo(DrillRepository)


async def sync_configured(services: Services, uow: UnitOfWork) -> int:
    """Put the config's drills into the plan (idempotent): each one added is audited as the bot's doing.
    Returns how many were added."""
    added = 0
    for entry in services.settings.drills:
        scenario = scenario_key(entry.scenario)
        drill_id = await _repo(uow).add(scenario=scenario, planned_on=entry.date, source="config",
                                        now=services.now())
        if drill_id is None:
            continue
        added += 1
        await uow.audit.append(at=services.now(), action="drill.plan", entity="drill", entity_id=drill_id,
                               after={"scenario": scenario, "date": entry.date.isoformat(), "source": "config"},
                               **actor(None))
    return added


async def plan(services: Services) -> DrillPlan:
    """The drills planned (read only) and the contract scenarios with no drill yet."""
    async with services.db.uow() as uow:
        drills = await _repo(uow).all()
    covered = {d.scenario for d in drills}
    return DrillPlan(drills, [k for k in BUILTIN_SCENARIOS if k not in covered])


async def plan_drill(services: Services, by: Person, scenario_text: str, day: date) -> Drill:
    if day < services.today():
        raise DomainError("drill.date_in_past", date=day.isoformat())
    scenario = scenario_key(scenario_text)
    async with services.db.uow() as uow:
        await sync_configured(services, uow)
        drill_id = await _repo(uow).add(scenario=scenario, planned_on=day, source="chat", now=services.now())
        if drill_id is None:
            raise DomainError("drill.already_planned", date=day.isoformat())
        await uow.audit.append(at=services.now(), action="drill.plan", entity="drill", entity_id=drill_id,
                               after={"scenario": scenario, "date": day.isoformat()}, **actor(by))
        drill = await _repo(uow).get(drill_id)
        services.poke_timers(uow)
        await uow.commit()
    assert drill is not None
    return drill


async def record_result(services: Services, by: Person, drill_id: int, result: str) -> Drill:
    async with services.db.uow() as uow:
        await sync_configured(services, uow)
        drill = await _repo(uow).get(drill_id)
        if drill is None:
            raise DomainError("drill.unknown", id=drill_id)
        if not await _repo(uow).mark_done(drill_id, result=result, by=by.telegram_id, at=services.now()):
            raise DomainError("drill.already_done", id=drill_id)
        await uow.audit.append(at=services.now(), action="drill.done", entity="drill", entity_id=drill_id,
                               before={"status": "planned"}, after={"status": "done", "result": result}, **actor(by))
        people = await uow.people.all(include_left=False)
        await services.notifier.to_people(uow, [p for p in [*client_contacts(people),
                                                             *with_roles(people, Role.SUPERVISOR)] if p.id != by.id],
                                          "drill.result_notice", kind="drill.result",
                                          dedup=f"drill.result:{drill_id}", id=drill_id,
                                          scenario=scenario_text(drill.scenario), date=drill.planned_on.isoformat(),
                                          by=by.name, result=result)
        done = await _repo(uow).get(drill_id)
        await uow.commit()
    assert done is not None
    return done


def scenario_text(scenario: str) -> Text | str:
    """A built-in scenario's name (rendered in the reader's language); free text as typed."""
    key = f"drill.scenario.{scenario}"
    return Text(key) if key in CATALOG else scenario


# -- the reminder timer --------------------------------------------------------------------------------------
def _moments(services: Services, drill: Drill) -> list[tuple[str, datetime]]:
    cal = services.calendar
    days = services.settings.duties.reminder_workdays
    before = cal.add_workdays(drill.planned_on, -days) if days else drill.planned_on
    base = f"drill:{drill.id}"
    return [(f"{base}:remind", moment_on(services, before)),
            (f"{base}:today", moment_on(services, drill.planned_on)),
            (f"{base}:overdue", moment_on(services, cal.next_workday(drill.planned_on)))]


async def _tracked(services: Services, uow: UnitOfWork, now: datetime) -> tuple[list[Drill], set[str]]:
    since = await tracking_since(uow, "drills", now, services.tz)
    drills = [d for d in await _repo(uow).all() if d.status == "planned" and d.planned_on >= since]
    marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
    return drills, await marks.keys("drill:")


async def next_drill_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow() as uow:
        drills, done = await _tracked(services, uow, now)
        await uow.commit()
    return min((when for d in drills for key, when in _moments(services, d) if key not in done), default=None)


async def remind_drills(services: Services, now: datetime) -> int:
    """The latest due message of each planned drill, once (earlier ones are skipped when late)."""
    sent = 0
    async with services.db.uow() as uow:
        await sync_configured(services, uow)  # the config's drills join the plan (at start-up: the first sweep)
        drills, done = await _tracked(services, uow, now)
        marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
        people = await uow.people.all(include_left=False)
        recipients = [*with_roles(people, Role.LEAD), *with_roles(people, Role.CONTACT)]
        for drill in drills:
            due = [(key, when) for key, when in _moments(services, drill) if when <= now and key not in done]
            if not due:
                continue
            for key, _ in due:
                await marks.claim(key, now)
            key = due[-1][0]
            what = key.rsplit(":", 1)[1]
            await services.notifier.to_people(uow, recipients, f"drill.{what}", kind=f"drill.{what}", dedup=key,
                                              id=drill.id, scenario=scenario_text(drill.scenario),
                                              date=drill.planned_on.isoformat())
            sent += 1
        await uow.commit()
    return sent
