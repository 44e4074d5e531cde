"""Corrective actions through the outbox and sync against the real server: made offline,
sent after their visit, a lost acknowledgement replayed once, a 20 % faulty network, and the
pull bringing down what the user may see (with the server's automatic events)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from datetime import UTC, date, datetime, timedelta

import pytest

from audit_app.device import Device
from audit_app.domain.actions import NewAction, NewEvent
from audit_app.sync import Credentials, RetryPolicy, SyncStatus, run_sync

from .conftest import LiveServer
from .fault_proxy import Fault, FaultProxy, RandomFaults, ScriptedFaults
from .phone import NOW, make_visit
from .server_state import BackoffRecorder

RETRY = RetryPolicy(attempts=4, base_delay_s=0.5, max_delay_s=8.0, timeout_s=2.0)
FLAKY_RETRY = RetryPolicy(attempts=4, base_delay_s=0.5, max_delay_s=8.0, timeout_s=0.5)


def _now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def proxy(live_server: LiveServer) -> Iterator[FaultProxy]:
    with FaultProxy(live_server.url) as running:
        yield running


@contextmanager
def synced_manager_phone(live_server: LiveServer, folder: Path) -> Iterator[tuple[Device, str, Credentials]]:
    """A new manager's phone after its first sync (it pulled what they may see):
    (phone, manager's name, credentials); closed afterwards."""
    from audit_app.device import open_device

    manager, token = live_server.new_user("manager")
    phone = open_device(folder)
    try:
        creds = Credentials(live_server.url, token)
        report = run_sync(phone, creds, now=_now, retry=RETRY, sleep=BackoffRecorder())
        assert report.status is SyncStatus.OK, report
        yield phone, manager, creds
    finally:
        phone.close()


def _action_with_resolve(device: Device, who: str, seed: int) -> tuple[str, str]:
    """A visit, an action raised from its first item and a resolve, all made on the phone."""
    visit_id = make_visit(device, random.Random(seed), site_id="site-n1", staff_ids=["staff-1"], photos=0)
    with device.lock:
        item_key = device.store.checklists.get_checklist("retail-store-visit", 1).items[0].key
        action = NewAction(id=str(uuid.uuid4()), site_id="site-n1", visit_id=visit_id,
                           item_key=item_key, title="Fix it 整改", priority="urgent",
                           due_on=date(2026, 11, 24), created_at=NOW + timedelta(hours=1))
        assert device.store.actions is not None
        device.store.actions.create(action, who, NOW)
        event = NewEvent(id=str(uuid.uuid4()), type="resolve", note="done", cause="facilities",
                         root_cause="why ×5", at=NOW + timedelta(hours=2))
        device.store.actions.add_event(action.id, event, who, NOW)
    return action.id, event.id


def _server_history(live_server: LiveServer, action_id: str) -> list[str]:
    answer = live_server.get(f"/actions/{action_id}")
    assert answer.status_code == 200, answer.text
    return [e["id"] for e in answer.json()["history"]]


def test_an_action_and_its_event_made_offline_sync_after_their_visit(
        live_server: LiveServer, device: Device, down_url: str) -> None:
    name, token = live_server.new_user("auditor")
    action_id, event_id = _action_with_resolve(device, name, 31)
    offline = run_sync(device, Credentials(down_url, token), now=_now, retry=RETRY,
                       sleep=BackoffRecorder())
    assert offline.status is SyncStatus.OFFLINE
    assert device.store.actions.queued_count() == 2  # type: ignore[union-attr]
    view = device.store.actions.view(action_id)  # type: ignore[union-attr]
    assert view is not None and view.status == "resolved" and not view.synced

    report = run_sync(device, Credentials(live_server.url, token), now=_now, retry=RETRY,
                      sleep=BackoffRecorder())
    assert report.status is SyncStatus.OK, report
    assert (report.actions_sent, report.actions_pending) == (2, 0)
    assert _server_history(live_server, action_id) == [event_id]
    view = device.store.actions.view(action_id)  # type: ignore[union-attr]
    assert view is not None and view.synced and view.status == "resolved"


def test_lost_acknowledgements_of_an_action_and_an_event_are_replayed_and_stored_once(
        live_server: LiveServer, proxy: FaultProxy, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    action_id, event_id = _action_with_resolve(device, name, 32)
    proxy.plan = ScriptedFaults([("PUT", "/api/v1/actions/", Fault.LOST_ACK),
                                 ("POST", "/api/v1/actions/", Fault.LOST_ACK)])
    report = run_sync(device, Credentials(proxy.url, token), now=_now, retry=RETRY,
                      sleep=BackoffRecorder())
    assert report.status is SyncStatus.OK, report
    puts = [(fault, status) for request, fault, status in proxy.stats.log
            if request.method == "PUT" and request.path.startswith("/api/v1/actions/")]
    posts = [(fault, status) for request, fault, status in proxy.stats.log
             if request.method == "POST" and request.path.startswith("/api/v1/actions/")]
    assert puts == [(Fault.LOST_ACK, 201), (Fault.PASS, 200)]
    assert posts == [(Fault.LOST_ACK, 201), (Fault.PASS, 200)]
    assert _server_history(live_server, action_id) == [event_id]
    mine = live_server.get("/actions", token, limit=1000).json()
    assert [a["id"] for a in mine] == [action_id]
    assert device.store.actions.queued_count() == 0  # type: ignore[union-attr]


@pytest.mark.slow
def test_over_a_network_failing_one_request_in_five_every_action_and_event_is_stored_once(
        live_server: LiveServer, device: Device) -> None:
    name, token = live_server.new_user("auditor")
    made = [_action_with_resolve(device, name, 40 + n) for n in range(6)]
    with FaultProxy(live_server.url, RandomFaults(rate=0.2, seed=13, rotate=True), hold_s=3.0) as proxy:
        creds = Credentials(proxy.url, token)
        for attempt in range(10):
            report = run_sync(device, creds, now=_now, retry=FLAKY_RETRY, sleep=BackoffRecorder(),
                              rng=random.Random(attempt))
            if report.status is SyncStatus.OK:
                break
    assert report.status is SyncStatus.OK, report
    mine = live_server.get("/actions", token, limit=1000).json()
    assert sorted(a["id"] for a in mine) == sorted(action for action, _ in made)
    for action_id, event_id in made:
        assert _server_history(live_server, action_id) == [event_id]


def test_the_pull_brings_down_the_actions_a_manager_may_see_with_their_history(
        live_server: LiveServer, device: Device, tmp_path) -> None:  # type: ignore[no-untyped-def]
    auditor, auditor_token = live_server.new_user("auditor")
    action_id, event_id = _action_with_resolve(device, auditor, 51)
    assert run_sync(device, Credentials(live_server.url, auditor_token), now=_now, retry=RETRY,
                    sleep=BackoffRecorder()).status is SyncStatus.OK
    with synced_manager_phone(live_server, tmp_path / "manager-phone") as (phone, _manager, _creds):
        view = phone.store.actions.view(action_id)  # type: ignore[union-attr]
        assert view is not None and view.synced
        assert [e.id for e in view.history] == [event_id] and view.status == "resolved"


def test_a_manager_resolves_on_their_phone_with_a_photo_of_the_fix_and_it_reaches_the_server(
        live_server: LiveServer, device: Device, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io

    from PIL import Image

    auditor, auditor_token = live_server.new_user("auditor")
    visit_id = make_visit(device, random.Random(61), site_id="site-n1", staff_ids=["staff-1"], photos=0)
    with device.lock:
        item_key = device.store.checklists.get_checklist("retail-store-visit", 1).items[0].key
        action = NewAction(id=str(uuid.uuid4()), site_id="site-n1", visit_id=visit_id, item_key=item_key,
                           title="Fix it 整改", priority="urgent", due_on=date(2026, 11, 24),
                           created_at=NOW + timedelta(hours=1))
        device.store.actions.create(action, auditor, NOW)  # type: ignore[union-attr]
    assert run_sync(device, Credentials(live_server.url, auditor_token), now=_now, retry=RETRY,
                    sleep=BackoffRecorder()).status is SyncStatus.OK
    with synced_manager_phone(live_server, tmp_path / "manager-phone") as (phone, manager, creds):
        manager_token = creds.token
        pulled = phone.store.actions.view(action.id)  # type: ignore[union-attr]
        assert pulled is not None and pulled.photo_required is False  # the server's word
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), (20, 160, 90)).save(buffer, "JPEG")
        with phone.lock:
            fix = phone.photos.add(buffer.getvalue()).ref.sha256
            resolve = NewEvent(id=str(uuid.uuid4()), type="resolve", note="counter cleaned",
                               cause="facilities", root_cause="no cleaning rota → rota posted",
                               photos=[fix], at=NOW + timedelta(days=1))
            phone.store.actions.add_event(action.id, resolve, manager, NOW)  # type: ignore[union-attr]
        report = run_sync(phone, creds, now=_now, retry=RETRY, sleep=BackoffRecorder())
        assert report.status is SyncStatus.OK and report.actions_sent == 1, report
        detail = live_server.get(f"/actions/{action.id}", manager_token).json()
        assert detail["status"] == "resolved" and detail["missing_photos"] == []
        assert detail["history"][-1]["photos"] == [fix] and detail["history"][-1]["by"] == manager
        assert live_server.get(f"/photos/{fix}", manager_token).status_code == 200
        assert live_server.get(f"/photos/{fix}", auditor_token).status_code == 200  # the creator


def test_the_pull_pages_past_a_thousand_actions(live_server: LiveServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sync_server.action_store import insert_action

    created = NOW - timedelta(days=1)
    ids = [str(uuid.uuid4()) for _ in range(1_005)]
    with live_server._session() as session:
        for number, action_id in enumerate(ids):
            insert_action(session, NewAction(id=action_id, site_id="site-n1", title=f"Fix {number}",
                                             priority="general", due_on=date(2026, 11, 24),
                                             created_at=created), "admin", created)
        session.commit()
    with synced_manager_phone(live_server, tmp_path / "manager-phone") as (phone, _manager, _creds):
        missing = [a for a in ids if phone.store.actions.view(a) is None]  # type: ignore[union-attr]
        assert missing == []
