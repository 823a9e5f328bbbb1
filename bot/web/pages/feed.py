"""GET /duty/feed/<token>.ics: the duty rota as an iCalendar feed (one person's or the team's), for phones and
Outlook. The link carries its own long-lived signed token (no cookie: calendar apps have none); reads are audited."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import normalise_language, t
from bot.services import dashboard, web_access
from bot.services.container import Deployment
from bot.web import ics


async def calendar_feed(deployment: Deployment, request: Request) -> Response:
    """The feed of the contract its token names (a deployment of several: each contract's rota its own)."""
    from bot.web.app import audited_in, refusal, verified

    token = request.path_params["token"]
    try:
        services, claims = await verified(deployment, token, web_access.FEED)
        person = None
        if claims.telegram_id != web_access.TEAM:
            person = await web_access.viewer(services, claims)
    except web_access.LinkRefused as refused:
        await web_access.record_refusal(audited_in(deployment, token), "duty.ics", refused.key)
        return refusal(deployment.primary, refused.key)
    lang = normalise_language(person.language if person else services.settings.contract.default_language)
    events = await dashboard.duty_events(services, person.telegram_id if person else None)
    name = (t("web.ics.calname_person", lang, name=person.name) if person
            else t("web.ics.calname_team", lang, contract=services.settings.contract.title))
    body = ics.calendar(name, [ics.Event(
        e.uid, t("web.ics.summary_holiday" if e.holiday else "web.ics.summary", lang,
                 name=e.person.name if e.person else "?"), e.day, e.start, e.end) for e in events],
        stamp=services.now())
    async with services.db.uow() as uow:
        await uow.audit.append(at=services.now(), action="web.feed", entity="page", entity_id="duty.ics",
                               actor=person)
        await uow.commit()
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="duty.ics"'})
