"""Helpers the subcommands share: settings with readable errors, services on the configured database, and the
contract a subcommand is about (`--contract ID` / MAINTBOT_CONTRACT with a deployment directory, issue 18)."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import AbstractAsyncContextManager

from bot.services.clock import Clock
from bot.services.container import Services, open_services
from config.settings import ConfigError, Settings, load_settings

CONTRACT_ENV = "MAINTBOT_CONTRACT"


def settings_or_exit(config_path: str | None) -> Settings:
    """Load settings; on a problem print one line each and exit 1 (never a traceback)."""
    try:
        return load_settings(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        raise SystemExit(1) from None


def chosen_contract(args: argparse.Namespace) -> str | None:
    """The contract named with `--contract ID` (before or after the subcommand), else MAINTBOT_CONTRACT."""
    return (getattr(args, "contract", None) or os.environ.get(CONTRACT_ENV, "")).strip() or None


def example_line(config_path: str | None, contract_id: str, command: str) -> str:
    config = f" --config {config_path}" if config_path else ""
    return f"run_bot.py{config} --contract {contract_id} {command}"


def pick_contract(settings: Settings, wanted: str | None, command: str, config_path: str | None) -> Settings:
    """The settings of the contract a subcommand is about: the one named (any contract of the configuration), or
    the only one; with several and none named, one line listing the ids (and an example) and exit 2."""
    contracts = settings.deployment
    ids = [each.contract.id for each in contracts]
    if wanted:
        found = next((each for each in contracts if each.contract.id == wanted), None)
        if found is None:
            print(f"error: no contract {wanted!r} in this configuration; its contracts: {', '.join(ids)} "
                  f"(e.g. {example_line(config_path, ids[0], command)})", file=sys.stderr)
            raise SystemExit(2)
        return found
    if len(contracts) > 1:
        print(f"error: this configuration holds {len(ids)} contracts ({', '.join(ids)}): choose one with "
              f"--contract ID or {CONTRACT_ENV}, e.g. {example_line(config_path, ids[0], command)}", file=sys.stderr)
        raise SystemExit(2)
    return settings


def contract_settings_or_exit(config_path: str | None, args: argparse.Namespace, command: str) -> Settings:
    """Load settings and pick the contract the subcommand is about (see `pick_contract`)."""
    return pick_contract(settings_or_exit(config_path), chosen_contract(args), command, config_path)


def whole_database_note(args: argparse.Namespace, command: str) -> None:
    """A whole-database subcommand given a contract: say once that it covers every contract anyway."""
    if getattr(args, "contract", None):
        print(f"note: {command} covers the whole database (every contract); --contract is not used",
              file=sys.stderr)


def heading_of(settings: Settings) -> str | None:
    """The contract's title when the configuration holds several (output names its contract), else None."""
    return settings.contract.title if len(settings.deployment) > 1 else None


def cli_services(settings: Settings, clock: Clock | None = None) -> AbstractAsyncContextManager[Services]:
    """Services on the configured database (migrated, roster seeded) for a one-shot command."""
    return open_services(settings, clock)
