"""The role matrix of every `/actions` route and `/reports/actions`: what a caller may not see
answers 404 (as visits do), a visible action with an event their role may not add 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .action_data import action_body, created_action, event_body, failed_visit, post_event, put_action
from .conftest import Server

CALLERS = ["auditor_a", "auditor_b", "manager_north", "manager_south", "manager_all", "admin",
           "revoked", "nobody"]
UNAUTHENTICATED = {"revoked": 401, "nobody": 401}
# The action under test: raised by auditor_a from their visit at site-n1 (region north).
SEES_IT = {"auditor_a": 200, "auditor_b": 404, "manager_north": 200, "manager_south": 404,
           "manager_all": 200, "admin": 200, **UNAUTHENTICATED}
WRITES_IT = {who: 201 if code == 200 else code for who, code in SEES_IT.items()}

Call = Callable[[Server, dict[str, Any], str], httpx.Response]


def _fresh_resolved(server: Server, setup: dict[str, Any]) -> str:
    action = created_action(server, setup["visit"])
    assert post_event(server, action["id"], event_body("resolve")).status_code == 201
    return str(action["id"])


ROUTES: dict[str, tuple[Call, dict[str, int]]] = {
    # auditor_b cannot see auditor_a's visit, so for them it is an unknown visit (422).
    "PUT /actions/{id}": (lambda s, setup, who: put_action(s, action_body(setup["visit"]), who),
                          {**WRITES_IT, "auditor_b": 422, "manager_south": 404}),
    "POST /actions/{id}/events start": (
        lambda s, setup, who: post_event(s, created_action(s, setup["visit"])["id"],
                                         event_body("start"), who), WRITES_IT),
    "POST /actions/{id}/events comment": (
        lambda s, setup, who: post_event(s, setup["action"], event_body("comment"), who), WRITES_IT),
    "POST /actions/{id}/events resolve": (
        lambda s, setup, who: post_event(s, created_action(s, setup["visit"])["id"],
                                         event_body("resolve"), who), WRITES_IT),
    "POST /actions/{id}/events verify": (
        lambda s, setup, who: post_event(s, _fresh_resolved(s, setup), event_body("verify"), who),
        {**WRITES_IT, "auditor_a": 403}),
    "POST /actions/{id}/events reopen": (
        lambda s, setup, who: post_event(s, _fresh_resolved(s, setup), event_body("reopen"), who),
        {**WRITES_IT, "auditor_a": 403}),
    "POST /actions/{id}/events cant_do": (
        lambda s, setup, who: post_event(s, created_action(s, setup["visit"])["id"],
                                         event_body("cant_do"), who),
        {**WRITES_IT, "auditor_a": 403}),
    "GET /actions/{id}": (lambda s, setup, who: s.client.get(
        f"/api/v1/actions/{setup['action']}", headers=s.auth(who)), SEES_IT),
    "GET /actions": (lambda s, setup, who: s.client.get("/api/v1/actions", headers=s.auth(who)),
                     {**dict.fromkeys(CALLERS, 200), **UNAUTHENTICATED}),
    "GET /reports/actions": (lambda s, setup, who: s.client.get(
        "/api/v1/reports/actions", params={"group_by": "site"}, headers=s.auth(who)),
        {"auditor_a": 403, "auditor_b": 403, "manager_north": 200, "manager_south": 200,
         "manager_all": 200, "admin": 200, **UNAUTHENTICATED}),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_each_caller_gets_the_specified_status(server: Server, route: str) -> None:
    visit = failed_visit(server)
    setup = {"visit": visit, "action": created_action(server, visit)["id"]}
    call, expected = ROUTES[route]
    actual = {}
    for who in CALLERS:
        answer = call(server, setup, who)
        actual[who] = answer.status_code
        if answer.status_code >= 400:
            assert set(answer.json()["error"]) == {"code", "message", "details"}
    assert actual == expected


def test_lists_and_reports_hold_only_what_the_caller_may_see(server: Server) -> None:
    north = created_action(server, failed_visit(server))
    south = created_action(server, failed_visit(server, site_id="site-s1"))
    assigned = created_action(server, failed_visit(server), assignee="auditor_b")

    def listed(who: str) -> set[str]:
        return {a["id"] for a in server.client.get("/api/v1/actions", headers=server.auth(who)).json()}

    assert listed("auditor_a") == {north["id"], south["id"], assigned["id"]}
    assert listed("auditor_b") == {assigned["id"]}
    assert listed("manager_north") == {north["id"], assigned["id"]}
    assert listed("manager_south") == {south["id"]}
    assert listed("admin") == listed("manager_all") == listed("auditor_a")
    report = server.client.get("/api/v1/reports/actions", headers=server.auth("manager_north")).json()
    assert [(r["key"], r["total"]) for r in report["rows"]] == [("site-n1", 2)]
    other = server.client.get("/api/v1/reports/actions", params={"region": "south"},
                              headers=server.auth("manager_north"))
    assert other.status_code == 403


def test_an_assigned_auditor_may_comment_and_resolve_but_not_verify(server: Server) -> None:
    action = created_action(server, failed_visit(server), assignee="auditor_b")
    assert post_event(server, action["id"], event_body("comment"), "auditor_b").status_code == 201
    assert post_event(server, action["id"], event_body("resolve"), "auditor_b").status_code == 201
    assert post_event(server, action["id"], event_body("verify"), "auditor_b").status_code == 403
