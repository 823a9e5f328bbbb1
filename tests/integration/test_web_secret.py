"""The web page's signing secret: generated once and kept, so a link survives a restart; the environment's wins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.services import web_access
from bot.services.clock import FakeClock
from bot.services.container import open_services
from config.settings import Settings


async def test_a_link_still_opens_after_a_restart(settings: Settings, clock: FakeClock,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(web_access.SECRET_ENV, raising=False)
    async with open_services(settings, clock) as services:
        async with services.db.uow(read_only=True) as uow:
            person = await uow.people.by_telegram_id(settings.roster[0].telegram_id)
        assert person is not None
        link = await web_access.dashboard_link(services, person, root="http://127.0.0.1:1")
    token = link.url.split("?t=")[1]
    async with open_services(settings, clock) as restarted:
        claims = web_access.verify(await web_access.secret(restarted), token, web_access.PAGE, clock.now())
    assert claims.telegram_id == person.telegram_id


async def test_the_environment_secret_signs_instead_of_the_stored_one(settings: Settings, clock: FakeClock,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(web_access.SECRET_ENV, "made-up-test-secret")
    async with open_services(settings, clock) as services:
        assert await web_access.secret(services) == b"made-up-test-secret"
        token = web_access.sign(b"made-up-test-secret", web_access.Claims(1, web_access.PAGE,
                                                                           clock.now() + timedelta(hours=1)))
        assert web_access.verify(await web_access.secret(services), token, web_access.PAGE, clock.now())
    with pytest.raises(web_access.LinkRefused):
        web_access.verify(b"another-secret", token, web_access.PAGE, clock.now())

