"""Distances on the earth's surface: is a shared location at the site (check-ins, urgent arrivals)?"""

from __future__ import annotations

import math
from typing import Any

EARTH_RADIUS_M = 6_371_008.8  # mean earth radius (IUGG)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two points given in degrees (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def within_site(settings: Any, lat: float, lon: float) -> tuple[bool, float]:
    """(inside the site's radius, distance in metres to the site) for `settings.site`."""
    site = settings.site
    distance = distance_m(site.latitude, site.longitude, lat, lon)
    return distance <= site.radius_m, distance
