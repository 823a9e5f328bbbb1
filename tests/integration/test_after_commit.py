"""After-commit effects: a change that moves deadlines pokes the timers, and queued notifications wake the outbox
worker, once the unit of work commits: exactly once per commit however many services nested in it, and never
when the change rolls back (a rolled-back request must not make the scheduler or the delivery worker act)."""

from __future__ import annotations

import pytest

from bot.services import access, tickets, urgent
from bot.services.container import Services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from tests.conftest import ENGINEER, SUPERVISOR


class Counting:
    """Counts the timer pokes (as the scheduler subscribes) and the outbox wake-ups (as the delivery waits)."""

    def __init__(self, services: Services) -> None:
        self.pokes = 0
        self.wakes = 0
        services.timer_pokes.subscribe(self._poked)
        services.notifier.wake = self._woken  # type: ignore[method-assign]

    def _poked(self) -> None:
        self.pokes += 1

    def _woken(self) -> None:
        self.wakes += 1


async def person(services: Services, telegram_id: int) -> Person:
    found = await access.identify(services, telegram_id)
    assert found is not None
    return found


async def outbox_rows(services: Services) -> int:
    async with services.db.uow(read_only=True) as uow:
        return int(await uow.outbox.scalar("SELECT COUNT(*) FROM outbox") or 0)


async def test_a_committed_urgent_request_pokes_the_timers_and_wakes_the_outbox_once(services: Services) -> None:
    counting = Counting(services)
    supervisor = await person(services, SUPERVISOR)
    raised = await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
    assert raised.notified  # engineers on duty were asked to come: several rows queued, one wake-up
    assert (counting.pokes, counting.wakes) == (1, 1)
    assert not services.notifier.wakeup.is_set()  # the counting fake took the wake-up


async def test_the_real_wake_up_is_set_only_after_the_commit(services: Services) -> None:
    supervisor = await person(services, SUPERVISOR)
    async with services.db.uow() as uow:
        await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
        assert not services.notifier.wakeup.is_set()  # queued, not committed: the worker would find nothing
        await uow.commit()
    assert services.notifier.wakeup.is_set()


async def test_an_urgent_request_rolled_back_by_its_caller_pokes_and_wakes_nothing(services: Services) -> None:
    counting = Counting(services)
    supervisor = await person(services, SUPERVISOR)
    async with services.db.uow():  # the entry point's unit of work, never committed
        await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
    assert (counting.pokes, counting.wakes) == (0, 0)
    assert not services.notifier.wakeup.is_set()
    assert await outbox_rows(services) == 0
    assert await urgent.list_requests(services) == []


async def test_a_failed_inner_step_drops_its_effects_but_the_outer_commit_keeps_its_own(services: Services) -> None:
    counting = Counting(services)
    supervisor = await person(services, SUPERVISOR)
    async with services.db.uow() as uow:
        with pytest.raises(DomainError):
            async with services.db.uow():  # a step that fails after a nested service queued and poked
                await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
                raise DomainError("urg.not_found", id=0)
        assert (counting.pokes, counting.wakes) == (0, 0)
        ticket_id = await tickets.open_ticket(services, requester=supervisor, text="打印机卡纸")
        await uow.commit()
    assert (counting.pokes, counting.wakes) == (1, 0)  # the ticket's due time moved the timers; nothing queued
    assert await urgent.list_requests(services) == []
    assert (await tickets.get_ticket(services, ticket_id)).text == "打印机卡纸"


async def test_an_arrival_resolving_its_ticket_pokes_once(services: Services) -> None:
    """已到岗 acknowledges, records the arrival and resolves the ticket, each in a nested unit of work: one poke."""
    supervisor = await person(services, SUPERVISOR)
    engineer = await person(services, ENGINEER)
    raised = await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
    counting = Counting(services)
    arrived = await urgent.arrive(services, engineer, raised.request.id)
    assert arrived.ticket_resolved
    assert (counting.pokes, counting.wakes) == (1, 1)


async def test_a_refused_arrival_pokes_and_wakes_nothing(services: Services) -> None:
    supervisor = await person(services, SUPERVISOR)
    engineer = await person(services, ENGINEER)
    raised = await urgent.raise_urgent(services, supervisor, "社保卡系统无法登录")
    await urgent.arrive(services, engineer, raised.request.id)
    counting = Counting(services)
    rows = await outbox_rows(services)
    with pytest.raises(DomainError):
        await urgent.arrive(services, engineer, raised.request.id)  # already arrived
    assert (counting.pokes, counting.wakes) == (0, 0)
    assert await outbox_rows(services) == rows
