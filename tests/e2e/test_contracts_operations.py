"""What a deployment of several contracts does for its operators (issue 18, item 3): after downtime every contract's
admins are told, each notice naming its contract and listing what that contract's outbox owed; the nightly backup is
made once for the one database. On the test database (SQLite, or PostgreSQL under MAINTBOT_TEST_DB)."""

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


async def test_the_nightly_backup_of_a_deployment_is_made_once_and_holds_every_contract(
        tmp_path: Path, postgres_url: str | None, clock: FakeClock) -> None:
    """One database, one nightly backup (not one full copy per contract)."""
    from datetime import datetime

    from tests.conftest import SHANGHAI

    settings = deployment_with_a_beta_admin(tmp_path / "config", postgres_url or str(tmp_path / "deployment.db"))
    shared = tomllib.loads((tmp_path / "config" / "deployment.toml").read_text(encoding="utf-8"))
    shared["storage"]["backup_dir"] = str(tmp_path / "backups")
    write_toml(shared, tmp_path / "config" / "deployment.toml")
    settings = load_settings(tmp_path / "config", apply_env=False)
    async with started_bot(settings, clock) as bot:
        clock.set(datetime(2022, 10, 11, 2, 30, tzinfo=SHANGHAI))
        await bot.run_timers()
        await bot.chat.flush()
    made = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert made == [f"maintbot-alpha-2022-20221011-023000.{'dump' if postgres_url else 'db'}"], made
    if postgres_url is None:
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(tmp_path / "backups" / made[0])) as conn:
            contracts = {row[0] for row in conn.execute("SELECT DISTINCT contract_id FROM people")}
        assert contracts == {"alpha-2022", "beta-2022"}
