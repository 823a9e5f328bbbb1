"""The composition root: settings in, a wired python-telegram-bot Application out.

Handler order (group 0): every feature's commands, buttons and message handlers first, then the
fallbacks (unknown command, text not understood), so the fallbacks only see what nobody else took.
Start-up (`on_startup`): open and migrate the database, seed the roster, start the outbox worker,
rebuild every timer from the database, publish the command menus. Shutdown flushes the outbox.
`bot.polling.serve` defers the timers (`DEFER_TIMERS`): it first handles the updates that waited at Telegram
while the bot was down (an /arrived or a check-in sent before a deadline must be recorded before the start-up
sweep judges that deadline), then calls `start_timers`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.catalog import normalise_language, t
from bot.delivery import OutboxDelivery
from bot.handlers import (
    attendance,
    audit_log,
    core,
    daily_log,
    dashboard,
    duties,
    incidents,
    location,
    oncall,
    paging,
    reliability,
    scoring,
    tickets,
    urgent,
)
from bot.handlers.common import BotContext, Declared, ReplyNotDelivered, declared_in, register_declared, reply_text
from bot.handlers.core import register_fallbacks
from bot.liveness import start_reliability, stop_reliability
from bot.pager import Pager
from bot.scheduling import TimerScheduler
from bot.services.clock import Clock, SystemClock
from bot.services.container import Services, open_services
from bot.services.domain.people import Role
from bot.services.tracking import record_first_start
from bot.transports.telegram.ext_bot import MaintApplicationBuilder, MaintBot
from bot.transports.telegram.menus import publish_menus
from bot.transports.telegram.rate_limit import ChatRateLimiter
from config.settings import Settings
from storage.db import is_transient, is_unwritable
from storage.uow import UpdateAlreadyProcessed, current_update

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-maintbot-token"
DEFER_TIMERS = "defer_timers"  # bot_data flag: on_startup leaves the timers to `start_timers`

# Every handler module, listed once. Each module's optional `register(app)` runs in this order, then
# every declared command and button, then core's fallbacks (so they only see what nobody else took).
HANDLER_MODULES = (attendance, audit_log, core, daily_log, dashboard, duties, incidents, location, oncall, paging,
                   reliability, scoring, tickets, urgent)
DECLARED: Declared = declared_in(HANDLER_MODULES)


def build_application(settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
                      rate_limit: bool = True) -> Application:
    """Wire the Application; `request` is the offline fake in tests and console mode."""
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else OFFLINE_TOKEN
    builder = (MaintApplicationBuilder().token(token)
               .context_types(ContextTypes(context=BotContext))
               .defaults(Defaults(tzinfo=ZoneInfo(settings.contract.timezone)))
               .post_init(on_startup).post_stop(on_stop).post_shutdown(on_shutdown))
    if rate_limit:
        # Pace each private chat unless the request is the offline fake with Telegram's limits switched off
        # (fast tests and the console): real Telegram, and the fake enforcing its limits, get it.
        pace_private = getattr(request, "flood", True) is not None
        builder = builder.rate_limiter(ChatRateLimiter(max_retries=settings.telegram.max_retries,
                                                       pace_private_chats=pace_private))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if settings.telegram.api_base_url:
        builder = builder.base_url(settings.telegram.api_base_url.rstrip("/"))
    app = builder.build()
    app.bot_data["settings"] = settings
    app.bot_data["clock"] = clock or SystemClock()
    app.bot_data["commands"] = DECLARED.commands
    for module in HANDLER_MODULES:
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    register_declared(app, DECLARED)
    register_fallbacks(app)
    app.add_error_handler(on_error)
    return app


async def on_startup(app: Application) -> None:
    """Open the database and rebuild everything derived from it (idempotent: a second call is a no-op)."""
    if "services" in app.bot_data:
        return
    settings: Settings = app.bot_data["settings"]
    clock: Clock = app.bot_data["clock"]
    stack = AsyncExitStack()
    services = await stack.enter_async_context(open_services(settings, clock))
    app.bot_data["services_stack"] = stack
    async with services.db.uow() as uow:
        await record_first_start(uow, clock.now())
        await uow.commit()
    app.bot_data["services"] = services
    if isinstance(app.bot, MaintBot):
        app.bot.use_pager(Pager(services))
    delivery = OutboxDelivery(services, app.bot)
    app.bot_data["delivery"] = delivery
    delivery.start()
    if not app.bot_data.get(DEFER_TIMERS):
        await start_timers(app)
    app.bot_data["menus"] = asyncio.create_task(publish_menus(app.bot, services, DECLARED.commands))
    # One HTTP server: the webhook's route (webhook mode), GET /health, the web page (`[web]`, issue 19).
    from bot.web.server import start_http

    await start_http(app)


async def start_timers(app: Application) -> None:
    """Rebuild the timers (the start-up sweep fires what fell due while down), then reliability (idempotent)."""
    if "scheduler" in app.bot_data or "services" not in app.bot_data:
        return
    services: Services = app.bot_data["services"]
    if app.job_queue is not None:
        scheduler = TimerScheduler(services, app.job_queue)
        app.bot_data["scheduler"] = scheduler
        await scheduler.start()
    # After the start-up sweep: tell the admins about downtime, start the liveness ticker and the heartbeat.
    await start_reliability(app)


async def on_stop(app: Application) -> None:
    """Updates have stopped: flush what the outbox owes, as far as possible."""
    delivery: OutboxDelivery | None = app.bot_data.get("delivery")
    if delivery is not None:
        await delivery.stop(flush=True)


async def on_shutdown(app: Application) -> None:
    await stop_reliability(app)  # records the clean stop while the database is still open
    from bot.web.server import stop_http

    await stop_http(app)
    menus = app.bot_data.pop("menus", None)
    if menus is not None and not menus.done():
        menus.cancel()
    app.bot_data.pop("services", None)
    stack: AsyncExitStack | None = app.bot_data.pop("services_stack", None)
    if stack is not None:
        await stack.aclose()  # closes the database


UNCONFIRMED = "unconfirmed_updates"  # bot_data: ids of updates the transport must not confirm (retry them)
_TOLD_TO_WAIT = "told_to_wait"


def must_retry(app: Application, update: Update) -> bool:
    """True (once) when `update` failed on a transient storage error: the transport must leave it unconfirmed
    (polling: keep the offset; webhook: no 200) so Telegram delivers it again."""
    pending: set[int] = app.bot_data.get(UNCONFIRMED, set())
    if update.update_id in pending:
        pending.discard(update.update_id)
        return True
    app.bot_data.get(_TOLD_TO_WAIT, set()).discard(update.update_id)  # handled at last: forget it
    return False


async def on_error(update: object, context: BotContext) -> None:
    """Log with the traceback; tell the user what happened to their action; tell the admins.

    Two errors are not faults of the update: a concurrent copy of it committed first (the sender is told it was
    handled), and a transient storage error (locked, busy, I/O): the update is left unmarked and unconfirmed so it
    is retried, and the sender is asked to wait, once per update. Otherwise "may not have been saved" is said only
    when nothing of this update was committed; a reply that could not be delivered goes out through the outbox
    instead; when the database cannot be written the user is told so (nothing was saved) and the delivery worker
    tells the admins, once."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, UpdateAlreadyProcessed):
        current_update.set(None)
        log.info("update %s: another copy was applied first; this one was rolled back", update.update_id)
        from bot.handlers.reliability import say_already_handled

        await say_already_handled(update, context)
        raise ApplicationHandlerStop
    if isinstance(update, Update) and is_transient(error) and not is_unwritable(error):
        current_update.set(None)
        log.warning("update %s not handled, storage busy (%s): left unconfirmed to be retried",
                    update.update_id, error)
        context.application.bot_data.setdefault(UNCONFIRMED, set()).add(update.update_id)
        told: set[int] = context.application.bot_data.setdefault(_TOLD_TO_WAIT, set())
        if update.update_id not in told:
            told.add(update.update_id)
            await _ask_to_wait(update, context)
        raise ApplicationHandlerStop
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update):
        return
    services: Services | None = context.application.bot_data.get("services")
    marker = current_update.get()
    saved = marker is not None and marker.update_id == update.update_id and marker.marked
    if isinstance(error, ReplyNotDelivered):
        if services is not None:
            await _queue_reply(services, error)
        return
    person = None
    if services is not None and update.effective_user is not None:
        try:
            async with services.db.uow(read_only=True) as uow:
                person = await uow.people.by_telegram_id(update.effective_user.id)
        except Exception:
            log.exception("could not identify the user after an error")
    lang = person.language if person else None
    unwritable = error is not None and is_unwritable(error)
    key = "error.internal_after_save" if saved else "error.db_unwritable" if unwritable else "error.internal"
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t(key, lang)[:200], show_alert=True)
        elif update.effective_message is not None:
            await reply_text(update, t(key, lang))
    except Exception:
        log.exception("could not tell the user about the error")
    if services is not None and not unwritable:
        try:
            async with services.db.uow() as uow:
                await services.notifier.to_roles(uow, [Role.ADMIN], "error.admin_alert", kind="error.alert",
                                                 error=f"{type(error).__name__}: {error}"[:300],
                                                 update_id=update.update_id)
                await uow.commit()
        except Exception:
            log.exception("could not queue the error alert for the admins")


