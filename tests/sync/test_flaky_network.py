"""A flaky network: the proxy fails 20 % of all requests at random (connection reset, timeout,
502, a captive portal's HTML with 200, a 302 to a login page, an answer lost after the commit).
Syncing until nothing is pending, every visit ends synced, none is stored twice, and every photo
is stored once."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from audit_app.device import Device
from audit_app.domain import content_hash
from audit_app.store import VisitState
from audit_app.sync import Credentials, RetryPolicy, SyncReport, SyncStatus, VisitOutcome, run_sync

from .conftest import LiveServer
from .fault_proxy import FAILURES, Fault, FaultProxy, RandomFaults
from .phone import make_visit
from .server_state import (
    BackoffRecorder, partial_uploads, phone_state, photo_files, photo_rows, stored_revisions,
)

# Visits go up fifty to a request, so the photos make most requests: 1-3 per visit give ~200,
# ~40 faults at one in five (every kind at least twice needs 12; fewer is 5 sd away).
VISITS = 100
MAX_SYNCS = 10  # with 4 tries per request, a visit fails a whole sync with p ≈ 0.2**4 per request
# A short read timeout: the proxy's TIMEOUT fault holds the answer for longer than this.
RETRY = RetryPolicy(attempts=4, base_delay_s=0.5, max_delay_s=8.0, timeout_s=0.5)


def _now() -> datetime:
    return datetime.now(UTC)


def sync_until_settled(device: Device, creds: Credentials, backoff: BackoffRecorder) -> list[SyncReport]:
    reports = []
    for _ in range(MAX_SYNCS):
        reports.append(run_sync(device, creds, now=_now, retry=RETRY, sleep=backoff,
                                rng=random.Random(len(reports))))
        if reports[-1].status is SyncStatus.OK:
            break
    return reports


@pytest.mark.slow
@pytest.mark.parametrize("seed", [2026, 11])
def test_over_a_network_failing_one_request_in_five_every_visit_syncs_once_with_its_photos(
        live_server: LiveServer, device: Device, seed: int) -> None:
    name, token = live_server.new_user("auditor")
    rng = random.Random(seed)
    shared_photo_seed = rng.randrange(10**6)
    for index in range(VISITS):
        site, staff = rng.choice([("site-n1", ["staff-1"]), ("site-n1", ["staff-2"]), ("site-s1", ["staff-3"])])
        # Every fourth visit cites the same photo as the others of its kind: stored once all the same.
        with device.lock, device.store.hot.commit():  # one file write per visit: a quicker setup
            make_visit(device, rng, site_id=site, staff_ids=staff, photos=1 + index % 3,
                       photo_seed=shared_photo_seed if index % 4 == 0 else None)
    backoff = BackoffRecorder()

    with FaultProxy(live_server.url, RandomFaults(rate=0.2, seed=seed, rotate=True), hold_s=3.0) as proxy:
        reports = sync_until_settled(device, Credentials(proxy.url, token), backoff)
        stats = proxy.stats

    assert reports[-1].status is SyncStatus.OK, [(r.status, r.pending) for r in reports]
    # The faults really happened, each kind more than once, and were retried with backoff.
    failed = sum(count for fault, count in stats.faults.items() if fault is not Fault.PASS)
    assert failed >= 0.1 * stats.requests
    assert all(stats.faults[fault] >= 2 for fault in FAILURES), stats.faults
    assert backoff.delays and max(backoff.delays) <= RETRY.max_delay_s
    # No failure was ever taken for success: a visit reported synced is one the server has.
    for report in reports:
        synced_then = {r.visit_id for r in report.results if r.outcome is VisitOutcome.SYNCED}
        assert synced_then <= set(stored_revisions(live_server, name))

    phone = phone_state(device)
    synced = phone.visits(VisitState.SYNCED)
    assert len(synced) == VISITS and phone.queued == 0 and phone.visits(VisitState.FINALISED) == []
    stored = stored_revisions(live_server, name)
    assert stored == {visit.id: {1: content_hash(visit)} for visit in synced}  # none twice

    hashes = phone.photo_hashes()
    assert len(hashes) < sum(len(visit.photos) for visit in synced)  # some photos are shared
    assert photo_rows(live_server, hashes).keys() == hashes
    assert all(len(photo_files(live_server, sha256)) == 1 for sha256 in hashes)
    assert partial_uploads(live_server) == []
    for visit in synced[:3]:
        detail = live_server.get(f"/visits/{visit.id}")
        assert detail.status_code == 200 and detail.json()["missing_photos"] == []
