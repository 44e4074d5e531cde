"""`/visits`: upload a visit revision (auditors) and read stored visits (owner, managers, admins).

Who may read a visit: see `access.py`. Anyone else gets 404, as if the visit did not exist, so
ids of other people's visits leak nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import exists, select

from audit_app.domain import Visit

from ..access import may_read_visit
from ..deps import AuditorUser, ChecklistsDep, ClockDep, SessionsDep, SettingsDep, VisitReader
from ..errors import (
    BODY_TOO_LARGE, INVALID_REQUEST, NOT_FOUND, ApiError, ErrorDetail, ErrorInfo,
    error_responses, validation_details,
)
from ..integrity import public_flags
from ..review import review_history, review_of
from ..schemas import (
    MAX_BATCH_VISITS, BatchAnswer, BatchResult, FlagPublic, ObservationOutcome, ReviewState,
    VisitBatch, VisitDetail, VisitReceipt, VisitSummary,
)
from ..settings import Settings
from ..tables import ObservationRow, Site, User, VisitFlag, VisitHead, VisitRevision
from ..visit_ingest import Upload, ingest
from ..visit_store import load_visit, missing_photos

router = APIRouter(prefix="/visits", tags=["visits"], responses=error_responses(401, 403, 422))
VisitIdPath = Annotated[str, Path(min_length=1, max_length=64)]


def _put(sessions: SessionsDep, checklists: ChecklistsDep, settings: Settings,
         clock: Callable[[], dt.datetime], user: User, visit_id: str, visit: Visit) -> VisitReceipt:
    (outcome,) = ingest(sessions, checklists, [Upload(visit_id, visit)], user.id, clock,
                        signals=settings.integrity_signals)
    if isinstance(outcome, ApiError):
        raise outcome
    return outcome


@router.put("/{visit_id}", status_code=200,
            responses={201: {"model": VisitReceipt, "description": "stored a new revision"},
                       **error_responses(400, 409, 413, 422)})
async def put_visit(user: AuditorUser, sessions: SessionsDep, checklists: ChecklistsDep,
                    settings: SettingsDep, clock: ClockDep, visit_id: VisitIdPath, visit: Visit,
                    response: Response) -> VisitReceipt:
    """Upload a visit revision: 201 stored, 200 replay of the same content, 409 conflict."""
    receipt = await run_in_threadpool(_put, sessions, checklists, settings, clock, user,
                                      visit_id, visit)
    response.status_code = 201 if receipt.status == "created" else 200
    return receipt


def _batch_result(outcome: VisitReceipt | ApiError, visit_id: str) -> BatchResult:
    if isinstance(outcome, ApiError):
        return BatchResult(id=visit_id, status_code=outcome.status, error=ErrorInfo(
            code=outcome.code, message=outcome.message, details=outcome.details))
    return BatchResult(status_code=201 if outcome.status == "created" else 200,
                       **outcome.model_dump())


def _store_batch(sessions: SessionsDep, checklists: ChecklistsDep, settings: Settings,
                 clock: Callable[[], dt.datetime], user: User, batch: VisitBatch) -> BatchAnswer:
    """Each visit as `PUT /visits/{its id}` would answer it: a malformed one is its own 422, the
    others go through `ingest` together (one transaction, a savepoint each)."""
    parsed: list[Visit | BatchResult] = []
    for raw in batch.visits:
        try:
            parsed.append(Visit.model_validate(raw))
        except ValidationError as exc:
            parsed.append(BatchResult(
                id=raw.get("id") if isinstance(raw.get("id"), str) else None, status_code=422,
                error=ErrorInfo(code=INVALID_REQUEST, message="the visit is not valid",
                                details=validation_details([{**e, "loc": ("body", *e["loc"])}
                                                            for e in exc.errors()]))))
    visits = [item for item in parsed if isinstance(item, Visit)]
    outcomes = iter(ingest(sessions, checklists, [Upload(v.id, v) for v in visits], user.id, clock,
                           signals=settings.integrity_signals))
    return BatchAnswer(results=[item if isinstance(item, BatchResult)
                                else _batch_result(next(outcomes), item.id) for item in parsed])


@router.post("/batch", responses=error_responses(400, 413))
async def post_visit_batch(user: AuditorUser, sessions: SessionsDep, checklists: ChecklistsDep,
                           settings: SettingsDep, clock: ClockDep, batch: VisitBatch) -> BatchAnswer:
    """Upload up to 50 visit revisions: one result per visit, in order, each what PUT would
    have answered (one bad visit does not fail the others)."""
    if len(batch.visits) > MAX_BATCH_VISITS:
        raise ApiError(413, BODY_TOO_LARGE, f"a batch holds at most {MAX_BATCH_VISITS} visits, "
                                            f"not {len(batch.visits)}")
    return await run_in_threadpool(_store_batch, sessions, checklists, settings, clock, user, batch)


@router.get("/{visit_id}", responses=error_responses(404))
def get_visit(user: VisitReader, sessions: SessionsDep, visit_id: VisitIdPath) -> VisitDetail:
    """The latest stored revision with the server's outcomes and score."""
    with sessions() as session:
        stored = load_visit(session, visit_id)
        site = session.get(Site, stored.latest.site_id) if stored is not None else None
        if stored is None or not may_read_visit(user, stored.head.auditor_id,
                                           site.region if site else None):
            raise ApiError(404, NOT_FOUND, f"no visit {visit_id}")
        visit = Visit.model_validate_json(stored.latest.body)
        latest = stored.latest
        return VisitDetail(
            visit=visit, auditor_id=latest.auditor_id,
            received_at=_utc(latest.received_at),
            applicable=latest.applicable, passed=latest.passed, score=latest.score,
            visit_score=latest.visit_score, knocked_out=latest.knocked_out,
            outcomes=[ObservationOutcome(item_key=row.item_key, outcome=row.outcome,  # type: ignore[arg-type]
                                         staff_id=row.staff_id, dimension=row.dimension,
                                         weight=row.weight, critical=row.critical)
                      for row in stored.observations],
            missing_photos=missing_photos(session, [p.sha256 for p in visit.photos]),
            flags=[FlagPublic(**flag) for flag in
                   public_flags(session, [(latest.visit_id, latest.revision)])[latest.visit_id]],
            review=review_of(stored.head), review_history=review_history(session, visit_id))


