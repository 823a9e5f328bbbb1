"""The seam: the same handlers, router, services and database behind a second, in-memory platform — no
python-telegram-bot anywhere on this path (tests/unit/test_layers.py keeps handlers free of it)."""

from __future__ import annotations

from dataclasses import replace

from bot.features import DECLARED, build_router
from bot.services.container import Services
from bot.transports.base import InboundKind
from bot.transports.memory import MemoryTransport
from storage.attendance import AttendanceRepository
from tests.conftest import CLIENT_CONTACT, ENGINEER, STRANGER


async def transport(services: Services) -> MemoryTransport:
    """Everyone on the roster is known on the memory platform by their Telegram number (as text)."""
    async with services.db.uow() as uow:
        for person in await uow.people.all():
            await uow.people.link_identity(person.id, "memory", str(person.telegram_id))
        await uow.commit()
    return MemoryTransport(services, build_router(), DECLARED.commands)


async def test_a_roster_member_is_greeted_and_a_stranger_refused(services: Services) -> None:
    chat = await transport(services)
    [greeting] = await chat.send(str(ENGINEER), "/start")
    assert greeting.text.startswith("您好，周小舟")
    assert "/checkin" in greeting.text
    [refusal] = await chat.send(str(STRANGER), "/start")
    assert refusal.text.startswith("抱歉，您不在本项目的人员名单中")


async def test_a_plain_checkin_is_recorded(services: Services) -> None:
    chat = await transport(services)
    [answer] = await chat.send(str(ENGINEER), "签到")
    assert answer.text.startswith("✅ 签到成功")
    async with services.db.uow(read_only=True) as uow:
        person = await uow.people.by_telegram_id(ENGINEER)
        assert person is not None
        day = await uow.repo(AttendanceRepository).day_of(person.id, services.today())
    assert day is not None and day.checkin_at is not None


async def test_a_ticket_is_raised_and_its_kind_chosen_with_a_button(services: Services) -> None:
    chat = await transport(services)
    [created] = await chat.send(str(CLIENT_CONTACT), "/ticket 打印机无法连接")
    assert created.text.startswith("✅ 已登记工单 #1")
    label = created.buttons[0][0][0]
    answers = await chat.press(str(CLIENT_CONTACT), created, label)
    assert any(a.kind == "edit" for a in answers)  # the set-up message moves on to the next question
    assert any(a.kind == "toast" for a in answers)


async def test_a_redelivered_update_is_answered_once_and_applied_once(services: Services) -> None:
    chat = await transport(services)
    msg = chat._inbound(str(CLIENT_CONTACT), None, InboundKind.COMMAND, text="/ticket 门户无法登录",
                        command="ticket", args="门户无法登录")
    [first] = await chat.deliver(msg)
    [second] = await chat.deliver(replace(msg))
    assert first.text.startswith("✅ 已登记工单 #1")
    assert "已经处理过了" in second.text
    [listing] = await chat.send(str(CLIENT_CONTACT), "/tickets")
    assert "#2" not in listing.text


async def test_group_checkins_are_a_reaction_and_one_board_where_the_platform_has_reactions(
        services: Services) -> None:
    from bot.transports.base import Capabilities
    from tests.conftest import LEAD

    chat = await transport(services)
    chat.capabilities = Capabilities(locations=True, command_menus=False, reactions=True)
    first = await chat.send(str(LEAD), "签到", chat="group-1")
    assert [m.kind for m in first] == ["reaction", "message"] and "林海" in first[1].text
    second = await chat.send(str(ENGINEER), "签到", chat="group-1")
    assert [m.kind for m in second] == ["reaction", "edit"] and "周小舟" in second[1].text
    assert chat.by_id[first[1].message_id].text == second[1].text  # the same board, edited
