#!/usr/bin/env python3
"""Many contracts in one deployment (issue 18, items 3 and 5): 100 contracts × 10 people with a year of data each.

Measures, on SQLite (and on PostgreSQL with `--postgres URL`):
- start-up: open the deployment on a database whose migrations are applied (`open_deployment`: one database, a
  view per contract, every roster checked), and the whole Application start-up up to ready (that, plus the
  first-start records, the outbox drainer, the start-up sweep of every timer for every contract, the jobs): the
  first start on the generated year (its sweep catches up on a year of overdue tickets, on-call checks… for every
  contract) and a restart (the everyday case);
- one timer sweep across all contracts (the backstop: every sweep, then every timer's next due, for each contract);
- `/scores` across all contracts, sent by a deployment manager through the real Application and the offline fake
  Bot API (the first one computes and stores each contract's closed months, later ones read them);
- peak memory (RSS) of the process after all of it (the process's peak so far: a PostgreSQL row also counts the
  SQLite run before it; `--skip-sqlite` measures PostgreSQL alone).

The data is generated once (bench/generate_year.py's year for each contract, people's ids distinct per contract)
into `--db` (default /tmp/maintbot-contracts-<N>x<P>.db) and reused by later runs (each run works on a copy,
`….run.db`, so every run's first start catches up on the same year); on PostgreSQL it is generated into a fresh
database on the server each run (dropped afterwards).

Size flags: `--contracts 100 --people 10` (the issue's size: ~1 min to generate on SQLite, 300 MB; the
measured part takes well under a minute); `--contracts 20` for a quick look. The fake clock is 2023-01-16 10:00, a
working Monday near the end of the contract year.

Run: ``python bench/bench_contracts.py [--contracts 100] [--people 10] [--postgres postgresql://…/postgres
[--skip-sqlite]]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import resource
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate_year import generate_year
from bench.harness import bench_config, fresh_postgres_database, header, quiet_logs
from bot.services.clock import FakeClock
from config.settings import ManagerSettings, Settings, compose_deployment, settings_from_dict

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 1, 16, 10, 0, tzinfo=SHANGHAI)
MANAGER = 700001  # made up: the deployment's manager, on no roster
ID_STEP = 10_000_000  # contract i's people have the bench roster's ids + i × ID_STEP (nobody is on two contracts)


def contract_settings(db: str, index: int, people: int) -> Settings:
    """Contract number `index`: the bench roster of `people` people (5 of them not engineers: a supervisor, both
    contacts, the second line, an admin) under its own contract id and people's ids."""
    raw = bench_config(Path(db) if "://" not in db else Path("/tmp/unused.db"), engineers=max(people - 7, 0))
    raw["contract"]["id"] = f"c{index:03d}"
    raw["contract"]["title"] = f"基准项目{index:03d}"
    raw["contract"]["tracking_start"] = raw["contract"]["start"]  # the year's data counts, not only since start-up
    raw["storage"] = {"db": db}
    raw["reports"] = {"monthly": False}
    for person in raw["roster"]:
        person["telegram_id"] += index * ID_STEP
    return settings_from_dict(raw, apply_env=False)


def deployment(db: str, contracts: int, people: int) -> Settings:
    """The first contract's settings, knowing all of them (`settings.deployment`), and one manager."""
    every = [contract_settings(db, i + 1, people) for i in range(contracts)]
    manager = ManagerSettings(name="冯总", telegram_id=MANAGER)
    every = [s.model_copy(update={"managers": [manager]}) for s in every]
    return compose_deployment(every)[0]


async def generate(settings: Settings, location: str) -> float:
    started = time.perf_counter()
    for index, each in enumerate(settings.deployment):
        engineers = sum(1 for p in each.roster if "engineer" in p.roles)
        await generate_year(Path(location) if "://" not in location else Path("/tmp/unused.db"), engineers,
                            location=location, settings=each, seed=2022 + index)
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Result:
    backend: str
    contracts: int
    people: int
    open_s: float
    first_start_s: float
    startup_s: float
    sweep_s: float
    scores_first_s: float
    scores_again_s: float
    scores_lines: int
    peak_mb: float


