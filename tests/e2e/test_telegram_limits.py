"""Telegram's size limits: the fake Bot API refuses what Telegram refuses, and the bot never sends it.

Direct replies, outbox notifications, edited messages and button answers all go through `MaintBot`
(bot/transports/telegram/ext_bot.py) and `bot.textfit`; these tests drive them through the real Application.
"""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.offline.fake_telegram import FakeBotAPI
from storage.outbox import OutboxRepository
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, LEAD, Harness

LIMIT = 4096


def long_ticket_text() -> str:
    """A ticket written as one full Telegram message (4,088 characters, many lines)."""
    lines = [f"第{n:03d}行：公服网办大厅个人参保证明下载失败，窗口编号{n:03d}，报错截图已上传，请核查证书和接口配置。"
             for n in range(200)]
    text = "\n".join(lines)
    while len(text) > 4088:
        lines.pop()
        text = "\n".join(lines)
    return text + "。" * (4088 - len(text))


def in_order(lines: list[str], shown: str) -> bool:
    """Every line appears in `shown`, each after the one before."""
    position = 0
    for line in lines:
        found = shown.find(line, position)
        if found < 0:
            return False
        position = found + len(line)
    return True


# -- the fake answers like Telegram ---------------------------------------------------------------------------

@pytest.fixture
async def raw_bot() -> ExtBot:
    """A plain python-telegram-bot ExtBot (no splitting) on the fake, to see what Telegram would answer."""
    api = FakeBotAPI()
    bot = ExtBot("123456789:OFFLINE-test-token", request=api, get_updates_request=api)
    async with bot:
        yield bot


async def test_the_fake_refuses_a_text_over_4096_characters_like_telegram(raw_bot: ExtBot) -> None:
    with pytest.raises(BadRequest, match=r"[Mm]essage is too long"):
        await raw_bot.send_message(ENGINEER, "字" * (LIMIT + 1))
    sent = await raw_bot.send_message(ENGINEER, "字" * LIMIT)  # exactly the limit is fine (characters, not bytes)
    assert len(sent.text) == LIMIT
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await raw_bot.edit_message_text("字" * (LIMIT + 1), chat_id=ENGINEER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"[Mm]essage text is empty"):
        await raw_bot.send_message(ENGINEER, "  \n ")


async def test_the_fake_refuses_callback_data_over_64_bytes_and_buttons_without_a_label(raw_bot: ExtBot) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await raw_bot.send_message(ENGINEER, "请选择", reply_markup=too_long)
    empty_label = InlineKeyboardMarkup([[InlineKeyboardButton("", callback_data="v1:tk:take:1")]])
    with pytest.raises(BadRequest, match=r"(?i)button_text_invalid"):
        await raw_bot.send_message(ENGINEER, "请选择", reply_markup=empty_label)
    fits = InlineKeyboardMarkup([[InlineKeyboardButton("好", callback_data="x" * 64)]])
    assert (await raw_bot.send_message(ENGINEER, "请选择", reply_markup=fits)).text == "请选择"


