"""GET /duty/feed/<token>.ics: the duty rota as an iCalendar feed (one person's or the team's), for phones and
Outlook. The link carries its own long-lived signed token (no cookie: calendar apps have none); reads are audited."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.catalog import normalise_language, t
from bot.services import dashboard, web_access
from bot.services.container import Services
from bot.web import ics


async def calendar_feed(services: Services, request: Request) -> Response:
    from bot.web.app import refusal

    try:
        claims = web_access.verify(await web_access.secret(services), request.path_params["token"], web_access.FEED,
                                   services.now())
        person = None
        if claims.telegram_id != web_access.TEAM:
            person = await web_access.viewer(services, claims)
    except web_access.LinkRefused as refused:
        await web_access.record_refusal(services, "duty.ics", refused.key)
        return refusal(services, refused.key)
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
