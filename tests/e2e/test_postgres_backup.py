"""Backups on PostgreSQL (issue #18.6): `run_bot.py backup` runs pg_dump, the restore the README gives brings the
contract back with the same /score, and the daily backup is made once a day however many replicas run."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.services.clock import FakeClock
from bot.services.container import open_services
from bot.services.datalife import daily_backup
from config.sample import write_toml
from config.settings import Settings, settings_from_dict
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, _fresh_database, base_config
from tests.conftest import started_bot as start_bot

ROOT = Path(__file__).parents[2]
MONDAY = datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI)


def run_bot(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run_bot.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env=env)


def on(raw: dict[str, Any], url: str) -> Settings:
    return settings_from_dict({**raw, "storage": {**raw["storage"], "db": url}}, apply_env=False)


@pytest.fixture
def second_database(pg_server: str) -> Iterator[str]:
    with _fresh_database(pg_server) as url:
        yield url


@pytest.mark.slow
async def test_a_postgresql_backup_restores_to_the_same_score(tmp_path: Path, pg_database: str,
                                                               second_database: str) -> None:
    raw = base_config(tmp_path / "unused.db")
    raw["storage"]["backup_dir"] = str(tmp_path / "backups")
    config = write_toml({**raw, "storage": {**raw["storage"], "db": pg_database}}, tmp_path / "bot.toml")
    async with start_bot(on(raw, pg_database), FakeClock(MONDAY)) as bot:
        await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
        await bot.chat.send(ENGINEER, "/checkin", chat_id=GROUP)
        await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法打印制卡凭证", chat_id=GROUP)
        await bot.chat.send(CLIENT_CONTACT, "/urgent 养老保险系统报错")
        await bot.chat.send(LEAD, "/ack")
        [before] = await bot.chat.send(LEAD, "/score")
        [tickets_before] = await bot.chat.send(LEAD, "/tickets")

    made = run_bot("backup", "--config", str(config))
    assert made.returncode == 0, made.stderr
    [dump] = (tmp_path / "backups").glob("maintbot-test-2022-*.dump")
    assert made.stdout.startswith(f"OK: {dump}") and "pg_restore --clean --if-exists" in made.stdout

    # the restore the README gives, into a new empty database
    restored = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", second_database,
                               str(dump)], capture_output=True, text=True, timeout=180)
    assert restored.returncode == 0, restored.stderr
    async with start_bot(on(raw, second_database), FakeClock(MONDAY)) as bot:
        [after] = await bot.chat.send(LEAD, "/score")
        [tickets_after] = await bot.chat.send(LEAD, "/tickets")
    assert after.text == before.text and "总分" in after.text
    assert tickets_after.text == tickets_before.text and "社保卡系统无法打印制卡凭证" in tickets_after.text


@pytest.mark.slow
async def test_two_replicas_make_one_daily_backup_and_keep_the_newest(tmp_path: Path, pg_database: str) -> None:
    raw = base_config(tmp_path / "unused.db")
    raw["storage"].update(backup_dir=str(tmp_path / "backups"), backup_keep=2)
    settings = on(raw, pg_database)
    clock = FakeClock(datetime(2022, 10, 10, 9, 0, tzinfo=SHANGHAI))
    async with open_services(settings, clock) as first, open_services(settings, clock) as second:
        for day in (11, 12, 13):
            clock.set(datetime(2022, 10, day, 2, 30, tzinfo=SHANGHAI))
            reports = await asyncio.gather(daily_backup(first, clock.now()), daily_backup(second, clock.now()))
            assert len([r for r in reports if r is not None]) == 1
        async with first.db.uow() as uow:
            made = await uow.audit.list(action_prefix="data.backup")
    names = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert names == ["maintbot-test-2022-20221012-023000.dump", "maintbot-test-2022-20221013-023000.dump"]
    assert [a.action for a in made] == ["data.backup"] * 3
    assert made[-1].after["pruned"] == ["maintbot-test-2022-20221011-023000.dump"]


def test_without_pg_dump_the_backup_says_what_to_install(tmp_path: Path) -> None:
    raw = base_config(tmp_path / "unused.db")
    config = write_toml({**raw, "storage": {**raw["storage"], "db": "postgresql://maintbot@127.0.0.1:9/maintbot"}},
                        tmp_path / "bot.toml")
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    made = run_bot("backup", "--config", str(config), env={"PATH": str(empty_path), "HOME": str(tmp_path)})
    assert made.returncode == 1 and made.stdout == ""
    assert made.stderr.count("\n") == 1 and made.stderr.startswith("error: pg_dump not found")
    assert "apt-get install postgresql-client" in made.stderr
    assert not (tmp_path / "backups").exists() and not list(tmp_path.glob("**/*.dump*"))
