"""Database maintenance with SQLite's own tools: online backup with verification, CSV export, purge.

Synchronous sqlite3 on a separate connection (the backup API and VACUUM need one); the daily backup timer
and its notifications live in bot/services/datalife.py.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storage.dialect import is_postgres
from storage.timecodec import to_db

if TYPE_CHECKING:
    from config.settings import Settings

log = logging.getLogger(__name__)


class BackupError(Exception):
    """The copy could not be made or failed its verification (the partial file is removed)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    tables: dict[str, int]
    integrity: str
    size_bytes: int
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise BackupError(f"{path}: no such database file")
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def user_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in user_tables(conn)}


def backup_database(db_path: Path, out_path: Path) -> BackupReport:
    """Copy the live database to `out_path` and verify the copy; never overwrites an existing file."""
    started = time.monotonic()
    db_path, out_path = Path(db_path), Path(out_path)
    if out_path.exists():
        raise BackupError(f"{out_path}: already exists; choose another file")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".part")
    partial.unlink(missing_ok=True)
    src = _connect(db_path)
    try:
        src.execute("BEGIN")  # one read snapshot for the counts and the copy
        expected = row_counts(src)
        dst = sqlite3.connect(str(partial))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal/-shm beside it
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()
    try:
        integrity, actual = verify_copy(partial)
        if integrity != "ok":
            raise BackupError(f"{out_path}: integrity check failed: {integrity}")
        if actual != expected:
            diff = {t: (expected.get(t), actual.get(t)) for t in set(expected) | set(actual)
                    if expected.get(t) != actual.get(t)}
            raise BackupError(f"{out_path}: row counts differ (expected, copied): {diff}")
        partial.rename(out_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(out_path, actual, integrity, out_path.stat().st_size, time.monotonic() - started)


def verify_copy(path: Path) -> tuple[str, dict[str, int]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        return "; ".join(rows), row_counts(conn)
    finally:
        conn.close()


def backup_dir(settings: Settings, db_path: Path | str) -> Path:
    """`storage.backup_dir`; a relative one lives next to the database file (on PostgreSQL, which has no file
    here: in the working directory)."""
    configured = Path(settings.storage.backup_dir)
    if configured.is_absolute():
        return configured
    if is_postgres(db_path):
        return Path.cwd() / configured
    return Path(db_path).resolve().parent / configured


# A SQLite backup is a database file; a PostgreSQL one is pg_dump's custom format (restored with pg_restore).
BACKUP_SUFFIXES = (".db", ".dump")


def auto_backup_name(contract_id: str, local_moment: datetime, *, postgres: bool = False) -> str:
    suffix = BACKUP_SUFFIXES[1] if postgres else BACKUP_SUFFIXES[0]
    return f"maintbot-{contract_id}-{local_moment.strftime('%Y%m%d-%H%M%S')}{suffix}"


def backup_any(location: Path | str, out_path: Path) -> BackupReport:
    """A verified backup of the database at `location`: the SQLite file copied, or a PostgreSQL URL dumped."""
    if is_postgres(location):
        return backup_postgres(str(location), out_path)
    return backup_database(Path(location), out_path)


PG_DUMP_MISSING = ("pg_dump not found: install PostgreSQL's client tools, of the server's major version or newer "
                   "(Debian/Ubuntu: apt-get install postgresql-client), or back up with your database service's own "
                   "snapshots")


def backup_postgres(url: str, out_path: Path) -> BackupReport:
    """`pg_dump --format=custom` of the database at `url` into `out_path`, from one snapshot that the reported row
    counts were read from as well; verified by `pg_restore --list` (the archive is readable and holds every
    table's data) before it is renamed into place. Never overwrites an existing file."""
    import psycopg

    started = time.monotonic()
    out_path = Path(out_path)
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise BackupError(PG_DUMP_MISSING)
    if out_path.exists():
        raise BackupError(f"{out_path}: already exists; choose another file")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=15) as conn:
            # one exported snapshot: the counts below and pg_dump's copy describe the same moment
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            tables = [str(r[0]) for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                " AND table_type = 'BASE TABLE' ORDER BY table_name")]
            counts = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0])  # type: ignore[index]
                      for t in tables}
            target, env = _without_password(url)
            done = subprocess.run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}",
                                   f"--dbname={target}"], capture_output=True, text=True, timeout=3600, env=env)
            conn.execute("COMMIT")
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {_last_line(done.stderr)}")
        listed = subprocess.run([pg_restore, "--list", str(partial)], capture_output=True, text=True, timeout=600)
        if listed.returncode != 0:
            raise BackupError(f"{out_path}: pg_restore cannot read the dump: {_last_line(listed.stderr)}")
        with_data = set(re.findall(r"\bTABLE DATA \S+ (\S+) ", listed.stdout))
        missing = sorted(set(tables) - with_data)
        if missing:
            raise BackupError(f"{out_path}: the dump holds no data for {', '.join(missing)}")
        partial.rename(out_path)
    except psycopg.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot read the database: {_last_line(str(exc))}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(out_path, counts, "pg_restore --list ok", out_path.stat().st_size,
                        time.monotonic() - started)