async def test_the_fake_refuses_a_toast_over_200_characters(raw_bot: ExtBot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await raw_bot.answer_callback_query("1", text="好" * 201)
    assert await raw_bot.answer_callback_query("1", text="好" * 200)


# -- the bot keeps within the limits --------------------------------------------------------------------------

async def test_a_ticket_of_a_full_message_is_confirmed_short_and_reaches_the_engineers_whole(bot: Harness) -> None:
    text = long_ticket_text()
    sent = await bot.chat.send(CLIENT_CONTACT, f"/ticket {text}")
    [confirmation] = [m for m in sent if m.chat_id == CLIENT_CONTACT]
    assert "已登记工单 #1" in confirmation.text and len(confirmation.text) <= LIMIT
    assert text[:100] in confirmation.text and "…" in confirmation.text  # the quote is only a reminder
    assert "数据修正/导入" in confirmation.button_labels()
    to_engineer = [m for m in sent if m.chat_id == ENGINEER]
    assert len(to_engineer) == 2 and all(len(m.text) <= LIMIT for m in to_engineer)
    assert to_engineer[0].message_id < to_engineer[1].message_id and "新工单" in to_engineer[0].text
    assert to_engineer[0].button_labels() == [] and "我来受理" in to_engineer[1].button_labels()
    assert in_order(text.splitlines(), "\n".join(m.text for m in to_engineer))  # every line arrives, in order
    # The set-up card stays within the limit as it is edited step by step.
    [edited] = await bot.chat.press(CLIENT_CONTACT, confirmation, "数据修正/导入")
    assert edited.method == "editMessageText" and len(edited.text) <= LIMIT
    assert bot.api.refusals == [] and not bot.to(ADMIN)  # no failure, no alert to the admins


async def test_a_long_row_already_in_the_outbox_is_split_when_sent_not_failed(bot: Harness) -> None:
    """A notification queued whole (e.g. before this version) still goes out, in order, with its buttons."""
    text = "\n".join(f"第{n}条：巡检发现统一经办门户响应缓慢，已记录并跟进处理。" for n in range(300))
    assert len(text) > LIMIT
    async with bot.services.db.uow() as uow:
        repo: OutboxRepository = uow.outbox
        await repo.add(chat_id=LEAD, text=text, kind="tickets.new", now=bot.clock.now(),
                       buttons=[[("我来受理", "v1:tk:take:1")]])
        await uow.commit()
    await bot.chat.flush()
    pieces = bot.to(LEAD)
    assert len(pieces) >= 2 and all(len(m.text) <= LIMIT for m in pieces)
    assert "\n".join(m.text for m in pieces) == text
    assert pieces[-1].button_labels() == ["我来受理"] and pieces[0].button_labels() == []
    async with bot.services.db.uow() as uow:
        backlog = await uow.outbox.backlog(bot.clock.now())
    assert backlog.by_status.get("failed", 0) == 0 and not bot.to(ADMIN)


async def test_a_long_notification_is_queued_as_ordered_rows_sent_once(bot: Harness) -> None:
    text = "\n".join(f"第{n}项：值班记录" + "很长的说明" * 10 for n in range(200))
    async with bot.services.db.uow() as uow:
        person = await uow.people.by_telegram_id(ENGINEER)
        assert person is not None
        for _ in range(2):  # queued twice with the same dedup key: sent once
            await bot.services.notifier.to_person(uow, person, "error.admin_alert", kind="error.alert",
                                                  dedup="long-once", error=text, update_id=1)
        await uow.commit()
    await bot.chat.flush()
    pieces = bot.to(ENGINEER)
    assert len(pieces) >= 3 and all(len(m.text) <= LIMIT for m in pieces)
    assert in_order(text.splitlines(), "\n".join(m.text for m in pieces))


async def test_an_edit_over_the_limit_keeps_the_message_and_sends_the_rest(bot: Harness) -> None:
    [first] = await bot.chat.send(ENGINEER, "/help")
    longer = "\n".join(f"第{n}行：补充说明" * 5 for n in range(200))
    await bot.app.bot.edit_message_text(longer, chat_id=ENGINEER, message_id=first.message_id)
    edited, *rest = [m for m in bot.to(ENGINEER) if m is not first]
    assert edited.method == "editMessageText" and edited.message_id == first.message_id
    assert rest and all(m.method == "sendMessage" for m in rest)
    assert "\n".join([edited.text, *(m.text for m in rest)]) == longer
    assert bot.api.refusals == []


async def test_a_toast_or_alert_over_200_characters_is_shortened_with_an_ellipsis(bot: Harness) -> None:
    await bot.app.bot.answer_callback_query("42", text="请先完成检查清单中的每一项。" * 30)
    [answer] = bot.chat.answers()
    assert len(answer.params["text"]) == 200 and answer.params["text"].endswith("…")
    assert bot.api.refusals == []


async def test_a_plain_reply_over_the_limit_arrives_as_ordered_messages(bot: Harness) -> None:
    """A reply a handler sends whole (here through python-telegram-bot directly) is split, never refused."""
    text = "\n".join(f"{n:04d} 🧾 记录" + "内容" * 30 for n in range(150))
    sent = await bot.app.bot.send_message(CLIENT_CONTACT, text)
    pieces = bot.to(CLIENT_CONTACT)
    assert 2 <= len(pieces) <= 3 and pieces[-1].message_id == sent.message_id
    assert "\n".join(m.text for m in pieces) == text
    assert bot.api.refusals == []


async def test_positional_arguments_do_not_bypass_the_split(bot: Harness) -> None:
    text = "\n".join(f"第{n}行：" + "说明" * 30 for n in range(100))
    await bot.app.bot.send_message(LEAD, text, None, None, True)  # parse_mode, entities, disable_notification
    pieces = bot.to(LEAD)
    assert len(pieces) >= 2 and "\n".join(m.text for m in pieces) == text
    assert all(call.params.get("disable_notification") for call in bot.api.calls_of("sendMessage"))
