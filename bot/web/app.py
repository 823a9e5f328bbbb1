"""The app factory: the bot's one ASGI app (`build_http_app`: the webhook and /health routes it is given, plus the
web page's), the signed-link login, the session cookie, refusals as clear 403 pages.

Every page is `async def view(request, viewer) -> Response` in a module of `bot/web/pages/`; `guarded` checks the
cookie (or the `?t=` token), the viewer's role for that page (the same roles as in chat), audits the view and turns
a refusal into its page. No SQL here: the pages call the services.

In a deployment of several contracts (issue 18) the token names its contract (bot/services/web_access.py): the
viewer's `services` are that contract's, so every page shows its records; the session cookie is the last link
opened (one contract at a time; the header names it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.catalog import normalise_language, t
from bot.services import web_access
from bot.services.container import Deployment, Services
from bot.services.domain.people import Person
from bot.services.errors import DomainError
from bot.web import render

COOKIE = "maintbot_session"


@dataclass(frozen=True)
class Viewer:
    person: Person
    lang: str
    expires: datetime
    services: Services

    def page(self, template: str, *, status: int = 200, **context: object) -> Response:
        roles = t("role.separator", self.lang).join(t(f"role.{role}", self.lang) for role in sorted(self.person.roles))
        return render.page(template, services=self.services, lang=self.lang, status=status, viewer=self,
                           allowed=allowed_pages(self.person), roles_text=roles, **context)


PageFn = Callable[[Request, Viewer], Awaitable[Response]]
Rule = Callable[[Person], bool]


def allowed_pages(person: Person) -> list[str]:
    from bot.web.pages import PAGES

    return [name for name in render.NAV if PAGES[name][1](person)]


def refusal(services: Services, key: str, lang: str | None = None, status: int = 403, **params: object) -> Response:
    return render.page("refused.html", services=services, lang=normalise_language(lang), status=status,
                       message_key=key, params=params)


def contract_of(deployment: Deployment, token: str) -> Services:
    """The contract a token is about (its `c`; none: the first); LinkRefused for a contract this deployment does not
    serve. Only a guess until `verify` checked the token with that contract's secret."""
    named = web_access.claimed_contract(token)
    if named is None:
        return deployment.primary
    found = deployment.contracts.get(named)
    if found is None:
        raise web_access.LinkRefused("web.refused.forged")
    return found


async def verified(deployment: Deployment, token: str, kind: str) -> tuple[Services, web_access.Claims]:
    """The contract and the claims of a genuine, unexpired token of `kind`; LinkRefused otherwise."""
    services = contract_of(deployment, token)
    claims = web_access.verify(await web_access.secret(services), token, kind, services.now())
    if claims.contract_id not in (None, services.contract_id):  # cannot happen: `c` is under the MAC
        raise web_access.LinkRefused("web.refused.forged")
    return services, claims


def audited_in(deployment: Deployment, token: str) -> Services:
    """Where a refused token's attempt is audited: the contract it names, if served, else the first."""
    try:
        return contract_of(deployment, token)
    except web_access.LinkRefused:
        return deployment.primary


def _token(request: Request) -> str:
    return request.query_params.get("t") or request.cookies.get(COOKIE) or ""


async def current_viewer(deployment: Deployment, request: Request) -> Viewer:
    """The viewer from `?t=` (a fresh link) or the session cookie; LinkRefused when neither is genuine and valid."""
    services, claims = await verified(deployment, _token(request), web_access.PAGE)
    person = await web_access.viewer(services, claims)
    return Viewer(person, normalise_language(person.language), claims.expires, services)


def guarded(deployment: Deployment, name: str, fn: PageFn, rule: Rule) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            viewer = await current_viewer(deployment, request)
        except web_access.LinkRefused as refused:
            await web_access.record_refusal(audited_in(deployment, _token(request)), name, refused.key)
            return refusal(deployment.primary, refused.key)
        services = viewer.services
        if not rule(viewer.person):
            return refusal(services, "web.refused.role", viewer.lang)
        await web_access.record_view(services, viewer.person, name, str(request.url.query))
        try:
            return await fn(request, viewer)
        except DomainError as exc:  # bad input (a month, a period): a polite page with an example
            return refusal(services, exc.key, viewer.lang, status=400, **exc.params)

    return endpoint


async def login(deployment: Deployment, request: Request) -> Response:
    """The link from /dashboard: check it, keep it as the session cookie for its lifetime, show the first page."""
    token = request.query_params.get("t", "")
    try:
        services, claims = await verified(deployment, token, web_access.PAGE)
        person = await web_access.viewer(services, claims)
    except web_access.LinkRefused as refused:
        await web_access.record_refusal(audited_in(deployment, token), "login", refused.key)
        return refusal(deployment.primary, refused.key)
    pages = allowed_pages(person)
    response = RedirectResponse(f"/{pages[0]}" if pages else "/duty", status_code=303)
    seconds = max(1, int((claims.expires - services.now()).total_seconds()))
    response.set_cookie(COOKIE, token, max_age=seconds, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https" or web_access.base_url(
                            web_access.web_settings(services)).startswith("https"))
    return response


async def home(deployment: Deployment, request: Request) -> Response:
    try:
        viewer = await current_viewer(deployment, request)
    except web_access.LinkRefused as refused:
        return refusal(deployment.primary, refused.key)
    pages = allowed_pages(viewer.person)
    return RedirectResponse(f"/{pages[0]}" if pages else "/duty", status_code=303)


def as_deployment(web: Services | Deployment) -> Deployment:
    return web if isinstance(web, Deployment) else Deployment({web.contract_id: web})


def web_routes(web: Services | Deployment) -> list[BaseRoute]:
    """The web page's routes over the running services (the same ones the bot uses; every contract's)."""
    from bot.web.pages import PAGES, ROUTES, feed

    deployment = as_deployment(web)
    routes: list[BaseRoute] = [Route("/", partial(home, deployment)), Route("/login", partial(login, deployment)),
                               Route("/duty/feed/{token}.ics", partial(feed.calendar_feed, deployment))]
    for name, (fn, rule) in PAGES.items():
        routes.append(Route(f"/{name}", guarded(deployment, name, fn, rule)))
    for path, name, fn, rule in ROUTES:
        routes.append(Route(path, guarded(deployment, name, fn, rule)))
    return routes


async def http_error(request: Request, exc: Exception) -> Response:
    """A refusal by the router (no such path, wrong method) as JSON, like every other answer to a machine."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return JSONResponse({"ok": False, "error": HTTPStatus(status).phrase.lower()}, status_code=status,
                        headers=getattr(exc, "headers", None))


def build_http_app(routes: Sequence[BaseRoute], web: Services | Deployment | None = None) -> Starlette:
    """The bot's one ASGI app: `routes` (the Telegram webhook, GET /health) and, with `web` (a contract's services,
    or a deployment's: each link shows its own contract), the web page.

    Without the web page every refusal is JSON; with it, an unknown address gets the web page's "not found" page."""
    all_routes = list(routes)
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {HTTPException: http_error}
    if web is not None:
        all_routes += web_routes(web)

        first = as_deployment(web).primary

        async def not_found(request: Request, exc: Exception) -> Response:
            return refusal(first, "web.not_found", status=404)

        handlers[404] = not_found
    return Starlette(routes=all_routes, exception_handlers=handlers)
