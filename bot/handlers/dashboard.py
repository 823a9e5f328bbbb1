"""/dashboard (issue 19): a signed link to the read-only web page, sent to the person privately."""

from __future__ import annotations

import logging

from bot.catalog import t
from bot.handlers.common import ANYONE, HandlerContext, command, reply
from bot.services import web_access
from bot.services.domain.people import Person
from bot.transports.base import Inbound

log = logging.getLogger(__name__)


@command("dashboard", ANYONE)
async def dashboard(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """A link to the web page that carries the caller's identity and expires (never shown in a group); with several
    contracts, the link shows the contract this chat belongs to (a group: the one it is bound to)."""
    root = ctx.runtime.web_root()
    if root is None:
        await reply(ctx, person, "web.off")
        return
    link = await web_access.dashboard_link(ctx.services, person, root=root)
    text = t("web.link", person.language, url=link.url, expires=ctx.services.fmt(link.expires))
    if ctx.services.heading:  # several contracts: the private chat is told whose link this is
        text = t("contract.heading", person.language, title=ctx.services.heading) + "\n" + text
    if msg.private:
        await reply(ctx, person, "web.link", url=link.url, expires=ctx.services.fmt(link.expires))
        return
    # A group: the link is personal, so it goes to the private chat.
    if ctx.send_private is None or not await ctx.send_private(msg.sender.external_id, text):
        log.info("could not send the dashboard link privately to %s", person.name)
        await reply(ctx, person, "web.link_private_failed")
        return
    await reply(ctx, person, "web.link_sent_private")
