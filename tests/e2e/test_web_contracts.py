"""The web page of a deployment of several contracts (issue 18, item 3), over loopback HTTP (httpx): a /dashboard
link made in a chat that belongs to contract B shows B's score, attendance, tickets, duty and payments; a link of
contract A never shows B's (a tampered link is refused); the client contact on both contracts gets the contract of
the chat they asked in. On the test database (SQLite, or PostgreSQL under MAINTBOT_TEST_DB)."""

from __future__ import annotations

import base64
import json
import re
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.services.clock import FakeClock
from config.sample import sample_roster, write_toml
from config.settings import load_settings
from tests.conftest import ADMIN, CLIENT_CONTACT, GROUP, LEAD, Harness, started_bot
from tests.e2e.test_many_contracts import BETA_CONTACT, write_deployment
from tests.e2e.web_support import LINK, dashboard_link, with_web


def web_deployment(folder: Path, db: str) -> Path:
    """The two-contract deployment of test_many_contracts with the web page on, and 赵联络 (alpha's client
    contact) the client contact of beta too."""
    write_deployment(folder, db)
    shared = with_web(tomllib.loads((folder / "deployment.toml").read_text(encoding="utf-8")))
    write_toml(shared, folder / "deployment.toml")
    beta = tomllib.loads((folder / "contracts" / "beta.toml").read_text(encoding="utf-8"))
    beta["roster"] += [p for p in sample_roster() if p["telegram_id"] == CLIENT_CONTACT]
    write_toml(beta, folder / "contracts" / "beta.toml")
    return folder


@pytest.fixture
async def two(tmp_path: Path, postgres_url: str | None, clock: FakeClock) -> AsyncIterator[Harness]:
    folder = web_deployment(tmp_path / "config", postgres_url or str(tmp_path / "deployment.db"))
    async with started_bot(load_settings(folder, apply_env=False), clock) as harness:
        yield harness


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def records_in_each(two: Harness) -> None:
    """Beta: a group bound to it, a ticket, 20 attendance points deducted, its first payment, 郑工's check-in and
    duty; alpha: a ticket of its own."""
    await two.chat.send(LEAD, "/bindgroup beta-2022", chat_id=GROUP)
    await two.chat.send(BETA_CONTACT, "/ticket 乙机房打印机无法连接", chat_id=GROUP)
    await two.chat.send(BETA_CONTACT, "/deduct 出勤 20 2022-10-10 未按时到岗", chat_id=GROUP)
    await two.chat.send(BETA_CONTACT, "/paid 首付款 2022-02-10", chat_id=GROUP)
    await two.chat.send(LEAD, "/oncall set 10月15日 林海", chat_id=GROUP)
    await two.chat.send(CLIENT_CONTACT, "/ticket 甲机房社保卡系统无法登录")  # his private chat: alpha (his first)


async def link_from_group(two: Harness, user_id: int) -> str:
    """/dashboard in the group: the link arrives in the private chat, headed by the group's contract."""
    before = len(two.to(user_id))
    await two.chat.send(user_id, "/dashboard", chat_id=GROUP)
    [private] = [m for m in two.to(user_id)[before:] if LINK.search(m.text)]
    assert private.text.startswith("【乙项目】"), private.text
    match = LINK.search(private.text)
    assert match
    return match.group(0)


async def pages(link: str, *names: str) -> dict[str, str]:
    root = link.split("/login")[0]
    async with httpx.AsyncClient(follow_redirects=True) as client:
        opened = await client.get(link)
        assert opened.status_code == 200, opened.text
        return {name: plain((await client.get(f"{root}/{name}")).text) for name in names}


async def test_a_link_asked_for_in_betas_group_shows_beta(two: Harness) -> None:
    await records_in_each(two)
    link = await link_from_group(two, CLIENT_CONTACT)
    seen = await pages(link, "assessment?period=2022-10", "tickets", "attendance?month=2022-10", "duty?month=2022-10",
                       "payments")
    assert "乙项目" in seen["assessment?period=2022-10"] and "80.00" in seen["assessment?period=2022-10"]
    assert "乙机房打印机无法连接" in seen["tickets"] and "甲机房" not in seen["tickets"]
    assert "郑工" in seen["attendance?month=2022-10"] and "周小舟" not in seen["attendance?month=2022-10"]
    assert "林海" in seen["duty?month=2022-10"]
    assert "¥100,000.00" in seen["payments"] and "¥218,000.00" not in seen["payments"]  # half of each amount


async def test_the_same_contact_in_his_private_chat_gets_alpha(two: Harness) -> None:
    await records_in_each(two)
    [answer] = await two.chat.send(CLIENT_CONTACT, "/dashboard")  # his private chat belongs to alpha
    match = LINK.search(answer.text)
    assert match and answer.text.startswith("【甲项目】"), answer.text
    seen = await pages(match.group(0), "assessment?period=2022-10", "tickets", "attendance?month=2022-10",
                       "duty?month=2022-10", "payments")
    assert "甲项目" in seen["assessment?period=2022-10"] and "100.00" in seen["assessment?period=2022-10"]
    assert "甲机房社保卡系统无法登录" in seen["tickets"] and "乙机房" not in seen["tickets"]
    assert "周小舟" in seen["attendance?month=2022-10"] and "郑工" not in seen["attendance?month=2022-10"]
    assert "¥218,000.00" in seen["payments"] and "¥100,000.00" not in seen["payments"]

    await two.chat.send(CLIENT_CONTACT, "/project beta-2022")  # he switches: his private chat now serves beta
    [again] = await two.chat.send(CLIENT_CONTACT, "/dashboard")
    match = LINK.search(again.text)
    assert match
    seen = await pages(match.group(0), "tickets")
    assert "乙机房打印机无法连接" in seen["tickets"] and "甲机房" not in seen["tickets"]


