"""Review of stored visits (docs/integrity.md): the current state on the visit's head row, every
change in `visit_reviews`. Rejected visits leave the reports (`reports.py`)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .action_store import recount_actions_decided_by
from .schemas import ReviewChange, ReviewPublic
from .tables import VisitHead, VisitReview


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)  # SQLite hands back naive datetimes (stored in UTC)


def review_of(head: VisitHead) -> ReviewPublic:
    return ReviewPublic(state=head.review_state, reason=head.review_reason,  # type: ignore[arg-type]
                        by=head.reviewed_by, at=_utc(head.reviewed_at))


def review_history(session: Session, visit_id: str) -> list[ReviewChange]:
    """Every review change of the visit, oldest first."""
    return [ReviewChange(state=row.state, reason=row.reason, by=row.reviewer_id,  # type: ignore[arg-type]
                         at=_utc(row.at), revision=row.revision)
            for row in session.scalars(select(VisitReview).where(VisitReview.visit_id == visit_id)
                                       .order_by(VisitReview.id))]


def set_review(session: Session, head: VisitHead, state: str, reason: str | None,
               reviewer_id: str, now: dt.datetime) -> None:
    """Record a review of the visit's latest revision (the caller commits). The actions its
    re-checks decided are derived again: a rejected visit's verdicts stop counting."""
    session.execute(update(VisitHead).where(VisitHead.id == head.id).values(
        review_state=state, review_reason=reason, reviewed_by=reviewer_id, reviewed_at=now))
    session.execute(insert(VisitReview), [{
        "visit_id": head.id, "revision": head.latest_revision, "state": state, "reason": reason,
        "reviewer_id": reviewer_id, "at": now}])
    recount_actions_decided_by(session, head.id)
