"""What the benchmark scripts share: a made-up configuration, percentiles, and how a script reports itself.

Every person here is made up (the ids are the constants of tests/conftest.py plus generated engineers).
"""

from __future__ import annotations

import contextlib
import logging
import platform
import shlex
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config.sample import (  # noqa: E402  (the made-up people of the tests)
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    SECOND_LINE,
    STRANGER,
    SUPERVISOR,
    VENDOR_CONTACT,
    sample_config,
)
from config.settings import Settings, settings_from_dict  # noqa: E402

__all__ = ["ADMIN", "CLIENT_CONTACT", "ENGINEER", "GROUP", "LEAD", "SECOND_LINE", "STRANGER", "SUPERVISOR",
           "VENDOR_CONTACT"]

# Generated on-site engineers: telegram ids ENGINEER_BASE + 1 … ENGINEER_BASE + n.
ENGINEER_BASE = 300000


def engineer_id(index: int) -> int:
    """Telegram id of generated engineer number `index` (0-based)."""
    return ENGINEER_BASE + 1 + index


def bench_config(db_path: Path, *, engineers: int = 0, start: date = date(2022, 2, 1)) -> dict[str, Any]:
    """The test configuration (tests/conftest.py base_config) plus `engineers` generated engineers."""
    raw = sample_config(db_path, contract_id="bench-2022", title="基准测试维保项目")
    raw["storage"]["backup_dir"] = str(db_path.parent / "backups")
    raw["roster"] += [{"name": f"工程师{i + 1:03d}", "telegram_id": engineer_id(i), "roles": ["engineer"],
                       "start": start.isoformat()} for i in range(engineers)]
    return raw


def bench_settings(db_path: Path, *, engineers: int = 0, **overrides: Any) -> Settings:
    raw = bench_config(db_path, engineers=engineers)
    for section, values in overrides.items():
        raw[section] = {**raw.get(section, {}), **values} if isinstance(values, dict) else values
    return settings_from_dict(raw, apply_env=False)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0…1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def quiet_logs() -> None:
    """Benchmarks print figures, not the bot's warnings (retries are counted instead)."""
    logging.basicConfig(level=logging.CRITICAL)
    for name in ("telegram", "apscheduler", "bot", "storage", "httpx"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def header(title: str) -> None:
    """The script's title, how it was run and on what."""
    print(f"# {title}")
    print(f"command: python {shlex.join(sys.argv)}")
    print(f"python {platform.python_version()} on {platform.machine()}, {_cpus()} CPU(s)")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextlib.contextmanager
def fresh_postgres_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on `server` (a postgresql:// URL) for one run; dropped afterwards."""
    import uuid

    import psycopg

    name = f"maintbot_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_server(url: str | None) -> Iterator[str]:
    """`url` when given; else a throwaway PostgreSQL cluster on a free loopback port (`.ci/postgres`, fsync off),
    stopped and removed afterwards. Yields the server's maintenance-database URL."""
    if url:
        yield url
        return
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    script = ROOT / ".ci" / "postgres"
    folder = Path(tempfile.mkdtemp(prefix="maintbot-bench-pg-"))
    if os.getuid() == 0:  # the server runs as the `postgres` user then (.ci/postgres)
        os.chmod(folder, 0o777)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = subprocess.run(["bash", str(script), "start", str(folder), str(port)], capture_output=True, text=True,
                             timeout=120)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"could not start a PostgreSQL cluster (apt-get install postgresql, or give --postgres URL):"
                         f" {started.stderr.strip()}")
    try:
        print(f"(a throwaway PostgreSQL cluster: {started.stdout.strip()}, fsync off)", flush=True)
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.asynccontextmanager
async def copied_to_postgres(sqlite_db: Path, server: str) -> AsyncIterator[str]:
    """A fresh database on `server` holding a copy of the SQLite database (as `run_bot.py migrate-db` makes it):
    both backends then hold the same year, row for row."""
    import psycopg

    from storage.transfer import copy_into_postgres

    with fresh_postgres_database(server) as url:
        report = await copy_into_postgres(sqlite_db, url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")  # planner statistics, as generate_year gives SQLite
        print(f"(the year copied to PostgreSQL: {report.rows:,} rows in {report.seconds:.1f} s)", flush=True)
        yield url


def side_by_side(title: str, columns: list[str], rows: dict[str, list[float]], note: str = "") -> None:
    """One table: a row per backend, then the PostgreSQL / SQLite ratio of each column."""
    def cell(value: float) -> str:
        return f"{value:>16,.1f}" if abs(value) >= 10 else f"{value:>16.2f}"

    print(f"## {title}")
    print(f"{'backend':<12}" + "".join(f"{c:>16}" for c in columns))
    for backend, values in rows.items():
        print(f"{backend:<12}" + "".join(cell(v) for v in values))
    if "sqlite" in rows and "postgresql" in rows:
        ratios = [p / s if s else float("nan") for s, p in zip(rows["sqlite"], rows["postgresql"], strict=True)]
        print(f"{'pg / sqlite':<12}" + "".join(f"{r:>15.2f}×" for r in ratios))
    if note:
        print(note)
