"""Take the README's screenshots of each web page with the browser tests' setup (headless Debian Chromium):
a demo week through the chat, then each page as the client contact sees it, 1000 px wide.

    python -m bench.web_screenshots      (from the repository root; writes docs/screenshots/*.png)
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.clock import FakeClock
from config.settings import settings_from_dict
from tests.conftest import CLIENT_CONTACT, ENGINEER, base_config, started_bot
from tests.e2e.test_web_browser import a_week_of_work
from tests.e2e.web_support import dashboard_link, open_browser, with_web

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PAGES = ("assessment", "attendance", "tickets", "urgent", "duty", "payments")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = settings_from_dict(with_web(base_config(Path(tmp) / "demo.db")), apply_env=False)
        clock = FakeClock(datetime(2022, 10, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
        async with started_bot(settings, clock) as bot:
            await a_week_of_work(bot)
            await bot.chat.send(CLIENT_CONTACT, "/urgent 网办大厅无法登录")
            await bot.chat.send(ENGINEER, "/ack")
            await bot.chat.send(ENGINEER, "/arrived")
            link = await dashboard_link(bot, CLIENT_CONTACT)
            root = link.split("/login")[0]
            async for browser in open_browser():
                page = await browser.new_page(viewport={"width": 1000, "height": 700})
                await page.goto(link)
                for name in PAGES:
                    await page.goto(f"{root}/{name}")
                    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                phone = await browser.new_page(viewport={"width": 390, "height": 844})
                await phone.goto(link)
                await phone.screenshot(path=str(OUT / "phone.png"), full_page=False)


if __name__ == "__main__":
    asyncio.run(main())
