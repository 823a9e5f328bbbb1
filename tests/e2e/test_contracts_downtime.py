"""The start-up downtime notice in a deployment of several contracts (issue 18, item 3): every contract's admins
are told, each notice names its contract and lists what that contract's outbox owed. On the test database
(SQLite, or PostgreSQL under MAINTBOT_TEST_DB)."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

from bot.services.clock import FakeClock
from bot.services.container import open_deployment
from config.sample import write_toml
from config.settings import Settings, load_settings
from tests.conftest import ADMIN, started_bot
from tests.e2e.test_many_contracts import BETA_ENGINEER, write_deployment

BETA_ADMIN = 300009  # made up: an admin of beta alone


def deployment_with_a_beta_admin(folder: Path, db: str) -> Settings:
    write_deployment(folder, db)
    beta = tomllib.loads((folder / "contracts" / "beta.toml").read_text(encoding="utf-8"))
    beta["roster"].append({"name": "钱管理", "telegram_id": BETA_ADMIN, "roles": ["admin"]})
    write_toml(beta, folder / "contracts" / "beta.toml")
    return load_settings(folder, apply_env=False)


async def test_after_downtime_every_contracts_admins_are_told_naming_their_contract(
        tmp_path: Path, postgres_url: str | None, clock: FakeClock) -> None:
    settings = deployment_with_a_beta_admin(tmp_path / "config", postgres_url or str(tmp_path / "deployment.db"))
    async with started_bot(settings, clock):
        pass  # first start: nothing to report; a clean stop
    async with open_deployment(settings, clock, seed=False) as deployment:  # beta owed a message when it stopped
        beta = deployment.contracts["beta-2022"]
        async with beta.db.uow() as uow:
            await uow.outbox.add(chat_id=BETA_ENGINEER, text="乙项目：欠发的提醒", kind="test.reminder",
                                 now=clock.now(), not_before=clock.now() + timedelta(minutes=30))
            await uow.commit()
    clock.advance(timedelta(hours=2))
    async with started_bot(settings, clock) as bot:
        await bot.chat.flush()
        [to_beta_admin] = [m.text for m in bot.to(BETA_ADMIN) if "机器人曾停止运行" in m.text]
        to_admin = sorted(m.text for m in bot.to(ADMIN) if "机器人曾停止运行" in m.text)
    assert to_beta_admin.startswith("【乙项目】\nℹ️ 机器人曾停止运行（正常关闭）")
    assert "约 2 小时 0 分钟" in to_beta_admin and "现在补发的消息：test.reminder ×1" in to_beta_admin
    assert [text.split("\n", 1)[0] for text in to_admin] == ["【乙项目】", "【甲项目】"]  # on both: one each
    alpha_notice = next(text for text in to_admin if text.startswith("【甲项目】"))
    assert "test.reminder" not in alpha_notice  # alpha owed nothing
