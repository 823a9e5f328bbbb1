"""Database maintenance: online backup with verification, CSV export, purge, on SQLite or PostgreSQL.

Synchronous sqlite3 on a separate connection (the backup API and VACUUM need one), or psycopg on PostgreSQL
(pg_dump for backups); the daily backup timer and its notifications live in bot/services/datalife.py.
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.dialect import is_postgres
from storage.timecodec import to_db
from storage.transfer import _first_line, redact

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
# Rows in the same order on both backends: by the integer id where a table has one, else by the primary key's (or,
# without one, the whole row's) CSV text, sorted here, so SQLite's integer chat ids and PostgreSQL's text ones agree.
def _sort_key(row: list[str], key_positions: list[int]) -> tuple[str, ...]:
    return tuple(row[i] for i in key_positions) + tuple(row)


def _write_csv(path: Path, columns: list[str], rows: Any, key: list[str] | None) -> int:
    """`rows` as CSV text (None → empty), sorted by the columns `key` when given (already in order otherwise)."""
    texts: Iterator[list[str]] = ([_csv_text(v) for v in row] for row in rows)
    if key is not None:
        positions = [columns.index(c) for c in key]
        texts = iter(sorted(texts, key=lambda row: _sort_key(row, positions)))
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in texts:
            writer.writerow(row)
            count += 1
    return count


def _csv_text(value: object) -> str:
    """A value as the CSV shows it on either backend: times as stored on SQLite (UTC text), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_db(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_csv(location: Path | str, out_dir: Path) -> dict[str, int]:
    """One CSV per table (UTF-8 with BOM, so spreadsheet programs read Chinese), header row first, read from one
    snapshot; the SQLite file or the PostgreSQL database at `location` (the same files from either)."""
    if is_postgres(location):
        return _export_postgres(str(location), Path(out_dir))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    conn = _connect(Path(location))
    written: dict[str, int] = {}
    try:
        conn.execute("BEGIN")
        for table in user_tables(conn):
            info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
            columns = [r[1] for r in info]
            key = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]]
            if key == ["id"]:
                cur = conn.execute(f'SELECT * FROM "{table}" ORDER BY id')
                written[table] = _write_csv(out_dir / f"{table}.csv", columns, cur, None)
            else:
                cur = conn.execute(f'SELECT * FROM "{table}"')
                written[table] = _write_csv(out_dir / f"{table}.csv", columns, cur, key or columns)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return written


def _export_postgres(url: str, out_dir: Path) -> dict[str, int]:
    import psycopg

    written: dict[str, int] = {}
    try:
        with _postgres(url) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")  # one snapshot for every file
            out_dir.mkdir(parents=True, exist_ok=True)
            for table, columns in _postgres_columns(conn).items():
                key = _postgres_primary_key(conn, table)
                names = ", ".join(f'"{c}"' for c in columns)
                if key == ["id"]:
                    with conn.cursor(name=f"export_{table}") as cur:  # server-side: a big table streams
                        cur.execute(f'SELECT {names} FROM "{table}" ORDER BY id')
                        written[table] = _write_csv(out_dir / f"{table}.csv", columns, cur, None)
                else:
                    rows = conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
                    written[table] = _write_csv(out_dir / f"{table}.csv", columns, rows, key or columns)
            conn.execute("COMMIT")
    except psycopg.Error as exc:
        raise BackupError(f"cannot read the database {redact(url)}: {_first_line(exc)}") from None
    return written


def _postgres_columns(conn: Any) -> dict[str, list[str]]:
    """Each base table of the schema (sorted by name, as SQLite lists them) with its columns in order."""
    rows = conn.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c"
        " JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'"
        " ORDER BY c.table_name, c.ordinal_position").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(str(table), []).append(str(column))
    return {t: columns[t] for t in sorted(columns)}


def _postgres_primary_key(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true"
        " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
        " WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY k.n", (f'"{table}"',)).fetchall()
    return [str(r[0]) for r in rows]


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


def attachment_files(location: Path | str, contract_id: str | None = None) -> list[Path]:
    """Local copies of photos and files kept with records (`attachments.local_path`), of one contract or all."""
    sql = ("SELECT local_path FROM attachments WHERE local_path IS NOT NULL"
           " AND (? IS NULL OR contract_id = ?) ORDER BY id")
    if is_postgres(location):
        with _postgres(str(location)) as pg:
            if "attachments" not in _postgres_columns(pg):
                return []
            rows = pg.execute(sql.replace("?", "%s").replace("%s IS NULL", "%s::text IS NULL"),
                              (contract_id, contract_id)).fetchall()
            return [Path(r[0]) for r in rows]
    conn = _connect(Path(location))
    try:
        if "attachments" not in user_tables(conn):
            return []
        return [Path(r[0]) for r in conn.execute(sql, (contract_id, contract_id))]
    finally:
        conn.close()


def purge_preview(location: Path | str, contract_id: str) -> dict[str, int]:
    """Rows of this contract per table (what purge would touch)."""
    if is_postgres(location):
        with _postgres(str(location)) as pg:
            return {t: int(pg.execute(f'SELECT COUNT(*) FROM "{t}" WHERE contract_id = %s', (contract_id,))
                           .fetchone()[0])
                    for t, columns in _postgres_columns(pg).items() if "contract_id" in columns}
    conn = _connect(Path(location))
    try:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}" WHERE contract_id = ?', (contract_id,)).fetchone()[0]
                for t in user_tables(conn) if _has_contract_column(conn, t)}
    finally:
        conn.close()


