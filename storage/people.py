"""The people repository: the roster as stored (source of truth after start-up)."""

from __future__ import annotations

from datetime import date, datetime

from bot.services.domain.people import Person, Role
from config.settings import PersonSettings
from storage.base import Repository
from storage.sqlite import Row
from storage.timecodec import date_from_db, date_to_db, to_db


def _person(row: Row, default_language: str = "zh_CN") -> Person:
    r = row  # sqlite3.Row or PostgreSQL's row: read by column name
    return Person(
        id=r["id"], name=r["name"], telegram_id=r["telegram_id"],
        roles=frozenset(Role(x) for x in r["roles"].split(",") if x),
        language=r["language"] or default_language, phone=r["phone"], party=r["party"],
        start_date=date_from_db(r["start_date"]), end_date=date_from_db(r["end_date"]),
        status=r["status"])


class PeopleRepository(Repository):
    """People look-ups by Telegram id (every update makes one) answer from the database's roster cache
    (`SharedState.roster`). Every write here clears it and marks this unit of work as having changed the roster:
    its look-ups then bypass the cache (they may see uncommitted rows), and its end clears the cache once more,
    committed or rolled back. A look-up stores its answer only if no write happened while it read."""

    # Set by the unit of work from the contract's settings (Database.default_language), for every instance.
    default_language = "zh_CN"
    _wrote = False

    def _changed(self) -> None:
        self._wrote = True
        self.shared.roster_changed()

    def after_end(self) -> None:
        if self._wrote:
            self._wrote = False
            self.shared.roster_changed()

    async def upsert_from_config(self, entry: PersonSettings, default_language: str, now: datetime) -> int:
        roles = ",".join(sorted(r.value for r in entry.roles))
        self._changed()
        existing = await self.fetchone("SELECT * FROM people WHERE contract_id = ? AND telegram_id = ?",
                                       (self.contract_id, entry.telegram_id))
        if existing is None:
            person_id = await self.insert(
                "INSERT INTO people (contract_id, name, telegram_id, roles, phone, party, language, start_date,"
                " end_date, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (self.contract_id, entry.name, entry.telegram_id, roles, entry.phone, entry.party,
                 entry.language, entry.start.isoformat() if entry.start else None,
                 entry.end.isoformat() if entry.end else None, to_db(now)))
            await self.link_identity(person_id, "telegram", str(entry.telegram_id))
            if entry.dingtalk_id:
                await self.link_identity(person_id, "dingtalk", entry.dingtalk_id)
            return 1
        linked = await self.link_identity(existing["id"], "dingtalk", entry.dingtalk_id) \
            if entry.dingtalk_id else False
        return int(linked) + await self.execute(
            "UPDATE people SET name = ?, roles = ?, phone = ?, party = ?,"
            " start_date = COALESCE(?, start_date), end_date = COALESCE(?, end_date)"
            " WHERE id = ? AND (name IS NOT ? OR roles IS NOT ? OR phone IS NOT ? OR party IS NOT ?"
            " OR (? IS NOT NULL AND start_date IS NOT ?) OR (? IS NOT NULL AND end_date IS NOT ?))",
            (entry.name, roles, entry.phone, entry.party,
             _iso(entry.start), _iso(entry.end), existing["id"],
             entry.name, roles, entry.phone, entry.party,
             _iso(entry.start), _iso(entry.start), _iso(entry.end), _iso(entry.end)))

    async def all(self, *, include_left: bool = True) -> list[Person]:
        sql = "SELECT * FROM people WHERE contract_id = ?"
        if not include_left:
            sql += " AND status != 'left'"
        rows = await self.fetchall(sql + " ORDER BY id", (self.contract_id,))
        return [_person(r, self.default_language) for r in rows]

    async def link_identity(self, person_id: int, platform: str, external_id: str) -> bool:
        """Record who the person is on a platform (their id there, as text); False when already known."""
        return await self.execute(
            "INSERT INTO person_identities (contract_id, person_id, platform, external_id) VALUES (?,?,?,?)"
            " ON CONFLICT DO NOTHING", (self.contract_id, person_id, platform, external_id)) == 1

    async def by_identity(self, platform: str, external_id: str) -> Person | None:
        """The person behind an id on a chat platform."""
        row = await self.fetchone(
            "SELECT p.* FROM person_identities i JOIN people p ON p.id = i.person_id AND p.contract_id = i.contract_id"
            " WHERE i.contract_id = ? AND i.platform = ? AND i.external_id = ?",
            (self.contract_id, platform, external_id))
        return None if row is None else _person(row, self.default_language)

    async def identities(self, person_id: int) -> dict[str, str]:
        """platform → external id of one person."""
        rows = await self.fetchall("SELECT platform, external_id FROM person_identities"
                                   " WHERE contract_id = ? AND person_id = ?", (self.contract_id, person_id))
        return {r["platform"]: r["external_id"] for r in rows}

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        shared, key = self.shared, (telegram_id, self.default_language)
        cached = shared.roster_cached and not self._wrote
        if cached and key in shared.roster:
            return shared.roster[key]
        generation = shared.roster_generation
        row = await self.fetchone("SELECT * FROM people WHERE contract_id = ? AND telegram_id = ?",
                                  (self.contract_id, telegram_id))
        person = None if row is None else _person(row, self.default_language)
        if cached and shared.roster_generation == generation:
            shared.roster[key] = person
        return person

    async def by_id(self, person_id: int) -> Person | None:
        row = await self.fetchone("SELECT * FROM people WHERE contract_id = ? AND id = ?",
                                  (self.contract_id, person_id))
        return None if row is None else _person(row, self.default_language)

    async def by_name(self, name: str) -> Person | None:
        row = await self.fetchone("SELECT * FROM people WHERE contract_id = ? AND name = ?",
                                  (self.contract_id, name.strip()))
        return None if row is None else _person(row, self.default_language)

    async def set_language(self, person_id: int, language: str) -> None:
        self._changed()
        await self.execute("UPDATE people SET language = ? WHERE id = ?", (language, person_id))

    async def add(self, *, name: str, telegram_id: int, roles: set[Role], start: date | None, now: datetime,
                  status: str = "active", party: str | None = None) -> int:
        self._changed()
        person_id = await self.insert(
            "INSERT INTO people (contract_id, name, telegram_id, roles, party, start_date, status, created_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (self.contract_id, name, telegram_id, ",".join(sorted(r.value for r in roles)), party,
             _iso(start), status, to_db(now)))
        await self.link_identity(person_id, "telegram", str(telegram_id))
        return person_id

    async def set_status(self, person_id: int, status: str, *, end: date | None = None,
                         start: date | None = None) -> None:
        self._changed()
        await self.execute(
            "UPDATE people SET status = ?, end_date = COALESCE(?, end_date), start_date = COALESCE(?, start_date)"
            " WHERE id = ?", (status, _iso(end), _iso(start), person_id))


def _iso(day: date | None) -> str | None:
    return None if day is None else date_to_db(day)
