"""Onboarding papers (网络和数据安全要求): who still owes what, reminders before, alerts after.

Each engineer (lead included) owes, counted from their start date on the project:
- the confidentiality commitment (安全保密承诺书) within `confidentiality_working_days` (15) working days;
- the no-criminal-record certificate (无犯罪记录证明) within `certificate_working_days` (15) working days;
- a security training (安全培训) within `training_working_days`, then again every `training_every_days`.
A reminder goes to the engineer and the lead `reminder_workdays` working days before a due date; the day
after a missed due date the contacts and the lead are alerted. Deadlines that had passed before tracking
began (`duties.papers_since`, default: the day the bot first looked) are shown in /compliance but not nagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.services.container import Services
from bot.services.domain.audit import AuditEntry
from bot.services.domain.duties import PaperRecord
from bot.services.domain.people import Person, Role, with_roles
from bot.services.errors import BadInput, DomainError
from bot.services.staff import actor, find_person, moment_on, tracking_since
from bot.services.timeparse import PERIOD_EXAMPLES, parse_period
from storage.duties import AuditQueryRepository, DutyMarksRepository, PapersRepository
from storage.uow import UnitOfWork

PAPER_KINDS = ("confidentiality", "no_criminal_record", "training")
PAPER_ALIASES = {
    "confidentiality": "confidentiality", "保密承诺": "confidentiality", "保密承诺书": "confidentiality",
    "安全保密承诺书": "confidentiality", "保密": "confidentiality",
    "no_criminal_record": "no_criminal_record", "无犯罪记录": "no_criminal_record",
    "无犯罪记录证明": "no_criminal_record", "无犯罪": "no_criminal_record", "certificate": "no_criminal_record",
    "training": "training", "安全培训": "training", "培训": "training",
}


@dataclass(frozen=True)
class Obligation:
    """One paper one engineer owes: `received` is the latest receipt, `due` the next deadline (None: nothing due)."""

    person: Person
    kind: str
    start: date
    due: date | None
    received: date | None

    def state(self, today: date) -> str:
        """done (nothing owed now) | pending (owed, not late) | overdue."""
        if self.due is None:
            return "done"
        if today > self.due:
            return "overdue"
        return "done" if self.received else "pending"  # a training held, the next one not due yet


def paper_kind(text: str) -> str:
    kind = PAPER_ALIASES.get(text.strip().lower())
    if kind is None:
        raise BadInput("papers.bad_kind", text=text)
    return kind


def obligations(services: Services, people: list[Person], records: list[PaperRecord]) -> list[Obligation]:
    """Every paper of every engineer on the project, in roster order."""
    cfg = services.settings.duties
    cal = services.calendar
    result = []
    for person in people:
        if not person.is_engineer or person.status == "left":
            continue
        start = person.start_date or services.settings.contract.start
        mine = [r for r in records if r.person_id == person.id]
        for kind, days in (("confidentiality", cfg.confidentiality_working_days),
                           ("no_criminal_record", cfg.certificate_working_days)):
            got = [r.received_on for r in mine if r.kind == kind]
            received = max(got) if got else None
            result.append(Obligation(person, kind, start, None if received else cal.add_workdays(start, days),
                                     received))
        trainings = [r.received_on for r in mine if r.kind == "training"]
        last = max(trainings) if trainings else None
        if last is None:
            due: date | None = cal.add_workdays(start, cfg.training_working_days)
        else:
            due = last + timedelta(days=cfg.training_every_days) if cfg.training_every_days else None
        result.append(Obligation(person, "training", start, due, last))
    return result


def _papers(uow: UnitOfWork) -> PapersRepository:
    return uow.repo(PapersRepository)


async def compliance_status(services: Services) -> list[Obligation]:
    async with services.db.uow() as uow:
        return obligations(services, await uow.people.all(include_left=False), await _papers(uow).all())


async def record_paper(services: Services, by: Person, name: str, kind: str, received_on: date) -> Obligation:
    """Record that a paper was received (or a training held); returns the engineer's updated obligation.

    The day must lie between the engineer's start on the project (never before the contract's start) and
    today: a future day ("明天", "下周一", "2022-12-01" said in October) is refused, never moved a year back.
    """
    if received_on > services.today():
        raise DomainError("papers.future_date", date=received_on.isoformat())
    async with services.db.uow() as uow:
        person = await find_person(uow, name)
        if not person.is_engineer or person.status == "left":
            raise DomainError("staff.not_an_engineer", name=person.name)
        contract_start = services.settings.contract.start
        earliest = max(person.start_date or contract_start, contract_start)
        if received_on < earliest:
            raise DomainError("papers.before_start", date=received_on.isoformat(), name=person.name,
                              start=earliest.isoformat())
        added = await _papers(uow).add(person_id=person.id, kind=kind, received_on=received_on, by=by.telegram_id,
                                       now=services.now())
        if not added:
            raise DomainError("papers.already_recorded", name=person.name, date=received_on.isoformat())
        await uow.audit.append(at=services.now(), action="papers.record", entity="person", entity_id=person.id,
                               after={"kind": kind, "received_on": received_on.isoformat(), "name": person.name},
                               **actor(by))
        updated = [o for o in obligations(services, [person], await _papers(uow).all()) if o.kind == kind]
        services.poke_timers(uow)
        await uow.commit()
    return updated[0]


# -- the reminder timer --------------------------------------------------------------------------------------
def _moments(services: Services, ob: Obligation) -> list[tuple[str, datetime]]:
    """(mark key, when) of the reminder before and the alert after this obligation's due date."""
    assert ob.due is not None
    cal = services.calendar
    remind_day = cal.add_workdays(ob.due, -services.settings.duties.reminder_workdays) \
        if services.settings.duties.reminder_workdays else ob.due
    base = f"papers:{ob.person.id}:{ob.kind}:{ob.due.isoformat()}"
    return [(f"{base}:remind", moment_on(services, remind_day)),
            (f"{base}:overdue", moment_on(services, cal.next_workday(ob.due)))]


