"""Corrective actions through the sync: push what the phone made, pull what the user may see.

Push: every queued action, then every queued event, in the order they were made. An action
raised from a visit still in the visit outbox waits (the server needs the visit first); an
event waits for its action. Photos of a fix go up first through the visits' photo routes. A
200 (replay) or 201 settles the item; a 409 or 422 is recorded with the server's problems and
not sent again; anything transient leaves it queued. Pull: `GET /actions` (every page), then the
history of each action whose event count changed since the last pull."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit_app.device import Device

from .http import ServerRefused, SyncApi, TransientFailure, json_body
from .push import Progress, Pusher

JSON = {"Content-Type": "application/json"}


@dataclass
class ActionSyncResult:
    sent: int = 0
    refused: int = 0
    waiting: int = 0  # left queued (its visit or action is not on the server yet, or a failure)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (id, code)


def push_actions(device: Device, api: SyncApi, now: Callable[[], datetime]) -> ActionSyncResult:
    """Send the queued actions and events; `TransientFailure(offline)` and refusals of the
    token or role propagate like the visits' push."""
    book = device.store.actions
    result = ActionSyncResult()
    if book is None:
        return result
    with device.lock:
        queued = book.queued()
        visits_waiting = {u.visit.id for u in device.store.outbox.pending_uploads()}
    not_on_server: set[str] = set()
    pusher = Pusher(device, api, now, Progress(None, 0, 0))
    for item in queued:
        visit_id = item.body.get("visit_id") if item.kind == "action" else None
        if (visit_id in visits_waiting) or item.action_id in not_on_server:
            not_on_server.add(item.action_id)
            result.waiting += 1
            continue
        try:
            if item.kind == "action":
                copy = api.call("PUT", f"/actions/{item.id}", dict[str, Any], ok=(200, 201),
                                body=json_body(item.body), headers=JSON)
            else:
                photos = list(item.body.get("photos") or [])
                if photos:
                    pusher._upload_photos(photos)  # noqa: SLF001 (the visits' photo upload, reused)
                copy = api.call("POST", f"/actions/{item.action_id}/events", dict[str, Any],
                                ok=(200, 201), body=json_body(item.body), headers=JSON)
        except ServerRefused as refused:
            problems = [d.model_dump() for d in refused.error.details] or [
                {"code": refused.error.code, "path": "", "message": refused.error.message,
                 "message_zh": None}]
            with device.lock:
                book.record_refusal(item.id, problems)
            not_on_server.add(item.action_id)
            result.refused += 1
            result.problems.append((item.id, refused.error.code))
            continue
        except TransientFailure as failure:
            if failure.offline:
                raise
            not_on_server.add(item.action_id)
            result.waiting += 1
            continue
        with device.lock:
            book.record_ack(item.id, copy)
        result.sent += 1
    return result


PULL_PAGE = 1000  # the most `GET /actions` answers at once


def _list_every_action(api: SyncApi) -> list[dict[str, Any]]:
    """Every action the user may see, page by page (soonest due first, ties by id, so pages
    follow on); an action met twice, when one was added between two pages, is kept once."""
    rows: dict[str, dict[str, Any]] = {}
    offset = 0
    while True:
        page = api.call("GET", f"/actions?limit={PULL_PAGE}&offset={offset}", list[dict[str, Any]],
                        ok=(200,))
        rows.update((row["id"], row) for row in page)
        if len(page) < PULL_PAGE:
            return list(rows.values())
        offset += PULL_PAGE


def pull_actions(device: Device, api: SyncApi) -> int:
    """Cache the actions the user may see, with their histories; returns how many were fetched."""
    book = device.store.actions
    if book is None:
        return 0
    listed = _list_every_action(api)
    with device.lock:
        known = book.cached_event_counts()
    changed = [row for row in listed if known.get(row["id"]) != row["events"]]
    copies = [api.call("GET", f"/actions/{row['id']}", dict[str, Any], ok=(200,)) for row in changed]
    with device.lock:
        book.store_server_copies(copies)
    return len(copies)
