"""At-least-once long polling: an update is confirmed to Telegram only after its handlers have finished.

Each chat's updates are handled in order, different chats at the same time (a group whose replies wait for
Telegram's 20-a-minute limit never delays a private /urgent); the confirmed offset stops at the oldest update
still in flight. A person's updates are in order too, across chats: 「签到」 in the group at 08:59 and /checkin
in private at 09:01 touch the same record, and the later one must not be recorded first (it would make the
check-in late). So an update whose sender still has an earlier update in flight in another chat waits for
that one; it only ever waits for a lower update id, so the oldest update in flight always runs.

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
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import Application

from bot.app import must_retry, start_timers
from bot.services import action_time
from bot.state import app_state
from bot.transports.telegram.lease import PollingLease, lease_name

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
MAX_RETRY_DELAY = 10.0  # an update that met a busy database is tried again after 1, 2, 4 … 10 s
BUSY_POLL = 0.2  # seconds between polls while updates are in flight and nothing new came
BUDGET_MARGIN = 1.0  # a getUpdates ends this long before the polling lease's local validity runs out


class AnotherPoller(Exception):
    """Telegram answered 409 Conflict: another process is polling with this token. Polling stops (no retry loop)."""

    def __init__(self, detail: str) -> None:
        super().__init__("another bot instance is polling with this token (Telegram answered 409 Conflict: "
                         f"{detail}); stopped. Run only one instance per token.")


class StoppedDuringStartup(Exception):
    """SIGTERM/SIGINT arrived while a start-up step was still being tried (Telegram unreachable)."""


async def with_retries(step: Callable[[], Awaitable[Any]], retries: int, what: str,
                       stop: asyncio.Event | None = None) -> Any:
    """Run a start-up step, retrying network errors `retries` times (-1: for ever) with backoff.

    With `stop`, a signal ends the attempt and the waiting at once (StoppedDuringStartup): a supervisor's
    SIGTERM is honoured within moments even while Telegram cannot be reached."""
    attempt, delay = 0, 1.0
    while True:
        try:
            return await _unless_stopped(step(), stop)
        except InvalidToken:
            raise
        except (NetworkError, TimedOut) as exc:
            attempt += 1
            if 0 <= retries < attempt:
                raise
            log.warning("%s failed (%s); retrying in %.0f s", what, exc, delay)
            if stop is None:
                await asyncio.sleep(delay)
            else:
                await _sleep_unless_stopped(stop, delay)
            delay = min(delay * 2, MAX_BACKOFF)


async def _unless_stopped(step: Awaitable[Any], stop: asyncio.Event | None) -> Any:
    if stop is None:
        return await step
    if stop.is_set():
        raise StoppedDuringStartup
    task = asyncio.ensure_future(step)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        raise StoppedDuringStartup
    return task.result()


def received_now(app: Application) -> datetime:
    """The moment updates reach the bot, on the application's clock (the services' clock)."""
    return app_state(app).clock.now()


async def handle_received(app: Application, update: Update, received: datetime) -> None:
    """Handle one update, recording when it reached the bot (actions without a send time count from it)."""
    with action_time.receiving(received):
        await app.process_update(update)  # errors go to the error handler; never raises here


async def drain_pending(app: Application, *, allowed_updates: list[str] | None = None,
                        budget: Callable[[], float] | None = None) -> int | None:
    """Handle the updates that waited at Telegram while the bot was down, before the timers' start-up sweep
    judges any deadline; returns the offset that confirms them (None: there were none). `budget`: as for
    `poll_updates` (the polling lease): no call once it is spent."""
    offset: int | None = None
    while True:
        if budget is not None and budget() <= BUDGET_MARGIN:
            return offset
        try:
            updates = await app.bot.get_updates(offset=offset, timeout=0,
                                                allowed_updates=allowed_updates or Update.ALL_TYPES)
        except Conflict as exc:  # another poller for this token: stop, as the polling loop would
            raise AnotherPoller(str(exc)) from None
        except TelegramError as exc:
            log.warning("could not fetch the pending updates first (%s); they follow after start-up", exc)
            return offset
        if not updates:
            return offset
        received = received_now(app)
        for update in updates:
            await handle_received(app, update, received)
            if must_retry(app, update):  # storage busy: the polling loop fetches it again from this offset
                return update.update_id
            offset = update.update_id + 1
        log.info("handled %d updates that waited while the bot was down", len(updates))


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

    def __init__(self, app: Application, stop: asyncio.Event | None = None) -> None:
        self.app = app
        self.stop = stop or asyncio.Event()
        self.queues: dict[int, deque[tuple[Update, datetime, asyncio.Future[None] | None]]] = {}
        self.last_of_user: dict[int, asyncio.Future[None]] = {}  # done when that person's newest update is
        self.done: dict[int, asyncio.Future[None]] = {}  # update id → done when handled
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.in_flight: set[int] = set()
        self.highest: int | None = None
        self.handled = 0
        self.progress = asyncio.Event()

    def take(self, update: Update, received: datetime | None = None) -> bool:
        """Queue an update on its chat's lane; False if it was taken already (still in flight)."""
        if update.update_id in self.in_flight or (self.highest is not None and update.update_id <= self.highest):
            return False
        self.in_flight.add(update.update_id)
        self.highest = update.update_id
        lane = lane_of(update)
        after: asyncio.Future[None] | None = None  # the sender's previous update, still in flight
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.done[update.update_id] = done
        if update.effective_user is not None:
            previous = self.last_of_user.get(update.effective_user.id)
            if previous is not None and not previous.done():
                after = previous
            self.last_of_user[update.effective_user.id] = done
        self.queues.setdefault(lane, deque()).append((update, received or received_now(self.app), after))
        if lane not in self.tasks:
            self.tasks[lane] = asyncio.create_task(self._run(lane), name=f"updates-{lane}")
        return True

    async def _run(self, lane: int) -> None:
        queue = self.queues[lane]
        try:
            retry_delay = 1.0
            while queue:
                update, received, after = queue[0]
                if after is not None and not after.done():
                    await asyncio.shield(after)  # the same person's earlier update in another chat first
                try:
                    await handle_received(self.app, update, received)  # errors go to the error handler
                except Exception:
                    log.exception("update %s failed", update.update_id)
                if must_retry(self.app, update):  # storage busy: stays in flight (unconfirmed), tried again
                    if self.stop.is_set():
                        return
                    await _sleep_unless_stopped(self.stop, retry_delay)
                    retry_delay = min(retry_delay * 2, MAX_RETRY_DELAY)
                    continue
                retry_delay = 1.0
                queue.popleft()
                self.in_flight.discard(update.update_id)
                done = self.done.pop(update.update_id, None)
                if done is not None and not done.done():
                    done.set_result(None)
                user = update.effective_user
                if user is not None and self.last_of_user.get(user.id) is done:
                    del self.last_of_user[user.id]
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
                       allowed_updates: list[str] | None = None, offset: int | None = None,
                       finish_timeout: float = 10.0, budget: Callable[[], float] | None = None) -> int:
    """Fetch, handle (each chat in order on its own lane, chats at the same time), then confirm; returns how
    many updates were handled. A chat held back by Telegram's group limit never delays another chat.

    `budget` (replicas: the polling lease, lease.py) says how many seconds this process may still poll: every
    `getUpdates` ends within it, nothing fetched after it ran out is taken, and polling stops when it is spent."""
    lanes = Lanes(app, stop)
    if offset is not None:  # the pending updates handled before the timers started are confirmed from here
        lanes.highest = offset - 1
    delay = 1.0
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while not stop.is_set():
            # While updates are in flight, Telegram returns them again at once (they are not confirmed):
            # ask without waiting, and pause briefly when nothing new came.
            busy = bool(lanes.in_flight)
            wait = 0 if busy else timeout
            if budget is not None:
                left = budget() - BUDGET_MARGIN
                if left <= 0:
                    break  # the lease runs out: another replica may poll soon
                wait = min(wait, int(left))
            fetch = asyncio.ensure_future(app.bot.get_updates(
                offset=lanes.offset(), timeout=wait, allowed_updates=allowed_updates or Update.ALL_TYPES))
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
            except Conflict as exc:  # another poller for this token: two bots would answer everything twice
                raise AnotherPoller(str(exc)) from None
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await _sleep_unless_stopped(stop, delay)
                delay = min(delay * 2, MAX_BACKOFF)
                continue
            delay = 1.0
            if budget is not None and budget() <= 0:
                break  # fetched after the lease ran out (a pause): another replica takes these
            received = received_now(app)
            fresh = sum(lanes.take(update, received) for update in updates)
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
    if offset is not None and (budget is None or budget() > BUDGET_MARGIN):
        # confirm what was handled, so a clean restart does not see it again (not after the lease ran out: the
        # replica polling next confirms it, and already-handled updates are skipped there)
        with contextlib.suppress(TelegramError):
            await app.bot.get_updates(offset=offset, timeout=0)
    return lanes.handled


