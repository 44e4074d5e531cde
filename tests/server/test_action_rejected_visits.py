"""Rejected visits leave the actions' numbers too (issue 14, docs/integrity.md): a re-check by a
visit a manager rejects stops counting — it stays in the history with `counted: false` and the
status is derived without it — and `/reports/actions` leaves out actions raised from rejected
visits unless `include_rejected=true`, saying how many it left out."""

from __future__ import annotations

from typing import Any

from .action_data import created_action, failed_visit, read_action, resolved_action
from .conftest import Server

NEXT_DAY = "2026-11-23T10:00:00+08:00"
TWO_DAYS_ON = "2026-11-24T10:00:00+08:00"


def _review(server: Server, visit_id: str, state: str, reason: str | None = "photo from another shop") -> None:
    answer = server.client.put(f"/api/v1/visits/{visit_id}/review", headers=server.auth("admin"),
                               json={"state": state, "reason": reason})
    assert answer.status_code == 200, answer.text


def _site_row(server: Server, **params: Any) -> dict[str, Any]:
    answer = server.client.get("/api/v1/reports/actions", headers=server.auth("admin"),
                               params={"group_by": "site", "today": "2026-11-25", **params})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    rows = {row["key"]: row for row in report["rows"]}
    return rows.get("site-n1", {"total": 0}) | {"excluded_rejected": report["excluded_rejected"]}


def test_rejecting_the_visit_that_verified_an_action_takes_its_verdict_back(server: Server) -> None:
    action = resolved_action(server)
    checker = failed_visit(server, "auditor_b", started_at=NEXT_DAY, greeted=True)
    assert read_action(server, action["id"])["status"] == "verified"

    _review(server, checker["id"], "rejected")
    read = read_action(server, action["id"])
    assert read["status"] == "resolved"
    assert [(e["type"], e["visit_id"], e["counted"]) for e in read["history"]] == [
        ("resolve", None, True), ("verify", checker["id"], False)]
    row = _site_row(server)
    assert (row["resolved"], row["verified"], row["verified_first_time_rate"]) == (1, 0, None)


def test_after_a_rejected_recheck_the_next_honest_visit_rechecks_the_action(server: Server) -> None:
    action = resolved_action(server)
    rejected = failed_visit(server, "auditor_b", started_at=NEXT_DAY, greeted=True)
    _review(server, rejected["id"], "rejected")
    honest = failed_visit(server, "auditor_b", started_at=TWO_DAYS_ON)  # fails the item again
    read = read_action(server, action["id"])
    assert read["status"] == "reopened"
    assert [(e["type"], e["visit_id"], e["counted"]) for e in read["history"][1:]] == [
        ("verify", rejected["id"], False), ("reopen", honest["id"], True)]


def test_a_rejected_visit_approved_after_all_counts_its_recheck_again(server: Server) -> None:
    action = resolved_action(server)
    checker = failed_visit(server, "auditor_b", started_at=NEXT_DAY, greeted=True)
    _review(server, checker["id"], "rejected")
    _review(server, checker["id"], "approved", None)
    read = read_action(server, action["id"])
    assert read["status"] == "verified"
    assert all(event["counted"] for event in read["history"])


def test_a_new_revision_of_a_rejected_visit_counts_its_recheck_again(server: Server) -> None:
    action = resolved_action(server)
    checker = failed_visit(server, "auditor_b", started_at=NEXT_DAY, greeted=True)
    _review(server, checker["id"], "rejected")
    revised = checker | {"revision": 2}
    answer = server.client.put(f"/api/v1/visits/{checker['id']}", json=revised, headers=server.auth("auditor_b"))
    assert answer.status_code == 201, answer.text
    assert read_action(server, action["id"])["status"] == "verified"


def test_the_actions_report_leaves_out_actions_raised_from_rejected_visits(server: Server) -> None:
    origin = failed_visit(server)
    created_action(server, origin)
    assert (_site_row(server)["total"], _site_row(server)["excluded_rejected"]) == (1, 0)

    _review(server, origin["id"], "rejected")
    assert _site_row(server) == {"total": 0, "excluded_rejected": 1}
    every = _site_row(server, include_rejected="true")
    assert (every["total"], every["open"], every["excluded_rejected"]) == (1, 1, 0)
