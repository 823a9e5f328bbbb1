"""「上一页」/「下一页」 under a long reply: shows another page of the stored snapshot (bot/pager.py)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import BotContext, button, keyboard
from bot.pager import Pager, render_page
from bot.services.callback_data import CallbackData
from bot.services.domain.people import Person
from bot.services.errors import DomainError


@button("pg")
async def turn_page(update: Update, context: BotContext, person: Person, data: CallbackData) -> str | None:
    """Edits the message to the page pressed (only in the chat the reply was sent to)."""
    query = update.callback_query
    assert query is not None
    paged = await Pager(context.services).load(data.int_arg(0))
    chat = query.message.chat.id if query.message else None
    if paged is None or paged.chat_id != chat:
        raise DomainError("page.expired")
    text, rows = render_page(paged, data.int_arg(1))
    await query.edit_message_text(text, reply_markup=keyboard(rows))
    return None
