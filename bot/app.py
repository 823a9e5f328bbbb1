"""The composition root: settings in, a wired python-telegram-bot Application out.

Handler order (group 0): every feature's commands, buttons and message handlers first, then the
fallbacks (unknown command, text not understood), so the fallbacks only see what nobody else took.
Start-up (`on_startup`): open and migrate the database, seed the roster, start the outbox worker,
rebuild every timer from the database, publish the command menus. Shutdown flushes the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.catalog import t
from bot.delivery import OutboxDelivery
from bot.handlers import feature_modules
from bot.handlers.common import BotContext, ReplyNotDelivered, register_declared, reply_text
from bot.handlers.core import register_fallbacks
from bot.health_http import start_reliability, stop_reliability
from bot.menus import publish_menus
from bot.rate_limit import ChatRateLimiter
from bot.scheduling import TimerScheduler
from bot.services.clock import Clock, SystemClock
from bot.services.container import Services, build_services
from bot.services.people import Role, seed_roster
from config.settings import Settings
from storage.db import is_unwritable, open_database
from storage.uow import current_update

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-maintbot-token"


def build_application(settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
                      rate_limit: bool = True) -> Application:
    """Wire the Application; `request` is the offline fake in tests and console mode."""
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else OFFLINE_TOKEN
    builder = (ApplicationBuilder().token(token)
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
    for module in feature_modules():
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    register_declared(app)
    register_fallbacks(app)
    app.add_error_handler(on_error)
    return app


async def on_startup(app: Application) -> None:
    """Open the database and rebuild everything derived from it (idempotent: a second call is a no-op)."""
    if "services" in app.bot_data:
        return
    settings: Settings = app.bot_data["settings"]
    clock: Clock = app.bot_data["clock"]
    db = await open_database(settings.storage.db, settings.contract.id)
    services = build_services(settings, db, clock)
    async with db.uow() as uow:
        uow.people.default_language = settings.contract.default_language
        await seed_roster(uow, settings.roster, settings.contract.default_language, clock.now())
        await uow.commit()
    app.bot_data["services"] = services
    delivery = OutboxDelivery(services, app.bot)
    app.bot_data["delivery"] = delivery
    delivery.start()
    if app.job_queue is not None:
        scheduler = TimerScheduler(services, app.job_queue)
        app.bot_data["scheduler"] = scheduler
        await scheduler.start()
    # After the start-up sweep: tell the admins about downtime, start the liveness ticker and GET /health.
    await start_reliability(app)
    app.bot_data["menus"] = asyncio.create_task(publish_menus(app.bot, services))


async def on_stop(app: Application) -> None:
    """Updates have stopped: flush what the outbox owes, as far as possible."""
    delivery: OutboxDelivery | None = app.bot_data.get("delivery")
    if delivery is not None:
        await delivery.stop(flush=True)


async def on_shutdown(app: Application) -> None:
    await stop_reliability(app)  # records the clean stop while the database is still open
    menus = app.bot_data.pop("menus", None)
    if menus is not None and not menus.done():
        menus.cancel()
    services: Services | None = app.bot_data.pop("services", None)
    if services is not None:
        await services.db.close()


async def on_error(update: object, context: BotContext) -> None:
    """Log with the traceback; tell the user what happened to their action; tell the admins.

    "May not have been saved" is said only when nothing of this update was committed. A reply that could not
    be delivered goes out through the outbox instead. When the database cannot be written the user is told so
    (nothing was saved) and the delivery worker tells the admins, once."""
    error = context.error
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
