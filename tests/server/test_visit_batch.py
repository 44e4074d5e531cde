"""POST /visits/batch: up to 50 visit revisions, one result per visit in order, each what
PUT /visits/{id} answers for that visit; one bad visit does not fail the others, and the good
ones keep their integrity flags and receipts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sync_server.app import create_app
from sync_server.db import make_engine
from sync_server.tables import VisitFlag

from .conftest import Server
from .visit_data import changed, visit_body


def post_batch(server: Server, visits: list[dict[str, Any]], who: str = "auditor_a"):  # type: ignore[no-untyped-def]
    return server.client.post("/api/v1/visits/batch", json={"visits": visits}, headers=server.auth(who))


def put_visit(server: Server, body: dict[str, Any], who: str = "auditor_a"):  # type: ignore[no-untyped-def]
    return server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))


def test_each_result_is_what_put_answers_for_that_visit_in_order(server: Server) -> None:
    stored = visit_body()
    assert put_visit(server, stored).status_code == 201
    new = visit_body(photos=[{"sha256": "a" * 64, "bytes": 10, "width": 4, "height": 3}])
    unknown_site = visit_body(site_id="site-nowhere")
    conflicting = changed(stored, finished_at="2026-11-20T10:30:00+08:00")  # same revision, new body
    malformed = {k: v for k, v in visit_body().items() if k != "started_at"}
    answer = post_batch(server, [new, stored, unknown_site, conflicting, malformed])
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["id"], r["status_code"]) for r in results] == [
        (new["id"], 201), (stored["id"], 200), (unknown_site["id"], 422),
        (conflicting["id"], 409), (malformed["id"], 422)]
    assert results[0]["status"] == "created" and results[0]["missing_photos"] == ["a" * 64]
    assert results[1]["status"] == "replayed" and results[1]["revision"] == 1
    assert [d["code"] for d in results[2]["error"]["details"]] == ["unknown_site"]
    assert results[2]["error"]["details"][0]["message_zh"]
    assert results[3]["error"]["code"] == put_visit(server, conflicting).json()["error"]["code"]
    assert any(d["path"] == "body.started_at" for d in results[4]["error"]["details"])
    # What was good is stored, what was bad is not, exactly as one PUT each would have left it.
    assert put_visit(server, new).json()["status"] == "replayed"
    assert server.client.get(f"/api/v1/visits/{unknown_site['id']}",
                             headers=server.auth("admin")).status_code == 404


def test_a_visit_that_fails_lists_every_problem_like_put(server: Server) -> None:
    bad = visit_body(site_id="site-nowhere", staff_ids=["nobody-1", "nobody-2"])
    (result,) = post_batch(server, [bad]).json()["results"]
    assert result["error"] == put_visit(server, bad).json()["error"]


def test_more_than_50_visits_is_413_and_stores_nothing(server: Server) -> None:
    visits = [visit_body() for _ in range(51)]
    answer = post_batch(server, visits)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body_too_large"
    assert server.client.get("/api/v1/visits", headers=server.auth("admin")).json() == []
    assert post_batch(server, visits[:50]).status_code == 200


def test_a_batch_over_the_body_limit_is_413(server: Server) -> None:
    huge = visit_body(remarks="x" * (6 * 1024 * 1024))
    answer = post_batch(server, [huge])
    assert answer.status_code == 413


def test_only_auditors_and_admins_upload_batches(server: Server) -> None:
    assert post_batch(server, [visit_body()], who="manager_north").status_code == 403
    assert post_batch(server, [visit_body()], who="nobody").status_code == 401
    another_auditors = visit_body()
    assert put_visit(server, another_auditors, who="auditor_b").status_code == 201
    (result,) = post_batch(server, [another_auditors]).json()["results"]
    assert result["status_code"] == 409 and result["error"]["code"] == "visit_id_taken"


def test_an_empty_batch_answers_no_results(server: Server) -> None:
    assert post_batch(server, []).json() == {"results": []}


# The server's clock for the flag test: six minutes after the standard visit finished.
RECEIVED = dt.datetime(2026, 11, 20, 2, 30, 31, tzinfo=dt.UTC)


def test_an_invalid_visit_mid_batch_fails_alone_and_the_others_get_their_flags_and_receipts(
        server: Server) -> None:
    note = "Staff member was friendly and the floor was spotless."
    quick = changed(visit_body(remarks=note), finished_at="2026-11-20T10:00:30+08:00")  # too_fast
    unknown_staff = visit_body(staff_ids=["nobody"])
    copied = visit_body(remarks=note.upper(), photos=[{"sha256": "b" * 64, "bytes": 10,
                                                       "width": 4, "height": 3}])
    with TestClient(create_app(server.settings, clock=lambda: RECEIVED)) as client:
        answer = client.post("/api/v1/visits/batch", json={"visits": [quick, unknown_staff, copied]},
                             headers=server.auth("auditor_a"))
        results = answer.json()["results"]
        assert [(r["id"], r["status_code"]) for r in results] == [
            (quick["id"], 201), (unknown_staff["id"], 422), (copied["id"], 201)]
        assert [d["code"] for d in results[1]["error"]["details"]] == ["unknown_staff"]
        assert (results[0]["missing_photos"], results[2]["missing_photos"]) == ([], ["b" * 64])
        # Each receipt is what PUT answers, as a replay shows.
        replay = client.put(f"/api/v1/visits/{quick['id']}", json=quick, headers=server.auth("auditor_a"))
        assert replay.status_code == 200
        assert replay.json()["received_at"].replace("Z", "+00:00") == \
            results[0]["received_at"].replace("Z", "+00:00")

        def flags(visit_id: str) -> list[tuple[str, str | None]]:
            read = client.get(f"/api/v1/visits/{visit_id}", headers=server.auth("admin")).json()
            return sorted((f["code"], f["evidence"].get("other_visit")) for f in read["flags"])

        assert flags(quick["id"]) == [("copied_text", copied["id"]), ("too_fast", None)]
        assert flags(copied["id"]) == [("copied_text", quick["id"])]
        assert client.get(f"/api/v1/visits/{unknown_staff['id']}",
                          headers=server.auth("admin")).status_code == 404
    engine = make_engine(server.settings)
    with engine.connect() as connection:  # one row per flag: the pair was written once
        stored = connection.execute(select(VisitFlag.visit_id, VisitFlag.code)).all()
    engine.dispose()
    assert sorted(stored) == sorted([(quick["id"], "too_fast"), (quick["id"], "copied_text"),
                                     (copied["id"], "copied_text")])
