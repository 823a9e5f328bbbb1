"""The assessment: the client's deductions, recorded payments and the payment tiers (考核方式 A–F).

The tiers are the one place the payment table lives: a score strictly above a tier's `above` earns its
`ratio` of the contract amount, checked top down (above 85 → 1.00; over 75 up to and including 85 → 0.90; …;
60 or below → 0.50). A deployment may configure other tiers (`config.settings.PaymentTier`, same fields).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, TypeVar, overload

from bot.services.domain.rates import ComponentRate, Loss


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


# -- a component's points: weight × rate − the client's deductions, never below 0 -------------------------
@dataclass(frozen=True)
class ComponentScore:
    name: str
    weight: Decimal
    rate: ComponentRate
    deductions: Decimal = Decimal(0)

    @property
    def ratio(self) -> Decimal:
        """The rate as a fraction (ComponentRate.rate, kept within 0 … 1)."""
        return min(max(self.rate.rate, Decimal(0)), Decimal(1))

    @property
    def earned(self) -> Decimal:
        """weight × rate, before deductions."""
        return self.weight * self.ratio

    def points_with(self, numerator: Decimal) -> Decimal:
        """The points if the numerator were `numerator` (same denominator and deductions)."""
        den = self.rate.denominator
        ratio = self.ratio if den == 0 else min(max(numerator / den, Decimal(0)), Decimal(1))
        return max(Decimal(0), self.weight * ratio - self.deductions)

    @property
    def points(self) -> Decimal:
        return max(Decimal(0), self.earned - self.deductions)

    @property
    def lost(self) -> Decimal:
        return self.weight - self.points

    def loss_cost(self, loss: Loss) -> Decimal:
        """What one loss cost: weight × units / denominator."""
        if self.rate.denominator == 0:
            return Decimal(0)
        return self.weight * Decimal(loss.units) / self.rate.denominator


# -- payment tiers ---------------------------------------------------------------------------------------
class TierLike(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def above(self) -> Decimal: ...
    @property
    def ratio(self) -> Decimal: ...


T = TypeVar("T", bound=TierLike)


@dataclass(frozen=True)
class Tier:
    label: str
    above: Decimal  # the score must be strictly above this
    ratio: Decimal  # share of the contract amount paid


CONTRACT_TIERS: tuple[Tier, ...] = tuple(
    Tier(label, Decimal(above), Decimal(ratio)) for label, above, ratio in (
        ("A", 85, "1.00"), ("B", 75, "0.90"), ("C", 70, "0.80"), ("D", 65, "0.70"), ("E", 60, "0.60"),
        ("F", -1, "0.50")))


@overload
def tiers_top_down(tiers: None) -> list[Tier]: ...
@overload
def tiers_top_down(tiers: Sequence[T]) -> list[T]: ...
def tiers_top_down(tiers: Sequence[T] | None) -> list[T] | list[Tier]:
    """The tiers from the highest `above` down (default: the contract's)."""
    if tiers is None:
        return sorted(CONTRACT_TIERS, key=lambda tier: tier.above, reverse=True)
    return sorted(tiers, key=lambda tier: tier.above, reverse=True)


@overload
def tier_for(score: Decimal, tiers: None = None) -> Tier: ...
@overload
def tier_for(score: Decimal, tiers: Sequence[T]) -> T: ...
def tier_for(score: Decimal, tiers: Sequence[TierLike] | None = None) -> TierLike:
    """The tier whose `above` the score is strictly above, checked top down (default: the contract's)."""
    ordered = tiers_top_down(tiers)
    value = Decimal(score)
    for tier in ordered:
        if value > tier.above:
            return tier
    return ordered[-1]


def payment_ratio(score: Decimal, tiers: Sequence[TierLike] | None = None) -> Decimal:
    """Share of the contract amount paid for `score`: above 85 → 1.00; over 75 up to and incl. 85 → 0.90; …;
    60 or below → 0.50 (the contract's table unless `tiers` is given)."""
    return tier_for(score, tiers).ratio


@overload
def next_tier(score: Decimal, tiers: None = None) -> Tier | None: ...
@overload
def next_tier(score: Decimal, tiers: Sequence[T]) -> T | None: ...
def next_tier(score: Decimal, tiers: Sequence[TierLike] | None = None) -> TierLike | None:
    """The tier just above the score's tier (None at the top)."""
    ordered: Sequence[TierLike] = tiers_top_down(tiers)
    index = ordered.index(tier_for(score, ordered))
    return ordered[index - 1] if index > 0 else None
