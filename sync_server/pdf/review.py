"""A visit's review and integrity flags for its PDF, as `GET /visits/{id}` shows them: the
review state on the visit's head row (`sync_server/review.py`, a manager's decision in the review
queue) and the flags stored for the latest revision (`sync_server/integrity.py`), each with its
English and Chinese message. The PDF draws them after the failed items, as the app's visit detail
(audit_app/views/reports_visit.py) does: "not reviewed yet" for a visit no one has reviewed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..integrity import public_flags
from ..review import review_of
from ..tables import VisitHead


@dataclass(frozen=True)
class FlagText:
    code: str
    en: str
    zh: str


@dataclass(frozen=True)
class Review:
    state: str                       # received (not reviewed yet) | approved | has_issues | rejected
    reason: str | None = None
    flags: tuple[FlagText, ...] = ()


def visit_review(session: Session, head: VisitHead, revision: int) -> Review:
    """The review of the visit and the flags of `revision` (its latest)."""
    review = review_of(head)
    flags = public_flags(session, [(head.id, revision)])[head.id]
    return Review(state=review.state, reason=review.reason,
                  flags=tuple(FlagText(flag["code"], flag["message"], flag["message_zh"])
                              for flag in flags))
