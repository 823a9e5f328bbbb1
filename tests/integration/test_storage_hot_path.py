"""The hot path's statements: a new update is recognised without a SELECT, the caller is identified from the
roster cache, and the cache never answers with a role or status that a committed change replaced."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.services.container import Services
from bot.services.domain.people import Role
from storage.reliability import ReliabilityRepository
from tests.conftest import ENGINEER


@contextmanager
def statements(services: Services) -> Iterator[list[str]]:
    """Every SQL statement the bot's connection runs inside the block."""
    seen: list[str] = []
    if services.db.conn is None:  # PostgreSQL: every statement goes through Connection._run
        from storage.postgres import Connection

        original = Connection._run

        def traced(self: Connection, sql: str, params: object) -> object:
            seen.append(sql)
            return original(self, sql, params)  # type: ignore[arg-type]

        Connection._run = traced  # type: ignore[assignment,method-assign]
        try:
            yield seen
        finally:
            Connection._run = original  # type: ignore[method-assign]
        return
    raw = services.db.conn.raw
    raw.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        raw.set_trace_callback(None)


def _selects(seen: list[str], table: str) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith("SELECT") and table in s]


# The shortcut holds while this process is the database's one writer (SQLite, under the instance lock). On
# PostgreSQL other replicas record updates too, so every check asks the database (tests/integration/test_replicas.py).
@pytest.mark.sqlite_only
async def test_an_update_newer_than_any_processed_one_is_checked_without_a_select(services: Services) -> None:
    async with services.db.uow() as uow:
        await uow.repo(ReliabilityRepository).mark_processed(500, "fp-500", services.now())
        await uow.commit()
    with statements(services) as seen:
        async with services.db.uow(read_only=True) as uow:
            repo = uow.repo(ReliabilityRepository)
            assert not await repo.is_processed(501, "fp-501")
    assert _selects(seen, "processed_updates") == []
    # a redelivery of an update already handled is still recognised (it is not above the highest)
    async with services.db.uow(read_only=True) as uow:
        assert await uow.repo(ReliabilityRepository).is_processed(500, "fp-500")
        assert not await uow.repo(ReliabilityRepository).is_processed(499, "fp-499")


@pytest.mark.sqlite_only
async def test_the_highest_processed_update_survives_a_restart(services: Services) -> None:
    async with services.db.uow() as uow:
        await uow.repo(ReliabilityRepository).mark_processed(700, "fp-700", services.now())
        await uow.commit()
    from storage.db import open_database

    again = await open_database(services.db.path, services.db.contract_id)
    try:
        assert again.shared.highest_update_id == 700
        async with again.uow(read_only=True) as uow:
            assert await uow.repo(ReliabilityRepository).is_processed(700, "fp-700")
    finally:
        await again.close()


async def test_the_caller_is_looked_up_once_then_served_from_the_roster_cache(services: Services) -> None:
    # on PostgreSQL several processes may write the roster: no cache there, one look-up each time
    expected = 3 if services.db.backend == "postgresql" else 1
    with statements(services) as seen:
        for _ in range(3):
            async with services.db.uow(read_only=True) as uow:
                person = await uow.people.by_telegram_id(ENGINEER)
                assert person is not None
    assert len(_selects(seen, "people")) == expected


async def test_a_committed_status_change_is_seen_at_once(services: Services) -> None:
    async with services.db.uow(read_only=True) as uow:
        before = await uow.people.by_telegram_id(ENGINEER)
    assert before is not None and before.status == "active"
    async with services.db.uow() as uow:
        await uow.people.set_status(before.id, "left", end=services.now().date())
        await uow.commit()
    async with services.db.uow(read_only=True) as uow:
        after = await uow.people.by_telegram_id(ENGINEER)
    assert after is not None and after.status == "left"


async def test_a_rolled_back_change_never_reaches_the_cache(services: Services) -> None:
    async with services.db.uow(read_only=True) as uow:
        before = await uow.people.by_telegram_id(ENGINEER)
    assert before is not None
    async with services.db.uow() as uow:  # not committed: rolled back on the way out
        await uow.people.set_language(before.id, "en")
        seen_inside = await uow.people.by_telegram_id(ENGINEER)
        assert seen_inside is not None and seen_inside.language == "en"  # its own transaction sees the change
    async with services.db.uow(read_only=True) as uow:
        after = await uow.people.by_telegram_id(ENGINEER)
    assert after is not None and after.language == before.language


async def test_a_new_person_and_a_new_role_are_seen_at_once(services: Services) -> None:
    newcomer = 990_001
    async with services.db.uow(read_only=True) as uow:
        assert await uow.people.by_telegram_id(newcomer) is None  # the absence is cached too
    async with services.db.uow() as uow:
        await uow.people.add(name="新同事", telegram_id=newcomer, roles={Role.ENGINEER}, start=None,
                             now=services.now())
        await uow.commit()
    async with services.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(newcomer)
    assert person is not None and person.roles == frozenset({Role.ENGINEER})