def _without_password(url: str) -> tuple[str, dict[str, str]]:
    """The connection string without its password (which goes in PGPASSWORD, not on a command line `ps` shows)."""
    import os

    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in params.items()}), env


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def prune_backups(directory: Path, contract_id: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups of this contract (SQLite copies and PostgreSQL dumps
    alike, ordered by the time in their name); returns what was deleted."""
    files = sorted(f for f in Path(directory).glob(f"maintbot-{contract_id}-*") if f.suffix in BACKUP_SUFFIXES)
    doomed = files[:-keep] if keep > 0 else files
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# -- export ------------------------------------------------------------------------------------------------------
def export_csv(db_path: Path, out_dir: Path) -> dict[str, int]:
    """One CSV per table (UTF-8 with BOM, so spreadsheet programs read Chinese), header row first."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = _connect(Path(db_path))
    written: dict[str, int] = {}
    try:
        conn.execute("BEGIN")
        for table in user_tables(conn):
            cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            with (out_dir / f"{table}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow([c[0] for c in cur.description])
                count = 0
                for row in cur:
                    writer.writerow(row)
                    count += 1
            written[table] = count
        conn.execute("COMMIT")
    finally:
        conn.close()
    return written


# -- purge ---------------------------------------------------------------------------------------------------
@dataclass
class PurgeReport:
    contract_id: str
    deleted: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    anonymised: int = 0
    skipped: list[str] = field(default_factory=list)  # tables without contract_id (schema bookkeeping)

    @property
    def total_deleted(self) -> int:
        return sum(self.deleted.values())


def _has_contract_column(conn: sqlite3.Connection, table: str) -> bool:
    return any(r[1] == "contract_id" for r in conn.execute(f'PRAGMA table_info("{table}")'))


def attachment_files(db_path: Path, contract_id: str | None = None) -> list[Path]:
    """Local copies of photos and files kept with records (`attachments.local_path`), of one contract or all."""
    conn = _connect(Path(db_path))
    try:
        if "attachments" not in user_tables(conn):
            return []
        rows = conn.execute("SELECT local_path FROM attachments WHERE local_path IS NOT NULL"
                            " AND (? IS NULL OR contract_id = ?) ORDER BY id", (contract_id, contract_id))
        return [Path(r[0]) for r in rows]
    finally:
        conn.close()


def purge_preview(db_path: Path, contract_id: str) -> dict[str, int]:
    """Rows of this contract per table (what purge would touch)."""
    conn = _connect(Path(db_path))
    try:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}" WHERE contract_id = ?', (contract_id,)).fetchone()[0]
                for t in user_tables(conn) if _has_contract_column(conn, t)}
    finally:
        conn.close()


def purge_contract(db_path: Path, contract_id: str, keep_tables: list[str], now: datetime) -> PurgeReport:
    """Delete the contract's data (see the module docstring); all or nothing."""
    report = PurgeReport(contract_id)
    keep = set(keep_tables)
    conn = _connect(Path(db_path))
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN IMMEDIATE")
        try:
            triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                                    " AND tbl_name = 'audit'").fetchall()
            for name, _ in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            for table in user_tables(conn):
                if not _has_contract_column(conn, table):
                    report.skipped.append(table)
                    continue
                if table == "audit" and "audit" in keep:
                    report.anonymised = conn.execute(
                        "UPDATE audit SET actor_telegram_id = NULL, actor_name = NULL, entity_id = NULL,"
                        " before = NULL, after = NULL WHERE contract_id = ?", (contract_id,)).rowcount
                elif table in keep:
                    report.kept[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}" WHERE contract_id = ?',
                                                      (contract_id,)).fetchone()[0]
                else:
                    report.deleted[table] = conn.execute(f'DELETE FROM "{table}" WHERE contract_id = ?',
                                                         (contract_id,)).rowcount
            summary = {"deleted": report.deleted, "kept": sorted(report.kept), "anonymised_audit": report.anonymised}
            conn.execute("INSERT INTO audit (contract_id, at, actor_name, action, entity, entity_id, after)"
                         " VALUES (?,?,?,?,?,?,?)",
                         (contract_id, to_db(now), "run_bot.py purge", "data.purge", "contract", contract_id,
                          json.dumps(summary, ensure_ascii=False, sort_keys=True)))
            for _, sql in triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return report


# -- the daily backup timer -------------------------------------------------------------------------------------
