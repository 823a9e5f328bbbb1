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
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.catalog import t
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
from bot.handlers.common import BotContext, Declared, declared_in, register_declared
from bot.handlers.core import register_fallbacks
from bot.health_http import start_reliability, stop_reliability
from bot.menus import publish_menus
from bot.pager import Pager
from bot.scheduling import TimerScheduler
from bot.services.clock import Clock, SystemClock
from bot.services.container import Services, open_services
from bot.services.people import Role
from bot.services.tracking import record_first_start
from bot.telegram_bot import MaintApplicationBuilder, MaintBot
from config.settings import Settings

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
        builder = builder.rate_limiter(AIORateLimiter(max_retries=settings.telegram.max_retries))
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
    if settings.web is not None:  # the read-only web page (issue 19), in this process
        from bot.web.server import start_web

        await start_web(app)


async def start_timers(app: Application) -> None:
    """Rebuild the timers (the start-up sweep fires what fell due while down), then reliability (idempotent)."""
    if "scheduler" in app.bot_data or "services" not in app.bot_data:
        return
    services: Services = app.bot_data["services"]
    if app.job_queue is not None:
        scheduler = TimerScheduler(services, app.job_queue)
        app.bot_data["scheduler"] = scheduler
        await scheduler.start()
    # After the start-up sweep: tell the admins about downtime, start the liveness ticker and GET /health.
    await start_reliability(app)


async def on_stop(app: Application) -> None:
    """Updates have stopped: flush what the outbox owes, as far as possible."""
    delivery: OutboxDelivery | None = app.bot_data.get("delivery")
    if delivery is not None:
        await delivery.stop(flush=True)


async def on_shutdown(app: Application) -> None:
    await stop_reliability(app)  # records the clean stop while the database is still open
    from bot.web.server import stop_web

    await stop_web(app)
    menus = app.bot_data.pop("menus", None)
    if menus is not None and not menus.done():
        menus.cancel()
    app.bot_data.pop("services", None)
    stack: AsyncExitStack | None = app.bot_data.pop("services_stack", None)
    if stack is not None:
        await stack.aclose()  # closes the database


async def on_error(update: object, context: BotContext) -> None:
    """Log with the traceback, tell the user to check what was saved, and tell the admins."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    services: Services | None = context.application.bot_data.get("services")
    person = None
    if services is not None and update.effective_user is not None:
        async with services.db.uow() as uow:
            person = await uow.people.by_telegram_id(update.effective_user.id)
    lang = person.language if person else None
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(t("error.internal", lang)[:200], show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(t("error.internal", lang))
    except Exception:
        log.exception("could not tell the user about the error")
    if services is not None:
        async with services.db.uow() as uow:
            await services.notifier.to_roles(uow, [Role.ADMIN], "error.admin_alert", kind="error.alert",
                                             error=f"{type(context.error).__name__}: {context.error}"[:300],
                                             update_id=update.update_id)
            await uow.commit()


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
