"""Ticket timers: overdue reminders (assignee, then the lead after the grace), automatic rating when
configured, and the monthly FAQ digest to the group (first working day of the month, or the first sweep
after it in the same month when the bot was down then).

Each sweep claims rows with a conditional UPDATE (audited, actor: the bot) or queues with a dedup key, so
running it twice (a restart, the backstop sweep) sends nothing twice; deadlines passed while the bot was
down fire at start-up.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.catalog import Joined, Text
from bot.services.container import Services
from bot.services.domain.people import Role
from bot.services.tickets import ENGINEERS, TICKET_KINDS, _audit, _people_with, _repo, auto_rate_due, list_faq
from bot.services.timers import Timer

LEADS = frozenset({Role.LEAD})
DIGEST_ENTRIES = 30  # the monthly FAQ digest in the group lists this many; it points to /faq for the rest


async def sweep_overdue(services: Services, now: datetime) -> int:
    """Remind the assignee (or every engineer when nobody took it) once a ticket is overdue, and the lead
    once it is still open `overdue_grace` later. Returns the number of reminders queued.

    An assignee's reminder overtaken by the lead's step (the bot was down past due + grace) is dropped, not
    sent late: it is claimed and audited as dropped, and only the lead's reminder goes out."""
    grace = services.settings.tickets.overdue_grace
    sent = 0
    async with services.db.uow() as uow:
        repo = _repo(uow)
        for ticket in await repo.overdue_unreminded(now):
            if not await repo.claim_overdue_reminder(ticket.id, now):
                continue
            if ticket.due_at + grace <= now:
                await _audit(uow, services, None, "overdue_reminder_dropped", ticket.id,
                             after={"due_at": services.fmt(ticket.due_at)})
                continue
            assignee = await uow.people.by_id(ticket.assignee_id) if ticket.assignee_id else None
            targets = [assignee] if assignee and assignee.status != "left" else await _people_with(uow, ENGINEERS)
            await _audit(uow, services, None, "overdue_reminded", ticket.id,
                         after={"due_at": services.fmt(ticket.due_at), "reminded": [p.name for p in targets]})
            for person in targets:
                await services.notifier.to_person(
                    uow, person, "tk.notify.overdue", kind="tickets.overdue",
                    dedup=f"tk.overdue:{ticket.id}:{ticket.reopen_count}", id=ticket.id, text=ticket.text,
                    due=services.fmt(ticket.due_at), kind_label=Text(TICKET_KINDS[ticket.kind]))
                sent += 1
        for ticket in await repo.overdue_lead_unreminded(now - grace):
            if not await repo.claim_lead_reminder(ticket.id, now):
                continue
            assignee = await uow.people.by_id(ticket.assignee_id) if ticket.assignee_id else None
            await _audit(uow, services, None, "lead_reminded", ticket.id,
                         after={"due_at": services.fmt(ticket.due_at), "assignee": assignee.name if assignee else None})
            for lead in await _people_with(uow, LEADS):
                await services.notifier.to_person(
                    uow, lead, "tk.notify.overdue_lead", kind="tickets.overdue",
                    dedup=f"tk.overdue_lead:{ticket.id}:{ticket.reopen_count}", id=ticket.id, text=ticket.text,
                    due=services.fmt(ticket.due_at), assignee=assignee.name if assignee else "—")
                sent += 1
        await uow.commit()
    return sent


async def next_overdue(services: Services, now: datetime) -> datetime | None:
    grace = services.settings.tickets.overdue_grace
    async with services.db.uow() as uow:
        first = await _repo(uow).earliest_due("overdue_reminded_at")
        lead = await _repo(uow).earliest_due("lead_reminded_at")
    candidates = [d for d in (first, lead + grace if lead else None) if d is not None]
    return min(candidates) if candidates else None


async def sweep_auto_rate(services: Services, now: datetime) -> int:
    return await auto_rate_due(services, now)


async def next_auto_rate(services: Services, now: datetime) -> datetime | None:
    days = services.settings.tickets.auto_rate_after_days
    if days is None:
        return None
    async with services.db.uow() as uow:
        earliest = await _repo(uow).earliest_unrated_resolution()
    return None if earliest is None else earliest + timedelta(days=days)


def first_workday_of_month(services: Services, year: int, month: int) -> date:
    day = date(year, month, 1)
    while not services.calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def _digest_moment(services: Services, year: int, month: int) -> datetime:
    day = first_workday_of_month(services, year, month)
    return datetime.combine(day, services.settings.tickets.faq_digest_time, services.tz)


async def sweep_faq_digest(services: Services, now: datetime) -> bool:
    """The FAQ to the group once a month: from the digest time of the month's first working day on, so a
    bot that was down then sends it at the first sweep (start-up) on a later day of the same month.

    A month whose FAQ was still empty at its digest moment has no digest (an entry added later waits for
    the next month); the outbox dedup key (per month and group) keeps it to one.
    """
    local = services.local(now)
    moment = _digest_moment(services, local.year, local.month)
    if now < moment:
        return False
    entries = await list_faq(services)
    if not any(e.added_at <= moment for e in entries):
        return False
    lines: str | Joined = "\n".join(f"{i}. {e.question}\n   → {e.answer}"
                                    for i, e in enumerate(entries[:DIGEST_ENTRIES], 1))
    if len(entries) > DIGEST_ENTRIES:  # the digest is a reminder in the group; /faq pages through all of them
        lines = Joined((lines, Text("faq.digest_more", n=len(entries) - DIGEST_ENTRIES)), "\n")
    month_start = date(local.year, local.month, 1)
    previous_start = (month_start - timedelta(days=1)).replace(day=1)
    new = sum(1 for e in entries if previous_start <= services.local(e.added_at).date() < month_start)
    async with services.db.uow() as uow:
        queued = await services.notifier.to_groups(uow, "faq.digest", kind="tickets.faq_digest",
                                                   dedup=f"faq.digest:{local:%Y-%m}", month=f"{local:%Y-%m}",
                                                   count=len(entries), new=new, lines=lines)
        await uow.commit()
    return queued > 0


async def next_faq_digest(services: Services, now: datetime) -> datetime | None:
    local = services.local(now)
    moment = _digest_moment(services, local.year, local.month)
    if moment > now:
        return moment
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return _digest_moment(services, year, month)


OVERDUE_TIMER = Timer("tickets.overdue", sweep_overdue, next_overdue)
AUTO_RATE_TIMER = Timer("tickets.auto_rate", sweep_auto_rate, next_auto_rate)
FAQ_DIGEST_TIMER = Timer("tickets.faq_digest", sweep_faq_digest, next_faq_digest)
