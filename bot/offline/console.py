"""Console mode: chat with the real bot in a terminal, as any roster member, with no token or network.

The same Application, handlers, scheduler and SQLite database run against the offline fake Bot API;
every message the bot sends to any chat is printed, with numbered buttons you can press.
Console commands start with a colon so they never collide with the bot's own commands.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.app import build_application, running
from bot.catalog import t
from bot.offline.fake_telegram import ApiCall, ChatDriver, FakeBotAPI, SentMessage
from bot.services.clock import Clock, FakeClock, SystemClock
from bot.services.container import build_calendar
from bot.startup_errors import service_period_notice
from config.settings import Settings, WebSettings, compose_deployment, parse_duration

DEMO_GROUP_ID = -1009000000001

HELP = """Console commands (everything else is sent to the bot as a chat message):
  :as NAME          act as this roster member (e.g. :as 周小舟); :people lists them
  :as ID            act as any Telegram user id (e.g. :as 555 for someone not on the roster)
  :group / :private send from now on in the project group / your private chat
  :press N          press button [N] of a message shown above (or :press LABEL: the newest such button
                    in a chat of the person you act as)
  :loc LAT LON      share a location (e.g. :loc 31.8107 119.9741)
  :reply TEXT       reply to the bot's last message in this chat with TEXT
  :advance 30m      move the fake clock (only with --at)
  :time             show the bot's clock
  :web              a signed link to the web page for the person you act as
  :help             this text;  :quit  leave"""


class Console:
    def __init__(self, settings: Settings, driver: ChatDriver, api: FakeBotAPI, clock: Clock, out: TextIO) -> None:
        self.settings = settings
        self.driver = driver
        self.api = api
        self.clock = clock
        self.out = out
        self.names = {p.telegram_id: p.name for each in reversed(settings.deployment) for p in each.roster}
        self.user_id = settings.roster[0].telegram_id
        self.chat_id: int | None = None  # None: private chat with the current user
        self.buttons: dict[int, tuple[SentMessage, str]] = {}
        self.labels: dict[int, str] = {}
        self._next_button = 1
        api.listeners.append(self.show)
        api.call_listeners.append(self.show_toast)

    def chat_label(self, chat_id: int) -> str:
        if chat_id < 0:
            return "项目群 group"
        return f"{self.names.get(chat_id, chat_id)} (private)"

    def show(self, message: SentMessage) -> None:
        verb = "" if message.method == "sendMessage" else f" ({message.method})"
        print(f"\n┌─ bot → {self.chat_label(message.chat_id)}{verb}", file=self.out)
        for line in message.text.splitlines() or [""]:
            print(f"│ {line}", file=self.out)
        if message.buttons:
            labels = []
            for row in message.buttons:
                for label, data in row:
                    number = self._next_button
                    self._next_button += 1
                    self.buttons[number] = (message, data)
                    self.labels[number] = label
                    labels.append(f"[{number}] {label}")
            print("│ " + "  ".join(labels), file=self.out)
        print("└─", file=self.out)
        self.out.flush()

    def show_toast(self, call: ApiCall) -> None:
        """Button answers: a toast (or an alert, for refusals) appears over the chat, not in it."""
        if call.method != "answerCallbackQuery" or not call.params.get("text"):
            return
        kind = "alert" if call.params.get("show_alert") else "toast"
        print(f"  ({kind}) {call.params['text']}", file=self.out)
        self.out.flush()

    def prompt(self) -> str:
        where = "group" if self.chat_id else "private"
        return f"{self.names.get(self.user_id, self.user_id)}@{where}> "

    async def handle(self, line: str) -> bool:
        """One line of input; returns False to quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith(":"):
            await self.driver.send(self.user_id, line, chat_id=self.chat_id)
            return True
        word, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if word in ("quit", "exit", "q"):
            return False
        if word == "help":
            print(HELP, file=self.out)
        elif word == "people":
            several = len(self.settings.deployment) > 1  # a deployment directory: every contract's roster
            for each in self.settings.deployment:
                if several:
                    print(f"{each.contract.id} ({each.contract.title}):", file=self.out)
                for person in each.roster:
                    print(f"  {person.name}  id={person.telegram_id}  roles={','.join(person.roles)}", file=self.out)
        elif word == "as":
            self._switch_user(rest)
        elif word == "group":
            self.chat_id = DEMO_GROUP_ID
        elif word == "private":
            self.chat_id = None
        elif word == "press":
            await self._press(rest)
        elif word == "loc":
            parts = rest.replace(",", " ").split()
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except (IndexError, ValueError):
                print("usage: :loc 31.8107 119.9741", file=self.out)
                return True
            await self.driver.send_location(self.user_id, lat, lon, chat_id=self.chat_id)
        elif word == "reply":
            chat = self.chat_id if self.chat_id is not None else self.user_id
            last = next((m for m in reversed(self.api.sent) if m.chat_id == chat), None)
            await self.driver.send(self.user_id, rest, chat_id=self.chat_id, reply_to=last)
        elif word == "advance":
            await self._advance(rest)
        elif word == "web":
            await self.print_web_link()
        elif word == "time":
            print(f"  {self.clock.now().astimezone(ZoneInfo(self.settings.contract.timezone)):%Y-%m-%d %H:%M:%S %Z}",
                  file=self.out)
        else:
            print(f"unknown console command :{word} — :help lists them", file=self.out)
        return True

    async def print_web_link(self) -> None:
        """The web page's local address and a ready-to-open signed link for the person acted as."""
        from bot.services import web_access
        from bot.state import app_state

        state = app_state(self.driver.app)
        server = state.web_server
        services = state.running_services()
        if state.deployment is not None and state.deployment.several:  # the contract of this person's private chat
            from bot.services.contracts import current_contract
            from bot.transports.base import Sender

            services = await current_contract(state.deployment, Sender("telegram", str(self.user_id))) or services
        async with services.db.uow(read_only=True) as uow:
            person = await uow.people.by_telegram_id(self.user_id)
        if server is None or person is None:
            print("no web page for this user (not on the roster, or the web page could not start)", file=self.out)
            return
        link = await web_access.dashboard_link(services, person, root=server.local_url)
        print(f"web page: {server.local_url}\n  {person.name}: {link.url}\n  (valid until "
              f"{services.fmt(link.expires)})", file=self.out)
        self.out.flush()

    def _switch_user(self, who: str) -> None:
        by_name = {p.name: p.telegram_id for each in reversed(self.settings.deployment) for p in each.roster}
        if who in by_name:
            self.user_id = by_name[who]
        elif who.isdigit():
            self.user_id = int(who)
        else:
            print(f"no one called {who!r}; :people lists the roster", file=self.out)
            return
        print(f"  now acting as {self.names.get(self.user_id, self.user_id)}", file=self.out)

    async def _press(self, number: str) -> None:
        if number and not number.isdigit():  # a label: the newest such button in a chat of the person acting
            mine = [n for n, label in self.labels.items() if label == number
                    and self.buttons[n][0].chat_id in (self.user_id, self.chat_id)]
            number = str(max(mine)) if mine else number
        if not number.isdigit() or int(number) not in self.buttons:
            print("usage: :press N, with N a button number shown above", file=self.out)
            return
        message, data = self.buttons[int(number)]
        await self.driver.press_data(self.user_id, message, data)

    async def _advance(self, amount: str) -> None:
        if not isinstance(self.clock, FakeClock):
            print("the clock is real; start with --at '2022-10-10 09:00' to move time", file=self.out)
            return
        delta = parse_duration(amount)
        if not hasattr(delta, "total_seconds"):
            print("usage: :advance 30m (or 2h, 1d)", file=self.out)
            return
        self.clock.advance(delta)
        from bot.services.schedule import run_all_due
        from bot.state import app_state

        state = app_state(self.driver.app)
        await run_all_due(state.running_services(), self.clock.now())
        scheduler = state.scheduler
        if scheduler is not None:  # the jobs follow the moved clock (/health shows the next ones)
            await scheduler.reschedule_all()
        await self.driver.flush()
        print(f"  clock: {self.clock.now().astimezone(ZoneInfo(self.settings.contract.timezone)):%Y-%m-%d %H:%M}",
              file=self.out)


