"""Every report screen builds from state alone, in both languages, with the names the browser
tests use; Home offers Reports to managers and admins only."""

from __future__ import annotations

import flet as ft
import flet_charts as fc
import pytest

from audit_app.state import AppState, DeviceAccess
from audit_app.state.reports import ReportsRoute
from tests.reports.demo_server import RunningServer, demo_server, demo_settings  # noqa: F401
from tests.state.conftest import Clock, device, run  # noqa: F401  (device: a fixture)
from tests.state.test_reports_session import DEMO_DAY, connect
from tests.views.test_screens_build import build, holes, names


def controls_of(node, kind) -> list:
    """Every control of `kind` under `node` (charts, tables, images)."""
    found = []

    def visit(item) -> None:
        if isinstance(item, (list, tuple)):
            for child in item:
                visit(child)
            return
        if not isinstance(item, ft.BaseControl):
            return
        if isinstance(item, kind):
            found.append(item)
        for attr in ("content", "controls", "appbar", "bottom_appbar", "actions", "title", "leading",
                     "subtitle", "trailing", "rows", "cells", "columns", "label"):
            child = getattr(item, attr, None)
            if child is not None and not isinstance(child, str):
                visit(child)
    visit(node)
    return found


def app_for(device, server: RunningServer, who: str, role: str) -> AppState:
    app = AppState(DeviceAccess(device), now=Clock(DEMO_DAY))
    run(app.load())
    connect(app, server.url, server.tokens[who], who, role, None)
    return app


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_report_screen_builds_in_both_languages(device, demo_server, lang):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.set_language(lang))
    reports = app.reports
    assert run(reports.open()), app.error
    screens = {"overview": build(app)}
    run(reports.show_overall("staff"))
    screens["staff"] = build(app)
    run(reports.open_breakdown("item"))
    screens["items"] = build(app)
    run(reports.open_breakdown("dimension"))
    screens["dimensions"] = build(app)
    run(reports.open_trend("site"))
    screens["trend"] = build(app)
    run(reports.open_actions("site"))
    screens["actions"] = build(app)
    reports.edit_filters()
    screens["filters"] = build(app)
    run(reports.open_site("demo-east-2"))
    screens["site"] = build(app)
    run(reports.open_visits())
    screens["visits"] = build(app)
    run(reports.open_visit(reports.visit_list[0].id))
    screens["visit"] = build(app)
    run(reports.show_overall("staff"))
    run(reports.open_staff(reports.overall.table[0].key))
    screens["one-staff"] = build(app)
    run(reports.open_visit(reports.staff_visit_list[0].id, ReportsRoute.STAFF))
    screens["staff-visit"] = build(app)
    routes = {name: view.route for name, view in screens.items()}
    assert routes["overview"] == routes["staff"] == ReportsRoute.OVERVIEW
    assert routes["visit"] == ReportsRoute.VISIT and routes["filters"] == ReportsRoute.FILTERS
    assert routes["one-staff"] == ReportsRoute.STAFF and routes["staff-visit"] == ReportsRoute.VISIT
    assert routes["actions"] == ReportsRoute.ACTIONS
    assert not holes(screens["one-staff"]) and not holes(screens["staff-visit"])
    assert not holes(screens["actions"]) and not holes(screens["visit"])
    assert len(controls_of(screens["overview"], fc.BarChart)) == 1
    assert len(controls_of(screens["overview"], ft.DataTable)) == 1
    assert len(controls_of(screens["trend"], fc.LineChart)) == 1
    site_rows = controls_of(screens["overview"], ft.DataRow)
    assert len(site_rows) == 6


def test_overview_chart_bars_carry_the_rates_and_the_target_line(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.reports.open())
    (chart,) = controls_of(build(app), fc.BarChart)
    model = app.reports.overall.chart
    assert [g.rods[0].to_y for g in chart.groups] == [b.drawn_pct for b in model.bars]
    assert chart.horizontal_grid_lines.interval == 90 and (chart.min_y, chart.max_y) == (0, 100)
    run(app.reports.show_overall("staff"))
    (staff_chart,) = controls_of(build(app), fc.BarChart)
    assert staff_chart.horizontal_grid_lines.interval == 80


def test_english_report_screens_carry_the_names_tests_tap(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.go_home())
    assert "Reports" in names(build(app))
    run(app.reports.open())
    found = set(names(build(app)))
    assert {"By site", "By staff", "Export CSV", "Refresh", "Filters", "Trend", "By item"} <= found
    app.reports.edit_filters()
    assert {"Apply filters", "Last 8 weeks", "This week", "Custom dates"} <= set(names(build(app)))


