"""/dashboard (issue 19): a signed link to the read-only web page, sent to the person privately."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.catalog import t
from bot.handlers.common import ANYONE, BotContext, command, reply
from bot.services import web_access
from bot.services.domain.people import Person

log = logging.getLogger(__name__)


@command("dashboard", ANYONE)
async def dashboard(update: Update, context: BotContext, person: Person) -> None:
    """A link to the web page that carries the caller's identity and expires (never shown in a group)."""
    server = context.application.bot_data.get("web_server")
    if server is None:
        await reply(update, person, "web.off")
        return
    link = await web_access.dashboard_link(context.services, person, root=server.root)
    text = t("web.link", person.language, url=link.url, expires=context.services.fmt(link.expires))
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await reply(update, person, "web.link", url=link.url, expires=context.services.fmt(link.expires))
        return
    try:  # a group: the link is personal, so it goes to the private chat
        await context.bot.send_message(person.telegram_id, text)
    except TelegramError as exc:
        log.info("could not send the dashboard link privately: %s", exc)
        await reply(update, person, "web.link_private_failed")
        return
    await reply(update, person, "web.link_sent_private")
