"""Delivers the outbox's channel rows (issue 20: a phone call or SMS through the provider's HTTP hook, DingTalk's
DING) with the sender registered for each channel (bot/transports/channels.py).

- Each channel has its own pace: at most `channels.per_minute` sends in any minute (a row over it waits in the
  database, due, for the next dispatch); chat messages never wait for a call.
- Accepted → the row is marked sent. `ChannelRetry` (timeouts, 5xx, 429) → retried with backoff until
  `channels.max_attempts`; `ChannelRejected`, the last attempt, or no sender for the channel → failed for good
  and the admins are told through chat.
- Every attempt is recorded (channel_attempts) and shows on the request's timeline (/urgents N, the web page).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from datetime import timedelta

from bot.services.container import Services
from bot.services.domain.people import Role
from bot.transports.channels import ChannelCall, ChannelRejected, ChannelRetry, ChannelSender
from storage.channels import ChannelMessage, ChannelRepository

log = logging.getLogger(__name__)

CLAIM_TTL = 120.0  # a replica's claim on a call / SMS row (issue 18.2); a provider's hook may take its time


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at ten minutes (a provider's outage rarely ends within seconds)."""
    return min(timedelta(seconds=30 * 2 ** min(attempts, 8)), timedelta(minutes=10))


def default_senders(services: Services) -> dict[str, ChannelSender]:
    """The senders this deployment has from its config: the HTTP hook when `[channels.http]` is set."""
    from bot.transports.http_hook import HttpHookSender

    http = services.settings.channels.http
    return {"http": HttpHookSender(http)} if http is not None else {}


class ChannelDelivery:
    def __init__(self, services: Services, senders: dict[str, ChannelSender]) -> None:
        self.services = services
        self.senders = senders
        self._recent: dict[str, deque[float]] = {}

    def register(self, sender: ChannelSender) -> None:
        """A platform adds its sender (DingTalk: DING)."""
        self.senders[sender.name] = sender

    def _allowed(self, channel: str) -> bool:
        window = self._recent.setdefault(channel, deque())
        clock = time.monotonic()
        while window and clock - window[0] >= 60:
            window.popleft()
        if len(window) >= self.services.settings.channels.per_minute:
            return False
        window.append(clock)
        return True

    async def dispatch(self) -> int:
        """Send every due channel row its channel's pace allows; returns how many were accepted."""
        async with self.services.db.uow(read_only=True) as uow:
            due = await uow.repo(ChannelRepository).due(self.services.now())
        accepted = 0
        for message in due:
            if message.channel in self.senders and not self._allowed(message.channel):
                continue
            if not await self._claim(message):
                continue  # another replica is calling it (issue 18.2)
            accepted += await self._send(message)
        return accepted

    async def _claim(self, message: ChannelMessage) -> bool:
        """Replicas on PostgreSQL: take the row for this replica first (never two calls for one row)."""
        db = self.services.db
        if db.backend == "sqlite":
            return True
        async with db.uow() as uow:
            taken = await uow.outbox.claim_row(message.id, db.replica, CLAIM_TTL)
            await uow.commit()
        return taken

    async def _send(self, message: ChannelMessage) -> int:
        services = self.services
        async with services.db.uow(read_only=True) as uow:
            person_id = await uow.repo(ChannelRepository).person_of(message.id)
            person = await uow.people.by_id(person_id) if person_id is not None else None
        sender = self.senders.get(message.channel)
        call = ChannelCall(message.id, message.channel, message.address, message.text, message.kind,
                           message.subject, person_id, person.name if person else "")
        outcome, detail = "ok", ""
        try:
            if sender is None:
                raise ChannelRejected(f"no sender for channel {message.channel!r}")
            detail = await sender.send(call)
        except ChannelRetry as exc:
            last = message.attempts + 1 >= services.settings.channels.max_attempts
            outcome, detail = ("failed" if last else "retry"), str(exc)
        except ChannelRejected as exc:
            outcome, detail = "failed", str(exc)
        except Exception as exc:  # a bug in a sender: keep the row and try again, as for chat
            log.exception("channel %s row %s: unexpected error", message.channel, message.id)
            last = message.attempts + 1 >= services.settings.channels.max_attempts
            outcome, detail = ("failed" if last else "retry"), f"{type(exc).__name__}"
        now = services.now()
        async with services.db.uow() as uow:
            channels = uow.repo(ChannelRepository)
            await channels.record(message.id, subject=message.subject, person_id=person_id,
                                  channel=message.channel, at=now, outcome=outcome, detail=detail)
            if outcome == "ok":
                await uow.outbox.mark_sent(message.id, now=now, telegram_message_id=None)
            elif outcome == "retry":
                await uow.outbox.retry_later(message.id, at=now + backoff(message.attempts), error=detail)
            else:
                await uow.outbox.mark_failed(message.id, error=detail)
                admins = [p for p in await uow.people.all(include_left=False) if Role.ADMIN in p.roles]
                await services.notifier.to_people(
                    uow, admins, "chan.failed_admin", kind="delivery.failed", dedup=f"channel-failed:{message.id}",
                    channel=message.channel, name=person.name if person else "?", subject=message.subject or "",
                    error=detail)
            await uow.commit()
        if outcome != "ok":
            log.warning("channel %s row %s: %s (%s)", message.channel, message.id, outcome, detail)
        return 1 if outcome == "ok" else 0
