#!/usr/bin/env python3
"""The bare python-telegram-bot echo bot that bench_updates.py's `--http` mode runs as a process (bench code).

`python bench/echo_bot.py BASE_URL [--limiter] [--concurrency=N]`: polls BASE_URL (the fake Bot API server,
loopback) with python-telegram-bot's own `run_polling`, `concurrent_updates(True)` (256) or N switched on, no
rate limiter unless `--limiter` (python-telegram-bot's AIORateLimiter, max_retries=5); echoes every text
message and answers every callback query. Stops on SIGTERM.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

from bot.app import OFFLINE_TOKEN


async def echo(update: Update, context: Any) -> None:
    """The same text back."""
    await update.effective_message.reply_text(update.effective_message.text)


async def pressed(update: Update, context: Any) -> None:
    """Every button press answered."""
    await update.callback_query.answer()


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    concurrency = next((int(a.split("=", 1)[1]) for a in args if a.startswith("--concurrency=")), None)
    builder = (ApplicationBuilder().token(OFFLINE_TOKEN).base_url(args[0].rstrip("/"))
               .concurrent_updates(concurrency if concurrency is not None else True))
    if "--limiter" in args:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, poll_interval=0.0,
                    bootstrap_retries=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
