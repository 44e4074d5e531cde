"""Taking in visit revisions: what `PUT /visits/{id}` and `POST /visits/batch` share, so each
result of a batch is what PUT answers for that visit (PUT is a batch of one).

Three steps per request, however many visits it holds:
1. Read, holding no write lock: the sites and staff all the visits name (two queries), their
   checklists (cached), every problem of each visit (422); scores, rows and the flags that need
   only the visit computed.
2. Write: one transaction, a savepoint per revision (`visit_store.store_revisions`).
3. After the commit: the cross-visit flags (integrity.py, Timing: one transaction, only when a
   stored visit cites photos or long texts), then the photos the server lacks (one query)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain import Visit

from .action_store import utc
from .catalog import ChecklistCache
from .errors import INVALID_VISIT, ApiError
from .integrity import site_point, store_cross_flags
from .schemas import VisitReceipt
from .visit_checks import known_rows, upload_problems
from .visit_store import PreparedRevision, StoredRevision, missing_photos, prepare_revision, store_revisions


@dataclass(frozen=True)
class Upload:
    """A visit revision as sent: `path_id` is the id its URL named (a batch: its own id)."""

    path_id: str
    visit: Visit


def _checked(sessions: sessionmaker[Session], checklists: ChecklistCache, uploads: Sequence[Upload],
             auditor_id: str, clock: Callable[[], dt.datetime],
             signals: bool) -> list[PreparedRevision | ApiError]:
    with sessions() as session:
        known = known_rows(session, [upload.visit for upload in uploads])
        found = [upload_problems(session, checklists, upload.path_id, upload.visit, known)
                 for upload in uploads]
    checked: list[PreparedRevision | ApiError] = []
    for upload, (checklist, problems) in zip(uploads, found, strict=True):
        if problems or checklist is None:
            checked.append(ApiError(422, INVALID_VISIT, f"the visit has {len(problems)} problem(s)",
                                    problems))
        else:
            # The server's clock is `received_at`, what clock_skew compares device times with.
            checked.append(prepare_revision(upload.visit, checklist, auditor_id, clock(),
                                            site_point(known.sites.get(upload.visit.site_id)),
                                            signals=signals))
    return checked


def ingest(sessions: sessionmaker[Session], checklists: ChecklistCache, uploads: Sequence[Upload],
           auditor_id: str, clock: Callable[[], dt.datetime], *,
           signals: bool = True) -> list[VisitReceipt | ApiError]:
    """Store `uploads` for `auditor_id`, in order: one receipt (created or replayed) or one
    ApiError (409, or 422 with every problem) per upload. `signals` off: no integrity flags."""
    checked = _checked(sessions, checklists, uploads, auditor_id, clock, signals)
    stored = iter(store_revisions(sessions, [p for p in checked if isinstance(p, PreparedRevision)]))
    settled: list[tuple[PreparedRevision, StoredRevision] | ApiError] = []
    for item in checked:
        outcome = item if isinstance(item, ApiError) else next(stored)
        settled.append(outcome if isinstance(outcome, ApiError) else (item, outcome))  # type: ignore[arg-type]
    done = [pair for pair in settled if not isinstance(pair, ApiError)]
    if signals:
        store_cross_flags(sessions, [(p.visit, p.checklist) for p, s in done if s.status == "created"])
    with sessions() as session:
        lacking = set(missing_photos(session, [photo.sha256 for p, _ in done for photo in p.visit.photos]))
    return [pair if isinstance(pair, ApiError) else _receipt(*pair, lacking) for pair in settled]


def _receipt(prepared: PreparedRevision, stored: StoredRevision, lacking: set[str]) -> VisitReceipt:
    return VisitReceipt(id=prepared.visit.id, revision=stored.revision, status=stored.status,
                        received_at=utc(stored.received_at),
                        missing_photos=sorted({p.sha256 for p in prepared.visit.photos} & lacking))
