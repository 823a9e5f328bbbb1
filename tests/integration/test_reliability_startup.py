"""A damaged database stops the start-up with one clear line; liveness and redelivery bookkeeping."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.services import health
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.startup_errors import describe_startup_error
from config.settings import Settings
from storage.db import DatabaseDamaged, open_database
from storage.migrate import SchemaTooNew
from storage.reliability import ReliabilityRepository

ROOT = Path(__file__).parents[2]
T0 = datetime(2022, 10, 10, 1, 0, tzinfo=UTC)


async def corrupt_middle_pages(settings: Settings) -> None:
    """A real database whose inner pages were overwritten (a bad disk block, a half-copied file)."""
    db = await open_database(settings.storage.db, settings.contract.id)
    async with db.uow() as uow:
        for n in range(400):
            await uow.audit.append(at=T0, action="test.fill", entity="x", entity_id=n, after={"pad": "记录" * 40})
        await uow.commit()
    await db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    await db.close()
    size = settings.storage.db.stat().st_size
    with settings.storage.db.open("r+b") as handle:
        for page in range(3, size // 4096, 3):
            handle.seek(page * 4096 + 8)
            handle.write(os.urandom(200))


@pytest.mark.sqlite_only
async def test_a_file_that_is_not_a_database_is_named_with_what_to_do(settings: Settings) -> None:
    settings.storage.db.write_bytes(b"maintbot? no, a holiday photo " * 200)
    with pytest.raises(sqlite3.DatabaseError) as caught:
        await open_database(settings.storage.db, settings.contract.id)
    line = describe_startup_error(caught.value, settings)
    assert line is not None and "\n" not in line
    assert str(settings.storage.db) in line and "已损坏" in line and "backups" in line


@pytest.mark.sqlite_only
async def test_damaged_pages_fail_the_integrity_check_with_a_clear_line(settings: Settings) -> None:
    await corrupt_middle_pages(settings)
    with pytest.raises((sqlite3.DatabaseError, DatabaseDamaged)) as caught:
        await open_database(settings.storage.db, settings.contract.id)
    line = describe_startup_error(caught.value, settings)
    assert line is not None and line.startswith(f"数据库文件 {settings.storage.db} 已损坏")


def test_other_start_up_problems_get_their_own_line_and_strangers_none(settings: Settings) -> None:
    too_new = describe_startup_error(SchemaTooNew("schema version 99"), settings)
    assert too_new is not None and "更新版本" in too_new
    locked = describe_startup_error(sqlite3.OperationalError("unable to open database file"), settings)
    assert locked is not None and "无法打开" in locked
    assert describe_startup_error(ValueError("a bug"), settings) is None


def test_run_bot_refuses_a_damaged_database_without_a_traceback(tmp_path: Path) -> None:
    db = tmp_path / "damaged.db"
    db.write_bytes(b"\x00garbage" * 500)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}, "MAINTBOT_DB": str(db)}
    result = subprocess.run([sys.executable, "run_bot.py", "--config", "config/maintbot.example.toml",
                             "--offline-spool", str(tmp_path / "spool")], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(db) in result.stderr and len(result.stderr.strip().splitlines()) == 1


# -- bookkeeping --------------------------------------------------------------------------------------------

async def test_update_ids_are_forgotten_after_the_redelivery_window(services: Services, clock: FakeClock) -> None:
    await health.mark_processed(services, 41, "a")
    assert await health.already_processed(services, 41, "a")
    assert not await health.already_processed(services, 41, "b")  # same id, other content: a new update
    clock.advance(timedelta(days=3))
    await health.alive_tick(services)
    assert not await health.already_processed(services, 41, "a")


async def test_a_first_start_and_a_short_gap_are_not_downtime(services: Services, clock: FakeClock) -> None:
    assert await health.detect_downtime(services) is None  # never alive before
    await health.alive_tick(services)
    clock.advance(timedelta(minutes=2))
    services = replace(services, started_at=clock.now())  # a restart: Services are never changed in place
    assert await health.detect_downtime(services) is None  # shorter than downtime_notice_after (3 min)
    clock.advance(timedelta(minutes=2))
    services = replace(services, started_at=clock.now())  # a restart: Services are never changed in place
    downtime = await health.detect_downtime(services)
    assert downtime is not None and downtime.duration == timedelta(minutes=4) and not downtime.clean_stop
    async with services.db.uow() as uow:
        assert await uow.repo(ReliabilityRepository).get("clean_stop") == "0"  # type: ignore[attr-defined]
