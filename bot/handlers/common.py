"""What every handler shares: the handler context, the role and party guard, replies rendered from the catalog.

Handlers see only transport-neutral types (bot/transports/base.py): an `Inbound` and a `HandlerContext` whose
`responder` answers on whatever platform the update came from. A feature declares a command with
`@command("name", roles)` and its buttons with `@button("feature", roles)`; the decorators only mark the function,
the composition root collects them (`declared_in`) and the router (bot/handlers/router.py) dispatches to them.
The guard identifies the caller, refuses unknown users, wrong roles and the wrong party before any service runs,
stamps the action's moment, and turns a `DomainError` into its message.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from bot.catalog import CATALOG, normalise_language, t
from bot.services import access, action_time
from bot.services.callback_data import CallbackData, decode, to_callback_data
from bot.services.container import Deployment, Services
from bot.services.domain.people import Person, Role, is_client_side
from bot.services.errors import DomainError
from bot.services.notify import ButtonSpec
from bot.transports.base import ButtonRows, Capabilities, Inbound, Responder

log = logging.getLogger(__name__)

ANYONE: frozenset[Role] = frozenset()  # any roster member
# Commands that raise work for the project: in a group, only in the bound project group (else: how to bind).
BOUND_GROUP_ONLY = frozenset({"/ticket", "/urgent"})
ENGINEERS = frozenset({Role.ENGINEER, Role.LEAD})
STRANGER_REFUSAL_EVERY = timedelta(hours=24)  # in a group, a stranger is told once a day, not at every message


@dataclass
class SharedState:
    """What handlers share across updates within one process (typed, instead of string-keyed dictionaries)."""

    strangers_told: dict[str, datetime] = field(default_factory=dict)
    board_locks: dict[str, asyncio.Lock] = field(default_factory=dict)  # a group's attendance board, one edit at a time


@dataclass(frozen=True)
class Runtime:
    """What the running process can tell a handler about itself (for /health and /dashboard)."""

    next_timer_runs: Callable[[], Mapping[str, datetime | None] | None] = lambda: None
    health_port: Callable[[], int | None] = lambda: None
    web_root: Callable[[], str | None] = lambda: None


@dataclass
class HandlerContext:
    """Everything a handler may use for one update: the services, the command list, the responder of the
    platform the update came from and what that platform can do."""

    services: Services
    commands: Mapping[str, CommandSpec]
    responder: Responder
    capabilities: Capabilities
    shared: SharedState
    runtime: Runtime = field(default_factory=Runtime)
    publish_menu: Callable[[Person], Awaitable[None]] | None = None
    send_private: Callable[[str, str], Awaitable[bool]] | None = None  # (external id, text) → delivered
    download: Callable[[str], Awaitable[bytes]] | None = None  # a platform file id → its bytes
    sender_language: str = "zh_CN"  # for people not on the roster: what their platform says they read
    # Every contract this process serves (issue 18); the router puts the update's own contract in `services`.
    deployment: Deployment | None = None


CommandFn = Callable[[Inbound, HandlerContext, Person], Awaitable[None]]
ButtonFn = Callable[[Inbound, HandlerContext, Person, CallbackData], Awaitable[str | None]]
Guarded = Callable[[Inbound, HandlerContext], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    """A command, the roles allowed to call it (empty: anyone on the roster), and its guarded callback."""

    name: str
    roles: frozenset[Role]
    callback: Guarded
    menu: bool = True
    client_side: bool = False  # reserved to 甲方 (the contract's client side): never the vendor side

    def allowed(self, person: Person) -> bool:
        return role_allowed(self.roles, person) and party_allowed(self.client_side, person)


def role_allowed(roles: frozenset[Role], person: Person) -> bool:
    return not roles or bool(person.roles & roles)


def party_allowed(client_side: bool, person: Person) -> bool:
    """Least privilege by party: an action the contract reserves to the client side (deductions, payments,
    rulings, approvals) is refused to everyone else, whatever their role (`is_client_side`)."""
    return not client_side or is_client_side(person)


# A button feature's actions reserved to the client side: all of them (True), some (their action codes), none.
ClientSideActions = bool | frozenset[str]


def _client_side_action(client_side: ClientSideActions, action: str) -> bool:
    return client_side is True or (isinstance(client_side, frozenset) and action in client_side)


@dataclass(frozen=True)
class ButtonHandlerSpec:
    """One feature's inline-button handler (`v1:<feature>:...`) and the roles allowed to press."""

    feature: str
    roles: frozenset[Role]
    callback: Guarded
    client_side: ClientSideActions = False  # which of its actions are reserved to the client side


