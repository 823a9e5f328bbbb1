"""Shared fixtures: made-up settings, a fake clock, the real Application on the offline fake Bot API."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application, running
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI, SentMessage
from bot.services.clock import FakeClock
from bot.services.container import Services, open_services
from bot.state import app_state
from config.sample import (  # made-up people (not real Telegram users), shared with the benchmarks
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SECOND_LINE,
    STRANGER,
    SUPERVISOR,
    VENDOR_CONTACT,
    sample_config,
)
from config.settings import Settings, settings_from_dict

SHANGHAI = ZoneInfo("Asia/Shanghai")

__all__ = ["ADMIN", "CLIENT_CONTACT", "ENGINEER", "GROUP", "LEAD", "SECOND_LINE", "STRANGER", "SUPERVISOR",
           "VENDOR_CONTACT"]


def base_config(db_path: Path) -> dict[str, Any]:
    raw = sample_config(db_path)
    # The automatic monthly report is off here: at the default fake time (Mon 2022-10-10) September's
    # report (due Sat 8 Oct, a working day) would go out at every start-up; its own tests turn it on.
    raw["reports"] = {"monthly": False}
    return raw


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    return base_config(tmp_path / "maintbot-test.db")


# MAINTBOT_TEST_DB=postgresql://user@host:port/db runs the tests that use the `settings` fixture (so `services` and
# `bot` too) on PostgreSQL: each test gets a database of its own on that server, dropped afterwards. Unset: SQLite.
# .ci/run sets it for its PostgreSQL pass (a server it starts itself); it is never skipped there.
TEST_SERVER = os.environ.get("MAINTBOT_TEST_DB", "")


@pytest.fixture
def postgres_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test when MAINTBOT_TEST_DB names a server, else None."""
    if not TEST_SERVER:
        yield None
        return
    with _fresh_database(TEST_SERVER) as url:
        yield url


@contextmanager
def _fresh_database(server: str) -> Iterator[str]:
    """A new database on `server` (a URL naming its maintenance database), dropped on the way out."""
    import psycopg

    name = f"maintbot_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start_own_server(folder: Path) -> str:
    """A throwaway cluster from this machine's PostgreSQL binaries (`.ci/postgres`), for the tests that need a
    server even in the SQLite pass (two replicas, migrate-db). In CI a missing server fails the test, never skips
    it (like the browser tests); elsewhere the skip says what to install."""
    import shutil
    import socket
    import subprocess

    script = Path(__file__).resolve().parents[1] / ".ci" / "postgres"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if shutil.which("runuser") is None and os.getuid() == 0:
        reason = "PostgreSQL cannot run as root without runuser"
    else:
        done = subprocess.run(["bash", str(script), "start", str(folder), str(port)], capture_output=True, text=True,
                              timeout=120)
        if done.returncode == 0:
            return done.stdout.strip()
        reason = f"no PostgreSQL server could start here (apt-get install postgresql): {done.stderr.strip()}"
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server's maintenance database: MAINTBOT_TEST_DB when set, else a throwaway cluster
    started for this session (stopped and removed at its end). Use `pg_database` for a database of one's own on it.
    Its data directory is a temp dir of its own, not under pytest's basetemp: another pytest session on the machine
    prunes old basetemps and would delete a running cluster."""
    if TEST_SERVER:
        yield TEST_SERVER
        return
    import shutil
    import subprocess
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="maintbot-test-pg-"))
    os.chmod(folder, 0o777)  # the server runs as the `postgres` user when the tests run as root
    try:
        url = _start_own_server(folder)
        yield url
        script = Path(__file__).resolve().parents[1] / ".ci" / "postgres"
        subprocess.run(["bash", str(script), "stop", str(folder)], capture_output=True, timeout=120)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on `pg_server` for this test, dropped afterwards."""
    with _fresh_database(pg_server) as url:
        yield url


@pytest.fixture
def settings(config_dict: dict[str, Any], postgres_url: str | None) -> Settings:
    if postgres_url is not None:
        # Files the SQLite run keeps next to the database (media, backups) stay in the test's directory here too
        # (on PostgreSQL a relative directory would be the working directory's).
        folder = Path(config_dict["storage"]["db"]).parent
        media = {**config_dict.get("media", {})}
        media["dir"] = str(folder / media.get("dir", "files"))
        storage = {**config_dict.get("storage", {}), "db": postgres_url}
        storage["backup_dir"] = str(folder / storage.get("backup_dir", "backups"))
        config_dict = {**config_dict, "storage": storage, "media": media}
    return settings_from_dict(config_dict, apply_env=False)


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2022-10-10 09:00 in Changzhou (the first full week after National Day)."""
    return FakeClock(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))


@pytest.fixture
async def services(settings: Settings, clock: FakeClock) -> AsyncIterator[Services]:
    """Services on a migrated temporary database, without Telegram (for service and integration tests)."""
    async with open_services(settings, clock) as svc:
        yield svc


@dataclass
class Harness:
    """The running bot as a test sees it."""

    app: Any
    api: FakeBotAPI
    chat: ChatDriver
    clock: FakeClock

    @property
    def services(self) -> Services:
        return app_state(self.app).running_services()

    async def run_timers(self) -> None:
        """Run every due sweep at the fake clock's time, then deliver the outbox."""
        from bot.services.schedule import run_all_due

        deployment = app_state(self.app).deployment
        for services in deployment.all() if deployment is not None else [self.services]:
            await run_all_due(services, self.clock.now())
        await self.chat.flush()

    def to(self, chat_id: int) -> list[SentMessage]:
        return self.api.messages_to(chat_id)


@asynccontextmanager
async def started_bot(settings: Settings, clock: FakeClock, api: FakeBotAPI | None = None) -> AsyncIterator[Harness]:
    """The real Application on the offline fake Bot API (`api`, a fresh one by default), started: the one way
    the tests and the benchmarks start a bot in-process."""
    api = api or FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    async with running(app):
        yield Harness(app, api, ChatDriver(app, api), clock)


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with started_bot(settings, clock) as harness:
        yield harness
