"""The contract duties' timers (listed in bot/services/schedule.py).

- `duty.handover`: releases a leaving engineer on the release day of the hand-over.
- `duty.papers`: reminders before, and alerts after, onboarding-paper due dates.
- `duty.incidents`: reminders until an incident report is complete.
- `duty.drills`: reminders before and on a drill's day; a flag when a drill was not done.
- `duty.backup`: the daily verified backup with retention.
"""

from __future__ import annotations

from bot.services import compliance, datalife, drills, incidents, staff
from bot.services.timers import Timer

HANDOVER = Timer("duty.handover", staff.release_due, staff.next_release_due)
PAPERS = Timer("duty.papers", compliance.remind_papers, compliance.next_papers_due)
INCIDENTS = Timer("duty.incidents", incidents.remind_open, incidents.next_reminder_due)
DRILLS = Timer("duty.drills", drills.remind_drills, drills.next_drill_due)
BACKUP = Timer("duty.backup", datalife.daily_backup, datalife.next_backup_due)