@dataclass(frozen=True)
class TextRoute:
    """A plain text (not a command) a feature takes: `matches(msg)` decides, in the order routes are listed."""

    name: str
    matches: Callable[[Inbound], bool]
    callback: Guarded


@dataclass(frozen=True)
class Declared:
    """The commands, buttons and text routes declared by a list of handler modules (collected by the composition
    root): each module may list `TEXT_ROUTES` (tried in module order) and one `LOCATION` handler at most."""

    commands: dict[str, CommandSpec]
    buttons: dict[str, ButtonHandlerSpec]
    text_routes: tuple[TextRoute, ...] = ()
    location: Guarded | None = None


def declared_in(modules: Iterable[ModuleType]) -> Declared:
    """Collect what `@command` and `@button` marked in these modules; a name declared twice is an error."""
    commands: dict[str, CommandSpec] = {}
    buttons: dict[str, ButtonHandlerSpec] = {}
    routes: list[TextRoute] = []
    location: Guarded | None = None
    for module in modules:
        for value in vars(module).values():
            spec = getattr(value, "command_spec", None)
            if isinstance(spec, CommandSpec):
                if spec.name in commands and commands[spec.name] is not spec:
                    raise RuntimeError(f"command /{spec.name} declared twice")
                commands[spec.name] = spec
            handler = getattr(value, "button_spec", None)
            if isinstance(handler, ButtonHandlerSpec):
                if handler.feature in buttons and buttons[handler.feature] is not handler:
                    raise RuntimeError(f"buttons of {handler.feature!r} declared twice")
                buttons[handler.feature] = handler
        routes.extend(getattr(module, "TEXT_ROUTES", ()))
        found = getattr(module, "LOCATION", None)
        if found is not None:
            if location is not None:
                raise RuntimeError("only one module may take shared locations")
            location = found
    return Declared(commands, buttons, tuple(routes), location)


# -- replies ---------------------------------------------------------------------------------------------------
def render_buttons(rows: Sequence[Sequence[ButtonSpec]] | None, lang: str) -> list[list[tuple[str, str]]]:
    return [[(t(label, lang), to_callback_data(target)) for label, target in row] for row in rows or []]


def language_of(msg: Inbound, person: Person | None) -> str:
    return person.language if person else normalise_language(msg.sender.language)


async def reply(ctx: HandlerContext, person: Person | None, key: str, *,
                buttons: Sequence[Sequence[ButtonSpec]] | None = None, lang: str | None = None,
                **params: Any) -> str | None:
    """Answer the person with the catalog text `key` in their language (or `lang`, for a stranger)."""
    language = person.language if person else (lang or ctx.sender_language)
    return await ctx.responder.reply(t(key, language, **params), render_buttons(buttons, language) or None)


async def reply_text(ctx: HandlerContext, text: str, buttons: ButtonRows | None = None) -> str | None:
    return await ctx.responder.reply(text, buttons)


def message_args(msg: Inbound) -> str:
    """Text after the command word, keeping the user's own spacing and line breaks."""
    return msg.args


def command_args(msg: Inbound) -> str:
    """The text after the command, words joined by single spaces."""
    return " ".join(msg.args.split())


