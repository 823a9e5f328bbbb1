"""The contract's payment tiers, at and around every boundary (考核方式 A–F)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.services.scoring import next_tier, payment_ratio, tier_for
from config.settings import PaymentTier


def test_exactly_60_pays_50_percent() -> None:
    assert payment_ratio(Decimal("60")) == Decimal("0.50")
    assert tier_for(Decimal("60")).label == "F"


def test_60_01_pays_60_percent() -> None:
    assert payment_ratio(Decimal("60.01")) == Decimal("0.60")


def test_exactly_65_pays_60_percent() -> None:
    assert payment_ratio(Decimal("65")) == Decimal("0.60")


def test_exactly_70_pays_70_percent() -> None:
    assert payment_ratio(Decimal("70")) == Decimal("0.70")


def test_exactly_75_pays_80_percent() -> None:
    assert payment_ratio(Decimal("75")) == Decimal("0.80")


def test_75_01_pays_90_percent() -> None:
    assert payment_ratio(Decimal("75.01")) == Decimal("0.90")


def test_exactly_85_pays_90_percent() -> None:
    assert payment_ratio(Decimal("85")) == Decimal("0.90")
    assert tier_for(Decimal("85")).label == "B"


def test_85_01_pays_full_amount() -> None:
    assert payment_ratio(Decimal("85.01")) == Decimal("1.00")
    assert tier_for(Decimal("85.01")).label == "A"


def test_100_pays_full_amount() -> None:
    assert payment_ratio(Decimal("100")) == Decimal("1.00")


def test_zero_pays_half() -> None:
    assert payment_ratio(Decimal("0")) == Decimal("0.50")


@pytest.mark.parametrize(("score", "ratio"), [
    ("59.99", "0.50"), ("65.01", "0.70"), ("70.01", "0.80"), ("84.999", "0.90"), ("85.0001", "1.00"),
])
def test_just_either_side_of_a_boundary(score: str, ratio: str) -> None:
    assert payment_ratio(Decimal(score)) == Decimal(ratio)


def test_tiers_from_config_are_checked_top_down_whatever_their_order() -> None:
    tiers = [PaymentTier(label="low", above=Decimal(-1), ratio=Decimal("0.5")),
             PaymentTier(label="high", above=Decimal(90), ratio=Decimal("1")),
             PaymentTier(label="mid", above=Decimal(50), ratio=Decimal("0.8"))]
    assert payment_ratio(Decimal("95"), tiers) == Decimal("1")
    assert payment_ratio(Decimal("90"), tiers) == Decimal("0.8")
    assert payment_ratio(Decimal("50"), tiers) == Decimal("0.5")


def test_next_tier_is_the_one_above_and_none_at_the_top() -> None:
    assert next_tier(Decimal("80")).label == "A"  # type: ignore[union-attr]
    assert next_tier(Decimal("60")).label == "E"  # type: ignore[union-attr]
    assert next_tier(Decimal("90")) is None
