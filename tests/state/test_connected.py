"""The app's connection actions against the real sync server (uvicorn in a subprocess):
enrolment code, pasted token, sync with progress, token refused, offline banner."""

from __future__ import annotations

import httpx
import pytest

from audit_app.state import AppState, DeviceAccess, Route
from audit_app.stopwatch import local_now
from audit_app.store import VisitState
from audit_app.sync import load_credentials, load_roster
from tests.sync.conftest import down_url, free_port, live_server  # noqa: F401  (fixtures)

from .conftest import answer_everything, jpeg_bytes, run


@pytest.fixture
def app(device) -> AppState:
    state = AppState(DeviceAccess(device), now=local_now)
    run(state.load())
    return state


def finish_a_visit(app: AppState, site: str = "site-n1") -> str:
    app.open_new_visit()
    app.pick_checklist("retail-store-visit")
    app.pick_site(site)
    app.toggle_staff("staff-1")
    assert run(app.start_visit()), app.error
    answer_everything(app)
    assert run(app.add_photo("not_ignored_on_entry", jpeg_bytes(colour=(10, 200, 10))))
    visit_id = app.visit.visit_id
    assert run(app.finalise()), app.error
    return visit_id


def test_enrolment_code_connects_pulls_the_roster_and_a_visit_syncs_with_its_photo(app, live_server):
    name, _token = live_server.new_user()
    app.setup_form.server = live_server.url + "/"
    app.setup_form.code = live_server.enrolment_code(name).lower()
    assert run(app.enrol_with_code()), app.error
    assert app.route == Route.HOME and app.prefs.setup_done and not app.prefs.offline_only
    creds = load_credentials(app.device.folder)
    assert creds is not None and creds.server_url == live_server.url
    assert {s.id for s in app.roster.sites} >= {"site-n1", "site-s1"}
    assert app.roster.role == "auditor" and app.roster.user_name == name
    assert app.roster.staff_ids("site-n1") == ["staff-1", "staff-2"]
    visit_id = finish_a_visit(app)
    progress_seen = []
    app.subscribe(lambda: progress_seen.append(app.sync.progress))
    assert run(app.start_sync()), app.error
    assert app.sync.report.synced == 1 and not app.sync.offline
    assert app.home.counts[VisitState.SYNCED] == 1 and app.home.pending == 0
    assert app.prefs.last_sync_at is not None
    assert any(p is not None and p.visits_total == 1 for p in progress_seen)
    served = httpx.get(f"{live_server.url}/api/v1/visits/{visit_id}",
                       headers={"Authorization": f"Bearer {creds.token}"}, timeout=30).json()
    cited = [o for o in served["visit"]["observations"] if o["item_key"] == "not_ignored_on_entry"][0]["photos"]
    assert len(cited) == 1
    missing = httpx.post(f"{live_server.url}/api/v1/photos/missing", json={"hashes": cited},
                         headers={"Authorization": f"Bearer {creds.token}"}, timeout=30)
    assert missing.json() == {"missing": []}  # the server holds the photo


def test_a_wrong_enrolment_code_is_refused_in_both_languages(app, live_server):
    app.setup_form.server = live_server.url
    app.setup_form.code = "ZZZZ-ZZZZ"
    assert not run(app.enrol_with_code())
    assert app.error.code == "invalid_enrolment_code"
    assert app.error.message_zh and app.error.message_en != app.error.message_zh
    assert load_credentials(app.device.folder) is None and app.route == Route.FIRST_RUN


def test_a_pasted_token_is_checked_by_the_first_sync(app, live_server):
    _name, token = live_server.new_user()
    app.setup_form.server = live_server.url
    app.setup_form.token = token
    assert run(app.connect_with_token()), app.error
    assert load_roster(app.device) is not None and app.roster.sites


def test_a_refused_token_says_so_and_keeps_the_visits(app, live_server):
    name, token = live_server.new_user()
    app.setup_form.server = live_server.url
    app.setup_form.token = token
    assert run(app.connect_with_token())
    finish_a_visit(app)
    live_server.revoke(name)
    assert not run(app.start_sync())
    assert app.error.code == "token_refused"
    assert app.home.pending == 1


