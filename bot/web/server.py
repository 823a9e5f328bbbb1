"""The web page's server: uvicorn inside the bot's event loop, started with the bot when `[web]` is configured
(and always by the console), stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

import uvicorn
from telegram.ext import Application

from bot.services import web_access
from bot.services.container import Services
from bot.web.app import build_web_app
from config.settings import WebSettings

log = logging.getLogger(__name__)

WEB = "web_server"  # bot_data key


class WebServer:
    """uvicorn serving `build_web_app(services)` on an already bound socket (port 0: any free port)."""

    def __init__(self, services: Services, settings: WebSettings) -> None:
        self.services = services
        self.settings = settings
        self.port = settings.port
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def local_url(self) -> str:
        return f"http://{self.settings.listen}:{self.port}"

    @property
    def root(self) -> str:
        """The address links point to: the configured public base URL, else the local address."""
        return web_access.base_url(self.settings, self.port)

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET6 if ":" in self.settings.listen else socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.settings.listen, self.settings.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(build_web_app(self.services), log_level="warning", lifespan="off",
                                access_log=False)
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # the bot owns signals
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()
        log.info("web page on %s", self.local_url)

    async def close(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)


async def start_web(app: Application, settings: WebSettings | None = None) -> WebServer | None:
    """Start the web page for this Application's services (idempotent); None without `[web]`."""
    services: Services | None = app.bot_data.get("services")
    settings = settings or (services.settings.web if services is not None else None)
    if services is None or settings is None:
        return None
    if WEB in app.bot_data:
        return app.bot_data[WEB]
    server = WebServer(services, settings)
    try:
        await server.start()
    except OSError:
        log.exception("web page could not listen on %s:%s", settings.listen, settings.port)
        return None
    app.bot_data[WEB] = server
    return server


async def stop_web(app: Application) -> None:
    server: WebServer | None = app.bot_data.pop(WEB, None)
    if server is not None:
        await server.close()
