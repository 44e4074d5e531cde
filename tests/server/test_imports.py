"""The server depends on the app's pure core only: `audit_app.domain`, nothing else."""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "sync_server"


def test_sync_server_imports_nothing_from_audit_app_but_the_domain() -> None:
    offenders = []
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == "audit_app" and not (
                        name == "audit_app.domain" or name.startswith("audit_app.domain.")):
                    offenders.append(f"{path.relative_to(SERVER.parent)}: {name}")
    assert offenders == []
