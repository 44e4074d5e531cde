"""Each integrity signal fires on a crafted case and stays silent on the nearest honest one, on
SQLite and PostgreSQL; flags are listed and filtered by `GET /visits`, and never change a score."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import ImageEnhance

from sync_server.app import create_app
from sync_server.demo_photos import jpeg, scene

from .conftest import Server
from .images import sha
from .visit_data import changed, visit_body

# The server's clock for these tests: six minutes after the standard visit finished.
RECEIVED = dt.datetime(2026, 11, 20, 10, 30, 31, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def client(server: Server) -> Iterator[TestClient]:
    """The server's app with its clock fixed at RECEIVED."""
    with TestClient(create_app(server.settings, clock=lambda: RECEIVED.astimezone(dt.UTC)),
                    raise_server_exceptions=False) as test_client:
        yield test_client


def upload(client: TestClient, server: Server, body: dict[str, Any], who: str = "auditor_a") -> None:
    answer = client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))
    assert answer.status_code == 201, answer.text


def upload_photo(client: TestClient, server: Server, photo: bytes) -> None:
    answer = client.put(f"/api/v1/photos/{sha(photo)}", content=photo,
                        headers={**server.auth("auditor_a"), "Content-Type": "image/jpeg"})
    assert answer.status_code == 201, answer.text


def flags(client: TestClient, server: Server, visit_id: str) -> list[dict[str, Any]]:
    answer = client.get(f"/api/v1/visits/{visit_id}", headers=server.auth("admin"))
    assert answer.status_code == 200, answer.text
    return answer.json()["flags"]  # type: ignore[no-any-return]


def codes(client: TestClient, server: Server, visit_id: str) -> list[str]:
    return sorted(flag["code"] for flag in flags(client, server, visit_id))


def with_photo(photo: bytes, **kwargs: Any) -> dict[str, Any]:
    ref = {"sha256": sha(photo), "bytes": len(photo), "width": 640, "height": 480}
    return visit_body(photos=[ref], shelf_photo=None, **kwargs)


def test_an_honest_visit_has_no_flags(server: Server, client: TestClient) -> None:
    body = visit_body()
    upload(client, server, body)
    assert flags(client, server, body["id"]) == []


def test_a_photo_cited_by_two_visits_flags_both_and_a_revisit_with_new_photos_neither(
        server: Server, client: TestClient) -> None:
    photo, new_photo = jpeg(scene(1)), jpeg(scene(2))
    first, copy, revisit = with_photo(photo), with_photo(photo), with_photo(new_photo)
    for body in (first, copy, revisit):
        upload(client, server, body)
    [duplicate] = flags(client, server, copy["id"])
    assert duplicate["code"] == "duplicate_photo"
    assert duplicate["evidence"] == {"photo": sha(photo), "other_visit": first["id"]}
    assert first["id"] in duplicate["message"] and first["id"] in duplicate["message_zh"]
    assert [f["evidence"]["other_visit"] for f in flags(client, server, first["id"])] == [copy["id"]]
    assert flags(client, server, revisit["id"]) == []


def test_a_brightened_copy_is_similar_whichever_arrives_first_and_another_scene_is_not(
        server: Server, client: TestClient) -> None:
    original = jpeg(scene(7))
    brightened = jpeg(ImageEnhance.Brightness(scene(7)).enhance(1.2))
    other_scene = jpeg(scene(8))
    upload_photo(client, server, original)
    first = with_photo(original)
    upload(client, server, first)
    # The copy's visit arrives before its photo: the flag appears when the photo does.
    copy = with_photo(brightened)
    upload(client, server, copy)
    assert codes(client, server, copy["id"]) == []
    upload_photo(client, server, brightened)
    [similar] = flags(client, server, copy["id"])
    assert similar["code"] == "similar_photo"
    assert similar["evidence"]["other_visit"] == first["id"]
    assert similar["evidence"]["distance"] <= 6
    assert codes(client, server, first["id"]) == ["similar_photo"]
    # A photo of another scene, already stored when its visit arrives: nothing.
    upload_photo(client, server, other_scene)
    honest = with_photo(other_scene)
    upload(client, server, honest)
    assert codes(client, server, honest["id"]) == []


def test_a_visit_shorter_than_the_checklist_minimum_is_too_fast(server: Server,
                                                               client: TestClient) -> None:
    # shop-visit has no min_duration_s: derived 62 s (2 checks, timed, count, rating, text, photo).
    quick = changed(visit_body(), finished_at="2026-11-20T10:00:30+08:00")
    long_enough = changed(visit_body(), finished_at="2026-11-20T10:01:05+08:00")
    upload(client, server, quick)
    upload(client, server, long_enough)
    [fast] = flags(client, server, quick["id"])
    assert fast["code"] == "too_fast"
    recorded = sorted(o["recorded_at"] for o in quick["observations"])
    assert {**fast["evidence"], "recorded_at": sorted(fast["evidence"]["recorded_at"])} == {
        "rule": "duration", "duration_s": 30.0, "min_duration_s": 62.0,
        "recorded_at": recorded}  # the answers' times, which the review queue draws as a timeline
    assert flags(client, server, long_enough["id"]) == []


