"""Photos and files kept with a record, and quiet hours for what can wait: pure rules, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

# The records a photo or file can belong to (the contract's tickets, daily log, incident reports, urgent arrivals).
RECORD_TYPES = ("ticket", "daily", "incident", "urgent")


@dataclass(frozen=True)
class StoredAttachment:
    """A photo or file kept with a record (record_type None: the bot still asks which record it belongs to)."""

    id: int
    record_type: str | None
    record_id: int | None
    kind: str  # photo | document
    platform: str
    platform_file_id: str
    name: str | None
    size: int | None
    mime: str | None
    caption: str | None
    local_path: str | None
    person_id: int
    created_at: datetime

    @property
    def label(self) -> str:
        """How a history line names it: the file name, else the caption, else the kind."""
        return self.name or self.caption or self.kind


# Notifications that can wait for the end of someone's quiet hours: listed by outbox kind, in this one place.
# Urgent requests, escalations, on-call hand-overs and everything not listed here always go through.
CAN_WAIT: frozenset[str] = frozenset({
    "tickets.faq_digest",  # new FAQ entries
    "report.chart", "report.workbook",  # report ready
    "papers.reminder", "papers.overdue",  # paper reminders
    "tickets.rate",  # a rating request
    "staff.welcome",
    "drill.remind",
    "drill.result",
    "data.backup",
    "attendance.summary",
})

_SPAN = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[-–—~～至到]\s*(\d{1,2})[:：](\d{2})\s*$")


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time during which what can wait is held (may run past midnight: 22:00-08:00)."""

    start_minute: int
    end_minute: int

    @staticmethod
    def parse(text: str) -> QuietHours | None:
        """'22:00-08:00' → QuietHours; None when it is not two times of day or both are the same."""
        match = _SPAN.match(text)
        if match is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            return None
        start, end = h1 * 60 + m1, h2 * 60 + m2
        return QuietHours(start, end) if start != end else None

    @property
    def start(self) -> time:
        return time(self.start_minute // 60, self.start_minute % 60)

    @property
    def end(self) -> time:
        return time(self.end_minute // 60, self.end_minute % 60)

    def contains(self, local: datetime) -> bool:
        """Whether a local moment is quiet (the start is quiet, the end is not)."""
        minute = local.hour * 60 + local.minute
        if self.start_minute < self.end_minute:
            return self.start_minute <= minute < self.end_minute
        return minute >= self.start_minute or minute < self.end_minute

    def ends_after(self, moment: datetime, tz: tzinfo) -> datetime:
        """The first end of quiet hours after `moment` (aware), as an aware moment in `tz`."""
        local = moment.astimezone(tz)
        end = datetime.combine(local.date(), self.end, tzinfo=tz)
        while end <= local:
            end = datetime.combine(end.date() + timedelta(days=1), self.end, tzinfo=tz)
        return end
