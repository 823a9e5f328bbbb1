"""The benchmark scripts still run: each core function on a tiny size, offline, in a few seconds.

The figures themselves are not asserted (they depend on the machine); what is asserted is that each
script does the work it reports on: every update handled, the year written and scored, every reminder
delivered exactly once, the fake's flood limits answering 429 as Telegram does.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bench import bench_fanout, bench_memory, bench_score, bench_updates
from bench.bench_fanout import TelegramLimits
from bench.generate_year import generate_year


class Ticker:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_fake_flood_limits_answer_429_like_telegram() -> None:
    ticker = Ticker()
    limits = TelegramLimits(now=ticker)
    for chat in range(1, 31):
        assert limits("sendMessage", {"chat_id": chat}) is None
    assert limits("sendMessage", {"chat_id": 99}) == 1  # the 31st message within a second
    ticker.now += 1.01
    assert limits("sendMessage", {"chat_id": 99}) is None
    assert limits("sendMessage", {"chat_id": 99}) == 1  # the same chat again within a second
    group = -100123
    for _ in range(20):
        ticker.now += 1.5
        assert limits("sendMessage", {"chat_id": group}) is None
    ticker.now += 1.5
    assert limits("sendMessage", {"chat_id": group}) == 30  # the 21st in a minute: wait for the first to age
    assert limits.refused == {"overall": 1, "chat": 1, "group": 1}


async def test_update_benchmark_runs_the_bot_and_the_bare_echo(tmp_path: Path) -> None:
    bare = await bench_updates.run_bare(20, warmup=5, engineers=3)
    bot = await bench_updates.run_bot(40, warmup=5, engineers=3, db_dir=tmp_path, tickets=60, urgent=6)
    assert len(bare.latencies) == 20 and bare.sent == 20  # every message echoed, every button answered
    assert len(bot.latencies) == 40
    assert {"checkin", "ticket", "score", "press"} <= set(bot.by_kind)
    assert bot.sent >= 20  # the bot answered (replies and notifications)


def test_the_update_mix_is_one_day_with_buttons_in_both_mixes() -> None:
    plan = bench_updates.build_plan(200, bench_updates.people_of(10))
    assert len(plan) == 200
    assert len({step.at.date() for step in plan}) == 1  # one working day: no jumps that fire weeks of timers
    echo = bench_updates.echo_payloads(plan)
    presses = sum(step.payload is None for step in plan)
    assert presses > 20 and sum("callback_query" in p for p in echo) == presses


@pytest.mark.slow
def test_update_benchmark_over_loopback_http_runs_both_processes(tmp_path: Path) -> None:
    year = tmp_path / "year.db"
    asyncio.run(bench_updates.make_year(year, 3, tickets=30, urgent=3))
    [(_, echo, bot)] = bench_updates.http_modes(12, 4, [0.0], 3, year, tmp_path)[:1]
    assert echo.updates == 13 and bot.updates == 13  # each update done (the echo's reply, the bot's confirmation)
    assert bot.methods.get("sendMessage", 0) >= 10 and bot.sent >= 10


async def test_score_benchmark_times_a_generated_year(tmp_path: Path) -> None:
    started = time.perf_counter()
    db = tmp_path / "year.db"
    size = await generate_year(db, 2, tickets=60, urgent=6)
    assert size.engineers == 2 and size.checkins > 400  # ~245 working days each, a few missed or on leave
    times = await bench_score.time_score(db, 2, size.tickets, runs=1)
    assert 0 < float(times.total) <= 100
    assert set(times.components_ms) == {"daily_maintenance", "responsiveness", "completion", "satisfaction",
                                        "attendance"}
    assert time.perf_counter() - started < 10


async def test_fanout_delivers_every_reminder_once_under_the_flood_limits(tmp_path: Path) -> None:
    result = await bench_fanout.run_fanout(20, 2, timeout=20, db_dir=tmp_path)
    assert result.queued == 22
    assert result.delivered == 22 and result.lost == 0 and result.duplicated == 0


async def test_memory_benchmark_reports_the_peak_of_a_bot_on_a_year(tmp_path: Path) -> None:
    db = tmp_path / "year.db"
    await generate_year(db, 2, tickets=30, urgent=3)
    steps = await bench_memory.hold_year(db, 2)
    assert [name for name, _ in steps][-1] == "a few updates, outbox delivered"
    assert all(mb > 10 for _, mb in steps)


def test_the_update_benchmark_takes_a_postgres_server_in_process_only(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        bench_updates.main(["--postgres", "postgresql://bench@127.0.0.1:1/postgres", "--http"])
    assert refused.value.code == 2 and "--postgres runs in-process" in capsys.readouterr().err


@pytest.mark.slow
def test_both_backends_side_by_side_in_one_run(pg_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`--backends sqlite postgresql`: the same year on both (copied as migrate-db copies it), one table each."""
    assert bench_score.main(["--engineers", "2", "--runs", "1", "--backends", "sqlite", "postgresql",
                             "--postgres", pg_server]) == 0
    score = capsys.readouterr().out
    assert "the same score on every backend: yes" in score
    assert [line.split()[0] for line in score.splitlines() if line.startswith(("sqlite ", "postgresql ", "pg /"))] \
        == ["sqlite", "postgresql", "pg"]
    assert bench_updates.main(["--updates", "30", "--engineers", "3", "--backends", "sqlite", "postgresql",
                               "--postgres", pg_server]) == 0
    updates = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in updates.splitlines()
            if line.startswith(("sqlite ", "postgresql "))}
    assert set(rows) == {"sqlite", "postgresql"} and all(float(r[0].replace(",", "")) > 0 for r in rows.values())
    assert "pg / sqlite" in updates


async def test_contracts_benchmark_starts_a_deployment_and_scores_every_contract(tmp_path: Path) -> None:
    from bench import bench_contracts

    db = tmp_path / "contracts.db"
    settings = bench_contracts.deployment(str(db), 3, 8)
    await bench_contracts.generate(settings, str(db))
    result = await bench_contracts.measure(settings, "sqlite")
    assert (result.contracts, result.people) == (3, 24)
    assert result.scores_lines == 4  # the header and one line per contract
