"""Shared locations: one handler asks each feature whether the location is about it and answers once.

An urgent call-out's arrival comes first (the one-hour rule), then attendance (the check-in or proof of
being on site). A location that concerns neither still gets an answer, never a silent drop.
"""

from __future__ import annotations

from bot.handlers import attendance as attendance_handlers
from bot.handlers import urgent as urgent_handlers
from bot.handlers.common import ANYONE, HandlerContext, guard, reply
from bot.services import attendance, urgent
from bot.services.domain.people import Person
from bot.services.geo import within_site
from bot.transports.base import Inbound


async def location(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Checks a shared location against the site for whatever it belongs to, and says what it did."""
    if msg.location is None:
        return
    if msg.forwarded:
        await reply(ctx, person, "att.location_forwarded")
        return
    services = ctx.services
    latitude, longitude = msg.location
    checked = await urgent.share_location(services, person, latitude, longitude)
    if checked is not None:
        await urgent_handlers.answer_location(ctx, services, person, checked)
    result = await attendance.share_location(services, person, latitude, longitude,
                                             chat_id=msg.chat_key) if person.is_engineer else None
    if result is not None:
        await attendance_handlers.answer_location(ctx, services, person, result)
    if checked is None and result is None:
        _, distance = within_site(services.settings, latitude, longitude)
        await reply(ctx, person, "loc.nothing_to_attach", distance=round(distance),
                    site=services.settings.site.name)


LOCATION = guard(ANYONE, "location", location)
