"""Authorization matrix: every endpoint × every kind of caller, with the contract's status.

Readers of another person's visit (auditor B, a manager of another region) get 404, exactly
as for a visit that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import Server
from .images import png_bytes, sha
from .visit_data import visit_body

CALLERS = ["auditor_a", "auditor_b", "manager_north", "manager_south", "manager_all", "admin",
           "revoked", "nobody"]
READ_ALL = {"auditor_a": 200, "auditor_b": 200, "manager_north": 200, "manager_south": 200,
            "manager_all": 200, "admin": 200, "revoked": 401, "nobody": 401}
ADMIN_WRITE = {"auditor_a": 403, "auditor_b": 403, "manager_north": 403, "manager_south": 403,
               "manager_all": 403, "admin": 201, "revoked": 401, "nobody": 401}
AUDITOR_WRITE = {"auditor_a": 201, "auditor_b": 201, "manager_north": 403, "manager_south": 403,
                 "manager_all": 403, "admin": 201, "revoked": 401, "nobody": 401}
# Photos: managers upload the photo of a fix too (tests/server/test_action_photos.py).
ANY_ROLE_WRITE = {**AUDITOR_WRITE, "manager_north": 201, "manager_south": 201, "manager_all": 201}
ANY_ROLE_READ = {who: 200 if code == 201 else code for who, code in ANY_ROLE_WRITE.items()}

Call = Callable[[Server, str, dict[str, str]], httpx.Response]


def _put_visit(server: Server, who: str, headers: dict[str, str]) -> httpx.Response:
    body = visit_body()
    return server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=headers)


def _get_a_visit(server: Server, _who: str, headers: dict[str, str]) -> httpx.Response:
    return server.client.get(f"/api/v1/visits/{server.a_visit}", headers=headers)  # type: ignore[attr-defined]


def _get_a_photo(server: Server, _who: str, headers: dict[str, str]) -> httpx.Response:
    return server.client.get(f"/api/v1/photos/{server.a_photo}", params={"size": "thumb"},  # type: ignore[attr-defined]
                             headers=headers)


def _put_photo(server: Server, _who: str, headers: dict[str, str]) -> httpx.Response:
    body = png_bytes()
    return server.client.put(f"/api/v1/photos/{sha(body)}", content=body,
                             headers=headers | {"Content-Type": "image/png"})


def _put_photo_body(server: Server, body: bytes) -> httpx.Response:
    return server.client.put(f"/api/v1/photos/{sha(body)}", content=body,
                             headers=server.auth("auditor_a") | {"Content-Type": "image/png"})


ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    "GET /healthz": (lambda s, w, h: s.client.get("/healthz", headers=h),
                     dict.fromkeys(CALLERS, 200)),
    "GET /me": (lambda s, w, h: s.client.get("/api/v1/me", headers=h), READ_ALL),
    "GET /checklists": (lambda s, w, h: s.client.get("/api/v1/checklists", headers=h), READ_ALL),
    "GET /checklists/{id}/{version}": (
        lambda s, w, h: s.client.get("/api/v1/checklists/shop-visit/1", headers=h), READ_ALL),
    "GET /sites": (lambda s, w, h: s.client.get("/api/v1/sites", headers=h), READ_ALL),
    "PUT /sites/{id}": (lambda s, w, h: s.client.put(f"/api/v1/sites/site-{w}", headers=h,
                                                     json={"name": "New", "region": "east"}),
                        ADMIN_WRITE),
    "PUT /staff/{id}": (lambda s, w, h: s.client.put(f"/api/v1/staff/staff-{w}", headers=h,
                                                     json={"name": "New", "site_id": "site-n1"}),
                        ADMIN_WRITE),
    "PUT /visits/{id}": (_put_visit, AUDITOR_WRITE),
    "GET /visits/{id}": (_get_a_visit, {
        "auditor_a": 200, "auditor_b": 404, "manager_north": 200, "manager_south": 404,
        "manager_all": 200, "admin": 200, "revoked": 401, "nobody": 401}),
    "GET /visits": (lambda s, w, h: s.client.get("/api/v1/visits", headers=h), READ_ALL),
    # A manager of the visit's region or an admin; auditors have the wrong role (403).
    "PUT /visits/{id}/review": (
        lambda s, w, h: s.client.put(f"/api/v1/visits/{s.a_visit}/review", headers=h,  # type: ignore[attr-defined]
                                     json={"state": "approved"}), {
            "auditor_a": 403, "auditor_b": 403, "manager_north": 200, "manager_south": 404,
            "manager_all": 200, "admin": 200, "revoked": 401, "nobody": 401}),
    "PUT /photos/{sha256}": (_put_photo, ANY_ROLE_WRITE),
    # As for the visit citing it (tests/server/test_photo_reading.py has the other cases).
    "GET /photos/{sha256}": (_get_a_photo, {
        "auditor_a": 200, "auditor_b": 404, "manager_north": 200, "manager_south": 404,
        "manager_all": 200, "admin": 200, "revoked": 401, "nobody": 401}),
    # No token needed; a wrong code is the same 400 whoever asks (tests/server/test_enrolment.py).
    "POST /enrol": (lambda s, w, h: s.client.post("/api/v1/enrol", headers=h,
                                                  json={"code": "ZZZZ2222"}),
                    dict.fromkeys(CALLERS, 400)),
    "POST /photos/missing": (lambda s, w, h: s.client.post("/api/v1/photos/missing", headers=h,
                                                           json={"hashes": ["b" * 64]}),
                             ANY_ROLE_READ),
}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_caller_gets_the_specified_status(server: Server, endpoint: str) -> None:
    photo = png_bytes((4, 3))
    assert _put_photo_body(server, photo).status_code == 201
    seeded = visit_body(site_id="site-n1", photos=[
        {"sha256": sha(photo), "bytes": len(photo), "width": 4, "height": 3}])
    answer = server.client.put(f"/api/v1/visits/{seeded['id']}", json=seeded,
                               headers=server.auth("auditor_a"))
    assert answer.status_code == 201
    server.a_visit = seeded["id"]  # type: ignore[attr-defined]
    server.a_photo = sha(photo)  # type: ignore[attr-defined]
    call, expected = ENDPOINTS[endpoint]
    actual: dict[str, Any] = {}
    for who in CALLERS:
        response = call(server, who, server.auth(who))
        actual[who] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, (who, response.text)
            assert set(response.json()["error"]) == {"code", "message", "details"}
    assert actual == expected


def test_a_garbage_or_non_bearer_authorization_header_is_401(server: Server) -> None:
    for header in ["Bearer not-a-token", "Basic YWxpY2U6c2VjcmV0", "Bearer", "token"]:
        answer = server.client.get("/api/v1/sites", headers={"Authorization": header})
        assert answer.status_code == 401, header
        assert answer.json()["error"]["code"] == "unauthorized"
        assert answer.headers["www-authenticate"] == "Bearer"


def test_manager_in_a_region_lists_only_that_regions_visits(server: Server) -> None:
    north, south = visit_body(site_id="site-n1"), visit_body(site_id="site-s1", staff_ids=["staff-3"])
    for body in (north, south):
        assert server.client.put(f"/api/v1/visits/{body['id']}", json=body,
                                 headers=server.auth("auditor_a")).status_code == 201
    listed = server.client.get("/api/v1/visits", headers=server.auth("manager_north")).json()
    assert [v["id"] for v in listed] == [north["id"]]
    south_view = server.client.get(f"/api/v1/visits/{south['id']}", headers=server.auth("manager_south"))
    assert south_view.status_code == 200
