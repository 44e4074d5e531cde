"""The reports session against a real sync server with demo data: open, switch site/staff,
filters kept for the session, the drill-down to one visit, offline "as of", auditors refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from audit_app.reports.filters import Period
from audit_app.state import AppState, DeviceAccess, Route
from audit_app.state.reports import ReportsRoute
from audit_app.sync import Credentials, Me, Roster, RosterSite, save_credentials, save_roster
from sync_server.demo import SITES
from tests.reports.demo_server import RunningServer, demo_server, demo_settings, start_server  # noqa: F401
from tests.state.conftest import Clock, run

DEMO_DAY = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def connect(app: AppState, url: str, token: str, name: str, role: str, region: str | None) -> None:
    save_credentials(app.device.folder, Credentials(server_url=url, token=token))
    sites = [RosterSite(id=sid, name=name_, region=reg, staff=[]) for sid, name_, reg, *_ in SITES]
    save_roster(app.device, Roster(sites=sites, me=Me(name=name, role=role, region=region),  # type: ignore[arg-type]
                                   fetched_at=DEMO_DAY))
    run(app.finish_setup())


@pytest.fixture
def manager(device, demo_server: RunningServer) -> AppState:
    app = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(app.load())
    connect(app, demo_server.url, demo_server.tokens["demo-manager"], "demo-manager", "manager", None)
    return app


def test_opening_reports_shows_every_site_weakest_first_against_the_target(manager: AppState) -> None:
    assert run(manager.reports.open()), manager.error
    reports = manager.reports
    assert manager.route == ReportsRoute.OVERVIEW
    chart = reports.overall.chart
    assert {b.key for b in chart.bars} == {s[0] for s in SITES}
    rates = [b.rate_pct for b in chart.bars]
    assert rates == sorted(rates) and chart.line.pct == 90.0
    assert reports.params() == {"from": "2026-10-25", "to": "2026-11-23"}  # last 30 days
    assert reports.region_allowed and reports.regions == ("east", "south")
    assert not reports.offline and reports.as_of == DEMO_DAY


def test_by_staff_then_last_8_weeks_keeps_the_filter_for_the_session(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    assert run(reports.show_overall("staff"))
    assert reports.overall_by == "staff" and reports.overall.chart.line.pct == 80.0
    reports.edit_filters()
    reports.set_period(Period.LAST_8_WEEKS.value)
    assert run(reports.apply_filters()), manager.error
    assert reports.filter.period is Period.LAST_8_WEEKS
    assert reports.params()["from"] == "2026-09-29"
    assert reports.overall_by == "staff" and reports.overall is not None
    run(reports.open_trend("site"))
    assert reports.params()["from"] == "2026-09-29"  # still the session's filter
    assert reports.trend is not None and len(reports.trend.periods) >= 8


def test_custom_dates_typed_wrong_are_refused_and_the_filter_is_unchanged(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    reports.edit_filters()
    reports.set_period(Period.CUSTOM.value)
    reports.set_custom_date("custom_from", "2026-13-01")
    reports.set_custom_date("custom_to", "2026-11-20")
    assert not run(reports.apply_filters())
    assert manager.error.code == "reports_filter" and "2026-13-01" in manager.error.message_en
    assert reports.filter.period is Period.LAST_30_DAYS  # the default, unchanged


def test_drill_down_from_the_weakest_site_to_one_visit(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    weakest = reports.overall.chart.bars[0].key
    assert run(reports.open_site(weakest)), manager.error
    assert manager.route == ReportsRoute.SITE
    assert reports.site_staff.table and reports.site_items.table
    assert all(row.source for row in reports.site_items.table)
    assert run(reports.open_visits()), manager.error
    rows = reports.visit_list
    assert rows and all(row.date_text >= "2026-10-25" for row in rows)  # the last 30 days
    assert run(reports.open_visit(rows[0].id)), manager.error
    view = reports.visit
    assert manager.route == ReportsRoute.VISIT and view.id == rows[0].id and view.site_id == weakest
    assert all(line.outcome in ("pass", "fail", "na", None) for line in view.lines)


def manager_on_a_server_that_stops(device, demo_settings) -> tuple[AppState, RunningServer, Clock]:
    """A manager's app on its own demo server, which the test stops to go offline."""
    settings, tokens = demo_settings
    running = start_server(settings, tokens)
    clock = Clock(DEMO_DAY)
    app = AppState(DeviceAccess(device), now=clock)
    run(app.load())
    connect(app, running.url, tokens["demo-manager"], "demo-manager", "manager", None)
    return app, running, clock


