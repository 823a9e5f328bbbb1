"""Many contracts in one deployment (issue 18, item 3): which contract an update belongs to, /project, /scores.

- A group chat belongs to the contract it is bound to (/bindgroup); a group never bound belongs to the sender's
  current contract (so /bindgroup there can bind it).
- A DingTalk group is configured, not bound: it belongs to the contract whose group the config says it is
  (`[contract] dingtalk_group`, else the deployment's `[dingtalk] group_conversation_id`); a group several contracts
  share (none names its own) or no contract's goes as a group never bound.
- A private chat belongs to the sender's current contract: the only one they are on, or the one they chose with
  /project (kept in `contract_choices`, migration 025), else the first of theirs in the deployment's order.
- A button on a notification acts in the contract whose outbox sent that message.
- Anyone on no contract is answered by the first contract (today's refusal for strangers).
Managers (`[[managers]]` in deployment.toml) see every contract's score with /scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.services.access import SenderIdentity
from bot.services.container import Deployment, Services
from bot.services.domain.people import Person, Role
from bot.services.errors import DomainError
from storage.contracts import DeploymentRepository


def person_key(sender: SenderIdentity) -> str:
    """How a person is named in `contract_choices`: their platform and their id there."""
    return f"{sender.platform}:{sender.external_id}"


async def contracts_of(deployment: Deployment, sender: SenderIdentity) -> list[Services]:
    """The contracts the sender is on (people who left do not count), in the deployment's order."""
    ids = list(deployment.contracts)
    async with deployment.primary.db.uow(read_only=True) as uow:
        found = set(await uow.repo(DeploymentRepository).contracts_of_person(ids, sender.platform,
                                                                             sender.external_id))
    return [svc for cid, svc in deployment.contracts.items() if cid in found]


async def current_contract(deployment: Deployment, sender: SenderIdentity) -> Services | None:
    """The contract the sender's private chat belongs to, or None when they are on no contract."""
    if not await contracts_of(deployment, sender):
        return None
    return (await route(deployment, sender, "", True)).services


async def bound_contract(deployment: Deployment, chat_id: int | str) -> Services | None:
    """The contract a group is bound to, or None."""
    async with deployment.primary.db.uow(read_only=True) as uow:
        found = await uow.repo(DeploymentRepository).contract_of_group(list(deployment.contracts), chat_id)
    return deployment.contracts.get(found) if found else None


def dingtalk_group_contract(deployment: Deployment, conversation_id: str) -> Services | None:
    """The contract whose configured DingTalk group this is; None when it is no contract's, or the default group
    several contracts share."""
    owners = [svc for svc in deployment.all() if svc.settings.dingtalk_group_id == conversation_id]
    return owners[0] if len(owners) == 1 else None


@dataclass(frozen=True)
class Route:
    """Where an update goes: its contract, and whether the sender's private chat serves several of theirs (then
    replies there name the contract)."""

    services: Services
    named: bool = False


async def route(deployment: Deployment, sender: SenderIdentity, chat_id: int | str, private: bool, *,
                pressed: int | None = None) -> Route:
    """The contract an update belongs to (see the module's docstring). `pressed`: the message a pressed button
    sits on; a notification's buttons act in the contract that sent it."""
    if not deployment.several:
        return Route(deployment.primary)
    if pressed is not None:
        async with deployment.primary.db.uow(read_only=True) as uow:
            sender_of = await uow.repo(DeploymentRepository).contract_of_message(list(deployment.contracts),
                                                                                 chat_id, pressed)
        if sender_of is not None:
            return Route(deployment.contracts[sender_of], named=private)
    if not private:
        if isinstance(chat_id, str):  # a DingTalk conversation: its contract is in the config
            configured = dingtalk_group_contract(deployment, chat_id)
            if configured is not None:
                return Route(configured)
        bound = await bound_contract(deployment, chat_id)
        if bound is not None:
            return Route(bound)
    theirs = await contracts_of(deployment, sender)
    if len(theirs) <= 1:
        return Route(theirs[0] if theirs else deployment.primary)
    async with deployment.primary.db.uow(read_only=True) as uow:
        chosen = await uow.repo(DeploymentRepository).chosen([s.contract_id for s in theirs], person_key(sender))
    return Route(next((svc for svc in theirs if svc.contract_id == chosen), theirs[0]), named=private)


