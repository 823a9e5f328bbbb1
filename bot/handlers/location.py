"""Shared locations: one handler asks each feature whether the location is about it and answers once.

An urgent call-out's arrival comes first (the one-hour rule), then attendance (the check-in or proof of
being on site). A location that concerns neither still gets an answer, never a silent drop.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.handlers import attendance as attendance_handlers
from bot.handlers import urgent as urgent_handlers
from bot.handlers.common import ANYONE, BotContext, guard, reply
from bot.services import attendance, urgent
from bot.services.domain.people import Person
from bot.services.geo import within_site


async def location(update: Update, context: BotContext, person: Person) -> None:
    """Checks a shared location against the site for whatever it belongs to, and says what it did."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    if message.forward_origin is not None:
        await reply(update, person, "att.location_forwarded")
        return
    services = context.services
    latitude, longitude = message.location.latitude, message.location.longitude
    chat = update.effective_chat
    checked = await urgent.share_location(services, person, latitude, longitude)
    if checked is not None:
        await urgent_handlers.answer_location(update, services, person, checked)
    result = await attendance.share_location(services, person, latitude, longitude,
                                             chat_id=chat.id if chat else None) if person.is_engineer else None
    if result is not None:
        await attendance_handlers.answer_location(update, services, person, result)
    if checked is None and result is None:
        _, distance = within_site(services.settings, latitude, longitude)
        await reply(update, person, "loc.nothing_to_attach", distance=round(distance),
                    site=services.settings.site.name)


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.LOCATION & ~filters.UpdateType.EDITED, guard(ANYONE, "location", location)))