def purge_contract(location: Path | str, contract_id: str, keep_tables: list[str], now: datetime) -> PurgeReport:
    """Delete the contract's data (see bot/cli/purge.py); all or nothing, then VACUUM."""
    if is_postgres(location):
        return _purge_postgres(str(location), contract_id, keep_tables, now)
    report = PurgeReport(contract_id)
    keep = set(keep_tables)
    conn = _connect(Path(location))
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
                    report.anonymised = conn.execute(_ANONYMISE_AUDIT, (contract_id,)).rowcount
                elif table in keep:
                    report.kept[table] = conn.execute(f'SELECT COUNT(*) FROM "{table}" WHERE contract_id = ?',
                                                      (contract_id,)).fetchone()[0]
                else:
                    report.deleted[table] = conn.execute(f'DELETE FROM "{table}" WHERE contract_id = ?',
                                                         (contract_id,)).rowcount
            conn.execute(_PURGE_AUDIT, _purge_audit_row(report, to_db(now)))
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


_ANONYMISE_AUDIT = ("UPDATE audit SET actor_telegram_id = NULL, actor_name = NULL, entity_id = NULL,"
                    " before = NULL, after = NULL WHERE contract_id = ?")
_PURGE_AUDIT = ("INSERT INTO audit (contract_id, at, actor_name, action, entity, entity_id, after)"
                " VALUES (?,?,?,?,?,?,?)")
_PURGE_ACTOR, _PURGE_ACTION = "run_bot.py purge", "data.purge"


def _purge_audit_row(report: PurgeReport, at: object) -> tuple[object, ...]:
    summary = {"deleted": report.deleted, "kept": sorted(report.kept), "anonymised_audit": report.anonymised}
    return (report.contract_id, at, _PURGE_ACTOR, _PURGE_ACTION, "contract", report.contract_id,
            json.dumps(summary, ensure_ascii=False, sort_keys=True))


def _purge_postgres(url: str, contract_id: str, keep_tables: list[str], now: datetime) -> PurgeReport:
    """The same purge in one PostgreSQL transaction: the audit table's own triggers (which refuse UPDATE and DELETE)
    are disabled inside it only (ALTER TABLE is transactional: a rollback or a crash leaves them on); rows deleted
    children first, so the foreign keys stay checked; then VACUUM (ANALYZE) of the touched tables outside it."""
    import psycopg

    report = PurgeReport(contract_id)
    keep = set(keep_tables)
    try:
        with _postgres(url) as conn:
            conn.execute("BEGIN")
            try:
                conn.execute("ALTER TABLE audit DISABLE TRIGGER USER")  # undone by ROLLBACK too
                tables = _postgres_columns(conn)
                report.skipped = [t for t, columns in tables.items() if "contract_id" not in columns]
                ours = [t for t, columns in tables.items() if "contract_id" in columns]
                deleted: dict[str, int] = {}
                for table in reversed(_postgres_parents_first(conn, ours)):
                    if table == "audit" and "audit" in keep:
                        report.anonymised = conn.execute(_ANONYMISE_AUDIT.replace("?", "%s"),
                                                         (contract_id,)).rowcount
                    elif table in keep:
                        report.kept[table] = int(conn.execute(
                            f'SELECT COUNT(*) FROM "{table}" WHERE contract_id = %s', (contract_id,)).fetchone()[0])
                    else:
                        deleted[table] = conn.execute(f'DELETE FROM "{table}" WHERE contract_id = %s',
                                                      (contract_id,)).rowcount
                report.deleted = {t: deleted[t] for t in sorted(deleted)}  # reported by name, as on SQLite
                report.kept = {t: report.kept[t] for t in sorted(report.kept)}
                conn.execute(_PURGE_AUDIT.replace("?", "%s"), _purge_audit_row(report, now))
                conn.execute("ALTER TABLE audit ENABLE TRIGGER USER")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            touched = ", ".join(f'"{t}"' for t in ours)
            conn.execute(f"VACUUM (ANALYZE) {touched}")
    except psycopg.Error as exc:
        raise BackupError(f"PostgreSQL refused the purge (nothing was changed): {_first_line(exc)}") from None
    return report


def _postgres_parents_first(conn: Any, tables: list[str]) -> list[str]:
    """`tables` with every table a foreign key references before the tables that reference it."""
    rows = conn.execute("SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
                        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace").fetchall()
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in rows:
        child, parent = str(child).strip('"'), str(parent).strip('"')
        if child in needs and parent in needs and child != parent:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, parents in needs.items() if not parents - set(ordered)) or sorted(needs)
        for table in ready:
            ordered.append(table)
            del needs[table]
    return ordered


@contextmanager
def _postgres(url: str) -> Iterator[Any]:
    """An autocommit connection in UTC; an unreachable server is one readable line (BackupError)."""
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=15)
    except psycopg.Error as exc:
        raise BackupError(f"cannot connect to {redact(url)}: {_first_line(exc)}") from None
    with conn:
        conn.execute("SET TIME ZONE 'UTC'")
        yield conn


# -- the daily backup timer -------------------------------------------------------------------------------------
