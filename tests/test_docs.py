"""Docs as tests (as sqlite-utils does): every server setting, `audit-server` command, app
environment variable and `make` target is documented somewhere in README.md or docs/, and every
document the README links exists. The lists come from the code, so a new one fails here until
it is written down."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sync_server.cli import _parser
from sync_server.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def documentation() -> str:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def audit_server_commands() -> list[str]:
    (commands,) = [action for action in _parser()._actions
                   if isinstance(action, argparse._SubParsersAction)]
    return sorted(commands.choices)


def make_targets() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    (phony,) = re.findall(r"^\.PHONY:(.*)$", makefile, flags=re.MULTILINE)
    return phony.split()


def app_environment() -> set[str]:
    """`AUDIT_*` names the phone side and the launcher read (the server's are its Settings)."""
    names: set[str] = set()
    for folder in ("audit_app", "tools"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(re.findall(r"\bAUDIT_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    return names


def test_every_server_setting_is_documented() -> None:
    docs = documentation()
    missing = [f"AUDIT_{name.upper()}" for name in Settings.model_fields
               if f"`AUDIT_{name.upper()}`" not in docs]
    assert not missing, f"server settings documented nowhere: {missing}"


def test_every_audit_server_command_is_documented() -> None:
    docs = documentation()
    commands = audit_server_commands()
    assert {"serve", "demo", "enrol"} <= set(commands)  # the parser was read, not an empty list
    missing = [name for name in commands if f"audit-server {name}" not in docs]
    assert not missing, f"audit-server commands documented nowhere: {missing}"


def test_every_app_environment_variable_is_documented() -> None:
    docs = documentation()
    names = app_environment()
    assert "AUDIT_APP_DATA_DIR" in names
    missing = sorted(name for name in names if f"`{name}" not in docs)
    assert not missing, f"environment variables documented nowhere: {missing}"


def test_every_make_target_is_documented() -> None:
    docs = documentation()
    targets = make_targets()
    assert {"run", "test"} <= set(targets)
    missing = [target for target in targets if f"make {target}" not in docs]
    assert not missing, f"make targets documented nowhere: {missing}"


def test_the_api_additions_to_the_contract_are_documented() -> None:
    docs = documentation()
    missing = [route for route in ("POST /enrol", "GET /photos/{sha256}", "GET /api/v1/me")
               if route not in docs]
    assert not missing, f"API additions documented nowhere: {missing}"


def test_every_document_the_readme_links_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(((?:docs/)[^)#\s]+)", readme)
    assert links, "the README links no document"
    assert [link for link in links if not (ROOT / link).exists()] == []


def test_the_readme_stays_a_five_minute_read() -> None:
    """Reference material lives in docs/; the README holds what a newcomer needs first."""
    assert len((ROOT / "README.md").read_text(encoding="utf-8")) < 8_000
