"""What a sync reports: progress while it runs, one result per visit, and a summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass
class SyncProgress:
    visits_done: int
    visits_total: int
    bytes_sent: int
    bytes_total: int
    current_visit_id: str | None


class VisitOutcome(StrEnum):
    SYNCED = "synced"        # the server has this revision and every photo
    CONFLICT = "conflict"    # 409: edit the visit to send a new revision
    REJECTED = "rejected"    # 422/413: the problems say what to fix; edit to send again
    PENDING = "pending"      # still queued: sent again by the next sync


@dataclass
class VisitResult:
    visit_id: str
    revision: int
    outcome: VisitOutcome
    code: str | None = None
    message_en: str | None = None
    message_zh: str | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)


class SyncStatus(StrEnum):
    OK = "ok"                          # nothing pending
    PENDING = "pending"                # some visits still queued (retry later)
    TOKEN_REFUSED = "token_refused"    # 401: a new token is needed; the sync stopped
    FORBIDDEN = "forbidden"            # 403: this account's role may not upload; stopped
    OFFLINE = "offline"                # the server could not be reached; stopped
    CANCELLED = "cancelled"            # the user cancelled; stopped


@dataclass
class SyncReport:
    status: SyncStatus
    results: list[VisitResult]
    synced: int
    conflict: int
    rejected: int
    pending: int             # visits still in the outbox when the sync ended
    finished_at: datetime
    # Why the pull (checklists, roster, me) did not complete, if it did not (code, en, zh).
    pull_problem: tuple[str, str, str] | None = None
    message_en: str | None = None     # why the sync stopped, for the stopping statuses
    message_zh: str | None = None
    requests_sent: int = 0
    # Corrective actions and their events (audit_app/sync/actions.py).
    actions_sent: int = 0
    actions_refused: int = 0
    actions_pending: int = 0  # still in the actions outbox when the sync ended

    @property
    def summary(self) -> str:
        return (f"synced {self.synced}, conflict {self.conflict}, rejected {self.rejected}, "
                f"pending {self.pending}")
