"""The bot's one HTTP server (Starlette under uvicorn): the webhook, GET /health and the web page on one port, and the
webhook's protections that a kept library does not give by itself (bodies streamed without a length, clients that
stall on a kept-alive connection or hold connections open, errors without a traceback)."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import pytest

from bot.app import build_application
from bot.offline.fake_telegram import ChatDriver, FakeBotAPI, UpdateFactory
from bot.services.clock import FakeClock
from bot.transports.telegram import webhook
from bot.transports.telegram.polling import serve
from bot.transports.telegram.webhook import WebhookReceiver, webhook_receiver
from bot.web.server import MAX_CONNECTIONS
from config.settings import Settings, settings_from_dict
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, Harness
from tests.e2e.test_intake_faults import HOOK, SECRET, raw_request, webhook_bot, webhook_tickets
from tests.e2e.web_support import dashboard_link, with_web

URL = "https://bot.example.org" + HOOK


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_the_webhook_health_and_the_web_page_share_one_port(config_dict: dict[str, Any],
                                                                   clock: FakeClock) -> None:
    port = free_port()
    config = with_web(config_dict)
    config["web"]["port"] = port
    config["reliability"] = {"health_listen": "127.0.0.1", "health_port": port}
    settings = settings_from_dict(config, apply_env=False)
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock)
    listening: asyncio.Future[WebhookReceiver] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    receiver = webhook_receiver(listen="127.0.0.1", port=port, url=URL, secret=SECRET, bootstrap_retries=0,
                                on_listening=listening.set_result)
    task = asyncio.create_task(serve(app, stop, bootstrap_retries=0, receiver=receiver))
    bot = Harness(app, api, ChatDriver(app, api), clock)
    try:
        assert (await asyncio.wait_for(listening, timeout=10)).port == port
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as client:
            start = UpdateFactory().message(ENGINEER, "/start")
            answer = await client.post(HOOK, json=start, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert (answer.status_code, answer.json()) == (200, {"ok": True})
            assert any("您好，周小舟" in m.text for m in api.messages_to(ENGINEER))

            health = await client.get("/health")
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert health.headers["content-type"].startswith("application/json")

            link = await dashboard_link(bot, CLIENT_CONTACT)
            assert link.startswith(base + "/login?t=")
            page = await client.get(link.removeprefix(base), follow_redirects=True)
            assert page.status_code == 200 and str(page.url).endswith("/assessment") and "<html" in page.text

            unknown = await client.get("/nope")  # with the web page: its own "not found" page
            assert unknown.status_code == 404 and "<html" in unknown.text
        [report] = await bot.chat.send(ADMIN, "/health")
        assert f"端口 {port}" in report.text
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=20)


def chunked(headers: str, body: bytes, piece: int = 4096) -> bytes:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + piece]), body[i:i + piece])
                      for i in range(0, len(body), piece))
    return (f"POST {HOOK} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
            f"{headers}\r\n").encode() + chunks + b"0\r\n\r\n"


async def test_a_body_without_a_length_is_read_up_to_the_limit_and_refused_beyond_it(
        settings: Settings, clock: FakeClock) -> None:
    async with webhook_bot(settings, clock) as (server, _, app):
        assert server.port is not None
        ok = f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
        update = json.dumps(UpdateFactory().message(CLIENT_CONTACT, "/ticket 打印机无法连接")).encode()
        assert (await raw_request(server.port, chunked(ok, update, piece=50)))[0] == 200
        assert await webhook_tickets(app) == 1
        server.limits.max_body = 4000
        padded = json.dumps(UpdateFactory().message(CLIENT_CONTACT, "/ticket " + "很长的描述" * 400)).encode()
        assert len(padded) > 4000
        assert (await raw_request(server.port, chunked(ok, padded)))[0] == 413
        assert await webhook_tickets(app) == 1  # not handled


async def test_a_kept_alive_connection_that_stalls_in_its_next_request_is_cut_off(
        settings: Settings, clock: FakeClock) -> None:
    async with webhook_bot(settings, clock) as (server, _, _):
        assert server.port is not None
        server.limits.read_timeout = 0.5
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            body = json.dumps(UpdateFactory().message(ENGINEER, "/start")).encode()
            writer.write((f"POST {HOOK} HTTP/1.1\r\nHost: localhost\r\nX-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
            await writer.drain()
            first = await asyncio.wait_for(reader.readuntil(b'{"ok":true}'), timeout=10)
            assert first.startswith(b"HTTP/1.1 200")
            writer.write(f"POST {HOOK} HTTP/1.1\r\nHost: loc".encode())  # … and nothing more
            await writer.drain()
            rest = await asyncio.wait_for(reader.read(), timeout=3)  # closed by the server well before 3 s
            assert rest.startswith(b"HTTP/1.1 408")
        finally:
            writer.close()


async def test_idle_connections_beyond_the_limit_get_503_and_are_cut_off(settings: Settings,
                                                                         clock: FakeClock) -> None:
    async with webhook_bot(settings, clock) as (server, api, _):
        assert server.port is not None
        server.limits.read_timeout = 2.0
        idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(MAX_CONNECTIONS)]
        try:
            update = UpdateFactory().message(ENGINEER, "/start")
            async with httpx.AsyncClient() as client:
                url = f"http://127.0.0.1:{server.port}{HOOK}"
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                assert (await client.post(url, json=update, headers=headers)).status_code == 503
                assert api.messages_to(ENGINEER) == []
                # the idle connections never sent a request: closed after the deadline, the webhook works again
                for reader, _ in idle:
                    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
                assert (await client.post(url, json=update, headers=headers)).status_code == 200
            assert any("您好，周小舟" in m.text for m in api.messages_to(ENGINEER))
        finally:
            for _, writer in idle:
                writer.close()


async def test_an_error_while_handling_answers_500_without_a_traceback(
        settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("database password is hunter2")

    async with webhook_bot(settings, clock) as (server, _, _):
        monkeypatch.setattr(webhook, "handle_received", broken)
        async with httpx.AsyncClient() as client:
            answer = await client.post(f"http://127.0.0.1:{server.port}{HOOK}",
                                       json=UpdateFactory().message(ENGINEER, "/start"),
                                       headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert answer.status_code == 500 and answer.json() == {"ok": False}
        assert "hunter2" not in answer.text and "Traceback" not in answer.text
