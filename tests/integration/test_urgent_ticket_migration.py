"""Migration 012 (urgent_ticket_follows): tickets of urgent requests handled before the fix follow their requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import aiosqlite
import pytest

from bot.services import tickets, urgent
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.domain.people import Person
from storage.migrate import available_migrations
from storage.tickets import TicketRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, SHANGHAI


async def _person(services: Services, telegram_id: int) -> Person:
    async with services.db.uow() as uow:
        person = await uow.people.by_telegram_id(telegram_id)
    assert person is not None
    return person


@pytest.mark.sqlite_only  # re-applies the migration to the SQLite file
async def test_arrived_and_cancelled_requests_close_their_old_open_tickets(services: Services,
                                                                            clock: FakeClock) -> None:
    contact, engineer = await _person(services, CLIENT_CONTACT), await _person(services, ENGINEER)
    arrived = await urgent.raise_urgent(services, contact, "养老保险系统无法登录")
    cancelled = await urgent.raise_urgent(services, contact, "门户告警")
    clock.advance(timedelta(minutes=20))
    await urgent.arrive(services, engineer, arrived.request.id)
    await urgent.cancel(services, contact, cancelled.request.id, "误报")
    first_id, second_id = arrived.request.ticket_id, cancelled.request.ticket_id
    assert first_id is not None and second_id is not None
    async with services.db.uow() as uow:  # the state an older version left behind: both tickets still open
        repo: TicketRepository = uow.repo(TicketRepository)  # type: ignore[assignment]
        await repo.update(first_id, status="open", resolved_at=None, resolution=None, assignee_id=None,
                          taken_at=None)
        await repo.update(second_id, status="open", closed_at=None, resolution=None)
        await uow.commit()
    async with aiosqlite.connect(services.settings.storage.db) as conn:
        migration = next(m for m in available_migrations() if m.name == "urgent_ticket_follows")
        await conn.executescript(migration.sql)  # what start-up applies once to an older database
        await conn.commit()
    first = await tickets.get_ticket(services, first_id)
    second = await tickets.get_ticket(services, second_id)
    assert first.status == "resolved" and first.resolved_at == datetime(2022, 10, 10, 9, 20, tzinfo=SHANGHAI)
    assert first.assignee_id == engineer.id
    assert second.status == "closed" and second.resolved_at is None
    clock.set(datetime(2022, 11, 10, 9, 0, tzinfo=SHANGHAI))
    completion = await tickets.completion_rate(services, date(2022, 10, 1), date(2022, 10, 31))
    assert (completion.numerator, completion.denominator) == (1, 1)
