"""Helpers the subcommands share: settings with readable errors, services on the configured database."""

from __future__ import annotations

import sys
from contextlib import AbstractAsyncContextManager

from bot.services.clock import Clock
from bot.services.container import Services, open_services
from config.settings import ConfigError, Settings, load_settings


def settings_or_exit(config_path: str | None) -> Settings:
    """Load settings; on a problem print one line each and exit 1 (never a traceback)."""
    try:
        return load_settings(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def cli_services(settings: Settings, clock: Clock | None = None) -> AbstractAsyncContextManager[Services]:
    """Services on the configured database (migrated, roster seeded) for a one-shot command."""
    return open_services(settings, clock)