# -- the guard -------------------------------------------------------------------------------------------------
async def identify(msg: Inbound, ctx: HandlerContext, attempted: str) -> Person | None:
    """The caller if on the roster; otherwise refuse politely, audit, and return None."""
    person = await access.identify_sender(ctx.services, msg.sender)
    if person is None:
        await access.record_refusal(ctx.services, sender=msg.sender, attempted=attempted)
        lang = language_of(msg, None)
        if msg.button_data is not None:
            await ctx.responder.answer_button(t("access.unknown_user", lang), alert=True)
        elif not msg.private:
            await _refuse_stranger_in_group(msg, ctx)
        else:
            await reply(ctx, None, "access.unknown_user", lang=lang)
    return person


def action_moment(msg: Inbound, services: Services) -> datetime:
    """When the person acted: the message's send time (for an edited message still the first send, not the
    edit), judged against the time the update reached the bot; a button press carries no send time, so it counts
    at its receipt (recorded by the transport before handling)."""
    received = action_time.received_at() or msg.received_at or services.now()
    if msg.button_data is not None:
        return received
    return action_time.judge(msg.sent_at, received)


async def _refuse_stranger_in_group(msg: Inbound, ctx: HandlerContext) -> None:
    """Tell a stranger who writes in a group, privately where possible, and at most once a day (kept in
    memory: a restart may tell them once more). The group does not see a refusal at every message."""
    now = ctx.services.now()
    last = ctx.shared.strangers_told.get(msg.sender.external_id)
    if last is not None and now - last < STRANGER_REFUSAL_EVERY:
        return
    ctx.shared.strangers_told[msg.sender.external_id] = now
    text = t("access.unknown_user", language_of(msg, None))
    if ctx.send_private is not None and await ctx.send_private(msg.sender.external_id, text):
        return
    await reply_text(ctx, text)  # they never opened a private chat with the bot: answer in the group, this once


async def _group_not_bound(msg: Inbound, ctx: HandlerContext, label: str) -> bool:
    """True when `label` may only be used in the project group and this is a group that was never bound."""
    if label not in BOUND_GROUP_ONLY or msg.private:
        return False
    return not await access.is_bound_group(ctx.services, msg.chat_key)


def guard(roles: Iterable[Role], label: str, fn: CommandFn, *, client_side: bool = False) -> Guarded:
    """Wrap a handler: identify, check the role and the party, run, map domain errors to their message."""
    allowed = frozenset(roles)

    @functools.wraps(fn)
    async def guarded(msg: Inbound, ctx: HandlerContext) -> None:
        person = await identify(msg, ctx, label)
        if person is None:
            return
        if allowed and not person.roles & allowed:
            await access.record_refusal(ctx.services, sender=msg.sender, attempted=label, person=person)
            await reply(ctx, person, "access.denied", command=label.lstrip("/"))
            return
        if not party_allowed(client_side, person):
            await access.record_refusal(ctx.services, sender=msg.sender, attempted=label, person=person)
            await reply(ctx, person, "access.client_side_only", command=label.lstrip("/"))
            return
        if await _group_not_bound(msg, ctx, label):
            if ctx.capabilities.binds_groups:
                await reply(ctx, person, "intake.group_not_bound", command=label.lstrip("/"))
            else:  # DingTalk: only the config makes a group the project's
                await reply(ctx, person, "intake.group_not_configured", command=label.lstrip("/"),
                            group_id=msg.chat_id)
            return
        try:
            with action_time.acting(action_moment(msg, ctx.services)):
                await fn(msg, ctx, person)
        except DomainError as exc:
            await reply(ctx, person, exc.key, **exc.params)

    return guarded


def command(name: str, roles: Iterable[Role] = ANYONE, *, menu: bool = True,
            client_side: bool = False) -> Callable[[CommandFn], CommandFn]:
    """Declare a command: collected by the composition root, listed in /help and the menu for its roles;
    `client_side=True` reserves it to the client side (甲方) whatever the role."""

    def decorate(fn: CommandFn) -> CommandFn:
        spec = CommandSpec(name, frozenset(roles), guard(roles, f"/{name}", fn, client_side=client_side), menu,
                           client_side)
        fn.command_spec = spec  # type: ignore[attr-defined]
        return fn

    return decorate


