"""Command-line front door: run the bot (polling, webhook, console) or a subcommand from bot/cli/."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from types import ModuleType

from bot.cli import backup, calendar, check_config, export, migrate_db, purge, report, score
from bot.transports.telegram.polling import AnotherPoller
from config.settings import EXAMPLE_CONFIG_PATH, ConfigError, Settings, load_settings, resolve_config_path

log = logging.getLogger("maintbot")


# Every subcommand of run_bot.py, listed once.
SUBCOMMANDS: dict[str, ModuleType] = {module.NAME: module for module in (
    backup, calendar, check_config, export, migrate_db, purge, report, score)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_bot.py", description="maintbot: on-site maintenance chat-ops bot")
    parser.add_argument("--config", help="TOML config file (default: $MAINTBOT_CONFIG or config/maintbot.toml)")
    parser.add_argument("--contract", metavar="ID",
                        help="subcommands: the contract of a deployment directory to work on (default: "
                             "$MAINTBOT_CONTRACT; needed when the directory holds several)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true",
                      help="chat with the real bot in this terminal: no token, no network")
    mode.add_argument("--webhook", action="store_true", help="receive updates by webhook instead of polling")
    mode.add_argument("--offline-spool", metavar="DIR",
                      help="run offline, reading updates from DIR/updates.jsonl (crash tests)")
    parser.add_argument("--at", help="console only: start a fake clock at this local time, e.g. '2022-10-10 09:00'")
    parser.add_argument("--platform", choices=("telegram", "dingtalk"), default="telegram",
                        help="console only: which platform the console plays (default: telegram)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
    for name, module in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=module.HELP, description=module.HELP)
        # also after the subcommand; when not given there, the top-level value stands
        sub_parser.add_argument("--config", default=argparse.SUPPRESS, help="TOML config file (as above)")
        sub_parser.add_argument("--contract", metavar="ID", default=argparse.SUPPRESS,
                                help="the contract of a deployment directory (as above)")
        module.add_arguments(sub_parser)
    return parser


class _Redacting(logging.Formatter):
    """Formats as usual, then blanks the bot token wherever it appears (URLs in messages and tracebacks)."""

    def __init__(self, inner: logging.Formatter, secret: str) -> None:
        super().__init__()
        self.inner = inner
        self.secret = secret

    def format(self, record: logging.LogRecord) -> str:
        return self.inner.format(record).replace(self.secret, "<token>")


def keep_token_out_of_logs(token: str) -> None:
    """The Bot API URL contains the token: httpx/httpcore log every request URL at INFO (so at -v), and
    network errors may quote it. Keep those libraries at WARNING and redact the token from every log line."""
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not token:
        return
    for handler in logging.getLogger().handlers:
        inner = handler.formatter or logging.Formatter()
        if not isinstance(inner, _Redacting):
            handler.setFormatter(_Redacting(inner, token))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.subcommand:
        return int(SUBCOMMANDS[args.subcommand].run(args, args.config) or 0)
    if args.contract:  # the bot itself serves every contract of its configuration
        print("error: --contract chooses the contract of a subcommand (e.g. run_bot.py --contract ID score); "
              "the bot serves every contract of its configuration", file=sys.stderr)
        return 2
    config_path = resolve_config_path(args.config)
    if args.console and not config_path.exists() and not args.config:
        print(f"({config_path} not found: using the example configuration {EXAMPLE_CONFIG_PATH})",
              file=sys.stderr)
        config_path = EXAMPLE_CONFIG_PATH
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    from bot.instance_lock import AlreadyRunning, acquire_instance_lock

    try:
        acquire_instance_lock(settings.storage.db)
    except AlreadyRunning as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    problem = asyncio.run(_check_database(settings))
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if settings.telegram.token is not None:
        keep_token_out_of_logs(settings.telegram.token.get_secret_value())
    if args.console:
        from bot.offline.console import run_console

        return asyncio.run(run_console(settings, start_at=args.at, platform=args.platform))
    if args.offline_spool:
        from bot.offline.spool import run_spool

        try:
            asyncio.run(run_spool(settings, Path(args.offline_spool)))
        except AnotherPoller as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    _say_if_outside_service_period(settings)
    ding = settings.dingtalk
    if "dingtalk" in settings.platforms and (ding is None or ding.client_secret is None):
        print("error: DingTalk is enabled but its app secret is missing: set MAINTBOT_DINGTALK_CLIENT_SECRET",
              file=sys.stderr)
        return 1
    if "telegram" not in settings.platforms:
        return run_dingtalk_only(settings)
    if settings.telegram.token is None:
        print("error: no Telegram token: set telegram.token in the config or MAINTBOT_TOKEN "
              "(or try the bot offline with --console)", file=sys.stderr)
        return 1
    return run_telegram(settings, webhook=args.webhook)


def _say_if_outside_service_period(settings: Settings) -> None:
    """At start-up, on the real clock: a clear line when today is outside the contract's service period."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.startup_errors import service_period_notice

    notice = service_period_notice(settings, datetime.now(ZoneInfo(settings.contract.timezone)).date())
    if notice:
        print(notice, file=sys.stderr)


async def _check_database(settings: Settings) -> str | None:
    """Open, integrity-check and migrate the database before anything else; a readable line on failure."""
    from bot.startup_errors import describe_startup_error
    from storage.db import open_database

    try:
        db = await open_database(settings.storage.db, settings.contract.id)
    except Exception as exc:  # damaged, too new, not a database at all, no permission
        return describe_startup_error(exc, settings) or f"{settings.storage.db}: cannot open the database: {exc}"
    await db.close()
    return None


def run_dingtalk_only(settings: Settings) -> int:
    """DingTalk without Telegram (`[dingtalk] platforms = ["dingtalk"]`): the same Application runs the services,
    timers, outbox and DingTalk's Stream client, but never polls Telegram; its Bot API is a local sink that is
    never given anything to send (the notifier addresses DingTalk only)."""
    from bot.app import build_application, running
    from bot.offline.fake_telegram import FakeBotAPI
    from bot.transports.telegram.polling import stop_on_signals

    app = build_application(settings, request=FakeBotAPI())

    async def run() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        async with running(app):
            await stop.wait()

    asyncio.run(run())
    return 0


def run_telegram(settings: Settings, *, webhook: bool) -> int:
    """The real bot on Telegram: at-least-once long polling by default, or an at-least-once webhook."""
    from bot.app import build_application
    from bot.transports.telegram.polling import serve, stop_on_signals

    app = build_application(settings, rate_limit=settings.telegram.rate_limit)
    tg = settings.telegram

    receiver = None
    if webhook:
        if not tg.webhook_url or not tg.webhook_secret:
            print("error: webhook mode needs telegram.webhook_url and telegram.webhook_secret", file=sys.stderr)
            return 1
        from bot.transports.telegram.webhook import webhook_receiver

        receiver = webhook_receiver(listen=tg.webhook_listen, port=tg.webhook_port, url=tg.webhook_url,
                                    secret=tg.webhook_secret.get_secret_value(),
                                    bootstrap_retries=tg.bootstrap_retries)

    async def run() -> None:
        stop = asyncio.Event()
        stop_on_signals(stop)
        await serve(app, stop, bootstrap_retries=tg.bootstrap_retries, receiver=receiver)

    try:
        asyncio.run(run())
    except AnotherPoller as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
