"""Demo corrective actions: some in every state (open, overdue, in progress, resolved,
verified, reopened, can't do), raised from the demo visits' failed items, so the Actions
screen and the actions report are populated on first run.

Deterministic given the stored visits, the seed and `now` (never the clock): ids come from the
seed and the failure they are about, so a second run adds nothing twice. Everything goes
through the same code as `PUT /actions` and `POST /actions/{id}/events`."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from audit_app.domain.actions import NewAction, NewEvent, default_due_on, default_priority

from .action_store import append_event, insert_action
from .catalog import ChecklistCache
from .tables import Action, ObservationRow, VisitHead

# One state per demo action, in turn; each path is the events that lead to it.
PATHS: list[list[str]] = [
    [], ["start"], ["start", "resolve"], ["resolve", "verify"], ["start", "resolve", "reopen"],
    ["cant_do"], [], ["start", "comment"], ["resolve", "verify"],
]
MANAGER = "demo-manager"
ACTIONS = 18
SPREAD_DAYS = 21  # the actions are raised from failures of the last three weeks


def _demo_id(seed: int, *parts: str) -> str:
    digest = hashlib.sha256("/".join([str(seed), *parts]).encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def _event(seed: int, action_id: str, kind: str, at: dt.datetime) -> NewEvent:
    fields: dict[str, object] = {}
    if kind == "resolve":
        fields = {"note": "Team briefed and the fix checked on site 已培训并现场检查",
                  "cause": "service_process",
                  "root_cause": "No one owned the check → the duty roster now names an owner "
                                "无人负责 → 排班表已指定负责人"}
    elif kind == "cant_do":
        fields = {"note": "Needs head-office budget 需要总部预算"}
    elif kind == "comment":
        fields = {"note": "Parts ordered 已订购配件"}
    return NewEvent(id=_demo_id(seed, action_id, kind, at.isoformat()), type=kind, at=at,  # type: ignore[arg-type]
                    **fields)


def _spread(failures: list, now: dt.datetime) -> list:  # type: ignore[type-arg]
    """ACTIONS failures of different visits, spread evenly over the last SPREAD_DAYS (newest
    first): the newest alone all fall in the last days of a large demo, where nothing is
    overdue yet; spread out, the early open ones are."""
    distinct, seen_visits = [], set()
    for row in failures:
        if row.visit_id not in seen_visits:
            seen_visits.add(row.visit_id)
            distinct.append(row)
    since = now - dt.timedelta(days=SPREAD_DAYS)
    recent = [row for row in distinct if _aware(row.started_at) >= since]
    pool = recent if len(recent) >= ACTIONS else distinct
    if len(pool) <= ACTIONS:
        return pool
    return [pool[round(n * (len(pool) - 1) / (ACTIONS - 1))] for n in range(ACTIONS)]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def add_demo_actions(sessions: sessionmaker[Session], seed: int, now: dt.datetime) -> int:
    """Raise the demo actions (newest failures first); returns how many are new."""
    cache = ChecklistCache()
    with sessions() as session:
        failures = session.execute(
            select(ObservationRow.visit_id, ObservationRow.item_key, ObservationRow.site_id,
                   ObservationRow.checklist_id, ObservationRow.checklist_version,
                   ObservationRow.started_at, VisitHead.auditor_id)
            .join(VisitHead, VisitHead.id == ObservationRow.visit_id)
            .where(ObservationRow.is_latest.is_(True), ObservationRow.outcome == "fail")
            .order_by(ObservationRow.started_at.desc(), ObservationRow.visit_id,
                      ObservationRow.item_key)).all()
    picked = _spread(failures, now)
    added = 0
    latest = now - dt.timedelta(minutes=5)
    for number, row in enumerate(picked):
        action_id = _demo_id(seed, "action", row.visit_id, row.item_key)
        with sessions.begin() as session:
            if session.get(Action, action_id) is not None:
                continue
            checklist = cache.get(session, row.checklist_id, row.checklist_version)
            item = checklist.item_map.get(row.item_key) if checklist is not None else None
            started = _aware(row.started_at)
            created = min(started + dt.timedelta(hours=2), latest)
            priority = default_priority(item)
            action = NewAction(
                id=action_id, site_id=row.site_id, visit_id=row.visit_id, item_key=row.item_key,
                title=f"{item.text.en} {item.text.zh}"[:200] if item else row.item_key,
                priority=priority, due_on=default_due_on(priority, created.date()),
                assignee=MANAGER if number % 2 else row.auditor_id, created_at=created)
            insert_action(session, action, row.auditor_id, now)
            for step, kind in enumerate(PATHS[number % len(PATHS)], start=1):
                at = min(created + dt.timedelta(days=step), latest)
                by = MANAGER if kind in ("verify", "reopen", "cant_do") else action.assignee or row.auditor_id
                append_event(session, action_id, _event(seed, action_id, kind, at), by, now)
        added += 1
    return added
