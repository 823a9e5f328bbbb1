"""The outbox worker: sends what the outbox holds, and marks a row sent only when Telegram said ok.

Error classes (see ../shared/ptb-notes.md): RetryAfter waits its retry_after; TimedOut and NetworkError
(refused connections, 5xx) back off and retry; ChatMigrated moves the chat and retries; Forbidden and
BadRequest fail for good and the admins are told. A crash between sending and marking means the message
is sent again after the restart: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.handlers.common import keyboard
from bot.services.container import Services
from bot.services.people import Role
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
CHAT_CONCURRENCY = 16


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at five minutes."""
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


class OutboxDelivery:
    def __init__(self, services: Services, bot: ExtBot) -> None:
        self.services = services
        self.bot = bot
        self._drain_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.sent_count = 0
        self.retry_count = 0

    async def drain(self, *, max_rounds: int = 100) -> int:
        """Send everything due now; returns how many were delivered. Safe to call concurrently."""
        delivered = 0
        async with self._drain_lock:
            for _ in range(max_rounds):
                async with self.services.db.uow() as uow:
                    batch = await uow.outbox.due(self.services.now(), limit=200)
                if not batch:
                    break
                sent = await self._send_batch(batch)
                delivered += sent
                if sent == 0:
                    break
        return delivered

    async def _send_batch(self, batch: list[OutboxMessage]) -> int:
        """Chats in parallel (bounded), each chat's messages in order."""
        by_chat: dict[int, list[OutboxMessage]] = defaultdict(list)
        for message in batch:
            by_chat[message.chat_id].append(message)
        semaphore = asyncio.Semaphore(CHAT_CONCURRENCY)
        results: list[int] = []

        async def one_chat(messages: list[OutboxMessage]) -> None:
            async with semaphore:
                for message in messages:
                    ok = await self._send(message)
                    results.append(int(ok))
                    if not ok:
                        return  # keep the chat's order: what follows waits for the failed one

        await asyncio.gather(*(one_chat(msgs) for msgs in by_chat.values()))
        return sum(results)

    async def _send(self, message: OutboxMessage) -> bool:
        try:
            sent = await self._deliver(message)
        except RetryAfter as exc:
            wait = exc.retry_after if isinstance(exc.retry_after, timedelta) else timedelta(seconds=exc.retry_after)
            await self._retry(message, wait, f"RetryAfter {wait.total_seconds():.0f}s")
            return False
        except ChatMigrated as exc:
            async with self.services.db.uow() as uow:
                await uow.outbox.move_chat(message.chat_id, exc.new_chat_id)
                await uow.chats.migrate(message.chat_id, exc.new_chat_id)
                await uow.commit()
            return False
        except (Forbidden, BadRequest) as exc:
            await self._fail(message, f"{type(exc).__name__}: {exc.message}")
            return False
        except TimedOut as exc:  # may have been delivered: at least once beats never
            await self._retry(message, backoff(message.attempts), f"TimedOut: {exc.message}")
            return False
        except TelegramError as exc:  # NetworkError, 5xx, refused connections
            await self._retry(message, backoff(message.attempts), f"{type(exc).__name__}: {exc.message}")
            return False
        async with self.services.db.uow() as uow:
            await uow.outbox.mark_sent(message.id, now=self.services.now(), telegram_message_id=sent)
            await uow.commit()
        self.sent_count += 1
        return True

    async def _deliver(self, message: OutboxMessage) -> int | None:
        markup = keyboard(message.buttons)
        if message.document_path:
            path = Path(message.document_path)
            with path.open("rb") as handle:
                if message.document_kind == "photo":
                    sent = await self.bot.send_photo(message.chat_id, handle, caption=message.text[:1024])
                else:
                    sent = await self.bot.send_document(message.chat_id, handle, caption=message.text[:1024],
                                                        filename=path.name)
        else:
            sent = await self.bot.send_message(message.chat_id, message.text, reply_markup=markup)
        return sent.message_id

    async def _retry(self, message: OutboxMessage, wait: timedelta, error: str) -> None:
        self.retry_count += 1
        log.warning("outbox %s to %s: %s; retry in %s", message.id, message.chat_id, error, wait)
        async with self.services.db.uow() as uow:
            await uow.outbox.retry_later(message.id, at=self.services.now() + wait, error=error)
            await uow.commit()

    async def _fail(self, message: OutboxMessage, error: str) -> None:
        log.error("outbox %s to %s failed for good: %s", message.id, message.chat_id, error)
        async with self.services.db.uow() as uow:
            await uow.outbox.mark_failed(message.id, error=error)
            if message.kind != "delivery.failed":
                admins = [p for p in await uow.people.all(include_left=False)
                          if Role.ADMIN in p.roles and p.chat_id != message.chat_id]
                await self.services.notifier.to_people(
                    uow, admins, "error.delivery_failed", kind="delivery.failed",
                    dedup=f"delivery-failed:{message.id}", chat=message.chat_id, error=error)
            await uow.commit()

    async def run_forever(self, idle: float = 1.0) -> None:
        """Wake on new rows (or every `idle` seconds for retries) and drain."""
        wakeup = self.services.notifier.wakeup
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=idle)
            wakeup.clear()
            try:
                await self.drain()
            except Exception:  # the worker must outlive any one bad row
                log.exception("outbox drain failed")

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name="outbox-delivery")

    async def stop(self, *, flush: bool = True) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if flush:
            try:
                await asyncio.wait_for(self.drain(max_rounds=5), timeout=10)
            except Exception:
                log.warning("outbox not fully flushed at shutdown; it is sent after the restart")
