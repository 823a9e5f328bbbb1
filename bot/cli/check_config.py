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
        sharing = [each.contract.id for each in settings.deployment if not each.contract.dingtalk_group]
        if len(sharing) > 1:
            print(f"note: contracts {', '.join(sharing)} share the DingTalk group {ding.group_conversation_id!r} "
                  "(dingtalk.group_conversation_id): their announcements all go there, and a message there goes to "
                  "the sender's current contract; give each its own with [contract] dingtalk_group = \"cid…\"")
    return 0


def dingtalk_problems(settings: Settings) -> list[str]:
    """What stops DingTalk from running with this configuration (issue 17)."""
    ding = settings.dingtalk
    if ding is None or "dingtalk" not in settings.platforms:
        return []
    problems = []
    if ding.client_secret is None:
        problems.append("dingtalk: the app secret is missing: set MAINTBOT_DINGTALK_CLIENT_SECRET")
    several = len(settings.deployment) > 1
    for each in settings.deployment:  # each contract's group: its own dingtalk_group, else the deployment's default
        where = f"contract {each.contract.id}: " if several else ""
        group = each.dingtalk_group_id
        field = "contract.dingtalk_group" if each.contract.dingtalk_group else "dingtalk.group_conversation_id"
        if not group:
            line = (f"{where}dingtalk.group_conversation_id: the contract's group (openConversationId, cid…) is "
                    "needed for group notifications, /ticket and /urgent in the group"
                    + (" (or [contract] dingtalk_group in its file)" if several else ""))
        elif not group.startswith("cid"):
            line = f"{where}{field}: {group!r} is not an openConversationId (they start with \"cid\")"
        else:
            continue
        problems.append(line)
    if "telegram" in settings.platforms and settings.telegram.token is None:
        problems.append("telegram is listed in dingtalk.platforms but no token is set (MAINTBOT_TOKEN)")
    return problems
