"""The audit trail's entry: who did what, when, to which record, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_telegram_id: int | None
    actor_name: str | None
    action: str
    entity: str
    entity_id: str | None
    before: Any
    after: Any
