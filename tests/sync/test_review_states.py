"""The pull brings the server's review of the auditor's own visits; Home words it in the
user's language ("Rejected: <reason>"), and a visit the reviewer approves says nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx

from audit_app.device import Device
from audit_app.state.app_state import HomeModel
from audit_app.sync import Credentials, SyncStatus, run_sync
from audit_app.sync.review_states import load_review_states

from .conftest import LiveServer
from .phone import make_visit


def _sync(device: Device, url: str, token: str):  # type: ignore[no-untyped-def]
    return run_sync(device, Credentials(url, token), now=lambda: datetime.now(UTC),
                    sleep=lambda _seconds: None)


def _review(server: LiveServer, visit_id: str, state: str, reason: str | None) -> None:
    answer = httpx.put(f"{server.url}/api/v1/visits/{visit_id}/review",
                       headers={"Authorization": f"Bearer {server.admin_token}"},
                       json={"state": state, "reason": reason}, timeout=30)
    assert answer.status_code == 200, answer.text


def test_the_pull_brings_rejections_and_home_words_them_in_both_languages(
        live_server: LiveServer, device: Device) -> None:
    _name, token = live_server.new_user("auditor")
    rng = random.Random(14)
    rejected = make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"])
    approved = make_visit(device, rng, site_id="site-n1", staff_ids=["staff-1"])
    assert _sync(device, live_server.url, token).status is SyncStatus.OK
    assert load_review_states(device) == {}
    _review(live_server, rejected, "rejected", "photo from another shop")
    _review(live_server, approved, "approved", None)
    assert _sync(device, live_server.url, token).status is SyncStatus.OK
    reviews = load_review_states(device)
    assert set(reviews) == {rejected}
    home = HomeModel.of([], reviews)
    assert home.review_line("en", rejected) == "Rejected: photo from another shop"
    assert home.review_line("zh-CN", rejected) == "已拒绝：photo from another shop"
    assert home.review_line("en", approved) is None
