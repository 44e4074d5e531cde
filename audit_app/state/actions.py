"""Corrective actions as one app session sees them: the list (open and overdue first), one
action's timeline with the events the signed-in role may add, the create form prefilled from a
failed item, and the resolve form. No widgets here; every store call goes through the device
lock in a worker thread, and everything made here waits in the actions outbox for the sync."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal

from audit_app.domain.actions import (
    CAUSES, MANAGER_EVENTS, TRANSITIONS, EventType, NewAction, NewEvent, Priority, default_due_on,
    default_priority, default_title, event_problems,
)
from audit_app.store import ActionView

from .errors import ActionRefused, problem_error, refuse

if TYPE_CHECKING:
    from .app_state import AppState


class ActionsRoute:
    LIST = "/actions"
    DETAIL = "/actions/one"
    CREATE = "/actions/new"


ListFilter = Literal["open", "overdue", "all"]
EVENT_ORDER: tuple[EventType, ...] = ("start", "comment", "resolve", "verify", "reopen", "cant_do")


@dataclass
class ActionDraft:
    """The create form: prefilled from the failed item, edited by the user."""

    site_id: str = ""
    visit_id: str | None = None
    item_key: str | None = None
    title: str = ""
    priority: Priority = "general"
    due_on: date | None = None
    assignee: str = ""


@dataclass
class EventDraft:
    """The resolve (and comment / can't do) form."""

    note: str = ""
    cause: str | None = None
    root_cause: str = ""
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ActionRow:
    id: str
    title: str
    site_id: str
    status: str
    due_on: date
    overdue: bool
    days_open: int
    synced: bool


class ActionsSession:
    def __init__(self, app: AppState) -> None:
        self.app = app
        self.filter: ListFilter = "open"
        self.views: list[ActionView] = []
        self.selected: str | None = None
        self.draft = ActionDraft()
        self.event = EventDraft()

    @property
    def today(self) -> date:
        return self.app.now().date()

    @property
    def _book(self):  # type: ignore[no-untyped-def]
        return self.app.device.store.actions

    async def reload(self) -> None:
        self.views = await self.app.access.locked(self._book.views)

    async def open(self) -> bool:
        async def action() -> None:
            await self.reload()
            self.app.go(ActionsRoute.LIST)
        return await self.app.act(action)

    # -- the list ----------------------------------------------------------------------------

    def set_filter(self, choice: ListFilter) -> None:
        self.filter = choice
        self.app.changed()

    def rows(self) -> list[ActionRow]:
        """The list as filtered: still-open (or overdue) actions soonest due first."""
        today = self.today
        rows = [ActionRow(v.action.id, v.action.title, v.action.site_id, v.status, v.action.due_on,
                          v.overdue(today), v.days_open(today), v.synced) for v in self.views]
        if self.filter == "open":
            rows = [r for r in rows if r.status in ("open", "in_progress", "reopened")]
        elif self.filter == "overdue":
            rows = [r for r in rows if r.overdue]
        return sorted(rows, key=lambda r: (r.due_on, r.id))

    def open_for_site(self, site_id: str) -> list[ActionRow]:
        """The site's still-open actions ("re-check these" when a visit starts there)."""
        return [r for r in self.rows_all() if r.site_id == site_id
                and r.status in ("open", "in_progress", "reopened", "resolved")]

    def rows_all(self) -> list[ActionRow]:
        keep, self.filter = self.filter, "all"
        try:
            return self.rows()
        finally:
            self.filter = keep

    # -- one action --------------------------------------------------------------------------

    def select(self, action_id: str) -> None:
        self.selected = action_id
        self.event = EventDraft()
        self.app.go(ActionsRoute.DETAIL)

    @property
    def current(self) -> ActionView | None:
        return next((v for v in self.views if v.action.id == self.selected), None)

    def allowed_events(self) -> list[EventType]:
        """The events the signed-in role may add to the selected action in its status."""
        view = self.current
        if view is None:
            return []
        role = self.app.roster.role or "auditor"
        return [kind for kind in EVENT_ORDER if (view.status, kind) in TRANSITIONS
                and (role in ("manager", "admin") or kind not in MANAGER_EVENTS)]

    async def add_event(self, kind: EventType) -> bool:
        async def action() -> None:
            view = self.current
            if view is None:
                raise refuse("no_action", "actions.error.none_selected")
            if kind not in self.allowed_events():
                raise refuse("event_not_allowed", "actions.error.not_allowed")
            draft = self.event
            event = NewEvent(id=str(uuid.uuid4()), type=kind, note=draft.note.strip() or None,
                             cause=draft.cause if kind == "resolve" else None,  # type: ignore[arg-type]
                             root_cause=draft.root_cause.strip() or None if kind == "resolve" else None,
                             photos=list(draft.photos) if kind == "resolve" else [],
                             at=self.app.now())
            problems = event_problems(view.status, event)
            if problems:
                raise ActionRefused(problem_error(problems[0]))
            who = self.app.roster.user_name or "me"
            await self.app.access.locked(self._book.add_event, view.action.id, event, who, self.app.now())
            self.event = EventDraft()
            await self.reload()
        return await self.app.act(action)

    # -- creating ----------------------------------------------------------------------------

    def prefill_from_item(self, item_key: str) -> None:
        """The create form for a failed item of the open visit: its text as the title, urgent
        for a critical item, the due date in working days from today, the visit's site."""
        session = self.app.visit
        if session is None:
            return
        item = session.checklist.item_map.get(item_key)
        priority = default_priority(item)
        self.draft = ActionDraft(site_id=session.visit.site_id, visit_id=session.visit.id,
                                 item_key=item_key, title=default_title(item, self.app.lang),
                                 priority=priority, due_on=default_due_on(priority, self.today))
        self.app.go(ActionsRoute.CREATE)

    # Form fields, as typed (no redraw: the text field already shows what was typed).
    def set_title(self, text: str) -> None:
        self.draft.title = text

    def set_assignee(self, text: str) -> None:
        self.draft.assignee = text

    def set_note(self, text: str) -> None:
        self.event.note = text

    def set_root_cause(self, text: str) -> None:
        self.event.root_cause = text

    def set_cause(self, cause: str) -> None:
        self.event.cause = cause or None
        self.app.changed()

    def set_priority(self, priority: Priority) -> None:
        """A new priority moves the due date to that priority's default."""
        self.draft.priority = priority
        self.draft.due_on = default_due_on(priority, self.today)
        self.app.changed()

    async def create(self) -> bool:
        async def action() -> None:
            draft = self.draft
            if not draft.title.strip():
                raise refuse("missing_title", "actions.error.title")
            if not draft.site_id:
                raise refuse("no_site", "actions.error.site")
            made = NewAction(id=str(uuid.uuid4()), site_id=draft.site_id, visit_id=draft.visit_id,
                             item_key=draft.item_key, title=draft.title.strip()[:200],
                             priority=draft.priority,
                             due_on=draft.due_on or default_due_on(draft.priority, self.today),
                             assignee=draft.assignee.strip() or None, created_at=self.app.now())
            who = self.app.roster.user_name or "me"
            await self.app.access.locked(self._book.create, made, who, self.app.now())
            await self.reload()
            self.selected = made.id
            self.app.go(ActionsRoute.DETAIL)
        return await self.app.act(action)


CAUSE_KEYS = {cause: f"actions.cause.{cause}" for cause in CAUSES}
