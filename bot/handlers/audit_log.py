"""/audit: the append-only audit trail, read by admins and contacts (compact, newest last; a long one is paged,
and when the period holds more than `duties.audit_limit` entries the reply suggests a shorter period)."""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import HandlerContext, command, message_args, reply
from bot.handlers.render.audit_log import audit_action_text, audit_target_text
from bot.services.compliance import read_audit
from bot.services.domain.people import Person, Role
from bot.transports.base import Inbound


@command("audit", [Role.ADMIN, Role.CONTACT])
async def audit(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Lists who did what: /audit [period] [person], e.g. /audit 本月 周小舟."""
    services = ctx.services
    page = await read_audit(services, message_args(msg))
    lines = []
    for e in page.entries:
        lines.append(t("audit.line", person.language, at=services.local(e.at).strftime("%m-%d %H:%M"),
                       actor=e.actor_name or (str(e.actor_telegram_id) if e.actor_telegram_id else "—"),
                       action=audit_action_text(e.action, person.language),
                       target=audit_target_text(e.entity, e.entity_id, person.language)))
    shown = len(lines)
    narrow = ""
    if page.total > shown and page.entries:
        oldest = services.local(page.entries[0].at).date()
        narrow = t("audit.narrow", person.language, first=page.first.isoformat(),
                   last=max(page.first, oldest).isoformat())
    who = page.person.name if page.person else t("audit.everyone", person.language)
    await reply(ctx, person, "audit.list" if shown else "audit.empty", first=page.first.isoformat(),
                last=page.last.isoformat(), who=who, total=page.total, shown=shown, narrow=narrow,
                lines="\n".join(lines))
