"""Corrective actions: a failed standard gets an owner, a deadline, a cause and a re-check.

An action's history is an append-only list of events; its status is never stored by a client,
it is derived here from the events (the server keeps a copy of the derived figures beside each
action so reports stay one GROUP BY, recomputed with these functions on every append).
Deadlines follow seed 004 ch.7 §2 (urgent 2, important 5, general 3 working days); causes are
seed 004 ch.7 §1's categories. Pure: `today` and `now` are always passed in."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, Field

from .checklist import Item, Key, Strict
from .problems import Problem
from .visit import EntityId, Sha256, VisitId

Priority = Literal["urgent", "important", "general"]
Cause = Literal["service_quality", "service_process", "facilities", "price", "attitude"]
EventType = Literal["start", "comment", "resolve", "verify", "reopen", "cant_do"]
Status = Literal["open", "in_progress", "resolved", "verified", "reopened", "cant_do"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)
CAUSES: tuple[Cause, ...] = get_args(Cause)
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
STATUSES: tuple[Status, ...] = get_args(Status)
# Statuses in which the action still waits for someone to act (overdue is judged only then).
STILL_OPEN: frozenset[Status] = frozenset({"open", "in_progress", "reopened"})
# Event types only a manager or an admin may add (or the server itself, as `system`).
MANAGER_EVENTS: frozenset[EventType] = frozenset({"verify", "reopen", "cant_do"})
SYSTEM = "system"  # the author of automatic re-check events

WORKING_DAYS: dict[Priority, int] = {"urgent": 2, "important": 5, "general": 3}

# What each event does to each status; a pair not listed is refused (`event_problems`).
# `comment` never changes the status, so it is accepted everywhere.
TRANSITIONS: dict[tuple[Status, EventType], Status] = {
    ("open", "start"): "in_progress", ("reopened", "start"): "in_progress",
    ("open", "resolve"): "resolved", ("in_progress", "resolve"): "resolved",
    ("reopened", "resolve"): "resolved",
    ("open", "cant_do"): "cant_do", ("in_progress", "cant_do"): "cant_do",
    ("reopened", "cant_do"): "cant_do",
    ("resolved", "verify"): "verified",
    ("resolved", "reopen"): "reopened", ("verified", "reopen"): "reopened",
    ("cant_do", "reopen"): "reopened",
    **{(status, "comment"): status for status in STATUSES},
}

Note = Annotated[str, Field(max_length=2000)]
Title = Annotated[str, Field(min_length=1, max_length=200)]


class NewAction(Strict):
    """What the phone sends to create an action (`PUT /actions/{id}`); ids are made on the phone."""

    id: VisitId
    site_id: EntityId
    visit_id: VisitId | None = None
    item_key: Key | None = None
    title: Title
    priority: Priority
    due_on: dt.date
    assignee: EntityId | None = None
    created_at: AwareDatetime


class NewEvent(Strict):
    """One event the phone appends (`POST /actions/{id}/events`)."""

    id: VisitId
    type: EventType
    note: Note | None = None
    cause: Cause | None = None
    root_cause: Note | None = None  # the "5 Why" chain, as text
    photos: list[Sha256] = []
    at: AwareDatetime


class ActionEvent(NewEvent):
    """A stored event: who added it, and for automatic re-checks the visit that decided it."""

    by: str
    visit_id: VisitId | None = None
    # False for a re-check by a visit a manager has since rejected: the event stays in the
    # history (nothing is deleted) and the action's status is derived without it.
    counted: bool = True


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday to Friday) after `start`; weekends are skipped."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def default_due_on(priority: Priority, today: dt.date) -> dt.date:
    return add_working_days(today, WORKING_DAYS[priority])


def default_priority(item: Item | None) -> Priority:
    """A failed critical (knock-out) item is urgent; anything else is general."""
    return "urgent" if item is not None and item.critical else "general"


def default_title(item: Item | None, language: str) -> str:
    if item is None:
        return ""
    return item.text.zh if language.startswith("zh") else item.text.en


def _problem(code: str, path: str, message: str, message_zh: str) -> Problem:
    return Problem(code=code, path=path, message=message, message_zh=message_zh)


STATUS_NAMES: dict[Status, tuple[str, str]] = {
    "open": ("open", "待处理"), "in_progress": ("in progress", "处理中"),
    "resolved": ("resolved", "已整改"), "verified": ("verified", "已验证"),
    "reopened": ("reopened", "已重开"), "cant_do": ("can't do", "无法整改"),
}


def event_problems(status: Status, event: NewEvent, *, photo_required: bool = False) -> list[Problem]:
    """Every reason `event` cannot be appended to an action whose status is `status`."""
    problems: list[Problem] = []
    if (status, event.type) not in TRANSITIONS:
        en, zh = STATUS_NAMES[status]
        problems.append(_problem("event_not_allowed", "type",
                                 f"{event.type}: not possible while the action is {en}",
                                 f"当前状态为“{zh}”，不能执行 {event.type}"))
    if event.type == "resolve":
        if not (event.note or "").strip():
            problems.append(_problem("missing_note", "note", "resolve: say what was done",
                                     "整改：请填写整改措施"))
        if event.cause is None:
            problems.append(_problem("missing_cause", "cause", "resolve: choose the cause category",
                                     "整改：请选择原因类别"))
        if not (event.root_cause or "").strip():
            problems.append(_problem("missing_root_cause", "root_cause",
                                     "resolve: give the root cause (5 Why)",
                                     "整改：请填写根本原因（5 个为什么）"))
        if photo_required and not event.photos:
            problems.append(_problem("missing_photo", "photos",
                                     "resolve: this item needs a photo of the fix",
                                     "整改：该项目需要上传整改后的照片"))
    if event.type == "cant_do" and not (event.note or "").strip():
        problems.append(_problem("missing_reason", "note", "can't do: give the reason",
                                 "无法整改：请填写原因"))
    return problems


def action_problems(action: NewAction, *, site_known: bool, assignee_known: bool,
                    visit_known: bool, item_known: bool) -> list[Problem]:
    """Every reason `action` cannot be created, given what the caller looked up."""
    problems: list[Problem] = []
    if not site_known:
        problems.append(_problem("unknown_site", "site_id", f"{action.site_id}: no such site",
                                 f"{action.site_id}：没有这个门店"))
    if action.visit_id is not None and not visit_known:
        problems.append(_problem("unknown_visit", "visit_id",
                                 f"{action.visit_id}: no such visit at this site",
                                 f"{action.visit_id}：该门店没有这次访问"))
    if action.item_key is not None and not item_known:
        problems.append(_problem("unknown_item", "item_key",
                                 f"{action.item_key}: not an item of the visit's checklist",
                                 f"{action.item_key}：不是该次访问检查表中的项目"))
    if action.item_key is not None and action.visit_id is None:
        problems.append(_problem("item_without_visit", "item_key",
                                 "an item needs the visit it failed in",
                                 "指定项目时需要注明所属的访问"))
    if action.assignee is not None and not assignee_known:
        problems.append(_problem("unknown_assignee", "assignee", f"{action.assignee}: no such user",
                                 f"{action.assignee}：没有这个用户"))
    if action.due_on < action.created_at.date():
        problems.append(_problem("due_before_created", "due_on",
                                 "the due date is before the action was created",
                                 "截止日期早于创建日期"))
    return problems


def derive_status(events: Iterable[NewEvent]) -> Status:
    """The status after `events` in order; an event the status does not allow changes nothing
    (the server refuses such events, so stored histories never contain one)."""
    status: Status = "open"
    for event in events:
        status = TRANSITIONS.get((status, event.type), status)
    return status


@dataclass(frozen=True)
class ActionFigures:
    """What reports need from one action's history, derived from its events alone."""

    status: Status
    last_resolved_at: dt.datetime | None  # the latest resolve; a re-check visit must start later
    days_to_resolve: float | None  # created → first resolve, in days
    closed_on: dt.date | None  # local date the action left the still-open statuses
    first_recheck: Literal["verify", "reopen"] | None  # the first verify/reopen after a resolve


