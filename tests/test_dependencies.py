"""Dependencies point one way: the domain is pure, the server sees only the domain."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# I/O, clock, UI and storage modules the pure domain must never import.
FORBIDDEN_IN_DOMAIN = {"flet", "tinydb", "httpx", "PIL", "os", "pathlib", "io", "time", "socket",
                       "sqlalchemy", "fastapi", "random", "subprocess", "shutil", "tempfile"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def clock_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [ast.unparse(node) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in {"now", "today", "utcnow"}]


def test_importing_the_domain_does_not_import_flet():
    code = "import sys, audit_app.domain; print('flet' in sys.modules, 'tinydb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_domain_modules_import_no_io_clock_or_ui():
    for path in sorted((ROOT / "audit_app" / "domain").glob("*.py")):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert not roots & FORBIDDEN_IN_DOMAIN, f"{path.name} imports {roots & FORBIDDEN_IN_DOMAIN}"
        assert clock_calls(path) == [], f"{path.name} reads the clock"


def test_server_imports_only_the_domain_from_audit_app():
    for path in sorted((ROOT / "sync_server").rglob("*.py")):
        for name in imported_modules(path):
            if name.startswith("audit_app"):
                assert name == "audit_app.domain" or name.startswith("audit_app.domain."), \
                    f"{path.relative_to(ROOT)} imports {name}"


def test_audit_app_package_init_stays_empty():
    assert (ROOT / "audit_app" / "__init__.py").read_text().strip() == ""


def test_app_state_imports_no_flet():
    """Actions and their state are testable without a UI: flet stays in views/ and app.py."""
    for path in sorted((ROOT / "audit_app" / "state").glob("*.py")):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert "flet" not in roots, f"state/{path.name} imports flet"


def test_views_do_not_write_to_the_store():
    """Screens read state and call its actions; every save goes through audit_app.state."""
    for path in sorted((ROOT / "audit_app" / "views").glob("*.py")):
        for name in imported_modules(path):
            assert not name.startswith(("audit_app.store.", "audit_app.sync", "audit_app.photos",
                                        "audit_app.device")), f"views/{path.name} imports {name}"
