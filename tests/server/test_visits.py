"""PUT/GET /visits: storage, replay, conflicts, revisions, every 422 problem, server-owned fields."""

from __future__ import annotations

import copy

from sqlalchemy import select

from sync_server.db import make_engine, make_session_factory
from sync_server.tables import ObservationRow, VisitHead, VisitRevision

from .conftest import Server
from .visit_data import changed, new_id, visit_body

SHA_A = "a" * 64


def put(server: Server, body: dict, who: str = "auditor_a", visit_id: str | None = None):
    return server.client.put(f"/api/v1/visits/{visit_id or body['id']}", json=body,
                             headers=server.auth(who))


def rows(server: Server, model, **where):
    engine = make_engine(server.settings)
    try:
        with make_session_factory(engine)() as session:
            query = select(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return list(session.scalars(query))
    finally:
        engine.dispose()


def test_new_visit_is_stored_with_server_computed_outcomes(server: Server) -> None:
    body = visit_body(greet_time=4.0, friendliness=3, staff_ids=["staff-1"])
    answer = put(server, body)
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["status"] == "created" and receipt["revision"] == 1
    assert receipt["missing_photos"] == []

    detail = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("auditor_a"))
    assert detail.status_code == 200
    data = detail.json()
    outcomes = {o["item_key"]: o for o in data["outcomes"]}
    # off-peak threshold 3 s: 4.0 fails; rating 3 < pass_min 4 fails (weight 2)
    assert outcomes["greet_time"]["outcome"] == "fail"
    assert outcomes["friendliness"]["outcome"] == "fail"
    assert outcomes["greeted"]["outcome"] == "pass"
    assert outcomes["queue_length"]["staff_id"] is None  # site-attributed
    assert outcomes["greeted"]["staff_id"] == "staff-1"  # the visit's only staff member
    assert "remarks" not in outcomes  # text is never scored
    assert data["applicable"] == 5.0 and data["passed"] == 2.0
    assert data["score"] == 0.4 and data["visit_score"] == 0.4 and data["knocked_out"] is False
    assert data["auditor_id"] == "auditor_a"
    assert data["visit"] == body | {"observations": data["visit"]["observations"]}


def test_failed_critical_item_knocks_the_visit_out(server: Server) -> None:
    body = visit_body(greeted=False)
    assert put(server, body).status_code == 201
    data = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("admin")).json()
    assert data["knocked_out"] is True and data["visit_score"] == 0.0 and data["score"] == 0.8


def test_peak_context_selects_the_peak_threshold(server: Server) -> None:
    body = visit_body(greet_time=8.0)
    body["context"] = {"peak": True}
    assert put(server, body).status_code == 201
    data = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("admin")).json()
    assert {o["item_key"]: o["outcome"] for o in data["outcomes"]}["greet_time"] == "pass"


def test_replay_of_the_same_content_answers_200_and_changes_nothing(server: Server) -> None:
    body = visit_body()
    first = put(server, body)
    # Same content, different key order and defaults written out: still a replay.
    reordered = dict(reversed(list(copy.deepcopy(body).items())))
    second = put(server, reordered)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["status"] == "replayed"
    assert second.json()["received_at"] == first.json()["received_at"]
    assert len(rows(server, VisitRevision, visit_id=body["id"])) == 1
    assert len(rows(server, ObservationRow, visit_id=body["id"])) == 4


def test_same_revision_with_changed_answer_is_409_and_original_kept(server: Server) -> None:
    body = visit_body()
    assert put(server, body).status_code == 201
    answer = put(server, visit_body(body["id"], friendliness=2))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "revision_conflict"
    stored = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("auditor_a")).json()
    assert {o["item_key"]: o["outcome"] for o in stored["outcomes"]}["friendliness"] == "pass"


def test_higher_revision_is_stored_and_old_one_kept_but_not_latest(server: Server) -> None:
    body = visit_body()
    assert put(server, body).status_code == 201
    second = put(server, visit_body(body["id"], revision=2, friendliness=1))
    assert second.status_code == 201 and second.json()["revision"] == 2
    revisions = {r.revision: r for r in rows(server, VisitRevision, visit_id=body["id"])}
    assert set(revisions) == {1, 2}
    assert (revisions[1].is_latest, revisions[2].is_latest) == (False, True)
    observations = rows(server, ObservationRow, visit_id=body["id"])
    assert {(o.revision, o.is_latest) for o in observations} == {(1, False), (2, True)}
    assert rows(server, VisitHead, id=body["id"])[0].latest_revision == 2
    detail = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("auditor_a")).json()
    assert detail["visit"]["revision"] == 2


def test_lower_revision_than_stored_is_409(server: Server) -> None:
    body = visit_body(revision=3)
    assert put(server, body).status_code == 201
    answer = put(server, visit_body(body["id"], revision=2))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "stale_revision"


def test_another_auditor_cannot_reuse_a_visit_id(server: Server) -> None:
    body = visit_body()
    assert put(server, body).status_code == 201
    answer = put(server, body, who="auditor_b")
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "visit_id_taken"
    assert rows(server, VisitHead, id=body["id"])[0].auditor_id == "auditor_a"


