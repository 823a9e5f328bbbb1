"""The audit trail is append-only: the database itself refuses UPDATE and DELETE of audit rows."""

from __future__ import annotations

import pytest

from bot.services.container import Services
from storage.db import DATABASE_ERRORS


async def _one_entry(services: Services) -> int:
    async with services.db.uow() as uow:
        entry_id = await uow.audit.append(at=services.now(), action="test.action", entity="person", entity_id=1,
                                          actor_telegram_id=100002, actor_name="周小舟", after={"x": 1})
        await uow.commit()
    return entry_id


async def test_updating_an_audit_row_is_refused_by_the_database(services: Services) -> None:
    entry_id = await _one_entry(services)
    async with services.db.uow() as uow:
        with pytest.raises(DATABASE_ERRORS, match="append-only"):
            await uow.conn.execute("UPDATE audit SET actor_name = '别人' WHERE id = ?", (entry_id,))
    async with services.db.uow() as uow:
        [entry] = await uow.audit.list(action_prefix="test.")
    assert entry.actor_name == "周小舟"


async def test_deleting_an_audit_row_is_refused_by_the_database(services: Services) -> None:
    await _one_entry(services)
    async with services.db.uow() as uow:
        with pytest.raises(DATABASE_ERRORS, match="append-only"):
            await uow.conn.execute("DELETE FROM audit")
    async with services.db.uow() as uow:
        assert len(await uow.audit.list(action_prefix="test.")) == 1
