"""`/reports/actions`: every figure equals a recomputation from the actions' events with the
domain's definitions, for each grouping and with filters."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from audit_app.domain.actions import ActionEvent, ActionSummary, action_figures, report_rows

from .action_data import created_action, event_body, failed_visit, post_event
from .conftest import Server

TODAY = dt.date(2026, 11, 27)
EVENT_CHOICES = ["start", "comment", "resolve", "resolve", "verify", "reopen", "cant_do"]
WHO = {"start": "auditor_a", "comment": "auditor_a", "resolve": "auditor_a",
       "verify": "manager_all", "reopen": "manager_all", "cant_do": "admin"}


def _random_actions(server: Server, rng: random.Random, count: int) -> None:
    visits = [failed_visit(server), failed_visit(server, site_id="site-s1")]
    for number in range(count):
        visit = rng.choice(visits)
        item = rng.choice(["greeted", "friendliness", "greet_time"])
        created = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC) + dt.timedelta(hours=number)
        action = created_action(server, visit, item_key=item, created_at=created.isoformat(),
                                due_on=(created.date() + dt.timedelta(days=rng.randint(0, 9))).isoformat(),
                                assignee=rng.choice([None, "auditor_a", "manager_north"]))
        at = created
        for _ in range(rng.randint(0, 6)):
            at += dt.timedelta(hours=rng.randint(1, 60))
            kind = rng.choice(EVENT_CHOICES)
            answer = post_event(server, action["id"], event_body(kind, at=at.isoformat()), WHO[kind])
            assert answer.status_code in (201, 422), answer.text


def _histories(server: Server) -> list[tuple[dict[str, Any], list[ActionEvent]]]:
    listed = server.client.get("/api/v1/actions", params={"limit": 1000},
                               headers=server.auth("admin")).json()
    return [(row, [ActionEvent.model_validate(event) for event in server.client.get(
        f"/api/v1/actions/{row['id']}", headers=server.auth("admin")).json()["history"]])
        for row in listed]


def _recomputed(histories: list[tuple[dict[str, Any], list[ActionEvent]]], group_by: str,
                site_id: str | None = None, last_day: str | None = None) -> list[dict[str, Any]]:
    summaries = []
    for row, events in histories:
        if site_id is not None and row["site_id"] != site_id:
            continue
        created = dt.datetime.fromisoformat(row["created_at"])
        if last_day is not None and created.date().isoformat() > last_day:
            continue
        key = {"site": row["site_id"], "item": row["item_key"], "assignee": row["assignee"]}[group_by]
        summaries.append(ActionSummary(key, dt.date.fromisoformat(row["due_on"]),
                                       action_figures(created, events)))
    return [row.model_dump(exclude={"label"}) for row in report_rows(summaries, TODAY)]


def _served(server: Server, **params: str) -> list[dict[str, Any]]:
    answer = server.client.get("/api/v1/reports/actions", headers=server.auth("admin"),
                               params={"today": TODAY.isoformat(), **params})
    assert answer.status_code == 200, answer.text
    return [{k: v for k, v in row.items() if k != "label"} for row in answer.json()["rows"]]


def test_report_rows_equal_a_recomputation_from_the_events(server: Server) -> None:
    _random_actions(server, random.Random(13), 30)
    histories = _histories(server)
    for group_by in ("site", "item", "assignee"):
        served = _served(server, group_by=group_by)
        assert served == _recomputed(histories, group_by), group_by
        assert sum(row["total"] for row in served) == 30
        filtered = _served(server, group_by=group_by, site_id="site-s1", **{"from": "2026-11-20",
                                                                            "to": "2026-11-20"})
        assert filtered == _recomputed(histories, group_by, "site-s1", "2026-11-20"), group_by
    every = [row for group_by in ("site", "item") for row in _served(server, group_by=group_by)]
    assert any(row["median_days_to_resolve"] is not None for row in every)
    assert any(row["verified_first_time_rate"] is not None for row in every)
    assert any(row["overdue"] for row in every)


def test_site_rows_carry_the_site_name(server: Server) -> None:
    created_action(server, failed_visit(server))
    rows = server.client.get("/api/v1/reports/actions", headers=server.auth("admin")).json()["rows"]
    assert [(r["key"], r["label"], r["open"]) for r in rows] == [("site-n1", "North One", 1)]
