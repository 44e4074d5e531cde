"""Several queued visits go up in `POST /visits/batch` (issue 16): one photo check and one
request per 50 visits, each visit settled by its own result exactly as its own PUT would settle
it, and a server without the route served one visit per request."""

from __future__ import annotations

import json

import httpx

from audit_app.device import Device
from audit_app.store import VisitState
from audit_app.sync import SyncStatus, VisitOutcome
from audit_app.sync.batch import BATCH_BYTES, batches

from .fake_server import FakeServer, error
from .fake_sync import queue_visits, stored_record, sync_with_fake


def batch_sizes(server: FakeServer) -> list[int]:
    return [len(json.loads(r.content)["visits"]) for r in server.requests
            if r.method == "POST" and r.url.path.endswith("/visits/batch")]


def visit_requests(server: FakeServer) -> list[str]:
    return [p for p in server.paths() if "/visits/" in p and not p.startswith("GET")]


def test_three_queued_visits_go_in_one_batch_after_one_photo_check(device: Device) -> None:
    ids = queue_visits(device, 3, photos=2)
    server = FakeServer()
    report = sync_with_fake(device, server)
    assert report.status is SyncStatus.OK and report.synced == 3
    assert visit_requests(server) == ["POST /visits/batch"]
    assert server.paths().count("POST /photos/missing") == 1
    assert sum(p.startswith("PUT /photos/") for p in server.paths()) == 6
    assert {visit_id for visit_id, _revision in server.visits} == set(ids)
    assert [stored_record(device, v).state for v in ids] == [VisitState.SYNCED] * 3


def test_a_hundred_and_twenty_visits_go_in_batches_of_fifty(device: Device) -> None:
    queue_visits(device, 120, photos=0)
    server = FakeServer()
    report = sync_with_fake(device, server)
    assert report.synced == 120 and len(server.visits) == 120
    assert batch_sizes(server) == [50, 50, 20]


def test_one_rejected_visit_in_a_batch_leaves_the_others_synced(device: Device) -> None:
    rejected, *fine = queue_visits(device, 3)
    server = FakeServer()
    server.visit_hook = lambda visit: (error(422, "invalid_visit", "the visit is not valid", [
        {"code": "unknown_site", "path": "site_id", "message": "site-1: no such site"}])
        if visit.id == rejected else None)
    report = sync_with_fake(device, server)
    outcomes = {r.visit_id: (r.outcome, r.code) for r in report.results}
    assert outcomes[rejected] == (VisitOutcome.REJECTED, "unknown_site")
    assert [outcomes[v][0] for v in fine] == [VisitOutcome.SYNCED] * 2
    assert stored_record(device, rejected).state is VisitState.REJECTED
    assert visit_requests(server) == ["POST /visits/batch"]


def test_a_photo_the_batch_answer_still_names_is_uploaded_and_only_that_visit_sent_again(
        device: Device) -> None:
    ids = queue_visits(device, 2, photos=1)
    server = FakeServer()
    checks = []

    def lying_photo_check(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/photos/missing") and not checks:
            checks.append(request)
            return httpx.Response(200, json={"missing": []})  # "I have them all" (it has not)
        return None

    server.hook = lying_photo_check
    report = sync_with_fake(device, server)
    assert report.synced == 2 and len(server.photos) == 2
    assert sorted(visit_requests(server)) == sorted(["POST /visits/batch"] + [f"PUT /visits/{v}" for v in ids])


def test_a_server_without_the_batch_route_is_asked_once_then_sent_one_visit_per_request(
        device: Device) -> None:
    ids = queue_visits(device, 60, photos=0)
    server = FakeServer(batch_route=False)
    report = sync_with_fake(device, server)
    assert report.status is SyncStatus.OK and report.synced == 60
    assert visit_requests(server) == ["POST /visits/batch"] + [f"PUT /visits/{v}" for v in ids]


def test_a_batch_that_fails_passingly_leaves_all_its_visits_queued_for_the_next_sync(
        device: Device) -> None:
    ids = queue_visits(device, 3, photos=0)
    server = FakeServer(hook=lambda r: httpx.Response(502) if r.url.path.endswith("/visits/batch") else None)
    report = sync_with_fake(device, server)
    assert report.status is SyncStatus.PENDING and report.pending == 3
    assert {(r.outcome, r.code) for r in report.results} == {(VisitOutcome.PENDING, "server_error")}
    assert [stored_record(device, v).state for v in ids] == [VisitState.FINALISED] * 3
    server.hook = None
    assert sync_with_fake(device, server).synced == 3


def test_batches_hold_at_most_fifty_visits_and_a_megabyte_of_bodies(device: Device) -> None:
    ids = queue_visits(device, 5, photos=0)
    with device.lock:
        pending = [device.store.outbox.pending_upload(v) for v in ids]
    big = {v: b"x" * (BATCH_BYTES // 2) for v in ids}
    assert [[u.visit.id for u in group] for group in batches(pending, big)] == \
        [ids[0:2], ids[2:4], ids[4:5]]
    small = {v: b"x" for v in ids}
    assert [len(group) for group in batches(pending, small)] == [5]
