"""Enrolment against the real server: a code becomes this device's own token, once."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from audit_app.device import Device
from audit_app.sync import (
    InvalidEnrolmentCode, SyncStatus, enrol_device, load_credentials, run_sync, save_credentials,
)

from .conftest import LiveServer
from .phone import make_visit


def test_an_enrolled_device_syncs_with_its_own_token_and_the_code_works_once(
        live_server: LiveServer, device: Device) -> None:
    name, _token = live_server.new_user("auditor")
    code = live_server.enrolment_code(name)
    typed = f"{code[:4].lower()} {code[4:]}"  # as a person types it from a screen
    creds, me = enrol_device(live_server.url + "/", typed)
    assert (me.name, me.role, me.region) == (name, "auditor", None)
    assert creds.server_url == live_server.url
    save_credentials(device.folder, creds)
    make_visit(device, random.Random(11), site_id="site-n1", staff_ids=["staff-1"])
    report = run_sync(device, load_credentials(device.folder), now=lambda: datetime.now(UTC))
    assert report.status is SyncStatus.OK and report.synced == 1
    with pytest.raises(InvalidEnrolmentCode):
        enrol_device(live_server.url, code)


def test_revoking_the_user_refuses_the_enrolled_devices_token(live_server: LiveServer,
                                                              device: Device) -> None:
    name, _token = live_server.new_user("auditor")
    creds, _me = enrol_device(live_server.url, live_server.enrolment_code(name))
    live_server.revoke(name)
    report = run_sync(device, creds, now=lambda: datetime.now(UTC))
    assert report.status is SyncStatus.TOKEN_REFUSED
