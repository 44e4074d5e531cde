"""The outbox: finalised revisions waiting for the server, and the server's answers.

- `VisitRepository.finalise` writes the finalised record and its outbox entry in one commit
  (one atomic file write), so after a crash either both are there or neither is.
- One entry per visit id: finalising a newer revision replaces the older entry (the server takes
  a higher revision of a known or unknown id, so the older one need not be sent first).
- A visit becomes `synced` only through `record_ack` with no photos missing (CONTRACT §4: the
  phone marks a visit synced only once the server has every photo). With photos missing the
  entry stays, remembering which photos the sync client still has to upload.
- `record_conflict` (the server answered 409) moves the revision to `conflict` and drops its entry;
  the shopper resolves it by editing, which makes a higher revision.
- `record_rejection` (the server answered 422 or 413) moves the revision to `rejected`, keeps the
  server's problem list on the record and drops its entry: it is never sent again until edited.
Acknowledgements for a revision that is no longer the one queued are ignored (they can arrive
after the shopper finalised a newer revision)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import VisitNotFound
from .hot_file import HotFile
from .records import OutboxEntry, PendingUpload, StoredVisit, VisitState


class Outbox:
    """Reads and settles the queue of finalised visits; the sync client's view of the store."""

    def __init__(self, hot: HotFile):
        self._hot = hot

    def enqueue(self, record: StoredVisit, now: datetime) -> None:
        """Queue `record` (call inside the commit that finalises it)."""
        self._hot.put_outbox(OutboxEntry(visit_id=record.visit_id, revision=record.revision, queued_at=now))

    def pending_uploads(self) -> list[PendingUpload]:
        """Every queued visit in queue order, with the photos the server last said it lacks."""
        pending: list[PendingUpload] = []
        for entry in self._hot.outbox_entries():
            record = self._record(entry.visit_id, entry.revision)
            if record is not None:
                pending.append(PendingUpload(visit=record.visit, queued_at=entry.queued_at,
                                             missing_photos=entry.missing_photos))
        return pending

    def pending_upload(self, visit_id: str) -> PendingUpload | None:
        """The queued revision of one visit now (the sync client re-reads it before sending)."""
        entry = self._hot.outbox_entry(visit_id)
        if entry is None:
            return None
        record = self._record(entry.visit_id, entry.revision)
        if record is None:
            return None
        return PendingUpload(visit=record.visit, queued_at=entry.queued_at,
                             missing_photos=entry.missing_photos)

    def queued_count(self) -> int:
        """How many visits are waiting for the server."""
        return len(self._hot.outbox_entries())

    def record_ack(self, visit_id: str, revision: int, missing_photos: list[str],
                   now: datetime) -> VisitState | None:
        """Record the server's 200/201 for `revision`; returns the revision's state afterwards.

        `None` means that revision is not in the hot file any more (a newer revision replaced
        it, or it was synced and archived)."""
        return self.record_acks([(visit_id, revision, missing_photos)], now)[0]

    def record_acks(self, acks: list[tuple[str, int, list[str]]],
                    now: datetime) -> list[VisitState | None]:
        """`record_ack` for many (visit_id, revision, missing_photos) in one file write.

        The sync client batches acks: one durable write per visit would cost more than the
        upload itself. An ack lost in a crash before this write only means the visit is sent
        again, which the server answers as a replay."""
        states: list[VisitState | None] = []
        with self._hot.commit():
            for visit_id, revision, missing_photos in acks:
                states.append(self._apply_ack(visit_id, revision, missing_photos, now))
        return states

    def _apply_ack(self, visit_id: str, revision: int, missing_photos: list[str],
                   now: datetime) -> VisitState | None:
        queued = self._queued(visit_id, revision)
        if queued is None:
            return self._state_of(visit_id, revision)
        entry, record = queued
        if missing_photos:
            self._hot.put_outbox(entry.model_copy(update={
                "missing_photos": sorted(set(missing_photos)), "acknowledged_at": now}))
            return VisitState.FINALISED
        self._hot.put_record(record.model_copy(update={
            "state": VisitState.SYNCED, "synced_at": now, "updated_at": now}))
        self._hot.delete_outbox(visit_id)
        return VisitState.SYNCED

    def record_conflict(self, visit_id: str, revision: int, reason: str, now: datetime, *,
                        code: str | None = None, reason_zh: str | None = None) -> VisitState | None:
        """Record the server's 409 for `revision`: it becomes `conflict` and leaves the queue.
        `code` is the server's error code, `reason_zh` the reason in Chinese."""
        queued = self._queued(visit_id, revision)
        if queued is None:
            return self._state_of(visit_id, revision)
        _entry, record = queued
        with self._hot.commit():
            self._hot.put_record(record.model_copy(update={
                "state": VisitState.CONFLICT, "conflict_reason": reason, "conflict_code": code,
                "conflict_reason_zh": reason_zh, "updated_at": now}))
            self._hot.delete_outbox(visit_id)
        return VisitState.CONFLICT

    def record_rejection(self, visit_id: str, revision: int, problems: list[dict[str, Any]],
                         now: datetime) -> VisitState | None:
        """Record the server's 422/413 for `revision`: it becomes `rejected` with `problems`
        (each {"code", "path", "message", "message_zh"}) and leaves the queue."""
        queued = self._queued(visit_id, revision)
        if queued is None:
            return self._state_of(visit_id, revision)
        _entry, record = queued
        with self._hot.commit():
            self._hot.put_record(record.model_copy(update={
                "state": VisitState.REJECTED, "rejection": [dict(p) for p in problems],
                "updated_at": now}))
            self._hot.delete_outbox(visit_id)
        return VisitState.REJECTED

    def _queued(self, visit_id: str, revision: int) -> tuple[OutboxEntry, StoredVisit] | None:
        """The outbox entry for exactly this revision and its record; None if it is not queued."""
        entry = self._hot.outbox_entry(visit_id)
        if entry is None or entry.revision != revision:
            return None
        record = self._record(visit_id, revision)
        if record is None:
            raise VisitNotFound(visit_id)
        return entry, record

    def _record(self, visit_id: str, revision: int) -> StoredVisit | None:
        for record in self._hot.records(visit_id):
            if record.revision == revision:
                return record
        return None

    def _state_of(self, visit_id: str, revision: int) -> VisitState | None:
        record = self._record(visit_id, revision)
        return record.state if record is not None else None