async def _tracked(services: Services, uow: UnitOfWork, now: datetime) -> tuple[list[Obligation], set[str]]:
    since = services.settings.duties.papers_since or await tracking_since(uow, "papers", now, services.tz)
    obs = [o for o in obligations(services, await uow.people.all(include_left=False), await _papers(uow).all())
           if o.due is not None and o.due >= since]
    marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
    return obs, await marks.keys("papers:")


async def next_papers_due(services: Services, now: datetime) -> datetime | None:
    async with services.db.uow() as uow:
        obs, done = await _tracked(services, uow, now)
        await uow.commit()
    pending = [when for ob in obs for key, when in _moments(services, ob) if key not in done]
    return min(pending, default=None)


async def remind_papers(services: Services, now: datetime) -> int:
    """Send every reminder and overdue alert that is due; each one once."""
    sent = 0
    async with services.db.uow() as uow:
        obs, done = await _tracked(services, uow, now)
        marks: DutyMarksRepository = uow.repo(DutyMarksRepository)
        people = await uow.people.all(include_left=False)
        leads = with_roles(people, Role.LEAD)
        for ob in obs:
            assert ob.due is not None
            remind, overdue = _moments(services, ob)
            params: dict[str, Any] = {"name": ob.person.name, "paper": ob.kind, "due": ob.due.isoformat()}
            if overdue[0] not in done and overdue[1] <= now and await marks.claim(overdue[0], now):
                await marks.claim(remind[0], now)  # too late for the reminder
                await services.notifier.to_people(uow, [*leads, *with_roles(people, Role.CONTACT)],
                                                  f"papers.overdue.{ob.kind}", kind="papers.overdue",
                                                  dedup=overdue[0], **params)
                sent += 1
            elif remind[0] not in done and remind[1] <= now < overdue[1] and await marks.claim(remind[0], now):
                await services.notifier.to_people(uow, [ob.person, *leads], f"papers.reminder.{ob.kind}",
                                                  kind="papers.reminder", dedup=remind[0], **params)
                sent += 1
        await uow.commit()
    return sent


# -- reading the audit trail (least privilege: admins and contacts) ------------------------------------------
@dataclass(frozen=True)
class AuditPage:
    first: date
    last: date
    person: Person | None
    total: int
    entries: list[AuditEntry]


async def read_audit(services: Services, text: str) -> AuditPage:
    """`[period] [person]`: the newest `duties.audit_limit` rows of the period (default: the last 7 days)."""
    words = text.split()
    async with services.db.uow() as uow:
        person = await uow.people.by_name(words[-1]) if words else None
        if person is not None:
            words = words[:-1]
        period_text = " ".join(words)
        if period_text:
            period = parse_period(period_text, services.local_now(), calendar=services.calendar)
            if period is None:
                raise DomainError("error.bad_period", text=period_text, examples="、".join(PERIOD_EXAMPLES))
        else:
            period = (services.today() - timedelta(days=6), services.today())
        first, last = period
        start = datetime.combine(first, datetime.min.time(), tzinfo=services.tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=services.tz)
        reader: AuditQueryRepository = uow.repo(AuditQueryRepository)
        total, entries = await reader.recent(start=start, end=end,
                                             actor_telegram_id=person.telegram_id if person else None,
                                             limit=services.settings.duties.audit_limit)
    return AuditPage(first, last, person, total, entries)