def test_offline_the_last_report_is_shown_with_its_as_of_time(device, demo_settings) -> None:
    app, running, clock = manager_on_a_server_that_stops(device, demo_settings)
    assert run(app.reports.open())
    shown = app.reports.overall
    running.stop()
    clock.advance(3600)
    assert run(app.reports.open()), app.error
    assert app.reports.offline and app.reports.as_of == DEMO_DAY
    assert app.reports.overall == shown
    assert not run(app.reports.show_overall("staff"))  # never fetched here: nothing to show
    assert app.error.code == "reports_offline"


def test_regional_manager_may_not_choose_a_region(device, demo_server: RunningServer) -> None:
    app = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(app.load())
    connect(app, demo_server.url, demo_server.tokens["demo-manager-east"], "demo-manager-east",
            "manager", "east")
    assert run(app.reports.open()), app.error
    assert not app.reports.region_allowed
    assert {b.key for b in app.reports.overall.chart.bars} == {"demo-east-1", "demo-east-2", "demo-east-3"}
    assert {sid for sid, _, _ in app.reports.site_choices} == {"demo-east-1", "demo-east-2", "demo-east-3"}


def test_an_auditor_is_refused_before_any_request(device, demo_server: RunningServer) -> None:
    app = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(app.load())
    connect(app, demo_server.url, demo_server.tokens["demo-auditor"], "demo-auditor", "auditor", None)
    assert not run(app.reports.open())
    assert app.error.code == "reports_forbidden" and app.reports.overall is None