@dataclass(frozen=True)
class ContractChoice:
    """One line of /project: a contract the person is on, and whether it is their current one."""

    contract_id: str
    title: str
    current: bool


async def choices(deployment: Deployment, sender: SenderIdentity) -> list[ContractChoice]:
    current = await current_contract(deployment, sender)
    return [ContractChoice(svc.contract_id, svc.settings.contract.title, current is svc)
            for svc in await contracts_of(deployment, sender)]


async def one_of_theirs(deployment: Deployment, sender: SenderIdentity, contract_id: str,
                        refusal: str = "project.unknown") -> Services:
    """The contract `contract_id` (any case) among the sender's; else DomainError(`refusal`) listing theirs."""
    theirs = await contracts_of(deployment, sender)
    wanted = contract_id.strip()
    found = next((svc for svc in theirs if svc.contract_id.lower() == wanted.lower()), None)
    if found is None:
        raise DomainError(refusal, id=wanted, ids="、".join(s.contract_id for s in theirs) or "—",
                          example=theirs[0].contract_id if theirs else "cz-2022")
    return found


async def choose(deployment: Deployment, sender: SenderIdentity, person: Person, contract_id: str) -> Services:
    """Make `contract_id` the sender's current contract (audited in the contract chosen); a contract they are
    not on is refused with the list of theirs."""
    found = await one_of_theirs(deployment, sender, contract_id)
    async with found.db.uow() as uow:
        await uow.repo(DeploymentRepository).choose(person_key(sender), found.contract_id, found.now())
        await uow.audit.append(at=found.now(), action="project.chosen", entity="contract",
                               entity_id=found.contract_id, actor=person, after={"contract": found.contract_id})
        await uow.commit()
    return found


def is_manager(deployment: Deployment, sender: SenderIdentity) -> bool:
    """A deployment manager (`[[managers]]`): may see every contract's score."""
    for manager in deployment.managers:
        if sender.platform == "telegram" and manager.telegram_id is not None \
                and str(manager.telegram_id) == sender.external_id:
            return True
        if sender.platform == "dingtalk" and manager.dingtalk_id == sender.external_id:
            return True
    return False


async def visible_contracts(deployment: Deployment, sender: SenderIdentity) -> list[Services]:
    """What /scores shows the sender: every contract to a manager; to an admin the contracts they are admin on."""
    if is_manager(deployment, sender):
        return deployment.all()
    from bot.services.access import identify_sender

    shown = []
    for svc in await contracts_of(deployment, sender):
        person = await identify_sender(svc, sender)
        if person is not None and Role.ADMIN in person.roles:
            shown.append(svc)
    return shown


@dataclass(frozen=True)
class ContractScore:
    """One row of /scores: a contract's running score over its service period so far."""

    contract_id: str
    title: str
    total: Decimal
    shown_total: str  # as /score shows it (more places only where two would contradict the tier)
    tier: str
    payment_ratio: Decimal
    tracked: bool  # False: the bot has not kept this contract's record yet (no score to show)


async def running_scores(contracts: list[Services]) -> list[ContractScore]:
    """Every contract's running score, tier and payment ratio (the same numbers as its /score)."""
    from bot.services import scoring
    from bot.services.tracking import tracking_start

    rows = []
    for svc in contracts:
        period = scoring.resolve_period(svc, None)
        title = svc.settings.contract.title
        if await tracking_start(svc) > period.end:
            rows.append(ContractScore(svc.contract_id, title, Decimal(0), "—", "—", Decimal(0), False))
            continue
        assessment = await scoring.compute_assessment(svc, period, losses=False)
        rows.append(ContractScore(svc.contract_id, title, assessment.total, assessment.shown_total,
                                  assessment.tier.label, assessment.payment_ratio, True))
    return rows
