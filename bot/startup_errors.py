"""One clear line for the start-up failures an operator can fix (a damaged or unreadable database).

`run_bot.py` calls `describe_startup_error(exc, settings)` where opening the database failed; a None
answer means "not one of ours": show the exception as it is.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bot.catalog import t
from config.settings import Settings
from storage.db import DatabaseDamaged
from storage.migrate import SchemaTooNew


def describe_startup_error(exc: BaseException, settings: Settings | None = None) -> str | None:
    """The catalog line (in the contract's default language) for a database that cannot be used."""
    path = str(settings.storage.db) if settings else "?"
    backups = str(settings.storage.backup_dir) if settings else "backups"
    lang = settings.contract.default_language if settings else None
    detail = _detail(exc)
    if isinstance(exc, DatabaseDamaged) or (isinstance(exc, sqlite3.DatabaseError)
                                            and not isinstance(exc, sqlite3.OperationalError)):
        # SQLITE_CORRUPT ("database disk image is malformed") and SQLITE_NOTADB ("file is not a database")
        # are plain DatabaseError; OperationalError is about access (locked, no such file, disk I/O).
        return t("rel.startup.db_damaged", lang, path=path, detail=detail, backups=backups)
    if isinstance(exc, SchemaTooNew):
        return t("rel.startup.db_schema_too_new", lang, path=path, detail=detail)
    if isinstance(exc, sqlite3.OperationalError | OSError):
        return t("rel.startup.db_unavailable", lang, path=path, detail=detail)
    return None


def service_period_notice(settings: Settings, today: date) -> str | None:
    """One line for a start on a day outside the contract's service period (None inside it)."""
    contract = settings.contract
    if contract.in_service(today):
        return None
    key = "rel.startup.after_contract" if today > contract.end else "rel.startup.before_contract"
    return t(key, contract.default_language, today=today.isoformat(), start=contract.start.isoformat(),
             end=contract.end.isoformat())


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    # DatabaseDamaged repeats the path first ("<path>: integrity check failed: …"): keep what follows.
    head, sep, tail = text.partition(": ")
    if sep and Path(head).suffix:
        text = tail
    return text[:200] or type(exc).__name__
