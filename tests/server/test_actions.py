"""`/actions`: create and append idempotently by client ids, 422 listing every problem in
English and Chinese, derived status and list filters."""

from __future__ import annotations

from .action_data import (
    action_body, created_action, event_body, failed_visit, post_event, put_action,
)
from .conftest import Server
from .images import png_bytes, sha


def test_a_created_action_starts_open_with_no_events(server: Server) -> None:
    action = created_action(server)
    assert (action["status"], action["events"], action["history"]) == ("open", 0, [])
    assert action["created_by"] == "auditor_a"
    read = server.client.get(f"/api/v1/actions/{action['id']}", headers=server.auth("auditor_a"),
                             params={"today": "2026-11-25"})
    assert read.status_code == 200
    assert (read.json()["overdue"], read.json()["days_open"]) == (True, 5)


def test_the_same_create_again_is_200_and_a_different_body_409(server: Server) -> None:
    visit = failed_visit(server)
    body = action_body(visit)
    assert put_action(server, body).status_code == 201
    replay = put_action(server, body)
    assert replay.status_code == 200 and replay.json()["id"] == body["id"]
    conflict = put_action(server, body | {"title": "Something else"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "action_conflict"
    listed = server.client.get("/api/v1/actions", headers=server.auth("admin")).json()
    assert [a["id"] for a in listed] == [body["id"]]


def test_the_same_event_again_is_200_and_a_different_body_409(server: Server) -> None:
    action = created_action(server)
    start = event_body("start")
    assert post_event(server, action["id"], start).status_code == 201
    replay = post_event(server, action["id"], start)
    assert replay.status_code == 200
    assert [e["type"] for e in replay.json()["history"]] == ["start"]
    conflict = post_event(server, action["id"], start | {"type": "comment"})
    assert (conflict.status_code, conflict.json()["error"]["code"]) == (409, "event_conflict")
    other = created_action(server)
    assert post_event(server, other["id"], start).status_code == 409  # an id is unique everywhere


def test_the_status_follows_the_events(server: Server) -> None:
    action = created_action(server)
    seen = []
    for kind, who in (("start", "auditor_a"), ("comment", "auditor_a"), ("resolve", "auditor_a"),
                      ("reopen", "manager_north"), ("resolve", "auditor_a"),
                      ("verify", "manager_all")):
        answer = post_event(server, action["id"], event_body(kind), who)
        assert answer.status_code == 201, answer.text
        seen.append(answer.json()["status"])
    assert seen == ["in_progress", "in_progress", "resolved", "reopened", "resolved", "verified"]
    history = server.client.get(f"/api/v1/actions/{action['id']}", headers=server.auth("admin")).json()
    assert [e["by"] for e in history["history"]] == ["auditor_a"] * 3 + ["manager_north", "auditor_a",
                                                                          "manager_all"]


def test_an_unknown_site_and_assignee_get_one_422_listing_both_in_english_and_chinese(server: Server) -> None:
    body = action_body(None, site_id="nowhere", assignee="ghost", due_on="2026-11-01")
    answer = put_action(server, body, "admin")
    assert answer.status_code == 422
    problems = answer.json()["error"]["details"]
    assert [p["code"] for p in problems] == ["unknown_site", "unknown_assignee", "due_before_created"]
    assert all(p["message"] and p["message_zh"] for p in problems)


def test_an_auditor_raises_actions_only_from_their_own_visits(server: Server) -> None:
    visit = failed_visit(server, "auditor_b")
    answer = put_action(server, action_body(visit), "auditor_a")
    assert answer.status_code == 422
    assert [p["code"] for p in answer.json()["error"]["details"]] == ["unknown_visit"]
    without_visit = put_action(server, action_body(None), "auditor_a")
    assert [p["code"] for p in without_visit.json()["error"]["details"]] == ["visit_required"]


def test_an_item_not_in_the_visits_checklist_is_422(server: Server) -> None:
    answer = put_action(server, action_body(failed_visit(server), item_key="no_such_item"))
    assert [p["code"] for p in answer.json()["error"]["details"]] == ["unknown_item"]


def test_a_malformed_body_lists_every_field_in_both_languages(server: Server) -> None:
    body = action_body(failed_visit(server), priority="whenever", due_on="soon")
    del body["title"]
    answer = put_action(server, body)
    assert answer.status_code == 422
    problems = answer.json()["error"]["details"]
    assert {p["path"] for p in problems} == {"title", "priority", "due_on"}
    assert all(p["message_zh"] for p in problems)


def test_a_resolve_without_cause_or_note_lists_every_problem(server: Server) -> None:
    action = created_action(server)
    answer = post_event(server, action["id"], event_body("resolve", note=" ", cause=None,
                                                         root_cause=None))
    assert answer.status_code == 422
    problems = answer.json()["error"]["details"]
    assert [p["code"] for p in problems] == ["missing_note", "missing_cause", "missing_root_cause"]
    assert all(p["message_zh"] for p in problems)
    assert server.client.get(f"/api/v1/actions/{action['id']}",
                             headers=server.auth("admin")).json()["history"] == []


def test_a_verify_of_an_action_not_resolved_is_422(server: Server) -> None:
    action = created_action(server)
    answer = post_event(server, action["id"], event_body("verify"), "manager_north")
    assert answer.status_code == 422
    assert [p["code"] for p in answer.json()["error"]["details"]] == ["event_not_allowed"]


def test_a_photo_of_the_fix_is_readable_by_whoever_may_read_the_action(server: Server) -> None:
    action = created_action(server)
    photo = png_bytes()
    assert server.client.put(f"/api/v1/photos/{sha(photo)}", content=photo, headers=server.auth(
        "auditor_a") | {"Content-Type": "image/png"}).status_code == 201
    answer = post_event(server, action["id"], event_body("resolve", photos=[sha(photo)]))
    assert answer.status_code == 201 and answer.json()["missing_photos"] == []
    status = {who: server.client.get(f"/api/v1/photos/{sha(photo)}", headers=server.auth(who)).status_code
              for who in ("auditor_a", "auditor_b", "manager_north", "manager_south", "admin")}
    assert status == {"auditor_a": 200, "auditor_b": 404, "manager_north": 200,
                      "manager_south": 404, "admin": 200}


def test_list_filters_status_overdue_site_assignee_and_visit(server: Server) -> None:
    visit = failed_visit(server)
    late = created_action(server, visit, due_on="2026-11-23")
    later = created_action(server, visit, due_on="2026-11-30", assignee="manager_north")
    south = created_action(server, failed_visit(server, site_id="site-s1"), due_on="2026-11-23")
    post_event(server, south["id"], event_body("resolve"))

    def ids(**params: str) -> list[str]:
        answer = server.client.get("/api/v1/actions", params={"today": "2026-11-25", **params},
                                   headers=server.auth("admin"))
        assert answer.status_code == 200, answer.text
        return [a["id"] for a in answer.json()]

    assert ids(overdue="true") == [late["id"]]
    assert sorted(ids(overdue="false")) == sorted([later["id"], south["id"]])
    assert ids(status="resolved") == [south["id"]]
    assert ids(site_id="site-s1") == [south["id"]]
    assert ids(assignee="manager_north") == [later["id"]]
    assert sorted(ids(visit_id=visit["id"])) == sorted([late["id"], later["id"]])
    assert len(ids(**{"from": "2026-11-20", "to": "2026-11-20"})) == 3
    assert ids(**{"from": "2026-11-21"}) == []
