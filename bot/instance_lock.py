"""One bot per database: an exclusive lock on `<db>.lock`, held for the life of the process.

Two processes on one database would both send the outbox and both run every timer (each notification twice).
`flock` is released by the kernel when the process dies, even by SIGKILL, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(Exception):
    """Another process holds the database's instance lock."""


_held: list[IO[str]] = []  # kept open (and so locked) until the process exits


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


def acquire_instance_lock(db: str | Path) -> None:
    """Take the lock or raise AlreadyRunning with one readable line (naming the holder's pid when known)."""
    if str(db) == ":memory:":
        return
    from storage.dialect import is_postgres

    if is_postgres(db):
        return  # a database server: no file beside it to lock (replicas on PostgreSQL: issue 18.2)
    path = lock_path(db)
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f" (pid {holder})" if holder.isdigit() else ""
        raise AlreadyRunning(f"another maintbot instance is already running on {db}{who}; "
                             f"only one may run per database (lock: {path})") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    _held.append(handle)
