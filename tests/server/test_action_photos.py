"""A photo of the fix from a manager (issue 13): managers may upload photos (`PUT /photos`), a
manager of the action's region resolves with one, and who may then read it follows the action;
what a caller may not see answers 404. `GET /actions/{id}` says when resolving needs a photo
(the item's `photo` is `required`) and a resolve without one is refused in both languages.
Runs on SQLite and PostgreSQL (the `server` fixture)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from sync_server.settings import Settings

from .action_data import CREATED_AT, created_action, event_body, post_event, put_action
from .conftest import CHECKLIST_DIR, Server, fresh_database_url
from .images import png_bytes, sha
from .visit_data import AT, new_id

CALLERS = ["auditor_a", "auditor_b", "manager_north", "manager_south", "manager_all", "admin",
           "revoked", "nobody"]
UNAUTHENTICATED = {"revoked": 401, "nobody": 401}
# A checklist whose one item needs a photo, so its action needs a photo of the fix.
COUNTER_YAML = """
id: counter-check
version: 1
title: {en: "Counter check", zh: "柜台检查"}
mode: inspection
sections:
  - key: main
    title: {en: "Main", zh: "主要"}
    items:
      - key: counter_clean
        text: {en: "Counter clean", zh: "柜台干净"}
        kind: check
        dimension: tangibles
        attribution: site
        photo: required
        source: "test"
"""


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    checklist_dir = tmp_path / "checklists"
    shutil.copytree(CHECKLIST_DIR, checklist_dir)
    (checklist_dir / "counter-check.yaml").write_text(COUNTER_YAML, encoding="utf-8")
    return Settings(database_url=fresh_database_url(backend, request, tmp_path),
                    data_dir=tmp_path, checklist_dir=checklist_dir)


def upload(server: Server, who: str, body: bytes | None = None) -> tuple[int, str]:
    body = body if body is not None else png_bytes()
    answer = server.client.put(f"/api/v1/photos/{sha(body)}", content=body,
                               headers=server.auth(who) | {"Content-Type": "image/png"})
    return answer.status_code, sha(body)


def counter_action(server: Server) -> dict[str, Any]:
    """auditor_a fails `counter_clean` (with its photo) at site-n1 and raises an action on it."""
    status, photo = upload(server, "auditor_a", body := png_bytes())
    assert status == 201
    visit = {"id": new_id(), "revision": 1, "checklist_id": "counter-check", "checklist_version": 1,
             "site_id": "site-n1", "staff_ids": [], "context": {"peak": False},
             "started_at": "2026-11-20T10:00:00+08:00", "finished_at": "2026-11-20T10:05:00+08:00",
             "observations": [{"item_key": "counter_clean", "value": False, "recorded_at": AT,
                               "photos": [photo]}],
             "photos": [{"sha256": photo, "bytes": len(body), "width": 4, "height": 3}]}
    answer = server.client.put(f"/api/v1/visits/{visit['id']}", json=visit, headers=server.auth("auditor_a"))
    assert answer.status_code == 201, answer.text
    action = {"id": new_id(), "site_id": "site-n1", "visit_id": visit["id"], "item_key": "counter_clean",
              "title": "Clean the counter", "priority": "general", "due_on": "2026-11-25",
              "assignee": None, "created_at": CREATED_AT}
    answer = put_action(server, action)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_every_role_may_upload_a_photo(server: Server) -> None:
    assert {who: upload(server, who)[0] for who in CALLERS} == {
        **dict.fromkeys(CALLERS, 201), **UNAUTHENTICATED}


def test_the_action_says_a_photo_is_required_and_a_resolve_without_one_is_422(server: Server) -> None:
    action = counter_action(server)
    assert action["photo_required"] is True
    answer = post_event(server, action["id"], event_body("resolve"), "manager_north")
    assert answer.status_code == 422
    (problem,) = answer.json()["error"]["details"]
    assert (problem["code"], problem["path"]) == ("missing_photo", "photos")
    assert problem["message_zh"] == "整改：该项目需要上传整改后的照片"


def test_a_manager_of_the_region_resolves_with_a_photo_readable_as_the_action_is(server: Server) -> None:
    action = counter_action(server)
    status, fix = upload(server, "manager_north")
    assert status == 201
    answer = post_event(server, action["id"], event_body("resolve", photos=[fix]), "manager_north")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "resolved" and body["missing_photos"] == []
    assert body["history"][-1]["photos"] == [fix] and body["history"][-1]["by"] == "manager_north"
    seen = {who: server.client.get(f"/api/v1/photos/{fix}", headers=server.auth(who)).status_code
            for who in CALLERS}
    assert seen == {"auditor_a": 200, "auditor_b": 404, "manager_north": 200, "manager_south": 404,
                    "manager_all": 200, "admin": 200, **UNAUTHENTICATED}


def test_a_manager_of_another_region_may_upload_but_not_resolve_and_sees_nothing(server: Server) -> None:
    action = counter_action(server)
    status, fix = upload(server, "manager_south")
    assert status == 201
    answer = post_event(server, action["id"], event_body("resolve", photos=[fix]), "manager_south")
    assert answer.status_code == 404
    # A photo nothing cites is shown to admins only, its uploader included in the "no".
    seen = {who: server.client.get(f"/api/v1/photos/{fix}", headers=server.auth(who)).status_code
            for who in ("manager_south", "manager_north", "auditor_a", "admin")}
    assert seen == {"manager_south": 404, "manager_north": 404, "auditor_a": 404, "admin": 200}


def test_an_action_of_an_item_without_a_photo_rule_needs_none(server: Server) -> None:
    action = created_action(server)
    assert action["photo_required"] is False
    detail = server.client.get(f"/api/v1/actions/{action['id']}", headers=server.auth("manager_north"))
    assert detail.json()["photo_required"] is False


def test_a_fix_photo_cited_before_its_upload_is_listed_missing_until_it_arrives(server: Server) -> None:
    action = counter_action(server)
    body = png_bytes()  # taken on the phone, not uploaded yet (a resolve made offline)
    fix = sha(body)
    answer = post_event(server, action["id"], event_body("resolve", photos=[fix]), "manager_north")
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "resolved" and answer.json()["missing_photos"] == [fix]
    detail = server.client.get(f"/api/v1/actions/{action['id']}", headers=server.auth("auditor_a")).json()
    assert detail["missing_photos"] == [fix]
    assert server.client.put(f"/api/v1/photos/{fix}", content=body, headers=server.auth("manager_north")
                             | {"Content-Type": "image/png"}).status_code == 201
    detail = server.client.get(f"/api/v1/actions/{action['id']}", headers=server.auth("auditor_a")).json()
    assert detail["missing_photos"] == []
    assert server.client.get(f"/api/v1/photos/{fix}", headers=server.auth("auditor_a")).status_code == 200