def test_csv_export_hands_the_servers_rows_for_the_screen_to_the_save_dialog(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    run(reports.show_overall("staff"))
    saved: list[tuple[str, bytes]] = []

    async def save(name: str, data: bytes) -> None:
        saved.append((name, data))

    assert run(reports.export_csv(save)), manager.error
    ((name, data),) = saved
    assert name == "compliance-staff-2026-10-25-2026-11-23.csv"
    lines = data.decode("utf-8").splitlines()
    assert lines[0].startswith("key,label,") and len(lines) == 1 + len(reports._answers["staff"].rows)
    assert manager.flash == "reports.exported"


def test_pdf_actions_hand_the_servers_pdfs_in_the_app_language_to_the_save_dialog(
        manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    site_id = reports._answers["site"].rows[0].key
    assert run(reports.open_site(site_id)), manager.error
    saved: list[tuple[str, bytes]] = []

    async def save(name: str, data: bytes) -> None:
        saved.append((name, data))

    assert run(manager.set_language("zh-CN"))
    assert run(reports.save_site_pdf(save)), manager.error
    assert run(reports.open_visits()), manager.error
    assert run(reports.open_visit(reports.visit_list[0].id)), manager.error
    assert run(reports.save_visit_pdf(save)), manager.error
    (site_name, site_pdf), (visit_name, visit_pdf) = saved
    assert site_name == f"scorecard-{site_id}-2026-10-25-2026-11-23-zh-CN.pdf"  # the last 30 days
    assert visit_name.startswith("visit-") and visit_name.endswith("-zh-CN.pdf")
    assert site_pdf.startswith(b"%PDF-") and visit_pdf.startswith(b"%PDF-")
    assert manager.flash == "pdf.saved"


def test_by_item_shows_the_most_visited_checklist_and_the_manager_can_pick_another(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    assert run(reports.open_breakdown("item")), manager.error
    choices = reports.breakdown_checklists
    assert len(choices) > 1
    assert [c.visits for c in choices] == sorted((c.visits for c in choices), reverse=True)
    first = choices[0].id
    rows = reports._answers["item"].rows
    shown = reports.breakdown.table
    assert {r.key.split("/")[0] for r in shown} == {first}
    assert len(shown) == min(25, sum(1 for r in rows if r.key.startswith(first + "/")))
    other = choices[1].id
    reports.pick_breakdown_checklist(other)
    assert {r.key.split("/")[0] for r in reports.breakdown.table} == {other}
    key = reports.breakdown.table[0].key
    reports.toggle_row_text(key)
    assert reports.expanded_row == key
    reports.toggle_row_text(key)
    assert reports.expanded_row is None


def test_a_tapped_staff_member_shows_their_items_and_the_visits_that_assessed_them(manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    run(reports.show_overall("staff"))
    weakest = reports.overall.table[0]
    assert run(reports.open_staff(weakest.key)), manager.error
    assert manager.route == ReportsRoute.STAFF and reports.staff_name == weakest.label
    assert reports.staff_items is not None and reports.staff_items.table
    visits = reports.staff_visit_list
    assert len(visits) == weakest.visits  # the row's visits, listed
    assert run(reports.open_visit(visits[0].id, ReportsRoute.STAFF)), manager.error
    assert reports.visit_back == ReportsRoute.STAFF
    assert weakest.key in {line.staff_id for line in reports.visit.lines}


def test_the_staff_filter_narrows_every_report_to_that_staff_member(manager: AppState) -> None:
    from audit_app.sync import RosterStaff
    # The phone's roster names the demo staff (the demo gives each site `<site>-staff-1`...).
    sites = [RosterSite(id=sid, name=name, region=region,
                        staff=[RosterStaff(id=f"{sid}-staff-1", name=f"First at {sid}", site_id=sid)])
             for sid, name, region, *_ in SITES]
    save_roster(manager.device, Roster(sites=sites, me=Me(name="demo-manager", role="manager", region=None),
                                       fetched_at=DEMO_DAY))
    reports = manager.reports
    run(reports.open())
    assert len(reports.staff_choices) == len(SITES)
    staff_id, name, site_id = reports.staff_choices[0]
    reports.edit_filters()
    reports.set_choice("staff_id", staff_id)
    assert run(reports.apply_filters()), manager.error
    assert reports.params()["staff_id"] == staff_id
    assert [r.key for r in reports.overall.table] == [site_id]  # only their site has their rows
    assert run(reports.open_staff(staff_id)) and reports.staff_name == name


def test_a_manager_lands_on_reports_and_home_is_its_back(device, demo_server: RunningServer) -> None:
    manager = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(manager.load())
    connect(manager, demo_server.url, demo_server.tokens["demo-manager"], "demo-manager", "manager", None)
    again = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))  # the app opened again
    run(again.load())
    run(again.land())
    assert again.route == ReportsRoute.OVERVIEW and again.reports.overall is not None
    run(again.go_home())
    assert again.route == Route.HOME


def test_an_auditor_lands_on_home(device, demo_server: RunningServer) -> None:
    auditor = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(auditor.load())
    connect(auditor, demo_server.url, demo_server.tokens["demo-auditor"], "demo-auditor", "auditor", None)
    again = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(again.load())
    run(again.land())
    assert again.route == Route.HOME and again.reports.overall is None


def test_a_visit_names_its_site_and_staff_heads_its_sections_and_opens_a_photo_full_size(
        manager: AppState) -> None:
    reports = manager.reports
    run(reports.open())
    with_photo = site = None
    for site in reports.overall.table:  # the demo gives photos to some checklists' items
        run(reports.open_site(site.key))
        run(reports.open_visits())
        for row in reports.visit_list:
            run(reports.open_visit(row.id))
            if reports.photos:
                with_photo = reports.visit
                break
        if with_photo is not None:
            break
    assert with_photo is not None and site is not None, "no demo visit with a photo"
    assert with_photo.site_name == site.label and with_photo.staff
    sections = [line.section for line in with_photo.lines]
    assert all(sections) and len(set(sections)) > 1
    sha = next(iter(reports.photos))
    assert run(reports.open_photo(sha)), manager.error
    assert manager.route == ReportsRoute.PHOTO
    shown_sha, full = reports.full_photo
    with Image.open(io.BytesIO(full)) as image, Image.open(io.BytesIO(reports.photos[sha])) as thumb:
        assert shown_sha == sha and image.size >= thumb.size  # the full photo, not the thumbnail


def test_the_overview_says_how_many_rejected_visits_its_figures_leave_out(manager: AppState,
                                                                          demo_server: RunningServer) -> None:
    import httpx
    assert run(manager.reports.open()), manager.error
    params = manager.reports.params()
    rejected = httpx.get(f"{demo_server.url}/api/v1/visits", params={**params, "review": "rejected", "limit": 200},
                         headers={"Authorization": f"Bearer {demo_server.tokens['demo-manager']}"}, timeout=30).json()
    assert rejected, "the demo rejects a visit in the default period"
    assert manager.reports.overall.excluded_rejected == len(rejected)
    from tests.views.test_screens_build import build, names
    assert f"Rejected visits left out of these figures: {len(rejected)}." in names(build(manager))
