"""Triggers and chat keys on the backend under test (PostgreSQL in .ci/run's second pass, SQLite otherwise).

The trigger texts are of the kinds the migrations hold (an AFTER trigger with date() modifiers, UPDATE OF with a WHEN
comparing values with IS NOT, a refusing BEFORE trigger): on PostgreSQL they go through storage/dialect.py, on SQLite
they run as written, and both must behave alike."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.services.clock import FakeClock
from bot.services.container import Services
from storage.dialect import postgres_ddl
from storage.migrate import _split_statements

SCRIPT = """CREATE TABLE slices (id INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE TABLE events (id INTEGER PRIMARY KEY, due_at TEXT, status TEXT NOT NULL DEFAULT 'open', note TEXT);
CREATE TABLE marks (event_id INTEGER NOT NULL, note TEXT NOT NULL, UNIQUE (event_id, note));
CREATE TRIGGER events_drop_slices AFTER INSERT ON events
BEGIN
    DELETE FROM slices WHERE day >= date(NEW.due_at, '-1 day') AND day <= date(NEW.due_at, '+1 day');
END;
CREATE TRIGGER events_status_changed AFTER UPDATE OF status ON events
WHEN NEW.status IS NOT OLD.status
BEGIN
    INSERT OR IGNORE INTO marks (event_id, note) VALUES (NEW.id, OLD.status || '>' || NEW.status);
END;
CREATE TRIGGER events_closed_stay BEFORE UPDATE OF note ON events
WHEN OLD.status IS 'closed'
BEGIN
    SELECT RAISE(ABORT, 'closed events are kept as they were');
END;
"""


@pytest.fixture
def live(tmp_path: Path, postgres_url: str | None) -> Iterator[Any]:
    """A DB-API connection to a fresh database of the backend under test, with SCRIPT applied."""
    if postgres_url is None:
        conn: Any = sqlite3.connect(tmp_path / "triggers.db", isolation_level=None)
        conn.executescript(SCRIPT)
        yield conn
        conn.close()
        return
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as pg:
        for statement in _split_statements(SCRIPT, backend="postgresql"):
            for translated in postgres_ddl(statement):
                pg.execute(translated.encode())
        yield pg


def _run(conn: Any, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if not isinstance(conn, sqlite3.Connection):
        sql = sql.replace("?", "%s")
    cur = conn.execute(sql, params)
    return list(cur.fetchall()) if cur.description else []


def test_an_after_insert_trigger_with_date_modifiers_drops_the_neighbouring_days(live: Any) -> None:
    for day in ("2022-10-08", "2022-10-09", "2022-10-10", "2022-10-11", "2022-10-12"):
        _run(live, "INSERT INTO slices (day) VALUES (?)", (day,))
    _run(live, "INSERT INTO events (due_at) VALUES (?)", ("2022-10-10T06:00:00Z",))
    assert [r[0] for r in _run(live, "SELECT day FROM slices ORDER BY day")] == ["2022-10-08", "2022-10-12"]


def test_update_of_with_when_fires_only_on_a_real_change_and_ignores_a_repeat(live: Any) -> None:
    _run(live, "INSERT INTO events (due_at) VALUES (NULL)")
    _run(live, "UPDATE events SET status = 'open'")  # same value: WHEN … IS NOT … is false
    _run(live, "UPDATE events SET note = 'x'")  # not a column the trigger watches
    _run(live, "UPDATE events SET status = 'closed'")
    _run(live, "UPDATE events SET status = 'open'")
    _run(live, "UPDATE events SET status = 'closed'")  # the same mark again: INSERT OR IGNORE keeps one
    assert _run(live, "SELECT note FROM marks ORDER BY note") == [("closed>open",), ("open>closed",)]


def test_a_refusing_before_trigger_refuses_only_what_its_when_names(live: Any) -> None:
    _run(live, "INSERT INTO events (due_at, status) VALUES (NULL, 'closed')")
    _run(live, "INSERT INTO events (due_at, status) VALUES (NULL, 'open')")
    with pytest.raises(Exception, match="closed events are kept as they were"):
        _run(live, "UPDATE events SET note = 'changed' WHERE status = 'closed'")
    _run(live, "UPDATE events SET note = 'changed' WHERE status = 'open'")
    assert _run(live, "SELECT status, note FROM events ORDER BY id") == [("closed", None), ("open", "changed")]


async def test_dingtalk_and_telegram_chat_keys_share_the_outbox_and_the_chats(services: Services,
                                                                             clock: FakeClock) -> None:
    async with services.db.uow() as uow:
        await uow.outbox.add(chat_id="user:staff-0042", text="ding", kind="test", now=clock.now(),
                             platform="dingtalk")
        await uow.outbox.add(chat_id=-100777, text="tele", kind="test", now=clock.now())
        assert await uow.chats.bind_group(-100777, "site group", 1, clock.now())
        await uow.commit()
    later = clock.now() + timedelta(minutes=1)
    async with services.db.uow() as uow:
        due = await uow.outbox.due(later)
        assert [(m.chat_id, m.text, m.platform) for m in due] == [("user:staff-0042", "ding", "dingtalk"),
                                                                  (-100777, "tele", "telegram")]
        assert [m.text for m in await uow.outbox.due(later, exclude_chats=["user:staff-0042"])] == ["tele"]
        assert await uow.outbox.urgent_due("user:staff-0042", later) is False
        assert await uow.chats.group_ids() == [-100777]
        assert await uow.chats.is_bound(-100777) and not await uow.chats.is_bound("group:conv-0001")
