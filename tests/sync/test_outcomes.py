"""How each server answer settles a visit (with the in-memory fake server): conflict, rejection
with the problems in both languages, 413 naming the limit, 401/403 stopping the whole sync,
photos sent once and only when missing, cancellation, progress, a visit edited mid-sync."""

from __future__ import annotations

import random
import threading

import httpx

from audit_app.device import Device
from audit_app.store import VisitState
from audit_app.sync import (
    Credentials, SyncProgress, SyncStatus, VisitOutcome, load_roster, run_sync,
)

from .fake_server import FakeServer, error
from .fake_sync import POLICY, queue_visits, stored_record, sync_with_fake, utc_now
from .phone import make_visit


def test_a_409_marks_that_revision_conflict_with_the_servers_message(device: Device) -> None:
    conflicted, fine = queue_visits(device, 2)
    before = stored_record(device, conflicted).visit
    server = FakeServer()
    server.visit_hook = lambda v: (error(409, "stale_revision", "revision 1 is older than the stored "
                                                                "revision 2") if v.id == conflicted else None)
    report = sync_with_fake(device, server)
    result = {r.visit_id: r for r in report.results}
    assert result[conflicted].outcome is VisitOutcome.CONFLICT
    assert result[conflicted].code == "stale_revision"
    assert "older than the stored revision" in result[conflicted].message_en
    assert result[conflicted].message_zh == "服务器上已有更新的版本；请编辑后重新提交"
    assert result[fine].outcome is VisitOutcome.SYNCED
    record = stored_record(device, conflicted)
    assert record.state is VisitState.CONFLICT and record.visit == before
    assert record.conflict_code == "stale_revision" and "older" in record.conflict_reason
    assert record.conflict_reason_zh == result[conflicted].message_zh
    assert report.status is SyncStatus.OK and (report.conflict, report.pending) == (1, 0)


