"""The outbox worker: sends what the outbox holds, and marks a row sent only when Telegram said ok.

Guarantee: at least once, never lost, in order per chat.
- Ok from Telegram → the row is marked sent (in its own transaction, right after the call).
- `RetryAfter` (429): python-telegram-bot's AIORateLimiter already waited and retried `max_retries` times;
  if it still fails, the row waits its `retry_after` here and is tried again.
- `TimedOut`, `NetworkError` (refused connections, 5xx, 502), any other `TelegramError`, and unexpected
  exceptions: retried with exponential backoff (1 s, 2 s, 4 s … capped at five minutes), for ever.
- `ChatMigrated`: the group's pending rows and binding move to the new chat id, then it is retried.
- `Forbidden` / `BadRequest`, or a document file that is gone: failed for good; the admins are told.
- A chat's later messages wait while an earlier one to the same chat waits for its retry.

The ambiguous case: a `TimedOut` may come after Telegram accepted the message. We cannot tell, so the
row is retried — the recipient may then see it twice, which beats never. (The offline fake models a
timeout as raised before anything was recorded, i.e. not delivered; tests pin both readings.) A crash
between Telegram's ok and the `mark_sent` commit likewise re-sends the message after the restart.

Stopping: `stop()` lets the drain in flight finish (it is never cancelled half-way through a send unless
it overruns the timeout), then flushes what is due, as far as the timeout allows; the rest goes out after
the restart because it is still pending in the database.
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
from bot.services.domain.people import Role
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
CHAT_CONCURRENCY = 16
BATCH = 200
MIN_WAIT = timedelta(seconds=1)


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s … capped at five minutes."""
    return min(timedelta(seconds=2 ** min(attempts, 12)), MAX_BACKOFF)


def retry_after_of(exc: RetryAfter) -> timedelta:
    """RetryAfter.retry_after is seconds (int) in PTB 22, a timedelta once PTB_TIMEDELTA is on; the stored
    value is a timedelta either way (AIORateLimiter reads it the same way, without the deprecation warning)."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return value if isinstance(value, timedelta) else timedelta(seconds=float(value))


class OutboxDelivery:
    def __init__(self, services: Services, bot: ExtBot) -> None:
        self.services = services
        self.bot = bot
        self._drain_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.sent_count = 0
        self.retry_count = 0
        self.failed_count = 0

    async def drain(self, *, max_rounds: int = 100) -> int:
        """Send everything due now; returns how many were delivered. Safe to call concurrently."""
        delivered = 0
        async with self._drain_lock:
            for _ in range(max_rounds):
                async with self.services.db.uow() as uow:
                    batch = await uow.outbox.due(self.services.now(), limit=BATCH)
                if not batch:
                    break
                # Every row of a batch changes state (sent, failed, or retried later, which takes it and the
                # rest of its chat out of `due`), so each round makes progress; max_rounds bounds a migrating
                # chat that keeps answering ChatMigrated.
                delivered += await self._send_batch(batch)
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
        """One attempt; settles the row in the database whatever happens. True when delivered."""
        try:
            sent = await self._deliver(message)
        except RetryAfter as exc:
            wait = retry_after_of(exc)
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
        except OSError as exc:  # the document to send is gone: retrying cannot help
            await self._fail(message, f"{type(exc).__name__}: {exc}")
            return False
        except Exception as exc:  # a bug or an unexpected library error: keep the row, try again later
            log.exception("outbox %s: unexpected error", message.id)
            await self._retry(message, backoff(message.attempts), f"{type(exc).__name__}: {exc}")
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
        wait = max(wait, MIN_WAIT)  # never due again within the same drain
        log.warning("outbox %s to %s: %s; retry in %s", message.id, message.chat_id, error, wait)
        async with self.services.db.uow() as uow:
            await uow.outbox.retry_later(message.id, at=self.services.now() + wait, error=error)
            await uow.commit()

    async def _fail(self, message: OutboxMessage, error: str) -> None:
        self.failed_count += 1
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
        """Wake on new rows (or every `idle` seconds for retries and rows written by others) and drain."""
        wakeup = self.services.notifier.wakeup
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=idle)
            wakeup.clear()
            if self._stopping:
                break
            try:
                await self.drain()
            except Exception:  # the worker must outlive any one bad row
                log.exception("outbox drain failed")

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run_forever(), name="outbox-delivery")

    async def stop(self, *, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop the worker without cutting a send in half, then flush what is due (within `timeout`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._stopping = True
        self.services.notifier.wakeup.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=max(deadline - loop.time(), 0.1))
            except TimeoutError:
                task.cancel()
            except Exception:
                log.exception("outbox worker ended with an error")
            if not task.done():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if flush:
            try:
                await asyncio.wait_for(self.drain(), timeout=max(deadline - loop.time(), 0.1))
            except Exception:
                log.warning("outbox not fully flushed at shutdown; it is sent after the restart")
            try:
                async with self.services.db.uow() as uow:
                    backlog = await uow.outbox.backlog(self.services.now())
            except Exception:
                log.exception("could not count the outbox at shutdown")
                return
            if backlog.due_now:
                log.warning("%d outbox message(s) still due at shutdown; they are sent after the restart",
                            backlog.due_now)
