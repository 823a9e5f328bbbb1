"""Backups, export and purge on a real database file, through the run_bot.py subcommands and the daily timer."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.main import main
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.services.schedule import run_all_due
from config.settings import EXAMPLE_CONFIG_PATH
from storage.maintenance import BackupError, backup_database
from tests.conftest import SHANGHAI

pytestmark = pytest.mark.sqlite_only  # the SQLite file: backup, export, purge


@pytest.fixture
def config_dict(config_dict: dict[str, Any]) -> dict[str, Any]:
    config_dict["storage"]["backup_keep"] = 2
    return config_dict


def _config_file(tmp_path: Path, db: Path, keep_tables: str = "[]") -> str:
    """The example configuration pointed at the test database."""
    text = EXAMPLE_CONFIG_PATH.read_text(encoding="utf-8")
    text = text.replace('db = "maintbot.db"', f'db = "{db.as_posix()}"')
    text = text.replace('id = "cz-2022"', 'id = "test-2022"')
    text = text.replace("keep_tables = []", f"keep_tables = {keep_tables}")
    path = tmp_path / "maintbot.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _some_history(services: Services) -> None:
    async with services.db.uow() as uow:
        for i in range(3):
            await uow.audit.append(at=services.now(), action="test.entry", entity="person", entity_id=2,
                                   actor_telegram_id=100002, actor_name="周小舟", after={"i": i})
        await uow.outbox.add(chat_id=100002, text="你好，周小舟", kind="test", now=services.now())
        await uow.commit()


def _count(db: Path, sql: str, params: tuple = ()) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


async def test_backup_of_the_live_database_is_verified_and_complete(services: Services, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    await _some_history(services)
    db = Path(services.db.path)
    out = tmp_path / "copy.db"
    assert main(["--config", _config_file(tmp_path, db), "backup", "--out", str(out)]) == 0  # bot still open
    printed = capsys.readouterr().out
    assert printed.startswith("OK: ") and "integrity ok" in printed
    assert _count(out, "SELECT COUNT(*) FROM people WHERE name = '周小舟'") == 1
    assert _count(out, "SELECT COUNT(*) FROM audit") == _count(db, "SELECT COUNT(*) FROM audit")
    assert not list(tmp_path.glob("*.part"))
    assert main(["--config", _config_file(tmp_path, db), "backup", "--out", str(out)]) == 1  # never overwrites
    assert "already exists" in capsys.readouterr().err


def test_backup_of_a_missing_database_fails_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no such database"):
        backup_database(tmp_path / "missing.db", tmp_path / "out.db")
    assert not (tmp_path / "out.db").exists()


async def test_daily_backup_runs_at_backup_time_and_keeps_the_newest(services: Services, clock: FakeClock,
                                                                     tmp_path: Path) -> None:
    backups = tmp_path / "backups"  # relative backup_dir: next to the database file
    await run_all_due(services, clock.now())
    assert not backups.exists()  # 09:00 on the first day: 02:30 had passed before the bot started
    for day in (11, 12, 13):
        clock.set(datetime(2022, 10, day, 2, 29, tzinfo=SHANGHAI))
        await run_all_due(services, clock.now())
        clock.set(datetime(2022, 10, day, 2, 30, tzinfo=SHANGHAI))
        await run_all_due(services, clock.now())
        await run_all_due(services, clock.now() + timedelta(hours=3))
    names = sorted(p.name for p in backups.glob("*.db"))
    assert names == ["maintbot-test-2022-20221012-023000.db", "maintbot-test-2022-20221013-023000.db"]
    async with services.db.uow() as uow:
        made = await uow.audit.list(action_prefix="data.backup")
    assert len(made) == 3 and made[-1].after["pruned"] == ["maintbot-test-2022-20221011-023000.db"]


async def test_export_writes_a_csv_per_table(services: Services, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    await _some_history(services)
    out = tmp_path / "export"
    assert main(["--config", _config_file(tmp_path, Path(services.db.path)), "export", "--out", str(out)]) == 0
    files = {p.name for p in out.glob("*.csv")}
    assert {"people.csv", "audit.csv", "outbox.csv", "duty_incidents.csv"} <= files
    with (out / "people.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"林海", "周小舟"} <= {r["name"] for r in rows} and "telegram_id" in rows[0]
    assert "people.csv: 7 rows" in capsys.readouterr().out


async def test_purge_needs_the_typed_contract_id(services: Services, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    await _some_history(services)
    db = Path(services.db.path)
    await services.db.close()
    monkeypatch.setattr("builtins.input", lambda prompt: "cz-2022")
    assert main(["--config", _config_file(tmp_path, db), "purge", "--contract", "test-2022"]) == 1
    assert _count(db, "SELECT COUNT(*) FROM people") == 7  # nothing changed
    monkeypatch.setattr("builtins.input", lambda prompt: "test-2022")
    assert main(["--config", _config_file(tmp_path, db), "purge", "--contract", "test-2022"]) == 0
    assert _count(db, "SELECT COUNT(*) FROM people") == 0


async def test_purge_deletes_the_contracts_personal_data_and_keeps_the_audit_triggers(
        services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    await _some_history(services)
    db = Path(services.db.path)
    await services.db.close()
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO people (contract_id, name, telegram_id, roles, created_at)"
                 " VALUES ('other-2023', '别的项目', 1, 'engineer', '2022-10-10T01:00:00Z')")
    conn.commit()
    conn.close()
    config = _config_file(tmp_path, db)
    assert main(["--config", config, "purge", "--contract", "test-2022", "--yes-i-am-sure", "test-2022"]) == 0
    assert "rows deleted" in capsys.readouterr().out
    for table in ("people", "outbox", "duty_marks"):
        assert _count(db, f"SELECT COUNT(*) FROM {table} WHERE contract_id = 'test-2022'") == 0, table
    assert _count(db, "SELECT COUNT(*) FROM people WHERE contract_id = 'other-2023'") == 1  # other contracts stay
    conn = sqlite3.connect(db)
    try:
        [(action, actor, after)] = conn.execute(
            "SELECT action, actor_name, after FROM audit WHERE contract_id = 'test-2022'").fetchall()
        assert action == "data.purge" and actor == "run_bot.py purge" and "周小舟" not in after
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit SET action = 'x'")
    finally:
        conn.close()
    assert b"\xe5\x91\xa8\xe5\xb0\x8f\xe8\x88\x9f" not in db.read_bytes()  # 周小舟 is gone from the file itself


async def test_purge_keeps_an_anonymised_audit_when_configured(services: Services, tmp_path: Path) -> None:
    await _some_history(services)
    db = Path(services.db.path)
    await services.db.close()
    config = _config_file(tmp_path, db, keep_tables='["audit"]')
    before = _count(db, "SELECT COUNT(*) FROM audit WHERE contract_id = 'test-2022'")
    assert main(["--config", config, "purge", "--contract", "test-2022", "--yes-i-am-sure", "test-2022"]) == 0
    assert _count(db, "SELECT COUNT(*) FROM audit WHERE contract_id = 'test-2022'") == before + 1
    assert _count(db, "SELECT COUNT(*) FROM audit WHERE action = 'test.entry' AND actor_name IS NULL"
                      " AND actor_telegram_id IS NULL AND after IS NULL") == 3
    assert _count(db, "SELECT COUNT(*) FROM people") == 0