def test_offline_shows_the_banner_and_the_visit_stays_queued(app, live_server, down_url):  # noqa: F811
    _name, token = live_server.new_user()
    app.setup_form.server = live_server.url
    app.setup_form.token = token
    assert run(app.connect_with_token())
    finish_a_visit(app)
    from audit_app.sync import Credentials, save_credentials
    save_credentials(app.device.folder, Credentials(server_url=down_url, token=token))
    run(app.start_sync())
    assert app.sync.offline and not app.sync.running
    assert app.home.pending == 1 and app.home.counts[VisitState.FINALISED] == 1


def test_an_enrolment_link_for_another_account_waits_until_every_visit_is_synced(app, live_server):
    first, _ = live_server.new_user()
    assert run(app.open_enrolment_link(live_server.enrolment_code(first), live_server.url)), app.error
    first_token = load_credentials(app.device.folder).token
    finish_a_visit(app)

    second, _ = live_server.new_user()
    assert not run(app.open_enrolment_link(live_server.enrolment_code(second), live_server.url))
    assert app.error.code == "enrol_unsynced"
    assert "1" in app.error.message_en and "1" in app.error.message_zh
    assert app.error.message_en != app.error.message_zh
    assert load_credentials(app.device.folder).token == first_token  # still the first account
    assert app.home.unsynced == 1

    assert run(app.start_sync()), app.error
    assert app.home.counts[VisitState.SYNCED] == 1
    assert run(app.open_enrolment_link(live_server.enrolment_code(second), live_server.url)), app.error
    assert load_credentials(app.device.folder).token != first_token
    assert app.roster.user_name == second and app.route == Route.HOME


@pytest.mark.parametrize(("role", "lands_on"), [("manager", "/reports"), ("admin", "/reports"),
                                               ("auditor", Route.HOME)])
def test_an_enrolment_link_lands_where_every_later_start_of_that_role_does(app, live_server, role, lands_on):
    name, _ = live_server.new_user(role)
    assert run(app.open_enrolment_link(live_server.enrolment_code(name), live_server.url)), app.error
    assert app.route == lands_on and app.roster.role == role
    if role != "auditor":
        assert app.reports.role == role and app.reports.overall is not None
    assert not app.land_after_sync  # a later sync leaves the screen the user is on


def test_an_enrolment_link_enrols_an_offline_only_phone_that_holds_visits(app, live_server):
    assert run(app.choose_offline_only())
    app.open_new_visit()
    app.pick_checklist("retail-store-visit")
    app.pick_site("site-n1")
    assert run(app.start_visit()), app.error
    name, _ = live_server.new_user()
    assert run(app.open_enrolment_link(live_server.enrolment_code(name), live_server.url)), app.error
    assert load_credentials(app.device.folder) is not None and app.roster.user_name == name
    assert app.home.unsynced == 1  # the draft is still there, now able to upload


def test_a_synced_visit_is_saved_as_the_servers_pdf_and_an_unsynced_one_is_refused(app, live_server):
    name, token = live_server.new_user()
    app.setup_form.server = live_server.url
    app.setup_form.code = live_server.enrolment_code(name)
    assert run(app.enrol_with_code()), app.error
    visit_id = finish_a_visit(app)
    saved: list[tuple[str, bytes]] = []

    async def save(file_name: str, data: bytes) -> None:
        saved.append((file_name, data))

    assert run(app.open_visit(visit_id)), app.error
    assert not app.can_save_pdf()                       # finalised, not on the server yet
    assert not run(app.save_visit_pdf(save))
    assert app.error.code == "pdf_not_synced" and saved == []
    assert run(app.start_sync()), app.error
    assert run(app.open_visit(visit_id)), app.error
    assert app.can_save_pdf()
    assert run(app.set_language("zh-CN"))
    assert run(app.save_visit_pdf(save)), app.error
    ((file_name, data),) = saved
    assert file_name == f"visit-{visit_id[:8]}-zh-CN.pdf"
    assert data.startswith(b"%PDF-") and app.flash == "pdf.saved"
