#!/usr/bin/env python3
"""Peak resident memory of the bot process holding a contract year's database.

The year database (bench/generate_year.py, 50 engineers: 20,000 tickets, 2,000 urgent requests, daily
check-ins) is generated in a child process, so this process only ever holds the bot: it imports the bot,
starts the whole Application on the offline FakeBotAPI with the clock at the end of the contract, answers
/score for the year (and /score why), a month's /score, and a few ordinary updates, then reports
`resource.getrusage(RUSAGE_SELF).ru_maxrss` (peak RSS) at each step.

Run: ``python bench/bench_memory.py`` or ``--db /tmp/year.db`` (made with generate_year.py --engineers 50).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import CLIENT_CONTACT, GROUP, LEAD, ROOT, header, quiet_logs
from bot.state import app_state


def peak_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1_048_576 if sys.platform == "darwin" else peak / 1024


async def hold_year(db_path: Path, engineers: int) -> list[tuple[str, float]]:
    """Run the bot on the year database; returns (step, peak MB after it)."""
    steps = [("python + imports", 0.0)]
    from telegram import Update

    from bench.generate_year import year_settings
    from bot.app import build_application, running
    from bot.offline.fake_telegram import FakeBotAPI, UpdateFactory
    from bot.services.clock import FakeClock

    steps[0] = ("python + the bot's imports", peak_mb())
    settings = year_settings(db_path, engineers)
    clock = FakeClock(datetime(2023, 1, 31, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    api = FakeBotAPI()
    app = build_application(settings, request=api, clock=clock, rate_limit=False)
    factory = UpdateFactory()

    async def send(user: int, text: str, chat: int | None = None) -> None:
        await app.process_update(Update.de_json(factory.message(user, text, chat_id=chat, sent_at=clock.now()),
                                                app.bot))

    async with running(app):
        steps.append(("bot started on the year database", peak_mb()))
        await app_state(app).delivery.drain()  # what the start-up sweep queued (overdue reminders…)
        before = len(api.sent)
        await send(LEAD, "/score")
        answer = [m for m in api.sent[before:] if m.chat_id == LEAD]
        if not answer:
            raise SystemExit("/score gave no answer")
        print("/score answered: " + answer[-1].text.splitlines()[0][:80])
        steps.append(("/score for the year", peak_mb()))
        await send(LEAD, "/score why")
        await send(CLIENT_CONTACT, "/score 2022-10")
        steps.append(("/score why, /score for a month", peak_mb()))
        for text, user, chat in [("/help", LEAD, None), ("签到", LEAD, GROUP), ("/checkin", LEAD, None),
                                 ("/ticket 社保卡系统无法打印制卡凭证", CLIENT_CONTACT, GROUP), ("你好", 555555, None)]:
            await send(user, text, chat)
        await app_state(app).delivery.drain()
        steps.append(("a few updates, outbox delivered", peak_mb()))
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing year database (generate_year.py)")
    parser.add_argument("--engineers", type=int, default=50)
    args = parser.parse_args(argv)
    quiet_logs()
    header("peak resident memory of the bot holding a contract year")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "year.db"
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate_year.py"), str(db),
                            "--engineers", str(args.engineers)], check=True)
        print(f"database: {db.stat().st_size / 1_048_576:.1f} MB on disk")
        for step, mb in asyncio.run(hold_year(db, args.engineers)):
            print(f"peak RSS after {step:<36} {mb:6.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
