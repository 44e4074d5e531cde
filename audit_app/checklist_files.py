"""Checklist files on disk: the bundled `checklists/` folder and its JSON Schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from audit_app.domain import (
    Checklist, ChecklistError, checklist_json_schema, parse_checklist_files, parse_checklist_yaml,
)

# Inside the package so a packaged phone app finds them; the repository root `checklists` is a
# symlink here, so the server and its tests read the very same files.
BUNDLED_DIR = Path(__file__).resolve().parent / "checklists"
SCHEMA_FILE = "schema.json"


def load_checklist_file(path: Path) -> Checklist:
    """One checklist file; errors name the file, line and field."""
    return parse_checklist_yaml(path.read_text(encoding="utf-8"), str(path))


def load_checklist_dir(directory: Path = BUNDLED_DIR) -> list[Checklist]:
    """Every `*.yaml` checklist in `directory`, sorted by (id, version); all files' problems in
    one error."""
    return parse_checklist_files(((str(path), path.read_text(encoding="utf-8"))
                                  for path in sorted(directory.glob("*.yaml"))), str(directory))


def schema_text() -> str:
    return json.dumps(checklist_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m audit_app.checklist_files [--write-schema]`: validate the bundled checklists."""
    args = sys.argv[1:] if argv is None else argv
    try:
        checklists = load_checklist_dir()
    except ChecklistError as exc:
        print(exc, file=sys.stderr)
        return 1
    for checklist in checklists:
        print(f"ok  {checklist.id} v{checklist.version}: {len(checklist.items)} items")
    if "--write-schema" in args:
        (BUNDLED_DIR / SCHEMA_FILE).write_text(schema_text(), encoding="utf-8")
        print(f"wrote {BUNDLED_DIR / SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
