"""The assessment: the client's deductions, recorded payments and the payment tiers (考核方式 A–F)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Deduction:
    """Points the client took off one component, on one day, with the reason (audited)."""

    id: int
    component: str
    points: Decimal
    reason: str
    day: date
    created_at: datetime
    actor_name: str | None
    actor_telegram_id: int | None


@dataclass(frozen=True)
class PaymentRecord:
    """A recorded payment as stored. Rows written before /paid validated its input may hold anything: an
    unreadable amount reads as NaN and an unreadable date as None (`raw_amount` keeps the stored text), so
    readers can flag the row instead of failing."""

    milestone: str
    paid_on: date | None
    amount: Decimal
    recorded_at: datetime
    actor_name: str | None
    raw_amount: str = ""
