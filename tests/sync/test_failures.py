"""Failures are failures, never success: every bad answer leaves the visit queued and unchanged,
is retried with capped, jittered exponential backoff, and the sync goes on with other visits."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest

from audit_app.device import Device
from audit_app.store import VisitState
from audit_app.sync import Credentials, RetryPolicy, SyncStatus, VisitOutcome, run_sync

from .fake_server import FakeServer, error
from .phone import make_visit

POLICY = RetryPolicy(attempts=4, base_delay_s=0.5, max_delay_s=4.0, connect_retries=0)
PORTAL = httpx.Response(200, headers={"content-type": "text/html"},
                        text="<html><body>Welcome to Airport Wi-Fi. Log in</body></html>")


def _now() -> datetime:
    return datetime.now(UTC)


def _sync(device: Device, server: FakeServer, sleeps: list[float] | None = None, **kw):
    sleeps = [] if sleeps is None else sleeps
    return run_sync(device, Credentials("http://audit.test", server.token), now=_now,
                    transport=server.transport(), retry=POLICY, sleep=sleeps.append,
                    rng=random.Random(1), **kw)


def _snapshot(device: Device) -> list:
    with device.lock:
        return [(p.visit, p.missing_photos) for p in device.store.outbox.pending_uploads()]


def _queue(device: Device, count: int, photos: int = 1) -> list[str]:
    rng = random.Random(count)
    return [make_visit(device, rng, site_id="site-1", staff_ids=["staff-1"], photos=photos)
            for _ in range(count)]


def test_a_captive_portals_200_html_page_leaves_every_visit_queued(device: Device) -> None:
    _queue(device, 2)
    before = _snapshot(device)
    server = FakeServer(hook=lambda request: PORTAL)
    sleeps: list[float] = []
    report = _sync(device, server, sleeps)
    assert report.status is SyncStatus.PENDING
    assert (report.synced, report.pending) == (0, 2)
    assert report.pull_problem is not None and report.pull_problem[0] == "not_contract"
    assert [r.outcome for r in report.results] == [VisitOutcome.PENDING] * 2
    assert {r.code for r in report.results} == {"not_contract"}
    assert all(r.message_zh for r in report.results)
    assert _snapshot(device) == before
    # Each request was tried `attempts` times with a backoff wait between tries.
    # me, then one chain for both visits (one batch: its photo check fails first)
    assert len(server.requests) == 2 * POLICY.attempts
    assert len(sleeps) == len(server.requests) - 2  # no wait before the first try of a chain


def test_a_redirect_is_never_followed_and_never_success(device: Device) -> None:
    _queue(device, 1)
    before = _snapshot(device)
    login = httpx.Response(302, headers={"location": "http://portal.test/login"})
    server = FakeServer(hook=lambda request: login)
    report = _sync(device, server)
    assert report.status is SyncStatus.PENDING and report.results[0].code == "redirect"
    assert all(r.url.host == "audit.test" for r in server.requests)
    assert _snapshot(device) == before


def test_a_non_contract_json_200_is_a_failure(device: Device) -> None:
    _queue(device, 1)
    before = _snapshot(device)
    server = FakeServer()
    server.hook = lambda r: httpx.Response(200, json={"ok": True}) if r.method == "PUT" else None
    report = _sync(device, server)
    assert report.results[0].outcome is VisitOutcome.PENDING
    assert report.results[0].code == "not_contract"
    assert _snapshot(device) == before


def test_429_and_5xx_are_retried_with_backoff_then_the_visit_syncs(device: Device) -> None:
    [visit_id] = _queue(device, 1)
    answers = iter([httpx.Response(429, headers={"retry-after": "3"}), error(503, "busy", "busy"),
                    httpx.Response(502, text="Bad Gateway")])
    server = FakeServer()
    server.hook = lambda r: next(answers, None) if r.method == "PUT" and "/visits/" in r.url.path else None
    sleeps: list[float] = []
    report = _sync(device, server, sleeps)
    assert report.status is SyncStatus.OK and report.results[0].outcome is VisitOutcome.SYNCED
    assert len(sleeps) == 3
    assert sleeps[0] >= 3.0  # Retry-After honoured
    assert all(0 <= s <= POLICY.max_delay_s for s in sleeps)
    with device.lock:
        assert device.store.visits.get(visit_id).state is VisitState.SYNCED


def test_backoff_is_capped_exponential_with_full_jitter() -> None:
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(3)
    for attempt in range(10):
        ceiling = min(4.0, 0.5 * 2 ** attempt)
        delays = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spreads over the whole window
    assert len({policy.backoff(5, rng) for _ in range(20)}) == 20


def test_timeouts_leave_the_visit_queued_and_the_sync_goes_on(device: Device) -> None:
    first, second = _queue(device, 2)
    server = FakeServer(batch_route=False)  # one visit per request, so only the first one's times out

    def hook(request: httpx.Request):
        if request.method == "PUT" and first in request.url.path:
            return httpx.ReadTimeout("timed out", request=request)
        return None

    server.hook = hook
    report = _sync(device, server)
    outcomes = {r.visit_id: (r.outcome, r.code) for r in report.results}
    assert outcomes[first] == (VisitOutcome.PENDING, "timeout")
    assert outcomes[second] == (VisitOutcome.SYNCED, None)
    assert report.status is SyncStatus.PENDING and report.pending == 1


def test_a_reset_connection_mid_upload_is_retried(device: Device) -> None:
    _queue(device, 1, photos=2)
    server = FakeServer()
    failures = iter([httpx.RemoteProtocolError("peer closed connection"),
                     httpx.ReadError("connection reset by peer")])

    def hook(request: httpx.Request):
        if request.method == "PUT" and "/photos/" in request.url.path:
            return next(failures, None)
        return None

    server.hook = hook
    report = _sync(device, server)
    assert report.status is SyncStatus.OK
    assert len(server.photos) == 2


def test_an_unreachable_server_stops_the_sync_as_offline(device: Device) -> None:
    _queue(device, 3)
    before = _snapshot(device)
    server = FakeServer(hook=lambda r: httpx.ConnectError("connection refused", request=r))
    report = _sync(device, server)
    assert report.status is SyncStatus.OFFLINE
    assert len(server.requests) == POLICY.attempts  # gave up at the first request, not per visit
    assert [r.outcome for r in report.results] == [VisitOutcome.PENDING] * 3
    assert {r.code for r in report.results} == {"offline"}
    assert report.pending == 3 and _snapshot(device) == before


@pytest.mark.parametrize("status", [401, 403])
def test_html_401_or_403_from_a_proxy_is_not_taken_for_the_servers_word(device: Device,
                                                                        status: int) -> None:
    _queue(device, 1)
    server = FakeServer(hook=lambda r: httpx.Response(status, text="<html>Sign in</html>"))
    report = _sync(device, server)
    assert report.status is SyncStatus.PENDING
    assert report.results[0].code == "not_contract"


@pytest.mark.parametrize("fields", [{"attempts": 0}, {"connect_retries": -1}, {"timeout_s": 0},
                                    {"base_delay_s": 5.0, "max_delay_s": 1.0}])
def test_a_retry_policy_that_could_never_send_is_refused(fields: dict) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**fields)