def action_figures(created_at: dt.datetime, events: Sequence[NewEvent]) -> ActionFigures:
    status: Status = "open"
    last_resolved_at: dt.datetime | None = None
    first_resolved_at: dt.datetime | None = None
    closed_on: dt.date | None = None
    first_recheck: Literal["verify", "reopen"] | None = None
    for event in events:
        after = TRANSITIONS.get((status, event.type))
        if after is None:
            continue
        if event.type == "resolve":
            last_resolved_at = event.at
            first_resolved_at = first_resolved_at or event.at
        if status == "resolved" and event.type in ("verify", "reopen") and first_recheck is None:
            first_recheck = event.type  # type: ignore[assignment]
        if after not in STILL_OPEN and status in STILL_OPEN:
            closed_on = event.at.date()
        elif after in STILL_OPEN:
            closed_on = None
        status = after
    days = None
    if first_resolved_at is not None:
        days = round((first_resolved_at - created_at).total_seconds() / 86400, 4)
    return ActionFigures(status, last_resolved_at, days, closed_on, first_recheck)


def is_overdue(status: Status, due_on: dt.date, today: dt.date) -> bool:
    return status in STILL_OPEN and today > due_on


def days_open(created_on: dt.date, closed_on: dt.date | None, today: dt.date) -> int:
    """Whole days from creation to closing (or to `today` while still open)."""
    return max(0, ((closed_on or today) - created_on).days)


@dataclass(frozen=True)
class ActionSummary:
    """One action as reports see it: its group keys and its figures."""

    key: str | None
    due_on: dt.date
    figures: ActionFigures


class ActionReportRow(Strict):
    key: str | None
    label: str | None = None
    total: int
    open: int
    in_progress: int
    resolved: int
    verified: int
    reopened: int
    cant_do: int
    overdue: int
    median_days_to_resolve: float | None
    verified_first_time_rate: float | None


def report_row(key: str | None, actions: Sequence[ActionSummary], today: dt.date,
               label: str | None = None) -> ActionReportRow:
    """The report row of one group, the definition the server's SQL must agree with."""
    counts = {status: sum(a.figures.status == status for a in actions) for status in STATUSES}
    days = [a.figures.days_to_resolve for a in actions if a.figures.days_to_resolve is not None]
    rechecked = [a.figures.first_recheck for a in actions if a.figures.first_recheck is not None]
    return ActionReportRow(
        key=key, label=label, total=len(actions), **counts,
        overdue=sum(is_overdue(a.figures.status, a.due_on, today) for a in actions),
        median_days_to_resolve=round(statistics.median(days), 4) if days else None,
        verified_first_time_rate=(round(rechecked.count("verify") / len(rechecked), 4)
                                  if rechecked else None))


def report_rows(actions: Iterable[ActionSummary], today: dt.date) -> list[ActionReportRow]:
    groups: dict[str | None, list[ActionSummary]] = {}
    for action in actions:
        groups.setdefault(action.key, []).append(action)
    return [report_row(key, groups[key], today)
            for key in sorted(groups, key=lambda k: (k is None, k or ""))]
