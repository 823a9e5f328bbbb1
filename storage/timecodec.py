"""How times and dates are written: UTC text that sorts correctly. SQLite keeps the text; PostgreSQL parses it
into its TIMESTAMPTZ columns and hands back datetimes, which `from_db` accepts as well."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_db(moment: datetime) -> str:
    """A timezone-aware moment as UTC text, second precision (sortable)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a timezone first")
    return moment.astimezone(UTC).strftime(_FORMAT)


@overload
def from_db(text: str | datetime) -> datetime: ...
@overload
def from_db(text: None) -> None: ...
@overload
def from_db(text: str | datetime | None) -> datetime | None: ...
def from_db(text: str | datetime | None) -> datetime | None:
    """The inverse of `to_db`; None stays None (a datetime from PostgreSQL is returned in UTC)."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text if text.tzinfo is UTC else text.astimezone(UTC)
    # fromisoformat reads the trailing Z (Python 3.11) ~50× faster than strptime: /score parses tens of
    # thousands of these for a contract year (bench/bench_score.py).
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is UTC:
        return moment
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def date_to_db(day: date) -> str:
    return day.isoformat()


@overload
def date_from_db(text: str) -> date: ...
@overload
def date_from_db(text: None) -> None: ...
@overload
def date_from_db(text: str | None) -> date | None: ...
def date_from_db(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
