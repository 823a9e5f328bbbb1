"""`run_bot.py migrate-db --to postgresql://… [--from PATH]`: move a contract's SQLite database to PostgreSQL.

The source is the configured `storage.db` (or `--from PATH`); it is first brought to the current schema (as the bot
does at start-up) and must not be in use: stop the bot first (its instance lock is taken). The target must be an
empty database (`createdb`): the migrations and every row go in one transaction (storage/transfer.py), so a failure
leaves it empty. Then both sides are checked and printed: the rows of every table (they must match) and the /score
text of the contract to date computed from each side (it must be identical; with a deployment directory, of every
contract). Exit 0 only when everything matches;
then point `storage.db` (or MAINTBOT_DB) at the URL and start the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import settings_or_exit, whole_database_note
from bot.services.clock import Clock, SystemClock
from config.settings import Settings
from storage.dialect import is_postgres, sqlite_path
from storage.transfer import TransferError, copy_into_postgres, postgres_row_counts, redact, sqlite_row_counts

NAME = "migrate-db"
HELP = "copy the SQLite database into an empty PostgreSQL database, then verify rows and /score on both sides"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, metavar="URL",
                        help="the empty PostgreSQL database, e.g. postgresql://maintbot@127.0.0.1:5432/maintbot")
    parser.add_argument("--from", dest="source", metavar="PATH",
                        help="the SQLite database file (default: storage.db from the config)")


async def score_texts(settings: Settings, location: str, clock: Clock) -> dict[str, str]:
    """The /score answer for each contract of the configuration to date (with the comparison /score shows), from
    one database: contract id -> text."""
    from bot.handlers.render.scoring import render_score
    from bot.services.container import open_deployment
    from bot.services.scoring import compute_assessment, previous_period, resolve_period

    texts = {}
    async with open_deployment(settings, clock, seed=False, db_path=location) as deployment:
        for services in deployment.all():
            period = resolve_period(services, "")
            assessment = await compute_assessment(services, period)
            before = previous_period(services, period)
            previous = await compute_assessment(services, before) if before is not None else None
            texts[services.contract_id] = render_score(assessment, services.settings.contract.default_language,
                                                       previous)
    return texts


async def migrate(settings: Settings, source: Path, url: str, clock: Clock) -> int:
    from storage.db import open_database

    # the source at the current schema, exactly as the bot itself would migrate it when it starts
    db = await open_database(source, settings.contract.id)
    await db.close()
    report = await copy_into_postgres(source, url)
    print(f"copied {report.rows} rows of {len(report.tables)} tables into {redact(url)} in {report.seconds:.1f} s")
    ok = True
    before, after = sqlite_row_counts(source), await postgres_row_counts(url)
    print(f"{'table':<28} {'sqlite':>9} {'postgresql':>11}")
    for table in sorted(set(before) | set(after)):
        same = before.get(table) == after.get(table)
        ok = ok and same
        print(f"{table:<28} {before.get(table, '-'):>9} {after.get(table, '-'):>11}{'' if same else '  DIFFERENT'}")
    on_sqlite = await score_texts(settings, str(source), clock)
    on_postgres = await score_texts(settings, url, clock)
    several = len(on_sqlite) > 1
    for contract_id, sqlite_text in on_sqlite.items():
        postgres_text = on_postgres.get(contract_id, "")
        print(f"/score of contract {contract_id} (to date), computed from each side:" if several
              else "/score (contract to date), computed from each side:")
        if sqlite_text == postgres_text:
            print(sqlite_text)
            print("identical on both sides")
        else:
            ok = False
            print(f"--- sqlite\n{sqlite_text}\n--- postgresql\n{postgres_text}\nDIFFERENT")
    if not ok:
        print("error: the copy differs from the source (see above); keep running on SQLite", file=sys.stderr)
        return 1
    print(f"OK: set storage.db = \"{redact(url)}\" (or MAINTBOT_DB) and start the bot")
    return 0


def run(args: argparse.Namespace, config_path: str | None) -> int:
    settings = settings_or_exit(config_path)
    whole_database_note(args, NAME)
    url = str(args.to)
    if not is_postgres(url):
        print(f"error: --to must be a PostgreSQL URL such as postgresql://maintbot@127.0.0.1:5432/maintbot, "
              f"not {url!r}", file=sys.stderr)
        return 2
    if args.source:
        source = sqlite_path(args.source)
    elif is_postgres(settings.storage.db):
        print("error: storage.db is already a PostgreSQL URL; name the SQLite file with --from PATH", file=sys.stderr)
        return 2
    else:
        source = sqlite_path(settings.storage.db)
    if not source.is_file():
        print(f"error: {source}: no such database file", file=sys.stderr)
        return 1
    from bot.instance_lock import AlreadyRunning, acquire_instance_lock

    try:
        acquire_instance_lock(source)  # the bot must not write the source while it is copied
    except AlreadyRunning as exc:
        print(f"error: {exc}; stop the bot before moving its database", file=sys.stderr)
        return 1
    try:
        return asyncio.run(migrate(settings, source, url, SystemClock()))
    except TransferError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
