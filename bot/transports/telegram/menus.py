"""Command menus per person (set_my_commands with chat scopes). Cosmetic: handlers still check roles."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.catalog import t
from bot.handlers.common import CommandSpec, commands_for
from bot.services.container import Services
from bot.services.domain.people import Person

log = logging.getLogger(__name__)


async def publish_menu_for(bot: ExtBot, person: Person, commands: Mapping[str, CommandSpec]) -> None:
    commands = [BotCommand(spec.name, t(f"cmd.{spec.name}", person.language)[:256])
                for spec in commands_for(person, commands)][:100]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(person.telegram_id))
    except TelegramError as exc:  # a person who never opened the bot: their menu waits for /start
        log.info("menu for %s not set: %s", person.name, exc)


async def publish_menus(bot: ExtBot, services: Services, commands: Mapping[str, CommandSpec]) -> None:
    """Default menu (/start, /help) for everyone, then each roster member's own."""
    try:
        await bot.set_my_commands([BotCommand("start", t("cmd.start")), BotCommand("help", t("cmd.help"))],
                                  scope=BotCommandScopeDefault())
    except TelegramError as exc:
        log.warning("default menu not set: %s", exc)
    async with services.db.uow() as uow:
        people = await uow.people.all(include_left=False)
    for person in people:
        await publish_menu_for(bot, person, commands)
