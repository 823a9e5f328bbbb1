"""Staff changes: the lead asks, the client's contact approves, a hand-over runs, the leaver is released.

Contract (服务人员要求): changing an on-site engineer needs the client's written approval and a hand-over of
at least 20 days on site (`duties.handover_days`, calendar days); the client may demand a replacement.

Flow: `/replace` (client) opens a *demanded* change → `/staffchange` (lead) names the joiner → *pending* →
the client's contact approves (*handover*: the joiner is on the roster with status 'handover' from the start
date) or rejects → on the release day (start + handover_days, at the start of the working day) the timer
releases the leaver (status 'left', end_date = the last hand-over day) and the joiner becomes 'active'.
Attendance reads `Person.assigned_on`, so the joiner counts from the start date and the leaver until end_date.

The first section also holds the small helpers the other duty services share (dates, recipients, actors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.duties import StaffChange
from bot.services.domain.people import (
    Person,
    Role,
    client_contacts,
    current,
    is_client_contact,
    is_client_side,
    with_roles,
)
from bot.services.errors import BadInput, DomainError, UnknownPerson
from bot.services.timeparse import parse_past_day, parse_period, parse_when
from storage.duties import DutyMarksRepository, StaffChangeRepository
from storage.uow import UnitOfWork

# -- helpers shared by the duty services ----------------------------------------------------------------

def parse_day(services: Services, text: str, *, past: bool = False) -> date:
    """One calendar day from a chat phrase ("2022-11-01", "11月1日", "下周一").

    `past` (a day already gone, e.g. when a paper was received): a phrase naming no year means its latest
    occurrence up to today ("10月9日" said on 2022-10-10 is 2022-10-09, not 2023's; "周五" is last Friday);
    relative phrases ("明天", "下周一") and full dates are read as written, so a future day is for the caller
    to refuse (`timeparse.parse_past_day`)."""
    now_local = services.local_now()
    day: date | None = None
    if past:
        day = parse_past_day(text, now_local, calendar=services.calendar, search_days=366)
    else:
        period = parse_period(text, now_local, calendar=services.calendar)
        if period is not None and period[0] == period[1]:
            day = period[0]
    if day is None and parse_period(text, now_local, calendar=services.calendar) is None:
        moment = parse_when(text, now_local, calendar=services.calendar)
        day = moment.date() if moment is not None else None
    if day is None:
        raise DomainError("duty.bad_day", text=text)  # the catalog gives examples in each language
    return day


def moment_on(services: Services, day: date, at: time | None = None) -> datetime:
    """A local wall-clock moment (default: the start of the working day) as an aware datetime."""
    return datetime.combine(day, at or services.settings.working_hours.start, tzinfo=services.tz)


def actor(person: Person | None) -> dict[str, Any]:
    """The audit's actor fields for a person (None: the bot's own timers)."""
    if person is None:
        return {"actor_telegram_id": None, "actor_name": "maintbot"}
    return {"actor_telegram_id": person.telegram_id, "actor_name": person.name}


def example_name_of(people: list[Person]) -> str:
    """The name usage examples show: the first engineer on the roster (else the first person on it)."""
    present = current(people)
    return next((p.name for p in present if p.is_engineer), present[0].name if present else "—")


async def example_name(services: Services) -> str:
    """`example_name_of` the current roster (for usage replies)."""
    async with services.db.uow() as uow:
        return example_name_of(await uow.people.all(include_left=False))


async def find_person(uow: UnitOfWork, name: str) -> Person:
    person = await uow.people.by_name(name)
    if person is None:
        raise UnknownPerson(name=name, example=example_name_of(await uow.people.all(include_left=False)))
    return person


async def tracking_since(uow: UnitOfWork, name: str, now: datetime, tz: Any) -> date:
    """The day a duty timer first looked: deadlines before it are shown, never nagged about."""
    marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
    await marks.claim(f"{name}:since", now)
    first = await marks.at(f"{name}:since")
    return (first or now).astimezone(tz).date()


# -- staff changes -----------------------------------------------------------------------------------------
_JOINER = re.compile(r"^(?P<name>[^:：\s]{1,40})[:：](?P<tid>\d{3,15})$")


@dataclass(frozen=True)
class Joiner:
    name: str
    telegram_id: int


def parse_joiner(text: str) -> Joiner:
    """`郑新人:100003` (name, a colon, the Telegram id the new engineer's account has)."""
    match = _JOINER.match(text.strip())
    if match is None:
        raise BadInput("staff.bad_joiner", text=text)
    return Joiner(match["name"], int(match["tid"]))


def _changes(uow: UnitOfWork) -> StaffChangeRepository:
    return uow.repo(StaffChangeRepository)


def release_day(services: Services, start: date) -> date:
    """The first day after `handover_days` full days of hand-over (both people on site)."""
    return start + timedelta(days=services.settings.duties.handover_days)


async def _engineer_on_project(uow: UnitOfWork, name: str) -> Person:
    person = await find_person(uow, name)
    if not person.is_engineer or person.status == "left":
        raise DomainError("staff.not_an_engineer", name=person.name)
    return person


async def demand_replacement(services: Services, by: Person, name: str, reason: str) -> StaffChange:
    """The client demands that an engineer be replaced; the lead is asked to name the joiner."""
    if not is_client_side(by):
        raise DomainError("staff.client_only")
    async with services.db.uow() as uow:
        leaving = await _engineer_on_project(uow, name)
        open_change = await _changes(uow).open_for(leaving.id)
        if open_change is not None:
            raise DomainError("staff.already_open", name=leaving.name, id=open_change.id)
        change_id = await _changes(uow).add(kind="replacement", status="demanded", leaving_id=leaving.id,
                                            reason=reason, demand_reason=reason, demanded_by=by.telegram_id,
                                            now=services.now())
        await uow.audit.append(at=services.now(), action="staff.demand", entity="staff_change", entity_id=change_id,
                               after={"leaving": leaving.name, "reason": reason}, **actor(by))
        people = await uow.people.all(include_left=False)
        recipients = with_roles(people, Role.LEAD) + [p for p in with_roles(people, Role.CONTACT)
                                                      if p.party == "vendor"]
        await services.notifier.to_people(uow, [p for p in recipients if p.id != by.id], "staff.demand_notice",
                                          kind="staff.demand", dedup=f"staff.demand:{change_id}", id=change_id,
                                          by=by.name, name=leaving.name, reason=reason,
                                          start=services.calendar.next_workday(services.today()).isoformat())
        change = await _changes(uow).get(change_id)
        await uow.commit()
    assert change is not None
    return change


async def request_change(services: Services, by: Person, leaving_name: str, joiner: Joiner, start: date,
                         reason: str) -> tuple[StaffChange, int]:
    """The lead asks to replace `leaving_name` by `joiner` from `start`; the client's contact is asked to decide.

    Returns the change and how many people were asked to approve.
    """
    if start < services.today():
        raise DomainError("staff.start_in_past", date=start.isoformat())
    async with services.db.uow() as uow:
        leaving = await _engineer_on_project(uow, leaving_name)
        if await uow.people.by_name(joiner.name) is not None \
                or await uow.people.by_telegram_id(joiner.telegram_id) is not None:
            raise DomainError("staff.joiner_exists", name=joiner.name, telegram_id=joiner.telegram_id)
        repo = _changes(uow)
        open_change = await repo.open_for(leaving.id)
        if open_change is not None and open_change.status != "demanded":
            raise DomainError("staff.already_open", name=leaving.name, id=open_change.id)
        if open_change is not None:
            change_id = open_change.id
            await repo.nominate(change_id, joining_name=joiner.name, joining_telegram_id=joiner.telegram_id,
                                start_date=start, reason=reason, requested_by=by.telegram_id)
        else:
            change_id = await repo.add(kind="change", status="pending", leaving_id=leaving.id, reason=reason,
                                       joining_name=joiner.name, joining_telegram_id=joiner.telegram_id,
                                       start_date=start, requested_by=by.telegram_id, now=services.now())
        await uow.audit.append(at=services.now(), action="staff.request", entity="staff_change", entity_id=change_id,
                               after={"leaving": leaving.name, "joining": joiner.name, "start": start.isoformat(),
                                      "reason": reason}, **actor(by))
        approvers = client_contacts(await uow.people.all(include_left=False))
        buttons = [[("staff.btn_approve", Action("duty", "sc_ok", change_id)),
                    ("staff.btn_reject", Action("duty", "sc_no", change_id))]]
        asked = await services.notifier.to_people(
            uow, approvers, "staff.approval_request", kind="staff.approval", buttons=buttons,
            dedup=f"staff.approval:{change_id}", id=change_id, lead=by.name, leaving=leaving.name,
            joining=joiner.name, start=start.isoformat(), reason=reason,
            release=release_day(services, start).isoformat(), days=services.settings.duties.handover_days)
        change = await repo.get(change_id)
        await uow.commit()
    assert change is not None
    return change, asked


async def decide_change(services: Services, by: Person, change_id: int, approve: bool) -> StaffChange:
    """The client's contact approves (the hand-over starts) or rejects a requested change."""
    if not is_client_contact(by) and not (Role.SUPERVISOR in by.roles and not await _has_client_contact(services)):
        raise DomainError("staff.only_client_contact")
    async with services.db.uow() as uow:
        repo = _changes(uow)
        change = await repo.get(change_id)
        if change is None:
            raise DomainError("staff.unknown_change", id=change_id)
        if change.status != "pending":
            raise DomainError("staff.already_decided", id=change_id)
        if by.telegram_id in (change.requested_by, change.joining_telegram_id) or by.id == change.leaving_id:
            raise DomainError("access.own_request")  # nobody decides a change they asked for or are part of
        leaving = await uow.people.by_id(change.leaving_id)
        assert leaving is not None and change.start_date is not None and change.joining_name is not None
        people = await uow.people.all(include_left=False)
        leads = with_roles(people, Role.LEAD)
        if not approve:
            await repo.reject(change_id, by=by.telegram_id, at=services.now())
            await uow.audit.append(at=services.now(), action="staff.reject", entity="staff_change",
                                   entity_id=change_id, before={"status": "pending"}, after={"status": "rejected"},
                                   **actor(by))
            await services.notifier.to_people(uow, leads, "staff.rejected_notice", kind="staff.decision",
                                              dedup=f"staff.decision:{change_id}", id=change_id, by=by.name,
                                              leaving=leaving.name, joining=change.joining_name)
        else:
            assert change.joining_telegram_id is not None
            if await uow.people.by_name(change.joining_name) is not None \
                    or await uow.people.by_telegram_id(change.joining_telegram_id) is not None:
                raise DomainError("staff.joiner_exists", name=change.joining_name,
                                  telegram_id=change.joining_telegram_id)
            joining_id = await uow.people.add(name=change.joining_name, telegram_id=change.joining_telegram_id,
                                              roles={Role.ENGINEER}, start=change.start_date, now=services.now(),
                                              status="handover", party="vendor")
            release = release_day(services, change.start_date)
            await repo.approve(change_id, joining_id=joining_id, release_date=release, by=by.telegram_id,
                               at=services.now())
            await uow.audit.append(at=services.now(), action="staff.approve", entity="staff_change",
                                   entity_id=change_id, before={"status": "pending"},
                                   after={"status": "handover", "joining_person_id": joining_id,
                                          "start": change.start_date.isoformat(), "release": release.isoformat()},
                                   **actor(by))
            joining = await uow.people.by_id(joining_id)
            assert joining is not None
            notice: dict[str, Any] = {"id": change_id, "by": by.name, "leaving": leaving.name, "joining": joining.name,
                                      "start": change.start_date.isoformat(), "release": release.isoformat(),
                                      "last_day": (release - timedelta(days=1)).isoformat()}
            await services.notifier.to_people(uow, [*leads, leaving, *client_contacts(people)],
                                              "staff.handover_notice", kind="staff.decision",
                                              dedup=f"staff.decision:{change_id}", **notice)
            await services.notifier.to_person(uow, joining, "staff.welcome", kind="staff.welcome",
                                              dedup=f"staff.welcome:{change_id}",
                                              project=services.settings.contract.title, **notice)
        decided = await repo.get(change_id)
        services.poke_timers(uow)
        await uow.commit()
    assert decided is not None
    return decided


async def _has_client_contact(services: Services) -> bool:
    async with services.db.uow() as uow:
        return any(is_client_contact(p) for p in await uow.people.all(include_left=False))


async def open_changes(services: Services) -> list[tuple[StaffChange, str, str | None]]:
    """Changes not finished yet, with the leaver's and the joiner's names."""
    async with services.db.uow() as uow:
        result = []
        for change in await _changes(uow).all():
            if change.status in ("demanded", "pending", "handover"):
                leaving = await uow.people.by_id(change.leaving_id)
                result.append((change, leaving.name if leaving else "?", change.joining_name))
    return result


# -- the release timer ---------------------------------------------------------------------------------------
async def next_release_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow() as uow:
        day = await _changes(uow).next_release_date()
    return None if day is None else moment_on(services, day)


async def release_due(services: Services, now: datetime) -> int:
    """Release every leaver whose hand-over is complete (claimed: a second run releases nobody twice)."""
    released = 0
    async with services.db.uow() as uow:
        repo = _changes(uow)
        for change in await repo.due_releases(now.astimezone(services.tz).date()):
            assert change.release_date is not None and change.joining_id is not None
            if moment_on(services, change.release_date) > now or not await repo.mark_released(change.id, now):
                continue
            last_day = change.release_date - timedelta(days=1)
            leaving = await uow.people.by_id(change.leaving_id)
            joining = await uow.people.by_id(change.joining_id)
            assert leaving is not None and joining is not None
            await uow.people.set_status(leaving.id, "left", end=last_day)
            await uow.people.set_status(joining.id, "active")
            await uow.audit.append(at=now, action="staff.release", entity="staff_change", entity_id=change.id,
                                   before={"leaving_status": leaving.status, "joining_status": joining.status},
                                   after={"leaving_status": "left", "leaving_end": last_day.isoformat(),
                                          "joining_status": "active"}, **actor(None))
            people = await uow.people.all(include_left=False)
            await services.notifier.to_people(
                uow, [*with_roles(people, Role.LEAD), *client_contacts(people), joining, leaving],
                "staff.released_notice", kind="staff.release", dedup=f"staff.release:{change.id}", id=change.id,
                leaving=leaving.name, joining=joining.name, last_day=last_day.isoformat(),
                days=(change.release_date - change.start_date).days if change.start_date else 0)
            released += 1
        await uow.commit()
    return released
