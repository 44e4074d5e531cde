"""On random data the SQL report rows equal the domain's `group_rows` over the domain-scored
latest revisions, for all five groupings and with visit-level filters, whichever stored totals
a report reads (observations, per-visit totals, per-visit staff totals) and however the visits
arrived: one PUT each or in batches, revised, rejected, revised or approved after rejection."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import pytest

from audit_app.domain import (
    GROUPINGS, Checklist, Visit, VisitScore, group_rows, parse_checklist_yaml, score_visit,
)

from .conftest import CHECKLIST_DIR, Server
from .visit_data import new_id

SITE_STAFF = {"site-n1": ["staff-1", "staff-2"], "site-s1": ["staff-3"]}
REGION = {"site-n1": "north", "site-s1": "south"}
OFFSETS = ["+08:00", "-05:00", "+00:00", "+13:00"]


def checklists() -> dict[int, Checklist]:
    paths = {version: CHECKLIST_DIR / f"shop-visit-v{version}.yaml" for version in (1, 2)}
    return {version: parse_checklist_yaml(path.read_text(encoding="utf-8"), str(path))
            for version, path in paths.items()}


def random_answers(rng: random.Random) -> dict[str, Any]:
    return {
        "greeted": rng.random() < 0.85,
        "greet_time": round(rng.uniform(0, 12), 1),
        "queue_length": rng.randint(0, 6),
        "friendliness": rng.randint(1, 5),
        "tidy_floor": rng.random() < 0.7,
    }


def random_visit(rng: random.Random, visit_id: str, revision: int) -> dict[str, Any]:
    site = rng.choice(sorted(SITE_STAFF))
    staff_ids = rng.sample(SITE_STAFF[site], rng.randint(0, len(SITE_STAFF[site])))
    start = (dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 40)))
    offset = rng.choice(OFFSETS)
    local = start.astimezone(dt.datetime.fromisoformat(f"2026-01-01T00:00:00{offset}").tzinfo)
    at = local.isoformat()
    observations = []
    for key, value in random_answers(rng).items():
        if key == "tidy_floor" and rng.random() < 0.3:
            continue  # optional item left out
        observation: dict[str, Any] = {"item_key": key, "value": value, "recorded_at": at}
        if rng.random() < 0.15:
            observation["na"] = True
        if rng.random() < 0.2:
            observation["staff_id"] = rng.choice(["staff-1", "staff-2", "staff-3"])
        observations.append(observation)
    return {"id": visit_id, "revision": revision, "checklist_id": "shop-visit",
            "checklist_version": rng.choice([1, 2]), "site_id": site, "staff_ids": staff_ids,
            "context": {"peak": rng.random() < 0.3}, "started_at": at, "finished_at": at,
            "observations": observations}


def upload_random_visits(server: Server, rng: random.Random, count: int) -> tuple[list[Visit], dict[str, str]]:
    """Upload `count` visits (some revised once or twice); the latest revisions and auditors."""
    latest: dict[str, Visit] = {}
    auditors: dict[str, str] = {}
    for _ in range(count):
        visit_id, auditor = new_id(), rng.choice(["auditor_a", "auditor_b"])
        for revision in range(1, rng.choice([1, 1, 1, 2, 3]) + 1):
            body = random_visit(rng, visit_id, revision)
            answer = server.client.put(f"/api/v1/visits/{visit_id}", json=body,
                                       headers=server.auth(auditor))
            assert answer.status_code == 201, answer.text
            latest[visit_id] = Visit.model_validate(body)
            auditors[visit_id] = auditor
    return list(latest.values()), auditors


def comparable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: pytest.approx(value) if isinstance(value, float) else value
             for key, value in row.items() if key != "label"} for row in rows]


def only_staff(score: VisitScore, staff_id: str) -> VisitScore:
    """The visit as the staff filter sees it: only observations attributed to `staff_id`."""
    return score._replace(observations=tuple(o for o in score.observations if o.staff_id == staff_id))


# (query filters, the same filter on a domain-scored visit and its auditor)
FILTERS: list[tuple[dict[str, str], Callable[[Visit, VisitScore, str], VisitScore | None]]] = [
    ({}, lambda visit, score, auditor: score),
    ({"region": "north", "from": "2026-11-10", "to": "2026-11-30"},
     lambda visit, score, auditor: score if REGION[visit.site_id] == "north"
     and dt.date(2026, 11, 10) <= visit.started_at.date() <= dt.date(2026, 11, 30) else None),
    ({"auditor_id": "auditor_b", "site_id": "site-s1"},
     lambda visit, score, auditor: score
     if auditor == "auditor_b" and visit.site_id == "site-s1" else None),
    ({"staff_id": "staff-2", "checklist_id": "shop-visit"},
     lambda visit, score, auditor: only_staff(score, "staff-2")),
]


@pytest.mark.slow
def test_sql_rows_equal_domain_group_rows_on_random_visits(server: Server) -> None:
    rng = random.Random(20261120)
    visits, auditors = upload_random_visits(server, rng, 60)
    by_version = checklists()
    scores = {visit.id: score_visit(visit, by_version[visit.checklist_version]) for visit in visits}
    for params, keep in FILTERS:
        kept = [kept_score for v in visits
                if (kept_score := keep(v, scores[v.id], auditors[v.id])) is not None]
        for group_by in GROUPINGS:
            answer = server.client.get("/api/v1/reports/compliance",
                                       params={"group_by": group_by, **params},
                                       headers=server.auth("admin"))
            assert answer.status_code == 200, answer.text
            sql_rows = answer.json()["rows"]
            domain_rows = [row.model_dump() for row in group_rows(kept, group_by)]
            assert sql_rows, f"{group_by} {params}: no rows, the comparison would prove nothing"
            assert comparable(sql_rows) == comparable(domain_rows), f"{group_by} {params}"


def reject(server: Server, visit_id: str) -> None:
    answer = server.client.put(f"/api/v1/visits/{visit_id}/review", headers=server.auth("admin"),
                               json={"state": "rejected", "reason": "duplicate photos"})
    assert answer.status_code == 200, answer.text


@pytest.mark.slow
def test_sql_rows_without_rejected_visits_equal_domain_rows_recomputed_without_them(
        server: Server) -> None:
    rng = random.Random(20261202)
    visits, auditors = upload_random_visits(server, rng, 30)
    by_version = checklists()
    scores = {visit.id: score_visit(visit, by_version[visit.checklist_version]) for visit in visits}
    rejected = {visit.id for visit in rng.sample(visits, 8)}
    for visit_id in sorted(rejected):
        reject(server, visit_id)
    # Approved and has-issues visits stay in the numbers.
    kept_ids = [v.id for v in visits if v.id not in rejected]
    for state, visit_id in (("approved", kept_ids[0]), ("has_issues", kept_ids[1])):
        answer = server.client.put(f"/api/v1/visits/{visit_id}/review", headers=server.auth("admin"),
                                   json={"state": state, "reason": "checked"})
        assert answer.status_code == 200, answer.text
    for params, keep in FILTERS:
        chosen = [(v, kept_score) for v in visits
                  if (kept_score := keep(v, scores[v.id], auditors[v.id])) is not None]
        without = [score for v, score in chosen if v.id not in rejected]
        # A visit matches the staff filter when it has an observation attributed to them.
        excluded = sum(v.id in rejected and bool(score.observations) for v, score in chosen)
        for group_by in GROUPINGS:
            for include, expected in (({}, without), ({"include_rejected": "true"},
                                                      [score for _v, score in chosen])):
                answer = server.client.get("/api/v1/reports/compliance",
                                           params={"group_by": group_by, **params, **include},
                                           headers=server.auth("admin"))
                assert answer.status_code == 200, answer.text
                report = answer.json()
                assert report["rows"], f"{group_by} {params}: no rows, the comparison proves nothing"
                assert comparable(report["rows"]) == comparable(
                    [row.model_dump() for row in group_rows(expected, group_by)]), (group_by, params)
                assert report["excluded_rejected"] == (0 if include else excluded), params


def post_batch(server: Server, bodies: list[dict[str, Any]], auditor: str) -> None:
    answer = server.client.post("/api/v1/visits/batch", json={"visits": bodies},
                                headers=server.auth(auditor))
    assert answer.status_code == 200, answer.text
    assert {r["status_code"] for r in answer.json()["results"]} == {201}, answer.text


def assert_reports_equal_group_rows(server: Server, latest: dict[str, Visit],
                                    auditors: dict[str, str], rejected: set[str]) -> None:
    """Every grouping under every filter, with and without rejected visits, equals group_rows."""
    by_version = checklists()
    scores = {v.id: score_visit(v, by_version[v.checklist_version]) for v in latest.values()}
    for params, keep in FILTERS:
        chosen = [(v, kept) for v in latest.values()
                  if (kept := keep(v, scores[v.id], auditors[v.id])) is not None]
        for group_by in GROUPINGS:
            for include, expected in (
                    ({}, [score for v, score in chosen if v.id not in rejected]),
                    ({"include_rejected": "true"}, [score for _v, score in chosen])):
                answer = server.client.get("/api/v1/reports/compliance",
                                           params={"group_by": group_by, **params, **include},
                                           headers=server.auth("admin"))
                assert answer.status_code == 200, answer.text
                rows = answer.json()["rows"]
                assert rows, f"{group_by} {params}: no rows, the comparison proves nothing"
                assert comparable(rows) == comparable(
                    [row.model_dump() for row in group_rows(expected, group_by)]), (group_by, params, include)


def set_review(server: Server, visit_id: str, state: str) -> None:
    answer = server.client.put(f"/api/v1/visits/{visit_id}/review", headers=server.auth("admin"),
                               json={"state": state, "reason": "checked"})
    assert answer.status_code == 200, answer.text


@pytest.mark.slow
def test_sql_rows_equal_domain_rows_after_batches_revisions_and_reviews(server: Server) -> None:
    rng = random.Random(20261203)
    latest: dict[str, Visit] = {}
    auditors: dict[str, str] = {}
    for auditor in ("auditor_a", "auditor_b"):
        # One batch holds first revisions and, for some visits, their next revision too.
        bodies = []
        for _ in range(20):
            visit_id = new_id()
            bodies += [random_visit(rng, visit_id, revision)
                       for revision in range(1, rng.choice([1, 1, 2, 3]) + 1)]
        post_batch(server, bodies, auditor)
        for body in bodies:
            latest[body["id"]] = Visit.model_validate(body)
            auditors[body["id"]] = auditor
    rejected = set(rng.sample(sorted(latest), 12))
    for visit_id in sorted(rejected):
        set_review(server, visit_id, "rejected")
    assert_reports_equal_group_rows(server, latest, auditors, rejected)
    # A new revision of a rejected visit, in a batch, brings it back (review `received`);
    # so does approving it after all; a later rejection takes it out again.
    revised, approved = sorted(rejected)[:4], sorted(rejected)[4:6]
    for auditor in ("auditor_a", "auditor_b"):
        bodies = [random_visit(rng, visit_id, latest[visit_id].revision + 1)
                  for visit_id in revised if auditors[visit_id] == auditor]
        if bodies:
            post_batch(server, bodies, auditor)
            latest.update({body["id"]: Visit.model_validate(body) for body in bodies})
    for visit_id in approved:
        set_review(server, visit_id, "approved")
    rejected -= {*revised, *approved}
    again = sorted(set(latest) - rejected)[:3]
    for visit_id in again:
        set_review(server, visit_id, "rejected")
    rejected |= set(again)
    assert_reports_equal_group_rows(server, latest, auditors, rejected)
