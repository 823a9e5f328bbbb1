#!/usr/bin/env python3
"""The score at a year's scale: /score over a generated contract year, and how it grows with the team.

For 1, 10 and 50 engineers (bench/generate_year.py: 400 tickets, 40 urgent requests and a check-in per working
day per engineer; 50 engineers = 20,000 tickets, 2,000 urgent requests) the clock is put at the end of the
contract (2023-01-31 18:00) and these are timed, median of `--runs` runs after one warm-up:
- the assessment for the whole year as /score makes it (`compute_assessment(..., losses=False)`: closed months
  from their rollups, the open month live), and the first such call on a fresh database ("cold": every closed
  month computed and stored);
- the same year computed live with every loss, as before the rollups (what `/score why` still does);
- the assessment for one month (October 2022);
- the whole /score answer for the year (`scoring.score_answer` rendered: the year, the comparison with the period
  before, rendered), i.e. what a user waits for;
- per component, the rate function alone (year, live with losses), to show where the time goes.
Then (`--years 1 3`, 50 engineers) the same on a contract of one and of three years, the clock at its end:
the score for the whole contract should cost about the same.
Target: the year's /score assessment under 20 ms at 50 engineers.

Run: ``python bench/bench_score.py`` (1, 10, 50 engineers; then 1 vs 3 years at 50), ``--engineers 50 --runs 9``,
``--years`` (none: skip the comparison), ``--db /tmp/year.db`` to time an existing database (made with
generate_year.py; give its --engineers).
``--backends sqlite postgresql`` times the same generated year on both backends in one run, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate_year import contract_end, generate_year, year_settings
from bench.harness import (
    LEAD,
    copied_to_postgres,
    fresh_postgres_database,
    header,
    postgres_server,
    quiet_logs,
    side_by_side,
)
from bot.handlers.render.scoring import render_score_answer
from bot.services import scoring
from bot.services.clock import FakeClock
from bot.services.container import open_services

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_CONTRACT = datetime(2023, 1, 31, 18, 0, tzinfo=SHANGHAI)
TARGET_MS = 20.0


@dataclass
class ScoreTimes:
    engineers: int
    tickets: int
    year_ms: float
    month_ms: float
    score_text_ms: float
    components_ms: dict[str, float] = field(default_factory=dict)
    total: str = ""
    year_cold_ms: float = 0.0
    year_live_ms: float = 0.0
    years: int = 1
    live_total: str = ""


async def median_ms(fn: Callable[[], Awaitable[Any]], runs: int) -> float:
    await fn()  # warm-up (imports, statement cache)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def score_text(services: Any, person: Any) -> str:
    """The whole /score answer as the person reads it: the service's answer, rendered."""
    return render_score_answer(await scoring.score_answer(services, person, ""), person.language)


async def time_score(db_path: Path, engineers: int, tickets: int, *, runs: int = 7, years: int = 1,
                     location: str | None = None) -> ScoreTimes:
    settings = year_settings(db_path, engineers, years)
    end = END_OF_CONTRACT.replace(year=contract_end(years).year)
    async with open_services(settings, FakeClock(end), seed=False, db_path=location or str(db_path)) as services:
        async with services.db.uow() as uow:
            lead = await uow.people.by_telegram_id(LEAD)
        assert lead is not None
        year = scoring.resolve_period(services, "")
        month = scoring.resolve_period(services, "2022-10")
        started = time.perf_counter()
        result = await scoring.compute_assessment(services, year, losses=False)
        cold = (time.perf_counter() - started) * 1000
        live = await scoring.compute_assessment(services, year)
        times = ScoreTimes(
            engineers, tickets,
            year_ms=await median_ms(lambda: scoring.compute_assessment(services, year, losses=False), runs),
            month_ms=await median_ms(lambda: scoring.compute_assessment(services, month, losses=False), runs),
            score_text_ms=await median_ms(lambda: score_text(services, lead), runs),
            total=scoring.fmt_total(result.total), year_cold_ms=cold, years=years,
            year_live_ms=await median_ms(lambda: scoring.compute_assessment(services, year), runs),
            live_total=scoring.fmt_total(live.total))
        for name, source in scoring.default_sources().items():
            times.components_ms[name] = await median_ms(
                lambda source=source: source(services, year.start, year.end), runs)
        return times


async def run(engineer_counts: list[int], *, runs: int, db: Path | None, keep: Path | None,
              years: int = 1, postgres: str | None = None) -> list[ScoreTimes]:
    results = []
    for count in engineer_counts:
        if db is not None:
            results.append(await time_score(db, count, -1, runs=runs, years=years))
            continue
        with tempfile.TemporaryDirectory(dir=keep) as tmp, contextlib.ExitStack() as stack:
            path = Path(tmp) / f"year-{count}.db"
            location = stack.enter_context(fresh_postgres_database(postgres)) if postgres else None
            size = await generate_year(path, count, years=years, location=location)
            print(f"generated {count} engineers, {years} year(s): {size.tickets} tickets, {size.urgent} urgent"
                  f" requests, {size.checkins} check-ins ({size.seconds:.1f} s)", flush=True)
            results.append(await time_score(path, count, size.tickets, runs=runs, years=years, location=location))
    return results


