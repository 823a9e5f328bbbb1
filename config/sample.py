"""The made-up project that tests and benchmarks run on: one contract, seven people, no real data.

Ids are not real Telegram users; names are invented. Kept in one place so tests and benchmarks agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

LEAD = 100001
ENGINEER = 100002
SUPERVISOR = 200001
CLIENT_CONTACT = 200002
VENDOR_CONTACT = 100009
SECOND_LINE = 100010
ADMIN = 900001
STRANGER = 555555
GROUP = -1001234567890


def sample_roster() -> list[dict[str, Any]]:
    """One person per role: the lead (also an engineer), an engineer, a supervisor, both parties' contacts
    (the client's is also a supervisor), the second line and an admin."""
    return [
        {"name": "林海", "telegram_id": LEAD, "roles": ["lead", "engineer"], "party": "vendor", "start": "2022-02-01"},
        {"name": "周小舟", "telegram_id": ENGINEER, "roles": ["engineer"], "start": "2022-02-01"},
        {"name": "陈主管", "telegram_id": SUPERVISOR, "roles": ["supervisor"]},
        {"name": "赵联络", "telegram_id": CLIENT_CONTACT, "roles": ["contact", "supervisor"], "party": "client"},
        {"name": "钱经理", "telegram_id": VENDOR_CONTACT, "roles": ["contact"], "party": "vendor"},
        {"name": "孙二线", "telegram_id": SECOND_LINE, "roles": ["escalation"]},
        {"name": "吴管理", "telegram_id": ADMIN, "roles": ["admin"]},
    ]


def sample_config(db_path: Path, *, contract_id: str = "test-2022", title: str = "测试维保项目") -> dict[str, Any]:
    """A complete configuration document (as parsed from TOML) for the sample project."""
    return {
        "contract": {"id": contract_id, "title": title, "client": "测试甲方中心", "vendor": "测试乙方公司",
                     "amount": "436000", "signed": "2022-01-20", "start": "2022-02-01", "end": "2023-01-31"},
        "site": {"name": "测试机房", "latitude": 31.81, "longitude": 119.97, "radius_m": 500},
        "storage": {"db": str(db_path)},
        "roster": sample_roster(),
    }
