"""The web page (issue 19) in a real browser: headless Chromium (Debian's) driven by Playwright, the app served by
uvicorn on 127.0.0.1 inside the bot's own process, as a person sees it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.services.clock import FakeClock
from config.settings import Settings, settings_from_dict
from tests.conftest import CLIENT_CONTACT, ENGINEER, LEAD, Harness, started_bot
from tests.e2e.web_support import dashboard_link, open_browser, with_web

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def settings(config_dict: dict[str, Any]) -> Settings:
    return settings_from_dict(with_web(config_dict), apply_env=False)


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with started_bot(settings, clock) as harness:
        yield harness


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async for opened in open_browser():
        yield opened


async def a_week_of_work(bot: Harness) -> None:
    """Mon 10 Oct on time for both engineers, Tue 11 周小舟 late at 09:40, two tickets (one resolved), an urgent
    request acknowledged and arrived, the rota for the weekend."""
    await bot.chat.send(ENGINEER, "/checkin")
    await bot.chat.send(LEAD, "/checkin")
    await bot.chat.send(ENGINEER, "/ticket 社保卡系统 制卡数据查询报错")
    await bot.chat.send(CLIENT_CONTACT, "/ticket 养老保险系统 参数调整")
    await bot.chat.send(LEAD, "/oncall set 10月15日至10月16日 周小舟")
    bot.clock.advance(timedelta(hours=1))
    await bot.chat.send(ENGINEER, "/resolve 1 已修复查询条件")
    bot.clock.advance(timedelta(days=1, minutes=-20))  # Tue 11 Oct 09:40
    await bot.chat.send(LEAD, "/checkin")
    await bot.chat.send(ENGINEER, "/checkin")
    await bot.run_timers()


async def test_the_score_on_the_page_is_the_score_in_chat(bot: Harness, browser: Any) -> None:
    await a_week_of_work(bot)
    [score] = await bot.chat.send(CLIENT_CONTACT, "/score")
    chat_total = re.search(r"总分 (\S+) / 100 · (\S+) 档 · 付款比例 (\S+)", score.text)
    assert chat_total, score.text
    link = await dashboard_link(bot, CLIENT_CONTACT)
    page = await browser.new_page()
    await page.goto(link)
    assert page.url.endswith("/assessment")
    assert await page.inner_text("#score-total") == chat_total.group(1)
    assert await page.inner_text("#score-tier") == chat_total.group(2)
    assert await page.inner_text("#score-ratio") == chat_total.group(3)
    # each component's points as /score lists them, the projection, the trend chart, the next tier
    for row in await page.query_selector_all("#components tr[data-component]"):
        name = (await row.inner_text()).split("\t")[0]
        points = await (await row.query_selector(".points")).inner_text()
        assert f"{name} {points.replace(' / ', '/')}" in score.text.replace(" 分", "")
    assert await page.inner_text("#score-projected") in score.text
    assert await page.locator("svg.chart").count() == 1
    assert "2022-10" in (await page.text_content("svg.chart") or "")
    assert "如何进入下一档" in await page.inner_text("#next-tier")


async def test_the_attendance_calendar_shows_the_right_days(bot: Harness, browser: Any) -> None:
    await a_week_of_work(bot)
    page = await browser.new_page()
    await page.goto(await dashboard_link(bot, ENGINEER))
    assert page.url.endswith("/attendance")  # an engineer does not see the score
    engineers = page.locator("section.engineer")
    assert await engineers.count() == 1  # their own attendance only
    assert await engineers.first.get_attribute("data-name") == "周小舟"
    mine = engineers.first
    assert await mine.locator('td[data-day="2022-10-10"] [data-mark]').all_inner_texts() == ["出勤"]
    assert await mine.locator('td[data-day="2022-10-11"] [data-mark]').all_inner_texts() == ["出勤", "迟到"]
    assert await mine.locator('td[data-day="2022-10-12"] [data-mark]').count() == 0  # not yet
    # the working calendar marks National Day off and the substituted Saturday 8 Oct as a working day
    workcal = page.locator("#working-calendar")
    assert await workcal.locator('td[data-day="2022-10-03"] [data-mark]').all_inner_texts() == ["休"]
    assert await workcal.locator('td[data-day="2022-10-08"] [data-mark]').all_inner_texts() == ["班"]
    # the contact sees both engineers, and the score page refuses the engineer
    refused = await page.goto(page.url.replace("/attendance", "/assessment"))
    assert refused.status == 403
    assert "您的角色无权查看此页面" in await page.inner_text("#refused")
    contact = await browser.new_page()
    await contact.goto(await dashboard_link(bot, CLIENT_CONTACT))
    await contact.goto(contact.url.replace("/assessment", "/attendance"))
    assert await contact.locator("section.engineer").count() == 2


async def test_a_filter_narrows_the_ticket_table(bot: Harness, browser: Any) -> None:
    await a_week_of_work(bot)
    page = await browser.new_page()
    await page.goto(await dashboard_link(bot, CLIENT_CONTACT))
    await page.click("nav >> text=工单")
    assert await page.locator("#tickets tr.ticket").count() == 2
    await page.select_option("select[name=status]", "resolved")
    await page.click("form.filters button[type=submit]")
    assert "status=resolved" in page.url
    rows = page.locator("#tickets tr.ticket")
    assert await rows.count() == 1
    assert "制卡数据查询报错" in await rows.first.inner_text()
    await page.click("#tickets a >> text=#1")  # the ticket's history
    assert "已修复查询条件" in await page.inner_text("#history") or await page.locator("#history tr").count() >= 2


async def test_an_expired_or_forged_link_is_refused(bot: Harness, browser: Any) -> None:
    link = await dashboard_link(bot, CLIENT_CONTACT)
    page = await browser.new_page()
    forged = await page.goto(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert forged.status == 403
    assert "此链接无效" in await page.inner_text("#refused")
    assert await page.locator("nav").count() == 0 and await page.locator("#score-total").count() == 0
    bot.clock.advance(timedelta(hours=12, seconds=1))
    expired = await page.goto(link)
    assert expired.status == 403
    assert "此链接已过期" in await page.inner_text("#refused")
    assert await page.locator("#score-total").count() == 0


async def test_an_opened_link_keeps_its_session_until_it_expires(bot: Harness, browser: Any) -> None:
    link = await dashboard_link(bot, CLIENT_CONTACT)
    page = await browser.new_page()
    await page.goto(link)
    root = link.split("/login")[0]
    assert (await page.goto(f"{root}/payments")).status == 200  # the cookie carries the session
    assert "预计尾款" in await page.inner_text("#projection")
    bot.clock.advance(timedelta(hours=13))
    assert (await page.goto(f"{root}/payments")).status == 403


async def test_every_page_is_usable_at_a_phone_width(bot: Harness, browser: Any) -> None:
    await a_week_of_work(bot)
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    link = await dashboard_link(bot, CLIENT_CONTACT)
    await page.goto(link)
    root = link.split("/login")[0]
    for name in ("assessment", "attendance", "tickets", "urgent", "duty", "payments", "tickets/1"):
        response = await page.goto(f"{root}/{name}")
        assert response.status == 200, name
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"/{name} scrolls sideways at {PHONE['width']}px ({width}px wide)"
