"""At-least-once long polling: an update is confirmed to Telegram only after its handlers have finished.

Each chat's updates are handled in order, different chats at the same time (a group whose replies wait for
Telegram's 20-a-minute limit never delays a private /urgent); the confirmed offset stops at the oldest update
still in flight.

python-telegram-bot's Updater confirms an update's offset as soon as the update is queued, so a crash
(SIGKILL, power loss) drops every update fetched but not yet handled: an urgent request the user sent
simply vanishes. Here the next getUpdates call carries `offset = last handled + 1`, so an update in
flight at a crash is delivered again after the restart; handlers commit before they answer, and the
redelivery guard (bot/handlers/reliability.py) plus each feature's conditional transitions make the
second delivery harmless. Start-up and shutdown follow `Application.run_polling` step by step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
BUSY_POLL = 0.2  # seconds between polls while updates are in flight and nothing new came


async def with_retries(step: Callable[[], Awaitable[Any]], retries: int, what: str) -> Any:
    """Run a start-up step, retrying network errors `retries` times (-1: for ever) with backoff."""
    attempt, delay = 0, 1.0
    while True:
        try:
            return await step()
        except InvalidToken:
            raise
        except (NetworkError, TimedOut) as exc:
            attempt += 1
            if 0 <= retries < attempt:
                raise
            log.warning("%s failed (%s); retrying in %.0f s", what, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)


def lane_of(update: Update) -> int:
    """Updates of one chat are handled in order; different chats at the same time."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


class Lanes:
    """One task per chat handling that chat's updates in order; tracks which update ids are still in flight so
    the confirmed offset never passes an update that has not been handled."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.queues: dict[int, deque[Update]] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.in_flight: set[int] = set()
        self.highest: int | None = None
        self.handled = 0
        self.progress = asyncio.Event()

    def take(self, update: Update) -> bool:
        """Queue an update on its chat's lane; False if it was taken already (still in flight)."""
        if update.update_id in self.in_flight or (self.highest is not None and update.update_id <= self.highest):
            return False
        self.in_flight.add(update.update_id)
        self.highest = update.update_id
        lane = lane_of(update)
        self.queues.setdefault(lane, deque()).append(update)
        if lane not in self.tasks:
            self.tasks[lane] = asyncio.create_task(self._run(lane), name=f"updates-{lane}")
        return True

    async def _run(self, lane: int) -> None:
        queue = self.queues[lane]
        try:
            while queue:
                update = queue[0]
                try:
                    await self.app.process_update(update)  # errors go to the error handler
                except Exception:
                    log.exception("update %s failed", update.update_id)
                queue.popleft()
                self.in_flight.discard(update.update_id)
                self.handled += 1
                self.progress.set()
        finally:
            self.tasks.pop(lane, None)
            self.queues.pop(lane, None)
            self.progress.set()

    def offset(self) -> int | None:
        """The offset to confirm: the oldest update in flight, or one past the newest taken."""
        if self.in_flight:
            return min(self.in_flight)
        return self.highest + 1 if self.highest is not None else None

    async def finish(self, timeout: float) -> None:
        """Let the lanes finish what they took (within `timeout`); the rest stays unconfirmed."""
        tasks = list(self.tasks.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


async def poll_updates(app: Application, stop: asyncio.Event, *, timeout: float = 30.0,
                       allowed_updates: list[str] | None = None, finish_timeout: float = 10.0) -> int:
    """Fetch, handle (each chat in order on its own lane, chats at the same time), then confirm; returns how
    many updates were handled. A chat held back by Telegram's group limit never delays another chat."""
    lanes = Lanes(app)
    delay = 1.0
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            # While updates are in flight, Telegram returns them again at once (they are not confirmed):
            # ask without waiting, and pause briefly when nothing new came.
            busy = bool(lanes.in_flight)
            fetch = asyncio.ensure_future(app.bot.get_updates(
                offset=lanes.offset(), timeout=0 if busy else timeout,
                allowed_updates=allowed_updates or Update.ALL_TYPES))
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not fetch.done():  # stopping: whatever this call would return stays unconfirmed
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            try:
                updates = fetch.result()
            except TimedOut:
                continue
            except Conflict as exc:
                log.error("another instance is polling with this token: %s", exc)
                await _sleep_unless_stopped(stop, 5.0)
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await _sleep_unless_stopped(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = 1.0
            fresh = sum(lanes.take(update) for update in updates)
            if busy and not fresh:
                lanes.progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lanes.progress.wait(), timeout=BUSY_POLL)
            else:
                await asyncio.sleep(0)  # let the lanes start
    finally:
        stopping.cancel()
        await lanes.finish(finish_timeout)
    offset = lanes.offset()
    if offset is not None:  # confirm what was handled, so a clean restart does not see it again
        with contextlib.suppress(TelegramError):
            await app.bot.get_updates(offset=offset, timeout=0)
    return lanes.handled


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


Receiver = Callable[[Application, asyncio.Event], Awaitable[Any]]


async def serve(app: Application, stop: asyncio.Event, *, bootstrap_retries: int = -1, poll_timeout: float = 30.0,
                ready: Callable[[], None] | None = None, receiver: Receiver | None = None) -> None:
    """The whole life of the bot: initialise, post_init, start, take updates until `stop`, then shut down.

    Updates come from at-least-once long polling unless another `receiver` is given (bot/webhook.py)."""
    await with_retries(app.initialize, bootstrap_retries, "start-up (getMe)")
    try:
        if receiver is None:
            # Never drop pending updates: button presses queued while the bot was down still count.
            await with_retries(lambda: app.bot.delete_webhook(drop_pending_updates=False), bootstrap_retries,
                               "deleteWebhook")
        if app.post_init:
            await app.post_init(app)
        await app.start()
        if ready is not None:
            ready()
        if receiver is None:
            await poll_updates(app, stop, timeout=poll_timeout)
        else:
            await receiver(app, stop)
        log.info("stopping: no more updates are taken")
        if app.running:
            await app.stop()
        if app.post_stop:
            await app.post_stop(app)
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
