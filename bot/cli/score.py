"""`run_bot.py score --period 2022-10 [--json]`: the assessment score, computed as /score computes it.

The period is anything `parse_period` reads (2022-10, 2022Q3, 上个月, 10月1日至10月7日…) or 合同至今;
the default is the contract to date. `--json` prints:

    {"period": {"start", "end", "kind"}, "total", "max", "tier",
     "components": {<daily_maintenance|responsiveness|completion|satisfaction|attendance>:
                    {"points", "max", "rate", "numerator", "denominator", "deductions"}},
     "payment_ratio", "projected_payment", "paid_before"}

Every number is a decimal string (exact, no float rounding): points, counts and money rounded to two
places ("87.53"), `rate` a fraction rounded to four places ("0.9810" = 98.10%). `total` is the score as
shown: two places, except where rounding to two would put it onto or across a tier boundary, then as
many places as it takes ("85.004" is tier A; "85.00" would read as tier B). `tier`, `payment_ratio` and
`projected_payment` are decided on the exact total.

With a deployment directory of several contracts (issue 18) name the contract with `--contract ID` (or
MAINTBOT_CONTRACT); the text then starts with the contract's title. `--all` prints every contract's running score
side by side, as /scores does (`--json`: a list of {"contract", "title", "total", "tier", "payment_ratio"}).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping

from bot.catalog import t
from bot.cli.common import cli_services, contract_settings_or_exit, heading_of, settings_or_exit
from bot.handlers.render.contracts import render_scores
from bot.handlers.render.scoring import render_score
from bot.services.clock import Clock
from bot.services.contracts import running_scores
from bot.services.errors import DomainError
from bot.services.scoring import (
    RateSource,
    assessment_json,
    compute_assessment,
    previous_period,
    resolve_period,
)
from config.settings import Settings

NAME = "score"
HELP = "print the assessment score of a period (--json for machines)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--period", default="", help="e.g. 2022-10, 2022Q3, 上个月; default: the contract to date")
    parser.add_argument("--json", action="store_true", help="print JSON (decimal strings) instead of text")
    parser.add_argument("--all", dest="every_contract", action="store_true",
                        help="every contract of the deployment side by side, to date (as /scores)")


async def score_command(settings: Settings, period_text: str, *, as_json: bool, clock: Clock | None = None,
                        sources: Mapping[str, RateSource] | None = None) -> int:
    lang = settings.contract.default_language
    async with cli_services(settings, clock) as services:
        try:
            period = resolve_period(services, period_text)
            assessment = await compute_assessment(services, period, sources)
            if as_json:
                print(json.dumps(assessment_json(assessment), ensure_ascii=False, indent=2))
                return 0
            before = previous_period(services, period)
            previous = await compute_assessment(services, before, sources) if before is not None else None
        except DomainError as exc:
            print(f"error: {t(exc.key, lang, **exc.params)}", file=sys.stderr)
            return 1
        text = render_score(assessment, lang, previous)
        heading = heading_of(settings)
        print(t("contract.heading", lang, title=heading) + "\n" + text if heading else text)
    return 0


async def all_scores_command(settings: Settings, *, as_json: bool, clock: Clock | None = None) -> int:
    """Every contract's running score, tier and payment ratio (the numbers of each one's /score)."""
    from bot.services.container import open_deployment

    async with open_deployment(settings, clock) as deployment:
        rows = await running_scores(deployment.all())
    if as_json:
        print(json.dumps([{"contract": r.contract_id, "title": r.title, "total": r.shown_total if r.tracked else None,
                           "tier": r.tier if r.tracked else None,
                           "payment_ratio": str(r.payment_ratio) if r.tracked else None} for r in rows],
                         ensure_ascii=False, indent=2))
    else:
        print(render_scores(rows, settings.contract.default_language))
    return 0


def run(args: argparse.Namespace, config_path: str | None) -> int:
    if getattr(args, "every_contract", False):
        if args.period:
            print("error: --all shows every contract to date; leave out --period (or name one contract with "
                  "--contract ID)", file=sys.stderr)
            return 2
        return asyncio.run(all_scores_command(settings_or_exit(config_path), as_json=args.json))
    settings = contract_settings_or_exit(config_path, args, NAME)
    return asyncio.run(score_command(settings, args.period, as_json=args.json))
