"""`run_bot.py calendar 2022-10 [--json] [--lang en]`: the working calendar of a month (of the contract named with
`--contract ID` when a deployment directory holds several: each has its own calendar overrides)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import chosen_contract, pick_contract, settings_or_exit
from bot.services.calendar_view import calendar_command
from bot.services.container import build_calendar

NAME = "calendar"
HELP = "print a month of the working calendar (holidays, substituted working days)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="MONTH [--json] [--lang en], e.g. 2022-10")


def run(args: argparse.Namespace, config_path: str | None) -> int:
    from config.settings import EXAMPLE_CONFIG_PATH, resolve_config_path

    path = resolve_config_path(config_path)
    settings = settings_or_exit(str(path if path.exists() or config_path else EXAMPLE_CONFIG_PATH))
    settings = pick_contract(settings, chosen_contract(args), NAME, config_path)
    return calendar_command(list(args.rest), build_calendar(settings), sys.stdout)
