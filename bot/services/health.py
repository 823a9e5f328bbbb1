"""Reliability services: skipping redelivered updates, the liveness stamp, the downtime notice, health.

- Redelivered updates: an update is remembered (id + a fingerprint of its content) after it was handled;
  the same update arriving again is skipped. See bot/handlers/reliability.py for where this sits.
- Liveness: `alive_tick` stamps `last_alive` every `reliability.alive_interval`; a graceful stop stamps it
  too and says so (`clean_stop`). At start-up `detect_downtime` compares the stamp with the start time and
  lists what the outbox shows about deadlines that passed meanwhile: messages the start-up sweep queued
  (every timer's sweep runs at start-up, so whatever fell due while the bot was down is queued then) and
  messages that were already owed and had not gone out.
- Health: `health_report` (uptime, database, outbox backlog, next timers) for /health and GET /health.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from bot.catalog import CATALOG, Joined, Text
from bot.services.container import Services
from bot.services.domain.people import Role
from storage.outbox import OutboxBacklog
from storage.reliability import ReliabilityRepository
from storage.timecodec import to_db

log = logging.getLogger(__name__)

LAST_ALIVE = "last_alive"
CLEAN_STOP = "clean_stop"
DB_CHECK_TIMEOUT = 5.0
OWN_KIND_PREFIX = "rel."


# -- redelivered updates -------------------------------------------------------------------------------

def fingerprint(payload: Mapping[str, Any]) -> str:
    """A short digest of an update's content: a redelivery is identical, a reused id is not."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


async def already_processed(services: Services, update_id: int, digest: str) -> bool:
    async with services.db.uow(read_only=True) as uow:
        return await uow.repo(ReliabilityRepository).is_processed(update_id, digest)


async def mark_processed(services: Services, update_id: int, digest: str) -> None:
    async with services.db.uow() as uow:
        await uow.repo(ReliabilityRepository).mark_processed(update_id, digest, services.now())
        await uow.commit()


# -- liveness ---------------------------------------------------------------------------------------------

async def alive_tick(services: Services) -> None:
    """Stamp `last_alive` (not a clean stop) and forget update ids older than the redelivery window."""
    await _stamp_alive(services, clean_stop=False)


async def mark_clean_stop(services: Services) -> None:
    """A graceful stop: the downtime notice will say the bot was stopped, not that it died."""
    await _stamp_alive(services, clean_stop=True)


async def _stamp_alive(services: Services, *, clean_stop: bool) -> None:
    now = services.now()
    async with services.db.uow() as uow:
        repo: ReliabilityRepository = uow.repo(ReliabilityRepository)
        await repo.put_time(LAST_ALIVE, now, now)
        await repo.put(CLEAN_STOP, "1" if clean_stop else "0", now)
        if not clean_stop:
            await repo.prune_processed(now - services.settings.reliability.processed_updates_keep)
        await uow.commit()


@dataclass(frozen=True)
class Downtime:
    """The bot was not running from `down_from` (last sign of life) to `down_until` (this start)."""

    down_from: datetime
    down_until: datetime
    clean_stop: bool
    late: dict[str, int] = field(default_factory=dict)   # queued by the start-up sweep: fell due while down
    owed: dict[str, int] = field(default_factory=dict)   # queued before, due by now, not delivered before

    @property
    def duration(self) -> timedelta:
        return self.down_until - self.down_from


async def detect_downtime(services: Services) -> Downtime | None:
    """Call after the start-up sweep and before the first `alive_tick`; None on a first start or a short gap."""
    started = services.started_at
    async with services.db.uow() as uow:
        repo: ReliabilityRepository = uow.repo(ReliabilityRepository)
        last_alive = await repo.get_time(LAST_ALIVE)
        clean = await repo.get(CLEAN_STOP) == "1"
        if last_alive is None or started - last_alive <= services.settings.reliability.downtime_notice_after:
            return None
        late = await uow.outbox.kinds_created_since(started, exclude_prefix=OWN_KIND_PREFIX)
        owed = await uow.outbox.kinds_owed_at(started)
    return Downtime(last_alive, started, clean, late, owed)


async def downtime_of(services: Services, downtime: Downtime) -> Downtime:
    """The same downtime (the process's, detected on the first contract) seen from another contract of the
    deployment (issue 18): what fell due and what was owed in that contract's outbox."""
    async with services.db.uow(read_only=True) as uow:
        late = await uow.outbox.kinds_created_since(downtime.down_until, exclude_prefix=OWN_KIND_PREFIX)
        owed = await uow.outbox.kinds_owed_at(downtime.down_until)
    return Downtime(downtime.down_from, downtime.down_until, downtime.clean_stop, late, owed)


