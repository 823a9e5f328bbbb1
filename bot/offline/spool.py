"""Offline spool mode (`run_bot.py --offline-spool DIR`): the real bot, polling a Telegram made of files.

For crash tests: a test appends updates to `DIR/updates.jsonl` (one update JSON per line), the bot polls
them with python-telegram-bot's real Updater, and every message it sends is appended to `DIR/sent.jsonl`
(flushed and fsynced before Telegram's "ok" is returned, so a line there is a message the user saw).
getUpdates honours offsets like Telegram: an update is returned again until a getUpdates with a higher
offset confirms it, and the confirmed offset is kept in `DIR/offset`, so a restarted process receives the
unconfirmed ones again. Optional `DIR/clock_offset` (seconds, float) shifts the bot's clock, so a test can
pin the contract's working day while time still runs (and keeps running across restarts).

Fault switches for tests: `DIR/flood_limits` (JSON, `{}` for Telegram's defaults) makes the fake enforce
Telegram's flood limits with 429s; `DIR/db_fault` containing `full` or `readonly` makes the bot's database
unwritable (see `watch_db_fault_switch`; tests run as root, where chmod does not stop writes), and
`DIR/db_state` says which state the bot has applied.

Start-up and shutdown follow `Application.run_polling` step by step (initialise, post_init, start polling,
start; on SIGTERM/SIGINT: stop polling, stop, post_stop — the outbox flush —, shutdown, post_shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.offline.fake_telegram import FakeBotAPI, FloodLimits
from bot.services.clock import Clock, SystemClock
from bot.state import app_state
from bot.transports.telegram.polling import serve, stop_on_signals
from config.settings import Settings

log = logging.getLogger(__name__)

POLL_STEP = 0.05
MAX_LONG_POLL = 0.5


class OffsetClock:
    """The system clock shifted by a fixed number of seconds (real speed, survives restarts)."""

    def __init__(self, offset_seconds: float) -> None:
        self.offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class SpoolBotAPI(FakeBotAPI):
    """FakeBotAPI whose updates come from DIR/updates.jsonl and whose sent messages go to DIR/sent.jsonl."""

    def __init__(self, spool_dir: Path) -> None:
        limits_path = spool_dir / "flood_limits"
        limits = FloodLimits.from_dict(json.loads(limits_path.read_text(encoding="utf-8") or "{}")) \
            if limits_path.exists() else None
        super().__init__(flood_limits=limits)
        self.dir = spool_dir
        self.updates_path = spool_dir / "updates.jsonl"
        self.offset_path = spool_dir / "offset"
        self.sent_path = spool_dir / "sent.jsonl"
        self._sent = self.sent_path.open("a", encoding="utf-8")
        self._poll_lock = (spool_dir / "getUpdates.lock").open("a", encoding="utf-8")

    def _claim_poller(self) -> bool:
        """Across processes too: a second process polling the same spool gets 409 Conflict, like Telegram. Each
        getUpdates answered is noted in DIR/polls.jsonl and each 409 in DIR/conflicts.jsonl (pid, time), so a
        test of several replicas sees who polled when."""
        if not super()._claim_poller():
            self._note("conflicts.jsonl")
            return False
        try:
            fcntl.flock(self._poll_lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            super()._release_poller()
            self._note("conflicts.jsonl")
            return False
        self._note("polls.jsonl")
        return True

    def _note(self, name: str) -> None:
        with (self.dir / name).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"pid": os.getpid(), "at": time.time()}) + "\n")

    def _release_poller(self) -> None:
        fcntl.flock(self._poll_lock.fileno(), fcntl.LOCK_UN)
        super()._release_poller()

    async def shutdown(self) -> None:
        return None  # PTB shuts the request down twice (bot and updater); the file stays open until exit

    def confirmed_offset(self) -> int:
        try:
            return int(self.offset_path.read_text(encoding="utf-8").strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _confirm(self, offset: int) -> None:
        if offset <= self.confirmed_offset():
            return
        tmp = self.offset_path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(str(offset))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.offset_path)

    def _pending_updates(self, offset: int, limit: int) -> list[dict[str, Any]]:
        try:
            text = self.updates_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # the writer is still appending this line
            if line.strip():
                update = json.loads(line)
                if update["update_id"] >= offset:
                    found.append(update)
        return found[:limit]

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # type: ignore[override]
        requested = int(params.get("offset") or 0)
        self._confirm(requested)
        offset = max(requested, self.confirmed_offset())
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        while True:
            updates = self._pending_updates(offset, limit)
            if updates or time.monotonic() >= deadline:
                return updates
            await asyncio.sleep(POLL_STEP)

    def _record(self, chat_id: int, text: str, markup: Any, method: str,
                message_id: int | None = None) -> dict[str, Any]:
        payload = super()._record(chat_id, text, markup, method, message_id)
        line = json.dumps({"chat_id": chat_id, "message_id": payload["message_id"], "method": method, "text": text,
                           "buttons": self.sent[-1].buttons, "at": time.time(), "pid": os.getpid()},
                          ensure_ascii=False)
        self._sent.write(line + "\n")
        self._sent.flush()
        os.fsync(self._sent.fileno())
        return payload


DISK_FULL = "database or disk is full"  # what SQLite reports when a write hits ENOSPC


def _fail_commits_when(conn: Any, full: Callable[[], bool]) -> None:
    """While `full()`, every COMMIT on `conn` fails as on a full disk (the transaction is rolled back)."""
    original = conn.execute

    async def failing_commit() -> None:
        await original("ROLLBACK")
        raise sqlite3.OperationalError(DISK_FULL)

    def execute(sql: str, parameters: Any = None) -> Any:
        if sql == "COMMIT" and full():
            return failing_commit()
        return original(sql, parameters)

    conn.execute = execute


async def watch_db_fault_switch(app: Any, spool_dir: Path, stop: asyncio.Event) -> None:
    """Apply `DIR/db_fault` to the bot's database connection and report the applied state in `DIR/db_state`:
    `readonly` (PRAGMA query_only: SQLite's own "attempt to write a readonly database", as with a read-only
    file) or `full` (every commit fails with "database or disk is full", as on ENOSPC; reads and sends go on)."""
    switch, state_path = spool_dir / "db_fault", spool_dir / "db_state"
    applied: str | None = None
    state = {"fault": "writable"}
    while not stop.is_set():
        services = app_state(app).services
        wanted = switch.read_text(encoding="utf-8").strip() if switch.exists() else "writable"
        if services is not None and wanted != applied:
            db = services.db
            if applied is None:
                _fail_commits_when(db.conn, lambda: state["fault"] == "full")
            async with db._lock:
                await db.conn.execute(f"PRAGMA query_only = {int(wanted == 'readonly')}")
            state["fault"] = wanted
            applied = wanted
            state_path.write_text(wanted, encoding="utf-8")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.1)


ROOT = Path(__file__).resolve().parents[2]


def launch(config_path: Path, spool_dir: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """Start `run_bot.py --config CONFIG --offline-spool DIR` as a process of its own (the crash tests and the
    fault benchmark drive it through DIR), without the caller's MAINTBOT_* variables; its output is appended to
    `log_path`. It writes DIR/ready once it polls."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    (spool_dir / "ready").unlink(missing_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "run_bot.py", "--config", str(config_path), "--offline-spool", str(spool_dir)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def spool_clock(spool_dir: Path) -> Clock:
    path = spool_dir / "clock_offset"
    if path.exists():
        return OffsetClock(float(path.read_text(encoding="utf-8").strip()))
    return SystemClock()


async def run_spool(settings: Settings, spool_dir: Path) -> None:
    """Run the bot on the spool until SIGTERM or SIGINT (then stop gracefully, as run_polling would)."""
    from bot.app import build_application

    spool_dir.mkdir(parents=True, exist_ok=True)
    api = SpoolBotAPI(spool_dir)
    app = build_application(settings, request=api, clock=spool_clock(spool_dir))
    stop = asyncio.Event()
    stop_on_signals(stop)

    def ready() -> None:
        (spool_dir / "ready").write_text(str(os.getpid()), encoding="utf-8")
        log.info("offline spool running in %s", spool_dir)

    switch = asyncio.create_task(watch_db_fault_switch(app, spool_dir, stop))
    try:
        await serve(app, stop, bootstrap_retries=0, poll_timeout=1.0, ready=ready)
    finally:
        switch.cancel()
        with contextlib.suppress(Exception):
            api._sent.close()
