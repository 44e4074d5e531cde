"""The form adding an event to the selected action (resolve, comment, can't do, verify …), as
`ActionsSession` methods: the typed fields, the photos of the fix and their thumbnails, and
every problem shown at its field. A photo of the fix is stored on the phone like a visit's
photo; the sync uploads it through `/photos` before the event (`sync/actions.py`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from audit_app.domain.actions import EventType, NewEvent, event_problems
from audit_app.photos import PhotoLimits, process_photo
from audit_app.store import ActionView

from .errors import ActionRefused, FieldRefused, UiError, problem_error, refuse

if TYPE_CHECKING:
    from .actions import ActionsSession

FORM_FIELDS = ("note", "cause", "root_cause", "photos")  # the paths of `event_problems`


@dataclass
class EventDraft:
    """The resolve (and comment / can't do) form."""

    note: str = ""
    cause: str | None = None
    root_cause: str = ""
    photos: list[str] = field(default_factory=list)
    errors: dict[str, UiError] = field(default_factory=dict)  # field → why it was refused
    processing: int = 0  # photos being shrunk right now (the form shows a spinner each)


def photo_required_locally(store, view: ActionView) -> bool | None:  # type: ignore[no-untyped-def]
    """Whether the action's item asks for a photo, from the visit on this phone (call under the
    device lock); None when the phone does not hold that visit."""
    if view.action.visit_id is None or view.action.item_key is None:
        return False
    try:
        visit = store.visits.get(view.action.visit_id).visit
        checklist = store.checklists.get_checklist(visit.checklist_id, visit.checklist_version)
    except Exception:  # not on this phone (a manager's phone, an archived and dropped visit)
        return None
    item = checklist.item_map.get(view.action.item_key)
    return item is not None and item.photo == "required"


class EventForm:
    """Mixed into `ActionsSession`."""

    def photo_required(self: ActionsSession, view: ActionView | None = None) -> bool:
        """The server's word when its copy says, else the visit on this phone, else no (the
        server checks again when the event reaches it)."""
        view = view or self.current
        if view is None:
            return False
        if view.photo_required is not None:
            return view.photo_required
        return bool(self.photo_needed.get(view.action.id))

    # Form fields, as typed (no redraw: the text field already shows what was typed).
    def set_note(self: ActionsSession, text: str) -> None:
        self.event.note = text

    def set_root_cause(self: ActionsSession, text: str) -> None:
        self.event.root_cause = text

    def set_cause(self: ActionsSession, cause: str) -> None:
        self.event.cause = cause or None
        self.event.errors.pop("cause", None)
        self.app.changed()

    async def add_fix_photo(self: ActionsSession, data: bytes) -> bool:
        """A photo of the fix for the event being written: shrunk outside the lock, stored on
        the phone under it, listed in the form (once, however often it is picked)."""
        async def action() -> None:
            self.event.processing += 1
            self.app.changed()
            try:
                limits = PhotoLimits(long_edge=self.app.prefs.photo_long_edge)
                processed = await self.app.access.unlocked(process_photo, data, limits=limits,
                                                           local_tz=self.app.now().tzinfo)
                await self.app.access.locked(self.app.device.photos.store, processed)
            finally:
                self.event.processing -= 1
            self.thumbnails[processed.sha256] = processed.thumbnail
            if processed.sha256 not in self.event.photos:
                self.event.photos.append(processed.sha256)
            self.event.errors.pop("photos", None)
        return await self.app.act(action)

    def remove_fix_photo(self: ActionsSession, sha256: str) -> None:
        if sha256 in self.event.photos:
            self.event.photos.remove(sha256)
        self.app.changed()

    def field_error(self: ActionsSession, name: str, lang: str) -> str | None:
        error = self.event.errors.get(name)
        return error.message(lang) if error else None

    async def add_event(self: ActionsSession, kind: EventType) -> bool:
        async def action() -> None:
            view = self.current
            if view is None:
                raise refuse("no_action", "actions.error.none_selected")
            if kind not in self.allowed_events():
                raise refuse("event_not_allowed", "actions.error.not_allowed")
            draft = self.event
            resolving = kind == "resolve"
            event = NewEvent(id=str(uuid.uuid4()), type=kind, note=draft.note.strip() or None,
                             cause=draft.cause if resolving else None,  # type: ignore[arg-type]
                             root_cause=(draft.root_cause.strip() or None) if resolving else None,
                             photos=list(draft.photos) if resolving else [], at=self.app.now())
            problems = event_problems(view.status, event, photo_required=self.photo_required(view))
            at_fields = {p.path: problem_error(p) for p in problems if p.path in FORM_FIELDS}
            draft.errors = at_fields
            if at_fields:  # each shown at its field, which keeps what was typed
                raise FieldRefused(next(iter(at_fields.values())), next(iter(at_fields)))
            if problems:  # not about a field (the status allows no such event now)
                raise ActionRefused(problem_error(problems[0]))
            who = self.app.roster.user_name or "me"
            await self.app.access.locked(self._book.add_event, view.action.id, event, who,
                                         self.app.now())
            self.event = EventDraft()
            await self.reload()
        return await self.app.act(action)
