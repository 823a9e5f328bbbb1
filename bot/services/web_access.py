"""Signed links to the web page (issue 19): who the viewer is, until when, and what they may see.

No passwords: `/dashboard` sends a link whose token carries the person and its expiry, signed with HMAC-SHA256
(stdlib `hmac`) under the deployment's secret (MAINTBOT_WEB_SECRET, else generated once and kept in the
database). The page shows what the person's role may see in chat, nothing more.

In a deployment of several contracts (issue 18) a token also carries its contract (`c`, under the MAC, signed with
that contract's secret): the page shows that contract's records, and a link of one contract can never show
another's. A token without `c` (made before it was carried) is the first contract's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.container import Services
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from config.settings import WebSettings
from storage.web import WebSecretRepository

SECRET_ENV = "MAINTBOT_WEB_SECRET"
PAGE = "page"  # a /dashboard link or its cookie
FEED = "feed"  # an iCalendar feed (long-lived)
TEAM = 0       # a feed token for the whole team instead of one person

# The same roles as in chat: /score, /payments (SCORE_READERS); /attendance (its own for engineers).
SCORE_ROLES = frozenset({Role.CONTACT, Role.LEAD, Role.SUPERVISOR})
ATTENDANCE_ROLES = frozenset({Role.ENGINEER, Role.LEAD, Role.SUPERVISOR, Role.CONTACT})
ATTENDANCE_ALL = frozenset({Role.LEAD, Role.SUPERVISOR, Role.CONTACT})


class LinkRefused(DomainError):
    """An expired, forged or revoked link: the page says so and shows nothing else."""


@dataclass(frozen=True)
class Claims:
    telegram_id: int  # the person (TEAM for the team's feed)
    kind: str
    expires: datetime
    contract_id: str | None = None  # the contract whose records the token shows (None: the first contract)


def web_settings(services: Services) -> WebSettings:
    return services.settings.web or WebSettings()


_STORED: weakref.WeakKeyDictionary[object, bytes] = weakref.WeakKeyDictionary()  # database -> secret


async def secret(services: Services) -> bytes:
    """The signing secret: the environment's, else the one stored in the database (generated the first time,
    then read once per running services)."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env.encode()
    known = _STORED.get(services.db)
    if known is None:
        async with services.db.uow() as uow:
            stored = await uow.repo(WebSecretRepository).claim(secrets.token_urlsafe(32), services.now())
            await uow.commit()
        known = _STORED[services.db] = stored.encode()
    return known


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, claims: Claims) -> str:
    fields: dict[str, object] = {"p": claims.telegram_id, "k": claims.kind, "e": int(claims.expires.timestamp())}
    if claims.contract_id is not None:
        fields["c"] = claims.contract_id
    payload = _b64(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode())
    mac = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def verify(key: bytes, token: str, kind: str, now: datetime) -> Claims:
    """The claims of a genuine, unexpired token of `kind`; LinkRefused otherwise (never says which part failed)."""
    payload, _, mac = (token or "").partition(".")
    try:
        expected = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        if not mac or not hmac.compare_digest(expected, _unb64(mac)):
            raise LinkRefused("web.refused.forged")
        data = json.loads(_unb64(payload))
        claims = Claims(int(data["p"]), str(data["k"]), datetime.fromtimestamp(int(data["e"]), tz=now.tzinfo),
                        str(data["c"]) if "c" in data else None)
    except (ValueError, KeyError, TypeError) as exc:
        raise LinkRefused("web.refused.forged") from exc
    if claims.kind != kind:
        raise LinkRefused("web.refused.forged")
    if claims.expires <= now:
        raise LinkRefused("web.refused.expired")
    return claims


def claimed_contract(token: str) -> str | None:
    """The contract a token names, read before it is verified (to choose the secret and the records it is checked
    against; `verify` then refuses it unless that contract's secret signed exactly this). None: none named."""
    payload = (token or "").partition(".")[0]
    try:
        data = json.loads(_unb64(payload))
        return str(data["c"]) if isinstance(data, dict) and "c" in data else None
    except (ValueError, TypeError):
        return None


def base_url(settings: WebSettings, port: int | None = None) -> str:
    if settings.base_url:
        return settings.base_url.rstrip("/")
    return f"http://{settings.listen}:{port if port is not None else settings.port}"


@dataclass(frozen=True)
class DashboardLink:
    url: str
    expires: datetime


async def dashboard_link(services: Services, person: Person, *, root: str | None = None) -> DashboardLink:
    """A signed link for `person`, valid for `web.link_lifetime` from now (audited)."""
    cfg = web_settings(services)
    expires = services.now() + cfg.link_lifetime
    token = sign(await secret(services), Claims(person.telegram_id, PAGE, expires, services.contract_id))
    async with services.db.uow() as uow:
        await uow.audit.append(at=services.now(), action="web.link", entity="person", entity_id=person.id,
                               actor=person,
                               after={"expires": expires.isoformat()})
        await uow.commit()
    return DashboardLink(f"{root or base_url(cfg)}/login?t={token}", expires)


async def feed_token(services: Services, telegram_id: int) -> str:
    """The long-lived token of an iCalendar feed (one person's, or TEAM's)."""
    expires = services.now() + web_settings(services).feed_lifetime
    return sign(await secret(services), Claims(telegram_id, FEED, expires, services.contract_id))


async def viewer(services: Services, claims: Claims) -> Person:
    """The person behind a page token, still on the roster; LinkRefused otherwise."""
    async with services.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(claims.telegram_id)
    if person is None or person.status == "left":
        raise LinkRefused("web.refused.forged")
    return person


async def record_view(services: Services, person: Person, page: str, query: str = "") -> None:
    """Every page view is audited (who, which page, which filters)."""
    async with services.db.uow() as uow:
        await uow.audit.append(at=services.now(), action="web.view", entity="page", entity_id=page,
                               actor=person,
                               after={"query": query} if query else None)
        await uow.commit()


async def record_refusal(services: Services, page: str, reason: str) -> None:
    """An expired or forged link is audited too (no actor: the token cannot be trusted to say who)."""
    async with services.db.uow() as uow:
        await uow.audit.append(at=services.now(), action="web.refused", entity="page", entity_id=page,
                               after={"reason": reason})
        await uow.commit()


def may_see_score(person: Person) -> bool:
    return bool(person.roles & SCORE_ROLES)


def may_see_attendance(person: Person) -> bool:
    return bool(person.roles & ATTENDANCE_ROLES)


def sees_all_attendance(person: Person) -> bool:
    return bool(person.roles & ATTENDANCE_ALL)


def feed_lifetime(services: Services) -> timedelta:
    return web_settings(services).feed_lifetime
