"""The app's entry: data folders per browser, the enrolment link, reopening a device."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audit_app.app import data_root, device_folder, enrolment_query, open_and_tidy
from audit_app.state import AppState, DeviceAccess, Route
from tests.state.conftest import FakeMonotonic, clock, jpeg_bytes, run, start_retail_visit  # noqa: F401


def test_data_root_prefers_the_packaged_phone_folder_then_the_configured_one():
    assert str(data_root({"FLET_APP_STORAGE_DATA": "/phone", "AUDIT_APP_DATA_DIR": "/x"})) == "/phone"
    assert str(data_root({"AUDIT_APP_DATA_DIR": "/x"})) == "/x"
    assert str(data_root({})) == "var/app"


def test_a_device_id_from_the_browser_never_names_a_path_outside_the_root(tmp_path):
    good = "0123456789abcdef0123456789abcdef"
    assert device_folder(tmp_path, good) == tmp_path / "devices" / good
    for bad in ("../../etc", "0123456789abcdef0123456789abcde/", "", "A" * 32):
        with pytest.raises(ValueError):
            device_folder(tmp_path, bad)


def test_the_enrolment_link_is_read_from_the_first_page_address():
    link = "/?enrol=ABCD2345&server=http%3A%2F%2F127.0.0.1%3A8080"
    assert enrolment_query(link, None) == ("ABCD2345", "http://127.0.0.1:8080")
    assert enrolment_query("/", "http://127.0.0.1:8550/?enrol=XY&server=https%3A%2F%2Fa.b") == \
        ("XY", "https://a.b")
    assert enrolment_query("/", "http://127.0.0.1:8550/") == (None, None)


def test_a_half_done_visit_survives_a_restart_with_its_answers_photo_and_running_stopwatch(tmp_path, clock):
    folder = tmp_path / "devices" / ("a" * 32)
    device = open_and_tidy(folder)
    first = AppState(DeviceAccess(device), now=clock)
    first.monotonic = FakeMonotonic()
    run(first.load())
    run(first.choose_offline_only())
    start_retail_visit(first)
    run(first.answer_check("eye_contact", True))
    run(first.add_photo("eye_contact", jpeg_bytes()))
    run(first.stopwatch_tap("greet_within_3s"))
    visit_id = first.visit.visit_id
    device.close()  # the app server stops

    clock.advance(5)
    device = open_and_tidy(folder)
    second = AppState(DeviceAccess(device), now=clock)
    run(second.load())
    assert second.route == Route.HOME
    assert [(s.visit_id, s.state.value) for s in second.home.summaries] == [(visit_id, "draft")]
    assert run(second.open_visit(visit_id))
    assert second.route == Route.RUNNER
    visit = second.visit.visit
    assert visit.observation_for("eye_contact").value is True
    sha = visit.observation_for("eye_contact").photos[0]
    assert second.visit.thumbnails[sha][:2] == b"\xff\xd8" and device.photos.has_photo(sha)
    watch = run(second.visit.stopwatch("greet_within_3s"))
    assert watch.running and watch.resumed and watch.elapsed() >= 5
    device.close()


def test_the_web_server_listens_before_importing_the_app() -> None:
    """`serve-app` imports Flet only; the app (state, store, views) comes after it listens."""
    code = ("import sys, audit_app.cli as cli; cli.parser('serve-app'); import audit_app.web_server; "
            "print(any(m in sys.modules for m in ('audit_app.app', 'audit_app.state', 'httpx')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
