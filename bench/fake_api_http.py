#!/usr/bin/env python3
"""A fake Bot API server over loopback HTTP for bench_updates.py's `--http` mode (bench code only).

It answers the Bot API methods with bot/offline/fake_telegram.py's FakeBotAPI (the same semantics as the tests),
adds `--latency-ms` to every call (what a real Telegram connection costs), and feeds a prepared list of updates
through getUpdates like Telegram: up to `--batch` updates from the requested offset, the offset confirming
everything below it. Only loopback: it binds 127.0.0.1.

Feeding starts with the first long poll (`timeout` > 0), so a bot's start-up catch-up (getUpdates with
timeout 0) finds nothing and the whole run goes through its normal polling loop.

`--sequential`: one update at a time; the next one is released only when the previous one is done.

An update is done when the server has answered the call that completes it:
- a marker in the update (`"done_by": "reply"`, the bare echo): the echo's sendMessage whose text ends with
  `#<update_id>`, or its answerCallbackQuery for the query id;
- otherwise (the bot, which confirms an update only after handling it): the getUpdates call whose offset
  confirms it.

An update with `"press": <user id>` instead of a message is turned, when handed out, into a callback query
pressing the first button of the newest message the bot sent that carries a pressable button (as a person
would press what the bot showed); with nothing to press it becomes a /help from that person.

When every update is done (or after `--deadline` seconds) it writes `--out` (JSON: per update the time handed
out and the time done, on the server's monotonic clock, plus the count of API calls by method) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_updates import Presses
from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory


class Params:
    """What FakeBotAPI.do_request reads from python-telegram-bot's RequestData."""

    contains_files = False

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = parameters


def _value(text: str) -> Any:
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class Feed:
    def __init__(self, updates: list[dict[str, Any]], *, batch: int, sequential: bool, api: FakeBotAPI) -> None:
        self.updates = updates
        self.batch = batch
        self.sequential = sequential
        self.api = api
        self.by_id = {u["update_id"]: i for i, u in enumerate(updates)}
        self.released = 0  # updates[:released] may be handed out
        self.started = False
        self.handed: dict[int, float] = {}
        self.done: dict[int, float] = {}
        self.changed = asyncio.Condition()
        self.finished = asyncio.Event()
        self.factory = UpdateFactory()
        self.presses = Presses(api, self.factory)
        self.pressed: set[tuple[int, int, str]] = set()

    def start(self) -> None:
        if not self.started:
            self.started = True
            self.released = 1 if self.sequential else len(self.updates)

    def _materialise(self, index: int) -> dict[str, Any]:
        update = self.updates[index]
        if "press" not in update:
            return update
        self.presses.collect()
        presser = int(update["press"])
        payload = None
        while self.presses.buttons and payload is None:
            message, data = self.presses.buttons.pop()
            key = (message.chat_id, message.message_id, data)
            if key in self.pressed:
                continue
            self.pressed.add(key)
            who = message.chat_id if message.chat_id > 0 else presser
            payload = self.factory.callback(who, message, data)
        if payload is None:
            payload = self.factory.message(presser, "/help")
        payload["update_id"] = update["update_id"]
        if "callback_query" in payload:
            payload["callback_query"]["id"] = str(update["update_id"])
        self.updates[index] = payload
        return payload

    def available(self, offset: int, limit: int) -> list[dict[str, Any]]:
        first = self.by_id.get(offset, len(self.updates)) if offset else 0
        if offset and offset not in self.by_id:  # past the last one, or before the first
            first = 0 if offset <= self.updates[0]["update_id"] else len(self.updates)
        out = []
        now = time.monotonic()
        for index in range(first, min(self.released, first + limit)):
            payload = self._materialise(index)
            self.handed.setdefault(payload["update_id"], now)
            out.append(payload)
        return out

    async def mark_done(self, update_id: int, at: float) -> None:
        if update_id in self.done or update_id not in self.by_id:
            return
        self.done[update_id] = at
        if self.sequential and self.released < len(self.updates) and len(self.done) == self.released:
            self.released += 1
        async with self.changed:
            self.changed.notify_all()
        if len(self.done) == len(self.updates):
            self.finished.set()

    async def confirm(self, offset: int, at: float) -> None:
        for update_id in [u for u in self.handed if u < offset and u not in self.done]:
            await self.mark_done(update_id, at)


