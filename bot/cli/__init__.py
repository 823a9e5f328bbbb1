"""Command-line subcommands of run_bot.py (check-config, calendar, score, report, backup…).

Each module of this package defines `NAME`, `HELP`, `add_arguments(parser)` and
`run(args, settings_path) -> int` (sync) — discovered here, so adding a subcommand touches one file.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def subcommand_modules() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        if name:
            if name in found:
                raise RuntimeError(f"subcommand {name!r} defined twice")
            found[name] = module
    return found
