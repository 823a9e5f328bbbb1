"""/quiet: a person's quiet hours for notifications that can wait (#20 item 7)."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import HandlerContext, command, message_args, reply
from bot.services import quiet as svc
from bot.services.domain.people import Person
from bot.transports.base import Inbound


@command("quiet")
async def quiet_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Sets (/quiet 22:00-08:00), ends (/quiet off) or shows one's quiet hours."""
    text = message_args(msg)
    if not text:
        hours = await svc.current(ctx.services, person)
        if hours is None:
            await reply(ctx, person, "quiet.none")
        else:
            await reply(ctx, person, "quiet.show", start=f"{hours.start:%H:%M}", end=f"{hours.end:%H:%M}")
        return
    hours = await svc.set_quiet(ctx.services, person, text)
    if hours is None:
        await reply(ctx, person, "quiet.off")
    else:
        await reply(ctx, person, "quiet.set", start=f"{hours.start:%H:%M}", end=f"{hours.end:%H:%M}",
                    kinds=t("quiet.kinds", person.language))