def report(results: list[ScoreTimes], runs: int) -> bool:
    print(f"median of {runs} runs, ms (contract = the whole contract to its last day; /score = rollups + open month;"
          " cold = first call, every closed month computed; live = as before, every loss, what /score why does):")
    print("years  engineers  tickets  contract  cold  live   month  /score text   score (live)")
    for r in results:
        tickets = str(r.tickets) if r.tickets >= 0 else "?"
        print(f"{r.years:5d}  {r.engineers:9d}  {tickets:>7}  {r.year_ms:8.1f}  {r.year_cold_ms:4.0f}"
              f"  {r.year_live_ms:4.0f}  {r.month_ms:6.1f}  {r.score_text_ms:11.1f}   {r.total} ({r.live_total})")
    one_year = [r for r in results if r.years == 1]
    last = one_year[-1] if one_year else results[-1]
    if last.components_ms:
        print(f"components for the year at {last.engineers} engineers (live, with losses), ms: "
              + ", ".join(f"{name} {ms:.1f}" for name, ms in last.components_ms.items()))
    same = all(r.total == r.live_total for r in results)
    print("rolled-up score equals the live one: " + ("yes" if same else "NO"))
    ok = last.year_ms < TARGET_MS and same
    print(f"target: year under {TARGET_MS:.0f} ms at {last.engineers} engineers: "
          + ("met" if last.year_ms < TARGET_MS else "MISSED"))
    return ok


async def run_backends(engineer_counts: list[int], *, runs: int, backends: list[str],
                       server: str | None) -> dict[str, list[ScoreTimes]]:
    """The same generated year timed on each backend: written on SQLite, copied to a fresh PostgreSQL database as
    `run_bot.py migrate-db` copies it (before SQLite is timed: no rollups yet on either side)."""
    timed: dict[str, list[ScoreTimes]] = {backend: [] for backend in backends}
    for count in engineer_counts:
        with tempfile.TemporaryDirectory() as tmp:
            async with contextlib.AsyncExitStack() as stack:
                path = Path(tmp) / f"year-{count}.db"
                size = await generate_year(path, count)
                print(f"generated {count} engineers: {size.tickets} tickets, {size.urgent} urgent requests,"
                      f" {size.checkins} check-ins ({size.seconds:.1f} s)", flush=True)
                location = None
                if "postgresql" in backends:
                    assert server is not None
                    location = await stack.enter_async_context(copied_to_postgres(path, server))
                for backend in backends:
                    timed[backend].append(await time_score(path, count, size.tickets, runs=runs,
                                                           location=location if backend == "postgresql" else None))
    return timed


def report_backends(timed: dict[str, list[ScoreTimes]], runs: int) -> bool:
    """One table per team size: a row per backend, then PostgreSQL / SQLite."""
    print(f"median of {runs} runs, ms (year = /score's assessment, closed months from rollups; cold = the first call;"
          " live = every loss, as /score why; /score text = the whole answer)")
    columns = ["year", "cold", "live", "month", "/score text"]
    same = True
    for i, first in enumerate(next(iter(timed.values()))):
        rows = {backend: [t[i].year_ms, t[i].year_cold_ms, t[i].year_live_ms, t[i].month_ms, t[i].score_text_ms]
                for backend, t in timed.items()}
        side_by_side(f"/score, {first.engineers} engineers, {first.tickets:,} tickets", columns, rows,
                     note="(pg / sqlite above 1: PostgreSQL is slower)")
        totals = {backend: (t[i].total, t[i].live_total) for backend, t in timed.items()}
        print("score: " + ", ".join(f"{b} {tot} (live {live})" for b, (tot, live) in totals.items()))
        same = same and len(set(totals.values())) == 1
    print("the same score on every backend: " + ("yes" if same else "NO"))
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engineers", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, nargs="*", default=[1, 3],
                        help="contract lengths to compare at the largest --engineers (1 is reused if timed above)")
    parser.add_argument("--db", type=Path, help="time this existing year database instead of generating")
    parser.add_argument("--postgres", metavar="URL", help="generate and time on fresh databases on this server")
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"),
                        help="time the same year on each backend in this run and print them side by side (PostgreSQL:"
                             " --postgres URL, or a throwaway cluster started with .ci/postgres)")
    args = parser.parse_args(argv)
    quiet_logs()
    header("the score at a year's scale")
    if args.backends:
        with postgres_server(args.postgres) if "postgresql" in args.backends else contextlib.nullcontext() as server:
            timed = asyncio.run(run_backends(args.engineers, runs=args.runs, backends=args.backends, server=server))
        return 0 if report_backends(timed, args.runs) else 1
    results = asyncio.run(run(args.engineers, runs=args.runs, db=args.db, keep=None, postgres=args.postgres))
    if args.db is None:
        for years in args.years:
            if years != 1:
                results += asyncio.run(run([max(args.engineers)], runs=args.runs, db=None, keep=None, years=years,
                                           postgres=args.postgres))
    report(results, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
