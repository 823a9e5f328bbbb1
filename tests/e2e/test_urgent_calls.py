"""Issue 20, item 1: a phone call / SMS when chat is not answered, through the provider's HTTP hook.

The provider is an offline fake: a loopback HTTP server that records each request and answers as the test
scripts it. The phone numbers are made up; the provider's key comes from the environment."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_application, running
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
from bot.services.clock import FakeClock
from bot.state import app_state
from config.settings import settings_from_dict
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, Harness, base_config
from tests.e2e.web_support import dashboard_link, with_web

ENGINEER_PHONE = "+86-100-0000-0001"  # made up
LEAD_PHONE = "+86-100-0000-0002"  # made up


class FakeProvider:
    """Answers each request with the next scripted (status, body), then 200 {"code": 0}."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, dict[str, Any]]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                provider.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "body": json.loads(self.rfile.read(length).decode())})
                status, answer = provider.script.pop(0) if provider.script else (200, {"code": 0, "sid": "c1"})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def phones(self) -> list[str]:
        return [r["body"]["to"] for r in self.requests]


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    monkeypatch.setenv("MAINTBOT_TEST_SMS_KEY", "k-made-up")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    fake = FakeProvider()
    yield fake
    fake.close()


@pytest.fixture
def config_dict(tmp_path: Path, provider: FakeProvider) -> dict[str, Any]:
    raw = base_config(tmp_path / "maintbot-test.db")
    for person in raw["roster"]:
        if person["name"] == "周小舟":
            person["phone"] = ENGINEER_PHONE
        if person["name"] == "林海":
            person["phone"] = LEAD_PHONE
    raw["channels"] = {"per_minute": 10, "max_attempts": 3, "http": {
        "url": f"http://127.0.0.1:{provider.port}/v1/voice?account=${{MAINTBOT_TEST_SMS_KEY}}",
        "headers": {"Authorization": "Bearer ${MAINTBOT_TEST_SMS_KEY}"},
        "body": '{"to": "{phone}", "msg": "{text}", "ref": "{request_id}"}',
        "expect_status": [200], "expect_json_field": "code", "expect_json_value": "0"}}
    raw["sla"] = {"calls": [{"after": "10m", "target": "duty", "channel": "http"},
                            {"after": "20m", "target": "lead", "channel": "http"}]}
    return raw


async def _raise(bot: Harness) -> None:
    """At night (22:00), with 周小舟 on the rota: chat is what nobody reads now."""
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    [rota] = await bot.chat.send(LEAD, "/oncall set 今天 周小舟")
    assert "周小舟" in rota.text
    bot.clock.advance(timedelta(hours=13))
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录", chat_id=GROUP)


async def test_unacknowledged_request_calls_the_engineer_on_duty_then_the_lead(
        bot: Harness, provider: FakeProvider) -> None:
    await _raise(bot)
    bot.clock.advance(timedelta(minutes=9))
    await bot.run_timers()
    assert provider.requests == []  # not yet: the call comes 10 minutes after the request
    bot.clock.advance(timedelta(minutes=1))
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE]
    [call] = provider.requests
    assert call["path"] == "/v1/voice?account=k-made-up"
    assert call["headers"]["Authorization"] == "Bearer k-made-up"
    assert call["body"]["ref"] == "1"
    assert "紧急请求#1" in call["body"]["msg"] and "社保卡系统无法登录" in call["body"]["msg"]
    bot.clock.advance(timedelta(minutes=10))
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE, LEAD_PHONE]
    await bot.run_timers()  # idempotent: nobody is called twice
    assert len(provider.requests) == 2
    [detail] = await bot.chat.send(LEAD, "/urgents 1")
    assert "时间线" in detail.text
    assert "电话/短信 呼叫 周小舟：成功（HTTP 200, code=0）" in detail.text
    assert "电话/短信 呼叫 林海：成功" in detail.text


async def test_an_acknowledged_request_calls_nobody(bot: Harness, provider: FakeProvider) -> None:
    await _raise(bot)
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    bot.clock.advance(timedelta(minutes=5))
    await bot.chat.press(ENGINEER, ping, "收到")
    bot.clock.advance(timedelta(minutes=30))
    await bot.run_timers()
    assert provider.requests == []


async def test_provider_outage_is_retried_and_a_refusal_reaches_the_admins(
        bot: Harness, provider: FakeProvider) -> None:
    provider.script = [(503, {"code": 1}), (200, {"code": 0})]  # the engineer's call: an outage, then accepted
    await _raise(bot)
    bot.clock.advance(timedelta(minutes=10))
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE]
    bot.clock.advance(timedelta(seconds=30))
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE, ENGINEER_PHONE]
    provider.script = [(200, {"code": 17, "msg": "number barred"})]  # the lead's call: refused for good
    bot.clock.advance(timedelta(minutes=10))
    await bot.run_timers()
    bot.clock.advance(timedelta(minutes=5))
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE, ENGINEER_PHONE, LEAD_PHONE]  # a refusal is not retried
    [alert] = [m for m in bot.to(ADMIN) if "失败" in m.text]
    assert "林海" in alert.text and "code=17" in alert.text
    [detail] = await bot.chat.send(LEAD, "/urgents 1")
    assert "呼叫 周小舟：失败，将重试（HTTP 503）" in detail.text
    assert "呼叫 周小舟：成功" in detail.text
    assert "呼叫 林海：最终失败（HTTP 200: code=17）" in detail.text
    [listing] = await bot.chat.send(LEAD, "/urgents 9")
    assert "没有紧急请求 #9" in listing.text


async def test_own_rate_limit_holds_calls_beyond_it(config_dict: dict[str, Any], bot: Harness,
                                                    provider: FakeProvider) -> None:
    bot.services.settings.channels.per_minute = 1  # one call a minute on this channel
    await _raise(bot)
    bot.clock.advance(timedelta(minutes=20))  # both steps due at once: the engineer now, the lead after a minute
    await bot.run_timers()
    assert provider.phones() == [ENGINEER_PHONE]
    delivery = app_state(bot.app).delivery
    delivery.channels._recent.clear()  # the minute passed (the pace is measured on the monotonic clock)
    await bot.chat.flush()
    assert provider.phones() == [ENGINEER_PHONE, LEAD_PHONE]


@pytest.fixture
async def web_bot(config_dict: dict[str, Any], clock: FakeClock) -> AsyncIterator[Harness]:
    settings = settings_from_dict(with_web(config_dict), apply_env=False)
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    async with running(app):
        yield Harness(app, api, ChatDriver(app, api), clock)


async def test_the_web_page_timeline_shows_the_calls(web_bot: Harness, provider: FakeProvider) -> None:
    await _raise(web_bot)
    web_bot.clock.advance(timedelta(minutes=10))
    await web_bot.run_timers()
    link = await dashboard_link(web_bot, CLIENT_CONTACT)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        page = await client.get(link.split("/login")[0] + "/urgent")
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "2022-10-10 22:10 — 电话/短信 呼叫 周小舟：已排队" in text
    assert "2022-10-10 22:10 — 电话/短信 呼叫 周小舟：成功（HTTP 200, code=0）" in text
