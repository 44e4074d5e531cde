"""Bad requests always get a clear 4xx JSON error, never a 5xx."""

from __future__ import annotations

import pytest

from .conftest import Server
from .visit_data import visit_body

MB = 1024 * 1024


def put_raw(server: Server, path: str, content: bytes, who: str = "auditor_a"):
    return server.client.put(path, content=content,
                             headers=server.auth(who) | {"Content-Type": "application/json"})


@pytest.mark.parametrize("content", [b"{", b"not json", b"", b'{"id": "x",}', b"\xff\xfe"])
def test_malformed_json_is_400(server: Server, content: bytes) -> None:
    body = visit_body()
    answer = put_raw(server, f"/api/v1/visits/{body['id']}", content)
    assert answer.status_code in (400, 422), answer.text
    assert answer.json()["error"]["code"] in ("malformed_json", "invalid_request")


def test_malformed_json_names_its_code(server: Server) -> None:
    answer = put_raw(server, "/api/v1/visits/x", b'{"id": ')
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "malformed_json"


def test_wrong_types_are_listed_all_at_once(server: Server) -> None:
    body = visit_body()
    body.update(revision="two", started_at="yesterday", staff_ids="staff-1", context=[])
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body,
                               headers=server.auth("auditor_a"))
    assert answer.status_code == 422
    paths = {d["path"] for d in answer.json()["error"]["details"]}
    assert {"body.revision", "body.started_at", "body.staff_ids", "body.context"} <= paths


def test_json_that_is_not_an_object_is_422(server: Server) -> None:
    body = visit_body()
    for content in (b"[]", b"42", b"null", b'"visit"'):
        answer = put_raw(server, f"/api/v1/visits/{body['id']}", content)
        assert answer.status_code == 422, content
        assert answer.json()["error"]["code"] == "invalid_request"


def test_unknown_keys_in_site_and_staff_bodies_are_422(server: Server) -> None:
    site = server.client.put("/api/v1/sites/site-x", headers=server.auth("admin"),
                             json={"name": "X", "region": "north", "owner": "me"})
    assert site.status_code == 422
    assert site.json()["error"]["details"][0]["code"] == "extra_forbidden"


def test_staff_at_an_unknown_site_is_422(server: Server) -> None:
    answer = server.client.put("/api/v1/staff/staff-x", headers=server.auth("admin"),
                               json={"name": "X", "site_id": "site-nowhere"})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["code"] == "unknown_site"


def test_a_20_mb_visit_body_is_413(server: Server) -> None:
    body = visit_body()
    padding = b'{"x": "' + b"a" * (20 * MB) + b'"}'
    answer = put_raw(server, f"/api/v1/visits/{body['id']}", padding)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body_too_large"


def test_unknown_paths_and_methods_are_json_errors(server: Server) -> None:
    missing = server.client.get("/api/v1/nothing-here", headers=server.auth("admin"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = server.client.delete("/api/v1/sites", headers=server.auth("admin"))
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_unknown_checklist_version_is_404(server: Server) -> None:
    answer = server.client.get("/api/v1/checklists/shop-visit/99", headers=server.auth("auditor_a"))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
