"""`run_bot.py export --out DIR`: everything in the database, one CSV per table (UTF-8 with BOM), and the local
copies of photos and files kept with records in DIR/attachments/ (the platform's file ids are in attachments.csv).

Read from one snapshot (on PostgreSQL a REPEATABLE READ, READ ONLY transaction), so the files agree with each other
even while the bot runs. Times are UTC text as SQLite stores them (2022-10-10T01:00:00Z) on either backend; dates are
ISO; rows are ordered by id (or by primary key): the same database gives the same files from SQLite or PostgreSQL.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bot.cli.common import settings_or_exit, whole_database_note
from storage.maintenance import BackupError, attachment_files, export_csv

NAME = "export"
HELP = "export every table to CSV files in a directory"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="the directory to write <table>.csv files into")


def run(args: argparse.Namespace, config_path: str | None) -> int:
    settings = settings_or_exit(config_path)
    whole_database_note(args, NAME)
    try:
        written = export_csv(settings.storage.db, Path(args.out))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for table, rows in written.items():
        print(f"{table}.csv: {rows} rows")
    try:
        files = attachment_files(settings.storage.db)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    copied = 0
    for path in files:  # the local copies of photos and files
        if path.is_file():
            folder = Path(args.out) / "attachments"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, folder / path.name)
            copied += 1
    if copied:
        print(f"attachments/: {copied} files (named <attachment id>-<name>, see attachments.csv)")
    print(f"OK: {len(written)} tables exported to {args.out}")
    return 0
