"""Intake faults that live in the real process (`run_bot.py`), driven over files and loopback (issue 14):
a database locked by another process, a second instance, 409 Conflict, SIGTERM during start-up retries,
the token in the logs at -v."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import CLIENT_CONTACT
from tests.e2e.test_crash_restart import Spool

BUSY = "数据库正忙"


def tickets_opened(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit WHERE action = 'tickets.open'").fetchone()[0]


@pytest.mark.slow
def test_a_ticket_sent_while_another_process_locks_the_database_is_stored_once_after_the_lock(
        tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.start()
    try:
        locker = sqlite3.connect(spool.db, isolation_level=None, timeout=30)
        locker.execute("BEGIN IMMEDIATE")  # another process's long write (a backup, a migration, a stuck script)
        spool.send(CLIENT_CONTACT, "/ticket 打印机无法连接")
        to_sender = lambda: [m["text"] for m in spool.sent() if m["chat_id"] == CLIENT_CONTACT]  # noqa: E731
        spool.wait_for(lambda: any(BUSY in text for text in to_sender()), "the please-wait answer", timeout=20)
        asked_at = time.monotonic()
        time.sleep(max(0.0, 7 - (time.monotonic() - asked_at)))  # long enough for the retry to fail again
        locker.execute("ROLLBACK")
        locker.close()
        spool.wait_for(lambda: any(text.startswith("✅ 已登记") for text in to_sender()), "the ticket", timeout=30)
        texts = to_sender()
        assert sum(BUSY in text for text in texts) == 1  # asked to wait once, though it was tried again
        assert "打印机无法连接" in texts[0]
        assert not any("出了问题" in text for text in texts)
        assert tickets_opened(spool.db) == 1
    finally:
        if spool.process is not None:
            assert spool.kill(signal.SIGTERM) == 0
