"""Against the real server: conflict, rejection, revoked token, wrong role, server down, clock
skew, and the pull. Each ends in the specified state with the phone's data unchanged."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from audit_app.device import Device, open_device
from audit_app.store import VisitState
from audit_app.sync import Credentials, SyncStatus, VisitOutcome, load_roster, run_sync

from .conftest import LiveServer
from .phone import make_visit


def _now() -> datetime:
    return datetime.now(UTC)


def _no_wait(_seconds: float) -> None:
    """Backoff waits are skipped in tests (the retry loop itself still runs)."""


def _record(device: Device, visit_id: str):
    with device.lock:
        return device.store.visits.get(visit_id)


def _sync(device: Device, url: str, token: str):
    return run_sync(device, Credentials(url, token), now=_now, sleep=_no_wait)


def test_a_conflicting_revision_is_marked_conflict_and_an_edit_resolves_it(
        live_server: LiveServer, device: Device) -> None:
    _name, token = live_server.new_user()
    visit_id = make_visit(device, random.Random(1), site_id="site-n1", staff_ids=["staff-1"])
    mine = _record(device, visit_id).visit
    # The same id and revision reached the server with other content (e.g. from a restored backup).
    other = mine.model_dump(mode="json")
    flipped = next(o for o in other["observations"] if isinstance(o["value"], bool))
    flipped["value"] = not flipped["value"]
    answer = httpx.put(f"{live_server.url}/api/v1/visits/{visit_id}", json=other,
                       headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201

    report = _sync(device, live_server.url, token)

    [result] = report.results
    assert (result.outcome, result.code) == (VisitOutcome.CONFLICT, "revision_conflict")
    assert "different content" in result.message_en and result.message_zh
    record = _record(device, visit_id)
    assert record.state is VisitState.CONFLICT and record.visit == mine
    assert report.status is SyncStatus.OK and report.pending == 0

    with device.lock:
        device.store.visits.edit_visit(visit_id, _now())
        device.store.visits.finalise(visit_id, _now())
    again = _sync(device, live_server.url, token)
    assert [(r.revision, r.outcome) for r in again.results] == [(2, VisitOutcome.SYNCED)]
    stored = live_server.get(f"/visits/{visit_id}").json()
    assert stored["visit"]["revision"] == 2 and stored["missing_photos"] == []


def test_a_visit_at_an_unknown_site_is_rejected_with_the_servers_problems(
        live_server: LiveServer, device: Device) -> None:
    _name, token = live_server.new_user()
    visit_id = make_visit(device, random.Random(2), site_id="site-nowhere", staff_ids=["staff-1"])
    before = _record(device, visit_id).visit

    report = _sync(device, live_server.url, token)

    [result] = report.results
    assert (result.outcome, result.code) == (VisitOutcome.REJECTED, "unknown_site")
    [problem] = result.problems
    assert problem["path"] == "site_id" and "site-nowhere" in problem["message"]
    assert problem["message_zh"] == "门店 site-nowhere 在服务器上不存在"
    record = _record(device, visit_id)
    assert record.state is VisitState.REJECTED and record.visit == before
    assert record.rejection == result.problems
    assert live_server.get(f"/visits/{visit_id}").status_code == 404
    # Not retried until edited.
    assert _sync(device, live_server.url, token).results == []


def test_a_revoked_token_stops_the_sync_and_leaves_every_visit_queued(
        live_server: LiveServer, device: Device) -> None:
    name, token = live_server.new_user()
    rng = random.Random(3)
    ids = [make_visit(device, rng, site_id="site-n1", staff_ids=["staff-2"]) for _ in range(2)]
    before = [_record(device, i) for i in ids]
    live_server.revoke(name)

    report = _sync(device, live_server.url, token)

    assert report.status is SyncStatus.TOKEN_REFUSED
    assert [(r.outcome, r.code) for r in report.results] == [(VisitOutcome.PENDING, "token_refused")] * 2
    assert [_record(device, i) for i in ids] == before
    assert report.pending == 2


def test_a_managers_token_cannot_upload_visits(live_server: LiveServer, device: Device) -> None:
    _name, token = live_server.new_user("manager", "north")
    visit_id = make_visit(device, random.Random(4), site_id="site-n1", staff_ids=["staff-1"])
    before = _record(device, visit_id)
    report = _sync(device, live_server.url, token)
    assert report.status is SyncStatus.FORBIDDEN
    assert "role" in report.message_en and report.message_zh
    assert _record(device, visit_id) == before
    assert load_roster(device).me.role == "manager"


def test_a_server_down_for_the_whole_sync_leaves_everything_as_it_was(
        down_url: str, device: Device) -> None:
    rng = random.Random(5)
    ids = [make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"]) for _ in range(3)]
    before = [_record(device, i) for i in ids]
    report = _sync(device, down_url, "any-token")
    assert report.status is SyncStatus.OFFLINE
    assert report.requests_sent <= 4  # gave up on the server, not visit by visit
    assert [r.code for r in report.results] == ["offline"] * 3
    assert [_record(device, i) for i in ids] == before
    assert load_roster(device) is None


@pytest.mark.parametrize("skew", [timedelta(hours=48), timedelta(hours=-48)])
def test_a_device_clock_off_by_48_hours_still_syncs(live_server: LiveServer, device: Device,
                                                    skew: timedelta) -> None:
    _name, token = live_server.new_user()
    device_now = datetime.now(UTC).astimezone() + skew
    visit_id = make_visit(device, random.Random(6), site_id="site-s1", staff_ids=["staff-3"],
                          now=device_now)
    report = run_sync(device, Credentials(live_server.url, token), now=lambda: device_now + timedelta(minutes=30),
                      sleep=_no_wait)
    assert [r.outcome for r in report.results] == [VisitOutcome.SYNCED]
    stored = live_server.get(f"/visits/{visit_id}").json()
    received = datetime.fromisoformat(stored["received_at"])
    assert abs(received - datetime.now(UTC)) < timedelta(minutes=5)  # the server's clock is the truth
    assert datetime.fromisoformat(stored["visit"]["started_at"]) == device_now


def test_the_pull_brings_checklists_the_phone_lacks_and_the_roster(live_server: LiveServer,
                                                                   tmp_path) -> None:
    bare = open_device(tmp_path / "bare", bundled_dir=None)  # a phone with no checklist yet
    try:
        with bare.lock:
            assert bare.store.checklists.refs() == set()
        report = _sync(bare, live_server.url, live_server.auditor_token)
        assert report.status is SyncStatus.OK and report.pull_problem is None
        with bare.lock:
            refs = bare.store.checklists.refs()
        server_refs = {(c["id"], c["version"]) for c in live_server.get("/checklists").json()}
        assert refs == server_refs
        roster = load_roster(bare)
        assert roster.me.name == live_server.auditor_name and roster.me.role == "auditor"
        north = next(site for site in roster.sites if site.id == "site-n1")
        assert north.region == "north" and {s.id for s in north.staff} == {"staff-1", "staff-2"}
        # Offline now: a visit can still start from the cached checklist and roster.
        make_visit(bare, random.Random(7), site_id=north.id, staff_ids=[north.staff[0].id])
    finally:
        bare.close()
