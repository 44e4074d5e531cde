"""The archive: synced visits moved out of the hot file so saving an answer stays cheap.

Every save rewrites the whole hot file, so its size is what a tap costs. `archive_synced` moves
a synced visit to `archive.json` once it is older than the retention window (default 14 days,
measured from `synced_at` against the `now` passed in) OR is not among the `keep_recent` most
recently synced visits (default 20). The window keeps recent visits at hand; the count bounds
the hot file whatever the shopper's pace, so a save costs the same with 10 or 5,000 visits.
A visit with an open draft stays hot until that draft is finalised or discarded.

Crash safety: the archive is written (one atomic write) before the records leave the hot file
(a second atomic write). A crash in between leaves the visit in both files; readers prefer the
hot copy and the next run writes the archive again (an upsert by visit id) and removes it.
The archive keeps one record per visit id, the latest revision archived.

The archive file is written whole on each run, so runs are batched (app start, after a sync),
never per tap."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from tinydb import Query, TinyDB

from .atomic_storage import AtomicJSONStorage, FileOps
from .hot_file import HotFile
from .records import StoredVisit, VisitState

_Q = Query()
TABLE = "visits"
DEFAULT_RETENTION = timedelta(days=14)
DEFAULT_KEEP_RECENT = 20


class Archive:
    """Synced visits no longer in the hot file; one record per visit id."""

    def __init__(self, path: Path, *, fs: FileOps | None = None):
        self.path = path
        self.db = TinyDB(path, storage=AtomicJSONStorage, fs=fs, keep_in_memory=False)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self._table = self.db.table(TABLE, cache_size=0)

    def put_many(self, records: list[StoredVisit]) -> None:
        """Store (or replace, by visit id) `records` in one atomic write."""
        if not records:
            return
        replaced = {record.visit_id for record in records}
        with self.storage.transaction():  # two table passes, one file write
            self._table.remove(lambda doc: doc["visit_id"] in replaced)
            self._table.insert_multiple(record.to_doc() for record in records)

    def get(self, visit_id: str) -> StoredVisit | None:
        doc = self._table.get(_Q.visit_id == visit_id)
        return None if doc is None else StoredVisit.from_doc(dict(doc))

    def records(self) -> list[StoredVisit]:
        return [StoredVisit.from_doc(dict(doc)) for doc in self._table.all()]

    def count(self) -> int:
        return len(self._table)

    def close(self) -> None:
        self.db.close()


def archive_candidates(records: list[StoredVisit], now: datetime, retention: timedelta,
                       keep_recent: int) -> list[StoredVisit]:
    """The synced records to move: older than the window, or beyond the `keep_recent` newest."""
    revisions_per_visit: dict[str, int] = {}
    for record in records:
        revisions_per_visit[record.visit_id] = revisions_per_visit.get(record.visit_id, 0) + 1
    synced = [r for r in records
              if r.state is VisitState.SYNCED and revisions_per_visit[r.visit_id] == 1]
    synced.sort(key=lambda r: (r.synced_at or r.updated_at), reverse=True)
    cutoff = now - retention
    return [r for index, r in enumerate(synced)
            if index >= keep_recent or (r.synced_at or r.updated_at) < cutoff]


def archive_synced(hot: HotFile, archive: Archive, now: datetime, *,
                   retention: timedelta = DEFAULT_RETENTION,
                   keep_recent: int = DEFAULT_KEEP_RECENT) -> int:
    """Move synced visits out of the hot file (see module docstring); returns how many moved."""
    moving = archive_candidates(hot.all_records(), now, retention, keep_recent)
    if not moving:
        return 0
    archive.put_many(moving)
    with hot.commit():
        hot.delete_records({(r.visit_id, r.revision) for r in moving})
    return len(moving)
