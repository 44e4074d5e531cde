"""First run, language, photo size, storage, sign out; settings survive a reload."""

from __future__ import annotations

from audit_app.state import AppState, DeviceAccess, DeviceRegistry, Route
from audit_app.state.prefs import load_prefs
from audit_app.sync import Credentials, load_credentials, save_credentials

from .conftest import answer_everything, run, start_retail_visit


def fresh(device, clock) -> AppState:
    app = AppState(DeviceAccess(device), now=clock)
    run(app.load())
    return app


def test_first_run_offline_only_goes_home_and_is_remembered(device, clock):
    app = fresh(device, clock)
    assert app.route == Route.FIRST_RUN
    app.go(Route.HOME)
    assert app.route == Route.FIRST_RUN  # nothing else until the first run is done
    assert run(app.choose_offline_only())
    assert app.route == Route.HOME
    again = fresh(device, clock)
    assert again.route == Route.HOME and again.prefs.offline_only


def test_language_switch_is_saved_and_unknown_languages_are_refused(state, device, clock):
    assert run(state.set_language("zh-CN"))
    assert load_prefs(device.folder).language == "zh-CN"
    assert fresh(device, clock).lang == "zh-CN"
    assert not run(state.set_language("fr"))
    assert state.error.code == "unknown_language" and state.lang == "zh-CN"


def test_a_server_address_that_is_not_a_url_is_refused_before_any_network(device, clock):
    app = fresh(device, clock)
    for bad in ("audit.example.com", "ftp://x.example", "http://", "https://x.example/?a=1"):
        app.setup_form.server = bad
        app.setup_form.token = "secret"
        assert not run(app.connect_with_token()), bad
        assert app.error.code == "server_not_url"
        assert "http://" in app.error.message("zh-CN")
    assert load_credentials(device.folder) is None and not app.prefs.setup_done


def test_enrolment_needs_a_code(device, clock):
    app = fresh(device, clock)
    app.setup_form.server = "http://127.0.0.1:9"
    assert not run(app.enrol_with_code())
    assert app.error.code == "no_code"


def test_photo_size_only_takes_offered_sizes_and_applies_to_new_visits(state):
    assert not run(state.set_photo_size(333))
    assert state.error.code == "photo_size"
    assert run(state.set_photo_size(1024))
    start_retail_visit(state)
    assert state.visit.photo_limits.long_edge == 1024


def test_storage_used_counts_the_device_files(state):
    start_retail_visit(state)
    run(state.measure_storage())
    assert state.storage_bytes > 1000


def test_sign_out_with_unsynced_visits_needs_two_confirmations(state, device):
    save_credentials(device.folder, Credentials(server_url="http://127.0.0.1:9", token="t0ken"))
    start_retail_visit(state)
    answer_everything(state)
    run(state.finalise())
    assert run(state.request_sign_out())
    assert state.sign_out_confirmations == 1 and load_credentials(device.folder) is not None
    state.cancel_sign_out()
    assert state.sign_out_confirmations == 0
    run(state.request_sign_out())
    run(state.request_sign_out())
    assert state.sign_out_confirmations == 2 and load_credentials(device.folder) is not None
    assert run(state.request_sign_out())
    assert load_credentials(device.folder) is None
    assert state.route == Route.FIRST_RUN
    assert state.home.counts  # the visits themselves stay on the phone
    assert device.store.visits.summaries()[0].queued


def test_sign_out_with_everything_synced_needs_no_confirmation(state, device):
    save_credentials(device.folder, Credentials(server_url="http://127.0.0.1:9", token="t0ken"))
    assert run(state.request_sign_out())
    assert load_credentials(device.folder) is None and state.route == Route.FIRST_RUN


def test_two_pages_of_one_browser_share_one_device(tmp_path):
    registry = DeviceRegistry()
    first = registry.acquire(tmp_path / "devices" / "a")
    second = registry.acquire(tmp_path / "devices" / "a")
    other = registry.acquire(tmp_path / "devices" / "b")
    assert first is second and first is not other
    registry.release(first)
    assert registry.acquire(tmp_path / "devices" / "a") is second
    registry.close_all()


def test_replacing_the_token_keeps_the_new_one_and_refuses_a_bad_address(state, device):
    state.setup_form.server = "not a url"
    state.setup_form.token = "new-token"
    assert not run(state.replace_token())
    assert state.error.code == "server_not_url" and load_credentials(device.folder) is None
    state.setup_form.server = "https://audit.example.com/"
    assert run(state.replace_token())
    assert load_credentials(device.folder) == Credentials(server_url="https://audit.example.com",
                                                          token="new-token")
    assert state.flash == "settings.token_saved" and state.setup_form.token == ""
    assert state.server_url == "https://audit.example.com" and not state.prefs.offline_only


def test_sync_without_a_server_says_to_add_one(state):
    assert not run(state.open_sync())
    assert state.route == Route.SYNC and state.error.code == "not_connected"
    assert not state.sync.running
