"""`run_bot.py check-config`: validate the configuration, one line per problem."""

from __future__ import annotations

import argparse
import sys

from config.settings import ConfigError, Settings, load_settings

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
    problems = dingtalk_problems(settings)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    if len(settings.deployment) > 1:  # a deployment directory (issue 18): one line per contract
        print(f"OK: {len(settings.deployment)} contracts, database {settings.storage.db}, "
              f"platforms {', '.join(settings.platforms)}, {len(settings.managers)} manager(s)")
        for each in settings.deployment:
            print(f"  contract {each.contract.id} ({each.contract.title}): {len(each.roster)} people on the roster")
    else:
        print(f"OK: contract {settings.contract.id}, {len(settings.roster)} people on the roster, "
              f"database {settings.storage.db}, platforms {', '.join(settings.platforms)}")
    ding = settings.dingtalk
    if ding is not None and "dingtalk" in settings.platforms:
        missing = [p.name for p in settings.roster if not p.dingtalk_id]
        if missing:
            print(f"note: not reachable on DingTalk (no dingtalk_id): {', '.join(missing)}")
    return 0


def dingtalk_problems(settings: Settings) -> list[str]:
    """What stops DingTalk from running with this configuration (issue 17)."""
    ding = settings.dingtalk
    if ding is None or "dingtalk" not in settings.platforms:
        return []
    problems = []
    if ding.client_secret is None:
        problems.append("dingtalk: the app secret is missing: set MAINTBOT_DINGTALK_CLIENT_SECRET")
    if not ding.group_conversation_id:
        problems.append("dingtalk.group_conversation_id: the contract's group (openConversationId, cid…) is "
                        "needed for group notifications, /ticket and /urgent in the group")
    elif not ding.group_conversation_id.startswith("cid"):
        problems.append(f"dingtalk.group_conversation_id: {ding.group_conversation_id!r} is not an "
                        "openConversationId (they start with \"cid\")")
    if "telegram" in settings.platforms and settings.telegram.token is None:
        problems.append("telegram is listed in dingtalk.platforms but no token is set (MAINTBOT_TOKEN)")
    return problems
