"""`run_bot.py backup [--out FILE]`: a consistent online backup of the database, verified before it counts.

Safe while the bot runs (SQLite's backup API from one read snapshot). The copy is checked with
`PRAGMA integrity_check` and a row count per table; only then is it renamed into place. Without `--out`
the file goes to `storage.backup_dir` (relative: next to the database) as maintbot-<contract>-<time>.db;
the daily automatic backup (timer `duty.backup`) writes the same way and keeps `storage.backup_keep` files.
On PostgreSQL it is `pg_dump --format=custom` from one snapshot (maintbot-<contract>-<time>.dump; a relative
backup_dir is taken from the working directory), checked with `pg_restore --list`; restore it with
`pg_restore --clean --if-exists --no-owner -d URL FILE`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cli.common import settings_or_exit, whole_database_note
from bot.services.clock import SystemClock
from storage.dialect import is_postgres
from storage.maintenance import BackupError, auto_backup_name, backup_any, backup_dir

NAME = "backup"
HELP = "make a verified online backup of the database (safe while the bot runs)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", help="the backup file to write (default: a new file in storage.backup_dir)")


def run(args: argparse.Namespace, config_path: str | None) -> int:
    settings = settings_or_exit(config_path)
    whole_database_note(args, NAME)
    location = settings.storage.db
    if args.out:
        out = Path(args.out)
    else:
        local_now = SystemClock().now().astimezone(ZoneInfo(settings.contract.timezone))
        out = backup_dir(settings, location) / auto_backup_name(settings.contract.id, local_now,
                                                                postgres=is_postgres(location))
    try:
        report = backup_any(location, out)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {report.path} — {len(report.tables)} tables, {report.rows} rows, integrity {report.integrity}, "
          f"{report.size_bytes} bytes, {report.seconds:.2f} s")
    if is_postgres(location):
        print(f"restore into an empty database: pg_restore --clean --if-exists --no-owner -d URL {report.path}")
    return 0
