"""One database, a view per contract (issue 18): each contract sees its own rows and its own roster, and the
deployment records processed updates once."""

from __future__ import annotations

from typing import Any

from bot.services import access
from bot.services.clock import FakeClock
from bot.services.container import DEPLOYMENT_SCOPE, open_deployment
from config.settings import Settings, compose_deployment, settings_from_dict
from storage.reliability import ReliabilityRepository
from tests.conftest import LEAD


def two_contracts(settings: Settings, config_dict: dict[str, Any]) -> Settings:
    other = {**config_dict, "contract": {**config_dict["contract"], "id": "other-2022", "title": "另一个项目"},
             "storage": {"db": str(settings.storage.db)},
             "roster": [{"name": "林海（另一项目）", "telegram_id": LEAD, "roles": ["engineer"]}]}
    return compose_deployment([settings, settings_from_dict(other, apply_env=False)])[0]


async def test_each_contract_sees_its_own_roster_on_one_database(settings: Settings, config_dict: dict[str, Any],
                                                                 clock: FakeClock) -> None:
    both = two_contracts(settings, config_dict)
    async with open_deployment(both, clock) as deployment:
        first, second = deployment.all()
        assert first.db.conn is second.db.conn and first.db.pool is second.db.pool
        lead_here = await access.identify(first, LEAD)
        lead_there = await access.identify(second, LEAD)
        assert lead_here is not None and lead_there is not None
        assert (lead_here.name, lead_there.name) == ("林海", "林海（另一项目）")
        assert "lead" in {r.value for r in lead_here.roles} and {r.value for r in lead_there.roles} == {"engineer"}
        await second.db.close()  # a view's close leaves the database open for the others
        assert await access.identify(first, LEAD) is not None


async def test_an_update_recorded_in_one_contract_counts_in_every_one(settings: Settings,
                                                                      config_dict: dict[str, Any],
                                                                      clock: FakeClock) -> None:
    both = two_contracts(settings, config_dict)
    async with open_deployment(both, clock) as deployment:
        first, second = deployment.all()
        async with second.db.uow() as uow:
            await uow.repo(ReliabilityRepository).mark_processed(77, "digest", clock.now())
            await uow.commit()
        async with first.db.uow(read_only=True) as uow:
            assert await uow.repo(ReliabilityRepository).is_processed(77, "digest")
        assert first.db.update_scope == second.db.update_scope == DEPLOYMENT_SCOPE
