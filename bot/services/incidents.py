"""Security incidents: tell the client first and at once, then complete the report section by section.

Contract (网络和数据安全要求): report to the client's responsible person first, immediately; analyse cause and
impact; get the handling plan approved; afterwards file a report (discovery, cause, impact, handling,
improvements). `/incident <text>` queues the alert to the client's contact(s), the supervisors and the
vendor's lead in the same transaction as the record; the reporter is then asked for each missing section
(answer by replying to the question or with `/incident N <section> <text>`). A filled handling plan goes to
the client's contact/supervisors with approve/return buttons. Until the report is complete a reminder
goes out every `duties.incident_reminder_every`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.callback_data import Action
from bot.services.container import Services
from bot.services.domain.duties import INCIDENT_TEXT_SECTIONS, Incident, missing, next_question
from bot.services.domain.people import Person, Role, client_contacts, is_client_side, with_roles
from bot.services.errors import DomainError
from bot.services.staff import actor
from storage.duties import IncidentRepository
from storage.uow import UnitOfWork

SECTION_ALIASES = {
    "discovery": "discovery", "发现": "discovery", "发现经过": "discovery", "经过": "discovery",
    "cause": "cause", "原因": "cause", "原因分析": "cause",
    "impact": "impact", "影响": "impact", "影响范围": "impact",
    "handling": "handling", "plan": "handling", "处置": "handling", "处置方案": "handling", "处理": "handling",
    "处理方案": "handling",
    "improvements": "improvements", "improvement": "improvements", "改进": "improvements",
    "改进措施": "improvements", "整改": "improvements",
}
# Every question names the command that answers it ("/incident 3 原因 内容", "/incident 3 cause <text>"): a reply
# to that message fills that section (no raw tag in the text people read).
TAG_PATTERN = r"/incident (\d+) (\S+) "


def tag(incident_id: int, section: str) -> str:
    return f"#INC{incident_id}-{section}"


def section_of(word: str) -> str | None:
    return SECTION_ALIASES.get(word.strip().lower())


@dataclass(frozen=True)
class IncidentCommand:
    """What `/incident <text>` asks for: report | show | fill | section_usage."""

    action: str
    text: str = ""
    incident_id: int | None = None
    section: str | None = None


async def read_command(services: Services, text: str) -> IncidentCommand:
    """`/incident N` shows incident N; `/incident N <section> <text>` fills a section only when incident N
    exists and the word after the number is a section name. Anything else is a new report, so
    "/incident 2 台服务器疑似被入侵" alerts the client like any other report."""
    parts = text.split(maxsplit=2)
    number = parts[0].lstrip("#") if parts else ""
    if not number.isdigit():
        return IncidentCommand("report", text)
    incident_id = int(number)
    if len(parts) == 1:
        return IncidentCommand("show", text, incident_id)
    section = section_of(parts[1])
    if section is None:
        return IncidentCommand("report", text)
    async with services.db.uow() as uow:
        exists = await _repo(uow).get(incident_id) is not None
    if not exists:
        return IncidentCommand("report", text)
    if len(parts) < 3:
        return IncidentCommand("section_usage", text, incident_id, section)
    return IncidentCommand("fill", parts[2], incident_id, section)


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    reporter: str


def _repo(uow: UnitOfWork) -> IncidentRepository:
    return uow.repo(IncidentRepository)


async def _client_and_lead(uow: UnitOfWork) -> list[Person]:
    people = await uow.people.all(include_left=False)
    return [*client_contacts(people), *with_roles(people, Role.SUPERVISOR), *with_roles(people, Role.LEAD)]


async def report(services: Services, by: Person, summary: str) -> tuple[Incident, int]:
    """Record an incident and alert the client's contact, the supervisors and the lead at once.

    Returns the incident and how many people were alerted.
    """
    async with services.db.uow() as uow:
        incident_id = await _repo(uow).add(reporter_id=by.id, summary=summary, now=services.now())
        await uow.audit.append(at=services.now(), action="incident.report", entity="incident", entity_id=incident_id,
                               after={"summary": summary}, **actor(by))
        alerted = await services.notifier.to_people(
            uow, [p for p in await _client_and_lead(uow) if p.id != by.id], "incident.alert", kind="incident.alert",
            dedup=f"incident.alert:{incident_id}", id=incident_id, reporter=by.name, summary=summary,
            at=services.fmt(services.now()))
        incident = await _repo(uow).get(incident_id)
        services.poke_timers(uow)
        await uow.commit()
    assert incident is not None
    return incident, alerted


async def _get_open(uow: UnitOfWork, incident_id: int) -> Incident:
    incident = await _repo(uow).get(incident_id)
    if incident is None:
        raise DomainError("incident.unknown", id=incident_id)
    if incident.status != "open":
        raise DomainError("incident.closed", id=incident_id)
    return incident


async def _close_if_complete(services: Services, uow: UnitOfWork, incident_id: int, by: Person) -> Incident:
    """Close a complete report and send it to everyone concerned (the person who completed it is answered)."""
    incident = await _repo(uow).get(incident_id)
    assert incident is not None
    if missing(incident) or not await _repo(uow).close(incident_id, services.now()):
        return incident
    await uow.audit.append(at=services.now(), action="incident.close", entity="incident", entity_id=incident_id,
                           before={"status": "open"}, after={"status": "closed"}, **actor(None))
    reporter = await uow.people.by_id(incident.reporter_id)
    recipients = [*([reporter] if reporter else []), *await _client_and_lead(uow)]
    s = incident.sections
    others = [p for p in recipients if p.id != by.id]
    await services.notifier.to_people(uow, others, "incident.completed", kind="incident.completed",
                                      dedup=f"incident.completed:{incident_id}", id=incident_id,
                                      summary=incident.summary, discovery=s["discovery"], cause=s["cause"],
                                      impact=s["impact"], handling=s["handling"], improvements=s["improvements"])
    closed = await _repo(uow).get(incident_id)
    assert closed is not None
    return closed


async def fill_section(services: Services, by: Person, incident_id: int, section: str, text: str) -> Incident:
    """Write one section of the report (the reporter, a lead or an admin); a new plan goes for approval."""
    if section not in INCIDENT_TEXT_SECTIONS:
        raise DomainError("incident.bad_section", section=section)
    async with services.db.uow() as uow:
        incident = await _get_open(uow, incident_id)
        if incident.reporter_id != by.id and not by.has(Role.LEAD, Role.ADMIN):
            raise DomainError("incident.not_yours", id=incident_id)
        await _repo(uow).set_section(incident_id, section, text)
        audit_id = await uow.audit.append(at=services.now(), action="incident.section", entity="incident",
                                          entity_id=incident_id,
                                          before={section: incident.sections[section]}, after={section: text},
                                          **actor(by))
        if section == "handling":
            await _repo(uow).set_approval(incident_id, "requested",
                                          expected=("none", "requested", "returned", "approved"))
            people = await uow.people.all(include_left=False)
            approvers = [p for p in [*client_contacts(people), *with_roles(people, Role.SUPERVISOR)]
                         if p.id != incident.reporter_id]  # nobody approves their own report's plan
            buttons = [[("incident.btn_approve", Action("duty", "inc_ok", incident_id)),
                        ("incident.btn_return", Action("duty", "inc_no", incident_id))]]
            await services.notifier.to_people(uow, approvers, "incident.plan_request", kind="incident.approval",
                                              buttons=buttons,
                                              dedup=f"incident.plan:{incident_id}:{audit_id}",
                                              id=incident_id, summary=incident.summary, plan=text, reporter=by.name)
        updated = await _close_if_complete(services, uow, incident_id, by)
        await uow.commit()
    return updated


async def decide_plan(services: Services, by: Person, incident_id: int, approve: bool) -> Incident:
    """The client's contact or a supervisor approves the handling plan, or returns it for revision."""
    if not is_client_side(by):
        raise DomainError("incident.client_only")
    async with services.db.uow() as uow:
        incident = await _get_open(uow, incident_id)
        if incident.reporter_id == by.id:  # nobody approves their own request
            raise DomainError("access.own_request")
        state = "approved" if approve else "returned"
        if not await _repo(uow).set_approval(incident_id, state, expected=("requested",), by=by.telegram_id,
                                             at=services.now()):
            raise DomainError("incident.no_plan_pending", id=incident_id)
        audit_id = await uow.audit.append(at=services.now(), action=f"incident.plan_{state}", entity="incident",
                                          entity_id=incident_id, before={"approval": incident.approval},
                                          after={"approval": state, "plan": incident.sections["handling"]},
                                          **actor(by))
        reporter = await uow.people.by_id(incident.reporter_id)
        leads = with_roles(await uow.people.all(include_left=False), Role.LEAD)
        await services.notifier.to_people(uow, [*([reporter] if reporter else []), *leads],
                                          f"incident.plan_{state}", kind="incident.approval",
                                          dedup=f"incident.decision:{incident_id}:{audit_id}",
                                          id=incident_id, by=by.name, tag=tag(incident_id, "handling"))
        updated = await _close_if_complete(services, uow, incident_id, by)
        await uow.commit()
    return updated


