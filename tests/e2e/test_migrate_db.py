"""Moving a contract from SQLite to PostgreSQL with the real `run_bot.py migrate-db` process (issue #18.6).

The SQLite database holds a generated stretch of the contract year (bench/generate_year.py, small) plus what the
bot itself wrote through chat: group check-ins, a ticket, an urgent request acknowledged and arrived (its ticket
rated), a daily log, a payment, a deduction, with their audit, outbox and processed-update rows. After the move
the bot started on the PostgreSQL URL answers /score exactly as it did on SQLite, and numbers new records after
the copied ones.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.generate_year import generate_year
from bench.harness import bench_config
from bot.services.clock import FakeClock
from config.sample import write_toml
from config.settings import Settings, settings_from_dict
from storage.db import open_database
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, started_bot

ROOT = Path(__file__).parents[2]
MONDAY = datetime(2023, 1, 16, 9, 0, tzinfo=SHANGHAI)  # the generated year stops the Friday before
pytestmark = pytest.mark.slow


def migrate_db(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run_bot.py", "migrate-db", "--config", str(config), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)


def settings_on(raw: dict[str, Any], location: str | Path) -> Settings:
    return settings_from_dict({**raw, "storage": {**raw["storage"], "db": str(location)}}, apply_env=False)


async def chat_on_sqlite(settings: Settings) -> str:
    """Real records made through the bot; returns the lead's /score answer."""
    async with started_bot(settings, FakeClock(MONDAY)) as bot:
        await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
        await bot.chat.send(ENGINEER, "/checkin", chat_id=GROUP)
        await bot.chat.send(LEAD, "/checkin", chat_id=GROUP)
        await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法打印制卡凭证", chat_id=GROUP)
        await bot.chat.send(CLIENT_CONTACT, "/urgent 养老保险系统报错")  # its ticket is the newest
        await bot.chat.send(LEAD, "/ack")
        await bot.chat.send(LEAD, "/arrived")
        await bot.chat.send(ENGINEER, "/daily 巡检社保卡系统、统一经办门户，运行正常")
        await bot.chat.send(CLIENT_CONTACT, "/paid 首付款 2022-02-10")
        await bot.chat.send(SUPERVISOR, "/deduct 响应度 1 2023-01-16 未按时回复")
        await bot.run_timers()
        [score] = await bot.chat.send(LEAD, "/score")
        return score.text


async def score_and_next_ticket(settings: Settings) -> tuple[str, str]:
    async with started_bot(settings, FakeClock(MONDAY)) as bot:
        [score] = await bot.chat.send(LEAD, "/score")
        sent = await bot.chat.send(CLIENT_CONTACT, "/ticket 公服网办大厅个人参保证明下载失败", chat_id=GROUP)
        return score.text, next(m.text for m in sent if m.chat_id == GROUP)


def counts_in(output: str) -> dict[str, tuple[int, int]]:
    rows = re.findall(r"^(\w+)\s+(\d+)\s+(\d+)\s*$", output, re.MULTILINE)
    return {table: (int(a), int(b)) for table, a, b in rows}


async def test_a_sqlite_contract_moves_to_postgresql_and_scores_the_same(tmp_path: Path, pg_database: str) -> None:
    db = tmp_path / "contract.db"
    raw = bench_config(db, engineers=1)
    raw["reports"] = {"monthly": False}
    config = write_toml(raw, tmp_path / "bot.toml")
    await generate_year(db, 3, tickets=60, urgent=8, until=date(2023, 1, 13))
    score_on_sqlite = await chat_on_sqlite(settings_on(raw, db))
    with closing(sqlite3.connect(db)) as conn:
        [(last_ticket,)] = conn.execute("SELECT MAX(id) FROM tickets").fetchall()

    done = migrate_db(config, "--to", pg_database)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    counts = counts_in(done.stdout)
    for table in ("tickets", "urgent_requests", "attendance_days", "daily_logs", "payments", "score_deductions",
                  "audit", "outbox", "processed_updates", "chats", "people"):
        sqlite_rows, postgres_rows = counts[table]
        assert sqlite_rows > 0 and postgres_rows == sqlite_rows, (table, counts[table])
    assert "DIFFERENT" not in done.stdout
    assert "identical on both sides" in done.stdout and "总分" in done.stdout
    assert "OK: set storage.db" in done.stdout

    # the bot on PostgreSQL: the same /score, and the next ticket numbered after the copied ones
    score_on_postgres, created = await score_and_next_ticket(settings_on(raw, pg_database))
    assert score_on_postgres == score_on_sqlite
    assert f"已登记工单 #{last_ticket + 1}" in created

    # a second run refuses the target, which now holds the contract (one clear line, nothing changed)
    with psycopg.connect(pg_database) as conn:
        tickets_before = conn.execute("SELECT COUNT(*) FROM tickets").fetchone()
    again = migrate_db(config, "--to", pg_database)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.count("\n") == 1 and "already holds data" in again.stderr
    with psycopg.connect(pg_database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone() == tickets_before


async def test_a_bad_target_gets_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "contract.db"
    config = write_toml(bench_config(db), tmp_path / "bot.toml")
    await (await open_database(db, "bench-2022")).close()
    not_a_url = migrate_db(config, "--to", str(tmp_path / "other.db"))
    assert not_a_url.returncode == 2 and not_a_url.stderr.count("\n") == 1
    assert "--to must be a PostgreSQL URL" in not_a_url.stderr
    no_source = migrate_db(config, "--to", "postgresql://maintbot@127.0.0.1:9/x", "--from", str(tmp_path / "no.db"))
    assert no_source.returncode == 1 and "no such database file" in no_source.stderr
    unreachable = migrate_db(config, "--from", str(db), "--to", "postgresql://maintbot:s3cret@127.0.0.1:9/maintbot")
    assert unreachable.returncode == 1 and unreachable.stderr.count("\n") == 1
    assert unreachable.stderr.startswith("error: cannot connect to postgresql://maintbot:***@127.0.0.1:9/maintbot")
    assert "s3cret" not in unreachable.stderr and "Traceback" not in unreachable.stderr


async def test_a_failed_copy_leaves_the_target_empty(tmp_path: Path, pg_database: str) -> None:
    db = tmp_path / "contract.db"
    config = write_toml(bench_config(db, engineers=1), tmp_path / "bot.toml")
    await generate_year(db, 3, tickets=20, urgent=4, until=date(2022, 6, 30))
    with closing(sqlite3.connect(db)) as conn:  # a time no one can read, in a table copied after many others
        conn.execute("UPDATE urgent_requests SET raised_at = 'soon' WHERE id = (SELECT MAX(id) FROM urgent_requests)")
        conn.commit()
    failed = migrate_db(config, "--to", pg_database)
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1, failed.stderr
    assert "urgent_requests" in failed.stderr and "Traceback" not in failed.stderr
    with psycopg.connect(pg_database) as conn:
        tables = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    assert tables == (0,)  # not even the schema: the migrations were in the same transaction
    with closing(sqlite3.connect(db)) as conn:  # once fixed, the same target takes the copy
        conn.execute("UPDATE urgent_requests SET raised_at = '2022-06-01T01:00:00Z' WHERE raised_at = 'soon'")
        conn.commit()
    assert migrate_db(config, "--to", pg_database).returncode == 0
