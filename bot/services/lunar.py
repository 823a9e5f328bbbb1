"""Days of the Chinese lunar calendar (农历) as solar dates.

Why: around the Spring Festival people name days the lunar way (腊月二十八, 正月初五, 除夕, 元宵);
reminders and leave requests need the solar date.  The conversion is the small pure-Python
``lunardate`` package (tables for lunar years 1900-2099); everything else goes through this one
function so the package can be swapped without touching the phrase rules.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from lunardate import LunarDate

__all__ = ["lunar_to_solar"]


@lru_cache(maxsize=8192)
def lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """Solar date of lunar ``year``/``month``/``day`` (the ordinary month, not a leap month).

    None when that day does not exist (a 29-day month has no 三十) or the year is outside the tables.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        return None
    try:
        solar = LunarDate(year, month, day).to_solar_date()
        back = LunarDate.from_solar_date(solar.year, solar.month, solar.day)
    except (ValueError, IndexError, OverflowError):
        return None
    if (back.year, back.month, back.day, back.is_leap_month) != (year, month, day, False):
        return None
    return solar
