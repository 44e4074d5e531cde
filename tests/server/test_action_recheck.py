"""Automatic re-check: a later visit at the same site that scores the action's item verifies
(pass) or reopens (fail) a resolved action, by `system`, naming that visit; a visit failing
an item that already has an open action adds a comment to it instead."""

from __future__ import annotations

from typing import Any

from .action_data import created_action, failed_visit, read_action, resolved_action
from .conftest import Server
from .visit_data import changed, visit_body

NEXT_DAY = "2026-11-23T10:00:00+08:00"


def test_a_later_visit_passing_the_item_verifies_the_action_by_system(server: Server) -> None:
    action = resolved_action(server)
    visit = failed_visit(server, "auditor_b", started_at=NEXT_DAY, greeted=True)
    read = read_action(server, action["id"])
    assert read["status"] == "verified"
    last = read["history"][-1]
    assert (last["type"], last["by"], last["visit_id"]) == ("verify", "system", visit["id"])


def test_a_later_visit_failing_the_item_reopens_it(server: Server) -> None:
    action = resolved_action(server)
    visit = failed_visit(server, started_at=NEXT_DAY)
    read = read_action(server, action["id"])
    assert read["status"] == "reopened"
    assert (read["history"][-1]["type"], read["history"][-1]["visit_id"]) == ("reopen", visit["id"])


def test_storing_the_visit_again_adds_no_second_recheck(server: Server) -> None:
    action = resolved_action(server)
    visit = failed_visit(server, started_at=NEXT_DAY, greeted=True)
    again = server.client.put(f"/api/v1/visits/{visit['id']}", json=visit, headers=server.auth("auditor_a"))
    assert again.status_code == 200
    revised = visit | {"revision": 2}
    assert server.client.put(f"/api/v1/visits/{visit['id']}", json=revised,
                             headers=server.auth("auditor_a")).status_code == 201
    assert [e["type"] for e in read_action(server, action["id"])["history"]] == ["resolve", "verify"]


def test_a_visit_started_before_the_fix_cannot_judge_it(server: Server) -> None:
    action = resolved_action(server)
    failed_visit(server, started_at="2026-11-21T08:00:00+08:00", greeted=True)
    assert read_action(server, action["id"])["status"] == "resolved"


def test_a_visit_at_another_site_or_marking_the_item_na_changes_nothing(server: Server) -> None:
    action = resolved_action(server)
    failed_visit(server, site_id="site-s1", started_at=NEXT_DAY, greeted=True)
    na = changed(visit_body(), started_at=NEXT_DAY, finished_at=NEXT_DAY)
    na["observations"][0] = {**na["observations"][0], "value": None, "na": True}
    assert na["observations"][0]["item_key"] == "greeted"
    assert server.client.put(f"/api/v1/visits/{na['id']}", json=na,
                             headers=server.auth("auditor_a")).status_code == 201
    assert read_action(server, action["id"])["status"] == "resolved"


def test_a_failed_item_with_an_open_action_adds_a_comment_instead_of_a_second_action(server: Server) -> None:
    action = created_action(server, failed_visit(server))
    visit = failed_visit(server, started_at=NEXT_DAY)
    read = read_action(server, action["id"])
    assert read["status"] == "open"
    assert [(e["type"], e["by"], e["visit_id"]) for e in read["history"]] == [
        ("comment", "system", visit["id"])]
    listed = server.client.get("/api/v1/actions", headers=server.auth("admin")).json()
    assert len(listed) == 1


def test_the_visit_an_action_was_raised_from_does_not_comment_on_it(server: Server) -> None:
    visit = failed_visit(server)
    action = created_action(server, visit)
    revised = visit | {"revision": 2}
    assert server.client.put(f"/api/v1/visits/{visit['id']}", json=revised,
                             headers=server.auth("auditor_a")).status_code == 201
    assert read_action(server, action["id"])["history"] == []


def test_visits_of_one_batch_recheck_in_order_the_second_seeing_what_the_first_did(server: Server) -> None:
    action = resolved_action(server)
    reopening = visit_body(greeted=False)
    reopening = changed(reopening, started_at=NEXT_DAY, finished_at=NEXT_DAY)
    later = changed(visit_body(greeted=False), started_at="2026-11-24T10:00:00+08:00",
                    finished_at="2026-11-24T10:00:00+08:00")
    answer = server.client.post("/api/v1/visits/batch", json={"visits": [reopening, later]},
                                headers=server.auth("auditor_a"))
    assert [r["status_code"] for r in answer.json()["results"]] == [201, 201], answer.text
    read = read_action(server, action["id"])
    assert read["status"] == "reopened"
    assert [(e["type"], e["visit_id"]) for e in read["history"][1:]] == [
        ("reopen", reopening["id"]), ("comment", later["id"])]
