"""How times and dates are written to SQLite: UTC text that sorts correctly."""

from __future__ import annotations

from datetime import UTC, date, datetime

_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def to_db(moment: datetime) -> str:
    """A timezone-aware moment as UTC text, second precision (sortable)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a timezone first")
    return moment.astimezone(UTC).strftime(_FORMAT)


def from_db(text: str | None) -> datetime | None:
    """The inverse of `to_db`; None stays None."""
    if text is None:
        return None
    return datetime.strptime(text, _FORMAT).replace(tzinfo=UTC)


def date_to_db(day: date) -> str:
    return day.isoformat()


def date_from_db(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
