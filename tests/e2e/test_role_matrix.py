"""Least privilege, proven ("最小必须"原则): every command, called by every role and by a stranger.

EXPECTED is the reviewed decision: which roles may call each command (ANY: anyone on the roster). A command
declared in the code but missing here fails the test, so a new command cannot ship without a decision; a
command whose declared roles differ from the decision fails too. Then the real bot is asked every command
(without arguments, in a private chat) by one made-up person per role and by an unknown user: an allowed
caller gets a real answer (a result or a usage hint — never a refusal or an internal error), everyone else
gets the clear refusal, and the stranger is told they are not on the roster.
"""

from __future__ import annotations

import pytest

from bot.catalog import t
from bot.handlers import feature_modules
from bot.handlers.common import COMMANDS
from bot.services.people import Role
from tests.conftest import ADMIN, ENGINEER, LEAD, SECOND_LINE, STRANGER, SUPERVISOR, VENDOR_CONTACT, Harness

feature_modules()  # import every handler module, so COMMANDS holds every declared command

A, C, E, L, S = Role.ADMIN, Role.CONTACT, Role.ENGINEER, Role.LEAD, Role.SUPERVISOR
ANY: frozenset[Role] = frozenset()


def roles(*allowed: Role) -> frozenset[Role]:
    return frozenset(allowed)


EXPECTED: dict[str, frozenset[Role]] = {
    # foundation
    "start": ANY, "help": ANY, "lang": ANY, "bindgroup": roles(A, L, S),
    # attendance (#4)
    "checkin": roles(E, L), "checkout": roles(E, L), "leave": roles(E, L), "makeup": roles(E, L),
    "attendance": roles(C, E, L, S),
    # tickets and the daily log (#5)
    "ticket": ANY, "take": roles(E, L), "resolve": roles(E, L), "reopen": ANY, "rate": ANY, "comment": ANY,
    "province": roles(E, L), "estimate": roles(E, L), "ruling": roles(C, S), "checklist": roles(E, L),
    "tickets": ANY, "faq": ANY, "daily": ANY,
    # urgent requests and on-call (#6)
    "urgent": roles(C, E, L, S), "urgents": ANY, "ack": ANY, "arrived": roles(E, L),
    "oncall": ANY, "dutyplan": ANY, "swap": roles(E, L),
    # scoring, payments, reports (#7)
    "score": roles(C, L, S), "deduct": roles(C, S), "deductions": roles(C, L, S), "payments": roles(C, L, S),
    "paid": roles(C,), "report": roles(C, L, S),
    # contract duties (#8)
    "staffchange": roles(L), "replace": roles(C, S), "compliance": roles(A, C, E, L, S),
    "papers": roles(A, C, L, S), "drills": roles(A, C, E, L, S), "drill": roles(A, L), "incident": ANY,
    "incidents": roles(A, C, E, L, S), "audit": roles(A, C),
    # reliability (#9)
    "health": roles(A),
}

# One made-up person per role (tests/conftest.py); the lead also holds the engineer role, as in the contract.
PERSONAS = {
    "engineer": (ENGINEER, roles(E)),
    "lead": (LEAD, roles(L, E)),
    "supervisor": (SUPERVISOR, roles(S)),
    "contact": (VENDOR_CONTACT, roles(C)),
    "escalation": (SECOND_LINE, roles(Role.ESCALATION)),
    "admin": (ADMIN, roles(A)),
}


def allowed(command: str, held: frozenset[Role]) -> bool:
    expected = EXPECTED[command]
    return not expected or bool(expected & held)


def test_every_declared_command_has_a_reviewed_decision() -> None:
    undecided = sorted(set(COMMANDS) - set(EXPECTED))
    assert not undecided, f"commands without a least-privilege decision in EXPECTED: {undecided}"
    stale = sorted(set(EXPECTED) - set(COMMANDS))
    assert not stale, f"EXPECTED lists commands nobody declares: {stale}"
    differs = {name: (sorted(spec.roles), sorted(EXPECTED[name])) for name, spec in COMMANDS.items()
               if spec.roles != EXPECTED[name]}
    assert not differs, f"declared roles differ from the decision (declared, expected): {differs}"


@pytest.mark.parametrize("persona", sorted(PERSONAS))
async def test_each_role_gets_an_answer_or_a_clear_refusal_for_every_command(bot: Harness, persona: str) -> None:
    user, held = PERSONAS[persona]
    internal_error = t("error.internal", "zh_CN")
    problems = []
    for command in sorted(COMMANDS):
        refusal = t("access.denied", "zh_CN", command=command)
        answers = [m.text for m in await bot.chat.send(user, f"/{command}") if m.chat_id == user]
        if allowed(command, held):
            if not answers or refusal in answers or internal_error in answers:
                problems.append(f"/{command} should work for {persona}: {answers}")
        elif answers != [refusal]:
            problems.append(f"/{command} should be refused to {persona}: {answers}")
    assert not problems, "\n".join(problems)


async def test_an_unknown_user_is_refused_every_command_and_nothing_is_revealed(bot: Harness) -> None:
    not_on_roster = t("access.unknown_user", "zh_CN")
    problems = []
    for command in sorted(COMMANDS):
        sent = await bot.chat.send(STRANGER, f"/{command}")
        if [m.text for m in sent] != [not_on_roster]:
            problems.append(f"/{command}: {[(m.chat_id, m.text) for m in sent]}")
    assert not problems, "\n".join(problems)
