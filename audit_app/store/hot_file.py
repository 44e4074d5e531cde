"""The hot file: every visit the phone is still working on or recently synced, and the outbox.

One TinyDB file on `AtomicJSONStorage`. Operations that must land together run inside
`commit()`, which turns all their TinyDB writes into one atomic file write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tinydb import Query, TinyDB

from .atomic_storage import AtomicJSONStorage, FileOps
from .records import OUTBOX_TABLE, VISITS_TABLE, OutboxEntry, StoredVisit

_Q = Query()


class HotFile:
    """Typed access to the `visits` and `outbox` tables of the hot file."""

    def __init__(self, path: Path, *, fs: FileOps | None = None):
        self.path = path
        self.db = TinyDB(path, storage=AtomicJSONStorage, fs=fs)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        # No query cache: the storage already keeps the data in memory, and a cache filled
        # inside an abandoned commit would outlive it.
        self._visits = self.db.table(VISITS_TABLE, cache_size=0)
        self._outbox = self.db.table(OUTBOX_TABLE, cache_size=0)

    @contextmanager
    def commit(self) -> Iterator[None]:
        """Group writes into one durable file write; on any exception nothing is written."""
        with self.storage.transaction():
            yield

    def close(self) -> None:
        self.db.close()

    # -- visit records ---------------------------------------------------------------------

    def records(self, visit_id: str) -> list[StoredVisit]:
        """Every revision of `visit_id` in the hot file, lowest revision first."""
        docs = self._visits.search(_Q.visit_id == visit_id)
        return sorted((StoredVisit.from_doc(doc) for doc in docs), key=lambda r: r.revision)

    def all_records(self) -> list[StoredVisit]:
        return [StoredVisit.from_doc(doc) for doc in self._visits.all()]

    def all_docs(self) -> list[dict]:
        """The raw stored documents (for summaries that need not build every `Visit`)."""
        return [dict(doc) for doc in self._visits.all()]

    def outbox_ids(self) -> set[str]:
        return {doc["visit_id"] for doc in self._outbox.all()}

    def put_record(self, record: StoredVisit) -> None:
        self._visits.upsert(record.to_doc(),
                            (_Q.visit_id == record.visit_id) & (_Q.revision == record.revision))

    def put_records(self, records: list[StoredVisit]) -> None:
        """Add many new records in one table write (bulk import, benchmarks)."""
        self._visits.insert_multiple(record.to_doc() for record in records)

    def delete_record(self, visit_id: str, revision: int) -> None:
        self._visits.remove((_Q.visit_id == visit_id) & (_Q.revision == revision))

    def delete_records(self, keys: set[tuple[str, int]]) -> None:
        self._visits.remove(lambda doc: (doc["visit_id"], doc["revision"]) in keys)

    def count(self) -> int:
        return len(self._visits)

    # -- outbox --------------------------------------------------------------------------------

    def outbox_entry(self, visit_id: str) -> OutboxEntry | None:
        doc = self._outbox.get(_Q.visit_id == visit_id)
        return None if doc is None else OutboxEntry.model_validate(dict(doc))

    def outbox_entries(self) -> list[OutboxEntry]:
        """Entries in the order they were queued."""
        entries = [OutboxEntry.model_validate(dict(doc)) for doc in self._outbox.all()]
        return sorted(entries, key=lambda e: e.queued_at)

    def put_outbox(self, entry: OutboxEntry) -> None:
        self._outbox.upsert(entry.model_dump(mode="json"), _Q.visit_id == entry.visit_id)

    def delete_outbox(self, visit_id: str) -> None:
        self._outbox.remove(_Q.visit_id == visit_id)
