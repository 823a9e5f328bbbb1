"""Since when the bot keeps the record: a contract already under way when the bot first starts.

Before the tracking start nothing counts as missing (no absences, no days without a maintenance log) and no
monthly report is owed: the bot was not there to see them. It is `contract.tracking_start` when configured,
else the day the bot first started on this database (recorded once, at start-up), never before the
contract's start.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from storage.duties import DutyMarksRepository

if TYPE_CHECKING:
    from bot.services.container import Services
    from storage.uow import UnitOfWork

FIRST_START = "tracking:first_start"


async def record_first_start(uow: UnitOfWork, now: datetime) -> None:
    """At every start-up; only the first one on this database is kept."""
    marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
    await marks.claim(FIRST_START, now)


async def tracking_start(services: Services) -> date:
    """The first day that counts: configured, else the bot's first start (the contract's start if the bot
    never started on this database, e.g. a report built by the CLI alone)."""
    contract = services.settings.contract
    configured = contract.tracking_start
    if configured is None:
        async with services.db.uow(read_only=True) as uow:
            first = await uow.repo(DutyMarksRepository).at(FIRST_START)
        configured = services.local(first).date() if first is not None else contract.start
    return max(configured, contract.start)
