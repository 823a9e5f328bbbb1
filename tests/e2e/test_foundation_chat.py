"""The foundation through the real Application and the fake Bot API: access, help, language, groups."""

from __future__ import annotations

import json

from bot.features import DECLARED
from bot.state import app_state
from tests.conftest import ADMIN, ENGINEER, GROUP, LEAD, STRANGER, SUPERVISOR, Harness

COMMANDS = DECLARED.commands


async def test_engineer_start_lists_engineer_commands_in_chinese(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/start")
    assert answer.chat_id == ENGINEER
    assert "周小舟" in answer.text and "驻场工程师" in answer.text
    assert "/help" in answer.text
    assert "/bindgroup" not in answer.text  # not an engineer's command


async def test_unknown_user_is_refused_politely_and_audited(bot: Harness) -> None:
    [answer] = await bot.chat.send(STRANGER, "/start")
    assert "不在本项目" in answer.text
    assert "林海" not in answer.text and "/help" not in answer.text  # reveals nothing
    async with bot.services.db.uow() as uow:
        entries = await uow.audit.list(actor_telegram_id=STRANGER)
    assert [e.action for e in entries] == ["access.unknown_user"]
    assert entries[0].after == {"attempted": "/start"}


async def test_unknown_user_plain_text_is_refused_too(bot: Harness) -> None:
    [answer] = await bot.chat.send(STRANGER, "签到")
    assert "不在本项目" in answer.text


async def test_wrong_role_is_refused_before_anything_happens(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/bindgroup", chat_id=GROUP)
    assert "无权" in answer.text and "/bindgroup" in answer.text
    async with bot.services.db.uow() as uow:
        assert await uow.chats.group_ids() == []
        refused = await uow.audit.list(action_prefix="access.refused")
    assert refused and refused[0].actor_telegram_id == ENGINEER


async def test_language_switch_to_english_changes_replies_and_menu(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/lang en")
    assert answer.text.startswith("OK")
    [help_answer] = await bot.chat.send(ENGINEER, "/help")
    assert "Commands you can use" in help_answer.text
    scopes = {json.loads(k).get("chat_id"): v for k, v in bot.api.commands.items()}
    assert ENGINEER in scopes
    assert any("list the commands" in c["description"] for c in scopes[ENGINEER])


async def test_lang_without_argument_explains_with_example(bot: Harness) -> None:
    [answer] = await bot.chat.send(ENGINEER, "/lang")
    assert "/lang en" in answer.text


async def test_supervisor_binds_group_and_is_told_about_privacy_mode(bot: Harness) -> None:
    answers = await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    assert "项目群" in answers[0].text
    assert any("BotFather" in a.text for a in answers)  # fake bot has privacy mode on
    again = await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    assert "已经是项目群" in again[0].text
    async with bot.services.db.uow() as uow:
        assert await uow.chats.group_ids() == [GROUP]
        assert [e.action for e in await uow.audit.list(action_prefix="group.")] == ["group.bind"]


async def test_bindgroup_in_private_chat_explains_where_to_send_it(bot: Harness) -> None:
    [answer] = await bot.chat.send(ADMIN, "/bindgroup")
    assert "群里" in answer.text


async def test_unknown_command_in_private_gets_hint_but_group_stays_quiet(bot: Harness) -> None:
    [answer] = await bot.chat.send(LEAD, "/frobnicate")
    assert "/help" in answer.text
    assert await bot.chat.send(LEAD, "/frobnicate", chat_id=GROUP) == []
    assert await bot.chat.send(LEAD, "今天天气不错", chat_id=GROUP) == []


async def test_text_addressed_to_bot_in_group_gets_hint(bot: Harness) -> None:
    answers = await bot.chat.send(LEAD, "@maintbot_demo_bot 你好", chat_id=GROUP)
    assert answers and "/help" in answers[0].text


async def test_every_command_has_a_description_in_both_languages() -> None:
    from bot.catalog import CATALOG

    for name in COMMANDS:
        assert set(CATALOG[f"cmd.{name}"]) >= {"zh_CN", "en"}, name


async def test_menus_are_set_per_person_with_their_commands(bot: Harness) -> None:
    menus_task = app_state(bot.app).menus
    if menus_task is not None:
        await menus_task
    scopes = {json.loads(k).get("chat_id"): [c["command"] for c in v] for k, v in bot.api.commands.items()}
    assert "bindgroup" in scopes[SUPERVISOR]
    assert "bindgroup" not in scopes[ENGINEER]
    assert scopes[None] == ["start", "help"]  # default scope for everyone else


async def test_help_lists_daily_work_first_and_every_declared_command_has_a_place(bot: Harness) -> None:
    from bot.handlers.common import MENU_ORDER

    assert set(COMMANDS) <= set(MENU_ORDER)  # a new command needs a place in /help
    [answer] = await bot.chat.send(ENGINEER, "/help")
    lines = [line.split(" — ")[0] for line in answer.text.splitlines() if line.startswith("/")]
    assert lines[:5] == ["/start", "/help", "/lang", "/checkin", "/checkout"]
    assert lines.index("/ticket") < lines.index("/incident")
