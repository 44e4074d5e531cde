"""Storing corrective actions and appending their events, idempotently by client-made ids.

Every append runs in one transaction whose first statement claims the action's row
(`UPDATE actions SET event_count = event_count + 1`): appends to one action serialise on that
row on SQLite and PostgreSQL alike, the new event's `seq` is the claimed count, and the status
is re-derived from the stored events plus the new one with the domain's rules. The derived
figures are written back to the action row in the same transaction, so they never disagree
with the history. Automatic re-checks (`recheck_after_visit`) run inside the transaction that
stores a visit, so a visit and the events it causes commit together.

Rejected visits leave the numbers here too: an event decided by a visit whose review is
`rejected` stays in the history with `counted: false`, and the status is derived from the
counted events only (`recount_actions_decided_by`, run whenever a visit's review changes)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from audit_app.domain.actions import (
    STILL_OPEN, SYSTEM, ActionEvent, NewAction, NewEvent, Status, action_figures, event_problems,
)

from .tables import Action, ActionEventRow, ActionPhoto, VisitHead

REJECTED_VISITS = select(VisitHead.id).where(VisitHead.review_state == "rejected")


def body_hash(model: NewAction | NewEvent) -> str:
    """SHA-256 of the body's canonical JSON: equal hashes are a replay, different a conflict."""
    text = json.dumps(model.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def insert_action(session: Session, action: NewAction, created_by: str, now: dt.datetime) -> None:
    """The new action's row (IntegrityError if the id exists); the caller's transaction commits."""
    session.connection().execute(insert(Action.__table__), {
        "id": action.id, "site_id": action.site_id, "visit_id": action.visit_id,
        "item_key": action.item_key, "title": action.title, "priority": action.priority,
        "due_on": action.due_on, "assignee": action.assignee, "created_by": created_by,
        "created_at": action.created_at.astimezone(dt.UTC),
        "created_on": action.created_at.date(), "content_hash": body_hash(action),
        "received_at": now, "event_count": 0, "status": "open"})


def stored_events(session: Session, action_id: str) -> list[ActionEvent]:
    """Every event of the action in order; those decided by a rejected visit not `counted`."""
    rows = session.execute(select(ActionEventRow, VisitHead.review_state)
                           .outerjoin(VisitHead, VisitHead.id == ActionEventRow.visit_id)
                           .where(ActionEventRow.action_id == action_id)
                           .order_by(ActionEventRow.seq))
    return [event_from_row(row, counted=review_state != "rejected") for row, review_state in rows]


def counted_events(session: Session, action_id: str) -> list[ActionEvent]:
    return [event for event in stored_events(session, action_id) if event.counted]


def event_from_row(row: ActionEventRow, *, counted: bool = True) -> ActionEvent:
    return ActionEvent(id=row.id, type=row.type, note=row.note, cause=row.cause,  # type: ignore[arg-type]
                       root_cause=row.root_cause, photos=json.loads(row.photos), at=utc(row.at),
                       by=row.by, visit_id=row.visit_id, counted=counted)


class EventRefused(Exception):
    """The event is not possible for the action's current status (or lacks what it needs)."""

    def __init__(self, problems: list) -> None:  # type: ignore[type-arg]
        super().__init__("event refused")
        self.problems = problems


def append_event(session: Session, action_id: str, event: NewEvent, by: str, now: dt.datetime,
                 *, photo_required: bool = False, visit_id: str | None = None) -> Status:
    """Append `event` inside the caller's transaction and return the new status.

    Raises EventRefused (nothing written once the caller rolls back), LookupError for an
    unknown action, or IntegrityError when the event id is already stored."""
    claimed = session.execute(update(Action).where(Action.id == action_id)
                              .values(event_count=Action.event_count + 1)
                              .returning(Action.event_count, Action.created_at)).first()
    if claimed is None:
        raise LookupError(action_id)
    seq, created_at = claimed
    history: Sequence[NewEvent] = counted_events(session, action_id)
    status = action_figures(utc(created_at), history).status
    problems = event_problems(status, event, photo_required=photo_required)
    if problems:
        raise EventRefused(problems)
    connection = session.connection()
    connection.execute(insert(ActionEventRow.__table__), {
        "id": event.id, "action_id": action_id, "seq": seq, "type": event.type,
        "note": event.note, "cause": event.cause, "root_cause": event.root_cause,
        "photos": json.dumps(event.photos), "at": event.at.astimezone(dt.UTC), "by": by,
        "visit_id": visit_id, "content_hash": body_hash(event), "received_at": now})
    cited = sorted(set(event.photos))
    if cited:
        connection.execute(insert(ActionPhoto.__table__),
                           [{"event_id": event.id, "sha256": sha} for sha in cited])
    return _write_figures(session, action_id, utc(created_at), [*history, event])


def _write_figures(session: Session, action_id: str, created_at: dt.datetime,
                   counted: Sequence[NewEvent]) -> Status:
    figures = action_figures(created_at, counted)
    session.execute(update(Action).where(Action.id == action_id).values(
        status=figures.status, last_resolved_at=figures.last_resolved_at,
        days_to_resolve=figures.days_to_resolve, closed_on=figures.closed_on,
        first_recheck=figures.first_recheck))
    return figures.status


def recount_actions_decided_by(session: Session, visit_id: str) -> int:
    """Derive again the status of every action an event of `visit_id` decided, after the
    visit's review changed (rejected: its events stop counting; any other state: they count
    again). The caller's transaction commits. Returns how many actions were recounted."""
    decided = session.scalars(select(ActionEventRow.action_id).distinct()
                              .where(ActionEventRow.visit_id == visit_id)
                              .order_by(ActionEventRow.action_id)).all()
    for action_id in decided:
        # Claim the row first, as an append does, so a concurrent append cannot interleave.
        created_at = session.execute(update(Action).where(Action.id == action_id)
                                     .values(event_count=Action.event_count)
                                     .returning(Action.created_at)).scalar_one()
        _write_figures(session, action_id, utc(created_at), counted_events(session, action_id))
    return len(decided)


def system_event_id(action_id: str, visit_id: str) -> str:
    """A uuid4-shaped id made from the action and the visit: one re-check event per pair, so
    storing the visit again (a replay, a new revision) never adds a second one."""
    digest = hashlib.sha256(f"recheck/{action_id}/{visit_id}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def sites_with_open_actions(session: Session, site_ids: Iterable[str]) -> set[str]:
    """The sites among `site_ids` with an action a visit could re-check (resolved or still
    open): a batch of visits asks once and re-checks only at those sites."""
    wanted = sorted(set(site_ids))
    if not wanted:
        return set()
    return set(session.scalars(select(Action.site_id).distinct().where(
        Action.site_id.in_(wanted), Action.status.in_(["resolved", *sorted(STILL_OPEN)]))))


def recheck_after_visit(session: Session, visit_id: str, site_id: str, started_at: dt.datetime,
                        at: dt.datetime, outcomes: dict[str, str], now: dt.datetime) -> int:
    """Re-check the site's actions against a stored visit (`outcomes`: item_key → pass/fail/na).

    A resolved action whose item the visit scored, in a visit started after the resolve, gets
    `verify` (pass) or `reopen` (fail) by `system`; a still-open action whose item the visit
    failed gets a `comment` naming the visit instead of a second action. Returns the count."""
    scored = {key: result for key, result in outcomes.items() if result in ("pass", "fail")}
    if not scored:
        return 0
    candidates = session.execute(
        select(Action.id, Action.item_key, Action.status, Action.last_resolved_at, Action.visit_id)
        .where(Action.site_id == site_id, Action.item_key.in_(sorted(scored)),
               Action.status.in_(["resolved", *sorted(STILL_OPEN)]))
        .order_by(Action.id)).all()
    added = 0
    for action_id, item_key, status, last_resolved_at, raised_in in candidates:
        result = scored[item_key]
        if status == "resolved":
            if last_resolved_at is None or utc(last_resolved_at) >= started_at:
                continue  # the visit began before the fix: it cannot judge it
            kind = "verify" if result == "pass" else "reopen"
        elif result == "fail" and raised_in != visit_id:
            kind = "comment"
        else:
            continue
        event_id = system_event_id(action_id, visit_id)
        if session.get(ActionEventRow, event_id) is not None:
            continue
        try:
            # A savepoint: if another append changed the status since it was read (PostgreSQL,
            # read committed), this re-check is skipped and the visit still stores.
            with session.begin_nested():
                append_event(session, action_id, NewEvent(id=event_id, type=kind, at=at),  # type: ignore[arg-type]
                             SYSTEM, now, visit_id=visit_id)
        except EventRefused:
            continue
        added += 1
    return added
