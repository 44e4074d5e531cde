"""An `AppState` on a fresh device folder with the bundled checklists, and a tiny JPEG."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from audit_app.device import open_device
from audit_app.state import AppState, DeviceAccess

TZ = timezone(timedelta(hours=8))
START = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: datetime = START):
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def run(coro):
    return asyncio.run(coro)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def device(tmp_path):
    opened = open_device(tmp_path / "device")
    yield opened
    opened.close()


@pytest.fixture
def state(device, clock) -> AppState:
    app = AppState(DeviceAccess(device), now=clock)
    run(app.load())
    run(app.choose_offline_only())
    return app


def jpeg_bytes(width: int = 640, height: int = 480, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def start_retail_visit(app: AppState, *, site: str = "site-001", peak: bool = False) -> None:
    app.open_new_visit()
    app.pick_checklist("retail-store-visit")
    app.pick_site(site)
    app.set_peak(peak)
    assert run(app.start_visit()), app.error
