"""Photos and files on records through the real Application and the fake Bot API (#20 item 3): a caption names
the record, a reply to the bot's ticket message attaches to that ticket, a photo sent alone gets a question with
buttons; /ticket N history shows the file; a local copy is kept within the size limit when configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.offline.fake_telegram import FakeFile
from bot.services import media
from tests.conftest import CLIENT_CONTACT, ENGINEER, GROUP, LEAD, SUPERVISOR, Harness, base_config

SCREENSHOT = FakeFile("AgADscreen01", b"\x89PNG fake error screenshot", None, "image/jpeg")
REPORT = FakeFile("BQADreport01", b"%PDF-1.4 fake repair report", "repair-report.pdf", "application/pdf")


@pytest.fixture
def config_dict(tmp_path: Path) -> dict[str, Any]:
    config = base_config(tmp_path / "maintbot-test.db")
    config["media"] = {"keep_local": True, "dir": "files", "max_bytes": 40}
    return config


async def test_photo_with_ticket_caption_is_kept_and_shown_in_the_history(bot: Harness, tmp_path: Path) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    [answer] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/ticket 1 登录报错截图")
    assert answer.text == "📎 照片已附到工单 #1。"
    [shown] = await bot.chat.send(CLIENT_CONTACT, "/ticket 1")
    assert "📷 登录报错截图" in shown.text and "附件" in shown.text
    [kept] = await media.of_record(bot.services, "ticket", 1)
    assert kept.platform_file_id == SCREENSHOT.file_id and kept.kind == "photo" and kept.caption == "登录报错截图"
    assert kept.local_path is not None and Path(kept.local_path).read_bytes() == SCREENSHOT.content
    assert Path(kept.local_path).parent == media.media_dir(bot.services) / bot.services.contract_id


async def test_a_document_replying_to_the_ticket_message_is_kept_with_that_ticket(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/bindgroup", chat_id=GROUP)
    await bot.chat.send(CLIENT_CONTACT, "/ticket 统一经办门户打不开")
    sent = await bot.chat.send(CLIENT_CONTACT, "/ticket 养老保险系统报错", chat_id=GROUP)
    [created] = [m for m in sent if m.chat_id == GROUP and "#2" in m.text]
    answers = await bot.chat.send_file(ENGINEER, REPORT, photo=False, chat_id=GROUP, reply_to=created)
    assert [a.text for a in answers] == ["📎 文件已附到工单 #2。"]
    [kept] = await media.of_record(bot.services, "ticket", 2)
    assert kept.name == "repair-report.pdf" and kept.mime == "application/pdf"
    assert kept.local_path is not None and Path(kept.local_path).read_bytes() == REPORT.content
    assert await media.of_record(bot.services, "ticket", 1) == []
    [shown] = await bot.chat.send(ENGINEER, "/ticket 2")
    assert "📄 repair-report.pdf" in shown.text
    # An unrelated photo in the group (no caption, no reply to the bot) is left alone.
    assert await bot.chat.send_file(ENGINEER, SCREENSHOT, chat_id=GROUP) == []


async def test_a_photo_sent_alone_gets_a_question_and_a_tap_files_it_once(bot: Harness) -> None:
    await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    await bot.chat.send(ENGINEER, "/take 1")
    await bot.chat.send(ENGINEER, "/daily 已巡检社保卡系统，运行正常")
    [question] = await bot.chat.send_file(ENGINEER, SCREENSHOT)
    assert "收到照片。它属于哪条记录" in question.text and "/ticket 12" in question.text
    assert question.button_labels() == ["工单 #1", "今天的巡检记录"]
    await bot.chat.press(LEAD, question, "工单 #1")  # only the sender files their own photo
    assert "只有发送者本人" in (bot.chat.answers()[-1].params.get("text") or "")
    [filed] = await bot.chat.press(ENGINEER, question, "今天的巡检记录")
    assert filed.text == "📎 照片已附到2022-10-10 的巡检记录。"
    await bot.chat.press(ENGINEER, question, "工单 #1")
    assert "已经归档" in (bot.chat.answers()[-1].params.get("text") or "")
    assert await media.of_record(bot.services, "ticket", 1) == []
    async with bot.services.db.uow() as uow:
        assert [e.action for e in await uow.audit.list(action_prefix="media.")] == ["media.received",
                                                                                     "media.attach"]


async def test_bad_captions_get_an_example_and_nothing_is_kept(bot: Harness) -> None:
    [missing] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/ticket 99")
    assert "没有找到" in missing.text and "#99" in missing.text
    [no_number] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/ticket 截图")
    assert "/ticket 12" in no_number.text and "/daily" in no_number.text
    [no_log] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/daily")
    assert "/daily" in no_log.text and "先发送" in no_log.text
    [other] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/score")
    assert "/ticket 12" in other.text
    async with bot.services.db.uow() as uow:
        assert await uow.audit.list(action_prefix="media.") == []
        assert await uow.audit.list(action_prefix="tickets.attach") == []


async def test_a_file_over_the_local_limit_stays_on_the_platform_only(bot: Harness, tmp_path: Path) -> None:
    big = FakeFile("BQADbig01", b"x" * 100, "dump.log", "text/plain")
    await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
    [answer] = await bot.chat.send_file(ENGINEER, big, photo=False, caption="/ticket 1")
    assert "超过本地保存上限" in answer.text
    [kept] = await media.of_record(bot.services, "ticket", 1)
    assert kept.platform_file_id == "BQADbig01" and kept.local_path is None
    assert not (tmp_path / "files").exists()
    assert not bot.api.calls_of("getFile")


async def test_english_caption_for_an_urgent_arrival(bot: Harness) -> None:
    await bot.chat.send(SUPERVISOR, "/urgent 社保卡系统无法登录")
    await bot.chat.send(ENGINEER, "/lang en")
    [answer] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/urgent 1")
    assert answer.text == "📎 The photo is kept with urgent request #1."
    assert len(await media.of_record(bot.services, "urgent", 1)) == 1


async def test_the_web_page_shows_the_photo_in_the_ticket_history(config_dict: dict[str, Any], clock: Any) -> None:
    import httpx

    from bot.app import build_application, running
    from bot.offline.fake_telegram import ChatDriver, FakeBotAPI
    from config.settings import settings_from_dict
    from tests.e2e.web_support import dashboard_link, with_web

    api = FakeBotAPI()
    app = build_application(settings_from_dict(with_web(config_dict), apply_env=False), request=api, clock=clock)
    async with running(app):
        bot = Harness(app, api, ChatDriver(app, api), clock)
        await bot.chat.send(CLIENT_CONTACT, "/ticket 社保卡系统无法登录")
        await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/ticket 1 修好后的读卡器")
        link = await dashboard_link(bot, CLIENT_CONTACT)
        async with httpx.AsyncClient(follow_redirects=True) as client:
            await client.get(link)
            page = await client.get(link.split("/login")[0] + "/tickets/1")
        assert page.status_code == 200
        assert "为工单附加照片或文件" in page.text and "📷 修好后的读卡器" in page.text


async def test_an_error_screenshot_is_kept_with_an_incident_report(bot: Harness) -> None:
    await bot.chat.send(ENGINEER, "/incident 发现数据库有异常登录")
    [answer] = await bot.chat.send_file(ENGINEER, SCREENSHOT, caption="/incident 1 异常登录日志截图")
    assert answer.text == "📎 照片已附到安全事件 #1。"
    [kept] = await media.of_record(bot.services, "incident", 1)
    assert kept.caption == "异常登录日志截图"
    async with bot.services.db.uow() as uow:
        [entry] = await uow.audit.list(action_prefix="media.attach")
        assert entry.entity == "incident" and entry.after["file"] == "📷 异常登录日志截图"
