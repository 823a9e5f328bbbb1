"""Least privilege, proven ("最小必须"原则): every command, called by every role and by a stranger.

EXPECTED is the reviewed decision: which roles may call each command (ANY: anyone on the roster), and
CLIENT_SIDE_ONLY the commands the contract reserves to the client side (甲方: a supervisor or the client's
contact), refused to the vendor side whatever the role. A command declared in the code but missing here
fails the test, so a new command cannot ship without a decision; a command whose declared roles or party
differ from the decision fails too. Then the real bot is asked every command (without arguments, in a
private chat) by one made-up person per role and party and by an unknown user: an allowed caller gets a real
answer (a result or a usage hint — never a refusal or an internal error), everyone else gets the clear
refusal, and the stranger is told they are not on the roster. The same decision shapes /help and each
person's command menu.

A command open to everyone may still hold sub-actions that change state (`/oncall set`, `/drill plan|done`,
a `/dutyplan` proposal), and buttons are checked by the service as well as the guard: those are sent and
pressed by roles that must be refused, and the database must be exactly as before.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.catalog import t
from bot.features import DECLARED
from bot.services.domain.people import Role
from bot.state import app_state
from tests.conftest import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    LEAD,
    SECOND_LINE,
    SHANGHAI,
    STRANGER,
    SUPERVISOR,
    VENDOR_CONTACT,
    Harness,
)

COMMANDS = DECLARED.commands

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
    # waiting time that does not count (#20): only the vendor sets it; the client side (or the vendor) ends it
    "wait": roles(E, L), "resume": roles(C, E, L, S),
    # urgent requests and on-call (#6)
    "urgent": roles(C, E, L, S), "urgents": ANY, "ack": ANY, "arrived": roles(E, L),
    "cancelurgent": roles(C, E, L, S),  # the service allows only the raiser, a supervisor or the client contact
    "oncall": ANY, "dutyplan": ANY, "swap": roles(E, L),  # proposing a plan / setting the rota: lead, supervisor
    # scoring, payments, reports (#7)
    "score": roles(C, L, S), "deduct": roles(C, S), "deductions": roles(C, L, S), "payments": roles(C, L, S),
    "paid": roles(C,), "report": roles(C, L, S),
    # contract duties (#8)
    "staffchange": roles(L), "replace": roles(C, S), "compliance": roles(A, C, E, L, S),
    "papers": roles(A, C, L, S), "drills": roles(A, C, E, L, S), "drill": roles(A, L), "incident": ANY,
    # recurring inspections (issue 20): add / pause / resume are the lead's (checked by the service)
    "inspections": roles(E, L),
    "incidents": roles(A, C, E, L, S), "audit": roles(A, C),
    # reliability (#9)
    "health": roles(A),
    # the web page (#19): anyone on the roster gets a link; the page shows what their role sees in chat
    "dashboard": ANY,
    # quiet hours for what can wait (#20 item 7): everyone chooses their own
    "quiet": ANY,
    # many contracts in one deployment (issue 18): everyone picks their current project; /scores is for the
    # admins (and the deployment's managers, who need not be on any roster)
    "project": ANY, "scores": roles(A),
}

# Least privilege by party: what the contract reserves to 甲方 (deductions, recording payments, the
# supervising engineer's rulings, demanding a replacement) is refused to the vendor side, whatever the role.
CLIENT_SIDE_ONLY = frozenset({"deduct", "paid", "ruling", "replace"})

# Button actions reserved to the client side: every action of a feature (True) or the approvals named.
BUTTONS_CLIENT_SIDE = {"att": True, "duty": True, "oc": frozenset({"ap", "ss"}), "pg": False, "tk": False,
                       "urg": False, "media": False,  # media: filing one's own photo (the service checks the sender)
                       "insp": False, "proj": False, "bind": False}

# One made-up person per role and party (tests/conftest.py); the lead also holds the engineer role, as in the
# contract; the client's contact is also a supervisor. (user, roles held, on the client side)
PERSONAS = {
    "engineer": (ENGINEER, roles(E), False),
    "lead": (LEAD, roles(L, E), False),
    "supervisor": (SUPERVISOR, roles(S), True),
    "vendor_contact": (VENDOR_CONTACT, roles(C), False),
    "client_contact": (CLIENT_CONTACT, roles(C, S), True),
    "escalation": (SECOND_LINE, roles(Role.ESCALATION), False),
    "admin": (ADMIN, roles(A), False),
}


def role_allows(command: str, held: frozenset[Role]) -> bool:
    expected = EXPECTED[command]
    return not expected or bool(expected & held)


def allowed(command: str, held: frozenset[Role], client_side: bool) -> bool:
    return role_allows(command, held) and (command not in CLIENT_SIDE_ONLY or client_side)


def test_every_declared_command_has_a_reviewed_decision() -> None:
    undecided = sorted(set(COMMANDS) - set(EXPECTED))
    assert not undecided, f"commands without a least-privilege decision in EXPECTED: {undecided}"
    stale = sorted(set(EXPECTED) - set(COMMANDS))
    assert not stale, f"EXPECTED lists commands nobody declares: {stale}"
    differs = {name: (sorted(spec.roles), sorted(EXPECTED[name])) for name, spec in COMMANDS.items()
               if spec.roles != EXPECTED[name]}
    assert not differs, f"declared roles differ from the decision (declared, expected): {differs}"
    party = sorted(name for name, spec in COMMANDS.items() if spec.client_side != (name in CLIENT_SIDE_ONLY))
    assert not party, f"declared party rule differs from the decision (client side only or not): {party}"
    assert {feature: spec.client_side for feature, spec in DECLARED.buttons.items()} == BUTTONS_CLIENT_SIDE


def _refusal(command: str, held: frozenset[Role]) -> str:
    """The role refusal when the role is wrong; the party refusal when only the party is."""
    key = "access.client_side_only" if role_allows(command, held) else "access.denied"
    return t(key, "zh_CN", command=command)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
async def test_each_role_gets_an_answer_or_a_clear_refusal_for_every_command(bot: Harness, persona: str) -> None:
    user, held, client_side = PERSONAS[persona]
    internal_error = t("error.internal", "zh_CN")
    problems = []
    for command in sorted(COMMANDS):
        refusal = _refusal(command, held)
        answers = [m.text for m in await bot.chat.send(user, f"/{command}") if m.chat_id == user]
        if allowed(command, held, client_side):
            if not answers or refusal in answers or internal_error in answers:
                problems.append(f"/{command} should work for {persona}: {answers}")
        elif answers != [refusal]:
            problems.append(f"/{command} should be refused to {persona}: {answers}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
async def test_help_and_the_command_menu_list_exactly_what_each_person_may_use(bot: Harness, persona: str) -> None:
    user, held, client_side = PERSONAS[persona]
    expected = {name for name, spec in COMMANDS.items() if spec.menu and allowed(name, held, client_side)}
    await app_state(bot.app).menus  # the per-person menus are published at start-up
    menu = bot.api.commands[json.dumps({"chat_id": user, "type": "chat"}, sort_keys=True)]
    assert {c["command"] for c in menu} == expected
    [help_text] = [m.text for m in await bot.chat.send(user, "/help") if m.chat_id == user]
    listed = {name for name in COMMANDS if f"/{name} " in help_text or help_text.endswith(f"/{name}")}
    assert listed == expected


async def test_the_vendor_contact_is_refused_client_side_commands_even_with_arguments(bot: Harness) -> None:
    """The vendor's contact holds the contact role but is not 甲方: the full commands change nothing."""
    bot.clock.set(datetime(2023, 2, 20, 10, 0, tzinfo=SHANGHAI))  # after the service period: 尾款 could fall due
    before = await _state(bot)
    for text, command in [("/deduct 出勤 5 2022-10-12 迟到", "deduct"), ("/paid 尾款 2022-09-27 436000", "paid"),
                          ("/paid 首付款 2022-02-10", "paid"), ("/ruling 1 in 合同内", "ruling"),
                          ("/replace 周小舟 不称职", "replace")]:
        answers = [m.text for m in await bot.chat.send(VENDOR_CONTACT, text) if m.chat_id == VENDOR_CONTACT]
        assert answers == [t("access.client_side_only", "zh_CN", command=command)], text
    assert await _state(bot) == before
    [deductions] = await bot.chat.send(CLIENT_CONTACT, "/deductions")
    assert "迟到" not in deductions.text
    [payments] = await bot.chat.send(CLIENT_CONTACT, "/payments")
    assert "✅ 已付" not in payments.text


