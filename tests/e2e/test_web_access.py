"""/dashboard and the web page's access rules without a browser (httpx on loopback): the link goes to the person
privately, every view and refusal is audited, the iCalendar feeds carry their own signed token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.services.clock import FakeClock
from config.settings import Settings, settings_from_dict
from tests.conftest import ADMIN, CLIENT_CONTACT, ENGINEER, GROUP, LEAD, Harness, started_bot
from tests.e2e.web_support import LINK, dashboard_link, with_web


@pytest.fixture
def web_settings(config_dict: dict[str, Any]) -> Settings:
    return settings_from_dict(with_web(config_dict), apply_env=False)


@pytest.fixture
async def web_bot(web_settings: Settings, clock: FakeClock) -> AsyncIterator[Harness]:
    async with started_bot(web_settings, clock) as harness:
        yield harness


async def test_dashboard_without_a_web_section_says_it_is_off(bot: Harness) -> None:
    [answer] = await bot.chat.send(CLIENT_CONTACT, "/dashboard")
    assert "网页看板未启用" in answer.text and "http" not in answer.text


async def test_dashboard_in_the_group_sends_the_link_privately(web_bot: Harness) -> None:
    await web_bot.chat.send(LEAD, "/bindgroup", chat_id=GROUP)
    await web_bot.chat.send(ENGINEER, "/dashboard", chat_id=GROUP)
    in_group = [m.text for m in web_bot.to(GROUP)]
    assert any("已私信发给您" in text for text in in_group)
    assert not any(LINK.search(text) for text in in_group)
    assert any(LINK.search(m.text) for m in web_bot.to(ENGINEER))


async def test_every_view_and_every_refused_link_is_in_the_audit_log(web_bot: Harness) -> None:
    link = await dashboard_link(web_bot, CLIENT_CONTACT)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        opened = await client.get(link)
        assert opened.status_code == 200 and str(opened.url).endswith("/assessment")
        assert (await client.get(str(opened.url).replace("/assessment", "/tickets?status=open"))).status_code == 200
    async with httpx.AsyncClient() as stranger:
        forged = await stranger.get(link.replace("?t=", "?t=x"))
        assert forged.status_code == 403 and "此链接无效" in forged.text and "总分" not in forged.text
    [listing] = await web_bot.chat.send(ADMIN, "/audit")
    assert "赵联络 获取网页看板链接" in listing.text
    assert "赵联络 查看网页看板 网页#tickets" in listing.text
    assert "网页看板链接被拒绝（过期或伪造）" in listing.text


async def test_an_engineer_sees_what_the_chat_shows_them_and_nothing_more(web_bot: Harness) -> None:
    link = await dashboard_link(web_bot, ENGINEER)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        opened = await client.get(link)
        assert str(opened.url).endswith("/attendance")
        assert 'href="/assessment"' not in opened.text and 'href="/payments"' not in opened.text
        assert "周小舟" in opened.text and "林海" not in opened.text  # their own attendance only
        root = link.split("/login")[0]
        for refused in ("/assessment", "/payments"):  # /score and /payments are not theirs in chat either
            page = await client.get(root + refused)
            assert page.status_code == 403 and "您的角色无权查看此页面" in page.text
        bad = await client.get(root + "/attendance?month=十月")
        assert bad.status_code == 400 and "无法识别月份“十月”" in bad.text and "2022-10" in bad.text


async def test_the_duty_feeds_are_icalendar_for_one_person_and_for_the_team(web_bot: Harness) -> None:
    await web_bot.chat.send(LEAD, "/oncall set 10月15日至10月16日 周小舟")
    await web_bot.chat.send(LEAD, "/oncall set 10月22日 林海")
    link = await dashboard_link(web_bot, ENGINEER)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        duty = await client.get(link.split("/login")[0] + "/duty?month=2022-10")
        assert "周小舟" in duty.text
        mine_url, team_url = re.findall(r'href="([^"]+\.ics)"', duty.text)
    async with httpx.AsyncClient() as calendar_app:  # no cookie: the feed's own token is enough
        mine = await calendar_app.get(mine_url)
        team = await calendar_app.get(team_url)
        forged = await calendar_app.get(mine_url.replace(".ics", "x.ics"))
    assert mine.status_code == 200 and mine.headers["content-type"].startswith("text/calendar")
    assert mine.text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and mine.text.endswith("END:VCALENDAR\r\n")
    assert mine.text.count("BEGIN:VEVENT") == 2 and "SUMMARY:值班：周小舟" in mine.text
    assert "DTSTART;VALUE=DATE:20221015" in mine.text and "DTEND;VALUE=DATE:20221016" in mine.text
    assert "林海" not in mine.text
    assert team.text.count("BEGIN:VEVENT") == 3 and "SUMMARY:值班：林海" in team.text
    assert forged.status_code == 403 and "BEGIN:VCALENDAR" not in forged.text
    assert all(len(line.encode()) <= 75 for line in team.text.split("\r\n"))


async def test_urgent_requests_show_their_timeline_and_monthly_percentiles(web_bot: Harness) -> None:
    from datetime import timedelta

    await web_bot.chat.send(CLIENT_CONTACT, "/urgent 网办大厅无法登录")
    web_bot.clock.advance(timedelta(minutes=5))
    await web_bot.chat.send(ENGINEER, "/ack")
    web_bot.clock.advance(timedelta(minutes=25))
    await web_bot.chat.send(ENGINEER, "/arrived")
    link = await dashboard_link(web_bot, CLIENT_CONTACT)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        page = await client.get(link.split("/login")[0] + "/urgent")
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "2022-10-10 09:05 — 响应（周小舟，5 分钟）" in text
    assert "2022-10-10 09:30 — 到岗（周小舟，30 分钟）" in text
    assert re.search(r"2022-10\s+1\s+5\s+5\s+30\s+30", text), text  # month, count, ack p50/p90, arrive p50/p90


async def test_the_page_speaks_english_to_an_english_reader_and_matches_score_for_a_month(web_bot: Harness) -> None:
    await web_bot.chat.send(CLIENT_CONTACT, "/lang en")
    [score] = await web_bot.chat.send(CLIENT_CONTACT, "/score 2022-10")
    total = re.search(r"Total (\S+) / 100 · tier (\S+)", score.text)
    assert total, score.text
    link = await dashboard_link(web_bot, CLIENT_CONTACT)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        page = await client.get(link.split("/login")[0] + "/assessment?period=2022-10")
    assert '<html lang="en">' in page.text and "Assessment score" in page.text and "考核得分" not in page.text
    assert f'id="score-total">{total.group(1)}<' in page.text and f'id="score-tier">{total.group(2)}<' in page.text
