"""Chat handlers, one module per feature. Every module is imported by the composition root, which
registers the commands and buttons they declare and calls their optional `register(app)`."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

_NOT_FEATURES = {"common"}


def feature_modules() -> list[ModuleType]:
    """Every handler module, in name order (core's fallbacks are added separately, last)."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _NOT_FEATURES:
            continue
        modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules
