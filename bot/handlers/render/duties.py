"""Contract duties' names as people read them."""

from __future__ import annotations

from bot.catalog import render
from bot.services.drills import scenario_text


def scenario_label(scenario: str, lang: str) -> str:
    """A drill scenario's name in `lang` (a built-in one from the catalog; free text as typed)."""
    return render(scenario_text(scenario), lang)