def default_start(settings: Settings, today: date) -> datetime | None:
    """Where the console's clock starts when today is outside the service period (None: today is inside):
    09:00 on the contract's first working day, or on its last one once it has ended."""
    contract = settings.contract
    if contract.in_service(today):
        return None
    calendar = build_calendar(settings)
    if today < contract.start:
        day = calendar.next_workday(contract.start - timedelta(days=1))
    else:
        day = contract.end
        while not calendar.is_workday(day) and day > contract.start:
            day -= timedelta(days=1)
    return datetime.combine(day, settings.working_hours.start, ZoneInfo(contract.timezone))


async def run_console(settings: Settings, *, start_at: str | None = None, stdin: TextIO | None = None,
                      out: TextIO | None = None, platform: str = "telegram") -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    tz = ZoneInfo(settings.contract.timezone)
    clock: Clock = SystemClock()
    notices = []
    if start_at:
        try:
            local = datetime.fromisoformat(start_at).replace(tzinfo=tz)
        except ValueError:
            print(f"error: --at {start_at!r}: use 'YYYY-MM-DD HH:MM'", file=sys.stderr)
            return 2
        clock = FakeClock(local)
    else:
        inside = default_start(settings, clock.now().astimezone(tz).date())
        if inside is not None:  # the real today is outside the contract: a demo inside it instead
            notices.append(service_period_notice(settings, clock.now().astimezone(tz).date()))
            clock = FakeClock(inside)
            notices.append(t("rel.startup.console_clock", settings.contract.default_language,
                             at=f"{inside:%Y-%m-%d %H:%M}", example=f"{inside:%Y-%m-%d} 09:00"))
    notices.append(service_period_notice(settings, clock.now().astimezone(tz).date()))
    if settings.web is None:  # the console always serves the web page: on loopback, any free port
        served = [each.model_copy(update={"web": WebSettings(port=0)}) for each in settings.deployment]
        settings = compose_deployment(served)[0] if len(served) > 1 else served[0]  # every contract's
    api = FakeBotAPI()
    fake = None
    if platform == "dingtalk":  # issue 17: the same console, the bot reached through the offline fake DingTalk
        from bot.offline.console_dingtalk import DingTalkConsoleDriver, new_fake, with_fake_dingtalk

        fake = await new_fake().start()
        settings = with_fake_dingtalk(settings, fake)
    app = build_application(settings, request=api, clock=clock)
    if fake is not None:
        driver: Any = DingTalkConsoleDriver(app, fake, settings)
        console = Console(settings, driver, driver, clock, out)
    else:
        console = Console(settings, ChatDriver(app, api), api, clock, out)
    print(f"maintbot console — {settings.contract.title} ({platform})\ndatabase: {settings.storage.db}\n{HELP}\n",
          file=out)
    for notice in filter(None, notices):
        print(f"⚠️ {notice}\n", file=out)
    try:
        return await _console_loop(app, console, stdin, out, fake)
    finally:
        if fake is not None:
            await fake.stop()


async def _console_loop(app: Any, console: Console, stdin: TextIO, out: TextIO, fake: Any) -> int:
    async with running(app):
        if fake is not None:
            await fake.wait_connected()
        await console.print_web_link()
        interactive = stdin.isatty()
        while True:
            if interactive:
                print(console.prompt(), end="", file=out, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            if not interactive:
                print(f"{console.prompt()}{line.rstrip()}", file=out)
            try:
                if not await console.handle(line):
                    break
            except Exception as exc:  # the console must survive a bad line
                print(f"console error: {exc}", file=out)
        await console.driver.flush()
    return 0
