"""On-call: rota shifts, holiday duty plans and swaps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.services.domain.people import Person, Role


@dataclass(frozen=True)
class Shift:
    day: date
    person_id: int
    source: str
    plan_id: int | None
    starts_at: datetime | None = None  # a shift with times covers only [starts_at, ends_at) of its duty day
    ends_at: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        """True unless the shift has times and `moment` is outside them."""
        if self.starts_at is None or self.ends_at is None:
            return True
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class DutyPlan:
    id: int
    name: str
    name_en: str
    first_day: date
    last_day: date
    status: str
    proposed_at: datetime
    approved_at: datetime | None
    approved_by: int | None
    days: dict[date, int]  # day -> person id


@dataclass(frozen=True)
class Swap:
    id: int
    day: date
    from_person: int
    to_person: int
    status: str
    requested_at: datetime
    peer_ok_at: datetime | None
    decided_at: datetime | None
    decided_by: int | None


# -- people on duty and holiday duty plans -------------------------------------------------------------
def engineers_on(people: Iterable[Person], day: date) -> list[Person]:
    """Engineers (engineer or lead) on the project that day."""
    return [p for p in people if p.is_engineer and p.status != "left" and p.assigned_on(day)]


def leads_of(people: Iterable[Person]) -> list[Person]:
    return [p for p in people if Role.LEAD in p.roles and p.status != "left"]


def balance_plan(days: list[date], engineers: list[Person], prior: Counter[int],
                 unavailable: Collection[tuple[int, date]] = ()) -> dict[date, int]:
    """Assign each day to the available engineer with the fewest duty days so far (earlier holidays
    included); ties go to whoever did not have the previous day, then roster order. With everyone
    available, the totals never differ by more than one."""
    counts: Counter[int] = Counter({p.id: prior.get(p.id, 0) for p in engineers})
    order = {p.id: i for i, p in enumerate(engineers)}
    plan: dict[date, int] = {}
    previous: int | None = None
    for day in days:
        candidates = [p.id for p in engineers if (p.id, day) not in unavailable] or [p.id for p in engineers]
        if not candidates:
            continue
        chosen = min(candidates, key=lambda pid: (counts[pid], pid == previous, order[pid]))
        plan[day] = chosen
        counts[chosen] += 1
        previous = chosen
    return plan


def could_cover(engineers: Iterable[Person], absent_id: int, busy: Collection[int],
                prior: Counter[int]) -> list[Person]:
    """Who could take a duty day the person `absent_id` cannot keep (leave): the other engineers not on leave
    and not already on duty that day (`busy`), fewest duty days first (`prior`), then roster order."""
    free = [p for p in engineers if p.id != absent_id and p.id not in busy]
    return sorted(free, key=lambda p: prior.get(p.id, 0))