def polling_lease(app: Application) -> PollingLease | None:
    """The polling lease when several replicas may share the database (PostgreSQL); None on SQLite."""
    services = app_state(app).services
    if services is None or services.db.backend == "sqlite":
        return None
    return PollingLease(services.db, lease_name(app.bot.token))


async def poll_with_lease(app: Application, stop: asyncio.Event, lease: PollingLease, *, timeout: float = 30.0,
                          offset: int | None = None) -> None:
    """Poll while this replica holds the lease; without it, wait (timers, the outbox, webhook and DingTalk
    deliveries and the web page go on) and take over when the holder is gone. 409 Conflict while holding the lease
    is a former holder's last call still open at Telegram: tried again; still there after a whole lease → another
    deployment polls this token (AnotherPoller)."""
    conflict_since: float | None = None
    while not stop.is_set():
        if not lease.holds:
            lease.changed.clear()
            if lease.holds:
                continue
            waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lease.changed.wait())}
            try:
                await asyncio.wait(waits, timeout=lease.renew_every, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiting in waits:
                    waiting.cancel()
            continue
        interrupted = asyncio.Event()
        watcher = asyncio.create_task(_interrupt_when(stop, lease, interrupted), name="polling-lease-watch")
        try:
            await poll_updates(app, interrupted, timeout=timeout, offset=offset, budget=lease.remaining,
                               finish_timeout=max(lease.safety - 2 * BUDGET_MARGIN, 1.0))
            conflict_since = None
        except AnotherPoller:
            now = time.monotonic()
            conflict_since = conflict_since or now
            if now - conflict_since > lease.ttl:
                raise
            log.warning("409 Conflict while holding the polling lease: a former holder's call; trying again")
            await _sleep_unless_stopped(stop, 1.0)
        finally:
            watcher.cancel()
        offset = None
        if not stop.is_set() and not lease.holds:
            log.warning("stopped polling: the polling lease ran out or went to another replica")


async def _end_lease(lease: PollingLease, keeper: asyncio.Task[None]) -> None:
    keeper.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await keeper
    await lease.release()


async def _interrupt_when(stop: asyncio.Event, lease: PollingLease, interrupted: asyncio.Event) -> None:
    """Set `interrupted` on stop or as soon as this replica no longer holds the lease (an open getUpdates is
    abandoned, so it never outlives the lease)."""
    while not stop.is_set() and lease.holds:
        lease.changed.clear()
        waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lease.changed.wait())}
        try:
            await asyncio.wait(waits, timeout=max(lease.remaining() - BUDGET_MARGIN, 0.05),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
    interrupted.set()


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

    Updates come from at-least-once long polling unless another `receiver` is given (webhook.py)."""
    try:
        await with_retries(app.initialize, bootstrap_retries, "start-up (getMe)", stop)
    except StoppedDuringStartup:
        log.info("stopped during start-up")
        return
    lease: PollingLease | None = None  # replicas on PostgreSQL: who polls
    keeper: asyncio.Task[None] | None = None
    try:
        if receiver is None:
            # Never drop pending updates: button presses queued while the bot was down still count.
            try:
                await with_retries(lambda: app.bot.delete_webhook(drop_pending_updates=False), bootstrap_retries,
                                   "deleteWebhook", stop)
            except StoppedDuringStartup:
                log.info("stopped during start-up")
                return
        app_state(app).defer_timers = True
        prepare = getattr(receiver, "prepare", None)
        if prepare is not None:  # the webhook's route, served by the HTTP server that on_startup starts
            prepare(app)
        if app.post_init:
            await app.post_init(app)
        offset = None
        conflict: AnotherPoller | None = None
        lease = polling_lease(app) if receiver is None else None
        if lease is not None:  # replicas on PostgreSQL: whoever holds the lease handles what waited
            await lease.renew()
            keeper = asyncio.create_task(lease.keep(stop), name="polling-lease")
            app_state(app).polling_lease = lease
            log.warning("replica %s: %s", lease.holder, "polls Telegram (it holds the polling lease)" if lease.holds
                        else "does not poll (another replica holds the polling lease); runs timers and the outbox")
            lease.announced = True
        if receiver is None and (lease is None or lease.holds):
            # The actions that waited while the bot was down come first, stamped with their send time; only then
            # does the timers' start-up sweep judge deadlines (an /arrived sent in time is no breach). A webhook
            # receiver starts the timers itself once Telegram has pushed what was pending (webhook.py).
            try:
                offset = await drain_pending(app, budget=lease.remaining if lease is not None else None)
            except AnotherPoller as exc:
                conflict = exc
        if receiver is None and conflict is None:
            await start_timers(app)
        await app.start()
        if ready is not None:
            ready()
        if receiver is not None:
            await receiver(app, stop)
        elif lease is not None and conflict is None:
            try:
                await poll_with_lease(app, stop, lease, timeout=poll_timeout, offset=offset)
            except AnotherPoller as exc:
                conflict = exc
        if lease is not None and keeper is not None:  # no more polling here: another replica polls at once
            await _end_lease(lease, keeper)
            keeper = None
        elif conflict is None:
            try:
                await poll_updates(app, stop, timeout=poll_timeout, offset=offset)
            except AnotherPoller as exc:
                conflict = exc  # stop as on SIGTERM (the outbox is flushed), then report it
        log.info("stopping: no more updates are taken")
        if app.running:
            await app.stop()
        if app.post_stop:
            await app.post_stop(app)
        if conflict is not None:
            raise conflict
    finally:
        if keeper is not None and lease is not None:
            await _end_lease(lease, keeper)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
