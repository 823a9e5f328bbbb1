"""「上一页」/「下一页」 under a long reply: shows another page of the stored snapshot (bot/pager.py)."""

from __future__ import annotations

from bot.handlers.common import HandlerContext, button
from bot.pager import Pager, render_page
from bot.services.callback_data import CallbackData
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.transports.base import Inbound


@button("pg")
async def turn_page(msg: Inbound, ctx: HandlerContext, person: Person, data: CallbackData) -> str | None:
    """Edits the message to the page pressed (only in the chat the reply was sent to)."""
    paged = await Pager(ctx.services).load(data.int_arg(0))
    if paged is None or paged.chat_id != msg.chat_key:
        raise DomainError("page.expired")
    text, rows = render_page(paged, data.int_arg(1))
    await ctx.responder.edit_button_message(text, rows)
    return None
