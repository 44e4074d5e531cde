"""The manager's Review queue against the real server: flagged visits first, each flag in the
user's language; a rejection needs a reason, and a decided visit leaves the queue."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from audit_app.device import open_device
from audit_app.state import AppState, DeviceAccess
from audit_app.state.review_queue import QUEUE_ROUTE, QueuedFlag, answer_timeline
from audit_app.stopwatch import local_now
from audit_app.sync import Credentials, SyncStatus, run_sync
from audit_app.sync.credentials import save_credentials
from tests.sync.conftest import live_server  # noqa: F401  (fixture)
from tests.sync.phone import make_visit

from .conftest import run


def test_the_queue_shows_the_duplicate_photo_pair_first_and_a_rejection_takes_a_reason(
        device, live_server, tmp_path) -> None:  # noqa: F811
    _auditor, auditor_token = live_server.new_user("auditor")
    rng = random.Random(1402)
    plain = make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"], photo_seed=500)
    pair = [make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"], photo_seed=900)
            for _ in range(2)]
    report = run_sync(device, Credentials(live_server.url, auditor_token),
                      now=lambda: datetime.now(UTC), sleep=lambda _s: None)
    assert report.status is SyncStatus.OK
    _manager, manager_token = live_server.new_user("manager", "north")
    phone = open_device(tmp_path / "manager-phone")
    try:
        save_credentials(phone.folder, Credentials(live_server.url, manager_token))
        app = AppState(DeviceAccess(phone), now=local_now)
        run(app.load())
        run(app.finish_setup())
        assert run(app.review_queue.open()), app.error
        assert app.route == QUEUE_ROUTE
        queued = {visit.id: visit for visit in app.review_queue.visits}
        codes = {vid: {flag.code for flag in queued[vid].flags} for vid in (plain, *pair)}
        # (make_visit answers everything at once, so all three are also too_fast.)
        assert "duplicate_photo" in codes[pair[0]] and "duplicate_photo" in codes[pair[1]]
        assert "duplicate_photo" not in codes[plain]
        flagged = [bool(visit.flags) for visit in app.review_queue.visits]
        assert flagged == sorted(flagged, reverse=True), "flagged visits come first"
        [duplicate] = [f for f in queued[pair[0]].flags if f.code == "duplicate_photo"]
        assert pair[1] in duplicate.text("en")
        assert duplicate.text("zh-CN").startswith("同一张照片")
        # ... and shown: the photo in this visit beside the same photo in the other one.
        (sha,) = duplicate.photos
        assert app.review_queue.thumbnails[sha].startswith(b"\xff\xd8")  # the server's JPEG thumbnail
        from tests.views.test_screens_build import build, names
        shown = names(build(app))
        assert shown.count("This visit") >= 2 and shown.count("The other visit") >= 2  # caption + image name
        # ... and a too_fast flag's answers drawn as a timeline, captioned with their count.
        [fast] = [f for f in queued[plain].flags if f.code == "too_fast"]
        timeline = answer_timeline(fast)
        assert timeline is not None and len(timeline.offsets_s) == len(fast.evidence["recorded_at"])
        assert any(text.startswith(f"Answers over time: {len(timeline.offsets_s)} in ") for text in shown)
        assert not run(app.review_queue.decide(pair[0], "rejected"))
        assert app.error.code == "reason_required" and "原因" in app.error.message("zh-CN")
        app.review_queue.set_reason(pair[0], "same photo as another visit")
        assert run(app.review_queue.decide(pair[0], "rejected")), app.error
        assert pair[0] not in [visit.id for visit in app.review_queue.visits]
        stored = live_server.get(f"/visits/{pair[0]}").json()["review"]
        assert (stored["state"], stored["reason"]) == ("rejected", "same photo as another visit")
    finally:
        phone.close()


def test_a_too_fast_flag_becomes_a_timeline_of_its_answers_and_other_flags_do_not() -> None:
    times = ["2026-03-01T10:00:00+08:00", "2026-03-01T10:00:30+08:00", "2026-03-01T10:00:07.5+08:00",
             "2026-03-01T10:00:06+08:00"]
    timeline = answer_timeline(QueuedFlag("too_fast", "", "", {"rule": "duration", "recorded_at": times}))
    assert timeline is not None
    assert timeline.offsets_s == (0.0, 6.0, 7.5, 30.0) and timeline.span_s == 30.0
    assert timeline.positions == (0.0, 0.2, 0.25, 1.0)
    assert answer_timeline(QueuedFlag("copied_text", "", "", {"recorded_at": times})) is None
    assert answer_timeline(QueuedFlag("too_fast", "", "", {"recorded_at": times[:1]})) is None
    assert answer_timeline(QueuedFlag("too_fast", "", "", {"recorded_at": ["yesterday", times[0]]})) is None
    assert answer_timeline(QueuedFlag("too_fast", "", "", {"rule": "duration"})) is None  # stored before the times were
