"""The services one deployment shares: settings, database, clock, calendar, notifier, timer pokes.

`open_services(settings, clock)` is the one way to start them (the bot, the CLI, the console, the tests and
the benchmarks all use it): open and migrate the database, seed the roster, build the services, close the
database on the way out. They are handed to every service call, and never changed once built: the one
clock is `services.clock`; the scheduler subscribes to `services.timer_pokes` instead of being plugged in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.services import action_time
from bot.services.calendar import WorkCalendar
from bot.services.clock import Clock, SystemClock
from bot.services.notify import Notifier
from config.settings import ManagerSettings, Settings
from storage.db import Database, open_database
from storage.uow import UnitOfWork


class TimerPokes:
    """"A change may have moved a deadline": the signal services raise (through `Services.poke_timers(uow)`, after
    the commit) and the scheduler (bot/scheduling.py) subscribes to, so nothing is plugged in after start-up."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[], None]] = []

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` on every poke; returns the function that unsubscribes it."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def poke(self) -> None:
        for callback in list(self._subscribers):
            callback()


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    clock: Clock
    calendar: WorkCalendar
    started_at: datetime
    timer_pokes: TimerPokes = field(default_factory=TimerPokes)
    # The contract's title when the deployment serves several (issue 18): notifications, /score and reports name
    # it. None in a one-contract deployment, which looks exactly as before.
    heading: str | None = None

    @cached_property
    def notifier(self) -> Notifier:
        """Queues in the caller's unit of work; reads the time from this one clock."""
        settings = self.settings
        return Notifier(self.now, settings.contract.default_language, platforms=settings.platforms,
                        dingtalk_group_id=settings.dingtalk_group_id,
                        tz=ZoneInfo(settings.contract.timezone), heading=self.heading)

    def poke_timers(self, uow: UnitOfWork) -> None:
        """After a change that moves deadlines: the timers are recomputed once `uow` commits (once however many
        changes asked, and never when it rolls back)."""
        uow.on_commit(self.timer_pokes.poke)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.contract.timezone)

    @property
    def contract_id(self) -> str:
        return self.settings.contract.id

    def now(self) -> datetime:
        return self.clock.now()

    def acted_at(self) -> datetime:
        """When the person behind the update being handled acted (its send time, judged by
        bot/services/action_time.py); the clock's now outside a person's update (timers, CLI)."""
        return action_time.acted_at() or self.clock.now()

    def local_now(self) -> datetime:
        """Now in the contract's timezone (what people mean by 'today')."""
        return self.clock.now().astimezone(self.tz)

    def today(self) -> date:
        return self.local_now().date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def fmt(self, moment: datetime | None, *, with_date: bool = True) -> str:
        """A moment as people read it in the contract's timezone: 2022-09-29 15:00."""
        if moment is None:
            return "—"
        local = moment.astimezone(self.tz)
        # f-strings rather than strftime: the score formats thousands of these (about 5x faster).
        if with_date:
            return f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
        return f"{local.hour:02d}:{local.minute:02d}"


def build_calendar(settings: Settings) -> WorkCalendar:
    cfg = settings.calendar
    hours = settings.working_hours
    return WorkCalendar(add_holidays=cfg.add_holidays, remove_holidays=cfg.remove_holidays,
                        add_workdays=cfg.add_workdays, workday_start=hours.start, workday_end=hours.end)


def build_services(settings: Settings, db: Database, clock: Clock, *, heading: str | None = None) -> Services:
    db.default_language = settings.contract.default_language
    return Services(settings=settings, db=db, clock=clock, calendar=build_calendar(settings), started_at=clock.now(),
                    heading=heading)


@asynccontextmanager
async def open_services(settings: Settings, clock: Clock | None = None, *, seed: bool = True,
                        db_path: str | None = None) -> AsyncIterator[Services]:
    """The services on the configured database (migrated; the roster from the config seeded unless `seed` is
    False); the database is closed on the way out."""
    from bot.services.people import seed_roster

    clock = clock or SystemClock()
    db = await open_database(db_path or settings.storage.db, settings.contract.id)
    try:
        services = build_services(settings, db, clock)
        if seed:
            async with db.uow() as uow:
                await seed_roster(uow, settings.roster, settings.contract.default_language, clock.now())
                await uow.commit()
        yield services
    finally:
        await db.close()


# One key for the processed updates of a deployment of several contracts (storage/db.py `update_scope`).
DEPLOYMENT_SCOPE = "*deployment*"


@dataclass(frozen=True)
class Deployment:
    """Many contracts in one process (issue 18, item 3): one database, one bot token, one `Services` per contract
    (views of the one database, `Database.for_contract`), and the managers who may see every contract."""

    contracts: dict[str, Services]  # by contract id, in the configuration's order
    managers: tuple[ManagerSettings, ...] = ()  # may see every contract (/scores)

    @property
    def primary(self) -> Services:
        """The first contract: what one-contract code paths (health, web page, CLI) see."""
        return next(iter(self.contracts.values()))

    @property
    def several(self) -> bool:
        return len(self.contracts) > 1

    def all(self) -> list[Services]:
        return list(self.contracts.values())


@asynccontextmanager
async def open_deployment(settings: Settings, clock: Clock | None = None, *, seed: bool = True,
                          db_path: str | None = None) -> AsyncIterator[Deployment]:
    """Every contract of `settings.deployment` on one database (opened and migrated once; one roster seeding
    transaction for all): the Deployment; the database (`db_path`, else the configured one) is closed on the way
    out."""
    from bot.services.people import seed_roster

    clock = clock or SystemClock()
    contracts = settings.deployment
    several = len(contracts) > 1
    root = await open_database(db_path or settings.storage.db, contracts[0].contract.id)
    try:
        if several:  # processed updates under one key; the views share the root's highest update id
            root.update_scope = DEPLOYMENT_SCOPE
            await root.load_shared_state()
        found: dict[str, Services] = {}
        for each in contracts:
            cid = each.contract.id
            db = root if cid == root.contract_id else root.for_contract(cid, update_scope=root.update_scope)
            found[cid] = build_services(each, db, clock, heading=each.contract.title if several else None)
        if seed:
            for svc in found.values():
                async with svc.db.uow() as uow:
                    await seed_roster(uow, svc.settings.roster, svc.settings.contract.default_language, clock.now())
                    await uow.commit()
        yield Deployment(found, tuple(settings.managers))
    finally:
        await root.close()
