"""The made-up project that tests and benchmarks run on: one contract, seven people, no real data.

Ids are not real Telegram users; names are invented. Kept in one place so tests and benchmarks agree.
"""

from __future__ import annotations

import json
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


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # a table inside a section: an inline table
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def write_toml(config: dict[str, Any], path: Path) -> Path:
    """A configuration dictionary (such as `sample_config`) as the TOML file a bot process starts with (the
    crash tests, the fault benchmark, the CLI tests): tables, arrays of tables, strings, numbers, lists."""
    def table_array(value: Any) -> bool:
        return isinstance(value, list) and bool(value) and isinstance(value[0], dict)

    lines = [f"{k} = {_toml_value(v)}" for k, v in config.items() if not isinstance(v, dict) and not table_array(v)]
    for key, value in config.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *(f"{k} = {_toml_value(v)}" for k, v in value.items())]
        elif table_array(value):
            for item in value:
                lines += [f"[[{key}]]", *(f"{k} = {_toml_value(v)}" for k, v in item.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
