"""Corrective actions as one app session sees them: the list (open and overdue first), one
action's timeline with the events the signed-in role may add, the create form prefilled from a
failed item (from the runner or Review, and back there), the event form (`action_events.py`)
and what the open visit shows of them (`actions_in_visit.py`). No widgets here; every store
call goes through the device lock in a worker thread, and everything made here waits in the
actions outbox for the sync."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from audit_app.domain.actions import (
    CAUSES, MANAGER_EVENTS, STILL_OPEN, TRANSITIONS, EventType, NewAction, Priority,
    default_due_on, default_priority, default_title,
)
from audit_app.store import ActionView

from .action_events import EventDraft, EventForm, photo_required_locally
from .actions_in_visit import ActionsInVisit
from .errors import refuse
from .routes import Route

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
    item_key: str | None = None
    visit_id: str | None = None


class ActionsSession(EventForm, ActionsInVisit):
    def __init__(self, app: AppState) -> None:
        self.app = app
        self.filter: ListFilter = "open"
        self.views: list[ActionView] = []
        self.selected: str | None = None
        self.draft = ActionDraft()
        self.event = EventDraft()
        self.thumbnails: dict[str, bytes] = {}      # sha256 → JPEG, photos of a fix picked here
        self.photo_needed: dict[str, bool] = {}     # action id → its item needs a photo (this phone's visit)
        self.came_from: str | None = None           # the visit screen "Create action" was tapped on

    @property
    def today(self) -> date:
        return self.app.now().date()

    @property
    def _book(self):  # type: ignore[no-untyped-def]
        return self.app.device.store.actions

    async def reload(self) -> None:
        """The cached actions, and for those the server has not described yet whether their
        item needs a photo of the fix (from the visit on this phone)."""
        store = self.app.device.store

        def read() -> tuple[list[ActionView], dict[str, bool]]:
            views = self._book.views()
            needed = {}
            for view in views:
                if view.photo_required is None:
                    needed[view.action.id] = bool(photo_required_locally(store, view))
            return views, needed
        self.views, self.photo_needed = await self.app.access.locked(read)

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
                          v.overdue(today), v.days_open(today), v.synced, v.action.item_key,
                          v.action.visit_id) for v in self.views]
        if self.filter == "open":
            rows = [r for r in rows if r.status in STILL_OPEN]
        elif self.filter == "overdue":
            rows = [r for r in rows if r.overdue]
        return sorted(rows, key=lambda r: (r.due_on, r.id))

    def open_for_site(self, site_id: str) -> list[ActionRow]:
        """The site's still-open actions ("re-check these" when a visit starts there)."""
        return [r for r in self.rows_all() if r.site_id == site_id
                and (r.status in STILL_OPEN or r.status == "resolved")]

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

    # -- creating ----------------------------------------------------------------------------

    def prefill_from_item(self, item_key: str) -> None:
        """The create form for a failed item of the open visit: its text as the title, urgent
        for a critical item, the due date in working days from today, the visit's site. Back
        (or creating it) returns to the screen it was asked from, the runner or Review."""
        session = self.app.visit
        if session is None:
            return
        self.came_from = self.app.route if self.app.route in (Route.RUNNER, Route.REVIEW) else Route.REVIEW
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
            if not self.back_to_visit(made.item_key):
                self.app.go(ActionsRoute.DETAIL)
        done = await self.app.act(action)
        if done and self.app.route != ActionsRoute.DETAIL:
            self.app.flash = "actions.created"   # after `act`, which clears the flash
            self.app.changed()
        return done

    def back_to_visit(self, item_key: str | None = None) -> bool:
        """Back to the visit screen the create form came from (the runner at the item's card);
        False when it did not come from one."""
        route, self.came_from = self.came_from, None
        if route is None or self.app.visit is None:
            return False
        if route == Route.RUNNER and item_key and self.app.visit.editable:
            self.app.jump_to(item_key)
        else:
            self.app.go(route)
        return True

    async def cancel_create(self) -> None:
        """The create form's Back: to the visit it came from, else to the list."""
        if not self.back_to_visit():
            await self.open()


CAUSE_KEYS = {cause: f"actions.cause.{cause}" for cause in CAUSES}
