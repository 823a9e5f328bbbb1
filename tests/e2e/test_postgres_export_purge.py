"""`run_bot.py export` and `run_bot.py purge` on PostgreSQL (issue #18): the same CSV files as from the SQLite file
the database was copied from, and the same purge of one contract of a deployment, in one transaction.

Export: a generated stretch of the contract year plus records made through the bot on SQLite, copied to
PostgreSQL with the real `migrate-db`; both exported with the real `export` process: every CSV file is the same,
byte for byte (schema_version: the same versions; its times are when each database was migrated).
Purge: two contracts in one PostgreSQL database; beta purged: its rows go as on SQLite, alpha's /score stays,
the audit still refuses changes afterwards; a purge PostgreSQL refuses changes nothing.
"""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import psycopg
import pytest

from bench.generate_year import generate_year
from bench.harness import bench_config
from bot.services.clock import FakeClock
from config.sample import write_toml
from tests.e2e.test_contracts_cli import deduct_in_beta, run
from tests.e2e.test_many_contracts import write_deployment
from tests.e2e.test_migrate_db import chat_on_sqlite, migrate_db, settings_on

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.slow


def export(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "run_bot.py", "export", "--config", str(config), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


async def test_export_from_postgresql_gives_the_same_files_as_from_sqlite(tmp_path: Path, pg_database: str) -> None:
    db = tmp_path / "contract.db"
    raw = bench_config(db, engineers=1)
    raw["reports"] = {"monthly": False}
    await generate_year(db, 3, tickets=40, urgent=6, until=date(2022, 12, 30))
    await chat_on_sqlite(settings_on(raw, db))
    photo = tmp_path / "media" / "1-机房照片.jpg"  # a local copy kept with a ticket (as [media] keeps one)
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8 not really a jpeg")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("INSERT INTO attachments (id, contract_id, record_type, record_id, kind, platform,"
                     " platform_file_id, name, local_path, person_id, chat_id, created_at)"
                     " VALUES (1, 'bench-2022', 'ticket', 1, 'photo', 'telegram', 'AgAD-made-up', '机房照片.jpg', ?,"
                     " 1, '-1001234567890', '2022-10-10T01:00:00Z')", (str(photo),))
        conn.commit()
    sqlite_config = write_toml(raw, tmp_path / "sqlite.toml")
    moved = migrate_db(sqlite_config, "--to", pg_database)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    postgres_config = write_toml({**raw, "storage": {**raw["storage"], "db": pg_database}}, tmp_path / "pg.toml")

    from_sqlite = export(sqlite_config, tmp_path / "from-sqlite")
    from_postgres = export(postgres_config, tmp_path / "from-postgres")
    assert from_sqlite.returncode == 0, from_sqlite.stderr
    assert from_postgres.returncode == 0 and from_postgres.stderr == "", from_postgres.stderr
    # the same tables with the same row counts (the last line names the directory)
    assert from_postgres.stdout.splitlines()[:-1] == from_sqlite.stdout.splitlines()[:-1]

    files = sorted(p.name for p in (tmp_path / "from-sqlite").glob("*.csv"))
    assert files == sorted(p.name for p in (tmp_path / "from-postgres").glob("*.csv"))
    assert {"tickets.csv", "urgent_requests.csv", "audit.csv", "chats.csv", "outbox.csv"} <= set(files)
    for name in files:
        sqlite_bytes = (tmp_path / "from-sqlite" / name).read_bytes()
        postgres_bytes = (tmp_path / "from-postgres" / name).read_bytes()
        assert postgres_bytes.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheet programs
        if name == "schema_version.csv":  # when each database was migrated differs; the versions do not
            versions = [[row[0]] for row in read_csv(tmp_path / "from-sqlite" / name)]
            assert versions == [[row[0]] for row in read_csv(tmp_path / "from-postgres" / name)]
            continue
        assert postgres_bytes == sqlite_bytes, name

    for side in ("from-sqlite", "from-postgres"):  # the local copies of photos and files, as today
        assert (tmp_path / side / "attachments" / photo.name).read_bytes() == photo.read_bytes()
    assert "attachments/: 1 files" in from_postgres.stdout
    tickets = read_csv(tmp_path / "from-postgres" / "tickets.csv")
    created = tickets[0].index("created_at")
    assert len(tickets) > 40 and all(row[created].endswith("Z") and "T" in row[created] for row in tickets[1:])
    assert "社保卡系统无法打印制卡凭证" in (tmp_path / "from-postgres" / "tickets.csv").read_text("utf-8-sig")
    chats = read_csv(tmp_path / "from-postgres" / "chats.csv")
    assert any(value.startswith("-100") and value.lstrip("-").isdigit() for row in chats[1:] for value in row)


def beta_rows(url: str) -> dict[str, int]:
    """Rows of beta-2022 per table that holds any, read straight from PostgreSQL."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND column_name = 'contract_id' ORDER BY table_name")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}" WHERE contract_id = %s',  # type: ignore[index]
                                  ("beta-2022",)).fetchone()[0] for t in tables}
    return {t: n for t, n in counts.items() if n}


def audit_refuses_changes(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute("UPDATE audit SET actor_name = 'x'")
        except psycopg.Error:
            return True
    return False


def purge_beta_on(location: str, folder: Path, clock: FakeClock,
                  capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Beta's deduction made through the bot, then `purge --contract beta-2022`; (purge's report, alpha's score)."""
    config = write_deployment(folder, location)
    asyncio.run(deduct_in_beta(config, clock))
    code, alpha_before, err = run(capsys, "--config", str(config), "--contract", "alpha-2022", "score")
    assert code == 0, err
    code, out, err = run(capsys, "--config", str(config), "--contract", "beta-2022", "purge",
                         "--yes-i-am-sure", "beta-2022")
    assert code == 0 and "Traceback" not in err, err
    code, alpha_after, err = run(capsys, "--config", str(config), "--contract", "alpha-2022", "score")
    assert code == 0 and alpha_after == alpha_before, err  # the other contract's record is untouched
    return out.split("\n", 1)[1], alpha_after  # without the "Database …" line


def test_purge_of_one_contract_on_postgresql_deletes_its_rows_as_on_sqlite(
        tmp_path: Path, pg_database: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    on_sqlite, _ = purge_beta_on(str(tmp_path / "deployment.db"), tmp_path / "sqlite", clock, capsys)
    on_postgres, _ = purge_beta_on(pg_database, tmp_path / "pg", FakeClock(clock.now()), capsys)
    assert on_postgres == on_sqlite  # the same preview and the same counts deleted
    assert "score_deductions: 1 rows → DELETE" in on_postgres and "people: 4 rows → DELETE" in on_postgres
    assert "OK: 15 rows deleted from 40 tables." in on_postgres
    assert beta_rows(pg_database) == {"audit": 1}  # only the purge's own record
    with psycopg.connect(pg_database, autocommit=True) as conn:
        assert conn.execute("SELECT action FROM audit WHERE contract_id = 'beta-2022'").fetchall() == [("data.purge",)]
        before = conn.execute("SELECT contract_id, COUNT(*) FROM people GROUP BY contract_id").fetchall()
    assert before == [("alpha-2022", before[0][1])] and before[0][1] > 0
    assert audit_refuses_changes(pg_database)  # the triggers are back on


def test_a_purge_postgresql_refuses_changes_nothing_and_keeps_the_audit_locked(
        tmp_path: Path, pg_database: str, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_deployment(tmp_path / "config", pg_database)
    beta = config / "contracts" / "beta.toml"  # keeping the identities while their people go: a foreign key says no
    beta.write_text(beta.read_text("utf-8") + '\n[data]\nkeep_tables = ["audit", "person_identities"]\n', "utf-8")
    asyncio.run(deduct_in_beta(config, clock))
    rows = beta_rows(pg_database)
    assert rows["person_identities"] > 0 and rows["score_deductions"] == 1
    code, _, err = run(capsys, "--config", str(config), "--contract", "beta-2022", "purge",
                       "--yes-i-am-sure", "beta-2022")
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: PostgreSQL refused the purge (nothing was changed):") and "person_identities" in err
    assert beta_rows(pg_database) == rows  # not one row deleted, no audit row anonymised
    assert audit_refuses_changes(pg_database)

    # keeping the audit alone: it stays, anonymised in place (the audit refuses UPDATE, except inside the purge)
    beta.write_text(beta.read_text("utf-8").replace('"audit", "person_identities"', '"audit"'), "utf-8")
    code, out, err = run(capsys, "--config", str(config), "--contract", "beta-2022", "purge",
                         "--yes-i-am-sure", "beta-2022")
    assert code == 0, err
    assert f"audit: {rows['audit']} rows → anonymise" in out and f"{rows['audit']} audit rows anonymised" in out
    assert beta_rows(pg_database) == {"audit": rows["audit"] + 1}  # and the purge's own record
    with psycopg.connect(pg_database, autocommit=True) as conn:
        named = conn.execute("SELECT COUNT(*) FROM audit WHERE contract_id = 'beta-2022' AND action <> 'data.purge'"
                             " AND (actor_name IS NOT NULL OR entity_id IS NOT NULL OR after IS NOT NULL)").fetchone()
    assert named == (0,)
    assert audit_refuses_changes(pg_database)


async def test_export_and_purge_name_an_unreachable_server_in_one_line(tmp_path: Path) -> None:
    raw = bench_config(tmp_path / "unused.db")
    config = write_toml({**raw, "storage": {**raw["storage"], "db": "postgresql://maintbot:s3cret@127.0.0.1:9/x"}},
                        tmp_path / "bot.toml")
    done = export(config, tmp_path / "out")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: cannot connect to postgresql://maintbot:***@127.0.0.1:9/x")
    assert "s3cret" not in done.stderr
    purged = subprocess.run([sys.executable, "run_bot.py", "--config", str(config), "--contract", "bench-2022", "purge",
                             "--yes-i-am-sure", "bench-2022"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert purged.returncode == 1 and purged.stderr.count("\n") == 1 and "Traceback" not in purged.stderr
    assert purged.stderr.startswith("error: cannot connect to postgresql://maintbot:***@127.0.0.1:9/x")
