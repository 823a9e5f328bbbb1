"""Telegram through python-telegram-bot: polling, webhook, menus, the rate limiter and the extended bot."""
