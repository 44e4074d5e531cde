"""`PUT /visits/{id}/review`: a manager of the visit's region (or one without a region) or an
admin approves a visit, or marks it as having issues or rejected, with a reason for the last
two. Auditors get 403 (the wrong role); a manager of another region gets 404, as if the visit
did not exist (`access.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..access import may_read_visit
from ..deps import ClockDep, ManagerUser, SessionDep
from ..errors import INVALID_REQUEST, NOT_FOUND, ApiError, ErrorDetail, error_responses
from ..review import review_history, review_of, set_review
from ..schemas import ReviewChange, ReviewPublic, ReviewUpdate
from ..tables import Site, VisitHead, VisitRevision

router = APIRouter(prefix="/visits", tags=["review"], responses=error_responses(401, 403, 422))


class ReviewAnswer(ReviewPublic):
    history: list[ReviewChange]


@router.put("/{visit_id}/review", responses=error_responses(404))
def put_review(user: ManagerUser, session: SessionDep, clock: ClockDep,
               visit_id: Annotated[str, Path(min_length=1, max_length=64)],
               body: ReviewUpdate) -> ReviewAnswer:
    """Review the visit's latest revision; every change is kept (`history`, oldest first)."""
    head = session.get(VisitHead, visit_id)
    latest = session.get(VisitRevision, (visit_id, head.latest_revision)) if head else None
    site = session.get(Site, latest.site_id) if latest else None
    if head is None or not may_read_visit(user, head.auditor_id, site.region if site else None):
        raise ApiError(404, NOT_FOUND, f"no visit {visit_id}")
    reason = (body.reason or "").strip() or None
    if body.state != "approved" and reason is None:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="reason_required", path="body.reason",
            message=f"a reason is required to mark a visit {body.state.replace('_', ' ')}",
            message_zh="标记为“有问题”或“拒绝”时必须填写原因。")])
    set_review(session, head, body.state, reason, user.id, clock())
    session.commit()
    session.refresh(head)
    return ReviewAnswer(**review_of(head).model_dump(), history=review_history(session, visit_id))