async def measure(settings: Settings, backend: str) -> Result:
    from bot.app import build_application, running
    from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
    from bot.services.container import open_deployment
    from bot.state import app_state

    clock = FakeClock(NOW)
    started = time.perf_counter()
    async with open_deployment(settings, clock) as opened:
        open_s = time.perf_counter() - started
        people = 0
        for each in opened.all():
            async with each.db.uow(read_only=True) as uow:
                people += len(await uow.people.all(include_left=False))
    gc.collect()
    # The first start on this data catches up: the start-up sweep queues what fell due over the year (overdue
    # tickets' reminders, on-call checks…) for every contract; measured, then delivered before stopping.
    api = FakeBotAPI()
    first = build_application(settings, request=api, clock=clock, rate_limit=False)
    started = time.perf_counter()
    async with running(first):
        first_s = time.perf_counter() - started
        await ChatDriver(first, api).flush()
    # A restart (the everyday case): the same sweep finds that work done.
    clock.advance(timedelta(minutes=1))
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock, rate_limit=False)
    started = time.perf_counter()
    async with running(app):
        startup_s = time.perf_counter() - started
        state = app_state(app)
        assert state.scheduler is not None and state.deployment is not None
        chat = ChatDriver(app, api)
        # the file is reused across runs: start above every update id an earlier run recorded as processed
        chat.factory._update_ids = itertools.count(int(time.time()))
        await chat.flush()
        clock.advance(timedelta(minutes=1))
        started = time.perf_counter()
        await state.scheduler.sweep_all()
        await state.scheduler.reschedule_all()
        sweep_s = time.perf_counter() - started
        timings = []
        answer: list[Any] = []
        for _ in range(2):
            started = time.perf_counter()
            answer = await chat.send(MANAGER, "/scores")
            timings.append(time.perf_counter() - started)
        lines = sum(m.text.count("\n") + 1 for m in answer if m.chat_id == MANAGER)
    return Result(backend, len(settings.deployment), people, open_s, first_s, startup_s, sweep_s, timings[0],
                  timings[1], lines, peak_rss_mb())


def report(results: list[Result]) -> None:
    print()
    print("| backend | contracts | people | open deployment | first start (catch-up) | restart to ready "
          "| one sweep, all contracts | /scores (first) | /scores (again) | /scores lines | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.backend} | {r.contracts} | {r.people} | {r.open_s:.2f} s | {r.first_start_s:.2f} s | "
              f"{r.startup_s:.2f} s | "
              f"{r.sweep_s:.2f} s | {r.scores_first_s:.2f} s | {r.scores_again_s:.2f} s | {r.scores_lines} | "
              f"{r.peak_mb:.0f} MB |")


async def run(args: argparse.Namespace) -> list[Result]:
    results = []
    db = args.db or Path(f"/tmp/maintbot-contracts-{args.contracts}x{args.people}.db")
    settings = deployment(str(db), args.contracts, args.people)
    if not args.skip_sqlite:
        if not db.exists():
            seconds = await generate(settings, str(db))
            print(f"generated {db} in {seconds:.0f} s ({db.stat().st_size / 1_048_576:.0f} MB); reused by later runs")
        else:
            print(f"reusing {db} ({db.stat().st_size / 1_048_576:.0f} MB)")
        work = db.with_name(db.stem + ".run.db")  # each run starts from the pristine year: a copy of it
        for leftover in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(db, work)
        results.append(await measure(deployment(str(work), args.contracts, args.people), "sqlite"))
    if args.postgres:
        with fresh_postgres_database(args.postgres) as url:
            pg = deployment(url, args.contracts, args.people)
            seconds = await generate(pg, url)
            print(f"generated the PostgreSQL database in {seconds:.0f} s")
            results.append(await measure(pg, "postgresql"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100)
    parser.add_argument("--people", type=int, default=10, help="people per contract (at least 7; all but 5 are "
                        "engineers, each with 400 tickets and 40 urgent requests a year)")
    parser.add_argument("--db", type=Path, default=None, help="the SQLite file (generated when missing, else reused)")
    parser.add_argument("--postgres", default=None, help="also on PostgreSQL: a server URL (…/postgres)")
    parser.add_argument("--skip-sqlite", action="store_true", help="with --postgres: PostgreSQL only")
    args = parser.parse_args(argv)
    quiet_logs()
    header(f"{args.contracts} contracts × {args.people} people in one deployment")
    report(asyncio.run(run(args)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
