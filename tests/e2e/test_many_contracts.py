"""Many contracts in one deployment (issue 18, item 3): one process, one database, one bot token, two contracts.

The deployment is a configuration directory (deployment.toml + contracts/*.toml) read by `load_settings`, on the
test database (SQLite, or PostgreSQL under MAINTBOT_TEST_DB). 甲项目 (alpha) is the sample project; 乙项目 (beta)
has its own roster, site, SLA and weights. 林海 (the lead) and 吴管理 (the admin) are on both; 郑工 and 褚联络 only on
beta; 冯总 is a deployment manager on no roster.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.state import app_state
from config.sample import sample_config, sample_roster, write_toml
from config.settings import Settings, load_settings
from storage.tickets import TicketRepository
from tests.conftest import (
    ADMIN,
    CLIENT_CONTACT,
    ENGINEER,
    GROUP,
    LEAD,
    STRANGER,
    Harness,
    started_bot,
)

BETA_ENGINEER = 300001
BETA_CONTACT = 300002
MANAGER = 700001
OTHER_GROUP = -1009876543210


def write_deployment(folder: Path, db: str) -> Path:
    """A deployment directory with two contracts (made-up people and places)."""
    (folder / "contracts").mkdir(parents=True, exist_ok=True)
    write_toml({"storage": {"db": db}, "reports": {"monthly": False},
                "managers": [{"name": "冯总", "telegram_id": MANAGER}]}, folder / "deployment.toml")
    alpha = sample_config(Path(db), contract_id="alpha-2022", title="甲项目")
    del alpha["storage"]
    write_toml(alpha, folder / "contracts" / "alpha.toml")
    beta_roster = [p for p in sample_roster() if p["telegram_id"] in (LEAD, ADMIN)] + [
        {"name": "郑工", "telegram_id": BETA_ENGINEER, "roles": ["engineer"], "start": "2022-02-01"},
        {"name": "褚联络", "telegram_id": BETA_CONTACT, "roles": ["contact", "supervisor"], "party": "client"}]
    beta: dict[str, Any] = {
        "contract": {"id": "beta-2022", "title": "乙项目", "client": "测试乙方甲方中心", "vendor": "测试乙方公司",
                     "amount": "200000", "signed": "2022-01-10", "start": "2022-02-01", "end": "2023-01-31"},
        "site": {"name": "乙机房", "latitude": 32.05, "longitude": 118.78, "radius_m": 300},
        "sla": {"arrival_deadline": "2h"},
        "assessment": {"weights": {"daily_maintenance": 10, "responsiveness": 10, "completion": 20,
                                   "satisfaction": 20, "attendance": 40}},
        "roster": beta_roster,
    }
    write_toml(beta, folder / "contracts" / "beta.toml")
    return folder


@pytest.fixture
def deployment_settings(tmp_path: Path, postgres_url: str | None) -> Settings:
    db = postgres_url or str(tmp_path / "deployment.db")
    return load_settings(write_deployment(tmp_path / "config", db), apply_env=False)


@pytest.fixture
async def two(deployment_settings: Settings, clock: Any) -> AsyncIterator[Harness]:
    async with started_bot(deployment_settings, clock) as harness:
        yield harness


def texts(sent: list[Any]) -> str:
    return "\n".join(m.text for m in sent)


async def test_the_directory_is_read_as_two_contracts_with_their_own_settings(deployment_settings: Settings) -> None:
    alpha, beta = deployment_settings.deployment
    assert (alpha.contract.id, beta.contract.id) == ("alpha-2022", "beta-2022")
    assert beta.site.name == "乙机房" and beta.sla.arrival_deadline.total_seconds() == 7200
    assert alpha.sla.arrival_deadline.total_seconds() == 3600
    assert beta.assessment.weights["attendance"] == 40 and alpha.assessment.weights["attendance"] == 30
    assert alpha.storage.db == beta.storage.db and [m.name for m in beta.managers] == ["冯总"]


async def test_a_person_on_both_chooses_with_project_and_checks_in_there(two: Harness) -> None:
    [listed] = await two.chat.send(LEAD, "/project")
    assert "✅ alpha-2022 — 甲项目" in listed.text and "beta-2022 — 乙项目" in listed.text
    await two.chat.press(LEAD, listed, "乙项目")
    [answer] = await two.chat.send(LEAD, "签到")
    assert answer.text.startswith("【乙项目】") and "签到成功" in answer.text
    [again] = await two.chat.send(LEAD, "签到")
    assert again.text.startswith("【乙项目】") and "签到成功" not in again.text  # already checked in, in beta

    [switched] = await two.chat.send(LEAD, "/project alpha-2022")
    assert switched.text.startswith("【甲项目】\n已切换到项目「甲项目」")  # named once, by the contract now current
    [in_alpha] = await two.chat.send(LEAD, "签到")  # alpha has no check-in of his yet: beta's stayed in beta
    assert in_alpha.text.startswith("【甲项目】") and "签到成功" in in_alpha.text


async def test_someone_on_one_contract_sees_no_heading_and_lands_in_theirs(two: Harness) -> None:
    [answer] = await two.chat.send(BETA_ENGINEER, "签到")
    assert "签到成功" in answer.text and not answer.text.startswith("【")
    [alpha_answer] = await two.chat.send(ENGINEER, "签到")
    assert "签到成功" in alpha_answer.text
    [single] = await two.chat.send(BETA_ENGINEER, "/project")
    assert "乙项目" in single.text and "甲项目" not in single.text


async def test_choosing_a_contract_one_is_not_on_is_refused_with_an_example(two: Harness) -> None:
    [answer] = await two.chat.send(LEAD, "/project gamma-2022")
    assert "gamma-2022" in answer.text and "alpha-2022" in answer.text and "/project alpha-2022" in answer.text


async def test_a_group_bound_to_beta_creates_tickets_in_beta(two: Harness) -> None:
    [choose] = await two.chat.send(LEAD, "/bindgroup", chat_id=GROUP)
    assert [label for row in choose.buttons for label, _ in row] == ["甲项目", "乙项目"]
    bound = await two.chat.press(LEAD, choose, "乙项目")
    assert any("乙项目" in m.text for m in bound)
    await two.chat.send(BETA_CONTACT, "/ticket 乙机房打印机无法连接", chat_id=GROUP)
    deployment = app_state(two.app).deployment
    assert deployment is not None
    async with deployment.contracts["beta-2022"].db.uow(read_only=True) as uow:
        in_beta = await uow.repo(TicketRepository).list()
    async with deployment.contracts["alpha-2022"].db.uow(read_only=True) as uow:
        in_alpha = await uow.repo(TicketRepository).list()
    assert [t.text for t in in_beta] == ["乙机房打印机无法连接"] and in_alpha == []
    [listed] = await two.chat.send(BETA_CONTACT, "/tickets")
    assert "乙机房打印机无法连接" in listed.text


async def test_a_group_bound_to_one_contract_refuses_another(two: Harness) -> None:
    await two.chat.send(LEAD, "/bindgroup beta-2022", chat_id=GROUP)
    refused = texts(await two.chat.send(LEAD, "/bindgroup alpha-2022", chat_id=GROUP))
    assert "已绑定到项目「乙项目」" in refused
    other = texts(await two.chat.send(LEAD, "/bindgroup alpha-2022", chat_id=OTHER_GROUP))
    assert "「甲项目」的项目群" in other and "已绑定到项目「" not in other


async def test_a_reminder_to_someone_on_both_names_each_contract(two: Harness) -> None:
    two.clock.advance(timedelta(minutes=20))  # 09:20: past the 09:15 check-in reminder, nobody checked in
    before = len(two.to(LEAD))
    await two.run_timers()
    reminders = two.to(LEAD)[before:]
    firsts = sorted(m.text.split("\n", 1)[0] for m in reminders)
    assert "【甲项目】" in firsts and "【乙项目】" in firsts
    assert all(m.text.split("\n", 1)[0] in ("【甲项目】", "【乙项目】") for m in reminders)
    only_beta = [m.text for m in two.to(BETA_ENGINEER)]
    assert only_beta and all(text.startswith("【乙项目】") for text in only_beta)


async def test_scores_shows_both_side_by_side_with_different_scores(two: Harness) -> None:
    await two.chat.send(BETA_CONTACT, "/deduct 出勤 20 2022-10-10 未按时到岗")
    [manager_view] = await two.chat.send(MANAGER, "/scores")
    lines = manager_view.text.splitlines()
    alpha = next(line for line in lines if "alpha-2022" in line)
    beta = next(line for line in lines if "beta-2022" in line)
    assert "甲项目" in alpha and "100.00" in alpha and "A 档" in alpha
    assert "乙项目" in beta and "80.00" in beta and "B 档" in beta and "90%" in beta
    [admin_view] = await two.chat.send(ADMIN, "/scores")
    assert "alpha-2022" in admin_view.text and "beta-2022" in admin_view.text
    [score] = await two.chat.send(BETA_CONTACT, "/score")
    assert score.text.startswith("【乙项目】") and "80" in score.text


async def test_scores_is_refused_to_non_admins_and_strangers(two: Harness) -> None:
    [engineer] = await two.chat.send(ENGINEER, "/scores")
    assert "scores" in engineer.text and "alpha-2022" not in engineer.text
    [stranger] = await two.chat.send(STRANGER, "/scores")
    assert "不在本项目的人员名单中" in stranger.text


async def test_a_stranger_to_both_contracts_is_refused(two: Harness) -> None:
    [answer] = await two.chat.send(STRANGER, "/start")
    assert "不在本项目的人员名单中" in answer.text
    [text] = await two.chat.send(STRANGER, "签到")
    assert "不在本项目的人员名单中" in text.text
    [alpha_only] = await two.chat.send(CLIENT_CONTACT, "/start")
    assert "甲项目" in alpha_only.text


async def test_a_redelivered_update_applies_once_whichever_contract_is_current(two: Harness) -> None:
    payload = two.chat.factory.message(LEAD, "签到", sent_at=two.clock.now())
    [first] = await two.chat._process(payload)
    assert first.text.startswith("【甲项目】") and "签到成功" in first.text
    await two.chat.send(LEAD, "/project beta-2022")
    again = await two.chat._process(payload)  # Telegram delivers the same update again
    assert not any("签到成功" in m.text for m in again)
    [in_beta] = await two.chat.send(LEAD, "签到")  # so beta never got the first one
    assert "签到成功" in in_beta.text and in_beta.text.startswith("【乙项目】")


async def test_a_notification_button_acts_in_the_contract_that_sent_it(two: Harness) -> None:
    await two.chat.send(LEAD, "/project beta-2022")  # his private chat now serves beta
    await two.chat.send(CLIENT_CONTACT, "/urgent 甲机房社保卡系统无法登录")  # alpha's client contact
    [ping] = [m for m in two.to(LEAD) if "紧急请求 #" in m.text and "甲机房" in m.text]
    assert ping.text.startswith("【甲项目】")
    [ack] = await two.chat.press(LEAD, ping, "收到")
    assert ack.text.startswith("【甲项目】") and "已确认收到紧急请求" in ack.text
    [current] = await two.chat.send(LEAD, "/project")
    assert "✅ beta-2022" in current.text  # pressing alpha's button did not switch his project


async def test_a_redelivery_to_the_first_contract_of_an_update_applied_in_another_is_skipped(two: Harness) -> None:
    await two.chat.send(LEAD, "/project beta-2022")
    payload = two.chat.factory.message(LEAD, "签到", sent_at=two.clock.now())
    [first] = await two.chat._process(payload)
    assert first.text.startswith("【乙项目】") and "签到成功" in first.text
    await two.chat.send(LEAD, "/project alpha-2022")
    again = await two.chat._process(payload)
    assert not any("签到成功" in m.text for m in again)
    [in_alpha] = await two.chat.send(LEAD, "签到")
    assert "签到成功" in in_alpha.text and in_alpha.text.startswith("【甲项目】")
