"""GET /visits filters (site, checklist, local dates) and sort order: what a report's drill-down
lists, still limited to what the caller may read."""

from __future__ import annotations

from .conftest import Server
from .visit_data import changed, visit_body


def put(server: Server, body: dict) -> None:
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body,
                               headers=server.auth("auditor_a"))
    assert answer.status_code == 201, answer.text


def visit_on(day: str, site_id: str = "site-n1", hour: str = "10") -> dict:
    staff = ["staff-1"] if site_id == "site-n1" else ["staff-3"]
    return changed(visit_body(site_id=site_id, staff_ids=staff),
                   started_at=f"{day}T{hour}:00:00+08:00", finished_at=f"{day}T{hour}:20:00+08:00")


def listed(server: Server, who: str = "manager_all", **params: str) -> list[str]:
    answer = server.client.get("/api/v1/visits", params=params, headers=server.auth(who))
    assert answer.status_code == 200, answer.text
    return [visit["id"] for visit in answer.json()]


def test_site_and_local_date_filters_list_only_matching_visits(server: Server) -> None:
    early, inside, late = visit_on("2026-11-02"), visit_on("2026-11-10"), visit_on("2026-11-20")
    elsewhere = visit_on("2026-11-10", site_id="site-s1")
    # 23:30 at UTC-05:00 is the next day in UTC: the local date (11-15) is what counts.
    evening = changed(visit_body(), started_at="2026-11-15T23:30:00-05:00",
                      finished_at="2026-11-15T23:50:00-05:00")
    for body in (early, inside, late, elsewhere, evening):
        put(server, body)
    chosen = listed(server, site_id="site-n1", **{"from": "2026-11-03", "to": "2026-11-15"})
    assert set(chosen) == {inside["id"], evening["id"]}
    assert listed(server, site_id="site-s1") == [elsewhere["id"]]
    assert listed(server, checklist_id="no-such-checklist") == []
    answer = server.client.get("/api/v1/visits", params={"site_id": "site-n1", "from": "2026-11-15",
                                                         "to": "2026-11-15"},
                               headers=server.auth("manager_all")).json()
    assert [(v["started_local_date"], v["started_at"][:10]) for v in answer] == [
        ("2026-11-15", "2026-11-16")]  # the local date, beside the UTC time


def test_sort_by_started_lists_the_newest_visit_first(server: Server) -> None:
    older, newer = visit_on("2026-11-01"), visit_on("2026-11-09")
    put(server, newer)
    put(server, older)  # uploaded last: first by upload time, last by visit time
    assert listed(server)[:2] == [older["id"], newer["id"]]
    assert listed(server, sort="started")[:2] == [newer["id"], older["id"]]


def test_regional_manager_filtering_another_region_gets_nothing(server: Server) -> None:
    south = visit_on("2026-11-10", site_id="site-s1")
    put(server, south)
    assert listed(server, who="manager_north", site_id="site-s1") == []
    assert listed(server, who="manager_south", site_id="site-s1") == [south["id"]]


def test_reversed_date_range_is_422_naming_the_parameter(server: Server) -> None:
    answer = server.client.get("/api/v1/visits", params={"from": "2026-11-20", "to": "2026-11-01"},
                               headers=server.auth("admin"))
    assert answer.status_code == 422
    assert [d["path"] for d in answer.json()["error"]["details"]] == ["query.from"]


def test_staff_filter_lists_the_visits_that_assessed_that_staff_member(server: Server) -> None:
    theirs = changed(visit_body(site_id="site-n1", staff_ids=["staff-1"]),
                     started_at="2026-11-12T10:00:00+08:00", finished_at="2026-11-12T10:20:00+08:00")
    other = changed(visit_body(site_id="site-n1", staff_ids=["staff-2"]),
                    started_at="2026-11-12T11:00:00+08:00", finished_at="2026-11-12T11:20:00+08:00")
    for body in (theirs, other):
        put(server, body)
    assert listed(server, staff_id="staff-1") == [theirs["id"]]
    assert listed(server, staff_id="staff-2") == [other["id"]]
    assert listed(server, staff_id="nobody") == []
