"""A DingTalk deployment of two contracts, each with its own DingTalk group (`[contract] dingtalk_group`): a group
message goes to the contract whose group it is, and each contract's group announcements go to its own group only.

The deployment is test_many_contracts.py's (甲项目 alpha, 乙项目 beta; 林海 the lead and 吴管理 the admin on both),
run on DingTalk only through the offline fake DingTalk; everyone's staff id is `0<telegram id>`.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.offline.fake_dingtalk import CLIENT_ID, CLIENT_SECRET, ROBOT_CODE, FakeDingTalk
from bot.services.clock import FakeClock
from bot.services.container import Services
from bot.state import app_state
from config.sample import write_toml
from config.settings import Settings, load_settings
from storage.tickets import TicketRepository
from storage.urgent import UrgentRepository
from tests.conftest import ADMIN, CLIENT_CONTACT, LEAD, SUPERVISOR
from tests.e2e.platforms import DingTalkSide, dingtalk_side, side_for, staff
from tests.e2e.test_many_contracts import BETA_CONTACT, write_deployment

GROUP_A = "cidALPHAgroup0000001=="
GROUP_B = "cidBETAgroup00000002=="
UNKNOWN_GROUP = "cidSOMEotherGroup0003=="


def _edit(path: Path, change: Any) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    change(raw)
    write_toml(raw, path)


def write_dingtalk_deployment(folder: Path, db: str, fake: FakeDingTalk) -> Path:
    """The two-contract deployment on DingTalk: alpha names GROUP_A, beta GROUP_B."""
    write_deployment(folder, db)
    _edit(folder / "deployment.toml", lambda raw: raw.update(dingtalk={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "robot_code": ROBOT_CODE, "platforms": ["dingtalk"],
        "openapi_endpoint": fake.url}))
    for name, group in (("alpha.toml", GROUP_A), ("beta.toml", GROUP_B)):
        def change(raw: dict[str, Any], group: str = group) -> None:
            raw["contract"]["dingtalk_group"] = group
            for person in raw["roster"]:
                person["dingtalk_id"] = staff(person["telegram_id"])
        _edit(folder / "contracts" / name, change)
    return folder


@pytest.fixture
async def ding(tmp_path: Path, clock: FakeClock, postgres_url: str | None) -> AsyncIterator[DingTalkSide]:
    def settings_for(fake: FakeDingTalk) -> Settings:
        db = postgres_url or str(tmp_path / "ding.db")
        return load_settings(write_dingtalk_deployment(tmp_path / "config", db, fake), apply_env=False)

    async with dingtalk_side(clock, settings_for) as side:
        yield side


def contract(ding: DingTalkSide, contract_id: str) -> Services:
    deployment = app_state(ding.app).deployment
    assert deployment is not None
    return deployment.contracts[contract_id]


async def send_in(ding: DingTalkSide, who: int, text: str, group: str | None) -> list[str]:
    """`who` writes `text` in `group` (@-mentioning the robot), or privately; what the bot sent, as text."""
    before = len(ding.fake.sent)
    await ding.deliver(await ding.fake.push_message(staff(who), text, group=group,
                                                    created_at_ms=int(ding.clock.now().timestamp() * 1000)))
    return [m.text for m in ding.fake.sent[before:]]


def in_group(ding: DingTalkSide, group: str) -> list[str]:
    return [m.text for m in ding.fake.to(f"group:{group}")]


async def test_an_urgent_request_in_group_b_lands_in_b_and_its_news_stays_in_group_b(ding: DingTalkSide) -> None:
    # 林海 is on both contracts (alpha is his current one), but group B is beta's group
    await send_in(ding, LEAD, "/urgent 乙机房核心交换机宕机", GROUP_B)
    async with contract(ding, "beta-2022").db.uow(read_only=True) as uow:
        in_beta = await uow.repo(UrgentRepository).open_requests()
    async with contract(ding, "alpha-2022").db.uow(read_only=True) as uow:
        in_alpha = await uow.repo(UrgentRepository).open_requests()
    assert [r.text for r in in_beta] == ["乙机房核心交换机宕机"] and in_alpha == []
    # answered in group B, with beta's own 2-hour deadline (alpha's would be 10:00)
    [answer] = in_group(ding, GROUP_B)
    assert "紧急请求 #1" in answer and "2022-10-10 11:00" in answer
    assert in_group(ding, GROUP_A) == []


async def test_each_contracts_group_announcement_goes_to_its_own_group_only(ding: DingTalkSide) -> None:
    await send_in(ding, BETA_CONTACT, "/urgent 乙机房打印机冒烟", None)  # raised privately: the group is told
    [beta_news] = in_group(ding, GROUP_B)
    assert beta_news.startswith("【乙项目】\n🚨 紧急请求 #") and "乙机房打印机冒烟" in beta_news
    assert in_group(ding, GROUP_A) == []

    await send_in(ding, CLIENT_CONTACT, "/urgent 甲机房空调漏水", None)
    [alpha_news] = in_group(ding, GROUP_A)
    assert alpha_news.startswith("【甲项目】\n🚨 紧急请求 #") and "甲机房空调漏水" in alpha_news
    assert in_group(ding, GROUP_B) == [beta_news]


async def test_a_ticket_in_group_a_is_alphas_whoever_sends_it(ding: DingTalkSide) -> None:
    replies = await send_in(ding, LEAD, "/project beta-2022", None)  # his current contract is now beta
    assert any("乙项目" in text for text in replies)
    replies = await send_in(ding, LEAD, "/ticket 甲机房打印机无法连接", GROUP_A)
    assert any("已登记工单 #1" in text for text in replies)
    async with contract(ding, "alpha-2022").db.uow(read_only=True) as uow:
        in_alpha = await uow.repo(TicketRepository).list()
    async with contract(ding, "beta-2022").db.uow(read_only=True) as uow:
        in_beta = await uow.repo(TicketRepository).list()
    assert [t.text for t in in_alpha] == ["甲机房打印机无法连接"] and in_beta == []
    assert not any("甲机房打印机无法连接" in text for text in in_group(ding, GROUP_B))


async def test_an_unknown_group_is_logged_and_refused_politely(ding: DingTalkSide,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.transports.dingtalk.adapter"):
        replies = await send_in(ding, BETA_CONTACT, "/ticket 这是哪个项目", UNKNOWN_GROUP)
    assert any(UNKNOWN_GROUP in record.getMessage() for record in caplog.records)
    assert len(replies) == 1 and "本群还不是项目群" in replies[0] and "/ticket" in replies[0]
    for contract_id in ("alpha-2022", "beta-2022"):
        async with contract(ding, contract_id).db.uow(read_only=True) as uow:
            assert await uow.repo(TicketRepository).list() == []
    assert in_group(ding, GROUP_A) == [] and in_group(ding, GROUP_B) == []


async def test_a_single_file_urgent_raised_in_its_group_is_said_there_once(tmp_path: Path, clock: FakeClock) -> None:
    """One contract, `[dingtalk] group_conversation_id` as before: the raise is answered in the group, and the
    group's announcement is not sent there a second time."""
    async with side_for("dingtalk", tmp_path, clock) as side:
        await side.send(SUPERVISOR, "/urgent 统一经办门户打不开", group=True)
        said = [m.text for m in side.in_group() if "统一经办门户打不开" in m.text or "紧急请求 #1" in m.text]
        assert len(said) == 1 and not said[0].startswith("【"), said


async def test_bindgroup_in_a_dingtalk_group_says_the_config_line_instead_of_binding(ding: DingTalkSide) -> None:
    """DingTalk groups are configured: /bindgroup in another group gives the exact line to add (with that group's
    id) and binds nothing; in a contract's own group it says whose group it already is."""
    [answer] = await send_in(ding, ADMIN, "/bindgroup", UNKNOWN_GROUP)
    assert f'dingtalk_group = "{UNKNOWN_GROUP}"' in answer and "[contract]" in answer
    refused = await send_in(ding, BETA_CONTACT, "/ticket 这是哪个项目", UNKNOWN_GROUP)
    assert len(refused) == 1 and f'dingtalk_group = "{UNKNOWN_GROUP}"' in refused[0]  # still not a project group
    [answer] = await send_in(ding, ADMIN, "/bindgroup", GROUP_B)
    assert "乙项目" in answer and "无需绑定" in answer