def test_every_problem_is_listed_in_one_422(server: Server) -> None:
    body = visit_body(site_id="site-nowhere", staff_ids=["staff-1", "staff-ghost"],
                      friendliness=9, greet_time="fast", queue_length=...)
    body["observations"].append({"item_key": "no_such_item", "value": True,
                                 "recorded_at": "2026-11-20T10:00:05+08:00"})
    body["observations"][0]["photos"] = [SHA_A]  # not listed in the visit's photos
    body["observations"][0]["staff_id"] = "staff-nobody"
    answer = put(server, body, visit_id=new_id())
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_visit"
    found = {(d["code"], d["path"]) for d in error["details"]}
    assert found >= {
        ("id_mismatch", "id"), ("unknown_site", "site_id"), ("unknown_staff", "staff_ids[1]"),
        ("unknown_staff", "observations[0].staff_id"), ("out_of_range", "observations[2].value"),
        ("wrong_type", "observations[1].value"), ("missing_required", "observations"),
        ("unknown_item", "observations[4].item_key"), ("unknown_photo", "observations[0].photos[0]"),
    }
    assert rows(server, VisitHead) == []


def test_unknown_checklist_and_unknown_version_are_422(server: Server) -> None:
    unknown = changed(visit_body(), checklist_id="no-such-list")
    answer = put(server, unknown)
    assert answer.status_code == 422
    assert [d["code"] for d in answer.json()["error"]["details"]] == ["unknown_checklist"]
    old_version = changed(visit_body(), checklist_version=7)
    answer = put(server, old_version)
    assert [d["code"] for d in answer.json()["error"]["details"]] == ["unknown_checklist_version"]


def test_visit_on_an_older_checklist_version_is_scored_by_that_version(server: Server) -> None:
    v1 = visit_body(friendliness=3)  # v1 pass_min 4 → fail; v2 pass_min 3 → pass
    v2 = visit_body(friendliness=3, version=2)
    assert put(server, v1).status_code == 201 and put(server, v2).status_code == 201
    outcome = {}
    for body in (v1, v2):
        data = server.client.get(f"/api/v1/visits/{body['id']}", headers=server.auth("admin")).json()
        outcome[body["checklist_version"]] = {o["item_key"]: o["outcome"] for o in data["outcomes"]}
    assert (outcome[1]["friendliness"], outcome[2]["friendliness"]) == ("fail", "pass")


def test_client_cannot_set_server_owned_fields(server: Server) -> None:
    for field, value in [("auditor_id", "auditor_b"), ("auditor", "auditor_b"),
                         ("received_at", "2020-01-01T00:00:00Z"), ("score", 1.0)]:
        body = visit_body()
        body[field] = value
        answer = put(server, body)
        assert answer.status_code == 422, field
        assert answer.json()["error"]["details"][0]["code"] == "extra_forbidden"
    body = visit_body()
    body["observations"][0]["outcome"] = "pass"
    assert put(server, body).status_code == 422
    assert rows(server, VisitHead) == []


def test_missing_photos_names_the_photos_the_server_lacks(server: Server) -> None:
    photo = {"sha256": SHA_A, "bytes": 10, "width": 1, "height": 1}
    body = visit_body(photos=[photo])
    body["observations"][0]["photos"] = [SHA_A]
    answer = put(server, body)
    assert answer.status_code == 201 and answer.json()["missing_photos"] == [SHA_A]


def test_list_visits_shows_auditors_only_their_own(server: Server) -> None:
    mine, theirs = visit_body(), visit_body()
    assert put(server, mine).status_code == 201
    assert put(server, theirs, who="auditor_b").status_code == 201
    listed = server.client.get("/api/v1/visits", headers=server.auth("auditor_a")).json()
    assert [v["id"] for v in listed] == [mine["id"]]
    everyone = server.client.get("/api/v1/visits", headers=server.auth("admin")).json()
    assert {v["id"] for v in everyone} == {mine["id"], theirs["id"]}


def test_observation_rows_carry_the_local_date_of_the_visit(server: Server) -> None:
    body = visit_body()
    body["started_at"] = "2026-11-20T23:30:00-05:00"  # 2026-11-21 in UTC
    body["finished_at"] = "2026-11-20T23:50:00-05:00"
    assert put(server, body).status_code == 201
    stored = rows(server, ObservationRow, visit_id=body["id"])
    assert {str(o.started_local_date) for o in stored} == {"2026-11-20"}
    assert {o.auditor_id for o in stored} == {"auditor_a"}
    assert all(o.visit_score == 1.0 for o in stored)
    revision = rows(server, VisitRevision, visit_id=body["id"])[0]
    assert str(revision.started_local_date) == "2026-11-20"


def test_revision_and_version_beyond_32_bits_are_422_not_a_crash(server: Server) -> None:
    body = changed(visit_body(), revision=2**31, checklist_version=2**40)
    answer = put(server, body)
    assert answer.status_code == 422
    assert {(d["code"], d["path"]) for d in answer.json()["error"]["details"]} == {
        ("out_of_range", "revision"), ("out_of_range", "checklist_version")}
