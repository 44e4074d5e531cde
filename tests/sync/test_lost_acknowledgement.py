"""Lost acknowledgements: the server commits, the answer never reaches the phone. The phone
retries, the server sees a replay, and the visit ends synced with exactly one stored revision."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from audit_app.device import Device
from audit_app.domain import content_hash
from audit_app.store import VisitState
from audit_app.sync import Credentials, RetryPolicy, SyncStatus, VisitOutcome, run_sync

from .conftest import LiveServer
from .fault_proxy import Fault, FaultProxy, ScriptedFaults
from .phone import make_visit
from .server_state import (
    BackoffRecorder, partial_uploads, phone_state, photo_files, photo_rows, stored_revisions,
)

RETRY = RetryPolicy(attempts=4, base_delay_s=0.5, max_delay_s=8.0, timeout_s=2.0)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultProxy]:
    with FaultProxy(live_server.url) as running:
        yield running


def test_a_visit_whose_answer_is_lost_after_the_commit_is_replayed_and_stored_once(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(21), site_id="site-n1", staff_ids=["staff-1"], photos=2)
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/visits/", Fault.LOST_ACK)])
    backoff = BackoffRecorder()

    report = run_sync(device, Credentials(proxy.url, token), now=_now, retry=RETRY, sleep=backoff)

    assert report.status is SyncStatus.OK and report.synced == 1, report
    puts = [(fault, status) for request, fault, status in proxy.stats.log
            if request.method == "PUT" and request.path.startswith("/api/v1/visits/")]
    assert puts == [(Fault.LOST_ACK, 201), (Fault.PASS, 200)]  # stored, then recognised as a replay
    assert len(backoff.delays) == 1 and 0 <= backoff.delays[0] <= RETRY.base_delay_s
    phone = phone_state(device)
    assert [v.id for v in phone.visits(VisitState.SYNCED)] == [visit_id] and phone.queued == 0
    visit = phone.visits(VisitState.SYNCED)[0]
    assert stored_revisions(live_server, name) == {visit_id: {1: content_hash(visit)}}


def test_a_photo_whose_answer_is_lost_is_stored_once_and_not_sent_a_third_time(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(22), site_id="site-s1", staff_ids=["staff-3"], photos=1)
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/photos/", Fault.LOST_ACK)])

    report = run_sync(device, Credentials(proxy.url, token), now=_now, retry=RETRY,
                      sleep=BackoffRecorder())

    assert report.status is SyncStatus.OK and report.synced == 1, report
    (sha256,) = phone_state(device).photo_hashes()
    assert proxy.stats.count("PUT", f"/api/v1/photos/{sha256}") == 2
    assert [status for request, _fault, status in proxy.stats.log
            if request.path == f"/api/v1/photos/{sha256}"] == [201, 200]  # stored, then "already there"
    assert sha256 in photo_rows(live_server, [sha256])
    assert len(photo_files(live_server, sha256)) == 1 and partial_uploads(live_server) == []
    assert list(stored_revisions(live_server, name)) == [visit_id]


def test_when_every_answer_of_a_sync_is_lost_the_visit_stays_queued_and_the_next_sync_settles_it(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(23), site_id="site-n1", staff_ids=["staff-2"], photos=1)
    creds = Credentials(proxy.url, token)
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/visits/", Fault.LOST_ACK)] * RETRY.attempts)

    first = run_sync(device, creds, now=_now, retry=RETRY, sleep=BackoffRecorder())

    # The server has it, but the phone never heard so: a failure, never a success.
    assert first.status is SyncStatus.PENDING and first.pending == 1
    assert [r.outcome for r in first.results] == [VisitOutcome.PENDING]
    assert phone_state(device).visits(VisitState.FINALISED)[0].id == visit_id
    assert list(stored_revisions(live_server, name)[visit_id]) == [1]

    second = run_sync(device, creds, now=_now, retry=RETRY, sleep=BackoffRecorder())

    assert second.status is SyncStatus.OK and second.synced == 1
    assert phone_state(device).visits(VisitState.SYNCED)[0].id == visit_id
    assert list(stored_revisions(live_server, name)[visit_id]) == [1]
    statuses = [status for request, _f, status in proxy.stats.log if request.path.startswith("/api/v1/visits/")]
    assert statuses == [201, 200, 200, 200, 200]  # one store, then only replays


def test_a_lost_answer_for_an_edited_visit_never_marks_the_newer_revision_synced(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    """Revision 1 is stored but its answer lost; the shopper then edits and finalises revision 2.
    The next sync sends revision 2; the server keeps both, and its latest is the phone's."""
    name, token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(24), site_id="site-n1", staff_ids=["staff-1"], photos=0)
    creds = Credentials(proxy.url, token)
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/visits/", Fault.LOST_ACK)] * RETRY.attempts)
    assert run_sync(device, creds, now=_now, retry=RETRY, sleep=BackoffRecorder()).pending == 1
    with device.lock:
        device.store.visits.edit_visit(visit_id, _now())
        device.store.visits.record_observation(visit_id, "eye_contact", value=False, now=_now())
        device.store.visits.finalise(visit_id, _now())

    report = run_sync(device, creds, now=_now, retry=RETRY, sleep=BackoffRecorder())

    assert report.status is SyncStatus.OK and [(r.revision, r.outcome) for r in report.results] == [
        (2, VisitOutcome.SYNCED)]
    (visit,) = phone_state(device).visits(VisitState.SYNCED)
    assert visit.revision == 2
    stored = stored_revisions(live_server, name)[visit_id]
    assert sorted(stored) == [1, 2] and stored[2] == content_hash(visit)
