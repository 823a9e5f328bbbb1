"""The composition root: settings in, a wired bot out.

Lists every handler module (`HANDLER_MODULES`); their declared commands, buttons, text routes and the location
handler are collected once (`DECLARED`) into the transport-neutral router (bot/handlers/router.py), which
python-telegram-bot's Application feeds through one handler (bot/transports/telegram/adapter.py).
Start-up (`on_startup`): open and migrate the database, seed the roster, start the outbox worker,
rebuild every timer from the database, publish the command menus. Shutdown flushes the outbox.
`serve` (bot/transports/telegram/polling.py) defers the timers (`DEFER_TIMERS`): it first handles the updates that
waited at Telegram while the bot was down (an /arrived or a check-in sent before a deadline must be recorded
before the start-up sweep judges that deadline), then calls `start_timers`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, Defaults
from telegram.request import BaseRequest

from bot.delivery import OutboxDelivery
from bot.features import DECLARED, build_router
from bot.handlers.common import Runtime, SharedState
from bot.liveness import start_reliability, stop_reliability
from bot.pager import Pager
from bot.scheduling import TimerScheduler
from bot.services.clock import Clock, SystemClock
from bot.services.container import Services, open_services
from bot.services.tracking import record_first_start
from bot.transports.telegram.adapter import TelegramIntake
from bot.transports.telegram.adapter import install as install_telegram
from bot.transports.telegram.ext_bot import MaintApplicationBuilder, MaintBot
from bot.transports.telegram.menus import publish_menu_for, publish_menus
from bot.transports.telegram.rate_limit import ChatRateLimiter
from config.settings import Settings

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-maintbot-token"
DEFER_TIMERS = "defer_timers"  # bot_data flag: on_startup leaves the timers to `start_timers`
DINGTALK = "dingtalk"  # bot_data: the running DingTalk platform (bot/transports/dingtalk/runner.py)
RUNTIME = "runtime"

def build_application(settings: Settings, *, request: BaseRequest | None = None, clock: Clock | None = None,
                      rate_limit: bool = True) -> Application:
    """Wire the Application; `request` is the offline fake in tests and console mode."""
    token = settings.telegram.token.get_secret_value() if settings.telegram.token else OFFLINE_TOKEN
    builder = (MaintApplicationBuilder().token(token)
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
    unconfirmed: set[int] = set()
    app.bot_data[UNCONFIRMED] = unconfirmed

    runtime = Runtime(next_timer_runs=lambda: getattr(app.bot_data.get("scheduler"), "next_runs", None),
                      health_port=lambda: getattr(app.bot_data.get("health_server"), "port", None),
                      web_root=lambda: getattr(app.bot_data.get("web_server"), "root", None))
    app.bot_data[RUNTIME] = runtime
    install_telegram(app, TelegramIntake(
        router=build_router(), commands=DECLARED.commands, shared=SharedState(),
        services=lambda: app.bot_data.get("services"), runtime=runtime,
        publish_menu=lambda bot, person: publish_menu_for(bot, person, DECLARED.commands), unconfirmed=unconfirmed))
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
    if settings.dingtalk is not None and "dingtalk" in settings.platforms:  # issue 17: DingTalk in this process
        from bot.transports.dingtalk.runner import start_dingtalk

        dingtalk = start_dingtalk(services, settings.dingtalk, app.bot_data[RUNTIME])
        app.bot_data[DINGTALK] = dingtalk
        delivery.senders["dingtalk"] = dingtalk.platform
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
    dingtalk = app.bot_data.pop(DINGTALK, None)
    if dingtalk is not None:  # no new frames; the ones in flight finish and are acknowledged
        await dingtalk.stop_receiving()
    delivery: OutboxDelivery | None = app.bot_data.get("delivery")
    if delivery is not None:
        await delivery.stop(flush=True)
    if dingtalk is not None:
        await dingtalk.platform.api.close()


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


def must_retry(app: Application, update: Update) -> bool:
    """True (once) when `update` failed on a transient storage error: the transport must leave it unconfirmed
    (polling: keep the offset; webhook: no 200) so Telegram delivers it again."""
    pending: set[int] = app.bot_data.get(UNCONFIRMED, set())
    if update.update_id in pending:
        pending.discard(update.update_id)
        return True
    return False


async def on_error(update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Faults in the router are handled there (bot/handlers/router.py); this logs anything that escaped it."""
    log.error("error outside the router", exc_info=context.error)


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
