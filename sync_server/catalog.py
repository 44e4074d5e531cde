"""Checklists in the database: loading `checklists/*.yaml` at start, every version kept.

Only `audit_app.domain` is used: the server parses each file's text itself."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit_app.domain import Checklist, ChecklistError, parse_checklist_files

from .tables import ChecklistVersion


def checklist_json(checklist: Checklist) -> str:
    return json.dumps(checklist.model_dump(mode="json", exclude_none=True), sort_keys=True,
                      ensure_ascii=False)


def load_checklist_dir(session: Session, directory: Path, *, now: dt.datetime | None = None) -> list[str]:
    """Store every checklist version in `directory` not stored yet; return what was added.

    A stored version whose items changed without a version bump is refused (ChecklistError):
    old visits must keep meaning what they meant."""
    parsed = parse_checklist_files(((str(path), path.read_text(encoding="utf-8"))
                                    for path in sorted(directory.glob("*.yaml"))), str(directory))
    added = []
    for checklist in parsed:
        body = checklist_json(checklist)
        stored = session.get(ChecklistVersion, checklist.ref)
        if stored is None:
            session.add(ChecklistVersion(id=checklist.id, version=checklist.version, body=body,
                                         loaded_at=now or dt.datetime.now(dt.UTC)))
            added.append(f"{checklist.id} v{checklist.version}")
        elif json.loads(stored.body) != json.loads(body):
            raise ChecklistError(str(directory), [
                f"{checklist.id} v{checklist.version} changed since it was loaded; "
                "bump its version instead"])
    session.commit()
    return added


class ChecklistCache:
    """Parsed checklists by (id, version). A stored version never changes, so caching is safe."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int], Checklist] = {}
        self._lock = Lock()

    def get(self, session: Session, checklist_id: str, version: int) -> Checklist | None:
        key = (checklist_id, version)
        found = self._parsed.get(key)
        if found is not None:
            return found
        stored = session.get(ChecklistVersion, key)
        if stored is None:
            return None
        checklist = Checklist.model_validate_json(stored.body)
        with self._lock:
            self._parsed[key] = checklist
        return checklist

    def all_versions(self, session: Session) -> list[Checklist]:
        """Every stored version, sorted by (id, version); each parsed once per process."""
        refs = session.execute(select(ChecklistVersion.id, ChecklistVersion.version)
                               .order_by(ChecklistVersion.id, ChecklistVersion.version))
        found = [self.get(session, row.id, row.version) for row in refs]
        return [checklist for checklist in found if checklist is not None]

    def current(self, session: Session) -> list[Checklist]:
        """The highest version of every checklist id, sorted by id."""
        latest = (select(ChecklistVersion.id, func.max(ChecklistVersion.version).label("version"))
                  .group_by(ChecklistVersion.id).order_by(ChecklistVersion.id))
        found = [self.get(session, row.id, row.version) for row in session.execute(latest)]
        return [checklist for checklist in found if checklist is not None]
