"""The running bot's state, typed: one `AppState` per Application instead of string keys in `bot_data`.

`build_application` (bot/app.py) stores it once; everything reads it through `app_state(app)`. Fields that exist
only while the bot runs (the services, the outbox worker, the scheduler…) are None before `on_startup` and
after `on_shutdown`.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.delivery import DeploymentDelivery, OutboxDelivery
    from bot.handlers.common import Runtime
    from bot.liveness import ReliabilityRuntime
    from bot.scheduling import TimerScheduler
    from bot.services.clock import Clock
    from bot.services.container import Deployment, Services
    from bot.transports.dingtalk.runner import DingTalkRunning
    from bot.transports.telegram.lease import PollingLease
    from bot.web.server import HttpServer, Listener, Mountable, WebListener
    from config.settings import Settings

_KEY = "maintbot"  # the one bot_data entry


@dataclass
class AppState:
    settings: Settings
    clock: Clock  # what the services are opened with; once open, read `services.clock` (the same clock)
    # ids of updates the transport must not confirm (a transient storage error: Telegram delivers them again)
    unconfirmed: set[int] = field(default_factory=set)
    # set by `serve` before start-up: on_startup leaves the timers to `start_timers` (pending updates first)
    defer_timers: bool = False
    webhook: Mountable | None = None  # the webhook receiver, set by its `prepare(app)` before on_startup
    # while running
    services: Services | None = None
    services_stack: AsyncExitStack | None = None
    # the outbox worker; with several contracts one drainer for them all (bot/delivery.py DeploymentDelivery)
    delivery: OutboxDelivery | DeploymentDelivery | None = None
    deployment: Deployment | None = None  # every contract served (issue 18); `services` is its first
    scheduler: TimerScheduler | None = None
    menus: asyncio.Task[Any] | None = None
    reliability: ReliabilityRuntime | None = None
    http: HttpServer | None = None
    health_server: Listener | None = None
    web_server: WebListener | None = None
    runtime: Runtime | None = None  # what handlers may ask of the running process (/health, /dashboard)
    dingtalk: DingTalkRunning | None = None  # the running DingTalk platform (bot/transports/dingtalk/runner.py)
    # replicas on PostgreSQL (issue 18.2): whether this process polls Telegram (None: no lease, SQLite or webhook)
    polling_lease: PollingLease | None = None

    def running_services(self) -> Services:
        """The services of a started bot (an error before on_startup or after on_shutdown)."""
        if self.services is None:
            raise RuntimeError("the bot is not running: no services")
        return self.services


def install_state(app: Application, state: AppState) -> AppState:
    app.bot_data[_KEY] = state
    return state


def find_state(app: Application) -> AppState | None:
    """The Application's state, or None for an Application that build_application did not make."""
    state = app.bot_data.get(_KEY)
    return state if isinstance(state, AppState) else None


def app_state(app: Application) -> AppState:
    """The Application's typed state (stored once by build_application)."""
    state = app.bot_data[_KEY]
    if not isinstance(state, AppState):
        raise TypeError("bot_data does not hold the bot's AppState")
    return state
