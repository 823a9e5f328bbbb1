"""What the benchmark scripts share: a made-up configuration, percentiles, and how a script reports itself.

Every person here is made up (the ids are the constants of tests/conftest.py plus generated engineers).
"""

from __future__ import annotations

import contextlib
import logging
import platform
import shlex
import sys
from collections.abc import Iterator
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
