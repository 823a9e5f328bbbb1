"""Webhook mode after downtime: the timers' start-up sweep waits until Telegram has pushed what was pending, so an
/arrived sent before the deadline while the bot was down is recorded before the deadline is judged."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bot.app import build_application
from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory
from bot.services import urgent
from bot.services.clock import FakeClock
from bot.services.container import open_services
from bot.state import app_state
from config.settings import Settings
from tests.conftest import CLIENT_CONTACT, ENGINEER
from tests.e2e.test_webhook import URL, request, serving_webhook


class PendingAPI(FakeBotAPI):
    """Telegram still holding updates for the webhook until the test has pushed them."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = 1

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": URL, "has_custom_certificate": False, "pending_update_count": self.pending}


async def test_start_up_sweep_waits_for_the_pending_arrival(settings: Settings, clock: FakeClock) -> None:
    async with open_services(settings, clock) as services:
        async with services.db.uow() as uow:
            contact = await uow.people.by_telegram_id(CLIENT_CONTACT)
        assert contact is not None
        raised = await urgent.raise_urgent(services, contact, "社保卡系统无法登录")
    sent = clock.now() + timedelta(minutes=59)
    clock.advance(timedelta(minutes=62))                 # the bot was down past the deadline

    api = PendingAPI()
    app = build_application(settings, request=api, clock=clock)
    async with serving_webhook(app) as server:
        await asyncio.sleep(0.3)
        assert app_state(app).scheduler is None          # no sweep while Telegram still holds updates
        arrival = UpdateFactory().message(ENGINEER, f"/arrived {raised.request.id}", sent_at=sent)
        assert (await request(server.port, "POST", "/telegram/hook", arrival))[0] == 200
        api.pending = 0
        for _ in range(100):
            if app_state(app).scheduler is not None:
                break
            await asyncio.sleep(0.05)
        assert app_state(app).scheduler is not None
        async with app_state(app).running_services().db.uow() as uow:
            stored = await urgent.repo(uow).get(raised.request.id)
        assert stored is not None and stored.arrived_at == sent and stored.breach_detected_at is None
