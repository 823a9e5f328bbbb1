"""The shape every assessment component's rate takes, so scoring can combine and explain them.

Each feature computes its own rate for a period (attendance, completion, satisfaction, daily
maintenance, responsiveness) and lists the events that cost points (`losses`): the scoring service
turns each loss into points as `max_points × units / denominator`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Loss:
    """One event behind a lost share of a rate: e.g. an absent day, a late arrival, a 不满意 rating.

    `units` is how much of the numerator it cost (1 for an absent day, 0.5 for 基本满意);
    `key` and `params` name a catalog entry that describes it (with the date, the record, the person).
    """

    key: str
    params: dict[str, Any]
    units: Decimal = Decimal(1)
    when: str | None = None  # ISO date or datetime, for sorting and disputes


@dataclass(frozen=True)
class ComponentRate:
    numerator: Decimal
    denominator: Decimal
    losses: list[Loss] = field(default_factory=list)
    # Extra figures for reports (e.g. late days, median time to arrive); free-form, JSON-friendly.
    details: dict[str, Any] = field(default_factory=dict)
    # The rate when there is nothing to measure (satisfaction with no ratings: 100%).
    empty_rate: Decimal = Decimal(1)

    @property
    def rate(self) -> Decimal:
        if self.denominator == 0:
            return self.empty_rate
        return self.numerator / self.denominator
