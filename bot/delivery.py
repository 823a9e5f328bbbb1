"""The outbox worker: sends what the outbox holds, and marks a row sent only when Telegram said ok.

Guarantee: at least once, never lost, in order per chat.
- Ok from Telegram → the row is marked sent (in its own transaction, right after the call).
- `RetryAfter` (429): python-telegram-bot's AIORateLimiter already waited and retried `max_retries` times;
  if it still fails, the row waits its `retry_after` here and is tried again.
- `TimedOut`, `NetworkError` (refused connections, 5xx, 502), any other `TelegramError`, and unexpected
  exceptions: retried with exponential backoff (1 s, 2 s, 4 s … capped at five minutes), for ever.
- `ChatMigrated`: the group's pending rows and binding move to the new chat id, then it is retried.
- `Forbidden` / `BadRequest`, or a document file that is gone: failed for good; the admins are told.
- A chat's later messages wait while an earlier one to the same chat waits for its retry; every chat has its own
  sender, so one slow chat (a group at 20 messages a minute) never holds up another; urgent kinds go first.
- Retry times are absolute, but one planned further ahead than `MAX_RETRY_WAIT` is due at once: the clock
  jumped back after it was planned, and the row must not wait (nor block its chat) for the jump's length.
- Several replicas on one PostgreSQL database (issue 18.2): a replica claims a chat's due rows before it starts
  that chat's sender (under an advisory lock of the chat, refused while another replica's claim on a pending row of
  the chat is live), all chats of a dispatch in one transaction, and makes sure right before each send that its claim
  still holds (renewed once half of it has passed), so no row is sent by two replicas and a chat still has one
  sender; a dead replica's claims expire after `CLAIM_TTL` and its rows are sent by another.
- The database cannot be written: a message Telegram accepted is remembered in memory and only its marking
  is retried, with backoff (never a re-send loop); the admins are told once, directly.

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
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.catalog import t
from bot.channel_delivery import ChannelDelivery, default_senders
from bot.services.container import Services
from bot.services.domain.people import Role
from bot.transports.base import SendRefused, SendRetry
from bot.transports.telegram.adapter import keyboard
from storage.db import DATABASE_ERRORS
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
# A retry is never planned further ahead than this (Telegram's retry_after is capped to it too), so a row whose
# planned retry lies further ahead than this from "now" was planned before the clock jumped back: it is due.
MAX_RETRY_WAIT = MAX_BACKOFF
CHAT_CONCURRENCY = 64
BATCH = 200
PER_CHAT = 20
MIN_WAIT = timedelta(seconds=1)
MAX_MARK_BACKOFF = 30.0
# Replicas on PostgreSQL: a sender's claim on its rows lasts this long (renewed before a send once half of it has
# passed); the rows of a replica that died go to another replica once it has expired.
CLAIM_TTL = 30.0


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


def priority(message: OutboxMessage) -> int:
    """Urgent requests go first, across chats and within one."""
    return 0 if message.kind.startswith("urgent.") else 1


class PlatformSender(Protocol):
    """Sends one outbox row on a platform other than Telegram; raises `SendRetry` / `SendRefused`."""

    async def send_row(self, message: OutboxMessage) -> str | None: ...


class OutboxDelivery:
    """Each chat has its own sender task, so a group held back by its 20-a-minute limit never delays a private
    chat; the dispatcher starts senders for chats with something due (urgent chats first) without waiting for
    the ones already running.

    When the database cannot be written, a row that Telegram accepted but that could not be marked sent is
    remembered in memory and never sent again; only its marking is retried, with backoff. A row whose retry
    could not be recorded waits its backoff in memory. The admins are told once (directly, since the outbox
    cannot be written), and told again through the outbox when the database is writable again."""

    def __init__(self, services: Services, bot: ExtBot, senders: dict[str, PlatformSender] | None = None) -> None:
        self.services = services
        self.bot = bot
        # Rows of other platforms (issue 17: DingTalk) go to their platform's sender; Telegram's is `bot`.
        self.senders: dict[str, PlatformSender] = dict(senders or {})
        self._drain_lock = asyncio.Lock()
        self._dispatch_lock = asyncio.Lock()  # two dispatches must never start two senders for one chat
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._chat_tasks: dict[int | str, asyncio.Task[int]] = {}
        self._finished = asyncio.Event()
        self._unmarked: dict[int, tuple[datetime, int | str | None]] = {}  # sent, marking not yet recorded
        self._to_mark: dict[int, tuple[datetime, int | str | None]] = {}  # sent, waiting for the next marking
        self._mark_lock = asyncio.Lock()
        self._held: dict[int, tuple[int | str, float]] = {}  # row id -> (chat id, monotonic time of the next try)
        self._mark_failures = 0
        self._mark_retry_at = 0.0
        self.unwritable_announced = False
        self.sent_count = 0
        self.retry_count = 0
        self.failed_count = 0
        self.channels = ChannelDelivery(services, default_senders(services))  # calls / SMS (issue 20)
        self._channel_task: asyncio.Task[int] | None = None
        # replicas on PostgreSQL: until when (monotonic) this replica's claim on a row surely holds
        self._claimed_until: dict[int, float] = {}

    async def drain(self, *, max_rounds: int = 100) -> int:
        """Send everything due now (waiting for every chat's sender); returns how many were delivered."""
        before = self.sent_count
        async with self._drain_lock:
            for _ in range(max_rounds):
                await self._dispatch_channels(wait=True)
                await self.dispatch()
                if not self._chat_tasks:
                    break
                await asyncio.gather(*list(self._chat_tasks.values()), return_exceptions=True)
        return self.sent_count - before

    async def dispatch(self) -> int:
        """Start a sender for each chat that has something due and none running; returns how many started."""
        async with self._dispatch_lock:
            return await self._dispatch()

    async def _dispatch_channels(self, *, wait: bool = False) -> None:
        """Calls / SMS go out on their own task, so a slow provider never holds up chat messages."""
        if self._channel_task is None or self._channel_task.done():
            self._channel_task = asyncio.create_task(self.channels.dispatch(), name="outbox-channels")
        if wait:
            with contextlib.suppress(Exception):
                await self._channel_task

    async def _dispatch(self) -> int:
        await self._flush_unmarked()
        now = self.services.now()
        async with self.services.db.uow(read_only=True) as uow:
            batch = await uow.outbox.due(now, limit=BATCH, horizon=now + MAX_RETRY_WAIT,
                                         exclude_chats=list(self._chat_tasks), per_chat=PER_CHAT)
        clock = time.monotonic()
        self._held = {row: held for row, held in self._held.items() if held[1] > clock}
        held_chats = {chat for chat, _ in self._held.values()}
        by_chat: dict[int | str, list[OutboxMessage]] = defaultdict(list)
        for message in batch:  # urgent first, then in queue order
            if message.id in self._unmarked or message.chat_id in held_chats:
                continue
            by_chat[message.chat_id].append(message)
        chosen: dict[int | str, list[OutboxMessage]] = {}
        for chat_id, messages in by_chat.items():
            if len(self._chat_tasks) + len(chosen) >= CHAT_CONCURRENCY:
                break
            if chat_id in self._chat_tasks:
                continue
            messages.sort(key=lambda m: (priority(m), m.id))
            chosen[chat_id] = messages
        started = 0
        for chat_id, messages in (await self._claim(chosen)).items():  # another replica's chats are left out
            task = asyncio.create_task(self._send_chat(chat_id, messages), name=f"outbox-chat-{chat_id}")
            self._chat_tasks[chat_id] = task
            started += 1
        return started

    async def _send_chat(self, chat_id: int | str, messages: list[OutboxMessage]) -> int:
        """One chat's messages in order; stops at the first that must wait (what follows waits for it)."""
        delivered = 0
        try:
            for position, message in enumerate(messages):
                if position and priority(message) and await self._urgent_waiting(chat_id, messages):
                    break  # an urgent message came for this chat: the dispatcher sends it next
                if not await self._send(message):
                    break
                delivered += 1
        except Exception:
            log.exception("outbox sender for chat %s failed", chat_id)
        finally:
            if delivered < len(messages):
                await self._release(chat_id)
            for message in messages:
                self._claimed_until.pop(message.id, None)
            self._chat_tasks.pop(chat_id, None)
            self._finished.set()
        return delivered

    # -- several replicas on one PostgreSQL database (issue 18.2) ---------------------------------------------------
    @property
    def _replicated(self) -> bool:
        return self.services.db.backend != "sqlite"

    async def _claim(self, chats: dict[int | str, list[OutboxMessage]]) -> dict[int | str, list[OutboxMessage]]:
        """The rows of these chats this replica may send: all of them on SQLite (one process); on PostgreSQL the
        ones claimed for this replica (in one transaction for the whole dispatch), none of a chat another
        replica's sender has (one sender per chat)."""
        if not self._replicated or not chats:
            return chats
        db = self.services.db
        claimed: dict[int | str, list[OutboxMessage]] = {}
        until = time.monotonic() + CLAIM_TTL  # measured before the claim: the database's expiry is later
        try:
            async with db.uow() as uow:
                for chat_id, messages in chats.items():
                    if not await uow.try_claim(f"outbox-chat:{chat_id}"):
                        continue
                    taken = await uow.outbox.claim_chat(chat_id, [m.id for m in messages], db.replica, CLAIM_TTL)
                    if taken:
                        claimed[chat_id] = [m for m in messages if m.id in taken]
                await uow.commit()
        except DATABASE_ERRORS as exc:
            log.warning("outbox: could not claim rows (%s); tried again at the next dispatch", exc)
            return {}
        for messages in claimed.values():
            for message in messages:
                self._claimed_until[message.id] = until
        return claimed

    async def _still_ours(self, message: OutboxMessage) -> bool:
        """Right before a send: is this replica's claim on the row good for a send yet? Renewed in the database
        once half of it has passed (False: it lost the claim, or the row went out meanwhile)."""
        if not self._replicated:
            return True
        if self._claimed_until.get(message.id, 0.0) - time.monotonic() > CLAIM_TTL / 2:
            return True
        db = self.services.db
        until = time.monotonic() + CLAIM_TTL
        try:
            async with db.uow() as uow:
                kept = await uow.outbox.claim_row(message.id, db.replica, CLAIM_TTL)
                await uow.commit()
        except DATABASE_ERRORS as exc:
            log.warning("outbox %s: could not renew its claim (%s); not sent now", message.id, exc)
            return False
        if kept:
            self._claimed_until[message.id] = until
        return kept

    async def _release(self, chat_id: int | str) -> None:
        """The chat's sender stops: its claims on rows not sent go back (another replica may take the chat)."""
        if not self._replicated:
            return
        db = self.services.db
        try:
            async with db.uow() as uow:
                await uow.outbox.release_claims(db.replica, chat_id)
                await uow.commit()
        except DATABASE_ERRORS as exc:  # they expire by themselves (CLAIM_TTL)
            log.warning("outbox: could not release the claims on chat %s (%s)", chat_id, exc)

    async def _urgent_waiting(self, chat_id: int | str, taken: list[OutboxMessage]) -> bool:
        async with self.services.db.uow(read_only=True) as uow:
            return await uow.outbox.urgent_due(chat_id, self.services.now(),
                                               exclude=[m.id for m in taken] + list(self._unmarked))

    async def _send(self, message: OutboxMessage) -> bool:
        """One attempt; settles the row in the database (or in memory) whatever happens. True when delivered."""
        if not await self._still_ours(message):
            return False
        try:
            sent = await self._deliver(message)
        except SendRetry as exc:  # another platform: its rate limit, a 5xx, the network
            wait = timedelta(seconds=exc.wait) if exc.exact else backoff(message.attempts)
            await self._retry(message, min(wait, MAX_RETRY_WAIT), exc.reason)
            return False
        except SendRefused as exc:
            await self._fail(message, f"refused: {exc}")
            return False
        except RetryAfter as exc:
            wait = min(retry_after_of(exc), MAX_RETRY_WAIT)
            await self._retry(message, wait, f"RetryAfter {wait.total_seconds():.0f}s")
            return False
        except ChatMigrated as exc:
            try:
                async with self.services.db.uow() as uow:
                    await uow.outbox.move_chat(message.chat_id, exc.new_chat_id)
                    await uow.chats.migrate(message.chat_id, exc.new_chat_id)
                    await uow.commit()
            except DATABASE_ERRORS as db_exc:
                self._hold(message, backoff(message.attempts), db_exc)
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
        self.sent_count += 1
        await self._mark_sent(message.id, self.services.now(), sent)
        return True

    async def _mark_sent(self, message_id: int, at: datetime, sent: int | None) -> None:
        """Record a delivery. Group commit: the sends that finished while another marking was being written are
        marked together in one transaction (each sender still waits for its own mark before its next send)."""
        self._to_mark[message_id] = (at, sent)
        await asyncio.sleep(0)  # let the other chats' sends that finished in this same turn of the loop join
        async with self._mark_lock:
            if message_id not in self._to_mark:
                return  # marked by the transaction that ran while this one waited
            batch, self._to_mark = self._to_mark, {}
            try:
                async with self.services.db.uow() as uow:
                    for row, (when, telegram_id) in batch.items():
                        await uow.outbox.mark_sent(row, now=when, telegram_message_id=telegram_id)
                    await uow.commit()
            except DATABASE_ERRORS as exc:
                # Delivered, but not recorded: never send them again; only the marking is retried (with backoff).
                log.error("outbox %s delivered but not marked sent (%s); marking is retried", sorted(batch), exc)
                self._unmarked.update(batch)
                self._note_mark_failure()

    def _note_mark_failure(self) -> None:
        self._mark_failures += 1
        wait = min(2.0 ** (self._mark_failures - 1), MAX_MARK_BACKOFF)
        self._mark_retry_at = max(self._mark_retry_at, time.monotonic() + wait)

    async def _flush_unmarked(self) -> None:
        """Record the sends that could not be recorded before (after their backoff)."""
        if not self._unmarked or time.monotonic() < self._mark_retry_at:
            return
        pending = dict(self._unmarked)
        try:
            async with self.services.db.uow() as uow:
                for row, (at, telegram_id) in pending.items():
                    await uow.outbox.mark_sent(row, now=at, telegram_message_id=telegram_id)
                await uow.commit()
        except DATABASE_ERRORS as exc:
            log.warning("%d sent outbox message(s) still not marked (%s)", len(pending), exc)
            self._note_mark_failure()
            return
        for row in pending:
            self._unmarked.pop(row, None)
        self._mark_failures = 0
        log.info("%d sent outbox message(s) marked after the database became writable", len(pending))

    def _hold(self, message: OutboxMessage, wait: timedelta, exc: BaseException) -> None:
        log.error("outbox %s: could not record its state (%s); next try in %s", message.id, exc, wait)
        self._held[message.id] = (message.chat_id, time.monotonic() + wait.total_seconds())

    async def _deliver(self, message: OutboxMessage) -> int | str | None:
        if message.platform != "telegram":
            sender = self.senders.get(message.platform)
            if sender is None:  # the platform is not running in this process (yet): keep the row
                raise SendRetry(60.0, f"no sender for {message.platform} in this process")
            return await sender.send_row(message)
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
        try:
            async with self.services.db.uow() as uow:
                await uow.outbox.retry_later(message.id, at=self.services.now() + wait, error=error)
                await uow.commit()
        except DATABASE_ERRORS as exc:
            self._hold(message, wait, exc)

    async def _fail(self, message: OutboxMessage, error: str) -> None:
        self.failed_count += 1
        log.error("outbox %s to %s failed for good: %s", message.id, message.chat_id, error)
        try:
            await self._record_failure(message, error)
        except DATABASE_ERRORS as exc:
            self._hold(message, backoff(message.attempts), exc)

    async def _record_failure(self, message: OutboxMessage, error: str) -> None:
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
        """Wake on new rows, on a chat's sender finishing, or every `idle` seconds (retries, rows written by
        others), and start senders for the chats with something due; never waits for a slow chat."""
        wakeup = self.services.notifier.wakeup
        while not self._stopping:
            try:
                await self._dispatch_channels()
                await self.dispatch()
            except Exception:  # the worker must outlive any one bad row
                log.exception("outbox dispatch failed")
            try:
                await self._watch_database()
            except Exception:
                log.exception("could not tell the admins about the database")
            waits = [asyncio.ensure_future(wakeup.wait()), asyncio.ensure_future(self._finished.wait())]
            try:
                await asyncio.wait(waits, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
            wakeup.clear()
            self._finished.clear()

    async def _watch_database(self) -> None:
        """Tell the admins once when the database cannot be written (directly: the outbox cannot take it), and
        through the outbox when it can be written again."""
        db = self.services.db
        if not db.writable and not self.unwritable_announced:
            async with db.uow(read_only=True) as uow:
                admins = [p for p in await uow.people.all(include_left=False) if Role.ADMIN in p.roles]
            for admin in admins:
                with contextlib.suppress(TelegramError):
                    await self.bot.send_message(admin.chat_id, t("error.db_unwritable_admin", admin.language,
                                                                 error=(db.unwritable_error or "")[:200]))
            self.unwritable_announced = True
        elif db.writable and self.unwritable_announced and not self._unmarked:
            async with db.uow() as uow:
                await self.services.notifier.to_roles(uow, [Role.ADMIN], "error.db_writable_again",
                                                      kind="error.db_recovered")
                await uow.commit()
            self.unwritable_announced = False

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run_forever(), name="outbox-delivery")

    async def stop(self, *, flush: bool = True, timeout: float = 10.0) -> None:
        """Stop the worker without cutting a send in half, then flush what is due (within `timeout`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._stopping = True
        self.services.notifier.wake()
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
            for task in list(self._chat_tasks.values()):
                task.cancel()
            if self._channel_task is not None and not self._channel_task.done():
                self._channel_task.cancel()
            try:
                async with self.services.db.uow() as uow:
                    backlog = await uow.outbox.backlog(self.services.now())
            except Exception:
                log.exception("could not count the outbox at shutdown")
                return
            if backlog.due_now:
                log.warning("%d outbox message(s) still due at shutdown; they are sent after the restart",
                            backlog.due_now)


class DeploymentDelivery:
    """One drainer for every contract of a deployment (issue 18): one bot token shares Telegram's flood limits,
    so one task dispatches every contract's outbox (each contract's `OutboxDelivery` keeps its own rows, retries
    and failure notices to its own admins; they share the bot, its rate limiter, the platform senders, one wake-up
    and one "a chat's sender finished" event). With one contract it is that contract's worker."""

    def __init__(self, parts: list[OutboxDelivery]) -> None:
        self.parts = parts
        first = parts[0]
        self.services = first.services
        self.senders = first.senders
        self._wakeup = first.services.notifier.wakeup
        for part in parts[1:]:
            part.senders = self.senders  # DingTalk's sender, added after start-up, serves every contract
            part.services.notifier.wakeup = self._wakeup
            part._finished = first._finished
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def sent_count(self) -> int:
        return sum(part.sent_count for part in self.parts)

    @property
    def failed_count(self) -> int:
        return sum(part.failed_count for part in self.parts)

    @property
    def retry_count(self) -> int:
        return sum(part.retry_count for part in self.parts)

    async def drain(self, *, max_rounds: int = 100) -> int:
        delivered = 0
        for part in self.parts:
            delivered += await part.drain(max_rounds=max_rounds)
        return delivered

    async def run_forever(self, idle: float = 1.0) -> None:
        finished = self.parts[0]._finished
        while not self._stopping:
            for part in self.parts:
                try:
                    await part._dispatch_channels()
                    await part.dispatch()
                except Exception:
                    log.exception("outbox dispatch of %s failed", part.services.contract_id)
            try:
                await self.parts[0]._watch_database()
            except Exception:
                log.exception("could not tell the admins about the database")
            waits = [asyncio.ensure_future(self._wakeup.wait()), asyncio.ensure_future(finished.wait())]
            try:
                await asyncio.wait(waits, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
            self._wakeup.clear()
            finished.clear()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self.run_forever(), name="outbox-delivery")

    async def stop(self, *, flush: bool = True, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        self._stopping = True
        self._wakeup.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
            except TimeoutError:
                task.cancel()
            except Exception:
                log.exception("outbox worker ended with an error")
        loop = asyncio.get_running_loop()
        remaining = max(deadline - loop.time(), 0.1)
        # each flushes what is due (its own worker never ran), all at once within what is left of `timeout`
        await asyncio.gather(*(part.stop(flush=flush, timeout=remaining) for part in self.parts))
