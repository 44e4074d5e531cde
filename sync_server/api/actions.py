"""`/actions`: corrective actions raised from failed items, and their append-only events.

Idempotent by client-made ids like visits: the same body again answers 200, a different body
under a stored id 409. Who may see an action: `access.py`; anyone else gets 404. Auditors may
add `start`, `comment` and `resolve` to the actions they may see; `verify`, `reopen` and
`cant_do` are for managers and admins (403 for an auditor who can see the action)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audit_app.domain.actions import (
    MANAGER_EVENTS, STILL_OPEN, NewAction, NewEvent, Status, action_problems, days_open,
    is_overdue,
)

from ..access import may_read_action, may_read_visit, readable_actions
from ..action_schemas import (
    ACTION_CONFLICT, EVENT_CONFLICT, INVALID_ACTION, INVALID_EVENT, ActionDetail, ActionPublic,
    details, parse_body,
)
from ..action_store import EventRefused, append_event, body_hash, insert_action, stored_events, utc
from ..catalog import ChecklistCache
from ..deps import ChecklistsDep, ClockDep, SessionsDep, VisitReader
from ..errors import FORBIDDEN, INVALID_REQUEST, NOT_FOUND, ApiError, ErrorDetail, error_responses
from ..tables import Action, ActionEventRow, Site, User, VisitHead, VisitRevision
from ..visit_store import missing_photos

router = APIRouter(prefix="/actions", tags=["actions"], responses=error_responses(401, 403, 422))
ActionIdPath = Annotated[str, Path(min_length=1, max_length=64)]
FilterId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
Today = Annotated[dt.date | None, Query(description="the date overdue and age are judged on "
                                                    "(default: the server's date)")]


def _region(session: Session, site_id: str) -> str | None:
    site = session.get(Site, site_id)
    return site.region if site is not None else None


def _visible(session: Session, user: User, action_id: str) -> Action:
    action = session.get(Action, action_id)
    if action is None or not may_read_action(user, action.created_by, action.assignee,
                                             _region(session, action.site_id)):
        raise ApiError(404, NOT_FOUND, f"no action {action_id}")
    return action


def _public(action: Action, today: dt.date) -> dict[str, Any]:
    status: Status = action.status  # type: ignore[assignment]
    return dict(id=action.id, site_id=action.site_id, visit_id=action.visit_id,
                item_key=action.item_key, title=action.title, priority=action.priority,
                due_on=action.due_on, assignee=action.assignee, created_by=action.created_by,
                created_at=utc(action.created_at), status=status,
                overdue=is_overdue(status, action.due_on, today),
                days_open=days_open(action.created_on, action.closed_on, today),
                events=action.event_count)


def _detail(session: Session, checklists: ChecklistCache, action: Action, today: dt.date) -> ActionDetail:
    history = stored_events(session, action.id)
    cited = [sha for event in history for sha in event.photos]
    _head, _latest, item = _visit_checklist_item(session, checklists, action.visit_id, action.item_key)
    return ActionDetail(**_public(action, today) | {"events": len(history)}, history=history,
                        missing_photos=missing_photos(session, cited),
                        photo_required=item is not None and item.photo == "required")


def _visit_checklist_item(session: Session, checklists: ChecklistCache, visit_id: str | None,
                          item_key: str | None):  # type: ignore[no-untyped-def]
    """The latest revision of the visit and the checklist item `item_key` in it (or None)."""
    head = session.get(VisitHead, visit_id) if visit_id else None
    latest = session.get(VisitRevision, (head.id, head.latest_revision)) if head else None
    item = None
    if latest is not None and item_key is not None:
        checklist = checklists.get(session, latest.checklist_id, latest.checklist_version)
        item = checklist.item_map.get(item_key) if checklist is not None else None
    return head, latest, item


def _create(sessions: SessionsDep, checklists: ChecklistCache, user: User, action_id: str,
            raw: Any, now: dt.datetime) -> tuple[int, ActionDetail]:
    action = parse_body(NewAction, raw, INVALID_ACTION)
    today = now.date()
    with sessions() as session:
        stored = session.get(Action, action.id)
        if stored is not None:
            return _replay_action(session, checklists, user, stored, action, today)
        problems = []
        if action.id != action_id:
            problems.append(ErrorDetail(code="id_mismatch", path="id",
                                        message=f"the body's id {action.id} is not the path's {action_id}",
                                        message_zh="整改编号与提交地址不一致"))
        site = session.get(Site, action.site_id)
        if site is not None and not may_read_visit(user, user.id, site.region):
            raise ApiError(404, NOT_FOUND, f"no site {action.site_id} for you")
        head, latest, item = _visit_checklist_item(session, checklists, action.visit_id,
                                                   action.item_key)
        visit_known = (head is not None and latest is not None and latest.site_id == action.site_id
                       and may_read_visit(user, head.auditor_id, site.region if site else None))
        if user.role == "auditor" and action.visit_id is None:
            problems.append(ErrorDetail(code="visit_required", path="visit_id",
                                        message="an auditor raises actions from one of their visits",
                                        message_zh="检查员需从自己的访问中创建整改"))
        assignee_known = action.assignee is None or session.get(User, action.assignee) is not None
        problems += details(action_problems(action, site_known=site is not None,
                                            assignee_known=assignee_known, visit_known=visit_known,
                                            item_known=item is not None or not visit_known))
        if problems:
            raise ApiError(422, INVALID_ACTION, f"the action has {len(problems)} problem(s)", problems)
    try:
        with sessions.begin() as session:
            insert_action(session, action, user.id, now)
    except IntegrityError:
        with sessions() as session:  # a concurrent upload of the same id won
            stored = session.get(Action, action.id)
            if stored is None:
                raise
            return _replay_action(session, checklists, user, stored, action, today)
    with sessions() as session:
        return 201, _detail(session, checklists, _visible(session, user, action.id), today)


def _replay_action(session: Session, checklists: ChecklistCache, user: User, stored: Action, action: NewAction,
                   today: dt.date) -> tuple[int, ActionDetail]:
    _visible(session, user, stored.id)
    if stored.content_hash != body_hash(action) or stored.created_by != user.id:
        raise ApiError(409, ACTION_CONFLICT, "this action id is already stored with a different body")
    return 200, _detail(session, checklists, stored, today)


@router.put("/{action_id}", status_code=200, response_model=ActionDetail,
            responses={201: {"model": ActionDetail, "description": "created"},
                       **error_responses(404, 409)})
async def put_action(user: VisitReader, sessions: SessionsDep, checklists: ChecklistsDep,
                     clock: ClockDep, action_id: ActionIdPath, response: Response,
                     body: Annotated[Any, Body(description="a NewAction")]) -> ActionDetail:
    """Create an action (201), replay it (200) or refuse a different body under its id (409)."""
    status, detail = await run_in_threadpool(_create, sessions, checklists, user, action_id,
                                             body, clock())
    response.status_code = status
    return detail


def _add_event(sessions: SessionsDep, checklists: ChecklistCache, user: User, action_id: str,
               raw: Any, now: dt.datetime) -> tuple[int, ActionDetail]:
    event = parse_body(NewEvent, raw, INVALID_EVENT)
    today = now.date()
    with sessions() as session:
        action = _visible(session, user, action_id)
        replay = _replay_event(session, checklists, user, action, event, today)
        if replay is not None:
            return replay
        if event.type in MANAGER_EVENTS and user.role == "auditor":
            raise ApiError(403, FORBIDDEN, f"only a manager or an admin may add {event.type}")
        _head, _latest, item = _visit_checklist_item(session, checklists, action.visit_id,
                                                     action.item_key)
        photo_required = item is not None and item.photo == "required"
    try:
        with sessions.begin() as session:
            append_event(session, action_id, event, user.id, now, photo_required=photo_required)
    except EventRefused as refused:
        raise ApiError(422, INVALID_EVENT, f"the event has {len(refused.problems)} problem(s)",
                       details(refused.problems)) from None
    except IntegrityError:
        with sessions() as session:
            action = _visible(session, user, action_id)
            replay = _replay_event(session, checklists, user, action, event, today)
            if replay is None:
                raise
            return replay
    with sessions() as session:
        return 201, _detail(session, checklists, _visible(session, user, action_id), today)


def _replay_event(session: Session, checklists: ChecklistCache, user: User, action: Action, event: NewEvent,
                  today: dt.date) -> tuple[int, ActionDetail] | None:
    stored = session.get(ActionEventRow, event.id)
    if stored is None:
        return None
    if stored.action_id != action.id or stored.content_hash != body_hash(event) or stored.by != user.id:
        raise ApiError(409, EVENT_CONFLICT, "this event id is already stored with a different body")
    return 200, _detail(session, checklists, action, today)


@router.post("/{action_id}/events", status_code=200, response_model=ActionDetail,
             responses={201: {"model": ActionDetail, "description": "appended"},
                        **error_responses(404, 409)})
async def post_event(user: VisitReader, sessions: SessionsDep, checklists: ChecklistsDep,
                     clock: ClockDep, action_id: ActionIdPath, response: Response,
                     body: Annotated[Any, Body(description="a NewEvent")]) -> ActionDetail:
    """Append an event (201), replay it (200) or refuse a different body under its id (409)."""
    status, detail = await run_in_threadpool(_add_event, sessions, checklists, user, action_id,
                                             body, clock())
    response.status_code = status
    return detail


@router.get("/{action_id}", responses=error_responses(404))
def get_action(user: VisitReader, sessions: SessionsDep, checklists: ChecklistsDep, clock: ClockDep,
               action_id: ActionIdPath, today: Today = None) -> ActionDetail:
    """One action with every event, oldest first, and whether resolving it needs a photo."""
    with sessions() as session:
        return _detail(session, checklists, _visible(session, user, action_id), today or clock().date())


@router.get("")
def list_actions(user: VisitReader, sessions: SessionsDep, clock: ClockDep,
                 site_id: FilterId = None, status: Status | None = None,
                 overdue: bool | None = None, assignee: FilterId = None,
                 visit_id: FilterId = None,
                 date_from: Annotated[dt.date | None, Query(alias="from")] = None,
                 date_to: Annotated[dt.date | None, Query(alias="to")] = None,
                 today: Today = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0) -> list[ActionPublic]:
    """Actions the caller may see, soonest due first; `from`/`to` are creation dates."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="date_range", path="query.from", message="`from` must not be after `to`",
            message_zh="开始日期不能晚于结束日期")])
    today = today or clock().date()
    query = select(Action).where(readable_actions(user))
    for column, value in ((Action.site_id, site_id), (Action.status, status),
                          (Action.assignee, assignee), (Action.visit_id, visit_id)):
        if value is not None:
            query = query.where(column == value)
    late = Action.status.in_(sorted(STILL_OPEN)) & (Action.due_on < today)
    if overdue is not None:
        query = query.where(late if overdue else ~late)
    if date_from is not None:
        query = query.where(Action.created_on >= date_from)
    if date_to is not None:
        query = query.where(Action.created_on <= date_to)
    query = query.order_by(Action.due_on, Action.id).limit(limit).offset(offset)
    with sessions() as session:
        return [ActionPublic(**_public(row, today)) for row in session.scalars(query)]
