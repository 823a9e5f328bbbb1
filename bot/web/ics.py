"""iCalendar (RFC 5545) for the duty feed: text escaping, line folding at 75 octets, CRLF, UTC times."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    day: date
    start: datetime | None = None  # None: an all-day event on `day`
    end: datetime | None = None
    description: str = ""


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (never inside a UTF-8 character), CRLF + space."""
    pieces: list[str] = []
    current, size = "", 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append(current)
            current, size = "", 1  # the continuation's leading space counts
            limit = 75
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: Iterable[Event], *, stamp: datetime, prodid: str = "-//maintbot//duty//ZH") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(name)}"]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{escape(event.uid)}@maintbot", f"DTSTAMP:{_utc(stamp)}"]
        if event.start is not None and event.end is not None:
            lines += [f"DTSTART:{_utc(event.start)}", f"DTEND:{_utc(event.end)}"]
        else:
            lines += [f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{event.day + timedelta(days=1):%Y%m%d}"]
        lines.append(f"SUMMARY:{escape(event.summary)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