def test_a_422_rejects_the_visit_keeping_every_problem_in_both_languages(device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    before = stored_record(device, visit_id).visit
    details = [{"code": "unknown_site", "path": "site_id", "message": "site-1: no such site"},
               {"code": "unknown_staff", "path": "staff_ids[0]", "message": "staff-1: no such staff member"},
               {"code": "missing_required", "path": "observations", "message": "x: required item not answered",
                "message_zh": "x:必答项目尚未作答"},
               {"code": "brand_new_code", "path": "context", "message": "something new"}]
    server = FakeServer()
    server.hook = lambda r: (error(422, "invalid_visit", "the visit has 4 problem(s)", details)
                             if r.method == "PUT" and "/visits/" in r.url.path else None)
    report = sync_with_fake(device, server)
    [result] = report.results
    assert result.outcome is VisitOutcome.REJECTED and result.code == "unknown_site"
    assert [p["code"] for p in result.problems] == ["unknown_site", "unknown_staff",
                                                    "missing_required", "brand_new_code"]
    zh = [p["message_zh"] for p in result.problems]
    assert zh[0] == "门店 site-1 在服务器上不存在"
    assert zh[1] == "员工 staff-1 在服务器上不存在"
    assert zh[2] == "x:必答项目尚未作答"  # the server's own Chinese wins
    assert "brand_new_code" in zh[3]
    record = stored_record(device, visit_id)
    assert record.state is VisitState.REJECTED and record.visit == before
    assert record.rejection == result.problems
    # Never retried until edited: a second sync sends nothing for it.
    server.requests.clear()
    again = sync_with_fake(device, server)
    assert again.results == [] and not any("/visits/" in p for p in server.paths())


def test_a_413_for_a_photo_rejects_the_visit_naming_the_limit(device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    server = FakeServer()
    server.hook = lambda r: (error(413, "body_too_large", "the request body is larger than 15728640 bytes")
                             if r.method == "PUT" and "/photos/" in r.url.path else None)
    report = sync_with_fake(device, server)
    [result] = report.results
    assert result.outcome is VisitOutcome.REJECTED and result.code == "body_too_large"
    assert "larger than the server's limit of 15 MB" in result.message_en
    assert result.message_zh.startswith("照片 ") and "超过服务器的上限 15 MB" in result.message_zh
    assert stored_record(device, visit_id).state is VisitState.REJECTED


def test_a_refused_token_stops_the_whole_sync_and_sends_nothing(device: Device) -> None:
    ids = queue_visits(device, 3)
    server = FakeServer(token="the-right-one")
    report = run_sync(device, Credentials("http://audit.test", "revoked-token"), now=utc_now,
                      transport=server.transport(), retry=POLICY, sleep=lambda s: None)
    assert report.status is SyncStatus.TOKEN_REFUSED
    assert server.paths() == ["GET /me"]  # stopped at the first answer
    assert [(r.visit_id, r.outcome, r.code) for r in report.results] == \
        [(i, VisitOutcome.PENDING, "token_refused") for i in ids]
    assert "new token" in report.message_en and "令牌" in report.message_zh
    assert report.pending == 3


def test_a_forbidden_role_stops_the_sync(device: Device) -> None:
    queue_visits(device, 2)
    server = FakeServer(me={"name": "boss", "role": "manager", "region": "north"})
    server.hook = lambda r: (error(403, "forbidden", "this needs the role admin or auditor")
                             if r.method != "GET" else None)
    report = sync_with_fake(device, server)
    assert report.status is SyncStatus.FORBIDDEN and report.pending == 2
    assert load_roster(device).me.role == "manager"  # the pull still worked


def test_photos_are_sent_only_when_missing_and_only_once(device: Device) -> None:
    rng = random.Random(5)
    # Two visits citing the same photo, plus one photo the server already has.
    first = make_visit(device, rng, site_id="site-1", staff_ids=["staff-1"], photos=2, photo_seed=100)
    second = make_visit(device, rng, site_id="site-1", staff_ids=["staff-1"], photos=1, photo_seed=100)
    with device.lock:
        hashes = [p.sha256 for p in device.store.visits.get(first).visit.photos]
    server = FakeServer()
    server.photos[hashes[1]] = b"already there"
    report = sync_with_fake(device, server)
    assert report.synced == 2
    uploads = [p for p in server.paths() if p.startswith("PUT /photos/")]
    assert uploads == [f"PUT /photos/{hashes[0]}"]
    assert server.paths().count("POST /photos/missing") == 1  # the second visit's photo is known
    assert stored_record(device, second).state is VisitState.SYNCED


def test_a_photo_the_answer_still_names_is_uploaded_before_the_visit_counts_as_synced(
        device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    server = FakeServer()
    server.hook = lambda r: (httpx.Response(200, json={"missing": []})
                             if r.url.path.endswith("/photos/missing") else None)  # lies once
    report = sync_with_fake(device, server)
    assert report.results[0].outcome is VisitOutcome.SYNCED
    visit_puts = [p for p in server.paths() if p.startswith("PUT /visits/")]
    assert len(visit_puts) == 2  # the second answer named no missing photo
    assert len(server.photos) == 1
    assert stored_record(device, visit_id).state is VisitState.SYNCED


def test_a_photo_missing_from_the_device_keeps_the_visit_queued(device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    with device.lock:
        [photo] = device.store.visits.get(visit_id).visit.photos
        device.photos.photo_path(photo.sha256).unlink()
    report = sync_with_fake(device, FakeServer())
    [result] = report.results
    assert (result.outcome, result.code) == (VisitOutcome.PENDING, "photo_not_on_device")
    with device.lock:
        [pending] = device.store.outbox.pending_uploads()
    assert pending.missing_photos == [photo.sha256]


def test_progress_counts_visits_and_bytes_up_to_the_totals(device: Device) -> None:
    queue_visits(device, 3, photos=2)
    seen: list[SyncProgress] = []
    report = sync_with_fake(device, FakeServer(), on_progress=seen.append)
    assert report.synced == 3
    assert (seen[0].visits_done, seen[0].visits_total, seen[0].bytes_sent) == (0, 3, 0)
    assert (seen[-1].visits_done, seen[-1].bytes_sent) == (3, seen[-1].bytes_total)
    sent = [p.bytes_sent for p in seen]
    assert sent == sorted(sent) and all(p.bytes_sent <= p.bytes_total for p in seen)
    assert {p.current_visit_id for p in seen} > {None}


def test_cancelling_stops_between_requests_and_leaves_the_rest_queued(device: Device) -> None:
    first, *rest = queue_visits(device, 3)
    cancel = threading.Event()

    def on_progress(progress: SyncProgress) -> None:
        if progress.visits_done == 1:
            cancel.set()

    # One visit per request (a server without the batch route), so there is a "between".
    report = sync_with_fake(device, FakeServer(batch_route=False), on_progress=on_progress, cancel=cancel)
    assert report.status is SyncStatus.CANCELLED
    assert stored_record(device, first).state is VisitState.SYNCED
    assert [stored_record(device, v).state for v in rest] == [VisitState.FINALISED] * 2
    assert [r.code for r in report.results[1:]] == ["cancelled", "cancelled"]


def test_a_visit_finalised_again_mid_sync_keeps_its_new_revision_queued(device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    edited = threading.Event()

    def on_progress(progress: SyncProgress) -> None:
        # The shopper edits and finalises revision 2 while revision 1 is on its way.
        if progress.current_visit_id == visit_id and not edited.is_set():
            edited.set()
            with device.lock:
                draft = device.store.visits.edit_visit(visit_id, utc_now())
                answer = next(o for o in draft.observations if isinstance(o.value, bool))
                device.store.visits.record_observation(visit_id, answer.item_key,
                                                       value=not answer.value, now=utc_now())
                device.store.visits.finalise(visit_id, utc_now())

    server = FakeServer()
    report = sync_with_fake(device, server, on_progress=on_progress)
    assert [(r.revision, r.outcome) for r in report.results] == [(1, VisitOutcome.SYNCED)]
    assert report.status is SyncStatus.PENDING and report.pending == 1
    record = stored_record(device, visit_id)
    assert (record.revision, record.state) == (2, VisitState.FINALISED)
    second = sync_with_fake(device, server)
    assert [(r.revision, r.outcome) for r in second.results] == [(2, VisitOutcome.SYNCED)]
    assert sorted(server.visits) == [(visit_id, 1), (visit_id, 2)]


def test_a_token_revoked_mid_sync_stops_it_keeping_what_was_already_synced(device: Device) -> None:
    first, second, third = queue_visits(device, 3)
    server = FakeServer(batch_route=False)  # one visit per request: the second one's is refused
    server.hook = lambda r: (error(401, "unauthorized", "unknown or revoked token")
                             if second in r.url.path else None)
    report = sync_with_fake(device, server)
    assert report.status is SyncStatus.TOKEN_REFUSED
    assert [(r.visit_id, r.outcome) for r in report.results] == [
        (first, VisitOutcome.SYNCED), (second, VisitOutcome.PENDING), (third, VisitOutcome.PENDING)]
    assert [stored_record(device, v).state for v in (first, second, third)] == \
        [VisitState.SYNCED, VisitState.FINALISED, VisitState.FINALISED]
    assert report.pending == 2


def test_a_visit_body_over_the_servers_limit_is_rejected_naming_it(device: Device) -> None:
    [visit_id] = queue_visits(device, 1)
    server = FakeServer()
    server.hook = lambda r: (error(413, "body_too_large", "the request body is larger than 5242880 bytes")
                             if "/visits/" in r.url.path else None)
    [result] = sync_with_fake(device, server).results
    assert (result.outcome, result.code) == (VisitOutcome.REJECTED, "body_too_large")
    assert result.message_en == "visit: larger than the server's limit of 5 MB"
    assert result.message_zh == "访问记录：超过服务器的上限 5 MB"
    assert stored_record(device, visit_id).rejection == result.problems
