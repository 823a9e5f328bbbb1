"""What the benchmark scripts share: a made-up configuration, percentiles, and how a script reports itself.

Every person here is made up (the ids are the constants of tests/conftest.py plus generated engineers).
"""

from __future__ import annotations

import logging
import platform
import shlex
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config.settings import Settings, settings_from_dict  # noqa: E402

# The made-up people of tests/conftest.py.
LEAD = 100001
ENGINEER = 100002
SUPERVISOR = 200001
CLIENT_CONTACT = 200002
VENDOR_CONTACT = 100009
SECOND_LINE = 100010
ADMIN = 900001
STRANGER = 555555
GROUP = -1001234567890

# Generated on-site engineers: telegram ids ENGINEER_BASE + 1 … ENGINEER_BASE + n.
ENGINEER_BASE = 300000


def engineer_id(index: int) -> int:
    """Telegram id of generated engineer number `index` (0-based)."""
    return ENGINEER_BASE + 1 + index


def bench_config(db_path: Path, *, engineers: int = 0, start: date = date(2022, 2, 1)) -> dict[str, Any]:
    """The test configuration (tests/conftest.py base_config) plus `engineers` generated engineers."""
    roster: list[dict[str, Any]] = [
        {"name": "林海", "telegram_id": LEAD, "roles": ["lead", "engineer"], "party": "vendor", "start": "2022-02-01"},
        {"name": "周小舟", "telegram_id": ENGINEER, "roles": ["engineer"], "start": "2022-02-01"},
        {"name": "陈主管", "telegram_id": SUPERVISOR, "roles": ["supervisor"]},
        {"name": "赵联络", "telegram_id": CLIENT_CONTACT, "roles": ["contact", "supervisor"], "party": "client"},
        {"name": "钱经理", "telegram_id": VENDOR_CONTACT, "roles": ["contact"], "party": "vendor"},
        {"name": "孙二线", "telegram_id": SECOND_LINE, "roles": ["escalation"]},
        {"name": "吴管理", "telegram_id": ADMIN, "roles": ["admin"]},
    ]
    roster += [{"name": f"工程师{i + 1:03d}", "telegram_id": engineer_id(i), "roles": ["engineer"],
                "start": start.isoformat()} for i in range(engineers)]
    return {
        "contract": {"id": "bench-2022", "title": "基准测试维保项目", "client": "测试甲方中心",
                     "vendor": "测试乙方公司", "amount": "436000", "signed": "2022-01-20", "start": "2022-02-01",
                     "end": "2023-01-31"},
        "site": {"name": "测试机房", "latitude": 31.81, "longitude": 119.97, "radius_m": 500},
        "storage": {"db": str(db_path), "backup_dir": str(db_path.parent / "backups")},
        "roster": roster,
    }


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
