#!/usr/bin/env python3
"""Update throughput: the whole bot against a bare python-telegram-bot echo bot, in-process and over HTTP.

Both sides get prebuilt update payloads (built before the clock starts). The bot's mix is one working day
on a database that already holds the contract year up to the day before (bench/generate_year.py, 50 engineers
by default: 20,000 tickets, 2,000 urgent requests, a check-in per engineer per working day), so `/score`
costs what it costs in production:
every engineer checks in (「签到」 in the group or /checkin), then, repeated until N: two `/ticket`s by the
client, buttons pressed on what the bot sent (the ticket's kind, 我来受理, an urgent request's acknowledgement),
an `/urgent`, `/score`, `/help`, a stranger writing to the bot, someone checking in twice; at the end every
engineer checks out (「签退」). A press is the only payload not fully prebuilt: it names the newest pressable
button the bot sent, which only exists once the bot sent it. The echo's mix has the same share of button
presses (callback queries, answered) as the bot's.

Modes:
- **in-process** (default): `app.process_update(Update.de_json(...))` one update after another on the offline
  FakeBotAPI, no rate limiter on either side. The bot is built with `build_application` and started with
  `running(app)` (handlers, services, SQLite, outbox worker, timers all live) on a FakeClock that moves one
  second per update within the day (no jumps over days: no month of timers firing in the middle). The outbox
  backlog left at the end counts in the bot's time.
- **http** (`--http`): the real `run_bot.py` process (its `main`: long polling; through bench/run_bot_at.py,
  which starts the bot's clock at 17:50 of the played day and lets it run at real speed; no rate limiter,
  `telegram.rate_limit = false`, unless `--limiter`)
  and, the same way, a bare echo process (bench/echo_bot.py: python-telegram-bot's `run_polling` with
  `concurrent_updates(32)`: its best setting on this machine; `True` means 256 updates in flight, and httpx's
  connection pool then makes it 3-5x slower, see `--echo-concurrency`), each against a fake Bot API server
  process on loopback (bench/fake_api_http.py) that adds `--latency-ms` to every call (0 and 50 by default).
  Two runs each:
  *batch* (all N updates waiting at the start, up to 100 per getUpdates, like a busy Telegram) for the rate,
  and *one at a time* (the next update only once the previous is done) for the latency.
  An update is done for the bot when it is confirmed (the bot confirms after handling: commit-before-confirm),
  for the echo when its reply or callback answer was answered by the server.

Prints updates/s for both, their ratio and the latency p50/p99 per mode. Targets: bot ≥ 0.5 × the echo in
every mode (stretch 0.8), p99 < 50 ms at 0 ms added latency.

Run: ``python bench/bench_updates.py`` (in-process, N = 2,000), ``--http`` (over loopback HTTP, N = 300),
``--updates 300`` for a short run, ``--engineers 10`` for a smaller year, ``--year-db FILE`` to reuse a year
generated with ``generate_year.py FILE --engineers 50 --until 2023-01-16``, ``--profile`` to print the top of
a cProfile of the bot's in-process run, ``--backends sqlite postgresql`` for both backends on the same year in one run
(side by side; PostgreSQL on ``--postgres URL`` or a throwaway cluster).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

from bench.generate_year import generate_year
from bench.harness import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    ROOT,
    STRANGER,
    SUPERVISOR,
    VENDOR_CONTACT,
    bench_config,
    bench_settings,
    copied_to_postgres,
    engineer_id,
    fresh_postgres_database,
    header,
    percentile,
    postgres_server,
    quiet_logs,
    side_by_side,
)
from bot.app import OFFLINE_TOKEN, build_application, running
from bot.features import DECLARED
from bot.offline.fake_telegram import FakeBotAPI, SentMessage, UpdateFactory
from bot.services.callback_data import decode
from bot.services.clock import FakeClock
from bot.state import app_state
from config.sample import write_toml

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2023, 1, 17)  # a Tuesday near the end of the contract year; the year is written up to the day before
YEAR_UNTIL = DAY - timedelta(days=1)
HTTP_CLOCK = datetime(DAY.year, DAY.month, DAY.day, 17, 50, tzinfo=SHANGHAI)  # the real process's clock starts here

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


@dataclass
class Step:
    """One update of the mix: a prebuilt payload, or a press (`press` = who presses) resolved when it is due."""

    kind: str
    at: datetime
    payload: dict[str, Any] | None = None
    press: int = 0
    update_id: int = 0


# --------------------------------------------------------------------------------------------------
# the mix, built before anything is timed
# --------------------------------------------------------------------------------------------------
def people_of(engineers: int) -> list[int]:
    """The engineers of the bench roster (the lead counts as one), as generate_year.py writes them."""
    return [LEAD, ENGINEER][:max(engineers, 1)] + [engineer_id(i) for i in range(max(engineers - 2, 0))]


def build_plan(n: int, engineers: list[int], *, seed: int = 7, day: date = DAY,
               factory: UpdateFactory | None = None, real_time: bool = False) -> list[Step]:
    """N steps of one working day: check-ins, then rounds of work, then check-outs (all within N).

    `real_time`: message dates are now (the real process runs on the real clock), else the day's times."""
    rng = random.Random(seed)
    factory = factory or UpdateFactory()
    has_text = "checkin" in DECLARED.commands
    morning_at = datetime(day.year, day.month, day.day, 8, 20, tzinfo=SHANGHAI)
    day_at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=SHANGHAI)
    evening_at = datetime(day.year, day.month, day.day, 17, 35, tzinfo=SHANGHAI)
    share = max(n // 4, 1)  # at most a quarter of the mix each for check-ins and check-outs
    morning_people = engineers[:share]
    evening_people = engineers[:max(min(share, n - len(morning_people) - 12), 0)]

    def message(kind: str, at: datetime, user: int, text: str, chat: int | None = None) -> Step:
        return Step(kind, at, factory.message(user, text, chat_id=chat, sent_at=None if real_time else at))

    steps: list[Step] = []
    order = list(morning_people)
    rng.shuffle(order)
    for index, person in enumerate(order):
        text = "签到" if has_text and index % 3 else "/checkin"
        steps.append(message("checkin", morning_at + timedelta(seconds=index), person, text,
                             GROUP if text == "签到" else None))
    work: list[Step] = []
    second = 0
    while len(steps) + len(work) < n - len(evening_people):
        at = day_at + timedelta(seconds=second)
        block: list[Step] = []
        for _ in range(2):
            requester = rng.choice([CLIENT_CONTACT, SUPERVISOR, VENDOR_CONTACT])
            block.append(message("ticket", at, requester, "/ticket " + rng.choice(TICKET_TEXTS), GROUP))
            block += [Step("press", at, press=rng.choice(engineers)), Step("press", at, press=rng.choice(engineers))]
        if "urgent" in DECLARED.commands:
            requester = rng.choice([CLIENT_CONTACT, SUPERVISOR])
            block.append(message("urgent", at, requester, "/urgent " + rng.choice(URGENT_TEXTS), GROUP))
            block.append(Step("press", at, press=rng.choice(engineers)))
        block.append(message("score", at, rng.choice([LEAD, CLIENT_CONTACT, SUPERVISOR]), "/score"))
        helper = rng.choice([*engineers, ADMIN, SUPERVISOR])
        block.append(message("help", at, helper, "/help"))
        block.append(message("unknown", at, STRANGER, "你好，请问怎么报修？"))
        again = rng.choice(engineers)
        block.append(message("checkin", at, again, "/checkin"))
        block.append(Step("press", at, press=rng.choice(engineers)))
        for index, step in enumerate(block):
            step.at = at + timedelta(seconds=index)
            if step.payload is not None and not real_time:
                step.payload["message"]["date"] = int(step.at.timestamp())
        second += len(block)
        work += block
    steps += work[:max(n - len(evening_people) - len(steps), 0)]
    order = list(evening_people)
    rng.shuffle(order)
    for index, person in enumerate(order):
        steps.append(message("checkout", evening_at + timedelta(seconds=index), person,
                             "签退" if has_text else "/checkout", GROUP if has_text else None))
    return steps[:n]


class Presses:
    """Resolves a press: the newest pressable button the bot sent that nobody pressed yet."""

    def __init__(self, api: FakeBotAPI, factory: UpdateFactory) -> None:
        self.api = api
        self.factory = factory
        self.cursor = 0
        self.buttons: deque[tuple[SentMessage, str]] = deque(maxlen=500)

    def collect(self) -> None:
        new = self.api.sent[self.cursor:]
        self.cursor = len(self.api.sent)
        for message in new:
            for row in message.buttons[:1]:
                for _, data in row[:1]:
                    parsed = decode(data)
                    if parsed is not None and (parsed.feature, parsed.action) in PRESSABLE:
                        self.buttons.append((message, data))

    def payload(self, presser: int, at: datetime, update_id: int) -> dict[str, Any]:
        self.collect()
        if self.buttons:
            message, data = self.buttons.pop()
            payload = self.factory.callback(message.chat_id if message.chat_id > 0 else presser, message, data)
        else:
            payload = self.factory.message(presser, "/help", sent_at=at)
        payload["update_id"] = update_id
        return payload


# --------------------------------------------------------------------------------------------------
# bare python-telegram-bot: echo every text, answer every button
# --------------------------------------------------------------------------------------------------
async def _echo(update: Update, context: Any) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def _answer(update: Update, context: Any) -> None:
    await update.callback_query.answer()


def bare_application(api: FakeBotAPI) -> Application:
    app = ApplicationBuilder().token(OFFLINE_TOKEN).request(api).get_updates_request(api).build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.add_handler(CallbackQueryHandler(_answer))
    return app


def echo_payloads(plan: list[Step]) -> list[dict[str, Any]]:
    """The same mix for the echo: the same messages, and a callback query where the bot gets a press."""
    factory = UpdateFactory()
    shown = SentMessage(GROUP, 1, "工单 #1", [[("受理", "echo")]], "sendMessage")
    out = []
    for step in plan:
        if step.payload is not None:
            message = step.payload["message"]
            out.append(factory.message(message["from"]["id"], message["text"],
                                       chat_id=message["chat"]["id"], sent_at=step.at))
        else:
            out.append(factory.callback(step.press, shown, "echo"))
    return out


async def run_bare(n: int, *, warmup: int = 50, engineers: int = 10) -> Run:
    """The echo on the same mix (messages and button presses), prebuilt, through process_update."""
    api = FakeBotAPI()
    app = bare_application(api)
    payloads = echo_payloads(build_plan(n + warmup, people_of(engineers)))
    payloads = payloads[-warmup:] + payloads[:n] if warmup else payloads[:n]
    async with app:
        await app.start()
        for payload in payloads[:warmup]:
            await app.process_update(Update.de_json(payload, app.bot))
        run = Run(n, 0.0)
        sent_before = len(api.calls)
        started = time.perf_counter()
        for payload in payloads[warmup:]:
            t0 = time.perf_counter()
            await app.process_update(Update.de_json(payload, app.bot))
            run.latencies.append(time.perf_counter() - t0)
        run.seconds = time.perf_counter() - started
        run.sent = len(api.calls) - sent_before
        await app.stop()
    return run


# --------------------------------------------------------------------------------------------------
# the bot, in-process
# --------------------------------------------------------------------------------------------------
async def make_year(path: Path, engineers: int, *, tickets: int | None = None, urgent: int | None = None) -> None:
    await generate_year(path, engineers, tickets=tickets, urgent=urgent, until=YEAR_UNTIL)


async def run_bot(n: int, *, engineers: int = 50, warmup: int = 20, seed: int = 7,
                  profile: cProfile.Profile | None = None, db_dir: Path | None = None,
                  year_db: Path | None = None, tickets: int | None = None, urgent: int | None = None,
                  postgres: str | None = None, location: str | None = None) -> Run:
    """`postgres`: a server URL; the bot then runs on a fresh database there (the roster, no year behind it).
    `location`: a database prepared already (e.g. the year copied to PostgreSQL), used as it is."""
    with tempfile.TemporaryDirectory(dir=db_dir) as tmp, contextlib.ExitStack() as stack:
        db = Path(tmp) / "updates.db"
        if location:
            storage = {"db": location}
        elif postgres:
            storage = {"db": stack.enter_context(fresh_postgres_database(postgres))}
        elif year_db is not None:
            shutil.copyfile(year_db, db)
            storage = {}
        else:
            await make_year(db, engineers, tickets=tickets, urgent=urgent)
            storage = {}
        settings = bench_settings(db, engineers=max(engineers - 2, 0), storage=storage)
        people = people_of(engineers)
        factory = UpdateFactory()
        warm = [Step("help", datetime(DAY.year, DAY.month, DAY.day, 8, 10, tzinfo=SHANGHAI),
                     factory.message(people[i % len(people)], "/help" if i % 2 else "/whoami",
                                     sent_at=datetime(DAY.year, DAY.month, DAY.day, 8, 10, tzinfo=SHANGHAI)))
                for i in range(warmup)]
        plan = build_plan(n, people, seed=seed, factory=factory)
        renumber(plan, start=warmup + 100)
        clock = FakeClock(datetime(DAY.year, DAY.month, DAY.day, 8, 0, tzinfo=SHANGHAI))
        api = FakeBotAPI()
        # No rate limiter, like the bare Application: Telegram's limits (30 msg/s, 20/min per group) would
        # cap both at a few updates per second; bench_fanout.py measures the limiter, --http runs with it.
        app = build_application(settings, request=api, clock=clock, rate_limit=False)
        async with running(app):
            menus = app_state(app).menus
            if menus is not None:
                await asyncio.wait([menus], timeout=30)
            presses = Presses(api, factory)
            await app.process_update(Update.de_json(factory.message(ADMIN, "/bindgroup", chat_id=GROUP), app.bot))
            delivery = app_state(app).delivery
            services = app_state(app).running_services()
            for step in warm:
                clock.set(step.at)
                await app.process_update(Update.de_json(step.payload, app.bot))
            await delivery.drain()
            run = Run(n, 0.0)
            sent_before = len(api.calls)
            if profile is not None:
                profile.enable()
            started = time.perf_counter()
            for step in plan:
                clock.set(step.at)
                payload = step.payload
                if payload is None:
                    payload = presses.payload(step.press, step.at, step.update_id)
                t0 = time.perf_counter()
                await app.process_update(Update.de_json(payload, app.bot))
                elapsed = time.perf_counter() - t0
                run.latencies.append(elapsed)
                run.by_kind[step.kind].append(elapsed)
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
            run.sent = len(api.calls) - sent_before
    return run


# --------------------------------------------------------------------------------------------------
# over loopback HTTP: real processes
# --------------------------------------------------------------------------------------------------
@dataclass
class HttpRun(Run):
    methods: dict[str, int] = field(default_factory=dict)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run_http(side: str, payloads: list[dict[str, Any]], work: Path, *, latency_ms: float, sequential: bool,
             year_db: Path | None = None, engineers: int = 50, deadline: float = 300.0,
             kinds: list[str] | None = None, limiter: bool = False, echo_concurrency: int | None = None) -> HttpRun:
    """One run over loopback: the fake Bot API server process, then the bot (`side` = "bot") or the bare echo
    ("echo") process polling it; returns when every update is done (or at `deadline`)."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{side}-", dir=work))
    updates_file, out_file = run_dir / "updates.json", run_dir / "result.json"
    updates_file.write_text(json.dumps(payloads, ensure_ascii=False), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAINTBOT_")}
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fake_api_http.py"), "--updates", str(updates_file),
         "--out", str(out_file), "--latency-ms", str(latency_ms), "--deadline", str(deadline),
         *(["--sequential"] if sequential else [])],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=(run_dir / "server.log").open("wb"))
    assert server.stdout is not None
    port = int(server.stdout.readline().decode().strip() or 0)
    base_url = f"http://127.0.0.1:{port}/bot"
    log = (run_dir / f"{side}.log").open("wb")
    if side == "bot":
        db = run_dir / "bot.db"
        if year_db is not None:
            shutil.copyfile(year_db, db)
        config = bench_config(db, engineers=max(engineers - 2, 0))
        config["telegram"] = {**config.get("telegram", {}), "token": OFFLINE_TOKEN, "api_base_url": base_url,
                              "rate_limit": limiter}
        write_toml(config, run_dir / "bot.toml")
        # run_bot.py's main, with the bot's clock at the end of the played day (bench/run_bot_at.py): every
        # message of the day is in its past (not older than a day, so its send time counts).
        command = [sys.executable, str(ROOT / "bench" / "run_bot_at.py"), HTTP_CLOCK.isoformat(),
                   "--config", str(run_dir / "bot.toml")]
    else:
        command = [sys.executable, str(ROOT / "bench" / "echo_bot.py"), base_url, *(["--limiter"] if limiter else []),
                   *([f"--concurrency={echo_concurrency}"] if echo_concurrency else [])]
    client = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:  # the server writes its result and stops by itself when every update is done or at its deadline
        give_up = time.monotonic() + deadline + 60
        while not out_file.exists() and time.monotonic() < give_up:
            if client.poll() is not None or server.poll() is not None:
                time.sleep(0.5)  # a result written just before
                break
            time.sleep(0.05)
    finally:
        _stop(server)
        _stop(client)
        log.close()
    if not out_file.exists():
        raise RuntimeError(f"{side} over HTTP: no result (client exit {client.returncode}, server exit "
                           f"{server.returncode}); see {run_dir}: "
                           + (run_dir / f"{side}.log").read_text(errors="replace")[-2000:])
    result = json.loads(out_file.read_text(encoding="utf-8"))
    handed = {int(k): v for k, v in result["handed"].items()}
    done = {int(k): v for k, v in result["done"].items()}
    run = HttpRun(len(done), 0.0, methods=result["methods"])
    if done:
        run.seconds = max(done.values()) - min(handed.values())
        ids = [p["update_id"] for p in payloads]
        for index, update_id in enumerate(ids):
            if update_id in done:
                latency = done[update_id] - handed[update_id]
                run.latencies.append(latency)
                if kinds is not None:
                    run.by_kind[kinds[index]].append(latency)
    run.sent = result["sent"]
    if len(done) < len(payloads):
        print(f"  ({side}: only {len(done)} of {len(payloads)} updates done before the deadline; "
              f"see {run_dir})")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    return run


def http_payloads(plan: list[Step]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The bot's and the echo's payloads for the HTTP mode (same ids, same messages, presses as markers)."""
    bot, echo = [], []
    shown = SentMessage(GROUP, 1, "工单 #1", [[("受理", "echo")]], "sendMessage")
    factory = UpdateFactory()
    for step in plan:
        if step.payload is not None:
            update_id = step.payload["update_id"]
            bot.append(step.payload)
            twin = json.loads(json.dumps(step.payload))
            twin["message"]["text"] += f" #{update_id}"
            echo.append(twin)
        else:
            update_id = step.update_id
            bot.append({"update_id": update_id, "press": step.press})
            query = factory.callback(step.press, shown, "echo")
            query["update_id"] = update_id
            query["callback_query"]["id"] = str(update_id)
            echo.append(query)
    if echo:
        echo[0]["done_by"] = "reply"
    return bot, echo


def renumber(plan: list[Step], start: int = 1) -> None:
    """Consecutive update ids (presses included), as Telegram numbers them."""
    for index, step in enumerate(plan, start=start):
        step.update_id = index
        if step.payload is not None:
            step.payload["update_id"] = index


def http_modes(n: int, sequential_n: int, latencies: list[float], engineers: int, year_db: Path,
               work: Path, *, limiter: bool = False, echo_concurrency: int | None = 32) -> list[tuple[str, Run, Run]]:
    rows = []
    people = people_of(engineers)
    for latency in latencies:
        for sequential, count in ((False, n), (True, sequential_n)):
            factory = UpdateFactory()
            at = datetime(DAY.year, DAY.month, DAY.day, 8, 0, tzinfo=SHANGHAI)
            bind = Step("bindgroup", at, factory.message(ADMIN, "/bindgroup", chat_id=GROUP, sent_at=at))
            plan = [bind, *build_plan(count, people, factory=factory)]
            renumber(plan)
            bot_payloads, echo_payloads_ = http_payloads(plan)
            kinds = [step.kind for step in plan]
            deadline = 60 + count * (0.6 if sequential else 0.3) * (1 + latency / 20)
            if limiter:
                deadline += count * 3.5  # a group gets 20 messages a minute
            echo = run_http("echo", echo_payloads_, work, latency_ms=latency, sequential=sequential,
                            deadline=deadline, limiter=limiter, echo_concurrency=echo_concurrency)
            bot = run_http("bot", bot_payloads, work, latency_ms=latency, sequential=sequential, year_db=year_db,
                           engineers=engineers, deadline=deadline, kinds=kinds, limiter=limiter)
            name = (f"http, {latency:g} ms added, " + ("one at a time" if sequential else "batch of 100")
                    + (", both with their rate limiters" if limiter else ""))
            rows.append((name, echo, bot))
    return rows


# --------------------------------------------------------------------------------------------------
def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def report(bare: Run, bot: Run, mode: str = "in-process") -> bool:
    ratio = bot.rate / bare.rate if bare.rate else 0.0
    p50, p99 = percentile(bot.latencies, 0.50), percentile(bot.latencies, 0.99)
    print(f"## {mode}")
    print(f"bare PTB echo: {bare.rate:8,.1f} updates/s  ({bare.updates} updates,"
          f" p50 {ms(percentile(bare.latencies, .5))} ms, p99 {ms(percentile(bare.latencies, .99))} ms)")
    extra = f", of which {bot.outbox_seconds:.2f} s draining the outbox at the end" if bot.outbox_seconds else ""
    print(f"maintbot:      {bot.rate:8,.1f} updates/s  ({bot.updates} updates in {bot.seconds:.2f} s{extra};"
          f" {bot.sent} API calls)")
    print(f"ratio bot/bare: {ratio:.2f}  (target ≥ 0.50, stretch 0.80)")
    print(f"bot latency: p50 {ms(p50)} ms, p99 {ms(p99)} ms, max {ms(max(bot.latencies))} ms  (target p99 < 50 ms"
          " at 0 ms added)")
    if bot.by_kind:
        print("by kind:        count   p50 ms   p99 ms")
        for kind, values in sorted(bot.by_kind.items()):
            print(f"  {kind:<12} {len(values):6d}  {ms(percentile(values, .5)):>7}  {ms(percentile(values, .99)):>7}")
    ok = ratio >= 0.5
    print("ratio target: " + ("met" if ok else "MISSED"))
    return ok


async def run_bot_on(backend: str, n: int, *, engineers: int, year_db: Path, server: str | None) -> Run:
    """The bot's in-process run on one backend, both on the same year (PostgreSQL: the SQLite year copied as
    `run_bot.py migrate-db` copies it)."""
    if backend == "sqlite":
        return await run_bot(n, engineers=engineers, year_db=year_db)
    assert server is not None
    async with copied_to_postgres(year_db, server) as url:
        return await run_bot(n, engineers=engineers, location=url)


def report_backends(bare: Run, bots: dict[str, Run]) -> None:
    print(f"bare PTB echo: {bare.rate:,.1f} updates/s ({bare.updates} updates)")
    rows = {}
    for backend, bot in bots.items():
        kinds = {k: percentile(v, .5) * 1000 for k, v in bot.by_kind.items()}
        rows[backend] = [bot.rate, bot.rate / bare.rate if bare.rate else 0.0, percentile(bot.latencies, .5) * 1000,
                         percentile(bot.latencies, .99) * 1000, kinds.get("score", 0.0), kinds.get("ticket", 0.0)]
    side_by_side(f"in-process, {bare.updates} updates, the same year on each backend",
                 ["updates/s", "ratio to echo", "p50 ms", "p99 ms", "/score p50 ms", "/ticket p50 ms"], rows,
                 note="(pg / sqlite: below 1 in updates/s and ratio, above 1 in latencies: PostgreSQL slower)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=None, help="updates per run (2,000 in-process, 300 http)")
    parser.add_argument("--engineers", type=int, default=50, help="engineers in the year and the mix")
    parser.add_argument("--year-db", type=Path, help="a year made by generate_year.py --until 2023-01-16")
    parser.add_argument("--http", action="store_true", help="over loopback HTTP with the real processes")
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0.0, 50.0], help="added per call (--http)")
    parser.add_argument("--limiter", action="store_true",
                        help="--http with each side's rate limiter on (Telegram's 20 messages a minute per group)")
    parser.add_argument("--echo-concurrency", type=int, default=32,
                        help="the echo's concurrent_updates (--http); 0: True, python-telegram-bot's 256, which is"
                             " slower here (httpx's pool with 256 requests in flight)")
    parser.add_argument("--sequential-updates", type=int, default=100, help="updates in the one-at-a-time runs")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile of the bot's run")
    parser.add_argument("--postgres", metavar="URL",
                        help="the bot on a fresh database on this PostgreSQL server (in-process, no year behind it)")
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"),
                        help="in-process, the same year on each backend in this run, printed side by side"
                             " (PostgreSQL: --postgres URL, or a throwaway cluster started with .ci/postgres)")
    args = parser.parse_args(argv)
    if args.postgres and args.http:
        parser.error("--postgres runs in-process; leave out --http")
    if args.backends and args.http:
        parser.error("--backends runs in-process; leave out --http")
    if args.backends:
        return compare_backends(args)
    quiet_logs()
    n = args.updates or (300 if args.http else 2000)
    header(f"update throughput: maintbot against a bare python-telegram-bot echo, {n} updates, "
           f"a year at {args.engineers} engineers" if not args.postgres
           else f"{args.engineers} engineers on a fresh PostgreSQL database")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        year_db = args.year_db
        if year_db is None and not args.postgres:
            year_db = work / "year.db"
            t0 = time.perf_counter()
            asyncio.run(make_year(year_db, args.engineers))
            print(f"(year written up to {YEAR_UNTIL} in {time.perf_counter() - t0:.1f} s)")
        if args.http:
            for mode, echo, bot in http_modes(n, args.sequential_updates, args.latency_ms, args.engineers,
                                              year_db, work, limiter=args.limiter,
                                              echo_concurrency=args.echo_concurrency or None):
                report(echo, bot, mode)
            return 0
        bare = asyncio.run(run_bare(n, engineers=args.engineers))
        profile = cProfile.Profile() if args.profile else None
        bot = asyncio.run(run_bot(n, engineers=args.engineers, profile=profile, year_db=year_db,
                                  postgres=args.postgres))
        report(bare, bot)
    if profile is not None:
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    return 0


def compare_backends(args: argparse.Namespace) -> int:
    quiet_logs()
    n = args.updates or 2000
    header(f"update throughput on {' and '.join(args.backends)}: {n} updates, a year at {args.engineers} engineers")
    with tempfile.TemporaryDirectory() as tmp, \
            postgres_server(args.postgres) if "postgresql" in args.backends else contextlib.nullcontext() as server:
        year_db = args.year_db
        if year_db is None:
            year_db = Path(tmp) / "year.db"
            t0 = time.perf_counter()
            asyncio.run(make_year(year_db, args.engineers))
            print(f"(year written up to {YEAR_UNTIL} in {time.perf_counter() - t0:.1f} s)", flush=True)
        bare = asyncio.run(run_bare(n, engineers=args.engineers))
        bots = {backend: asyncio.run(run_bot_on(backend, n, engineers=args.engineers, year_db=year_db, server=server))
                for backend in args.backends}
    report_backends(bare, bots)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
