"""/daily: an engineer's daily inspection record; alone, today's records."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import HandlerContext, command, message_args, reply
from bot.services import daily_log as svc
from bot.services.domain.people import Person
from bot.transports.base import Inbound


@command("daily")
async def daily_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Records today's inspection (/daily text) or shows today's records (/daily)."""
    services = ctx.services
    text = message_args(msg)
    if text:
        day, count = await svc.record(services, person, text)
        await reply(ctx, person, "daily.recorded", day=day.isoformat(), count=count)
        return
    day = services.today()
    logs = await svc.logs_on(services, day)
    if not logs:
        await reply(ctx, person, "daily.none", day=day.isoformat())
        return
    lines = "\n".join(t("daily.line", person.language, time=services.fmt(line.log.created_at, with_date=False),
                        name=line.name, text=line.log.text) for line in logs)
    await reply(ctx, person, "daily.today", day=day.isoformat(), lines=lines)
