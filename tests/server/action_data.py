"""Bodies and calls for the corrective-action tests (checklist tests/server/checklists/shop-visit)."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Server
from .visit_data import changed, new_id, visit_body

CREATED_AT = "2026-11-20T10:30:00+08:00"  # a Friday, after visit_body's visit


def failed_visit(server: Server, who: str = "auditor_a", site_id: str = "site-n1",
                 started_at: str | None = None, **answers: Any) -> dict[str, Any]:
    """Store a visit failing `greeted` (critical) unless `answers` say otherwise."""
    staff = ["staff-1"] if site_id == "site-n1" else ["staff-3"]
    body = visit_body(site_id=site_id, staff_ids=staff, **({"greeted": False} | answers))
    if started_at is not None:
        body = changed(body, started_at=started_at, finished_at=started_at)
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))
    assert answer.status_code == 201, answer.text
    return body


def action_body(visit: dict[str, Any] | None, item_key: str | None = "greeted", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": new_id(), "site_id": visit["site_id"] if visit else "site-n1",
        "visit_id": visit["id"] if visit else None, "item_key": item_key if visit else None,
        "title": "Greet every customer", "priority": "urgent", "due_on": "2026-11-24",
        "assignee": None, "created_at": CREATED_AT}
    body.update(fields)
    return body


def event_body(kind: str, at: str = "2026-11-21T09:00:00+08:00", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": new_id(), "type": kind, "at": at}
    if kind == "resolve":
        body |= {"note": "briefed the team", "cause": "service_process",
                 "root_cause": "no greeting rule at the door → rule written and trained"}
    if kind == "cant_do":
        body |= {"note": "the door is being rebuilt"}
    body.update(fields)
    return body


def put_action(server: Server, body: dict[str, Any], who: str = "auditor_a") -> httpx.Response:
    return server.client.put(f"/api/v1/actions/{body['id']}", json=body, headers=server.auth(who))


def post_event(server: Server, action_id: str, body: dict[str, Any], who: str = "auditor_a") -> httpx.Response:
    return server.client.post(f"/api/v1/actions/{action_id}/events", json=body,
                              headers=server.auth(who))


def created_action(server: Server, visit: dict[str, Any] | None = None, who: str = "auditor_a",
                   **fields: Any) -> dict[str, Any]:
    visit = visit if visit is not None else failed_visit(server)
    body = action_body(visit, **fields)
    answer = put_action(server, body, who)
    assert answer.status_code == 201, answer.text
    return answer.json()


def resolved_action(server: Server, resolved_at: str = "2026-11-21T09:00:00+08:00") -> dict[str, Any]:
    """An action raised from a visit failing `greeted`, then resolved at `resolved_at`."""
    action = created_action(server, failed_visit(server))
    assert post_event(server, action["id"], event_body("resolve", at=resolved_at)).status_code == 201
    return action


def read_action(server: Server, action_id: str) -> dict[str, Any]:
    answer = server.client.get(f"/api/v1/actions/{action_id}", headers=server.auth("admin"))
    assert answer.status_code == 200, answer.text
    return answer.json()
