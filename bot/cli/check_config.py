"""`run_bot.py check-config`: validate the configuration, one line per problem."""

from __future__ import annotations

import argparse
import sys

from config.settings import ConfigError, load_settings

NAME = "check-config"
HELP = "validate the configuration file and print every problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace, config_path: str | None) -> int:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"OK: contract {settings.contract.id}, {len(settings.roster)} people on the roster, "
          f"database {settings.storage.db}")
    return 0
