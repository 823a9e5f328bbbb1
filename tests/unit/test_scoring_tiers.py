"""The contract's payment tiers (bot.services.domain.assessment), at and around every boundary (考核方式 A–F)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.handlers.render.scoring import render_score
from bot.services.domain.assessment import CONTRACT_TIERS, ComponentScore, next_tier, payment_ratio, tier_for
from bot.services.domain.rates import ComponentRate
from bot.services.scoring import Assessment, Period, assessment_json, fmt_total
from config.settings import AssessmentSettings, PaymentTier


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


# -- the exact score decides the tier; the shown score never contradicts it ---------------------------------
def scored(numerator: str, denominator: str = "100000") -> Assessment:
    """One 100-point component at numerator/denominator: the total is exactly 100 × that."""
    component = ComponentScore("attendance", Decimal(100), ComponentRate(Decimal(numerator), Decimal(denominator)))
    return Assessment(Period(date(2022, 10, 1), date(2022, 10, 31), "month"), {"attendance": component}, [],
                      list(AssessmentSettings().tiers), Decimal(436000), Decimal(218000))


def test_85_004_pays_tier_a_and_is_shown_as_85_004_not_85_00() -> None:
    a = scored("85004")
    assert a.total == Decimal("85.004") and a.tier.label == "A" and a.payment_ratio == Decimal("1.00")
    assert a.projected_payment == Decimal(436000) - Decimal(218000)
    assert a.shown_total == "85.004"
    text = render_score(a, "zh_CN")
    assert "总分 85.004 / 100 · A 档 · 付款比例 100%" in text and "85.00 " not in text
    assert assessment_json(a)["total"] == "85.004" and assessment_json(a)["tier"] == "A"


def test_84_996_stays_tier_b_and_is_never_shown_as_85_00() -> None:
    a = scored("84996")
    assert a.tier.label == "B" and a.payment_ratio == Decimal("0.90")
    assert a.shown_total == "84.996"
    english = render_score(a, "en")
    assert "Total 84.996 / 100 · tier B · pays 90%" in english and "85.00 " not in english


def test_an_ordinary_score_is_shown_with_two_places() -> None:
    a = scored("83476190476", "100000000000")  # 83.476190476
    assert a.tier.label == "B" and a.shown_total == "83.48"
    assert fmt_total(Decimal("85")) == "85.00"             # exactly on the line: tier B, and it says so
    assert fmt_total(Decimal("85.0004")) == "85.0004"      # 85.000 would still sit on the line
    assert fmt_total(Decimal("59.996")) == "59.996"        # tier F; 60.00 would sit on the line
    assert fmt_total(Decimal("60.005")) == "60.01"         # tier E either way: two places do
    assert fmt_total(Decimal("89")) == "89.00"


def test_a_gap_too_small_for_two_places_is_still_shown() -> None:
    text = render_score(scored("84996"), "zh_CN")
    assert "还差 0.004 分" in text


def test_configured_default_tiers_are_the_contracts_table() -> None:
    """A config without [assessment] tiers pays by the same table the domain rules default to."""
    configured = [(t.label, t.above, t.ratio) for t in AssessmentSettings().tiers]
    assert configured == [(t.label, t.above, t.ratio) for t in CONTRACT_TIERS]
    for score in ("50", "60", "60.01", "70", "75", "75.01", "85", "85.01"):
        assert payment_ratio(Decimal(score), AssessmentSettings().tiers) == payment_ratio(Decimal(score))

