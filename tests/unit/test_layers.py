"""The layers' import rules, read from the source (docs/architecture.md, "Layers"):

- `bot/services/domain` (entities and pure rules) imports only the standard library and itself;
- `storage/` imports nothing of `bot` but `bot.services.domain`;
- neither `bot/services`, `bot/handlers` nor `storage/` imports a chat library (`telegram`, `dingtalk_stream`),
  nor the platform adapters (`bot.transports.telegram`, `bot.transports.dingtalk`);
- production code never imports the development tools (`bot.offline`) at module level;
- services do not render: no module under `bot/services` (but the allow-list in `RENDERING_ALLOWED`) imports the
  catalog's `t` or the callback codec's `encode`; they return data, `Text` (catalog key + parameters) and
  `Action`s, and the edge renders them (handlers and bot/handlers/render/, the notifier).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "bot.services.domain"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, including those under TYPE_CHECKING or in a function."""
    module = module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


def files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_stdlib(name: str) -> bool:
    return name.partition(".")[0] in sys.stdlib_module_names


def domain_violations(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [f"{p.relative_to(root)}:{line} imports {name}" for p in paths for line, name in imports(p, root)
            if not (is_stdlib(name) or within(name, DOMAIN))]


def storage_violations(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [f"{p.relative_to(root)}:{line} imports {name}" for p in paths for line, name in imports(p, root)
            if within(name, "bot") and not within(name, DOMAIN)]


CHAT_LIBRARIES = ("telegram", "dingtalk_stream", "bot.transports.telegram", "bot.transports.dingtalk")


def telegram_violations(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [f"{p.relative_to(root)}:{line} imports {name}" for p in paths for line, name in imports(p, root)
            if any(within(name, library) for library in CHAT_LIBRARIES)]


def top_level_imports(path: Path) -> list[tuple[int, str]]:
    """Imports executed when the module is imported (not those inside functions or under TYPE_CHECKING)."""
    found: list[tuple[int, str]] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            found.append((node.lineno, node.module or ""))
    return found


# What renders, and where: the catalog's `t` and the codec's `encode`.
RENDERERS = (("bot.catalog", "t"), ("bot.services.callback_data", "encode"))
RENDERING_ALLOWED = {
    # the notification port: renders a catalog key in each recipient's language and encodes buttons at queue time
    "bot/services/notify.py",
    # the codec itself
    "bot/services/callback_data.py",
    # the monthly report is a document (Excel workbook, chart) written in the recipient's language when it is
    # built, and attached by the outbox: a renderer the monthly timer calls; moving it behind a port is later work
    "bot/services/report.py",
}


def rendering_violations(paths: list[Path], root: Path = ROOT) -> list[str]:
    """`from bot.catalog import t`, `from bot.services.callback_data import encode` (also in a function), or
    `catalog.t` / `callback_data.encode` through an imported module."""
    found: list[str] = []
    for path in paths:
        if path.relative_to(root).as_posix() in RENDERING_ALLOWED:
            continue
        where = path.relative_to(root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and not node.level:
                for module, name in RENDERERS:
                    if node.module == module and any(alias.name == name for alias in node.names):
                        found.append(f"{where}:{node.lineno} imports {module}.{name}")
            elif isinstance(node, ast.Attribute):
                for module, name in RENDERERS:
                    if node.attr == name and isinstance(node.value, ast.Name) \
                            and node.value.id == module.rpartition(".")[2]:
                        found.append(f"{where}:{node.lineno} uses {module}.{name}")
    return found


def test_services_return_data_and_catalog_keys_the_edge_renders() -> None:
    assert rendering_violations(files("bot/services")) == []


def test_the_domain_exists_as_one_module_per_aggregate() -> None:
    names = {p.stem for p in files("bot/services/domain")}
    assert {"people", "tickets", "urgent", "attendance", "oncall", "duties", "assessment", "rates"} <= names


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    assert domain_violations(files("bot/services/domain")) == []


def test_storage_imports_nothing_of_the_bot_but_the_domain() -> None:
    assert storage_violations(files("storage")) == []


def test_services_handlers_and_storage_never_import_a_chat_library() -> None:
    assert telegram_violations(files("bot/services", "bot/handlers", "storage")) == []


def test_production_code_does_not_import_the_development_tools() -> None:
    production = [p for p in files("bot", "storage", "config") if "offline" not in p.parts]
    found = [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in production
             for line, name in top_level_imports(p) if within(name, "bot.offline")]
    assert found == []


def test_the_checks_catch_what_they_forbid(tmp_path: Path) -> None:
    """Each rule reports a forbidden import (so the tests above cannot pass by reading nothing)."""
    bad = tmp_path / "bot" / "services" / "domain" / "probe.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from __future__ import annotations\nimport json\nfrom ..clock import Clock\n"
                   "from config.settings import Settings\nfrom . import people\nimport telegram\n"
                   "from storage.base import Repository\nfrom bot.services.scoring import tier_for\n"
                   "from bot.services.domain.rates import Loss\n", encoding="utf-8")
    assert [v.partition(" imports ")[2] for v in domain_violations([bad], tmp_path)] == [
        "bot.services.clock", "config.settings", "telegram", "storage.base", "bot.services.scoring"]
    assert [v.partition(" imports ")[2] for v in storage_violations([bad], tmp_path)] == [
        "bot.services.clock", "bot.services.scoring"]
    assert [v.partition(" imports ")[2] for v in telegram_violations([bad], tmp_path)] == ["telegram"]


def test_the_rendering_check_catches_t_and_encode_in_a_service(tmp_path: Path) -> None:
    probe = tmp_path / "bot" / "services" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from bot.catalog import Text, t\nfrom bot.services import callback_data\n\n\n"
                     "def f():\n    from bot.services.callback_data import Action, encode\n"
                     "    return callback_data.encode('x', 'y'), Text('k'), Action('x', 'y')\n", encoding="utf-8")
    allowed = tmp_path / "bot" / "services" / "notify.py"
    allowed.write_text("from bot.catalog import t\n", encoding="utf-8")
    assert rendering_violations([probe, allowed], tmp_path) == [
        "bot/services/probe.py:1 imports bot.catalog.t",
        "bot/services/probe.py:6 imports bot.services.callback_data.encode",
        "bot/services/probe.py:7 uses bot.services.callback_data.encode"]
