"""The composition lists are complete: a module that is written but not listed would silently do nothing."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import bot.catalog
import bot.cli
import bot.handlers
import bot.services
from bot.features import HANDLER_MODULES
from bot.main import SUBCOMMANDS
from bot.services.schedule import TIMERS
from bot.services.timers import Timer


def _modules(package: ModuleType) -> list[ModuleType]:
    return [importlib.import_module(f"{package.__name__}.{info.name}")
            for info in pkgutil.iter_modules(package.__path__)]


def test_every_timer_defined_in_the_services_is_scheduled() -> None:
    defined = {value.name for module in _modules(bot.services) for value in vars(module).values()
               if isinstance(value, Timer)}
    assert defined == {timer.name for timer in TIMERS}


def test_every_handler_module_is_listed_in_the_composition_root() -> None:
    written = {module.__name__ for module in _modules(bot.handlers)} - {"bot.handlers.common", "bot.handlers.router",
                                                                  "bot.handlers.render"}  # renderers, not handlers
    assert written == {module.__name__ for module in HANDLER_MODULES}


def test_every_catalog_part_is_merged() -> None:
    written = {module.__name__ for module in _modules(bot.catalog) if hasattr(module, "MESSAGES")}
    assert written == {module.__name__ for module in bot.catalog.PARTS}


def test_every_cli_module_is_a_subcommand() -> None:
    written = {module.__name__ for module in _modules(bot.cli) if hasattr(module, "NAME")}
    assert written == {module.__name__ for module in SUBCOMMANDS.values()}


def test_importing_a_handler_module_declares_but_registers_nothing() -> None:
    """Decorators mark functions; only the composition root collects them."""
    from bot.handlers import common, urgent

    assert not hasattr(common, "COMMANDS")
    assert urgent.urgent_command.command_spec.name == "urgent"  # type: ignore[attr-defined]
