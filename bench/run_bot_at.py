#!/usr/bin/env python3
"""`python bench/run_bot_at.py ISO_MOMENT run_bot.py-arguments…`: run_bot.py's own `main` (config, checks,
long polling or webhook, shutdown: all the same) with the bot's clock starting at ISO_MOMENT and running at real
speed, so a benchmark can play a day inside the contract year on a year's database (bench code only)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot.app
from bot.main import main
from bot.offline.spool import OffsetClock


def shifted(moment: str) -> None:
    offset = (datetime.fromisoformat(moment) - datetime.now(UTC)).total_seconds()
    build = bot.app.build_application

    def build_at(settings, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("clock", OffsetClock(offset))
        return build(settings, **kwargs)

    bot.app.build_application = build_at  # type: ignore[assignment]  # run_telegram imports it when called


if __name__ == "__main__":
    shifted(sys.argv[1])
    raise SystemExit(main(sys.argv[2:]))