def button(feature: str, roles: Iterable[Role] = ANYONE, *,
           client_side: bool | Iterable[str] = False) -> Callable[[ButtonFn], ButtonFn]:
    """Declare the handler of one feature's inline buttons (`v1:<feature>:...`).

    `client_side`: True when every action is reserved to the client side (甲方), or the action codes that
    are (approvals). The handler returns an optional short toast; the press is always answered, and a
    refused press gets an alert.
    """
    allowed = frozenset(roles)
    party: ClientSideActions = client_side if isinstance(client_side, bool) else frozenset(client_side)

    def decorate(fn: ButtonFn) -> ButtonFn:

        async def guarded(msg: Inbound, ctx: HandlerContext) -> None:
            raw = msg.button_data or ""
            person = await identify(msg, ctx, f"button:{raw}")
            if person is None:
                return
            data = decode(raw)
            if data is None:
                await ctx.responder.answer_button(t("button.refused", person.language), alert=True)
                return
            if allowed and not person.roles & allowed:
                await access.record_refusal(ctx.services, sender=msg.sender, attempted=f"button:{raw}",
                                            person=person)
                await ctx.responder.answer_button(t("access.denied_button", person.language), alert=True)
                return
            if not party_allowed(_client_side_action(party, data.action), person):
                await access.record_refusal(ctx.services, sender=msg.sender, attempted=f"button:{raw}",
                                            person=person)
                await ctx.responder.answer_button(t("access.client_side_button", person.language), alert=True)
                return
            try:
                with action_time.acting(action_moment(msg, ctx.services)):
                    toast = await fn(msg, ctx, person, data)
            except DomainError as exc:
                await ctx.responder.answer_button(t(exc.key, person.language, **exc.params), alert=True)
                return
            await ctx.responder.answer_button(toast or None)

        fn.button_spec = ButtonHandlerSpec(feature, allowed, guarded, party)  # type: ignore[attr-defined]
        return fn

    return decorate


async def edited_command(msg: Inbound, ctx: HandlerContext) -> None:
    """An edited command is never run again: the sender is told how to correct it instead (once per edit)."""
    person = await access.identify_sender(ctx.services, msg.sender)
    if person is None or msg.command is None or msg.command not in ctx.commands:
        return  # strangers were refused when they first sent it
    name = msg.command
    example_key = f"intake.edit_example.{name}"
    example = t(example_key if example_key in CATALOG else "intake.edit_example.default", person.language,
                command=name)
    await reply(ctx, person, "intake.edited_command", command=name, example=example)


# The order people meet commands in /help and the menu: daily work first, contract paperwork last.
# A command not listed here still appears, after these.
MENU_ORDER = (
    "start", "help", "lang", "checkin", "checkout", "leave", "makeup", "attendance", "daily",
    "ticket", "tickets", "take", "resolve", "reopen", "rate", "comment", "province", "estimate", "ruling",
    "checklist", "wait", "resume", "faq", "urgent", "urgents", "ack", "arrived", "cancelurgent", "oncall",
    "dutyplan", "swap",
    "score", "deduct", "deductions", "payments", "paid", "report", "dashboard", "bindgroup", "staffchange",
    "replace", "compliance", "papers", "incident", "incidents", "drills", "drill", "inspections", "audit", "health",
    "quiet", "project", "scores",
)


def commands_for(person: Person, commands: Mapping[str, CommandSpec]) -> list[CommandSpec]:
    """The commands a person may use, in MENU_ORDER."""
    allowed = [spec for spec in commands.values() if spec.menu and spec.allowed(person)]
    return sorted(allowed, key=lambda spec: MENU_ORDER.index(spec.name) if spec.name in MENU_ORDER
                  else len(MENU_ORDER))