async def _queue_reply(services: Services, undelivered: ReplyNotDelivered) -> None:
    """The outbox retries a reply that failed its quick retries until Telegram says ok."""
    try:
        async with services.db.uow() as uow:
            await uow.outbox.add(chat_id=undelivered.chat_id, text=undelivered.text, kind="reply.retry",
                                 now=services.now(), buttons=undelivered.buttons or None)
            await uow.commit()
        services.notifier.wakeup.set()
    except Exception:
        log.exception("could not queue an undelivered reply to %s", undelivered.chat_id)


async def _ask_to_wait(update: Update, context: BotContext) -> None:
    """"Please wait" in the sender's language (reading works while another process holds the write lock)."""
    services: Services | None = context.application.bot_data.get("services")
    user = update.effective_user
    lang = normalise_language(user.language_code if user else None)

    async def chosen_language() -> str | None:
        assert services is not None and user is not None
        async with services.db.uow(read_only=True) as uow:
            person = await uow.people.by_telegram_id(user.id)
        return person.language if person else None

    # The connection may be queued behind other work waiting for the same lock: don't keep the answer waiting.
    with contextlib.suppress(Exception):
        if services is not None and user is not None:
            lang = await asyncio.wait_for(chosen_language(), timeout=0.5) or lang
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    text = text if len(text) <= 30 else text[:29] + "…"
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("intake.storage_busy", lang, text="🔘")[:200], show_alert=True)
        elif message is not None:
            await message.reply_text(t("intake.storage_busy", lang, text=text), do_quote=False)
    except Exception:
        log.exception("could not ask the user to wait")


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """Run the Application without polling (tests, console): initialise, start up, start; then stop."""
    async with app:
        await on_startup(app)
        await app.start()
        try:
            yield app
        finally:
            await app.stop()
            await on_stop(app)
            await on_shutdown(app)