class Server:
    def __init__(self, feed: Feed, api: FakeBotAPI, latency: float, reply_done: bool) -> None:
        self.feed = feed
        self.api = api
        self.latency = latency
        self.reply_done = reply_done
        self.methods: Counter[str] = Counter()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                parts = line.decode("latin-1").split()
                headers: dict[str, str] = {}
                while True:
                    header = await reader.readline()
                    if header in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = header.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                status, payload = await self.answer(parts[1] if len(parts) > 1 else "/", headers, body)
                data = json.dumps(payload).encode()
                writer.write(f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(data)}\r\nConnection: keep-alive\r\n\r\n".encode() + data)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    async def answer(self, target: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        method = target.rsplit("/", 1)[-1].split("?", 1)[0]
        self.methods[method] += 1
        ctype = headers.get("content-type", "")
        if "json" in ctype:
            params = json.loads(body or b"{}")
        elif "multipart" in ctype:
            params = {}
        else:
            params = {k: _value(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)}
        arrived = time.monotonic()
        if method == "getUpdates":
            result = await self.get_updates(params, arrived)
            await asyncio.sleep(self.latency)
            return 200, {"ok": True, "result": result}
        status, raw = await self.api.do_request(target, "POST", Params(params))
        await asyncio.sleep(self.latency)
        answered = time.monotonic()
        if self.reply_done:
            if method == "sendMessage":
                tail = str(params.get("text", "")).rsplit("#", 1)[-1]
                if tail.isdigit():
                    await self.feed.mark_done(int(tail), answered)
            elif method == "answerCallbackQuery" and str(params.get("callback_query_id", "")).isdigit():
                await self.feed.mark_done(int(params["callback_query_id"]), answered)
        return status, json.loads(raw)

    async def get_updates(self, params: dict[str, Any], arrived: float) -> list[dict[str, Any]]:
        feed = self.feed
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = min(int(params.get("limit") or 100), feed.batch)
        if offset and not self.reply_done:
            await feed.confirm(offset, arrived)
        if timeout > 0:
            feed.start()
        found = feed.available(offset, limit) if feed.started else []
        if found or timeout <= 0:
            return found
        deadline = time.monotonic() + timeout
        async with feed.changed:
            while not found and time.monotonic() < deadline and not feed.finished.is_set():
                try:
                    await asyncio.wait_for(feed.changed.wait(), timeout=deadline - time.monotonic())
                except TimeoutError:
                    break
                found = feed.available(offset, limit)
        return found


async def serve(args: argparse.Namespace) -> int:
    updates = json.loads(Path(args.updates).read_text(encoding="utf-8"))
    api = FakeBotAPI()
    await api.initialize()
    reply_done = bool(updates) and updates[0].get("done_by") == "reply"
    for update in updates:
        update.pop("done_by", None)
    feed = Feed(updates, batch=args.batch, sequential=args.sequential, api=api)
    server = Server(feed, api, args.latency_ms / 1000, reply_done)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", args.port)
    port = listener.sockets[0].getsockname()[1]
    print(port, flush=True)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(feed.finished.wait(), timeout=args.deadline)
    result = {"handed": feed.handed, "done": feed.done, "updates": len(updates), "methods": dict(server.methods),
              "sent": len(api.sent)}
    partial = Path(args.out).with_suffix(".part")
    partial.write_text(json.dumps(result), encoding="utf-8")
    partial.replace(args.out)  # the driver sees the whole file or none
    listener.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", required=True, help="JSON file: the list of update payloads to feed")
    parser.add_argument("--out", required=True, help="JSON file written at the end")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every call")
    parser.add_argument("--batch", type=int, default=100, help="at most this many updates per getUpdates")
    parser.add_argument("--sequential", action="store_true", help="one update at a time")
    parser.add_argument("--deadline", type=float, default=300.0, help="stop after this many seconds anyway")
    code = asyncio.run(serve(parser.parse_args(argv)))
    sys.stdout.flush()
    os._exit(code)  # the result is written; do not wait for clients' connections to wind down


if __name__ == "__main__":
    raise SystemExit(main())
