"""Acknowledging an urgent request with a note and an estimated arrival (issue 20, item 5), through the real
Application and the fake Bot API: "收到，预计 20 分钟到" by /ack and by the 收到 button flow; the raiser and the
group see it; a missed estimate shows on /urgents and the web page's timeline, and is no breach by itself."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.app import build_application, running
from bot.catalog import t
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
from bot.services import urgent
from bot.services.clock import FakeClock
from bot.services.domain.urgent import missed_estimate
from config.settings import Settings, settings_from_dict
from storage.urgent import UrgentRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SHANGHAI, SUPERVISOR, Harness
from tests.e2e.web_support import dashboard_link, with_web


async def _request(bot: Harness, request_id: int) -> Any:
    async with bot.services.db.uow() as uow:
        return await uow.repo(UrgentRepository).get(request_id)


async def _raise(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(CLIENT_CONTACT, "/urgent 社保卡系统无法登录")   # Monday 09:00, deadline 10:00


async def test_ack_with_a_note_and_an_estimate_tells_the_raiser_and_the_group(bot: Harness) -> None:
    await _raise(bot)
    sent = await bot.chat.send(ENGINEER, "/ack 1 收到，预计 20 分钟到")
    [mine] = [m for m in sent if m.chat_id == ENGINEER]
    assert "预计 09:20 到" in mine.text and "10:00" in mine.text
    [raiser] = [m for m in sent if m.chat_id == CLIENT_CONTACT]
    assert "周小舟" in raiser.text and "收到，预计 20 分钟到" in raiser.text and "09:20" in raiser.text
    [group] = [m for m in sent if m.chat_id == GROUP]
    assert "紧急请求 #1" in group.text and "预计 09:20 到" in group.text
    request = await _request(bot, 1)
    assert request.ack_eta == datetime(2022, 10, 10, 9, 20, tzinfo=SHANGHAI)
    assert request.ack_note == "收到，预计 20 分钟到"


async def test_a_missed_estimate_shows_on_the_timeline_but_the_one_hour_decides(bot: Harness) -> None:
    await _raise(bot)
    await bot.chat.send(ENGINEER, "/ack 预计9:30到")          # no number: the newest request they were called to
    bot.clock.set(datetime(2022, 10, 10, 9, 45, tzinfo=SHANGHAI))
    await bot.chat.send(ENGINEER, "/arrived 1")
    [listing] = await bot.chat.send(LEAD, "/urgents 今天")
    assert "未按预计 09:30 到达" in listing.text and "用时 45 分钟" in listing.text
    assert "超时" not in listing.text.split("未按预计")[0]
    rate = await urgent.responsiveness_rate(bot.services, datetime(2022, 10, 10).date(),
                                            datetime(2022, 10, 10).date())
    assert rate.numerator == rate.denominator == 1  # arrived within the hour: responsiveness keeps its point


@pytest.fixture
def web_settings(config_dict: dict[str, Any]) -> Settings:
    return settings_from_dict(with_web(config_dict), apply_env=False)


@pytest.fixture
async def web_bot(web_settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    api = FakeBotAPI()
    app = build_application(web_settings, request=api, clock=clock)
    async with running(app):
        yield Harness(app, api, ChatDriver(app, api), clock)


async def test_the_web_page_timeline_shows_the_estimate_and_that_it_was_missed(web_bot: Harness) -> None:
    await web_bot.chat.send(CLIENT_CONTACT, "/urgent 网办大厅无法登录")
    await web_bot.chat.send(ENGINEER, "/ack 1 收到，预计20分钟到")
    web_bot.clock.advance(timedelta(minutes=40))
    await web_bot.chat.send(ENGINEER, "/arrived 1")
    link = await dashboard_link(web_bot, CLIENT_CONTACT)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        page = await client.get(link.split("/login")[0] + "/urgent")
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "2022-10-10 09:20 — 预计到达（周小舟：收到，预计20分钟到）" in text
    assert "2022-10-10 09:40 — " + t("web.urg.eta_missed", "zh_CN") in text
    assert "2022-10-10 09:40 — 到岗（周小舟，40 分钟）" in text


async def test_the_ack_button_offers_estimates(bot: Harness) -> None:
    await _raise(bot)
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    [ack] = await bot.chat.press(ENGINEER, ping, "收到")
    assert ack.button_labels() == ["10分钟到", "20分钟到", "30分钟到", "45分钟到"]
    bot.clock.advance(timedelta(minutes=5))
    sent = await bot.chat.press(ENGINEER, ack, "30分钟到")
    assert any(m.chat_id == ENGINEER and "预计 09:35 到" in m.text for m in sent)
    assert any(m.chat_id == GROUP and "预计 09:35 到" in m.text for m in sent)
    assert (await _request(bot, 1)).ack_eta == datetime(2022, 10, 10, 9, 35, tzinfo=SHANGHAI)
    bot.clock.set(datetime(2022, 10, 10, 9, 34, tzinfo=SHANGHAI))
    assert not missed_estimate(await _request(bot, 1), bot.clock.now())


async def test_a_bad_estimate_is_refused_with_examples_and_nothing_is_recorded(bot: Harness) -> None:
    await _raise(bot)
    sent = await bot.chat.send(ENGINEER, "/ack 1 预计8:30到")   # already past at 09:00
    [answer] = sent
    assert "不对" in answer.text and "/ack 12 收到，预计20分钟到" in answer.text
    request = await _request(bot, 1)
    assert request.acknowledged_at is None and request.ack_eta is None
    sent = await bot.chat.send(LEAD, "/ack 1 on my way, 20 min")
    assert any(m.chat_id == LEAD and "预计 09:20 到" in m.text for m in sent)