async def get(services: Services, incident_id: int) -> Incident:
    async with services.db.uow() as uow:
        incident = await _repo(uow).get(incident_id)
    if incident is None:
        raise DomainError("incident.unknown", id=incident_id)
    return incident


async def list_incidents(services: Services, limit: int = 100_000) -> list[IncidentView]:
    """Every incident, oldest first (a long list is paged by the bot, bot/pager.py)."""
    async with services.db.uow() as uow:
        names = {p.id: p.name for p in await uow.people.all()}
        return [IncidentView(i, names.get(i.reporter_id, "?")) for i in await _repo(uow).list(limit=limit)]


# -- the reminder timer --------------------------------------------------------------------------------------
def _reminder_due(services: Services, incident: Incident) -> datetime:
    return (incident.last_reminded_at or incident.created_at) + services.settings.duties.incident_reminder_every


async def next_reminder_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow() as uow:
        incidents = await _repo(uow).list(only_open=True, limit=1000)
    return min((_reminder_due(services, i) for i in incidents), default=None)


async def remind_open(services: Services, now: datetime) -> int:
    """Remind the reporter of the next missing section, or the approvers of a plan still waiting."""
    sent = 0
    async with services.db.uow() as uow:
        repo = _repo(uow)
        for incident in await repo.list(only_open=True, limit=1000):
            if _reminder_due(services, incident) > now:
                continue
            if not await repo.claim_reminder(incident.id, previous=incident.last_reminded_at, at=now):
                continue
            section = next_question(incident)
            if section is not None:
                reporter = await uow.people.by_id(incident.reporter_id)
                recipients = [reporter] if reporter and reporter.status != "left" else \
                    with_roles(await uow.people.all(include_left=False), Role.LEAD)
                await services.notifier.to_people(uow, recipients, f"incident.remind.{section}",
                                                  kind="incident.reminder", id=incident.id,
                                                  summary=incident.summary, tag=tag(incident.id, section))
            else:
                people = await uow.people.all(include_left=False)
                buttons = [[("incident.btn_approve", Action("duty", "inc_ok", incident.id)),
                            ("incident.btn_return", Action("duty", "inc_no", incident.id))]]
                await services.notifier.to_people(uow, [*client_contacts(people),
                                                        *with_roles(people, Role.SUPERVISOR)],
                                                  "incident.plan_request", kind="incident.reminder", buttons=buttons,
                                                  id=incident.id, summary=incident.summary,
                                                  plan=incident.sections["handling"] or "—", reporter="—")
            sent += 1
        await uow.commit()
    return sent
