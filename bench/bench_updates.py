#!/usr/bin/env python3
"""Update throughput: the whole bot against a bare python-telegram-bot echo Application.

The bot (bot/app.py `build_application` on the offline FakeBotAPI, started with `running(app)`: handlers,
services, SQLite, the outbox worker and the timers all live) processes a realistic mix of N updates,
day after day on a fake clock: every engineer checks in (「签到」 in the group or /checkin) and out (「签退」),
someone checks in twice, the client raises work orders (/ticket), buttons are pressed on what the bot sent
(the kind of a new ticket, 我来受理 on the engineers' notifications, acknowledgements of urgent requests when
that feature exists), /urgent when it exists, /score, /help, and a stranger writes to the bot.
Each update goes through `app.process_update(Update.de_json(...))`; its wall time is its latency. The outbox
worker keeps running (its sends are part of the bot's work); the clock stops when the outbox is empty.

The bot runs without the AIORateLimiter here, like the bare Application: Telegram's flood limits (30 messages/s,
20 per minute per group) would cap any bot at a few updates per second and hide its own cost; the limiter and
the outbox under Telegram's limits are bench_fanout.py's subject.

In the same process a bare Application (same FakeBotAPI class, no rate limiter) with one echo
MessageHandler processes N text messages the same way.

Prints updates/s for both, their ratio, and the bot's per-update latency p50 / p99 (ms), by kind too.
Targets: bot ≥ 0.5 × bare, p99 < 50 ms.

Run: ``python bench/bench_updates.py`` (N = 2,000), ``--updates 300`` for a short run, ``--profile`` to print
the top of a cProfile of the bot's run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters

from bench.harness import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    STRANGER,
    SUPERVISOR,
    VENDOR_CONTACT,
    bench_settings,
    engineer_id,
    fresh_postgres_database,
    header,
    percentile,
    quiet_logs,
)
from bot.app import DECLARED, OFFLINE_TOKEN, build_application, running
from bot.offline.fake_telegram import FakeBotAPI, SentMessage, UpdateFactory
from bot.services.callback_data import decode
from bot.services.clock import FakeClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2022, 10, 10)  # a Monday after National Day

TICKET_TEXTS = [
    "社保卡系统无法打印制卡凭证，窗口在等，请协助处理",
    "公服网办大厅个人参保证明下载失败，提示系统繁忙",
    "请导出上月机关事业单位养老保险新增人员名单，周五前",
    "人力资源市场系统招聘会报名页面打不开",
    "统一经办门户权限调整：新增两名经办人员账号",
    "江苏智慧人社APP 登录后白屏，多名群众反映",
]
URGENT_TEXTS = ["武进区服务大厅经办系统全部无法登录，窗口已排队", "社保卡即时制卡中心打印机接口报错，业务中断"]
PRESSABLE = {("tk", "k"), ("tk", "take"), ("urg", "ack"), ("urg", "arrive")}


@dataclass
class Run:
    updates: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outbox_seconds: float = 0.0
    sent: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------------------------------
# bare python-telegram-bot: one echo handler
# --------------------------------------------------------------------------------------------------
async def _echo(update: Update, context: Any) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


def bare_application(api: FakeBotAPI) -> Application:
    app = ApplicationBuilder().token(OFFLINE_TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app


async def run_bare(n: int, *, warmup: int = 50) -> Run:
    """N text messages from roster people and a stranger, each echoed, through process_update."""
    api = FakeBotAPI()
    app = bare_application(api)
    factory = UpdateFactory()
    senders = [LEAD, ENGINEER, CLIENT_CONTACT, SUPERVISOR, STRANGER]
    texts = ["签到", "签退", "/help", *TICKET_TEXTS]
    payloads = [factory.message(senders[i % len(senders)], texts[i % len(texts)], chat_id=GROUP if i % 2 else None)
                for i in range(n + warmup)]
    async with app:
        await app.start()
        for payload in payloads[:warmup]:
            await app.process_update(Update.de_json(payload, app.bot))
        run = Run(n, 0.0)
        started = time.perf_counter()
        for payload in payloads[warmup:]:
            t0 = time.perf_counter()
            await app.process_update(Update.de_json(payload, app.bot))
            run.latencies.append(time.perf_counter() - t0)
        run.seconds = time.perf_counter() - started
        run.sent = len(api.sent)
        await app.stop()
    return run


# --------------------------------------------------------------------------------------------------
# the bot: a day-by-day mix
# --------------------------------------------------------------------------------------------------
class Mix:
    """Builds the next update from what has happened so far (button presses need the bot's messages)."""

    def __init__(self, app: Application, api: FakeBotAPI, clock: FakeClock, engineers: list[int], seed: int) -> None:
        self.app = app
        self.api = api
        self.clock = clock
        self.engineers = engineers
        self.rng = random.Random(seed)
        self.factory = UpdateFactory()
        self.cursor = 0
        self.buttons: deque[tuple[int, SentMessage, str]] = deque(maxlen=200)
        self.pressed: set[tuple[int, int, str]] = set()
        self.day = FIRST_DAY
        self.plan: deque[tuple[str, int, Callable[[], dict[str, Any] | None]]] = deque()
        self.has_urgent = "urgent" in DECLARED.commands
        self.has_checkin_text = "checkin" in DECLARED.commands  # the attendance feature also reads 签到 / 签退

    # -- time --------------------------------------------------------------------------------------
    def _at(self, hour: int, minute: int) -> None:
        self.clock.set(datetime(self.day.year, self.day.month, self.day.day, hour, 0, tzinfo=SHANGHAI)
                       + timedelta(minutes=minute))

    def _next_day(self) -> None:
        calendar = self.app.bot_data["services"].calendar
        self.day += timedelta(days=1)
        while not calendar.is_workday(self.day):
            self.day += timedelta(days=1)

    # -- what the bot sent: buttons to press later ----------------------------------------------------
    def collect(self, sender: int) -> None:
        new = self.api.sent[self.cursor:]
        self.cursor = len(self.api.sent)
        for message in new:
            for row in message.buttons[:1]:
                for _, data in row[:1]:
                    parsed = decode(data)
                    if parsed is None or (parsed.feature, parsed.action) not in PRESSABLE:
                        continue
                    presser = message.chat_id if message.chat_id > 0 else sender
                    if parsed.action == "take":
                        presser = message.chat_id if message.chat_id > 0 else self.rng.choice(self.engineers)
                    self.buttons.append((presser, message, data))

    # -- the plan of one working day --------------------------------------------------------------------
    def _message(self, user: int, text: str, chat: int | None = None) -> Callable[[], dict[str, Any]]:
        return lambda: self.factory.message(user, text, chat_id=chat, sent_at=self.clock.now())

    def _press(self) -> dict[str, Any] | None:
        while self.buttons:
            presser, message, data = self.buttons.popleft()
            key = (message.chat_id, message.message_id, data)
            if key in self.pressed:
                continue
            self.pressed.add(key)
            return self.factory.callback(presser, message, data)
        return self.factory.message(self.rng.choice(self.engineers), "/help", sent_at=self.clock.now())

    def plan_day(self) -> None:
        rng = self.rng
        morning = []
        for index, person in enumerate(self.engineers):
            text = "签到" if self.has_checkin_text and index % 3 else "/checkin"
            morning.append(("checkin", person, self._message(person, text, GROUP if text == "签到" else None)))
        rng.shuffle(morning)
        day: list[tuple[str, int, Callable[[], dict[str, Any] | None]]] = []
        for _ in range(2):
            requester = rng.choice([CLIENT_CONTACT, SUPERVISOR, VENDOR_CONTACT])
            day.append(("ticket", requester, self._message(requester, "/ticket " + rng.choice(TICKET_TEXTS), GROUP)))
            day.append(("press", 0, self._press))
            day.append(("press", 0, self._press))
        if self.has_urgent:
            requester = rng.choice([CLIENT_CONTACT, SUPERVISOR])
            day.append(("urgent", requester, self._message(requester, "/urgent " + rng.choice(URGENT_TEXTS), GROUP)))
            day.append(("press", 0, self._press))
        day.append(("score", LEAD, self._message(rng.choice([LEAD, CLIENT_CONTACT, SUPERVISOR]), "/score")))
        helper = rng.choice([*self.engineers, ADMIN, SUPERVISOR])
        day.append(("help", helper, self._message(helper, "/help")))
        day.append(("unknown", STRANGER, self._message(STRANGER, "你好，请问怎么报修？")))
        again = rng.choice(self.engineers)
        day.append(("checkin", again, self._message(again, "/checkin")))
        day.append(("press", 0, self._press))
        evening = [("checkout", p, self._message(p, "签退" if self.has_checkin_text else "/checkout",
                                                 GROUP if self.has_checkin_text else None)) for p in self.engineers]
        rng.shuffle(evening)
        for minute, (kind, _, build) in enumerate(morning):
            self.plan.append((kind, -40 + minute, build))
        for kind, _, build in day:
            self.plan.append((kind, 60 + 15 * len(self.plan), build))
        for kind, _, build in evening:
            self.plan.append((kind, 8 * 60 + 40 + len(self.plan), build))

    def next(self) -> tuple[str, dict[str, Any]]:
        if not self.plan:
            self._next_day()
            self.plan_day()
        kind, minute, build = self.plan.popleft()
        self._at(9, minute)
        payload = build()
        assert payload is not None
        return kind, payload


async def run_bot(n: int, *, engineers: int = 10, warmup: int = 40, seed: int = 7,
                  profile: cProfile.Profile | None = None, db_dir: Path | None = None,
                  postgres: str | None = None) -> Run:
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp, contextlib.ExitStack() as stack:
        storage = {"db": stack.enter_context(fresh_postgres_database(postgres))} if postgres else {}
        settings = bench_settings(Path(tmp) / "updates.db", engineers=max(engineers - 2, 0), storage=storage)
        clock = FakeClock(datetime.combine(FIRST_DAY, datetime.min.time(), SHANGHAI).replace(hour=8, minute=30))
        api = FakeBotAPI()
        # No rate limiter, like the bare Application: Telegram's limits (30 msg/s, 20/min per group) would
        # cap both at a few updates per second; bench_fanout.py measures the limiter.
        app = build_application(settings, request=api, clock=clock, rate_limit=False)
        people = [LEAD, ENGINEER] + [engineer_id(i) for i in range(max(engineers - 2, 0))]
        async with running(app):
            menus = app.bot_data.get("menus")
            if menus is not None:
                await asyncio.wait([menus], timeout=30)
            mix = Mix(app, api, clock, people, seed)
            await app.process_update(Update.de_json(mix.factory.message(ADMIN, "/bindgroup", chat_id=GROUP), app.bot))
            mix.plan_day()
            delivery = app.bot_data["delivery"]
            services = app.bot_data["services"]

            async def one() -> tuple[str, float]:
                kind, payload = mix.next()
                sender = (payload.get("message") or payload.get("callback_query"))["from"]["id"]
                t0 = time.perf_counter()
                await app.process_update(Update.de_json(payload, app.bot))
                elapsed = time.perf_counter() - t0
                mix.collect(sender)
                return kind, elapsed

            for _ in range(warmup):
                await one()
            await delivery.drain()
            run = Run(n, 0.0)
            sent_before = len(api.sent)
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            for _ in range(n):
                kind, elapsed = await one()
                run.latencies.append(elapsed)
                run.by_kind[kind].append(elapsed)
                await asyncio.sleep(0)  # let the outbox worker in between updates, as polling would
            updates_done = time.perf_counter()
            while True:  # the worker's backlog is part of the bot's work
                async with services.db.uow() as uow:
                    due = (await uow.outbox.backlog(services.now())).due_now
                if not due:
                    break
                await asyncio.sleep(0.01)
            run.seconds = time.perf_counter() - started
            run.outbox_seconds = run.seconds - (updates_done - started)
            if profile is not None:
                profile.disable()
            run.sent = len(api.sent) - sent_before
    return run


def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def report(bare: Run, bot: Run) -> bool:
    ratio = bot.rate / bare.rate
    p50, p99 = percentile(bot.latencies, 0.50), percentile(bot.latencies, 0.99)
    print(f"bare PTB echo: {bare.rate:8,.0f} updates/s  ({bare.updates} updates,"
          f" p50 {ms(percentile(bare.latencies, .5))} ms, p99 {ms(percentile(bare.latencies, .99))} ms)")
    print(f"maintbot:      {bot.rate:8,.0f} updates/s  ({bot.updates} updates in {bot.seconds:.2f} s, of which"
          f" {bot.outbox_seconds:.2f} s draining the outbox at the end; {bot.sent} messages sent)")
    print(f"ratio bot/bare: {ratio:.2f}  (target ≥ 0.50)")
    print(f"bot latency: p50 {ms(p50)} ms, p99 {ms(p99)} ms, max {ms(max(bot.latencies))} ms  (target p99 < 50 ms)")
    print("by kind:        count   p50 ms   p99 ms")
    for kind, values in sorted(bot.by_kind.items()):
        print(f"  {kind:<12} {len(values):6d}  {ms(percentile(values, .5)):>7}  {ms(percentile(values, .99)):>7}")
    ok = ratio >= 0.5 and p99 < 0.050
    print("targets: " + ("met" if ok else "MISSED"))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--engineers", type=int, default=10, help="engineers checking in (incl. the lead)")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the bot's run")
    parser.add_argument("--postgres", metavar="URL", help="run the bot on a fresh database on this PostgreSQL server")
    args = parser.parse_args(argv)
    quiet_logs()
    header(f"update throughput: maintbot against bare python-telegram-bot, {args.updates} updates")
    bare = asyncio.run(run_bare(args.updates))
    profile = cProfile.Profile() if args.profile else None
    bot = asyncio.run(run_bot(args.updates, engineers=args.engineers, profile=profile, postgres=args.postgres))
    report(bare, bot)
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
