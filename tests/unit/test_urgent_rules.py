"""Pure rules behind urgent requests: distance to the site, minutes, percentiles."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from bot.services.geo import distance_m, within_site
from bot.services.urgent import minutes, percentile


def test_one_degree_of_longitude_at_the_equator_is_about_111_km() -> None:
    assert distance_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(31.81, 119.97, 31.81, 119.97) == 0


def test_within_site_uses_the_configured_radius() -> None:
    settings = SimpleNamespace(site=SimpleNamespace(latitude=31.81, longitude=119.97, radius_m=500))
    inside, near = within_site(settings, 31.813, 119.97)     # about 333 m north
    outside, far = within_site(settings, 31.815, 119.97)     # about 556 m north
    assert inside and near == pytest.approx(333.6, abs=1)
    assert not outside and far == pytest.approx(556.0, abs=1)


def test_minutes_round_up_so_a_late_arrival_is_never_rounded_into_time() -> None:
    assert minutes(timedelta(minutes=60, seconds=20)) == 61
    assert minutes(timedelta(minutes=60)) == 60
    assert minutes(timedelta(seconds=-5)) == 0


def test_nearest_rank_percentile() -> None:
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.9) == 9.0
    assert percentile(values, 0.5) == 5.0
    assert percentile([72.0], 0.9) == 72.0
    assert percentile([], 0.9) is None
