"""Every audit action and outbox kind the code base writes has a human name in the catalog (both languages);
an unknown code is shown raw rather than breaking a listing."""

from __future__ import annotations

import re
from pathlib import Path

from bot.catalog import CATALOG, render
from bot.catalog.audit_actions import AUDIT_ACTIONS, AUDIT_ENTITIES, DYNAMIC_ACTIONS
from bot.catalog.outbox_kinds import DYNAMIC_KINDS, OUTBOX_KINDS
from bot.handlers.render.audit_log import audit_action_text, audit_target_text
from bot.services.health import describe_kinds

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {p: p.read_text(encoding="utf-8") for d in ("bot", "storage") for p in sorted((ROOT / d).rglob("*.py"))}
STRING = re.compile(r'(f?)"([^"\n]*)"')
CODE = re.compile(r"^[a-z_]+\.[a-z_.{}]+$")  # dotted codes; argparse's action="store_true" is not one


def _codes(argument: re.Pattern[str], dynamic: dict[str, tuple[str, ...]]) -> tuple[set[str], set[str]]:
    """(literal codes, f-string templates) found in the `argument` expressions of the source."""
    literals, templates = set(), set()
    for text in SOURCES.values():
        for expression in argument.findall(text):
            for is_f, value in STRING.findall(expression):
                if CODE.match(value):
                    (templates if is_f else literals).add(value)
    return literals, templates


def _written_actions() -> tuple[set[str], set[str]]:
    literals, templates = _codes(re.compile(r'\baction=(f?"[^"\n]*"(?:\s+if\s+[^"\n]+?\s+else\s+f?"[^"\n]*")?)'),
                                 DYNAMIC_ACTIONS)
    # tickets._audit(uow, services, actor, "verb", ...) writes "tickets.<verb>"; a variable verb is an f-string
    for text in SOURCES.values():
        for verb in re.findall(r'\b_audit\(\s*uow,\s*services,\s*[^,]+,\s*([^,]+),', text):
            if verb.startswith('"'):
                literals.add(f"tickets.{verb.strip(chr(34))}")
            else:
                templates.add(f"tickets.{{{verb.strip()}}}")
    # rows written by raw SQL (run_bot.py purge)
    for text in SOURCES.values():
        for chunk in re.findall(r'"INSERT INTO audit \(.*?\n(?:.*\n){1,4}', text):
            literals.update(v for _, v in STRING.findall(chunk) if re.fullmatch(r"[a-z]+\.[a-z_]+", v))
    return literals, templates


def test_every_audit_action_written_by_the_code_has_a_human_name() -> None:
    literals, templates = _written_actions()
    assert {"incident.report", "person.language", "tickets.open", "access.unknown_user", "data.purge"} <= literals
    assert templates <= set(DYNAMIC_ACTIONS), f"expand these in DYNAMIC_ACTIONS: {templates - set(DYNAMIC_ACTIONS)}"
    expanded = {code for template in templates for code in DYNAMIC_ACTIONS[template]}
    written = literals | expanded
    assert written - set(AUDIT_ACTIONS) == set(), "add these to bot/catalog/audit_actions.py"
    assert set(AUDIT_ACTIONS) - written == set(), "no code writes these actions any more"
    for template in templates:
        pattern = re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(template))
        assert all(re.fullmatch(pattern, code) for code in DYNAMIC_ACTIONS[template]), template


def test_every_audited_entity_has_a_human_name() -> None:
    entities = {e for text in SOURCES.values() for e in re.findall(r'\bentity="([a-z_]+)"', text)} | {"contract"}
    assert "incident" in entities
    assert entities == set(AUDIT_ENTITIES)


def test_every_outbox_kind_queued_by_the_code_has_a_human_name() -> None:
    literals, templates = _codes(re.compile(r'\bkind=(f?"[^"\n]*")'), DYNAMIC_KINDS)
    assert {"urgent.escalation", "tickets.overdue", "rel.downtime"} <= literals
    assert templates <= set(DYNAMIC_KINDS), f"expand these in DYNAMIC_KINDS: {templates - set(DYNAMIC_KINDS)}"
    written = literals | {kind for template in templates for kind in DYNAMIC_KINDS[template]}
    assert written - set(OUTBOX_KINDS) == set(), "add these to bot/catalog/outbox_kinds.py"
    assert set(OUTBOX_KINDS) - written == set(), "no code queues these kinds any more"


def test_the_names_exist_in_both_languages_and_are_not_the_codes() -> None:
    keys = [*(f"audit.action.{c}" for c in AUDIT_ACTIONS), *(f"audit.entity.{e}" for e in AUDIT_ENTITIES),
            *(f"outbox.kind.{k}" for k in OUTBOX_KINDS)]
    for key in keys:
        zh, en = CATALOG[key]["zh_CN"], CATALOG[key]["en"]
        assert zh and en and zh != en and "." not in zh, key


def test_codes_render_in_the_readers_language_and_unknown_ones_stay_raw() -> None:
    assert audit_action_text("incident.report", "zh_CN") == "报告安全事件"
    assert audit_action_text("incident.report", "en") == "reported a security incident"
    assert audit_action_text("future.thing", "en") == "future.thing"
    assert audit_target_text("incident", 1, "zh_CN") == "安全事件#1"
    assert audit_target_text("ticket", 7, "en") == "ticket#7"
    assert audit_target_text("future_entity", None, "zh_CN") == "future_entity"
    assert render(describe_kinds({"urgent.escalation": 2, "test.only": 1}), "zh_CN") == "紧急请求升级 ×2, test.only ×1"
    assert render(describe_kinds({"tickets.overdue": 1}), "en") == "overdue ticket reminder ×1"
    assert render(describe_kinds({}), "en") == "—"
