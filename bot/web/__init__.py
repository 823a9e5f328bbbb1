"""The bot's HTTP side: one small Starlette app served by uvicorn inside the bot's process.

`build_http_app(routes, web=services)` is the app factory: the Telegram webhook's route (bot/transports/telegram/
webhook.py), GET /health (`bot/web/health.py`) and, when `[web]` is configured, the read-only web page (issue 19).
Pages live in `bot/web/pages/`, templates in `bot/web/templates/`, the server's start and stop in `bot/web/server.py`.
"""

from bot.web.app import build_http_app

__all__ = ["build_http_app"]
