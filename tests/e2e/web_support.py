"""What the web page tests share: the bot with `[web]` on a free loopback port, the /dashboard link, Chromium."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LINK = re.compile(r"http://127\.0\.0\.1:\d+/login\?t=\S+")


def with_web(config: dict[str, Any]) -> dict[str, Any]:
    config["web"] = {"listen": "127.0.0.1", "port": 0, "link_lifetime": "12h"}
    return config


async def dashboard_link(bot: Any, user_id: int) -> str:
    """What a person gets for /dashboard in their private chat: the link."""
    [answer] = await bot.chat.send(user_id, "/dashboard")
    match = LINK.search(answer.text)
    assert match, answer.text
    return match.group(0)


def browser_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None. In CI (CI=true) a missing browser is a failure."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    return None


def require_browser() -> None:
    reason = browser_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


async def open_browser() -> AsyncIterator[Any]:
    require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
