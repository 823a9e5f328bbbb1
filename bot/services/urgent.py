"""Urgent requests: the one-hour arrival rule (1小时内到达指定工作岗位), acknowledgement, arrival, second line.

Raising one opens a ticket too, and at once asks every engineer on duty (bot/services/oncall.py) to come,
with buttons 收到 / 已到岗 / 需要支援. The clock starts at the request, or at the discovery time given
("/urgent 发现 8:40 社保卡系统无法登录"). The timers (bot/services/urgent_timers.py) remind, mark the
breach and run the escalation chain; everything here is what people do.

Responsiveness (响应度, 10 points): the share of urgent requests raised in the period whose arrival came
within the deadline; a request still open past its deadline counts as missed; 100% with none.

One piece of work, judged once each way: the request is judged under responsiveness (was someone on site in
time); its ticket is the work order judged under completion, and it follows the request: the arrival
resolves it at the arrival time (the outcome is its resolution, the requester is asked to rate it), a cancel
closes it unresolved (no work order was needed: the completion rate leaves it out). The ticket keeps its own
due time, so a late arrival costs responsiveness only, not completion as well.

A request that needed nobody on site (false alarm, fixed remotely, raised by mistake) can be cancelled with a
reason by whoever raised it, a supervisor or the client's contact: its clock stops (no reminder, breach or
escalation), the people called and the group are told, and the rate leaves it out, unless it was cancelled
after its deadline without an arrival: that stays a miss.

An arrival whose location turns out to be outside the site (shared after 已到岗) is recorded and flagged,
never refused (as check-ins are): it still counts as an arrival at its time (not as missed), the request
shows the flag in /urgents, the lead and the person who raised it are told at once, and the rate's
details count these off-site arrivals so the assessment can weigh them.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from bot.catalog import Text
from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.people import Person, Role
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.domain.urgent import (
    UrgentRequest,
    arrival_deadline,
    counted_as_missed,
    may_cancel,
    missed_estimate,
)
from bot.services.errors import BadInput, DomainError
from bot.services.geo import within_site
from bot.services.notify import ButtonSpec
from bot.services.oncall import duty_at
from bot.services.timeparse import PERIOD_EXAMPLES, parse_period, parse_when
from storage.channels import ChannelAttempt, ChannelRepository
from storage.uow import UnitOfWork
from storage.urgent import UrgentRepository

MAX_TEXT = 500
MAX_DISCOVERY_AGE = timedelta(hours=24)
OPEN_WORDS = frozenset({"", "open", "未完成", "进行中", "待处理"})
_DISCOVERY = re.compile(r"^\s*(?:发现于?|found(?:\s+at)?)\s*[:：]?\s*", re.IGNORECASE)


def repo(uow: UnitOfWork) -> UrgentRepository:
    return uow.repo(UrgentRepository)


def minutes(delta: timedelta) -> int:
    """Whole minutes, rounded up: 60 min 20 s is 61 min (a late arrival is never rounded into time)."""
    return max(0, math.ceil(delta.total_seconds() / 60))


def duty_buttons(request_id: int) -> list[list[ButtonSpec]]:
    return [[("urg.btn.ack", Action("urg", "ack", request_id)),
             ("urg.btn.arrived", Action("urg", "arr", request_id)),
             ("urg.btn.support", Action("urg", "sup", request_id))]]


def ack_buttons(request_id: int) -> list[list[ButtonSpec]]:
    return [[("urg.btn.ack", Action("urg", "ack", request_id))]]


def second_line_buttons(request_id: int) -> list[list[ButtonSpec]]:
    return [[("urg.btn.ack", Action("urg", "ack", request_id)),
             ("urg.btn.arrived", Action("urg", "arr2", request_id))]]


# -- raising ------------------------------------------------------------------------------------------------
def split_discovery(services: Services, text: str) -> tuple[datetime | None, str]:
    """An optional leading discovery time: "发现 8:40 <text>" / "found 8:40 <text>".

    The longest phrase of up to three words that reads as a time wins; a time later than now is read
    as the day before (past direction). Without a readable time the whole text is the request.
    """
    match = _DISCOVERY.match(text)
    if not match:
        return None, text.strip()
    tokens = text[match.end():].split()
    now = services.now()
    for count in range(min(3, len(tokens) - 1), 0, -1):
        phrase = " ".join(tokens[:count])
        when = parse_when(phrase, services.local_now(), calendar=services.calendar)
        if when is None:
            continue
        if when > now:
            when -= timedelta(days=1)
        if when > now or when < now - MAX_DISCOVERY_AGE:
            raise DomainError("urg.bad_discovery", time=services.fmt(when), text=phrase)
        return when, " ".join(tokens[count:])
    return None, text.strip()


@dataclass(frozen=True)
class Raised:
    request: UrgentRequest
    notified: list[Person]
    source: str  # hours | rota | lead


async def raise_urgent(services: Services, person: Person, text: str, *,
                       chat_id: int | None = None) -> Raised:
    """Open an urgent request (and its ticket); ask everyone on duty to come; tell the group."""
    discovered, body = split_discovery(services, text)
    body = body.strip()
    if not body:
        raise BadInput("urg.usage")
    if len(body) > MAX_TEXT:
        raise DomainError("urg.too_long", limit=MAX_TEXT)
    now = services.now()
    started = discovered or now
    deadline = arrival_deadline(started, services.settings.sla.arrival_deadline)
    async with services.db.uow() as uow:
        ticket_id = await _open_ticket(services, person, body, chat_id)
        request_id = await repo(uow).add(ticket_id=ticket_id, text=body, raised_by=person.id, raised_at=now,
                                         started_at=started, deadline_at=deadline)
        duty = await duty_at(services, uow, now)
        for engineer in duty.people:
            await repo(uow).add_recipient(request_id, engineer.id, "duty", now)
        # the audit row is a record: written in the contract's language
        separator = Text("role.separator").in_lang(services.settings.contract.default_language)
        names = separator.join(p.name for p in duty.people) or "—"
        await uow.audit.append(at=now, action="urgent.raise", entity="urgent_request", entity_id=request_id,
                               actor=person,
                               after={"text": body, "ticket_id": ticket_id, "started_at": services.fmt(started),
                                      "deadline_at": services.fmt(deadline), "notified": names,
                                      "duty": duty.source})
        common: dict[str, Any] = {"id": request_id, "text": body, "name": person.name,
                                  "deadline": services.fmt(deadline), "start": services.fmt(started)}
        await services.notifier.to_people(uow, duty.people, "urg.ping", kind="urgent.ping",
                                          buttons=duty_buttons(request_id), dedup=f"urg:{request_id}:ping",
                                          **common)
        # a group where the request was raised already has the reply: announced there once, not twice
        await services.notifier.to_groups(uow, "urg.group_raised", kind="urgent.group",
                                          dedup=f"urg:{request_id}:raised", names=names,
                                          exclude=[chat_id] if chat_id is not None else [], **common)
        request = await repo(uow).get(request_id)
        services.poke_timers(uow)
        await uow.commit()
    assert request is not None
    return Raised(request, duty.people, duty.source)


async def _open_ticket(services: Services, person: Person, text: str, chat_id: int | None) -> int | None:
    """The urgent request is also a ticket (tickets feature), in the same transaction (a nested unit of work)."""
    from bot.services import tickets

    return await tickets.open_ticket(services, requester=person, text=text, kind="ticket_service", urgent=True,
                                     source_chat_id=chat_id)


# -- what people do -----------------------------------------------------------------------------------------
async def _load(uow: UnitOfWork, request_id: int) -> UrgentRequest:
    request = await repo(uow).get(request_id)
    if request is None:
        raise DomainError("urg.not_found", id=request_id)
    return request


async def _require_active(services: Services, uow: UnitOfWork, request: UrgentRequest) -> None:
    """A cancelled request takes no 收到 / 已到岗 / 需要支援 any more."""
    if request.cancelled_at is not None:
        who = await uow.people.by_id(request.cancelled_by or 0)
        raise DomainError("urg.is_cancelled", id=request.id, name=who.name if who else "?",
                          at=services.fmt(request.cancelled_at), reason=request.cancel_reason or "")


@dataclass(frozen=True)
class Acknowledged:
    request: UrgentRequest
    first: bool            # this person had not acknowledged before
    stopped_escalation: bool


async def _acknowledge(services: Services, person: Person, request: UrgentRequest,
                       now: datetime) -> tuple[bool, bool]:
    """Record this person's 收到 (in the caller's transaction when there is one); after a breach the first one
    stops the escalation chain. Returns (first from this person, stopped the escalation)."""
    async with services.db.uow() as uow:
        await repo(uow).add_recipient(request.id, person.id, "other", now)
        first = await repo(uow).acknowledge_recipient(request.id, person.id, now)
        await repo(uow).acknowledge(request.id, person.id, now)
        stopped = False
        if request.escalating and await repo(uow).stop_escalation(request.id, person.id, now):
            stopped = True
            await services.notifier.to_groups(uow, "urg.escalation_stopped", kind="urgent.group",
                                              dedup=f"urg:{request.id}:stopped", id=request.id, name=person.name,
                                              at=services.fmt(now))
            services.poke_timers(uow)
        await uow.commit()
    return first, stopped


# -- an acknowledgement with a note and an estimated arrival ("收到，预计 20 分钟到") ------------------------
ACK_NOTE_MAX = 200
MAX_ETA = timedelta(hours=12)  # an urgent request's estimate: "8:30" said at 09:00 means a mistake
_ETA_MINUTES = re.compile(r"(\d{1,4})\s*(?:分钟|分|min|mins|minutes|minute|m)\b", re.IGNORECASE)
_ETA_HOURS = re.compile(r"(\d{1,2}(?:\.\d)?|半|一|两|二)\s*(?:个)?\s*(?:小时|钟头|h|hours?)\b", re.IGNORECASE)
_ETA_PREFIX = re.compile(r"^(?:收到|好的|ok|got it)?[\s，,。!！]*(?:预计|大约|大概|约|估计|eta|about|in)?\s*[:：]?\s*",
                         re.IGNORECASE)
_ETA_SUFFIX = re.compile(r"\s*(?:左右|以内|内)?\s*(?:能到|到达|到岗|到场|赶到|到|后到|后)?\s*[。.!！]?$")
_HOURS_WORDS = {"半": 0.5, "一": 1.0, "两": 2.0, "二": 2.0}


def parse_estimate(services: Services, text: str) -> datetime | None:
    """The estimated arrival in an acknowledgement's note: "20分钟", "20 min", "预计10:30到", "半小时"; None
    when it names none. A time that has passed (or more than 12 hours away) is bad input, echoed back."""
    now = services.acted_at()
    for segment in re.split(r"[，,；;\n]", text):
        phrase = _ETA_SUFFIX.sub("", _ETA_PREFIX.sub("", segment.strip())).strip()
        if not phrase:
            continue
        eta: datetime | None = None
        match = _ETA_MINUTES.fullmatch(phrase + " ") or _ETA_MINUTES.fullmatch(phrase)
        hours = _ETA_HOURS.fullmatch(phrase)
        if match:
            eta = now + timedelta(minutes=int(match.group(1)))
        elif hours:
            value = hours.group(1)
            eta = now + timedelta(hours=_HOURS_WORDS.get(value) or float(value))
        else:
            eta = parse_when(phrase, services.local(now), calendar=services.calendar)
        if eta is None:
            continue
        if eta <= now or eta - now > MAX_ETA:
            raise DomainError("urg.eta_bad", eta=services.fmt(eta), examples=Text("urg.eta_examples"))
        return eta
    return None


async def acknowledge(services: Services, person: Person, request_id: int, note: str = "",
                      eta: datetime | None = None) -> Acknowledged:
    """收到: this person has seen it. After a breach, the first acknowledgement stops the escalation chain.

    With a note or an estimated arrival, the raiser and the group are told (the estimate is shown on the
    request's timeline; missing it is no breach by itself: the arrival deadline decides)."""
    note = note.strip()[:ACK_NOTE_MAX]
    async with services.db.uow() as uow:
        request = await _load(uow, request_id)
        await _require_active(services, uow, request)
        now = services.acted_at()
        first, stopped = await _acknowledge(services, person, request, now)
        if first:
            await uow.audit.append(at=now, action="urgent.ack", entity="urgent_request", entity_id=request_id,
                                   actor=person,
                                   after={"at": services.fmt(now), "stopped_escalation": stopped,
                                          "after_breach": request.breached, "note": note or None,
                                          "eta": services.fmt(eta) if eta else None})
        if (note or eta) and request.arrived_at is None:
            await repo(uow).set_ack_estimate(request_id, note or None, eta)
            if not first:
                await uow.audit.append(at=now, action="urgent.ack_estimate", entity="urgent_request",
                                       entity_id=request_id, actor=person,
                                       after={"note": note or None, "eta": services.fmt(eta) if eta else None})
            await _tell_estimate(uow, services, person, request, note, eta)
        updated = await repo(uow).get(request_id)
        await uow.commit()
    assert updated is not None
    return Acknowledged(updated, first, stopped)


def eta_text(services: Services, eta: datetime) -> str:
    """10:30 today, or with its date on another day."""
    same_day = services.local(eta).date() == services.local(services.now()).date()
    return services.fmt(eta, with_date=not same_day)


async def _tell_estimate(uow: UnitOfWork, services: Services, person: Person, request: UrgentRequest, note: str,
                         eta: datetime | None) -> None:
    """The raiser and the group see the acknowledgement's note and estimate."""
    stamp = services.fmt(eta) if eta else "-"
    params: dict[str, Any] = {"id": request.id, "name": person.name, "deadline": services.fmt(request.deadline_at)}
    raiser = await uow.people.by_id(request.raised_by)
    if raiser is not None and raiser.id != person.id:
        await services.notifier.to_person(
            uow, raiser, "urg.ack_eta_raiser" if eta else "urg.ack_note_raiser", kind="urgent.ack_estimate",
            dedup=f"urg:{request.id}:eta:{person.id}:{stamp}:{zlib.crc32(note.encode())}", note=note or "—",
            eta=eta_text(services, eta) if eta else "", **params)
    await services.notifier.to_groups(
        uow, "urg.ack_eta_group" if eta else "urg.ack_note_group", kind="urgent.ack_estimate",
        dedup=f"urg:{request.id}:eta_group:{person.id}:{stamp}:{zlib.crc32(note.encode())}", note=note or "—",
        eta=eta_text(services, eta) if eta else "", **params)


@dataclass(frozen=True)
class Arrived:
    request: UrgentRequest
    minutes: int
    late: bool
    ticket_resolved: bool = False  # the request's ticket was resolved with the arrival (it was still open)


def _require_engineer(person: Person) -> None:
    if not person.is_engineer:
        raise DomainError("urg.engineers_only")


async def _arrive(services: Services, person: Person, request: UrgentRequest,
                  now: datetime) -> tuple[UrgentRequest, bool]:
    """Record the arrival (in the caller's transaction when there is one); the request's ticket follows: resolved
    at the arrival time with the outcome as its resolution (returns whether it was). Lateness is judged once,
    here (responsiveness); the ticket keeps its own due time, so the completion rate judges only whether the
    work order was done."""
    async with services.db.uow() as uow:
        await _require_active(services, uow, request)
        if request.arrived_at is not None:
            who = await uow.people.by_id(request.arrived_by or 0)
            raise DomainError("urg.already_arrived", id=request.id, name=who.name if who else "?",
                              at=services.fmt(request.arrived_at))
        await _acknowledge(services, person, request, now)
        await repo(uow).arrive(request.id, person.id, now)
        if request.escalating:
            await repo(uow).stop_escalation(request.id, person.id, now)
        late = now > request.deadline_at
        taken = minutes(now - request.started_at)
        await uow.audit.append(at=now, action="urgent.arrive", entity="urgent_request", entity_id=request.id,
                               actor=person,
                               after={"at": services.fmt(now), "minutes": taken, "late": late})
        await services.notifier.to_groups(uow, "urg.arrived_late_group" if late else "urg.arrived_group",
                                          kind="urgent.group", dedup=f"urg:{request.id}:arrived", id=request.id,
                                          name=person.name, at=services.fmt(now), minutes=taken)
        ticket_resolved = False
        if request.ticket_id is not None:
            from bot.services import tickets

            # stored on the ticket as its resolution: written in the contract's language
            resolution = Text("urg.ticket_resolution_late" if late else "urg.ticket_resolution", id=request.id,
                              name=person.name, at=services.fmt(now), minutes=taken,
                              ).in_lang(services.settings.contract.default_language)
            ticket_resolved = await tickets.resolve_with_urgent(
                services, request.ticket_id, person, resolution, now) is not None
        updated = await repo(uow).get(request.id)
        assert updated is not None
        services.poke_timers(uow)
        await uow.commit()
    return updated, ticket_resolved


async def arrive(services: Services, person: Person, request_id: int) -> Arrived:
    """已到岗: an engineer is at the designated post; the clock stops (late if past the deadline)."""
    _require_engineer(person)
    async with services.db.uow() as uow:
        request = await _load(uow, request_id)
        now = services.acted_at()
        updated, ticket_resolved = await _arrive(services, person, request, now)
        await uow.commit()
    return Arrived(updated, minutes(now - updated.started_at), now > updated.deadline_at, ticket_resolved)


@dataclass(frozen=True)
class LocationChecked:
    request: UrgentRequest
    on_site: bool
    distance_m: float
    counted_as_arrival: bool  # the location itself was the arrival (no 已到岗 pressed before)
    off_site_arrival: bool = False  # attached to this person's 已到岗 and outside the site: flagged
    notified: int = 0  # people told of the off-site arrival (the lead, the person who raised it)
    ticket_resolved: bool = False  # the location was the arrival and resolved the request's ticket


async def share_location(services: Services, person: Person, latitude: float,
                         longitude: float) -> LocationChecked | None:
    """A location from an engineer: attached to their 已到岗 of the last few minutes, or, shared instead of
    the button and within the site, it is the arrival itself. None when it concerns no urgent request.

    Attached to an arrival but outside the site, the arrival stands (it is not counted as missed) and is
    flagged off-site: the record keeps the distance, and the lead and the raiser are told in the same
    transaction."""
    if not person.is_engineer:
        return None
    on_site, distance = within_site(services.settings, latitude, longitude)
    now = services.acted_at()
    window = services.settings.attendance.location_window
    async with services.db.uow() as uow:
        request = await repo(uow).latest_arrival_by(person.id, now - window)
        counted = ticket_resolved = False
        if request is None:
            request = await repo(uow).latest_open_for(person.id)
            if request is None:
                return None
            if on_site:
                request, ticket_resolved = await _arrive(services, person, request, now)
                counted = True
        off_site = False
        if request.arrived_by == person.id:
            attached = await repo(uow).set_arrival_location(request.id, latitude, longitude, distance, on_site)
            off_site = attached and not on_site
        await uow.audit.append(at=now, action="urgent.location", entity="urgent_request", entity_id=request.id,
                               actor=person,
                               after={"distance_m": round(distance), "on_site": on_site, "arrival": counted,
                                      "off_site_arrival": off_site})
        notified = await _tell_off_site(services, uow, person, request, distance) if off_site else 0
        updated = await repo(uow).get(request.id)
        await uow.commit()
    assert updated is not None
    return LocationChecked(updated, on_site, distance, counted, off_site, notified, ticket_resolved)


async def _tell_off_site(services: Services, uow: UnitOfWork, person: Person, request: UrgentRequest,
                         distance: float) -> int:
    """The lead(s) and whoever raised the request learn that the arrival was recorded away from the site."""
    people = await uow.people.all(include_left=False)
    recipients = [p for p in people if (Role.LEAD in p.roles or p.id == request.raised_by) and p.id != person.id]
    arrived_at = request.arrived_at or services.now()
    return await services.notifier.to_people(
        uow, recipients, "urg.off_site_notice", kind="urgent.off_site", dedup=f"urg:{request.id}:off_site",
        id=request.id, name=person.name, at=services.fmt(arrived_at), distance=round(distance),
        radius=round(services.settings.site.radius_m), minutes=minutes(arrived_at - request.started_at))


async def request_support(services: Services, person: Person, request_id: int) -> UrgentRequest:
    """需要支援: the second line (escalation group) is called at once, with its own arrival deadline."""
    _require_engineer(person)
    async with services.db.uow() as uow:
        request = await _load(uow, request_id)
        await _require_active(services, uow, request)
        now = services.acted_at()
        deadline = now + services.settings.sla.second_line_arrival
        if not await repo(uow).request_support(request_id, person.id, now, deadline):
            raise DomainError("urg.support_already", id=request_id,
                              deadline=services.fmt(request.second_line_deadline_at))
        await _acknowledge(services, person, request, now)
        people = [p for p in await uow.people.all(include_left=False) if Role.ESCALATION in p.roles]
        for helper in people:
            await repo(uow).add_recipient(request_id, helper.id, "second_line", now)
        count = await services.notifier.to_people(
            uow, people, "urg.support_call", kind="urgent.support", buttons=second_line_buttons(request_id),
            dedup=f"urg:{request_id}:support", id=request_id, text=request.text, name=person.name,
            deadline=services.fmt(deadline))
        await repo(uow).record_step(request_id, -1, "escalation", now, now, count)
        await services.notifier.to_groups(uow, "urg.support_group", kind="urgent.group",
                                          dedup=f"urg:{request_id}:support", id=request_id, name=person.name,
                                          deadline=services.fmt(deadline))
        await uow.audit.append(at=now, action="urgent.support", entity="urgent_request", entity_id=request_id,
                               actor=person,
                               after={"second_line_deadline": services.fmt(deadline), "notified": count})
        updated = await repo(uow).get(request_id)
        services.poke_timers(uow)
        await uow.commit()
    assert updated is not None
    return updated


async def second_line_arrive(services: Services, person: Person, request_id: int) -> Arrived:
    """The second line (vendor's provincial staff / developers) is on site."""
    if not person.has(Role.ESCALATION, Role.ENGINEER, Role.LEAD):
        raise DomainError("urg.second_line_only")
    async with services.db.uow() as uow:
        request = await _load(uow, request_id)
        await _require_active(services, uow, request)
        if request.support_requested_at is None or request.second_line_deadline_at is None:
            raise DomainError("urg.no_support_requested", id=request_id)
        now = services.acted_at()
        if not await repo(uow).second_line_arrive(request_id, person.id, now):
            raise DomainError("urg.second_line_already", id=request_id)
        await _acknowledge(services, person, request, now)
        taken = minutes(now - request.support_requested_at)
        late = now > request.second_line_deadline_at
        await uow.audit.append(at=now, action="urgent.second_line_arrive", entity="urgent_request",
                               entity_id=request_id, actor=person,
                               after={"at": services.fmt(now), "minutes": taken, "late": late})
        await services.notifier.to_groups(uow, "urg.second_line_arrived_group", kind="urgent.group",
                                          dedup=f"urg:{request_id}:arrived2", id=request_id, name=person.name,
                                          at=services.fmt(now), minutes=taken)
        updated = await repo(uow).get(request_id)
        services.poke_timers(uow)
        await uow.commit()
    assert updated is not None
    return Arrived(updated, taken, late)


@dataclass(frozen=True)
class Cancelled:
    request: UrgentRequest
    first: bool            # False: it was already cancelled (a repeated or redelivered cancel changes nothing)
    cancelled_by: str      # who cancelled it (this person, or whoever did first)
    counted_as_missed: bool  # cancelled after its deadline without an arrival: still a miss in the rate
    notified: int = 0      # people told (those who were called), besides the group
    ticket_closed: bool = False  # its ticket (still open) was closed with it, left out of the completion rate


async def cancel(services: Services, person: Person, request_id: int, reason: str) -> Cancelled:
    """No one is needed on site: the clock stops, the people called and the group are told, it is audited."""
    reason = reason.strip()
    if not reason:
        raise BadInput("urg.cancel_usage")
    if len(reason) > MAX_TEXT:
        raise DomainError("urg.too_long", limit=MAX_TEXT)
    async with services.db.uow() as uow:
        request = await _load(uow, request_id)
        if not may_cancel(person, request):
            raise DomainError("urg.cancel_refused", id=request_id)
        if request.cancelled_at is None and request.arrived_at is not None:
            who = await uow.people.by_id(request.arrived_by or 0)
            raise DomainError("urg.cancel_arrived", id=request_id, name=who.name if who else "?",
                              at=services.fmt(request.arrived_at))
        now = services.acted_at()
        if request.cancelled_at is not None or not await repo(uow).cancel(request_id, person.id, now, reason):
            current = await _load(uow, request_id)
            who = await uow.people.by_id(current.cancelled_by or 0)
            return Cancelled(current, False, who.name if who else "?", counted_as_missed(current))
        late = now > request.deadline_at
        called = [r.person_id for r in await repo(uow).recipients(request_id) if r.person_id != person.id]
        people = [p for p in [await uow.people.by_id(pid) for pid in called] if p is not None]
        await uow.audit.append(at=now, action="urgent.cancel", entity="urgent_request", entity_id=request_id,
                               actor=person,
                               before={"breached": request.breached, "acknowledged": request.acknowledged_at
                                       is not None, "deadline_at": services.fmt(request.deadline_at)},
                               after={"reason": reason, "at": services.fmt(now), "counted_as_missed": late})
        common: dict[str, Any] = {"id": request_id, "text": request.text, "name": person.name, "reason": reason,
                                  "at": services.fmt(now)}
        notified = await services.notifier.to_people(uow, people, "urg.cancelled_notice", kind="urgent.cancel",
                                                     dedup=f"urg:{request_id}:cancel", **common)
        await services.notifier.to_groups(uow, "urg.cancelled_group_late" if late else "urg.cancelled_group",
                                          kind="urgent.group", dedup=f"urg:{request_id}:cancel",
                                          deadline=services.fmt(request.deadline_at), **common)
        ticket_closed = False
        if request.ticket_id is not None:
            from bot.services import tickets

            # stored on the ticket: written in the contract's language
            closing = Text("urg.ticket_cancelled", id=request_id, name=person.name, at=services.fmt(now),
                           reason=reason).in_lang(services.settings.contract.default_language)
            ticket_closed = await tickets.close_with_urgent(
                services, request.ticket_id, person, closing, now) is not None
        updated = await _load(uow, request_id)
        services.poke_timers(uow)
        await uow.commit()
    return Cancelled(updated, True, person.name, late, notified, ticket_closed)


async def latest_open_for(services: Services, person: Person) -> UrgentRequest | None:
    """For /ack and /arrived without a number: the newest open request this person was called to."""
    async with services.db.uow() as uow:
        return await repo(uow).latest_open_for(person.id)


# -- listing ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Listed:
    request: UrgentRequest
    raised_by: str
    arrived_by: str | None
    cancelled_by: str | None = None
    calls: tuple[ChannelAttempt, ...] = ()  # phone / SMS attempts (issue 20), in time order


def listing_period(services: Services, text: str) -> tuple[date, date] | None:
    """What `/urgents <text>` asks for: None for the open requests, else the period named."""
    text = text.strip()
    if text.lower() in OPEN_WORDS:
        return None
    period = parse_period(text, services.local_now(), calendar=services.calendar)
    if period is None:
        raise DomainError("error.bad_period", text=text, examples="、".join(PERIOD_EXAMPLES))
    return period


async def list_requests(services: Services, period: tuple[date, date] | None = None) -> list[Listed]:
    """Open requests (not arrived, or waiting for the second line), or every request raised in a period."""
    async with services.db.uow() as uow:
        if period is None:
            requests = await repo(uow).open_requests()
        else:
            start, end = day_bounds(services, *period)
            requests = await repo(uow).raised_between(start, end)
        names = {p.id: p.name for p in await uow.people.all()}
        calls = await uow.repo(ChannelRepository).attempts([f"urgent_request:{r.id}" for r in requests])
    return [Listed(r, names.get(r.raised_by, "?"), names.get(r.arrived_by) if r.arrived_by else None,
                   names.get(r.cancelled_by, "?") if r.cancelled_by else None,
                   tuple(calls.get(f"urgent_request:{r.id}", ()))) for r in requests]


async def request_detail(services: Services, request_id: int) -> tuple[Listed, dict[int, str]] | None:
    """One request with its phone / SMS attempts, and everybody's names (for its timeline)."""
    async with services.db.uow(read_only=True) as uow:
        request = await repo(uow).get(request_id)
        if request is None:
            return None
        names = {p.id: p.name for p in await uow.people.all()}
        calls = await uow.repo(ChannelRepository).attempts([f"urgent_request:{request_id}"])
    return Listed(request, names.get(request.raised_by, "?"), names.get(request.arrived_by or 0),
                  names.get(request.cancelled_by or 0), tuple(calls.get(f"urgent_request:{request_id}", ()))), names


def timeline(item: Listed, names: dict[int, str], now: datetime) -> list[tuple[datetime, str, dict[str, Any]]]:
    """A request's timeline as (moment, catalog key, parameters), in time order: raised, acknowledged, the
    deadline, the breach, the escalation stopping, support, arrivals, cancelling, and every phone / SMS attempt."""
    r = item.request
    steps: list[tuple[datetime, str, dict[str, Any]]] = [(r.started_at, "web.urg.raised", {})]
    if r.acknowledged_at is not None:
        steps.append((r.acknowledged_at, "web.urg.acknowledged", {
            "name": names.get(r.acknowledged_by or 0, "?"), "minutes": minutes(r.acknowledged_at - r.started_at)}))
    if r.ack_eta is not None:
        steps.append((r.ack_eta, "web.urg.eta", {"name": names.get(r.acknowledged_by or 0, "?"),
                                                 "note": r.ack_note or "—"}))
        if missed_estimate(r, now):
            steps.append((r.arrived_at or r.ack_eta, "web.urg.eta_missed", {}))
    steps.append((r.deadline_at, "web.urg.deadline", {}))
    if r.breach_detected_at is not None:
        steps.append((r.breach_detected_at, "web.urg.breach", {}))
    if r.escalation_stopped_at is not None:
        steps.append((r.escalation_stopped_at, "web.urg.escalation_stopped", {}))
    if r.support_requested_at is not None:
        steps.append((r.support_requested_at, "web.urg.support", {}))
    if r.second_line_arrived_at is not None:
        steps.append((r.second_line_arrived_at, "web.urg.second_line", {}))
    if r.arrived_at is not None:
        steps.append((r.arrived_at, "web.urg.arrived", {"name": item.arrived_by or "?",
                                                        "minutes": minutes(r.arrived_at - r.started_at)}))
    if r.cancelled_at is not None:
        steps.append((r.cancelled_at, "web.urg.cancelled", {"reason": r.cancel_reason or ""}))
    for attempt in item.calls:
        steps.append((attempt.at, f"chan.outcome.{attempt.outcome}", {
            "channel": attempt.channel, "name": names.get(attempt.person_id or 0, "?"),
            "detail": attempt.detail or ""}))
    steps.sort(key=lambda step: step[0])  # stable: same-minute steps keep their order (raised before arrived)
    return steps


def status_key(request: UrgentRequest, now: datetime) -> str:
    """The catalog key of a request's state as a list shows it."""
    if request.cancelled_at is not None:
        return "urg.status.cancelled_late" if counted_as_missed(request) else "urg.status.cancelled"
    if request.arrived_at is not None:
        return "urg.status.arrived" if request.arrived_in_time() else "urg.status.arrived_late"
    if request.breached or now > request.deadline_at:
        return "urg.status.breached_taken" if request.escalation_stopped_at else "urg.status.breached"
    if request.acknowledged_at is not None:
        return "urg.status.acknowledged"
    return "urg.status.waiting"


# -- responsiveness -----------------------------------------------------------------------------------------
def day_bounds(services: Services, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the contract's timezone."""
    return (datetime.combine(start, time(0), tzinfo=services.tz),
            datetime.combine(end + timedelta(days=1), time(0), tzinfo=services.tz))


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p50 = median of an odd count; p90 of ten values is the ninth)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def merge_details(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The details of several slices' `responsiveness_rate(..., losses=False)` as one period's: counts added,
    the median and p90 minutes taken over all the measured minutes."""
    counts = ("count", "in_time", "missed", "pending", "cancelled", "off_site")
    merged: dict[str, Any] = {key: sum(int(p.get(key, 0)) for p in parts) for key in counts}
    merged["off_site_ids"] = ", ".join(p["off_site_ids"] for p in parts if p.get("off_site_ids"))
    for what in ("ack", "arrive"):
        seconds: list[float] = []
        for part in parts:
            text = part.get(f"{what}_seconds", "")
            if text:
                seconds.extend(map(float, text.split(",")))
        seconds.sort()  # sorted runs: merged, not re-sorted
        # as _median and percentile over the minutes (value / 60, in the same order), computed on two values
        count, middle = len(seconds), len(seconds) // 2
        median = p90 = None
        if count:
            median = seconds[middle] / 60 if count % 2 else (seconds[middle - 1] / 60 + seconds[middle] / 60) / 2
            p90 = seconds[max(1, math.ceil(0.9 * count)) - 1] / 60
        merged[f"{what}_median_min"], merged[f"{what}_p90_min"] = _round(median), _round(p90)
    return merged


async def responsiveness_rate(services: Services, start: date, end: date, *, losses: bool = True) -> ComponentRate:
    """响应度: urgent requests raised in [start, end] that arrived within their deadline, over all of them
    whose outcome is known (arrived, or open past the deadline = missed). None raised: 100%.
    A request cancelled before its deadline was no real call-out and is left out; one cancelled after its
    deadline with nobody on site is a miss.

    details: count, in_time, missed, pending, cancelled (left out), off_site (arrivals whose location was outside
    the site: they stay counted as arrived, in time or late by their time, and are flagged here and in /urgents),
    off_site_ids, and minutes to acknowledge / to arrive (median, p90), measured from the start of the clock.
    """
    now = services.now()
    first, last = day_bounds(services, start, end)
    async with services.db.uow() as uow:
        requests = await repo(uow).outcomes_between(first, last)
    in_time = 0
    lost: list[Loss] = []
    missed = 0
    pending = 0
    ack_minutes: list[float] = []
    arrive_minutes: list[float] = []
    off_site: list[int] = []
    cancelled = 0
    for request in requests:
        if request.cancelled_at is not None and request.arrived_at is None:
            if request.cancelled_at <= request.deadline_at:
                cancelled += 1
            else:
                missed += 1
                lost.append(Loss("urg.loss.cancelled_late",
                                 {"id": request.id, "deadline": services.fmt(request.deadline_at),
                                  "at": services.fmt(request.cancelled_at)},
                                 when=services.local(request.started_at).isoformat()))
            continue
        if request.arrived_at is not None and request.arrival_on_site is False:
            off_site.append(request.id)
        if request.acknowledged_at is not None:
            ack_minutes.append((request.acknowledged_at - request.started_at).total_seconds() / 60)
        if request.arrived_at is not None:
            arrive_minutes.append((request.arrived_at - request.started_at).total_seconds() / 60)
        if request.arrived_in_time():
            in_time += 1
        elif request.arrived_at is not None:
            missed += 1
            lost.append(Loss("urg.loss.late", {"id": request.id,
                                               "minutes": minutes(request.arrived_at - request.started_at)},
                             when=services.local(request.started_at).isoformat()))
        elif now > request.deadline_at:
            missed += 1
            lost.append(Loss("urg.loss.open", {"id": request.id, "deadline": services.fmt(request.deadline_at)},
                             when=services.local(request.started_at).isoformat()))
        else:
            pending += 1
    denominator = in_time + missed
    details = {
        "count": len(requests), "in_time": in_time, "missed": missed, "pending": pending, "cancelled": cancelled,
        "off_site": len(off_site), "off_site_ids": ", ".join(f"#{i}" for i in off_site),
        "ack_median_min": _round(_median(ack_minutes)), "ack_p90_min": _round(percentile(ack_minutes, 0.9)),
        "arrive_median_min": _round(_median(arrive_minutes)),
        "arrive_p90_min": _round(percentile(arrive_minutes, 0.9)),
    }
    if not losses:
        # the measured seconds (whole seconds as stored), sorted and comma-separated: compact to keep by month
        details["ack_seconds"], details["arrive_seconds"] = (
            ",".join(f"{m * 60:.15g}" for m in sorted(values)) for values in (ack_minutes, arrive_minutes))
        lost = []
    return ComponentRate(Decimal(in_time), Decimal(denominator), lost, details)
