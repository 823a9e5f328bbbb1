"""Tickets (work orders, 需求工单): from report to rating, and the completion and satisfaction rates.

Lifecycle: open → taken (an engineer) → resolved (what was done) → closed when the requester rates it
(满意 / 基本满意 / 不满意), or reopened with a reason. Every change is audited (the audit trail is also
the ticket's history). Urgent requests are tickets too: the urgent feature calls `open_ticket` in its unit of work.

Rates (for scoring):
* completion = tickets resolved by their due time / tickets due in the period; a ticket due in the
  period and still open counts as not completed once its due time has passed (one not yet due is not
  decided yet and does not count). Due days are local dates of the contract timezone.
* satisfaction = (满意 × 1 + 基本满意 × weight + 不满意 × 0) / tickets rated in the period (by rating
  time); 100% when none were rated.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.catalog import Joined, Text
from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.people import Person, Role, is_client_side
from bot.services.domain.rates import ComponentRate, Loss
from bot.services.domain.tickets import (
    WAIT_REASONS,
    FaqEntry,
    HistoryEntry,
    Ticket,
    WorkingDay,
    add_working_time,
    working_time_between,
)
from bot.services.errors import BadInput, DomainError
from bot.services.timeparse import PERIOD_EXAMPLES, parse_period, parse_when
from bot.textfit import shorten
from storage.tickets import TicketRepository
from storage.uow import UnitOfWork

# The contract's eleven kinds of maintenance work (服务范围及内容), in order: key -> catalog label.
TICKET_KINDS: dict[str, str] = {
    "ticket_service": "tk.kind.ticket_service",
    "testing": "tk.kind.testing",
    "parameter_change": "tk.kind.parameter_change",
    "data_fix": "tk.kind.data_fix",
    "data_query": "tk.kind.data_query",
    "custom_dev": "tk.kind.custom_dev",
    "data_exchange": "tk.kind.data_exchange",
    "db_training": "tk.kind.db_training",
    "bulk_processing": "tk.kind.bulk_processing",
    "training_faq": "tk.kind.training_faq",
    "client_rules": "tk.kind.client_rules",
}
DEFAULT_KIND = "ticket_service"

# Ratings: stored value -> (short code for buttons, catalog label).
RATINGS: dict[str, str] = {"satisfied": "tk.rating.satisfied", "basically": "tk.rating.basically",
                           "unsatisfied": "tk.rating.unsatisfied"}
RATING_CODES: dict[str, str] = {"s": "satisfied", "b": "basically", "u": "unsatisfied"}

# Bulk data processing (kind 9) needs these confirmed before it may be resolved.
CHECKLIST_ITEMS: dict[str, str] = {"backup": "tk.check.backup", "tested": "tk.check.tested",
                                   "verified": "tk.check.verified", "recovery": "tk.check.recovery"}
CHECKLIST_ALIASES: dict[str, str] = {
    "backup": "backup", "备份": "backup", "tested": "tested", "test": "tested", "测试": "tested",
    "verified": "verified", "verify": "verified", "验证": "verified", "核验": "verified",
    "recovery": "recovery", "恢复": "recovery", "预案": "recovery", "应急": "recovery",
}

OPEN_STATUSES = ("open", "taken")
ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})
# The client side (supervisors, the client's project contact: `is_client_side`) records the supervising
# engineer's rulings and may rate a ticket on its requester's behalf.


def _repo(uow: UnitOfWork) -> TicketRepository:
    return uow.repo(TicketRepository)


async def _audit(uow: UnitOfWork, services: Services, actor: Person | None, action: str, ticket_id: int, *,
                 before: Any = None, after: Any = None) -> None:
    await uow.audit.append(at=services.now(), action=f"tickets.{action}", entity="ticket", entity_id=ticket_id,
                           actor=actor, before=before, after=after)


def default_due(services: Services, kind: str, created_at: datetime) -> datetime:
    """The due time from config: settings.tickets.due_by_kind, else default_due."""
    cfg = services.settings.tickets
    return created_at + cfg.due_by_kind.get(kind, cfg.default_due)


async def open_ticket(services: Services, *, requester: Person, text: str, kind: str = DEFAULT_KIND,
                      system: str | None = None, region: str | None = None, due_at: datetime | None = None,
                      urgent: bool = False, source_chat_id: int | None = None, actor: Person | None = None) -> int:
    """Insert a ticket (audited); returns its id. Called inside another service's unit of work it joins that
    transaction, so it rolls back with its caller.

    `actor` is who typed it when that is not the requester (a ticket made from someone else's message).
    """
    if kind not in TICKET_KINDS:
        raise ValueError(f"unknown ticket kind {kind!r}")
    now = services.now()
    due = due_at or default_due(services, kind, now)
    async with services.db.uow() as uow:
        ticket_id = await _repo(uow).add(
            kind=kind, text=text, system=system, region=region, urgent=urgent, requester_id=requester.id,
            source_chat_id=source_chat_id, due_at=due, due_explicit=due_at is not None, created_at=now)
        await _audit(uow, services, actor or requester, "open", ticket_id,
                     after={"kind": kind, "text": text, "system": system, "region": region,
                            "due_at": services.fmt(due), "urgent": urgent, "requester": requester.name})
        services.poke_timers(uow)
        await uow.commit()
    return ticket_id


# --- reading a due time at the end of a report ---------------------------------------------------

_SEPARATORS = re.compile(r"[\s，,。；;]+")
_DUE_PREFIX = re.compile(r"^(?:截止(?:时间|日期)?|截至|期限|要求|due|by|before)\s*(?:到|于|在)?[:：]?\s*", re.I)
_DUE_SUFFIX = re.compile(r"(?:之前|以前|前)(?:完成|处理|解决|回复|办好|给我)?$")
_HAS_CLOCK = re.compile(r"(?:\d|[一二三四五六七八九十两])\s*(?:点|时|:|：)|am|pm|上午|下午|中午|晚|早|凌晨|小时", re.I)


def due_from_text(services: Services, text: str) -> tuple[str, datetime | None]:
    """A due phrase at the end of a report ("… 明天下午3点前", "… 截止 10月12日"): (text without it, due).

    Only a phrase marked as a deadline (…前 / 截止… / by …) is read, so numbers in a report are never
    mistaken for a time. A date without a time of day means the end of that working day.
    """
    stripped = text.strip()
    spans = [m.end() for m in _SEPARATORS.finditer(stripped)]
    starts = [0, *spans]
    for start in sorted(set(starts), reverse=False):
        candidate = stripped[start:].strip()
        if not candidate or len(candidate) > 40:
            continue
        phrase = _DUE_PREFIX.sub("", candidate)
        marked = phrase != candidate
        unsuffixed = _DUE_SUFFIX.sub("", phrase).strip()
        marked = marked or unsuffixed != phrase
        if not marked or not unsuffixed:
            continue
        when = parse_when(unsuffixed, services.local_now(), calendar=services.calendar)
        if when is None:
            continue
        if when.time() == time(0) and not _HAS_CLOCK.search(unsuffixed):
            when = datetime.combine(when.date(), services.settings.working_hours.end, when.tzinfo)
        rest = stripped[:start].strip(" ，,。；;")
        return (rest or stripped), when
    return stripped, None


# --- raising and the set-up buttons ---------------------------------------------------------------

async def create_ticket(services: Services, reporter: Person, text: str, *, requester: Person | None = None,
                        source_chat_id: int | None = None) -> Ticket:
    """A work order from a one-line report; engineers are told at once (the kind etc. can follow)."""
    text = text.strip()
    if not text:
        raise BadInput("tk.usage.ticket")
    body, due = due_from_text(services, text)
    if due is not None and due <= services.now():
        raise DomainError("tk.due_past", due=services.fmt(due))
    owner = requester or reporter
    async with services.db.uow() as uow:
        ticket_id = await open_ticket(services, requester=owner, text=body, due_at=due,
                                      source_chat_id=source_chat_id,
                                      actor=reporter if reporter.id != owner.id else None)
        ticket = await _repo(uow).get(ticket_id)
        assert ticket is not None
        await _tell_engineers_new(uow, services, ticket, owner, exclude=reporter.id)
        services.poke_timers(uow)
        await uow.commit()
    return ticket


async def _tell_engineers_new(uow: UnitOfWork, services: Services, ticket: Ticket, requester: Person, *,
                              exclude: int) -> None:
    from bot.services.callback_data import Action

    for person in await _people_with(uow, ENGINEERS):
        if person.id == exclude:
            continue
        await services.notifier.to_person(
            uow, person, "tk.notify.new", kind="tickets.new", dedup=f"tk.new:{ticket.id}",
            buttons=[[("tk.btn.take", Action("tk", "take", ticket.id))]],
            **summary_params(services, ticket, {requester.id: requester}))


async def _people_with(uow: UnitOfWork, roles: frozenset[Role]) -> list[Person]:
    return [p for p in await uow.people.all(include_left=False) if p.roles & roles]


async def _load(uow: UnitOfWork, ticket_id: int) -> Ticket:
    ticket = await _repo(uow).get(ticket_id)
    if ticket is None:
        raise DomainError("tk.not_found", id=ticket_id)
    return ticket


def _may_edit(person: Person, ticket: Ticket) -> bool:
    return person.id == ticket.requester_id or person.has(*ENGINEERS, Role.SUPERVISOR)


async def set_kind(services: Services, person: Person, ticket_id: int, kind: str) -> Ticket:
    """Change the kind; a due time taken from config follows the new kind."""
    if kind not in TICKET_KINDS:
        raise BadInput("tk.usage.kind")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not _may_edit(person, ticket):
            raise DomainError("tk.not_yours", id=ticket_id)
        changes: dict[str, Any] = {"kind": kind}
        if not ticket.due_explicit and ticket.is_open:
            due = default_due(services, kind, ticket.created_at)
            if ticket.paused_seconds:  # the time it waited still moves the new due time
                due = add_working_time(due, timedelta(seconds=ticket.paused_seconds), working_day(services))
            if due != ticket.due_at:
                changes.update(due_at=due, overdue_reminded_at=None, lead_reminded_at=None)
        await _repo(uow).update(ticket_id, **changes)
        await _audit(uow, services, person, "kind", ticket_id, before={"kind": ticket.kind},
                     after={"kind": kind, "due_at": services.fmt(changes.get("due_at", ticket.due_at))})
        ticket = await _load(uow, ticket_id)
        services.poke_timers(uow)
        await uow.commit()
    return ticket


async def set_field(services: Services, person: Person, ticket_id: int, field: str, value: str | None) -> Ticket:
    """Set the system or the region (None: not specified)."""
    if field not in ("system", "region"):
        raise ValueError(field)
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not _may_edit(person, ticket):
            raise DomainError("tk.not_yours", id=ticket_id)
        await _repo(uow).update(ticket_id, **{field: value})
        await _audit(uow, services, person, field, ticket_id, before={field: getattr(ticket, field)},
                     after={field: value})
        ticket = await _load(uow, ticket_id)
        await uow.commit()
    return ticket


# --- waiting time that does not count (待甲方确认 / 等待第三方 / 待备件) -----------------------------------

# What a person may write after /wait N: the reason's words (the rest is a note).
WAIT_WORDS: dict[str, str] = {
    "待甲方确认": "client", "甲方确认": "client", "待甲方": "client", "甲方": "client", "待确认": "client",
    "client": "client", "等待第三方": "third_party", "等第三方": "third_party", "第三方": "third_party",
    "third": "third_party", "third_party": "third_party", "third party": "third_party",
    "third-party": "third_party", "待备件": "parts",
    "等备件": "parts", "备件": "parts", "parts": "parts", "spare": "parts",
}
WAIT_CODES: dict[str, str] = {"c": "client", "t": "third_party", "p": "parts"}


def parse_wait_reason(text: str) -> tuple[str, str]:
    """'待备件 硬盘已下单' -> ('parts', '硬盘已下单'); the longest known word at the start wins."""
    cleaned = text.strip()
    for word in sorted(WAIT_WORDS, key=len, reverse=True):
        if cleaned.lower().startswith(word):
            return WAIT_WORDS[word], cleaned[len(word):].strip(" ，,：:。")
    raise BadInput("tk.usage.wait")


def working_day(services: Services) -> WorkingDay:
    hours = services.settings.working_hours
    return WorkingDay(services.calendar.is_workday, hours.start, hours.end, services.tz)


def _may_end_wait(person: Person, ticket: Ticket) -> bool:
    """The client side (the requester, a supervisor, the client's contact) ends a wait; the vendor's engineers
    too, when what they waited for arrived."""
    return person.id == ticket.requester_id or is_client_side(person) or person.has(*ENGINEERS)


@dataclass(frozen=True)
class WaitEnded:
    ticket: Ticket
    paused: timedelta        # the working time this wait paused (the due time moved by it)
    total_paused: timedelta  # all paused working time of the ticket so far


async def start_waiting(services: Services, person: Person, ticket_id: int, reason: str, note: str) -> Ticket:
    """The vendor's engineer puts a ticket on hold for the client, a third party or parts: its clock pauses,
    overdue reminders pause, the requester is told (with a button to end the wait)."""

    if not person.has(*ENGINEERS) or is_client_side(person):
        raise DomainError("tk.wait.vendor_only")
    if reason not in WAIT_REASONS:
        raise BadInput("tk.usage.wait")
    note = note.strip()[:200]
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not ticket.is_open:
            raise DomainError("tk.not_open", id=ticket_id, status=Text(f"tk.status.{ticket.status}"))
        if ticket.urgent:
            raise DomainError("tk.wait.urgent", id=ticket_id)
        if ticket.is_waiting:
            raise DomainError("tk.wait.already", id=ticket_id,
                              reason=Text(f"tk.wait.reason.{ticket.waiting_reason}"),
                              since=services.fmt(ticket.waiting_since))
        now = services.acted_at()
        if ticket.due_at <= now:
            raise DomainError("tk.wait.overdue", id=ticket_id, due=services.fmt(ticket.due_at))
        if not await _repo(uow).set_waiting(ticket_id, since=now, reason=reason, note=note or None):
            raise DomainError("tk.not_open", id=ticket_id, status=Text(f"tk.status.{ticket.status}"))
        await _audit(uow, services, person, "wait", ticket_id, before={"due_at": services.fmt(ticket.due_at)},
                     after={"reason": reason, "note": note, "since": services.fmt(now)})
        ticket = await _load(uow, ticket_id)
        requester = await uow.people.by_id(ticket.requester_id)
        if requester is not None and requester.id != person.id:
            await services.notifier.to_person(
                uow, requester, "tk.notify.waiting", kind="tickets.wait",
                dedup=f"tk.wait:{ticket_id}:{services.fmt(now)}",
                buttons=[[("tk.btn.resume", Action("tk", "res", ticket_id))]],
                id=ticket_id, text=shorten(ticket.text, 120), name=person.name,
                reason=Text(f"tk.wait.reason.{reason}"), note=note or "—",
                since=services.fmt(now))
        services.poke_timers(uow)
        await uow.commit()
    return ticket


async def _end_wait_in_uow(uow: UnitOfWork, services: Services, person: Person | None, ticket: Ticket,
                           now: datetime, *, resolved: bool = False) -> Ticket:
    """End the ticket's wait at `now`: the due time moves by exactly the working time it waited."""
    assert ticket.waiting_since is not None
    since = ticket.waiting_since
    hours = working_day(services)
    paused = working_time_between(since, max(now, since), hours)
    due = add_working_time(ticket.due_at, paused, hours)
    if not await _repo(uow).end_waiting(ticket.id, since=since, due_at=due, paused=int(paused.total_seconds())):
        return await _load(uow, ticket.id)
    await _audit(uow, services, person, "resume", ticket.id,
                 before={"due_at": services.fmt(ticket.due_at), "reason": ticket.waiting_reason,
                         "since": services.fmt(since)},
                 after={"due_at": services.fmt(due), "paused_minutes": int(paused.total_seconds() // 60),
                        "paused": format_duration(paused, "zh_CN"), "resolved": resolved})
    return await _load(uow, ticket.id)


async def end_waiting(services: Services, person: Person, ticket_id: int) -> WaitEnded:
    """The client side (or the vendor, when what it waited for arrived) ends the wait: the clock runs again
    and the due time moves by the paused working time. Whoever did not end it is told."""
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not _may_end_wait(person, ticket):
            raise DomainError("tk.wait.not_yours", id=ticket_id)
        if not ticket.is_waiting:
            raise DomainError("tk.wait.not_waiting", id=ticket_id)
        before = ticket.paused_seconds
        ticket = await _end_wait_in_uow(uow, services, person, ticket, services.acted_at())
        paused = timedelta(seconds=ticket.paused_seconds - before)
        told = {ticket.requester_id, ticket.assignee_id} - {person.id, None}
        for target_id in sorted(i for i in told if i is not None):
            target = await uow.people.by_id(target_id)
            if target is None:
                continue
            await services.notifier.to_person(
                uow, target, "tk.notify.resumed", kind="tickets.wait",
                dedup=f"tk.resume:{ticket_id}:{ticket.paused_seconds}", id=ticket_id, name=person.name,
                paused=format_duration(paused, target.language), due=services.fmt(ticket.due_at))
        services.poke_timers(uow)
        await uow.commit()
    return WaitEnded(ticket, paused, timedelta(seconds=ticket.paused_seconds))


def format_duration(amount: timedelta, lang: str) -> str:
    """2 h 5 min as '2小时5分钟' / '2 h 5 min' (whole minutes)."""
    minutes = int(amount.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return Text("tk.duration.hm", h=hours, m=minutes).in_lang(lang)
    if hours:
        return Text("tk.duration.h", h=hours).in_lang(lang)
    return Text("tk.duration.m", m=minutes).in_lang(lang)


# --- the lifecycle ---------------------------------------------------------------------------------

async def take(services: Services, person: Person, ticket_id: int) -> Ticket:
    """An engineer takes an open ticket; the requester is told (through the outbox, like every notification)."""
    if not person.has(*ENGINEERS):
        raise DomainError("tk.engineers_only")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.status == "taken":
            if ticket.assignee_id == person.id:
                raise DomainError("tk.already_yours", id=ticket_id)
            other = await uow.people.by_id(ticket.assignee_id) if ticket.assignee_id else None
            raise DomainError("tk.already_taken", id=ticket_id, name=other.name if other else "—")
        if ticket.status != "open":
            raise DomainError("tk.not_open", id=ticket_id, status=Text(f"tk.status.{ticket.status}"))
        await _repo(uow).update(ticket_id, status="taken", assignee_id=person.id,
                                taken_at=ticket.taken_at or services.acted_at())
        await _audit(uow, services, person, "take", ticket_id, before={"status": ticket.status},
                     after={"status": "taken", "assignee": person.name})
        ticket = await _load(uow, ticket_id)
        requester = await uow.people.by_id(ticket.requester_id)
        if requester is not None and requester.id != person.id:
            await services.notifier.to_person(uow, requester, "tk.notify.taken", kind="tickets.taken",
                                              dedup=f"tk.taken:{ticket_id}:{ticket.reopen_count}",
                                              id=ticket_id, name=person.name, due=services.fmt(ticket.due_at))
        await uow.commit()
    return ticket


def missing_checklist(ticket: Ticket, confirmed: set[str]) -> list[str]:
    if ticket.kind != "bulk_processing":
        return []
    return [item for item in CHECKLIST_ITEMS if item not in confirmed]


@dataclass(frozen=True)
class Resolved:
    ticket: Ticket
    raters: list[str]     # the names of those asked to rate it
    on_behalf: bool       # the requester worked on it: the client side was asked instead


async def _workers(uow: UnitOfWork, ticket: Ticket) -> set[int]:
    """Who took or resolved the ticket: they never rate it."""
    found = await _repo(uow).workers(ticket.id)
    return found | ({ticket.assignee_id} if ticket.assignee_id is not None else set())


async def resolve(services: Services, person: Person, ticket_id: int, resolution: str) -> Resolved:
    """Record what was done; bulk processing needs its checklist first. The requester is asked to rate, or,
    when the requester took or resolved it, the client side (supervisors, the client's contact) instead."""
    if not person.has(*ENGINEERS):
        raise DomainError("tk.engineers_only")
    resolution = resolution.strip()
    if not resolution:
        raise BadInput("tk.usage.resolve")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not ticket.is_open:
            raise DomainError("tk.not_open", id=ticket_id, status=Text(f"tk.status.{ticket.status}"))
        missing = missing_checklist(ticket, await _repo(uow).checklist(ticket_id))
        if missing:
            raise DomainError("tk.checklist_missing", id=ticket_id,
                              items=_labels([CHECKLIST_ITEMS[m] for m in missing]))
        now = services.acted_at()
        if ticket.is_waiting:  # resolved while waiting: the wait ends now and the due time moves first
            ticket = await _end_wait_in_uow(uow, services, person, ticket, now, resolved=True)
        await _repo(uow).update(ticket_id, status="resolved", resolved_at=now, resolution=resolution,
                                assignee_id=ticket.assignee_id or person.id, taken_at=ticket.taken_at or now)
        await _audit(uow, services, person, "resolve", ticket_id, before={"status": ticket.status},
                     after={"status": "resolved", "resolution": resolution, "on_time": now <= ticket.due_at})
        ticket = await _load(uow, ticket_id)
        raters, on_behalf = await _ask_rating(uow, services, ticket, person, resolution)
        services.poke_timers(uow)
        await uow.commit()
    return Resolved(ticket, [p.name for p in raters], on_behalf)


async def _ask_rating(uow: UnitOfWork, services: Services, ticket: Ticket, person: Person,
                      resolution: str) -> tuple[list[Person], bool]:
    """Ask the requester to rate a resolved ticket, or the client side when the requester worked on it."""
    from bot.services.callback_data import Action

    requester = await uow.people.by_id(ticket.requester_id)
    workers = await _workers(uow, ticket)
    if requester is not None and requester.id not in workers:
        raters, on_behalf = [requester], False
    else:
        raters = [p for p in await uow.people.all(include_left=False)
                  if is_client_side(p) and p.id not in workers]
        on_behalf = True
    rows = [[(RATINGS[value], Action("tk", "rate", ticket.id, code)) for code, value in RATING_CODES.items()]]
    await services.notifier.to_people(
        uow, raters, "tk.rate.ask_on_behalf" if on_behalf else "tk.rate.ask",
        kind="tickets.rate", buttons=rows, dedup=f"tk.rate_ask:{ticket.id}:{ticket.reopen_count}",
        id=ticket.id, text=ticket.text, name=person.name, resolution=resolution,
        requester=requester.name if requester else "—")
    return raters, on_behalf


# --- an urgent request's ticket follows the request ------------------------------------------------

async def resolve_with_urgent(services: Services, ticket_id: int, person: Person, resolution: str,
                              at: datetime) -> Ticket | None:
    """The engineer's arrival resolves the urgent request's ticket at the arrival time (the request's outcome
    is its resolution) and asks for the rating; None when the ticket was no longer open (resolved before).
    Joins the arrival's unit of work."""
    async with services.db.uow() as uow:
        ticket = await _repo(uow).get(ticket_id)
        if ticket is None or not ticket.is_open:
            return None
        await _repo(uow).update(ticket_id, status="resolved", resolved_at=at, resolution=resolution,
                                assignee_id=ticket.assignee_id or person.id, taken_at=ticket.taken_at or at)
        await _audit(uow, services, person, "resolve", ticket_id, before={"status": ticket.status},
                     after={"status": "resolved", "resolution": resolution, "on_time": at <= ticket.due_at,
                            "urgent": True})
        ticket = await _load(uow, ticket_id)
        await _ask_rating(uow, services, ticket, person, resolution)
        services.poke_timers(uow)
        await uow.commit()
    return ticket


async def close_with_urgent(services: Services, ticket_id: int, person: Person, reason: str,
                            at: datetime) -> Ticket | None:
    """A cancelled urgent request closes its ticket unresolved: no work order was needed, so the completion
    rate leaves it out (and nobody is asked to rate it). None when the ticket was no longer open. Joins the
    cancel's unit of work."""
    async with services.db.uow() as uow:
        ticket = await _repo(uow).get(ticket_id)
        if ticket is None or not ticket.is_open:
            return None
        await _repo(uow).update(ticket_id, status="closed", closed_at=at, resolution=reason)
        await _audit(uow, services, person, "close", ticket_id, before={"status": ticket.status},
                     after={"status": "closed", "reason": reason, "urgent_cancelled": True})
        closed = await _load(uow, ticket_id)
        services.poke_timers(uow)
        await uow.commit()
    return closed


async def reopen(services: Services, person: Person, ticket_id: int, reason: str) -> Ticket:
    """Back to work with a reason (the requester, a supervisor/contact, or an engineer)."""
    reason = reason.strip()
    if not reason:
        raise BadInput("tk.usage.reopen")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if not (person.id == ticket.requester_id or person.has(*ENGINEERS, Role.SUPERVISOR, Role.CONTACT)):
            raise DomainError("tk.not_yours", id=ticket_id)
        if ticket.is_open:
            raise DomainError("tk.still_open", id=ticket_id)
        status = "taken" if ticket.assignee_id else "open"
        await _repo(uow).update(ticket_id, status=status, resolved_at=None, resolution=None, closed_at=None,
                                rating=None, rated_at=None, rated_by=None, rating_comment=None,
                                reopen_count=ticket.reopen_count + 1, overdue_reminded_at=None,
                                lead_reminded_at=None)
        await _audit(uow, services, person, "reopen", ticket_id,
                     before={"status": ticket.status, "rating": ticket.rating, "resolution": ticket.resolution},
                     after={"status": status, "reason": reason})
        ticket = await _load(uow, ticket_id)
        targets = [await uow.people.by_id(ticket.assignee_id)] if ticket.assignee_id else \
            await _people_with(uow, ENGINEERS)
        for target in targets:
            if target is not None and target.id != person.id:
                await services.notifier.to_person(uow, target, "tk.notify.reopened", kind="tickets.reopen",
                                                  dedup=f"tk.reopen:{ticket_id}:{ticket.reopen_count}",
                                                  id=ticket_id, name=person.name, reason=reason)
        services.poke_timers(uow)
        await uow.commit()
    return ticket


async def set_province(services: Services, person: Person, ticket_id: int, number: str) -> Ticket:
    number = number.strip()
    if not number or len(number) > 60 or " " in number:
        raise BadInput("tk.usage.province")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        await _repo(uow).update(ticket_id, province_no=number)
        await _audit(uow, services, person, "province", ticket_id, before={"province_no": ticket.province_no},
                     after={"province_no": number})
        ticket = await _load(uow, ticket_id)
        await uow.commit()
    return ticket


# --- custom development (kind 6) --------------------------------------------------------------------

def parse_person_days(text: str) -> Decimal:
    cleaned = text.strip().removesuffix("人天").removesuffix("天").removesuffix("days").removesuffix("d").strip()
    try:
        days = Decimal(cleaned)
    except InvalidOperation:
        raise BadInput("tk.usage.estimate") from None
    if not days.is_finite() or days <= 0 or days > 10000:
        raise BadInput("tk.usage.estimate")
    return days


@dataclass(frozen=True)
class Estimated:
    ticket: Ticket
    outside: bool         # at or above the limit: outside the contract's free scope, a ruling is needed
    asked: list[str]      # the names of the client side asked for the ruling


async def estimate(services: Services, person: Person, ticket_id: int, days: Decimal) -> Estimated:
    """Record the estimate of a custom development; outside the contract (≥ the limit) the client side
    (supervisors, the client's project contact) is asked for the supervising engineer's ruling.
    """
    limit = services.settings.tickets.custom_dev_limit_person_days
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.kind != "custom_dev":
            raise DomainError("tk.not_custom_dev", id=ticket_id)
        outside = days >= limit
        await _repo(uow).update(ticket_id, estimate_days=float(days))
        await _audit(uow, services, person, "estimate", ticket_id, before={"estimate_days": ticket.estimate_days},
                     after={"estimate_days": str(days), "outside_contract": outside})
        ticket = await _load(uow, ticket_id)
        asked: list[Person] = []
        if outside:
            asked = [p for p in await uow.people.all(include_left=False) if is_client_side(p) and p.id != person.id]
            await services.notifier.to_people(uow, asked, "tk.notify.ruling_needed", kind="tickets.ruling",
                                              dedup=f"tk.ruling_needed:{ticket_id}:{days}", id=ticket_id,
                                              text=ticket.text, days=_num(days), limit=limit)
        await uow.commit()
    return Estimated(ticket, outside, [p.name for p in asked])


async def rule(services: Services, person: Person, ticket_id: int, verdict: str, note: str) -> Ticket:
    """The supervising engineer's ruling, recorded by the client side: in (within the contract) or out
    (outside, charged separately)."""
    if not is_client_side(person):
        raise DomainError("tk.rulers_only")
    words = {"in": "in", "内": "in", "合同内": "in", "out": "out", "外": "out", "合同外": "out"}
    verdict = words.get(verdict.lower(), "")
    if not verdict:
        raise BadInput("tk.usage.ruling")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.kind != "custom_dev":
            raise DomainError("tk.not_custom_dev", id=ticket_id)
        await _repo(uow).update(ticket_id, ruling=verdict, ruling_note=note.strip() or None)
        await _audit(uow, services, person, "ruling", ticket_id, before={"ruling": ticket.ruling},
                     after={"ruling": verdict, "note": note.strip()})
        ticket = await _load(uow, ticket_id)
        for target in await _people_with(uow, frozenset({Role.LEAD})):
            if target.id != person.id:
                await services.notifier.to_person(uow, target, "tk.notify.ruled", kind="tickets.ruling",
                                                  dedup=f"tk.ruled:{ticket_id}:{int(services.now().timestamp())}",
                                                  id=ticket_id, verdict=Text(f"tk.ruling.{verdict}"),
                                                  name=person.name, note=note.strip() or "—")
        await uow.commit()
    return ticket


# --- bulk data processing checklist (kind 9) -----------------------------------------------------------

async def checklist_state(services: Services, ticket_id: int) -> tuple[Ticket, set[str]]:
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.kind != "bulk_processing":
            raise DomainError("tk.not_bulk", id=ticket_id)
        return ticket, await _repo(uow).checklist(ticket_id)


async def confirm_checklist(services: Services, person: Person, ticket_id: int, item: str) -> tuple[Ticket, set[str]]:
    """Confirm one step (backup taken, tested, verified, recovery plan ready); twice changes nothing."""
    if not person.has(*ENGINEERS):
        raise DomainError("tk.engineers_only")
    key = CHECKLIST_ALIASES.get(item.strip().lower())
    if key is None:
        raise BadInput("tk.usage.checklist")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.kind != "bulk_processing":
            raise DomainError("tk.not_bulk", id=ticket_id)
        if await _repo(uow).confirm_item(ticket_id, key, person.id, services.now()):
            await _audit(uow, services, person, "checklist", ticket_id, after={"item": key})
        confirmed = await _repo(uow).checklist(ticket_id)
        await uow.commit()
    return ticket, confirmed


# --- satisfaction -------------------------------------------------------------------------------------

async def _check_rater(uow: UnitOfWork, person: Person, ticket: Ticket) -> None:
    """The requester or the client side rates, never someone who took or resolved the ticket."""
    if person.id in await _workers(uow, ticket):
        raise DomainError("tk.rate_own_work", id=ticket.id)
    if person.id != ticket.requester_id and not is_client_side(person):
        raise DomainError("tk.rate_not_yours", id=ticket.id)


@dataclass(frozen=True)
class RatingResult:
    ticket: Ticket
    changed: bool        # False: it was rated before, nothing changed


async def rate(services: Services, person: Person, ticket_id: int, rating: str) -> RatingResult:
    """The requester (or the client side on their behalf) rates a resolved ticket, which closes it.

    Nobody rates a ticket they took or resolved (an engineer's own ticket is rated by the client side).
    """
    if rating not in RATINGS:
        raise BadInput("tk.usage.rate")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        await _check_rater(uow, person, ticket)
        if ticket.rating is not None:
            return RatingResult(ticket, False)
        if ticket.status != "resolved":
            raise DomainError("tk.rate_not_resolved", id=ticket_id)
        if not await _repo(uow).claim_rating(ticket_id, rating=rating, rated_at=services.acted_at(),
                                             rated_by=person.id, close=True):
            return RatingResult(ticket, False)
        await _audit(uow, services, person, "rate", ticket_id, before={"status": ticket.status},
                     after={"status": "closed", "rating": rating,
                            "on_behalf": person.id != ticket.requester_id})
        ticket = await _load(uow, ticket_id)
        if rating == "unsatisfied":
            for lead in await _people_with(uow, frozenset({Role.LEAD})):
                await services.notifier.to_person(uow, lead, "tk.notify.unsatisfied", kind="tickets.rate",
                                                  dedup=f"tk.unsatisfied:{ticket_id}:{ticket.reopen_count}",
                                                  id=ticket_id, text=ticket.text, name=person.name)
        await uow.commit()
    return RatingResult(ticket, True)


async def comment(services: Services, person: Person, ticket_id: int, text: str) -> Ticket:
    """A comment with the rating (whoever may rate it); a later comment replaces the earlier."""
    text = text.strip()
    if not text:
        raise BadInput("tk.usage.comment")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        await _check_rater(uow, person, ticket)
        if ticket.status not in ("resolved", "closed"):
            raise DomainError("tk.rate_not_resolved", id=ticket_id)
        await _repo(uow).update(ticket_id, rating_comment=text[:1000])
        await _audit(uow, services, person, "comment", ticket_id, before={"comment": ticket.rating_comment},
                     after={"comment": text[:1000]})
        ticket = await _load(uow, ticket_id)
        await uow.commit()
    return ticket


async def auto_rate_due(services: Services, now: datetime) -> int:
    """Rate tickets left unrated for `auto_rate_after_days` (only when configured); returns how many."""
    cfg = services.settings.tickets
    if cfg.auto_rate_after_days is None:
        return 0
    count = 0
    async with services.db.uow() as uow:
        for ticket in await _repo(uow).unrated_resolved_before(now - timedelta(days=cfg.auto_rate_after_days)):
            if await _repo(uow).claim_rating(ticket.id, rating=cfg.auto_rate_value, rated_at=now, rated_by=None,
                                             close=True):
                await _audit(uow, services, None, "rate", ticket.id, before={"status": ticket.status},
                             after={"status": "closed", "rating": cfg.auto_rate_value, "auto": True})
                count += 1
        await uow.commit()
    return count


# --- FAQ ---------------------------------------------------------------------------------------------------

async def add_faq(services: Services, person: Person, ticket_id: int) -> FaqEntry:
    """A resolved ticket becomes a common question (its text) with its answer (the resolution)."""
    if not person.has(*ENGINEERS, Role.SUPERVISOR):
        raise DomainError("faq.not_allowed")
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        if ticket.status not in ("resolved", "closed") or not ticket.resolution:
            raise DomainError("tk.faq_not_resolved", id=ticket_id)
        added = await _repo(uow).add_faq(ticket_id=ticket_id, question=ticket.text, answer=ticket.resolution,
                                         added_by=person.id, now=services.now())
        if not added:
            raise DomainError("faq.already", id=ticket_id)
        await _audit(uow, services, person, "faq", ticket_id, after={"question": ticket.text})
        entry = next(e for e in await _repo(uow).faqs() if e.ticket_id == ticket_id)
        await uow.commit()
    return entry


async def list_faq(services: Services) -> list[FaqEntry]:
    async with services.db.uow() as uow:
        return await _repo(uow).faqs()


async def search_faq(services: Services, words: str) -> list[FaqEntry]:
    """Entries containing every word (Chinese text without spaces is matched as one phrase)."""
    terms = [w.lower() for w in words.split() if w]
    return [e for e in await list_faq(services)
            if all(term in (e.question + "\n" + e.answer).lower() for term in terms)]


# --- reading -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TicketDetails:
    ticket: Ticket
    history: list[HistoryEntry]
    checklist: set[str]
    people: dict[int, Person]


async def details(services: Services, ticket_id: int) -> TicketDetails:
    async with services.db.uow() as uow:
        ticket = await _load(uow, ticket_id)
        return TicketDetails(ticket, await _repo(uow).history(ticket_id), await _repo(uow).checklist(ticket_id),
                             await people_by_id(uow))


async def people_by_id(uow: UnitOfWork) -> dict[int, Person]:
    return {p.id: p for p in await uow.people.all()}


async def roster(services: Services) -> dict[int, Person]:
    async with services.db.uow() as uow:
        return await people_by_id(uow)


async def get_ticket(services: Services, ticket_id: int) -> Ticket:
    async with services.db.uow() as uow:
        return await _load(uow, ticket_id)


@dataclass(frozen=True)
class TicketList:
    selector: str               # open | mine | overdue | period
    tickets: list[Ticket]
    start: date | None = None
    end: date | None = None


LIST_ALL = 100_000  # /tickets lists every match: a long list is paged by the bot (bot/pager.py)


async def list_tickets(services: Services, person: Person, query: str) -> TicketList:
    """/tickets [open|mine|overdue|<period>]: open ones by default, all of them."""
    words = query.strip().lower()
    async with services.db.uow() as uow:
        repo = _repo(uow)
        if words in ("", "open", "未完成", "待办", "未解决"):
            return TicketList("open", await repo.list(statuses=OPEN_STATUSES, limit=LIST_ALL))
        if words in ("mine", "my", "我的"):
            mine = [t for t in await repo.list(statuses=(*OPEN_STATUSES, "resolved"), limit=LIST_ALL)
                    if person.id in (t.assignee_id, t.requester_id)]
            return TicketList("mine", mine)
        if words in ("overdue", "超期", "逾期", "超时"):  # a waiting ticket is not overdue: its clock is paused
            listed = await repo.list(statuses=OPEN_STATUSES, due_before=services.now(), limit=LIST_ALL)
            return TicketList("overdue", [t for t in listed if not t.is_waiting])
        period = parse_period(query.strip(), services.local_now(), calendar=services.calendar)
        if period is None:
            raise DomainError("tk.usage.tickets", examples="、".join(PERIOD_EXAMPLES))
        start, end = period
        lo, hi = _local_bounds(services, start, end)
        return TicketList("period", await repo.list(created_from=lo, created_to=hi, limit=LIST_ALL), start,
                              end)


def summary_params(services: Services, ticket: Ticket, people: dict[int, Person]) -> dict[str, Any]:
    """What a message about one ticket shows (labels as Text, rendered in the reader's language)."""
    def name(person_id: int | None) -> str:
        person = people.get(person_id) if person_id is not None else None
        return person.name if person else "—"

    return {"id": ticket.id, "text": ticket.text, "category": Text(TICKET_KINDS[ticket.kind]),
            "system": ticket.system or Text("tk.unspecified"), "region": ticket.region or Text("tk.unspecified"),
            "status": Text(f"tk.status.{ticket.status}"), "due": services.fmt(ticket.due_at),
            "requester": name(ticket.requester_id),
            "assignee": name(ticket.assignee_id) if ticket.assignee_id is not None else Text("tk.unassigned"),
            "province": ticket.province_no or "—"}


# --- rates ----------------------------------------------------------------------------------------------------

def _local_bounds(services: Services, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the contract timezone."""
    return (datetime.combine(start, time(0), services.tz),
            datetime.combine(end + timedelta(days=1), time(0), services.tz))


async def completion_rate(services: Services, start: date, end: date, *, losses: bool = True) -> ComponentRate:
    """Tickets resolved by their due time / tickets due in [start, end] (local dates).

    Counted in SQL; only the late or still-open tickets are loaded (a year holds ~20,000 tickets).
    """
    lo, hi = _local_bounds(services, start, end)
    async with services.db.uow() as uow:
        due, numerator, undecided, missed = await _repo(uow).completion_outcomes(lo, hi, services.now(),
                                                                                 missed=losses)
        waited, paused_seconds, waiting = await _repo(uow).paused_in(lo, hi)
    lost: list[Loss] = []
    for ticket in missed:
        key = "tk.loss.late" if ticket.resolved_at is not None else "tk.loss.still_open"
        lost.append(Loss(key, {"ticket_id": ticket.id, "due": services.fmt(ticket.due_at),
                                 "resolved_at": services.fmt(ticket.resolved_at) if ticket.resolved_at else None,
                                 "text": shorten(ticket.text, 60)},
                           when=services.local(ticket.due_at).isoformat()))
    denominator = due - undecided
    details: dict[str, Any] = {"due": denominator, "on_time": numerator, "not_yet_due": undecided}
    if waited or waiting:  # waiting time that does not count (/score why shows it)
        details.update(paused_tickets=waited, paused_minutes=paused_seconds // 60, waiting_now=waiting)
    return ComponentRate(Decimal(numerator), Decimal(denominator), lost, details=details)


async def satisfaction_rate(services: Services, start: date, end: date, *, losses: bool = True) -> ComponentRate:
    """(满意 + 基本满意 × weight) / tickets rated in [start, end] (by rating time); 100% when none."""
    weight = services.settings.tickets.basically_satisfied_weight
    lo, hi = _local_bounds(services, start, end)
    lost_units = {"satisfied": Decimal(0), "basically": 1 - weight, "unsatisfied": Decimal(1)}
    async with services.db.uow() as uow:
        counted = await _repo(uow).rating_counts(lo, hi)
        lost = await _repo(uow).rated_as(lo, hi, tuple(r for r, units in lost_units.items() if units > 0)) \
            if losses else []
    counts = {value: counted.get(value, 0) for value in RATINGS}
    listed: list[Loss] = []
    for ticket in lost:
        listed.append(Loss(f"tk.loss.{ticket.rating}", {"ticket_id": ticket.id, "text": shorten(ticket.text, 60),
                                                        "rated_at": services.fmt(ticket.rated_at)},
                           units=lost_units[ticket.rating], when=services.local(ticket.rated_at).isoformat()))
    numerator = Decimal(counts["satisfied"]) + Decimal(counts["basically"]) * weight
    return ComponentRate(numerator, Decimal(sum(counts.values())), listed, details={**counts, "weight": str(weight)},
                         empty_rate=Decimal(1))


def _percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (p90 of 10 values is the 9th smallest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def ticket_indicators(services: Services, start: date, end: date) -> dict[str, Any]:
    """The contract's monitoring indicators for [start, end] (tickets raised in the period), JSON-friendly.

    failures = tickets of kind ticket_service plus urgent ones; resolution rate = resolved or closed
    among those raised; response times in minutes from raising to taking / to resolving.
    """
    lo, hi = _local_bounds(services, start, end)
    async with services.db.uow() as uow:
        raised = await _repo(uow).list(created_from=lo, created_to=hi, limit=100000)
    take_minutes = [(t.taken_at - t.created_at).total_seconds() / 60 for t in raised if t.taken_at]
    resolve_minutes = [(t.resolved_at - t.created_at).total_seconds() / 60 for t in raised if t.resolved_at]
    resolved = [t for t in raised if t.status in ("resolved", "closed")]
    completion = await completion_rate(services, start, end)
    by_kind = {kind: sum(1 for t in raised if t.kind == kind) for kind in TICKET_KINDS}

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "start": start.isoformat(), "end": end.isoformat(),
        "tickets": len(raised),
        "failures": sum(1 for t in raised if t.urgent or t.kind == "ticket_service"),
        "urgent": sum(1 for t in raised if t.urgent),
        "by_kind": by_kind,
        "resolved": len(resolved),
        "resolution_rate": round(len(resolved) / len(raised), 4) if raised else None,
        "take_minutes_median": rounded(statistics.median(take_minutes)) if take_minutes else None,
        "take_minutes_p90": rounded(_percentile(take_minutes, 0.9)),
        "resolve_minutes_median": rounded(statistics.median(resolve_minutes)) if resolve_minutes else None,
        "resolve_minutes_p90": rounded(_percentile(resolve_minutes, 0.9)),
        "timely_completion_rate": float(round(completion.rate, 4)),
        "timely_completed": int(completion.numerator), "due": int(completion.denominator),
    }


def _num(value: Decimal) -> str:
    """12.50 -> 12.5, 40 -> 40."""
    return format(value.normalize(), "f")


def _labels(keys: list[str]) -> Joined:
    return Joined(tuple(Text(key) for key in keys), Text("tk.list_separator"))


def parse_ticket_id(text: str, usage_key: str) -> int:
    """'12' or '#12' -> 12; anything else is bad input with the command's usage."""
    cleaned = text.strip().lstrip("#＃")
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise BadInput(usage_key)
    return int(cleaned)
