"""Chinese working calendar for the maintenance contract.

Why: SLA deadlines, attendance and payment terms ("within 15 working days") are counted in
*working* days, and in China those are not simply Monday-Friday: statutory holidays are moved
around every year and some weekends become working days (调休上班).  The published plan comes
from the ``holidays`` package (``holidays.China``); the contract can override it because each
year's plan is published late and local arrangements exist.

Pure service: no Telegram, no database.  Years are loaded lazily and ``is_workday`` is cached
per date because it is called in tight loops.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

import holidays

__all__ = ["HOLIDAY_ALIASES", "HolidayPeriod", "WorkCalendar", "default_calendar"]

# Canonical holiday keys -> (Chinese name, English name).
_NAMES: dict[str, tuple[str, str]] = {
    "new_year": ("元旦", "New Year's Day"),
    "spring_festival": ("春节", "Spring Festival"),
    "tomb_sweeping": ("清明节", "Tomb-Sweeping Day"),
    "labor_day": ("劳动节", "Labor Day"),
    "dragon_boat": ("端午节", "Dragon Boat Festival"),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
    "national_day": ("国庆节", "National Day"),
}

# English name as printed by holidays.China (suffixes such as " (observed)" stripped) -> key.
_PKG_NAME_TO_KEY: dict[str, str] = {
    "New Year's Day": "new_year",
    "Chinese New Year (Spring Festival)": "spring_festival",
    "Chinese New Year's Eve": "spring_festival",
    "Tomb-Sweeping Day": "tomb_sweeping",
    "Labor Day": "labor_day",
    "Labour Day": "labor_day",
    "Dragon Boat Festival": "dragon_boat",
    "Mid-Autumn Festival": "mid_autumn",
    "National Day": "national_day",
}

# Words people use for a holiday -> canonical key.  Lower-case; looked up after normalisation.
HOLIDAY_ALIASES: dict[str, str] = {
    "元旦": "new_year",
    "元旦节": "new_year",
    "新年": "new_year",
    "new year": "new_year",
    "new year's day": "new_year",
    "new years day": "new_year",
    "new year's": "new_year",
    "春节": "spring_festival",
    "过年": "spring_festival",
    "农历新年": "spring_festival",
    "spring festival": "spring_festival",
    "chinese new year": "spring_festival",
    "lunar new year": "spring_festival",
    "清明": "tomb_sweeping",
    "清明节": "tomb_sweeping",
    "qingming": "tomb_sweeping",
    "qingming festival": "tomb_sweeping",
    "tomb-sweeping day": "tomb_sweeping",
    "tomb sweeping day": "tomb_sweeping",
    "劳动节": "labor_day",
    "五一": "labor_day",
    "五一节": "labor_day",
    "五一劳动节": "labor_day",
    "labor day": "labor_day",
    "labour day": "labor_day",
    "may day": "labor_day",
    "端午": "dragon_boat",
    "端午节": "dragon_boat",
    "dragon boat": "dragon_boat",
    "dragon boat festival": "dragon_boat",
    "中秋": "mid_autumn",
    "中秋节": "mid_autumn",
    "mid-autumn": "mid_autumn",
    "mid-autumn festival": "mid_autumn",
    "mid autumn festival": "mid_autumn",
    "国庆": "national_day",
    "国庆节": "national_day",
    "十一黄金周": "national_day",
    "十一长假": "national_day",
    "national day": "national_day",
    "golden week": "national_day",
}
_ZH_TO_KEY = {zh: key for key, (zh, _en) in _NAMES.items()}
_EN_TO_KEY = {en: key for key, (_zh, en) in _NAMES.items()}

_SUFFIX_RE = re.compile(r"\s*\((?:observed|estimated)\)\s*$", re.IGNORECASE)
_DAY_OFF_PREFIX = "day off"
_DAY_OFF_NAMES = ("调休", "Day off (substituted)")
_RUN_LIMIT = 60  # a run of non-working days longer than this is a configuration error, stop scanning


@dataclass(frozen=True)
class HolidayPeriod:
    """A maximal run of consecutive non-working days containing at least one statutory holiday."""

    name: str  # Chinese, e.g. "国庆节"; two festivals in one run are joined: "中秋节、国庆节"
    name_en: str
    first: date
    last: date

    @property
    def days(self) -> int:
        """Length of the period in calendar days."""
        return (self.last - self.first).days + 1


def _key_for_package_name(raw: str) -> str | None:
    """Map a holidays.China English name to a canonical key; None for substituted days off."""
    name = raw
    while True:
        stripped = _SUFFIX_RE.sub("", name)
        if stripped == name:
            break
        name = stripped
    return _PKG_NAME_TO_KEY.get(name)


class WorkCalendar:
    """Working days per the Chinese statutory plan plus per-contract overrides.

    Precedence (highest first): ``add_workdays`` > ``add_holidays`` > ``remove_holidays`` >
    the ``holidays`` package (statutory holidays, days off substituted, weekend working days)
    > Monday-Friday.
    """

    def __init__(
        self,
        *,
        add_holidays: Mapping[date, str] | None = None,
        remove_holidays: Iterable[date] = (),
        add_workdays: Iterable[date] = (),
        workday_start: time = time(9, 0),
        workday_end: time = time(17, 30),
    ) -> None:
        self._add_holidays: dict[date, str] = dict(add_holidays or {})
        self._remove_holidays: frozenset[date] = frozenset(remove_holidays)
        self._add_workdays: frozenset[date] = frozenset(add_workdays)
        clash = self._add_workdays & set(self._add_holidays)
        if clash:
            raise ValueError(f"dates both added as holiday and as workday: {sorted(clash)}")
        if workday_end <= workday_start:
            raise ValueError("workday_end must be after workday_start")
        self.workday_start: time = workday_start
        self.workday_end: time = workday_end
        self._loaded_years: set[int] = set()
        self._pkg_names: dict[date, str] = {}  # raw English names from the package
        self._pkg_weekend_workdays: set[date] = set()
        self._workday_cache: dict[date, bool] = {}

    # -- loading -------------------------------------------------------------------------------
    def _load_year(self, year: int) -> None:
        """Pull one year from the holidays package (once)."""
        if year in self._loaded_years:
            return
        self._loaded_years.add(year)
        try:
            cn = holidays.China(years=year)
        except (NotImplementedError, ValueError, OverflowError):  # outside the package's range
            return
        for d, raw in cn.items():
            self._pkg_names[d] = raw
        self._pkg_weekend_workdays.update(cn.weekend_workdays)

    def _raw_name(self, d: date) -> str | None:
        """Effective holiday label for ``d`` (override name or package English name)."""
        if d in self._add_workdays:
            return None
        if d in self._add_holidays:
            return self._add_holidays[d]
        if d in self._remove_holidays:
            return None
        self._load_year(d.year)
        return self._pkg_names.get(d)

    # -- single days ---------------------------------------------------------------------------
    def is_holiday(self, d: date) -> bool:
        """Statutory holiday or substituted day off, after contract overrides."""
        return self._raw_name(d) is not None

    def is_workday(self, d: date) -> bool:
        """True when staff are expected on site on ``d``."""
        cached = self._workday_cache.get(d)
        if cached is not None:
            return cached
        if d in self._add_workdays:
            result = True
        elif self.is_holiday(d):
            result = False
        else:
            self._load_year(d.year)
            result = d.weekday() < 5 or d in self._pkg_weekend_workdays
        self._workday_cache[d] = result
        return result

    def is_extra_workday(self, d: date) -> bool:
        """Saturday/Sunday that is a working day (调休上班 or a contract override)."""
        return d.weekday() >= 5 and self.is_workday(d)

    def _key(self, d: date) -> str | None:
        """Canonical holiday key of ``d`` (None for days off substituted or unknown names)."""
        raw = self._raw_name(d)
        if raw is None:
            return None
        key = _key_for_package_name(raw)
        if key is None:
            key = _ZH_TO_KEY.get(raw) or _EN_TO_KEY.get(raw) or HOLIDAY_ALIASES.get(raw.strip().lower())
        return key

    def _label(self, d: date) -> tuple[str, str] | None:
        """(zh, en) display name of the holiday *on* ``d`` itself, without period context."""
        raw = self._raw_name(d)
        if raw is None:
            return None
        key = self._key(d)
        if key is not None:
            return _NAMES[key]
        if raw.lower().startswith(_DAY_OFF_PREFIX):
            return _DAY_OFF_NAMES
        return raw, raw  # custom contract holiday, e.g. {"date": "单位运动会"}

    def holiday_name(self, d: date, lang: str = "zh_CN") -> str | None:
        """Name of the holiday on ``d``; a substituted day off is named after its holiday period."""
        label = self._label(d)
        if label is None:
            return None
        if label == _DAY_OFF_NAMES:
            key = self._nearest_key_in_run(d)
            if key is not None:
                label = _NAMES[key]
        return label[1] if lang.lower().startswith("en") else label[0]

    # -- runs and periods ----------------------------------------------------------------------
    def _run(self, d: date) -> tuple[date, date]:
        """Maximal run of non-working days around a non-working ``d``."""
        first = d
        for _ in range(_RUN_LIMIT):
            prev = first - timedelta(days=1)
            if self.is_workday(prev):
                break
            first = prev
        last = d
        for _ in range(_RUN_LIMIT):
            nxt = last + timedelta(days=1)
            if self.is_workday(nxt):
                break
            last = nxt
        return first, last

    def _nearest_key_in_run(self, d: date) -> str | None:
        """Key of the named holiday closest to ``d`` in the same run (earlier wins ties)."""
        first, last = self._run(d)
        best: tuple[int, date, str] | None = None
        cur = first
        while cur <= last:
            key = self._key(cur)
            if key is not None:
                cand = (abs((cur - d).days), cur, key)
                if best is None or cand < best:
                    best = cand
            cur += timedelta(days=1)
        return best[2] if best else None

    def _period_for_run(self, first: date, last: date) -> HolidayPeriod | None:
        """Build the named HolidayPeriod for a run, or None if it holds no holiday."""
        labels: list[tuple[str, str]] = []
        has_holiday = False
        cur = first
        while cur <= last:
            label = self._label(cur)
            if label is not None:
                has_holiday = True
                if label != _DAY_OFF_NAMES and label not in labels:
                    labels.append(label)
            cur += timedelta(days=1)
        if not has_holiday:
            return None
        if not labels:
            labels = [_DAY_OFF_NAMES]
        return HolidayPeriod(
            name="、".join(zh for zh, _ in labels),
            name_en=" / ".join(en for _, en in labels),
            first=first,
            last=last,
        )

    def holiday_periods(self, start: date, end: date) -> list[HolidayPeriod]:
        """Holiday periods overlapping [start, end], in date order (full extent, not clipped)."""
        periods: list[HolidayPeriod] = []
        cur = start
        while cur <= end:
            if self.is_workday(cur):
                cur += timedelta(days=1)
                continue
            first, last = self._run(cur)
            period = self._period_for_run(first, last)
            if period is not None:
                periods.append(period)
            cur = last + timedelta(days=1)
        return periods

    def find_holiday(self, name: str, around: date) -> HolidayPeriod | None:
        """Holiday period by name or alias: the one containing ``around``, else the next one."""
        key = HOLIDAY_ALIASES.get(name.strip().lower()) or _ZH_TO_KEY.get(name.strip())
        if key is None:
            return None
        for year in range(around.year - 1, around.year + 3):
            self._load_year(year)
            start = max(date(year, 1, 1), around - timedelta(days=_RUN_LIMIT))
            cur = start
            end = date(year, 12, 31)
            while cur <= end:
                if self._key(cur) == key:
                    first, last = self._run(cur)
                    if last >= around:
                        return self._period_for_run(first, last)
                    cur = last + timedelta(days=1)
                    continue
                cur += timedelta(days=1)
        return None

    # -- ranges --------------------------------------------------------------------------------
    @staticmethod
    def _days(start: date, end: date) -> Iterable[date]:
        cur = start
        while cur <= end:
            yield cur
            cur += timedelta(days=1)

    def workdays_between(self, start: date, end: date) -> list[date]:
        """Working days in [start, end], both ends inclusive; [] if start > end."""
        return [d for d in self._days(start, end) if self.is_workday(d)]

    def count_workdays(self, start: date, end: date) -> int:
        """Number of working days in [start, end] inclusive."""
        return sum(1 for d in self._days(start, end) if self.is_workday(d))

    def holidays_in(self, start: date, end: date) -> list[date]:
        """Statutory holidays (incl. days off substituted) in [start, end]."""
        return [d for d in self._days(start, end) if self.is_holiday(d)]

    def extra_workdays(self, start: date, end: date) -> list[date]:
        """Weekend days in [start, end] that are working days (调休上班)."""
        return [d for d in self._days(start, end) if self.is_extra_workday(d)]

    def next_workday(self, d: date) -> date:
        """First working day strictly after ``d``."""
        cur = d + timedelta(days=1)
        while not self.is_workday(cur):
            cur += timedelta(days=1)
        return cur

    def previous_workday(self, d: date) -> date:
        """Last working day strictly before ``d``."""
        cur = d - timedelta(days=1)
        while not self.is_workday(cur):
            cur -= timedelta(days=1)
        return cur

    def add_workdays(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (negative ``n`` counts back).

        ``n == 0`` gives ``d`` itself if it is a working day, else the next one.  Used for
        contract deadlines such as "within 15 working days after signing".
        """
        if n == 0:
            return d if self.is_workday(d) else self.next_workday(d)
        cur = d
        if n > 0:
            for _ in range(n):
                cur = self.next_workday(cur)
        else:
            for _ in range(-n):
                cur = self.previous_workday(cur)
        return cur


@cache
def default_calendar() -> WorkCalendar:
    """Shared calendar without contract overrides (its per-date cache is reused)."""
    return WorkCalendar()
