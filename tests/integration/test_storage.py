"""Storage: migrations one by one on an empty database, schema version guard, audit is append-only."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from storage.db import Database, DatabaseDamaged, open_database
from storage.migrate import SchemaTooNew, apply_migrations, available_migrations, current_version


async def test_migrations_apply_one_by_one_on_an_empty_database(tmp_path: Path) -> None:
    """Stairway: each migration applies on top of the previous ones, in order."""
    conn = await aiosqlite.connect(str(tmp_path / "stairs.db"), isolation_level=None)
    try:
        for migration in available_migrations():
            assert await apply_migrations(conn, upto=migration.version) == migration.version
            assert await current_version(conn) == migration.version
    finally:
        await conn.close()


async def test_every_table_carries_the_contract_id(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "c.db", "c1")
    try:
        async with db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'"
                                   " AND name NOT IN ('schema_version') AND name NOT LIKE 'sqlite_%'") as cur:
            tables = [r[0] for r in await cur.fetchall()]
        for table in tables:
            async with db.conn.execute(f"PRAGMA table_info({table})") as cur:
                columns = {r[1] for r in await cur.fetchall()}
            assert "contract_id" in columns, table
    finally:
        await db.close()


async def test_database_newer_than_code_refuses_to_start(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = await open_database(path, "c1")
    await db.conn.execute("INSERT INTO schema_version(version, name) VALUES (999, 'from_the_future')")
    await db.close()
    with pytest.raises(SchemaTooNew, match="newer than this maintbot"):
        await open_database(path, "c1")


async def test_damaged_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises((DatabaseDamaged, sqlite3.DatabaseError)):
        await open_database(path, "c1")


async def test_audit_rows_cannot_be_changed_or_deleted(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "a.db", "c1")
    try:
        async with db.uow() as uow:
            await uow.audit.append(at=datetime(2022, 10, 1, tzinfo=UTC), action="x.y", entity="thing", entity_id=1,
                                   after={"v": 1})
            await uow.commit()
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.conn.execute("UPDATE audit SET action = 'tampered'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            await db.conn.execute("DELETE FROM audit")
        async with db.uow() as uow:
            [entry] = await uow.audit.list()
        assert entry.action == "x.y" and entry.after == {"v": 1}
    finally:
        await db.close()


async def test_unit_of_work_rolls_back_unless_committed(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "u.db", "c1")
    try:
        async with db.uow() as uow:
            await uow.audit.append(at=datetime(2022, 10, 1, tzinfo=UTC), action="not.committed", entity="t")
        with pytest.raises(RuntimeError):
            async with db.uow() as uow:
                await uow.audit.append(at=datetime(2022, 10, 1, tzinfo=UTC), action="crashed", entity="t")
                raise RuntimeError("boom")
        async with db.uow() as uow:
            assert await uow.audit.list() == []
    finally:
        await db.close()


async def test_a_read_only_unit_of_work_reads_but_cannot_commit(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "r.db", "c1")
    try:
        async with db.uow() as uow:
            await uow.audit.append(at=datetime(2022, 10, 1, tzinfo=UTC), action="x.y", entity="t")
            await uow.commit()
        async with db.uow(read_only=True) as uow:
            assert [e.action for e in await uow.audit.list()] == ["x.y"]
            with pytest.raises(RuntimeError, match="read-only"):
                await uow.commit()
    finally:
        await db.close()


async def _actions(db: Database) -> list[str]:
    async with db.uow(read_only=True) as uow:
        return [entry.action for entry in await uow.audit.list()]


async def test_a_nested_unit_of_work_joins_the_outer_transaction(tmp_path: Path) -> None:
    """One service calls another inside its transaction: nothing is durable until the outer commit."""
    db = await open_database(tmp_path / "n.db", "c1")
    at = datetime(2022, 10, 1, tzinfo=UTC)
    try:
        async with db.uow() as outer:
            await outer.audit.append(at=at, action="outer.first", entity="t")
            async with db.uow() as inner:
                assert inner is outer
                await inner.audit.append(at=at, action="inner.kept", entity="t")
                await inner.commit()
            async with db.uow() as inner:
                await inner.audit.append(at=at, action="inner.not_committed", entity="t")
            assert await _actions(db) == ["outer.first", "inner.kept"]  # same transaction sees its own rows
        assert await _actions(db) == []  # the outer block never committed: nothing of either is kept
        async with db.uow() as outer:
            async with db.uow() as inner:
                await inner.audit.append(at=at, action="inner.kept", entity="t")
                await inner.commit()
            await outer.commit()
        assert await _actions(db) == ["inner.kept"]
    finally:
        await db.close()


async def test_after_commit_effects_run_once_after_the_outer_commit_and_never_after_a_rollback(
        tmp_path: Path) -> None:
    db = await open_database(tmp_path / "c.db", "c1")
    pokes: list[str] = []
    try:
        async with db.uow() as outer:
            async with db.uow() as inner:
                inner.on_commit(lambda: pokes.append("timers"))
                await inner.commit()
            assert pokes == []  # the inner commit is not durable yet
            await outer.commit()
        assert pokes == ["timers"]
        with pytest.raises(RuntimeError):
            async with db.uow() as uow:
                uow.on_commit(lambda: pokes.append("never"))
                raise RuntimeError("boom")
        async with db.uow() as uow:
            uow.on_commit(lambda: pokes.append("never"))
        assert pokes == ["timers"]
    finally:
        await db.close()


async def test_another_task_does_not_join_a_transaction_it_did_not_open(tmp_path: Path) -> None:
    """A task started inside a unit of work waits for the lock instead of writing into a foreign transaction."""
    db = await open_database(tmp_path / "t.db", "c1")
    at = datetime(2022, 10, 1, tzinfo=UTC)

    async def background() -> None:
        async with db.uow() as uow:
            await uow.audit.append(at=at, action="background", entity="t")
            await uow.commit()

    try:
        async with db.uow():
            task = asyncio.create_task(background())
            await asyncio.sleep(0.05)
            assert not task.done()  # waiting for the outer transaction's lock, not joined to it
        await task
        assert await _actions(db) == ["background"]
    finally:
        await db.close()


def test_migration_scripts_split_on_complete_statements() -> None:
    from storage.migrate import _split_statements

    script = """-- a comment line
CREATE TABLE t (a TEXT);   -- trailing comment; with a semicolon
ALTER TABLE t ADD COLUMN b TEXT; -- another
CREATE TRIGGER t_guard BEFORE DELETE ON t
BEGIN
    SELECT RAISE(ABORT, 'no; never');
END;
"""
    statements = _split_statements(script)
    assert len(statements) == 3
    assert statements[0].startswith("CREATE TABLE t") and statements[2].startswith("CREATE TRIGGER")
