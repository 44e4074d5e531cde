"""An `AppState` on a fresh device folder with the bundled checklists, and a tiny JPEG."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
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
    """Run an action to completion. Playwright's sync API (the browser tests' session fixtures)
    keeps an event loop running in this thread, so then the action gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coro).result()


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


class FakeMonotonic:
    def __init__(self):
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


def answer_everything(app: AppState, photo: bytes | None = None) -> None:
    """Answer every required item so the visit can be finalised (a photo where required)."""
    from audit_app.domain import Kind
    from audit_app.state.runner_model import uses_stopwatch

    checklist = app.visit.checklist
    for item in checklist.items:
        if item.photo == "required":
            assert run(app.add_photo(item.key, photo or jpeg_bytes())), app.error
        if not item.is_required:
            continue
        if item.kind is Kind.CHECK:
            ok = run(app.answer_check(item.key, True))
        elif item.kind is Kind.TIMED and uses_stopwatch(item):
            ok = run(app.answer_duration(item.key, "1"))
        elif item.kind is Kind.TIMED:
            ok = run(app.answer_duration(item.key, "0.5"))
        elif item.kind is Kind.COUNT:
            ok = run(app.type_count(item.key, str(item.min if item.min is not None else 0)))
        elif item.kind is Kind.RATING:
            ok = run(app.answer_rating(item.key, item.rating_scale))
        elif item.kind is Kind.TEXT:
            ok = run(app.answer_text(item.key, "fine"))
        else:
            ok = True
        assert ok, (item.key, app.error)
