"""Helpers the subcommands share: settings with readable errors, services on the configured database."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.services.clock import Clock, SystemClock
from bot.services.container import Services, build_services
from bot.services.people import seed_roster
from config.settings import ConfigError, Settings, load_settings
from storage.db import open_database


def settings_or_exit(config_path: str | None) -> Settings:
    """Load settings; on a problem print one line each and exit 1 (never a traceback)."""
    try:
        return load_settings(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(1) from None


@asynccontextmanager
async def cli_services(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Services]:
    """Services on the configured database (migrated, roster seeded) for a one-shot command."""
    clock = clock or SystemClock()
    db = await open_database(settings.storage.db, settings.contract.id)
    services = build_services(settings, db, clock)
    async with db.uow() as uow:
        await seed_roster(uow, settings.roster, settings.contract.default_language, clock.now())
        await uow.commit()
    try:
        yield services
    finally:
        await db.close()
