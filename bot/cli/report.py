"""`run_bot.py report --month 2022-10 --out FILE.xlsx`: the monthly report workbook, and its chart
(FILE.png beside it), the same as /report sends. Without --month: last month, or the contract's last month
once it has ended; a month outside the contract is refused (exit 1), as /score refuses it. With a deployment
directory of several contracts, name the contract with `--contract ID` (or MAINTBOT_CONTRACT)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.catalog import t
from bot.cli.common import cli_services, contract_settings_or_exit
from bot.services.clock import Clock
from bot.services.errors import DomainError
from bot.services.report import build_report, resolve_month
from bot.services.scoring import RateSource
from config.settings import Settings

NAME = "report"
HELP = "write the monthly report (Excel workbook and PNG chart)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", default="",
                        help="e.g. 2022-10 or 上个月; default: last month (after the contract: its last month)")
    parser.add_argument("--out", default=None, help="the .xlsx file to write (default: the reports directory)")


async def report_command(settings: Settings, month_text: str, out: str | None, *, clock: Clock | None = None,
                         sources: Mapping[str, RateSource] | None = None) -> int:
    lang = settings.contract.default_language
    async with cli_services(settings, clock) as services:
        try:
            period = resolve_month(services, month_text)
            built = await build_report(services, period, out=Path(out) if out else None, lang=lang, sources=sources)
        except DomainError as exc:
            print(f"error: {t(exc.key, lang, **exc.params)}", file=sys.stderr)
            return 1
    print(f"{built.workbook_path}\n{built.chart_path}\n{period.month}: total {built.assessment.shown_total}, "
          f"tier {built.assessment.tier.label}")
    return 0


def run(args: argparse.Namespace, config_path: str | None) -> int:
    settings = contract_settings_or_exit(config_path, args, NAME)
    return asyncio.run(report_command(settings, args.month, args.out))