async def test_an_unknown_user_is_refused_every_command_and_nothing_is_revealed(bot: Harness) -> None:
    not_on_roster = t("access.unknown_user", "zh_CN")
    problems = []
    for command in sorted(COMMANDS):
        sent = await bot.chat.send(STRANGER, f"/{command}")
        if [m.text for m in sent] != [not_on_roster]:
            problems.append(f"/{command}: {[(m.chat_id, m.text) for m in sent]}")
    assert not problems, "\n".join(problems)


# -- sub-actions that change state, and buttons, by roles that must be refused ------------------------------
_FEATURE_TABLES = ("oncall_shifts", "duty_plans", "duty_plan_days", "duty_swaps", "duty_drills", "urgent_requests",
                   "urgent_recipients", "duty_staff_changes", "people", "score_deductions", "payments",
                   "attendance_requests")


async def _state(bot: Harness) -> dict[str, list[tuple]]:
    """Every row of the features' tables, the audit trail without access refusals, and what was queued."""
    async with bot.services.db.uow() as uow:
        # sorted here, not by SQLite's rowid: the same comparison on PostgreSQL
        state = {table: sorted((tuple(r) for r in await uow.audit.fetchall(f"SELECT * FROM {table}")), key=repr)
                 for table in _FEATURE_TABLES}
        state["audit"] = [tuple(r) for r in await uow.audit.fetchall(
            "SELECT id, action, entity, entity_id FROM audit WHERE action NOT LIKE 'access.%' ORDER BY id")]
        state["outbox"] = [tuple(r) for r in await uow.audit.fetchall("SELECT id, kind FROM outbox ORDER BY id")]
    return state


