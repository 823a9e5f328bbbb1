"""What the bot is made of, listed once: the handler modules, and the router every platform adapter feeds.

Text routes are tried in module order: answers to the bot's own questions (incident questions, rating prompts)
before the plain-text triggers (签到 / 签退); core's fallbacks (unknown command, text not understood) only see
what nobody else took. Nothing here imports a chat library.
"""

from __future__ import annotations

from bot.handlers import (
    attendance,
    audit_log,
    contracts,
    core,
    daily_log,
    dashboard,
    duties,
    incidents,
    inspections,
    location,
    media,
    oncall,
    paging,
    quiet,
    reliability,
    scoring,
    tickets,
    urgent,
)
from bot.handlers.common import Declared, declared_in
from bot.handlers.router import Router

HANDLER_MODULES = (media, incidents, tickets, attendance, audit_log, contracts, core, daily_log, dashboard, duties,
                   inspections, location, oncall, paging, quiet, reliability, scoring, urgent)
DECLARED: Declared = declared_in(HANDLER_MODULES)


def build_router(declared: Declared = DECLARED) -> Router:
    """The transport-neutral dispatcher every platform adapter feeds."""
    return Router(declared, unknown_command=core.unknown_command, not_understood=core.not_understood)
