"""/health for admins: uptime, database, outbox backlog, the next timers and the HTTP health endpoint.

(The guard that keeps a redelivered update from being applied twice lives in the router,
bot/handlers/router.py, so it holds on every platform.)
"""

from __future__ import annotations

from bot.catalog import t
from bot.handlers.common import HandlerContext, command, reply
from bot.services import health
from bot.services.domain.people import Person, Role
from bot.transports.base import Inbound


def _duration(lang: str, seconds: float) -> str:
    minutes = int(seconds // 60)
    return t("health.duration", lang, days=minutes // 1440, hours=minutes // 60 % 24, minutes=minutes % 60)


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{size / 1024:.0f} KB"


@command("health", [Role.ADMIN])
async def health_command(msg: Inbound, ctx: HandlerContext, person: Person) -> None:
    """Shows uptime, database, outbox backlog, the next timers and the HTTP health endpoint."""
    services = ctx.services
    report = await health.health_report(services, ctx.runtime.next_timer_runs(), thorough=True)
    lang = person.language
    if report.ok:
        status = t("health.status.ok", lang)
    else:
        problems = t("role.separator", lang).join(t(f"health.problem.{p}", lang) for p in report.problems)
        status = t("health.status.trouble", lang, problems=problems)
    database = t("health.database.ok", lang) if report.database_ok \
        else t("health.database.bad", lang, detail=report.database_detail)
    counts = report.outbox.by_status
    outbox = t("health.outbox", lang, pending=counts.get("pending", 0), due=report.outbox.due_now,
               sent=counts.get("sent", 0), failed=counts.get("failed", 0))
    age = report.oldest_pending_age
    oldest = t("health.oldest.none", lang) if age is None \
        else t("health.oldest.some", lang, minutes=int(age.total_seconds() // 60))
    timers = "\n".join(t("health.timer_line", lang, name=name,
                         when=services.fmt(due) if due else t("health.timer_idle", lang))
                       for name, due in report.next_timers.items()) or t("health.no_timers", lang)
    port = ctx.runtime.health_port()
    http = t("health.http.on", lang, port=port) if port else t("health.http.off", lang)
    await reply(ctx, person, "health.report", status=status, uptime=_duration(lang, report.uptime.total_seconds()),
                started=services.fmt(report.started_at), database=database, size=_size(report.database_bytes),
                outbox=outbox, oldest=oldest, last_alive=services.fmt(report.last_alive), http=http, timers=timers)