def test_a_device_clock_ahead_of_the_server_by_more_than_ten_minutes_is_clock_skew(
        server: Server, client: TestClient) -> None:
    # The server receives at 10:30:31; a device claiming 10:45 is 14.5 minutes ahead.
    ahead = changed(visit_body(), finished_at="2026-11-20T10:45:00+08:00")
    within = changed(visit_body(), finished_at="2026-11-20T10:38:00+08:00")
    upload(client, server, ahead)
    upload(client, server, within)
    [skew] = flags(client, server, ahead["id"])
    assert skew["code"] == "clock_skew"
    assert skew["evidence"]["field"] == "finished_at" and skew["evidence"]["skew_s"] == 869
    assert flags(client, server, within["id"]) == []


def test_a_long_note_copied_from_another_visit_is_flagged_and_a_short_ok_is_not(
        server: Server, client: TestClient) -> None:
    note = "Staff member was friendly and the floor was spotless."
    original = visit_body(remarks=note)
    copied = visit_body(remarks="  staff member was FRIENDLY and the floor   was spotless. ")
    short_a, short_b = visit_body(remarks="ok"), visit_body(remarks="ok")
    for body in (original, copied, short_a, short_b):
        upload(client, server, body)
    [copy_flag] = flags(client, server, copied["id"])
    assert copy_flag["code"] == "copied_text"
    assert copy_flag["evidence"] == {"other_visit": original["id"]}
    assert codes(client, server, original["id"]) == ["copied_text"]
    assert flags(client, server, short_b["id"]) == []


def test_check_in_far_from_a_site_with_coordinates_is_flagged_and_near_or_missing_are_told_apart(
        server: Server, client: TestClient) -> None:
    site = client.put("/api/v1/sites/site-n1", headers=server.auth("admin"), json={
        "name": "North One", "region": "north", "lat": 31.2304, "lon": 121.4737, "radius_m": 200})
    assert site.status_code == 200, site.text
    assert (site.json()["lat"], site.json()["radius_m"]) == (31.2304, 200)
    at = "2026-11-20T10:00:01+08:00"
    # ~1.1 km north, 20 m accuracy: far. ~250 m north with 60 m accuracy: within 200 + 60.
    far = changed(visit_body(), context={"peak": False, "check_in": {
        "lat": 31.2404, "lon": 121.4737, "accuracy_m": 20, "at": at}})
    near = changed(visit_body(), context={"peak": False, "check_in": {
        "lat": 31.23265, "lon": 121.4737, "accuracy_m": 60, "at": at}})
    refused = changed(visit_body(), context={"peak": False, "check_in_missing": "denied"})
    elsewhere = visit_body(site_id="site-s1")  # a site without coordinates
    for body in (far, near, refused, elsewhere):
        upload(client, server, body)
    [far_flag] = flags(client, server, far["id"])
    assert far_flag["code"] == "far_check_in"
    assert 1100 <= far_flag["evidence"]["distance_m"] <= 1125
    assert flags(client, server, near["id"]) == []
    [missing] = flags(client, server, refused["id"])
    assert (missing["code"], missing["evidence"]) == ("no_check_in", {"reason": "denied"})
    assert "拒绝" in missing["message_zh"]
    assert flags(client, server, elsewhere["id"]) == []


def test_visits_list_filters_by_flag_and_flags_leave_the_score_alone(server: Server,
                                                                     client: TestClient) -> None:
    photo = jpeg(scene(3))
    first, copy = with_photo(photo), with_photo(photo)
    quick = changed(visit_body(), finished_at="2026-11-20T10:00:30+08:00")
    clean = visit_body()
    for body in (first, copy, quick, clean):
        upload(client, server, body)

    def listed(**params: Any) -> set[str]:
        answer = client.get("/api/v1/visits", params=params, headers=server.auth("manager_north"))
        assert answer.status_code == 200, answer.text
        return {row["id"] for row in answer.json()}

    assert listed(flagged="true") == {first["id"], copy["id"], quick["id"]}
    assert listed(flagged="false") == {clean["id"]}
    assert listed(flag="too_fast") == {quick["id"]}
    assert listed(flag="duplicate_photo") == {first["id"], copy["id"]}
    scores = {row["id"]: row["visit_score"] for row in client.get(
        "/api/v1/visits", headers=server.auth("admin")).json()}
    assert scores[copy["id"]] == scores[quick["id"]] == scores[clean["id"]] == 1.0


def test_a_new_revision_replaces_what_other_visits_said_about_it(server: Server,
                                                                 client: TestClient) -> None:
    photo = jpeg(scene(4))
    first = with_photo(photo)
    copy = with_photo(photo)
    upload(client, server, first)
    upload(client, server, copy)
    replaced = changed(copy, revision=2, photos=[])
    upload(client, server, replaced)
    assert flags(client, server, first["id"]) == []
    assert flags(client, server, copy["id"]) == []


def test_site_coordinates_come_in_pairs(server: Server, client: TestClient) -> None:
    answer = client.put("/api/v1/sites/site-x", headers=server.auth("admin"),
                        json={"name": "X", "lat": 31.0})
    assert answer.status_code == 422
    assert "lat and lon" in answer.text
