"""Checklists on the phone: the bundled `checklists/` folder, then versions from the server.

Every (id, version) ever seen is kept, because a draft keeps the checklist version it started
with: a new version arriving mid-visit must not change the questions under the shopper's feet.
Bundled versions missing from the cache are added when it opens (the first run, or an app update
that bundles a new version); a version already stored is never replaced by the bundled one."""

from __future__ import annotations

from pathlib import Path

from tinydb import Query, TinyDB

from audit_app.checklist_files import BUNDLED_DIR, load_checklist_dir
from audit_app.domain import Checklist

from .atomic_storage import AtomicJSONStorage, FileOps
from .errors import ChecklistNotFound

_Q = Query()
TABLE = "checklists"


class ChecklistCache:
    """Every checklist version the phone knows, by (id, version)."""

    def __init__(self, path: Path, *, bundled_dir: Path | None = BUNDLED_DIR, fs: FileOps | None = None):
        self.db = TinyDB(path, storage=AtomicJSONStorage, fs=fs)
        self._table = self.db.table(TABLE, cache_size=0)
        self._parsed: dict[tuple[str, int], Checklist] = {}
        if bundled_dir is not None:
            self._add_bundled(load_checklist_dir(bundled_dir))

    def _add_bundled(self, bundled: list[Checklist]) -> None:
        known = self.refs()
        new = [c for c in bundled if c.ref not in known]
        if new:
            with self.db.storage.transaction():  # type: ignore[attr-defined]
                for checklist in new:
                    self._put(checklist, "bundled")

    def _put(self, checklist: Checklist, source: str) -> None:
        doc = {"id": checklist.id, "version": checklist.version, "source": source,
               "checklist": checklist.model_dump(mode="json", exclude_defaults=True)}
        self._table.upsert(doc, (_Q.id == checklist.id) & (_Q.version == checklist.version))
        self._parsed[checklist.ref] = checklist

    def store_checklist(self, checklist: Checklist) -> None:
        """Keep a version received from the server (the server is the authority on a version)."""
        self._put(checklist, "server")

    def get_checklist(self, checklist_id: str, version: int) -> Checklist:
        """That exact version, or `ChecklistNotFound`."""
        ref = (checklist_id, version)
        cached = self._parsed.get(ref)
        if cached is not None:
            return cached
        doc = self._table.get((_Q.id == checklist_id) & (_Q.version == version))
        if doc is None:
            raise ChecklistNotFound(checklist_id, version)
        checklist = Checklist.model_validate(doc["checklist"])
        self._parsed[ref] = checklist
        return checklist

    def refs(self) -> set[tuple[str, int]]:
        return {(doc["id"], doc["version"]) for doc in self._table.all()}

    def current_checklists(self) -> list[Checklist]:
        """The highest version of each checklist: what a new visit starts with."""
        latest: dict[str, int] = {}
        for checklist_id, version in self.refs():
            latest[checklist_id] = max(version, latest.get(checklist_id, 0))
        return [self.get_checklist(cid, version) for cid, version in sorted(latest.items())]

    def close(self) -> None:
        self.db.close()
