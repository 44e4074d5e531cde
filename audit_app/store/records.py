"""What the store keeps about a visit beyond the wire format, and how it lies in TinyDB.

A stored visit record is the domain `Visit` (CONTRACT §2, `model_dump(mode="json")`) plus its
local state and timestamps. Records live in the `visits` table keyed by (visit_id, revision);
outbox entries in the `outbox` table keyed by visit_id. Both tables are in the one hot file, so
one storage write can change both."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict

from audit_app.domain import Visit

VISITS_TABLE = "visits"
OUTBOX_TABLE = "outbox"


class VisitState(StrEnum):
    DRAFT = "draft"              # being filled in; every answer saved as given
    FINALISED = "finalised"      # complete, waiting in the outbox for the server
    SYNCED = "synced"            # the server acknowledged it with no photos missing
    CONFLICT = "conflict"        # the server answered 409; edit it to send a new revision
    REJECTED = "rejected"        # the server answered 422/413; edit it to send a new revision


class StoredVisit(BaseModel):
    """One revision of one visit as the phone keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    visit: Visit
    state: VisitState
    updated_at: AwareDatetime
    finalised_at: AwareDatetime | None = None
    synced_at: AwareDatetime | None = None
    conflict_reason: str | None = None
    # The server's stable code for a 409 (e.g. `revision_conflict`) and the reason in Chinese
    # (`conflict_reason` is the server's English message).
    conflict_code: str | None = None
    conflict_reason_zh: str | None = None
    # The server's problems for a refused revision: each {"code", "path", "message", "message_zh"}
    # (message_zh as the server gave it, else the phone's own translation, else None).
    rejection: list[dict[str, Any]] = []
    # Wall-clock time each running stopwatch started (item_key -> time), to resume after a restart.
    timer_anchors: dict[str, AwareDatetime] = {}

    @property
    def visit_id(self) -> str:
        return self.visit.id

    @property
    def revision(self) -> int:
        return self.visit.revision

    def to_doc(self) -> dict[str, Any]:
        """The TinyDB document: the record plus top-level ids to query by."""
        return {"visit_id": self.visit.id, "revision": self.visit.revision, **self.model_dump(mode="json")}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> StoredVisit:
        return cls.model_validate({k: v for k, v in doc.items() if k not in ("visit_id", "revision")})


class VisitSummary(BaseModel):
    """What a visit list shows about one visit (its current record), read without building the
    whole `Visit`: `VisitRepository.summaries` makes one per visit in one pass."""

    model_config = ConfigDict(frozen=True)

    visit_id: str
    revision: int
    state: VisitState
    checklist_id: str
    checklist_version: int
    site_id: str
    started_at: AwareDatetime
    updated_at: AwareDatetime
    answered: int            # observations given (a value, N/A or photos)
    queued: bool             # a revision of this visit is waiting in the outbox
    conflict_reason: str | None = None


class OutboxEntry(BaseModel):
    """A finalised revision waiting for the server's acknowledgement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    visit_id: str
    revision: int
    queued_at: AwareDatetime
    # Photo hashes the server said it does not have yet (empty until the first answer).
    missing_photos: list[str] = []
    acknowledged_at: AwareDatetime | None = None


class PendingUpload(BaseModel):
    """What the sync client sends next: the visit as it must be uploaded, and photos still owed."""

    model_config = ConfigDict(frozen=True)

    visit: Visit
    queued_at: AwareDatetime
    missing_photos: list[str] = []
