"""The read-only web page (issue 19): one small Starlette app served by uvicorn inside the bot's process.

`build_web_app(services)` is the app factory (later the webhook and /health move in too); pages live in
`bot/web/pages/`, templates in `bot/web/templates/`, the server's start and stop in `bot/web/server.py`.
"""

from bot.web.app import build_web_app

__all__ = ["build_web_app"]
