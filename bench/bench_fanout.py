#!/usr/bin/env python3
"""Reminder fan-out: 1,000 reminders due in the same minute, through the outbox and the rate limiter.

The whole delivery path of the bot runs: the reminders are queued with `services.notifier.to_chat` in one
unit of work (1,000 distinct private chats, plus some to the project group), the real outbox worker
(bot/delivery.py) sends them through python-telegram-bot's AIORateLimiter (as bot/app.py wires it) to the
offline FakeBotAPI, which enforces Telegram's flood limits with its FloodLimits (bot/offline/fake_telegram.py:
token buckets, 30 a second overall with a burst of 30, 1 a second per private chat, 20 a minute per group) and
answers 429 with retry_after beyond them; `--sliding` uses hard windows instead (TelegramLimits below).

Checks: every reminder delivered, none lost, none duplicated. Prints the number of 429s and the total time
against the theoretical floor (messages / 30 per second). Real time (SystemClock).

Run: ``python bench/bench_fanout.py`` (1,000 + 10 group), ``--quick`` (50 + 10: a smoke test).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import GROUP, bench_settings, header, quiet_logs
from bot.app import build_application, running
from bot.offline.fake_telegram import FakeBotAPI, FloodControl, FloodLimits
from bot.services.clock import SystemClock
from bot.services.container import Services
from bot.state import app_state

PRIVATE_BASE = 10_000_000  # made-up private chat ids PRIVATE_BASE + 1 …
KEY = "att.remind_checkin"


class TelegramLimits:
    """Telegram's flood limits as the fake enforces them (sliding windows, real time).

    A call over a limit is refused (and not counted); the answer is 429 with retry_after = the whole
    seconds until the call would pass, at least 1 — as Telegram answers.
    """

    def __init__(self, *, overall_per_second: int = 30, chat_interval: float = 1.0, group_per_minute: int = 20,
                 now: Any = time.monotonic) -> None:
        self.overall_per_second = overall_per_second
        self.chat_interval = chat_interval
        self.group_per_minute = group_per_minute
        self.now = now
        self.accepted: deque[float] = deque()
        self.last_in_chat: dict[int, float] = {}
        self.group_accepted: dict[int, deque[float]] = defaultdict(deque)
        self.refused: Counter[str] = Counter()

    @property
    def refusals(self) -> int:
        return sum(self.refused.values())

    def __call__(self, method: str, params: dict[str, Any]) -> int | None:
        now = self.now()
        chat_id = int(params["chat_id"])
        while self.accepted and self.accepted[0] <= now - 1.0:
            self.accepted.popleft()
        waits: dict[str, float] = {}
        if len(self.accepted) >= self.overall_per_second:
            waits["overall"] = self.accepted[0] + 1.0 - now
        last = self.last_in_chat.get(chat_id)
        if last is not None and now - last < self.chat_interval:
            waits["chat"] = last + self.chat_interval - now
        if chat_id < 0:
            window = self.group_accepted[chat_id]
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.group_per_minute:
                waits["group"] = window[0] + 60.0 - now
        if waits:
            reason = max(waits, key=waits.__getitem__)
            self.refused[reason] += 1
            return max(1, math.ceil(waits[reason]))
        self.accepted.append(now)
        self.last_in_chat[chat_id] = now
        if chat_id < 0:
            self.group_accepted[chat_id].append(now)
        return None


@dataclass
class FanoutResult:
    queued: int
    delivered: int
    lost: int
    duplicated: int
    seconds: float
    floor_seconds: float
    refusals: Counter[str] = field(default_factory=Counter)
    outbox_retries: int = 0
    outbox_status: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.duplicated == 0 and self.delivered == self.queued


async def _settle_startup(app: Any) -> None:
    """Let start-up traffic (menus, downtime notice) go out before the clock starts."""
    menus = app_state(app).menus
    if menus is not None:
        await asyncio.wait([menus], timeout=30)
    await app_state(app).delivery.drain()


async def _queue(services: Services, private: int, group: int) -> dict[int, int]:
    """Queue the reminders in one unit of work; returns the number expected per chat."""
    expected: dict[int, int] = Counter()
    every = max(1, private // max(group, 1))
    start = services.settings.working_hours.start.strftime("%H:%M")
    async with services.db.uow() as uow:
        await uow.chats.bind_group(GROUP, "基准测试群", None, services.now())
        sent_group = 0
        for n in range(private):
            chat_id = PRIVATE_BASE + 1 + n
            await services.notifier.to_chat(uow, chat_id, KEY, kind="bench.reminder", dedup=f"bench:p{n}", start=start)
            expected[chat_id] += 1
            if group and n % every == every - 1 and sent_group < group:
                await services.notifier.to_chat(uow, GROUP, KEY, kind="bench.reminder", dedup=f"bench:g{sent_group}",
                                                start=start)
                expected[GROUP] += 1
                sent_group += 1
        for extra in range(sent_group, group):
            await services.notifier.to_chat(uow, GROUP, KEY, kind="bench.reminder", dedup=f"bench:g{extra}",
                                            start=start)
            expected[GROUP] += 1
        await uow.commit()
    return expected


async def run_fanout(private: int = 1000, group: int = 10, *, timeout: float = 600.0,
                     db_dir: Path | None = None, sliding: bool = False) -> FanoutResult:
    """Queue `private` + `group` reminders, let the real worker deliver them, and check the result.

    The fake enforces Telegram's limits with its own FloodLimits (token buckets: a burst of 30, then 30 a
    second; 1 a second per private chat; 20 a minute per group), or with `sliding` the stricter
    TelegramLimits above (hard one-second and one-minute windows)."""
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp:
        settings = bench_settings(Path(tmp) / "fanout.db")
        api = FakeBotAPI(flood_limits=None if sliding else FloodLimits())
        flood = api.flood
        app = build_application(settings, request=api, clock=SystemClock())
        async with running(app):
            await _settle_startup(app)
            services: Services = app_state(app).running_services()
            delivery = app_state(app).delivery
            limits = TelegramLimits()
            if sliding:
                api.limiter = limits
            else:
                api.flood = flood = FloodControl(FloodLimits())  # full buckets: start-up traffic is not counted
            before = len(api.sent)
            retries_before = delivery.retry_count
            started = time.perf_counter()
            expected = await _queue(services, private, group)
            deadline = started + timeout
            while time.perf_counter() < deadline:
                async with services.db.uow() as uow:
                    counts = await uow.outbox.counts()
                if not counts.get("pending"):
                    break
                await asyncio.sleep(0.05)
            seconds = time.perf_counter() - started
            api.limiter = None
            api.flood = None
            if not sliding and flood is not None:
                limits.refused = Counter({"flood": flood.refused})
            got = Counter(m.chat_id for m in api.sent[before:] if m.chat_id in expected)
        queued = sum(expected.values())
        lost = sum(max(0, n - got.get(chat, 0)) for chat, n in expected.items())
        duplicated = sum(max(0, got.get(chat, 0) - n) for chat, n in expected.items())
        return FanoutResult(queued=queued, delivered=sum(got.values()), lost=lost, duplicated=duplicated,
                            seconds=seconds, floor_seconds=queued / limits.overall_per_second,
                            refusals=limits.refused, outbox_retries=delivery.retry_count - retries_before,
                            outbox_status=counts)


def report(result: FanoutResult, private: int, group: int) -> None:
    print(f"reminders queued:  {result.queued} ({private} private chats + {group} to one group)")
    print(f"delivered:         {result.delivered}   lost: {result.lost}   duplicated: {result.duplicated}")
    print(f"429 answers:       {sum(result.refusals.values())} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(result.refusals.items())) or 'none'})")
    print(f"outbox retries:    {result.outbox_retries} (429s that outlasted the rate limiter's own retries)")
    print(f"total time:        {result.seconds:.1f} s against the floor {result.floor_seconds:.1f} s "
          f"(messages / 30 per s): {result.seconds / result.floor_seconds:.2f}x, "
          f"{result.delivered / result.seconds:.1f} msg/s")
    print("result:            " + ("OK — all delivered once" if result.ok else "FAILED"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--private", type=int, default=1000, help="distinct private chats (one reminder each)")
    parser.add_argument("--group", type=int, default=10, help="reminders to the one project group")
    parser.add_argument("--quick", action="store_true", help="50 private + 10 group: a smoke run")
    parser.add_argument("--sliding", action="store_true",
                        help="hard one-second / one-minute windows instead of the fake's FloodLimits buckets")
    args = parser.parse_args(argv)
    if args.quick:
        args.private, args.group = 50, 10
    quiet_logs()
    header("reminder fan-out through the outbox and the rate limiter")
    result = asyncio.run(run_fanout(args.private, args.group, sliding=args.sliding))
    report(result, args.private, args.group)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