def _denied(command: str) -> str:
    return t("access.denied", "zh_CN", command=command)


# (what is sent, who may, the refusal everyone else gets)
STATE_CHANGES = [
    ("/oncall set 10月15日 周小舟", roles(L, S), _denied("oncall set")),
    ("/drill plan S2 2022-11-16", roles(A, L), _denied("drill")),
    ("/drill done 1 演练顺利", roles(A, L), _denied("drill")),
    ("/dutyplan 元旦", roles(L, S),
     t("oc.plan_none_yet", "zh_CN", holiday="元旦", first="2022-12-31", last="2023-01-02")),
]


@pytest.mark.parametrize(("text", "may", "refusal"), STATE_CHANGES, ids=[c[0] for c in STATE_CHANGES])
async def test_state_changing_sub_actions_are_refused_to_other_roles_and_change_nothing(
        bot: Harness, text: str, may: frozenset[Role], refusal: str) -> None:
    await bot.chat.send(LEAD, "/drill plan S1 2022-11-15")  # drill #1, for /drill done
    before = await _state(bot)
    problems = []
    for persona, (user, held, _) in sorted(PERSONAS.items()):
        if held & may:
            continue
        answers = [m.text for m in await bot.chat.send(user, text) if m.chat_id == user]
        if answers != [refusal]:
            problems.append(f"{text} by {persona}: {answers}")
    assert not problems, "\n".join(problems)
    assert await _state(bot) == before
    allowed_user = next(user for user, held, _ in PERSONAS.values() if held & may)
    await bot.chat.send(allowed_user, text)
    assert await _state(bot) != before  # the same text from an allowed role does change something


def _alert(bot: Harness) -> tuple[str, bool]:
    answer = bot.chat.answers()[-1].params
    return answer.get("text", ""), bool(answer.get("show_alert"))


async def test_duty_button_pressed_by_an_engineer_is_refused_and_changes_nothing(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/staffchange 周小舟 郑新人:100003 2022-11-01 个人原因")
    [approval] = [m for m in bot.to(CLIENT_CONTACT) if "人员变更申请 #1" in m.text]
    before = await _state(bot)
    await bot.chat.press_data(ENGINEER, approval, approval.data_for("✅ 同意"))
    assert _alert(bot) == (t("access.denied_button", "zh_CN"), True)
    assert await _state(bot) == before


async def test_urgent_arrival_button_pressed_by_a_supervisor_is_refused_and_changes_nothing(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录")
    [ping] = [m for m in bot.to(ENGINEER) if "紧急请求 #1" in m.text]
    before = await _state(bot)
    await bot.chat.press_data(SUPERVISOR, ping, ping.data_for("已到岗"))
    assert _alert(bot) == (t("urg.engineers_only", "zh_CN"), True)
    await bot.chat.press_data(SUPERVISOR, ping, ping.data_for("需要支援"))
    assert _alert(bot) == (t("urg.engineers_only", "zh_CN"), True)
    assert await _state(bot) == before


async def test_duty_plan_approval_pressed_by_the_lead_is_refused_and_changes_nothing(bot: Harness) -> None:
    await bot.chat.send(LEAD, "/dutyplan 元旦")
    [ask] = [m for m in bot.to(SUPERVISOR) if "假期值班计划" in m.text]
    before = await _state(bot)
    await bot.chat.press_data(LEAD, ask, ask.data_for("批准"))  # approving is the client side's decision
    assert _alert(bot) == (t("access.client_side_button", "zh_CN"), True)
    assert await _state(bot) == before
