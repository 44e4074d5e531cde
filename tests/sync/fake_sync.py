"""Sync a device against the in-memory fake server: the retry policy, clock and helpers the
outcome and push-mechanics tests share."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from audit_app.device import Device
from audit_app.sync import Credentials, RetryPolicy, run_sync

from .fake_server import FakeServer
from .phone import make_visit

POLICY = RetryPolicy(attempts=3, connect_retries=0)


def utc_now() -> datetime:
    return datetime.now(UTC)


def sync_with_fake(device: Device, server: FakeServer, **kw):
    return run_sync(device, Credentials("http://audit.test", server.token), now=utc_now,
                    transport=server.transport(), retry=POLICY, sleep=lambda s: None, **kw)


def queue_visits(device: Device, count: int, photos: int = 1, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [make_visit(device, rng, site_id="site-1", staff_ids=["staff-1"], photos=photos)
            for _ in range(count)]


def stored_record(device: Device, visit_id: str):
    with device.lock:
        return device.store.visits.get(visit_id)