def tampered_token(token: str, **changes: Any) -> str:
    """The token with its payload changed and its signature kept."""
    payload, _, mac = token.partition(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{forged}.{mac}"


def tampered(link: str, **changes: Any) -> str:
    prefix, token = link.split("?t=")
    return f"{prefix}?t={tampered_token(token, **changes)}"


async def test_a_link_of_alpha_changed_to_name_beta_is_refused(two: Harness) -> None:
    await records_in_each(two)
    link = await dashboard_link(two, ADMIN)  # 吴管理's private chat: alpha, his first contract
    for forged in (tampered(link, c="beta-2022"), tampered(link, c="gamma-2022")):
        async with httpx.AsyncClient(follow_redirects=True) as client:
            page = await client.get(forged)
            tickets = await client.get(link.split("/login")[0] + "/tickets")  # no session was set
        assert page.status_code == 403 and "此链接无效" in page.text, page.text
        assert "乙机房" not in page.text and "乙项目" not in page.text
        assert tickets.status_code == 403 and "乙机房" not in tickets.text
    async with httpx.AsyncClient(follow_redirects=True) as client:  # the genuine link still works, for alpha
        assert (await client.get(link)).status_code == 200
        assert "乙机房" not in (await client.get(link.split("/login")[0] + "/tickets")).text


async def test_the_duty_feed_is_of_the_links_contract(two: Harness) -> None:
    await records_in_each(two)
    await two.chat.send(LEAD, "/oncall set 10月22日 林海")  # alpha (his private chat)
    link = await link_from_group(two, LEAD)
    async with httpx.AsyncClient(follow_redirects=True) as client:
        await client.get(link)
        duty = await client.get(link.split("/login")[0] + "/duty?month=2022-10")
    [_, team_url] = re.findall(r'href="([^"]+\.ics)"', duty.text)
    feed_root, token = re.fullmatch(r"(.+/duty/feed/)(.+)\.ics", team_url).groups()  # type: ignore[union-attr]
    async with httpx.AsyncClient() as calendar_app:
        team = await calendar_app.get(team_url)
        forged = await calendar_app.get(f"{feed_root}{tampered_token(token, c='alpha-2022')}.ics")
    assert team.status_code == 200 and "20221015" in team.text and "20221022" not in team.text  # beta's rota
    assert forged.status_code == 403 and "BEGIN:VCALENDAR" not in forged.text


@pytest.mark.slow
async def test_in_a_browser_betas_link_shows_betas_score_under_its_name(two: Harness) -> None:
    from tests.e2e.web_support import open_browser

    await records_in_each(two)
    [score] = await two.chat.send(BETA_CONTACT, "/score 2022-10")  # beta's score in chat
    chat_total = re.search(r"总分 (\S+) / 100", score.text)
    assert chat_total and score.text.startswith("【乙项目】"), score.text
    link = await link_from_group(two, CLIENT_CONTACT)
    async for browser in open_browser():
        page = await browser.new_page()
        await page.goto(link)
        await page.goto(link.split("/login")[0] + "/assessment?period=2022-10")
        assert await page.inner_text("#score-total") == chat_total.group(1) == "80.00"
        assert "乙项目" in await page.inner_text("header")


@pytest.mark.slow
def test_the_console_on_a_deployment_links_the_person_to_their_own_contract(tmp_path: Path) -> None:
    """`run_bot.py --config config/deployment.example --console` (the real process): `:web` acting as the second
    contract's client contact gives a link to that contract's page."""
    import os
    import queue
    import subprocess
    import sys
    import threading

    env = {**os.environ, "MAINTBOT_DB": str(tmp_path / "console.db")}
    for name in ("MAINTBOT_TOKEN", "MAINTBOT_WEB_SECRET", "MAINTBOT_CONTRACT"):
        env.pop(name, None)
    root = Path(__file__).parents[2]
    process = subprocess.Popen([sys.executable, "run_bot.py", "--config", "config/deployment.example", "--console",
                                "--at", "2023-03-06 09:00"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=root, env=env)
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(":as 褚联络\n:web\n")
        process.stdin.flush()
        lines: queue.Queue[str] = queue.Queue()  # read by a thread: the wait below has a deadline
        threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
        seen: list[str] = []
        link = None
        while link is None:
            try:
                seen.append(lines.get(timeout=60))
            except queue.Empty:
                break
            match = re.search(r"褚联络: (http://127\.0\.0\.1:\d+/login\?t=\S+)", seen[-1])
            link = match.group(1) if match else None
        assert link, "".join(seen)
        page = httpx.get(link, follow_redirects=True, timeout=30)
        assert page.status_code == 200
        assert "示例市社保信息系统现场运维项目（2023）" in plain(page.text)  # the header names demo-2023
        assert "2023-02-01" in plain(page.text) and "2022-02-01" not in plain(page.text)
    finally:
        process.stdin.write(":quit\n")
        process.stdin.close()
        process.wait(timeout=60)  # the reader thread drains the rest of the output
    assert process.returncode == 0