def test_home_offers_no_reports_to_an_auditor(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-auditor", "auditor")
    run(app.go_home())
    assert "Reports" not in names(build(app))


def test_by_item_offers_its_checklists_and_a_tapped_item_shows_its_whole_text(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    reports = app.reports
    run(reports.open())
    run(reports.open_breakdown("item"))
    view = build(app)
    found = set(names(view))
    for choice in reports.breakdown_checklists:
        assert f"{choice.title} ({choice.visits} visits)" in found
    first = reports.breakdown.table[0]
    (button,) = [b for b in controls_of(view, ft.TextButton)
                 if b.tooltip == f"Show the whole text of {first.label}"]
    assert button.content.max_lines == 2
    run(button.on_click())
    (expanded,) = [b for b in controls_of(build(app), ft.TextButton)
                   if b.tooltip == f"Show the whole text of {first.label}"]
    assert expanded.content.max_lines is None


def test_on_a_phone_rows_are_cards_that_keep_each_rows_name_beside_its_figures(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    reports = app.reports
    run(reports.open())
    reports.set_width(1280)
    assert len(controls_of(build(app), ft.DataTable)) == 1
    reports.set_width(412)
    view = build(app)
    assert controls_of(view, ft.DataTable) == []
    found = names(view)
    for row in reports.overall.table:
        at = found.index(row.label)
        assert row.rate_text in found[at:at + 4]  # the card's name, then its rate


def test_the_photo_screen_draws_the_full_photo_with_back_to_its_visit(state):
    from tests.state.conftest import jpeg_bytes
    photo = jpeg_bytes()
    state.reports.full_photo = ("abc", photo)
    state.go(ReportsRoute.PHOTO)
    view = build(state)
    (image,) = controls_of(view, ft.Image)
    assert view.route == ReportsRoute.PHOTO and image.src == photo and not holes(view)
    assert "Back" in names(view)


def test_the_visit_detail_shows_its_review_and_flags_and_names_its_pdf_button(device, demo_server):  # noqa: F811
    from audit_app.reports.client import ReportsClient
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager"]) as client:
        (rejected,) = client.visits({"review": "rejected"}, limit=1)
        flags = client.visit(rejected.id).flags
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.set_language("zh-CN"))
    assert run(app.reports.open_visit(rejected.id)), app.error
    found = names(build(app))
    assert any(text.startswith("审核：已拒绝：") for text in found), found
    assert "可信度提示" in found and all(f"• {flag.message_zh}" in found for flag in flags)
    assert "将本次走访保存为 PDF" in found            # the PDF button's accessible name


def test_the_actions_view_is_a_table_on_a_wide_page_and_cards_on_a_phone(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    reports = app.reports
    run(reports.open())
    assert "Actions" in names(build(app))       # the reports' own navigation offers it
    reports.set_width(1280)
    assert run(reports.open_actions()), app.error
    view = build(app)
    found = set(names(view))
    assert {"By site", "By assignee", "By item", "Refresh"} <= found
    totals = reports.action_report.totals
    assert (f"{totals.total} actions: {totals.still_open} still open ({totals.overdue} overdue), "
            f"{totals.resolved} awaiting re-check, {totals.verified} verified, {totals.cant_do} can't do.") in found
    (table,) = controls_of(view, ft.DataTable)
    assert len(table.rows) == len(reports.action_report.lines)
    assert [column.label.value for column in table.columns] == [
        "Name", "Still open", "Overdue", "Awaiting re-check", "Verified", "Reopened", "Can't do",
        "Median days to resolve", "Verified at first re-check"]
    reports.set_width(412)
    view = build(app)
    assert controls_of(view, ft.DataTable) == []
    found = names(view)
    for line in reports.action_report.lines:
        at = found.index(line.label)
        assert f"Still open {line.still_open} · overdue {line.overdue}" == found[at + 1]


def test_the_actions_view_in_chinese_names_its_groupings_and_columns(device, demo_server):  # noqa: F811
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.set_language("zh-CN"))
    assert run(app.reports.open_actions("assignee")), app.error
    app.reports.set_width(412)
    found = set(names(build(app)))
    assert {"按门店", "按负责人", "按项目", "整改"} <= found
    assert any(text.startswith("未完成 ") and " · 逾期 " in text for text in found)
    assert any(text.startswith("待复查\u00a0") for text in found)  # each figure kept whole on a wrap


def test_a_failed_item_in_the_visit_detail_shows_its_actions_status_owner_and_due_date(device, demo_server):  # noqa: F811
    from audit_app.reports.client import ReportsClient
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager"]) as client:
        raised = [a for a in client.actions({"today": "2026-11-23"})
                  if a.visit_id and a.item_key and a.assignee]
    action = next(a for a in raised if a.status == "verified")
    app = app_for(device, demo_server, "demo-manager", "manager")
    run(app.set_language("zh-CN"))
    assert run(app.reports.open_visit(action.visit_id)), app.error
    found = names(build(app))
    assert f"整改：已验证 · 截止 {action.due_on.isoformat()} · {action.assignee}" in found
    failed = [line for line in app.reports.visit.lines if line.outcome == "fail"]
    without = [line for line in failed if line.item_key not in app.reports.line_actions]
    assert found.count("该不合格项尚无整改") == len(without)
