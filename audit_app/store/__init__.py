"""The phone's local store: TinyDB files that never lose a saved visit.

    store = open_store(data_dir())            # hot file, archive, checklist cache
    visit = store.visits.start_visit(..., now=now)
    store.visits.record_observation(visit.id, "greet_within_3s", value=2.4, now=now)
    store.visits.finalise(visit.id, now=now)  # visit + outbox entry in one atomic write
    store.outbox.pending_uploads()            # for the sync client
    store.archive_synced(now)                 # keeps the hot file small

Files in the data folder: `store.json` (hot: drafts, outbox, recent synced visits),
`archive.json` (older synced visits), `checklists.json` (checklist versions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from audit_app.checklist_files import BUNDLED_DIR

from .actions import ACTIONS_FILE, ActionBook, ActionView, QueuedItem
from .archive import DEFAULT_KEEP_RECENT, DEFAULT_RETENTION, Archive, archive_synced
from .atomic_storage import AtomicJSONStorage, FileOps
from .checklist_cache import ChecklistCache
from .errors import (
    ChecklistNotFound, FinaliseRefused, InvalidAnswer, StoreCorruptError, StoreError, StoreWriteError,
    VisitNotFound, WrongState,
)
from .hot_file import HotFile
from .outbox import Outbox
from .paths import ARCHIVE_FILE, CHECKLIST_FILE, HOT_FILE, data_dir
from .records import OutboxEntry, PendingUpload, StoredVisit, VisitState, VisitSummary
from .repository import VisitRepository


@dataclass
class LocalStore:
    """Everything the phone stores, opened together on one data folder."""

    hot: HotFile
    archive: Archive
    checklists: ChecklistCache
    visits: VisitRepository
    outbox: Outbox
    retention: timedelta = DEFAULT_RETENTION
    keep_recent: int = DEFAULT_KEEP_RECENT
    actions: ActionBook | None = None  # corrective actions (`corrective_actions.json`)

    def archive_synced(self, now: datetime) -> int:
        """Move old synced visits to the archive (run at app start and after a sync)."""
        return archive_synced(self.hot, self.archive, now, retention=self.retention,
                              keep_recent=self.keep_recent)

    def close(self) -> None:
        self.hot.close()
        self.archive.close()
        self.checklists.close()
        if self.actions is not None:
            self.actions.close()


def open_store(folder: Path, *, bundled_dir: Path | None = BUNDLED_DIR, fs: FileOps | None = None,
               retention: timedelta = DEFAULT_RETENTION,
               keep_recent: int = DEFAULT_KEEP_RECENT) -> LocalStore:
    """Open (or create) the store in `folder`; `fs` replaces the system calls (fault tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    hot = HotFile(folder / HOT_FILE, fs=fs)
    archive = Archive(folder / ARCHIVE_FILE, fs=fs)
    checklists = ChecklistCache(folder / CHECKLIST_FILE, bundled_dir=bundled_dir, fs=fs)
    outbox = Outbox(hot)
    visits = VisitRepository(hot, outbox, archive, checklists)
    return LocalStore(hot=hot, archive=archive, checklists=checklists, visits=visits, outbox=outbox,
                      retention=retention, keep_recent=keep_recent,
                      actions=ActionBook(folder / ACTIONS_FILE, fs=fs))


__all__ = [
    "ACTIONS_FILE", "ActionBook", "ActionView", "QueuedItem", "ARCHIVE_FILE", "CHECKLIST_FILE", "HOT_FILE", "Archive", "AtomicJSONStorage", "ChecklistCache",
    "ChecklistNotFound", "FileOps", "FinaliseRefused", "HotFile", "InvalidAnswer", "LocalStore",
    "Outbox", "OutboxEntry", "PendingUpload", "StoreCorruptError", "StoreError", "StoreWriteError",
    "StoredVisit", "VisitNotFound", "VisitSummary", "VisitRepository", "VisitState", "WrongState", "archive_synced",
    "data_dir", "open_store",
]
