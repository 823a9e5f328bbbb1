"""The deployment documents stay true: the compose file parses and describes two replicas on one database, and
every `run_bot.py …` command line in the README and docs names a subcommand and flags the real parser accepts."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest
import yaml

from bot.main import build_parser

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "docs" / "deploy"
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(DEPLOY.iterdir())]
# `python run_bot.py …` (any python, any path to run_bot.py) is a command line to run; a bare `run_bot.py backup` in
# prose names a subcommand (and maybe flags) without all its arguments.
COMMAND = re.compile(r"(python3?\s+|/python\s+)?\S*run_bot\.py\b([^`\n]*)")


def mentions() -> list[tuple[str, bool, str]]:
    """(where, whether it is a full command line, the text after run_bot.py up to the end of its code span or line)."""
    found = []
    for path in DOCUMENTS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in COMMAND.finditer(line):
                found.append((f"{path.relative_to(ROOT)}:{number}", match.group(1) is not None, match.group(2)))
    return found


def arguments(text: str) -> list[str]:
    """The arguments as a shell would pass them: a comment, a pipe or prose after the command left out; an optional
    `[--flag VALUE]` taken as given; `a|b` alternatives as their first."""
    text = re.split(r"\s#|\s\||\s&&|;|\)|，|。", text)[0]
    text = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1).split("|")[0], text)
    words = shlex.split(text)
    while words and not re.match(r"^[\w./:@=-]", words[-1]):  # trailing punctuation of a sentence
        words.pop()
    return [w.rstrip(",.:") for w in words if w != "\\"]


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def named_only(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """What is wrong with a mention in prose: its subcommand must exist, and each --flag after it on that
    subcommand (or at the top level when there is none)."""
    words = [w.strip("[]") for w in text.split()]
    if not words or not re.fullmatch(r"[a-z][a-z_-]*|--?[a-z][\w-]*", words[0]):
        return []  # `run_bot.py`'s, a path, a quote: not a command
    target = parser
    if not words[0].startswith("-"):
        if words[0] not in subparsers(parser):
            return [f"no subcommand {words[0]}"]
        target, words = subparsers(parser)[words[0]], words[1:]
    flags = [w.split("=")[0] for w in words if re.fullmatch(r"--?[a-z][\w-]*(=\S*)?", w)]
    return [f"no flag {f}" for f in flags if f not in target._option_string_actions]


def test_the_compose_file_runs_two_replicas_on_one_postgresql_database() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    replicas = {name: svc for name, svc in services.items() if name.startswith("maintbot")}
    assert len(replicas) == 2
    urls = {svc["environment"]["MAINTBOT_DB"] for svc in replicas.values()}
    assert len(urls) == 1 and next(iter(urls)).startswith("postgresql://") and "@postgres:5432/" in next(iter(urls))
    for svc in replicas.values():
        assert svc["env_file"] == "maintbot.env" and "MAINTBOT_TOKEN" not in svc["environment"]  # the token: env file
        assert "/health" in " ".join(svc["healthcheck"]["test"])
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert (DEPLOY / svc["build"]["context"] / svc["build"]["dockerfile"]).is_file()
    assert "MAINTBOT_TOKEN=" in (DEPLOY / "maintbot.env.example").read_text(encoding="utf-8")


def test_the_systemd_unit_runs_the_bot_and_restarts_it() -> None:
    unit = (DEPLOY / "maintbot@.service").read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=\S+python \S+/run_bot\.py$", unit, re.MULTILINE)
    assert re.search(r"^Restart=always$", unit, re.MULTILINE)
    assert re.search(r"^EnvironmentFile=/etc/maintbot/maintbot\.env$", unit, re.MULTILINE)


def test_every_documented_command_line_parses() -> None:
    found = mentions()
    assert any(full and "migrate-db" in text for _, full, text in found)
    assert any(full and "backup" in text for _, full, text in found)
    parser = build_parser()
    refused = []
    for where, full, text in found:
        if full:
            try:
                parser.parse_args(arguments(text))
            except SystemExit:
                refused.append(f"{where}: run_bot.py{text}")
        else:
            refused += [f"{where}: run_bot.py{text}: {problem}" for problem in named_only(parser, text)]
    assert refused == []


@pytest.mark.parametrize("wrong", ["migrate-db --into postgresql://x/y", "backup --to FILE", "migrate_db --to u",
                                   "score --month 2022-10"])
def test_a_wrong_command_line_would_be_caught(wrong: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(arguments(" " + wrong))
    capsys.readouterr()
    assert named_only(build_parser(), " " + wrong) != []
