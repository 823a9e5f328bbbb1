"""`run_bot.py purge --contract ID`: destroy a finished contract's data (the contract: returned or destroyed).

Shows what will be deleted, then asks to type the contract id (scripts: `--yes-i-am-sure ID`). Every row of
the contract goes, except tables listed in `data.keep_tables`; `audit` in that list keeps the audit trail
anonymised (no names, ids or texts). The audit triggers (which refuse UPDATE and DELETE) are set aside inside the same
transaction only (SQLite: dropped and re-created; PostgreSQL: ALTER TABLE audit DISABLE/ENABLE TRIGGER USER, undone
by a rollback); one `data.purge` audit row records the counts; then VACUUM (PostgreSQL: VACUUM (ANALYZE) of the
contract's tables). A failure changes nothing. Export first (`run_bot.py export`) if the
client wants the data returned; earlier backups still hold the data and are listed so they can be removed.
Stop the bot before purging. The contract is named with `--contract ID` (before or after `purge`, or
MAINTBOT_CONTRACT), always, even with one contract: nothing is destroyed by default.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import chosen_contract, settings_or_exit
from bot.services.clock import SystemClock
from storage.maintenance import (
    BACKUP_SUFFIXES,
    BackupError,
    attachment_files,
    backup_dir,
    purge_contract,
    purge_preview,
)
from storage.transfer import redact

NAME = "purge"
HELP = "delete a finished contract's personal data (asks to type the contract id)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # the contract id whose data is deleted: the global --contract ID (bot/main.py), required here
    parser.add_argument("--yes-i-am-sure", dest="confirm", metavar="ID",
                        help="confirm without a prompt (for scripts): must equal --contract")


def run(args: argparse.Namespace, config_path: str | None) -> int:
    settings = settings_or_exit(config_path)
    chosen = chosen_contract(args)
    if chosen is None:
        ids = ", ".join(each.contract.id for each in settings.deployment)
        print(f"error: name the contract whose data is deleted with --contract ID (this configuration: {ids}), "
              f"e.g. run_bot.py purge --contract {settings.deployment[0].contract.id}", file=sys.stderr)
        return 2
    contract_id: str = chosen
    # its own settings (what it keeps, where its backups are) when the configuration still lists it
    settings = next((each for each in settings.deployment if each.contract.id == contract_id), settings)
    db_path = settings.storage.db
    keep = list(settings.data.keep_tables)
    try:
        preview = purge_preview(db_path, contract_id)
        files = [] if "attachments" in keep else attachment_files(db_path, contract_id)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Database {redact(str(db_path))}, contract {contract_id}:")
    for table, rows in preview.items():
        what = "anonymise" if table == "audit" and table in keep else "keep" if table in keep else "DELETE"
        print(f"  {table}: {rows} rows → {what}")
    if files:
        print(f"  local copies of photos and files: {len(files)} → DELETE")
    typed = args.confirm
    if typed is None:
        try:
            typed = input(f"Type the contract id ({contract_id}) to delete its data for good: ").strip()
        except EOFError:
            typed = ""
    if typed != contract_id:
        print("Aborted: the contract id was not confirmed; nothing was changed.", file=sys.stderr)
        return 1
    try:
        report = purge_contract(db_path, contract_id, keep, SystemClock().now())
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in files:  # after the rows are gone: the photos and files kept on disk go too
        path.unlink(missing_ok=True)
    print(f"OK: {report.total_deleted} rows deleted from {len(report.deleted)} tables"
          + (f", {report.anonymised} audit rows anonymised" if report.anonymised else "")
          + (f", kept: {', '.join(sorted(report.kept))}" if report.kept else "")
          + (f", {len(files)} local photo/file copies deleted" if files else "") + ".")
    # a deployment's backups are named after its first contract, and hold every contract's rows
    named = {contract_id, settings.deployment[0].contract.id}
    backups = sorted(path for cid in named for path in backup_dir(settings, db_path).glob(f"maintbot-{cid}-*")
                     if path.suffix in BACKUP_SUFFIXES)
    if backups:
        print(f"Note: {len(backups)} earlier backup file(s) in {backups[0].parent} still hold this data; "
              "delete them too if the client asks for destruction.")
    return 0
