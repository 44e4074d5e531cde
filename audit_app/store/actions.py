"""Corrective actions on the phone, offline first: what the phone made (actions and events,
each with its client-made id) waits in this file's outbox until the server's answer says it is
stored; what the server sent down (`pull`) is kept as its last copy so the Actions screen works
offline. One TinyDB file (`corrective_actions.json`) on `AtomicJSONStorage`: every call is one durable
write. A view of an action is the server's copy plus the phone's events not yet acknowledged,
with the status derived by the domain's rules, so a resolve made offline shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from tinydb import Query, TinyDB

from audit_app.domain.actions import (
    ActionEvent, NewAction, NewEvent, Status, action_figures, days_open, is_overdue,
)

from .atomic_storage import AtomicJSONStorage, FileOps

ACTIONS_FILE = "corrective_actions.json"
_Q = Query()
Kind = Literal["action", "event"]


@dataclass(frozen=True)
class QueuedItem:
    """One thing the sync client must send: a new action or an event, oldest first."""

    kind: Kind
    id: str
    action_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class ActionView:
    """An action as the phone shows it: the server's copy and the phone's unsent events."""

    action: NewAction
    created_by: str
    history: list[ActionEvent]
    unsent: frozenset[str]  # ids of events (and the action itself) still in the outbox
    refused: dict[str, list[dict[str, Any]]]  # id → the server's problems
    # Whether resolving needs a photo of the fix (the item's `photo` is `required`), as the
    # server's copy says; None before the server has sent one.
    photo_required: bool | None = None

    @property
    def counted(self) -> list[ActionEvent]:
        """The events the status derives from: not a re-check by a since-rejected visit."""
        return [event for event in self.history if event.counted]

    @property
    def status(self) -> Status:
        return action_figures(self.action.created_at, self.counted).status

    def overdue(self, today: date) -> bool:
        return is_overdue(self.status, self.action.due_on, today)

    def days_open(self, today: date) -> int:
        closed = action_figures(self.action.created_at, self.counted).closed_on
        return days_open(self.action.created_at.date(), closed, today)

    @property
    def synced(self) -> bool:
        return not self.unsent


class ActionBook:
    """The phone's actions: `create`, `add_event`, the outbox, and the pulled copies."""

    def __init__(self, path: Path, *, fs: FileOps | None = None):
        self.db = TinyDB(path, storage=AtomicJSONStorage, fs=fs)
        self.storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self._outbox = self.db.table("outbox", cache_size=0)
        self._local = self.db.table("local", cache_size=0)  # every action/event made here
        self._server = self.db.table("server", cache_size=0)  # the last copy pulled per action

    @contextmanager
    def _commit(self) -> Iterator[None]:
        with self.storage.transaction():
            yield

    def close(self) -> None:
        self.db.close()

    # -- made on the phone ---------------------------------------------------------------

    def create(self, action: NewAction, created_by: str, now: datetime) -> None:
        """Keep a new action and queue it (a second call with the same id changes nothing)."""
        if self._local.get(_Q.id == action.id) is not None:
            return
        body = action.model_dump(mode="json")
        with self._commit():
            self._local.insert({"kind": "action", "id": action.id, "action_id": action.id,
                                "body": body, "by": created_by, "at": now.isoformat()})
            self._outbox.insert({"kind": "action", "id": action.id, "action_id": action.id,
                                 "body": body, "queued_at": now.isoformat()})

    def add_event(self, action_id: str, event: NewEvent, by: str, now: datetime) -> None:
        if self._local.get(_Q.id == event.id) is not None:
            return
        body = event.model_dump(mode="json")
        with self._commit():
            self._local.insert({"kind": "event", "id": event.id, "action_id": action_id,
                                "body": body, "by": by, "at": now.isoformat()})
            self._outbox.insert({"kind": "event", "id": event.id, "action_id": action_id,
                                 "body": body, "queued_at": now.isoformat()})

    # -- the outbox ------------------------------------------------------------------------

    def queued(self) -> list[QueuedItem]:
        """Everything not yet acknowledged, in the order it was made (actions before their events)."""
        docs = sorted(self._outbox.all(), key=lambda d: d.doc_id)
        return [QueuedItem(d["kind"], d["id"], d["action_id"], d["body"]) for d in docs
                if d.get("refused") is None]

    def queued_count(self) -> int:
        return len(self.queued())

    def record_ack(self, item_id: str, server_copy: dict[str, Any]) -> None:
        """The server stored `item_id` (201 or a 200 replay): it leaves the outbox, and the
        server's copy of its action replaces the cached one."""
        with self._commit():
            self._outbox.remove(_Q.id == item_id)
            self._server.upsert({"id": server_copy["id"], "copy": server_copy},
                                _Q.id == server_copy["id"])

    def record_refusal(self, item_id: str, problems: list[dict[str, Any]]) -> None:
        """The server refused `item_id` (409/422): it stays on the phone with the problems and is
        not sent again."""
        with self._commit():
            self._outbox.update({"refused": problems}, _Q.id == item_id)

    def store_server_copies(self, copies: list[dict[str, Any]]) -> None:
        """Copies of the actions pulled from the server (each with its `history`)."""
        with self._commit():
            for copy in copies:
                self._server.upsert({"id": copy["id"], "copy": copy}, _Q.id == copy["id"])

    def server_copy(self, action_id: str) -> dict[str, Any] | None:
        doc = self._server.get(_Q.id == action_id)
        return None if doc is None else dict(doc["copy"])

    def cached_event_counts(self) -> dict[str, int]:
        return {doc["id"]: len(doc["copy"].get("history", [])) for doc in self._server.all()}

    # -- views -----------------------------------------------------------------------------

    def views(self) -> list[ActionView]:
        ids = {doc["id"] for doc in self._server.all()}
        ids |= {doc["action_id"] for doc in self._local.all() if doc["kind"] == "action"}
        found = [self.view(action_id) for action_id in sorted(ids)]
        return [view for view in found if view is not None]

    def view(self, action_id: str) -> ActionView | None:
        copy = self.server_copy(action_id)
        local = [doc for doc in self._local.all() if doc["action_id"] == action_id]
        queued = {doc["id"]: doc for doc in self._outbox.all() if doc["action_id"] == action_id}
        made = next((doc for doc in local if doc["kind"] == "action"), None)
        photo_required = None
        if copy is not None:
            action = NewAction.model_validate({k: copy[k] for k in NewAction.model_fields})
            photo_required = copy.get("photo_required")
            created_by = str(copy["created_by"])
            # Only the fields this app knows: a newer server may add some (docs/actions.md).
            history = [ActionEvent.model_validate({k: v for k, v in e.items() if k in ActionEvent.model_fields})
                       for e in copy.get("history", [])]
        elif made is not None:
            action, created_by, history = NewAction.model_validate(made["body"]), made["by"], []
        else:
            return None
        known = {event.id for event in history}
        for doc in sorted(local, key=lambda d: d.doc_id):
            if doc["kind"] == "event" and doc["id"] not in known and doc["id"] in queued:
                history.append(ActionEvent.model_validate({**doc["body"], "by": doc["by"]}))
        refused = {i: d["refused"] for i, d in queued.items() if d.get("refused") is not None}
        unsent = frozenset(i for i in queued if i not in refused)
        return ActionView(action, created_by, history, unsent, refused, photo_required)

    def referenced_photos(self) -> set[str]:
        """Photos of a fix cited by an event made on this phone: kept when the app's start
        drops photo files no visit cites (`evidence.clean_unreferenced_photos`)."""
        return {sha for doc in self._local.all() if doc["kind"] == "event"
                for sha in doc["body"].get("photos") or []}
