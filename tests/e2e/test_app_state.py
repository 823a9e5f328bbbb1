"""The running bot's state is one typed object, its services are built once and never changed, and a change that
moves a deadline reaches the scheduler through the signal it subscribed to (after the commit)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from bot.app import build_application, running
from bot.offline.fake_telegram import FakeBotAPI
from bot.services.clock import FakeClock
from bot.state import AppState, app_state
from config.settings import Settings
from tests.conftest import CLIENT_CONTACT, Harness


async def test_the_running_bot_keeps_its_state_in_one_typed_object(bot: Harness) -> None:
    assert [type(value) for value in bot.app.bot_data.values()] == [AppState]
    state = app_state(bot.app)
    assert state.services is not None and state.delivery is not None and state.scheduler is not None
    assert state.services.clock is bot.clock  # one clock: the services'


async def test_shutdown_closes_the_services(settings: Settings, clock: FakeClock) -> None:
    app = build_application(settings, request=FakeBotAPI(), clock=clock)
    async with running(app):
        assert app_state(app).services is not None
    assert app_state(app).services is None


async def test_services_are_never_changed_after_start_up(bot: Harness) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        bot.services.clock = FakeClock(bot.clock.now())  # type: ignore[misc]


async def test_an_urgent_request_moves_the_scheduled_timer_to_its_first_reminder(bot: Harness) -> None:
    scheduler = app_state(bot.app).scheduler
    assert scheduler is not None and scheduler.next_runs.get("urgent.clock") is None  # nothing urgent yet
    await bot.chat.send(CLIENT_CONTACT, "/urgent 社保卡系统无法登录")
    reminder = bot.clock.now() + bot.services.settings.sla.reminder_offsets[0]
    for _ in range(50):  # the poke is debounced (bot/scheduling.py POKE_DELAY)
        if scheduler.next_runs.get("urgent.clock") is not None:
            break
        await asyncio.sleep(0.05)
    assert scheduler.next_runs.get("urgent.clock") == reminder
    assert reminder - bot.clock.now() < timedelta(hours=1)