def fmt_downtime(duration: timedelta) -> Text:
    """How long the bot was down, as people say it: 45 分钟, 2 小时 5 分钟, 6 天 9 小时 (never 9180 分钟)."""
    minutes = max(int(duration.total_seconds() // 60), 1)
    if minutes < 60:
        return Text("rel.duration.minutes", minutes=minutes)
    if minutes < 24 * 60:
        return Text("rel.duration.hours", hours=minutes // 60, minutes=minutes % 60)
    return Text("rel.duration.days", days=minutes // (24 * 60), hours=minutes // 60 % 24)


async def notify_downtime(services: Services, downtime: Downtime) -> int:
    """Tell the admins (once per start) when the bot was down and what fell due meanwhile."""
    async with services.db.uow() as uow:
        count = 0
        for admin in await uow.people.all(include_left=False):
            if Role.ADMIN not in admin.roles:
                continue
            if await services.notifier.to_person(
                    uow, admin, "rel.downtime.clean" if downtime.clean_stop else "rel.downtime.crash",
                    kind="rel.downtime",
                    dedup=f"rel.downtime:{to_db(downtime.down_until)}",
                    since=services.fmt(downtime.down_from), until=services.fmt(downtime.down_until),
                    duration=fmt_downtime(downtime.duration),
                    late=describe_kinds(downtime.late), owed=describe_kinds(downtime.owed)):
                count += 1
        await uow.audit.append(at=services.now(), action="rel.downtime", entity="bot",
                               before={"last_alive": services.fmt(downtime.down_from)},
                               after={"started": services.fmt(downtime.down_until), "clean": downtime.clean_stop,
                                      "late": downtime.late, "owed": downtime.owed})
        await uow.commit()
    return count


def kind_text(kind: str) -> Text | str:
    """The human name of an outbox kind (`outbox.kind.<kind>`, rendered in the reader's language), or the raw
    kind if none."""
    key = f"outbox.kind.{kind}"
    return Text(key) if key in CATALOG else kind


def describe_kinds(kinds: Mapping[str, int]) -> Joined | str:
    """`紧急请求升级 ×2, 工单超期提醒 ×1` ('—' when empty); a kind without a catalog name stays raw."""
    if not kinds:
        return "—"
    return Joined(tuple(Joined((kind_text(kind), f" ×{count}")) for kind, count in kinds.items()), ", ")


# -- heartbeat ------------------------------------------------------------------------------------------

async def ping_heartbeat(url: str, *, timeout: float = 10.0) -> bool:
    """GET the dead-man-switch URL; True on a 2xx answer. Never raises."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(url)
        return 200 <= response.status_code < 300
    except Exception as exc:
        log.warning("heartbeat %s failed: %s", url, exc)
        return False


# -- health -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HealthReport:
    now: datetime
    started_at: datetime
    database_ok: bool
    database_detail: str
    database_bytes: int
    outbox: OutboxBacklog
    next_timers: dict[str, datetime | None]
    last_alive: datetime | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def uptime(self) -> timedelta:
        return self.now - self.started_at

    @property
    def oldest_pending_age(self) -> timedelta | None:
        oldest = self.outbox.oldest_pending_at
        return None if oldest is None else self.now - oldest


async def health_report(services: Services, next_runs: Mapping[str, datetime | None] | None = None, *,
                        thorough: bool = False) -> HealthReport:
    """Collect the bot's health. `thorough` runs SQLite's quick_check (the admin command does; the HTTP
    endpoint, polled often, only proves the database answers within five seconds)."""
    now = services.now()
    problems: list[str] = []
    size, last_alive, backlog = 0, None, OutboxBacklog({}, 0, None)
    try:
        async with asyncio.timeout(DB_CHECK_TIMEOUT):
            async with services.db.uow() as uow:
                repo: ReliabilityRepository = uow.repo(ReliabilityRepository)
                detail = "; ".join((await repo.quick_check())[:3]) if thorough else "ok"
                size = await repo.size_bytes()
                last_alive = await repo.get_time(LAST_ALIVE)
                backlog = await uow.outbox.backlog(now)
        database_ok = detail == "ok"
    except TimeoutError:
        database_ok, detail = False, f"no answer within {DB_CHECK_TIMEOUT:.0f} s"
    except Exception as exc:
        database_ok, detail = False, f"{type(exc).__name__}: {exc}"
    if not database_ok:
        problems.append("database")
    wal = f"{services.db.path}-wal"
    if os.path.exists(wal):
        size += os.path.getsize(wal)
    oldest = backlog.oldest_pending_at
    if oldest is not None and now - oldest > services.settings.reliability.outbox_stuck_after:
        problems.append("outbox_stuck")
    return HealthReport(now, services.started_at, database_ok, detail, size, backlog,
                        dict(sorted((next_runs or {}).items())), last_alive, problems)


def health_json(report: HealthReport) -> dict[str, Any]:
    """The report as the HTTP endpoint serves it (times in UTC ISO 8601)."""
    def iso(moment: datetime | None) -> str | None:
        return None if moment is None else moment.isoformat()

    age = report.oldest_pending_age
    return {
        "status": "ok" if report.ok else "trouble",
        "problems": report.problems,
        "now": iso(report.now),
        "uptime_s": int(report.uptime.total_seconds()),
        "database": {"ok": report.database_ok, "detail": report.database_detail, "bytes": report.database_bytes},
        "outbox": {"by_status": report.outbox.by_status, "due_now": report.outbox.due_now,
                   "oldest_pending_s": None if age is None else int(age.total_seconds())},
        "timers": {name: iso(due) for name, due in report.next_timers.items()},
        "last_alive": iso(report.last_alive),
    }
