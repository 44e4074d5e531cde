"""Against the real server: 50 visits with photos reach it, and its numbers are the phone's."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from audit_app.device import Device
from audit_app.domain import group_rows, score_visit
from audit_app.store import VisitState
from audit_app.sync import (
    Credentials, SyncProgress, SyncStatus, VisitOutcome, load_roster, run_sync,
)

from .conftest import LiveServer
from .phone import make_visit

COMPARED = ("applicable", "passed", "rate", "visit_score_mean", "observations", "visits",
            "critical_failures", "ci_low", "ci_high", "below_target", "below_award_floor",
            "small_sample")


def _now() -> datetime:
    return datetime.now(UTC)


def _rows(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: {field: row[field] for field in COMPARED} for row in rows}


@pytest.mark.slow
def test_fifty_visits_with_photos_sync_and_the_servers_rows_equal_the_phones(
        live_server: LiveServer, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    rng = random.Random(7)
    for index in range(50):
        site, staff = rng.choice([("site-n1", ["staff-1"]), ("site-n1", ["staff-2"]),
                                  ("site-s1", ["staff-3"]), ("site-n1", ["staff-1", "staff-2"])])
        make_visit(device, rng, site_id=site, staff_ids=staff, photos=1 + index % 3)
    progress: list[SyncProgress] = []

    report = run_sync(device, Credentials(live_server.url, token), now=_now, on_progress=progress.append)

    assert report.status is SyncStatus.OK, report
    assert (report.synced, report.conflict, report.rejected, report.pending) == (50, 0, 0, 0)
    assert all(result.outcome is VisitOutcome.SYNCED for result in report.results)
    with device.lock:
        synced = device.store.visits.list_visits(VisitState.SYNCED)
        assert device.store.outbox.pending_uploads() == []
    assert len(synced) == 50
    last = progress[-1]
    assert (last.visits_done, last.visits_total) == (50, 50)
    assert last.bytes_sent == last.bytes_total > 0
    assert [p.visits_done for p in progress] == sorted(p.visits_done for p in progress)

    scores = []
    for record in synced:
        with device.lock:
            checklist = device.store.checklists.get_checklist(record.visit.checklist_id,
                                                              record.visit.checklist_version)
        scores.append(score_visit(record.visit, checklist))
    for group_by in ("site", "staff"):
        answer = live_server.get("/reports/compliance", group_by=group_by, auditor_id=name)
        assert answer.status_code == 200, answer.text
        server_rows = _rows(answer.json()["rows"])
        phone_rows = _rows([row.model_dump() for row in group_rows(scores, group_by)])
        assert server_rows.keys() == phone_rows.keys()
        for key, row in phone_rows.items():
            assert server_rows[key] == pytest.approx(row), (group_by, key)

    # Every photo is on the server exactly once, and the roster came down for offline use.
    for record in synced[:5]:
        detail = live_server.get(f"/visits/{record.visit_id}").json()
        assert detail["missing_photos"] == [] and detail["visit"]["revision"] == 1
    roster = load_roster(device)
    assert roster is not None and roster.me is not None and roster.me.name == name
    assert {site.id for site in roster.sites} >= {"site-n1", "site-s1"}


def test_a_second_sync_sends_nothing_again(live_server: LiveServer, device: Device) -> None:
    _name, token = live_server.new_user("auditor")
    rng = random.Random(8)
    for _ in range(3):
        make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"], photos=2)
    creds = Credentials(live_server.url, token)
    first = run_sync(device, creds, now=_now)
    assert first.synced == 3
    progress: list[SyncProgress] = []
    second = run_sync(device, creds, now=_now, on_progress=progress.append)
    assert second.status is SyncStatus.OK and second.results == []
    # me, sites, checklists, actions, the two review states: no visit or photo traffic
    assert second.requests_sent == 6
    assert progress[-1].bytes_sent == 0
