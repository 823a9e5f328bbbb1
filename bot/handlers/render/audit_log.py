"""Audit entries' actions and targets as people read them (the catalog names of the codes)."""

from __future__ import annotations

from bot.catalog import CATALOG, t


def audit_action_text(action: str, lang: str | None) -> str:
    """The human name of an audit action in `lang` (`audit.action.<code>`), or the raw code if none."""
    key = f"audit.action.{action}"
    return t(key, lang) if key in CATALOG else action


def audit_target_text(entity: str, entity_id: object, lang: str | None) -> str:
    """`工单#3` / `ticket#3`: the entity's human name (raw name if none) and its id, if any."""
    key = f"audit.entity.{entity}"
    name = t(key, lang) if key in CATALOG else entity
    return f"{name}#{entity_id}" if entity_id else name