VisitFilterId = Annotated[str | None,
                          Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]


@router.get("")
def list_visits(user: VisitReader, sessions: SessionsDep,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                site_id: VisitFilterId = None, checklist_id: VisitFilterId = None,
                staff_id: VisitFilterId = None,
                date_from: Annotated[dt.date | None, Query(alias="from",
                                                           description="first local date")] = None,
                date_to: Annotated[dt.date | None, Query(alias="to",
                                                         description="last local date")] = None,
                sort: Literal["received", "started"] = "received",
                flagged: bool | None = None,
                flag: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$")] = None,
                review: ReviewState | None = None) -> list[VisitSummary]:
    """Latest revisions the caller may read (auditors: their own), newest upload first, or
    newest visit first with `sort=started`. `site_id`, `checklist_id`, `staff_id`, `from` and `to`
    filter as the report filters do (dates are the visit's local date), so a report row's visits can
    be listed. `flagged`, `flag` (a flag code) and `review` (a review state) select by the
    integrity flags and review of docs/integrity.md."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="date_range", path="query.from", message="`from` must not be after `to`")])
    query = (select(VisitRevision, VisitHead).join(Site, Site.id == VisitRevision.site_id)
             .join(VisitHead, VisitHead.id == VisitRevision.visit_id)
             .where(VisitRevision.is_latest.is_(True)))
    has_flag = (select(VisitFlag.id).where(VisitFlag.visit_id == VisitRevision.visit_id,
                                           VisitFlag.revision == VisitRevision.revision))
    if flagged is not None:
        query = query.where(exists(has_flag) if flagged else ~exists(has_flag))
    if flag is not None:
        query = query.where(exists(has_flag.where(VisitFlag.code == flag)))
    if review is not None:
        query = query.where(VisitHead.review_state == review)
    if user.role == "auditor":
        query = query.where(VisitRevision.auditor_id == user.id)
    elif user.role == "manager" and user.region is not None:
        query = query.where(Site.region == user.region)
    if site_id is not None:
        query = query.where(VisitRevision.site_id == site_id)
    if checklist_id is not None:
        query = query.where(VisitRevision.checklist_id == checklist_id)
    if date_from is not None:
        query = query.where(VisitRevision.started_local_date >= date_from)
    if date_to is not None:
        query = query.where(VisitRevision.started_local_date <= date_to)
    if staff_id is not None:  # visits where this staff member was assessed (any observation)
        query = query.where(exists().where(ObservationRow.visit_id == VisitRevision.visit_id,
                                           ObservationRow.revision == VisitRevision.revision,
                                           ObservationRow.staff_id == staff_id))
    newest = VisitRevision.started_at if sort == "started" else VisitRevision.received_at
    query = query.order_by(newest.desc(), VisitRevision.visit_id)
    with sessions() as session:
        rows = list(session.execute(query.limit(limit).offset(offset)))
        flags = public_flags(session, [(row.visit_id, row.revision) for row, _head in rows])
        return [VisitSummary(
            id=row.visit_id, revision=row.revision, auditor_id=row.auditor_id, site_id=row.site_id,
            checklist_id=row.checklist_id, checklist_version=row.checklist_version,
            started_at=_utc(row.started_at), started_local_date=row.started_local_date,
            received_at=_utc(row.received_at),
            visit_score=row.visit_score, knocked_out=row.knocked_out,
            flags=[FlagPublic(**flag) for flag in flags[row.visit_id]],
            review_state=head.review_state,  # type: ignore[arg-type]
            review_reason=head.review_reason) for row, head in rows]


def _utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

