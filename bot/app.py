"""The composition root: settings in, a wired bot out.

Lists every handler module (`HANDLER_MODULES`); their declared commands, buttons, text routes and the location
handler are collected once (`DECLARED`) into the transport-neutral router (bot/handlers/router.py), which
python-telegram-bot's Application feeds through one handler (bot/transports/telegram/adapter.py).
Start-up (`on_startup`): open and migrate the database, seed the roster, start the outbox worker,
rebuild every timer from the database, publish the command menus. Shutdown flushes the outbox.
The running bot's state is one typed `AppState` (bot/state.py), read with `app_state(app)`.
`serve` (bot/transports/telegram/polling.py) defers the timers (`defer_timers`): it first handles the updates that
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

from bot.delivery import DeploymentDelivery, OutboxDelivery
from bot.features import DECLARED, build_router
from bot.handlers.common import Runtime, SharedState
from bot.liveness import start_reliability, stop_reliability
from bot.pager import Pager
from bot.scheduling import TimerScheduler
from bot.services.clock import Clock, SystemClock
from bot.services.container import Deployment, open_deployment, open_services
from bot.services.tracking import record_first_start
from bot.state import AppState, app_state, install_state
from bot.transports.telegram.adapter import TelegramIntake
from bot.transports.telegram.adapter import install as install_telegram
from bot.transports.telegram.ext_bot import MaintApplicationBuilder, MaintBot
from bot.transports.telegram.menus import publish_menu_for, publish_menus
from bot.transports.telegram.rate_limit import ChatRateLimiter
from config.settings import Settings

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "123456789:OFFLINE-maintbot-token"

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
    state = install_state(app, AppState(settings=settings, clock=clock or SystemClock()))

    runtime = Runtime(next_timer_runs=lambda: state.scheduler.next_runs if state.scheduler else None,
                      health_port=lambda: state.health_server.port if state.health_server else None,
                      web_root=lambda: state.web_server.root if state.web_server else None)
    state.runtime = runtime
    install_telegram(app, TelegramIntake(
        router=build_router(), commands=DECLARED.commands, shared=SharedState(),
        services=lambda: state.services, runtime=runtime, deployment=lambda: state.deployment,
        publish_menu=lambda bot, person: publish_menu_for(bot, person, DECLARED.commands),
        unconfirmed=state.unconfirmed))
    app.add_error_handler(on_error)
    return app


async def on_startup(app: Application) -> None:
    """Open the database and rebuild everything derived from it (idempotent: a second call is a no-op)."""
    state = app_state(app)
    if state.services is not None:
        return
    stack = AsyncExitStack()
    settings = state.settings
    if len(settings.deployment) > 1:  # issue 18: several contracts, one database, one token
        deployment = await stack.enter_async_context(open_deployment(settings, state.clock))
    else:
        one = await stack.enter_async_context(open_services(settings, state.clock))
        deployment = Deployment({one.contract_id: one}, tuple(settings.managers))
    services = deployment.primary
    state.services_stack = stack
    for each in deployment.all():
        async with each.db.uow() as uow:
            await record_first_start(uow, each.now())
            await uow.commit()
    state.services = services
    state.deployment = deployment
    if isinstance(app.bot, MaintBot):
        app.bot.use_pager(Pager(services))
    parts = [OutboxDelivery(each, app.bot) for each in deployment.all()]
    state.delivery = DeploymentDelivery(parts) if deployment.several else parts[0]
    if settings.dingtalk is not None and "dingtalk" in settings.platforms:  # issue 17: DingTalk in this process
        from bot.transports.dingtalk.runner import start_dingtalk

        assert state.runtime is not None
        state.dingtalk = start_dingtalk(services, settings.dingtalk, state.runtime)
        state.dingtalk.platform.deployment = deployment
        state.delivery.senders["dingtalk"] = state.dingtalk.platform
    state.delivery.start()
    if not state.defer_timers:
        await start_timers(app)
    state.menus = asyncio.create_task(_publish_all_menus(app, deployment))
    # One HTTP server: the webhook's route (webhook mode), GET /health, the web page (`[web]`, issue 19).
    from bot.web.server import start_http

    await start_http(app)


async def _publish_all_menus(app: Application, deployment: Deployment) -> None:
    """Each contract's roster gets its command menu (cosmetic: every handler checks the role itself)."""
    for each in deployment.all():
        await publish_menus(app.bot, each, DECLARED.commands)


async def start_timers(app: Application) -> None:
    """Rebuild the timers (the start-up sweep fires what fell due while down), then reliability (idempotent)."""
    state = app_state(app)
    if state.scheduler is not None or state.services is None:
        return
    if app.job_queue is not None:
        contracts = state.deployment.all() if state.deployment is not None else None
        state.scheduler = TimerScheduler(state.services, app.job_queue, contracts)
        await state.scheduler.start()
    # After the start-up sweep: tell the admins about downtime, start the liveness ticker and the heartbeat.
    await start_reliability(app)


async def on_stop(app: Application) -> None:
    """Updates have stopped: flush what the outbox owes, as far as possible."""
    state = app_state(app)
    dingtalk, state.dingtalk = state.dingtalk, None
    if dingtalk is not None:  # no new frames; the ones in flight finish and are acknowledged
        await dingtalk.stop_receiving()
    delivery = state.delivery
    if delivery is not None:
        await delivery.stop(flush=True)
    if dingtalk is not None:
        await dingtalk.platform.api.close()


async def on_shutdown(app: Application) -> None:
    await stop_reliability(app)  # records the clean stop while the database is still open
    from bot.web.server import stop_http

    await stop_http(app)
    state = app_state(app)
    menus, state.menus = state.menus, None
    if menus is not None and not menus.done():
        menus.cancel()
    if state.scheduler is not None:
        state.scheduler.stop()
    state.services = None
    state.deployment = None
    stack, state.services_stack = state.services_stack, None
    if stack is not None:
        await stack.aclose()  # closes the database


def must_retry(app: Application, update: Update) -> bool:
    """True (once) when `update` failed on a transient storage error: the transport must leave it unconfirmed
    (polling: keep the offset; webhook: no 200) so Telegram delivers it again."""
    pending = app_state(app).unconfirmed
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
