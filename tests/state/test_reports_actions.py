"""The reports' Actions view and a visit's failed items with their actions, against a real
sync server with the demo actions: the rows are the server's figures per site, assignee or
item; overdue is judged on the app's date; offline the kept answer is shown; the visit detail
names each failed item's action."""

from __future__ import annotations

import datetime as dt

from audit_app.reports.client import ReportsClient
from audit_app.state import AppState, DeviceAccess
from audit_app.state.reports import ReportsRoute
from tests.reports.demo_server import RunningServer, demo_server, demo_settings  # noqa: F401
from tests.state.conftest import Clock, run
from tests.state.test_reports_session import (  # noqa: F401  (fixture)
    DEMO_DAY, connect, manager, manager_on_a_server_that_stops,
)

PERIOD = {"from": "2026-10-25", "to": "2026-11-23"}  # the default last 30 days on DEMO_DAY


def server_rows(server: RunningServer, group_by: str, today: dt.date) -> dict:
    with ReportsClient(server.url, server.tokens["demo-manager"]) as client:
        answer = client.action_report(group_by, {**PERIOD, "today": today.isoformat()})  # type: ignore[arg-type]
    return {row.key: row for row in answer.rows}


def test_actions_by_site_show_the_servers_counts_with_the_still_open_summed(
        manager: AppState, demo_server: RunningServer) -> None:  # noqa: F811
    reports = manager.reports
    run(reports.open())
    assert run(reports.open_actions()), manager.error
    assert manager.route == ReportsRoute.ACTIONS and reports.actions_by == "site"
    view = reports.action_report
    expected = server_rows(demo_server, "site", DEMO_DAY.date())
    assert {line.key for line in view.lines} == set(expected) and len(expected) >= 3
    for line in view.lines:
        row = expected[line.key]
        assert line.label == row.label and line.total == row.total
        assert line.still_open == row.open + row.in_progress + row.reopened
        assert (line.resolved, line.verified, line.cant_do, line.overdue) == (
            row.resolved, row.verified, row.cant_do, row.overdue)
    assert view.totals.total == sum(row.total for row in expected.values())
    assert view.today == "2026-11-23" and view.excluded_rejected == 1  # one demo action's visit was rejected


def test_overdue_is_judged_on_the_apps_date_and_the_grouping_switches(
        device, demo_server: RunningServer) -> None:  # noqa: F811
    later = DEMO_DAY + dt.timedelta(days=2)  # the demo actions fall due on the 23rd to the 25th
    app = AppState(DeviceAccess(device), now=Clock(later))
    run(app.load())
    connect(app, demo_server.url, demo_server.tokens["demo-manager"], "demo-manager", "manager", None)
    reports = app.reports
    assert run(reports.open_actions("assignee")), app.error
    view = reports.action_report
    assert view.group_by == "assignee" and view.today == "2026-11-25"
    expected = server_rows(demo_server, "assignee", later.date())
    assert view.totals.overdue == sum(row.overdue for row in expected.values()) > 0
    overdue = [line.overdue for line in view.lines]
    assert overdue == sorted(overdue, reverse=True)  # the most overdue first
    assert run(reports.open_actions("item")), app.error
    assert reports.actions_by == "item" and reports.action_report.group_by == "item"
    assert all(line.label != line.key for line in reports.action_report.lines if line.key)  # item texts


def test_offline_the_last_actions_answer_is_shown_and_new_filters_forget_it(device, demo_settings) -> None:  # noqa: F811
    app, running, clock = manager_on_a_server_that_stops(device, demo_settings)
    assert run(app.reports.open_actions())
    shown = app.reports.action_report
    running.stop()
    clock.advance(3600)
    assert run(app.reports.open_actions()), app.error
    assert app.reports.offline and app.reports.as_of == DEMO_DAY
    assert app.reports.action_report == shown
    app.reports.edit_filters()
    assert not run(app.reports.apply_filters())  # offline: the overview was never fetched
    assert app.reports.action_report is None


def test_the_visit_detail_names_the_action_of_each_failed_item(
        manager: AppState, demo_server: RunningServer) -> None:  # noqa: F811
    with ReportsClient(demo_server.url, demo_server.tokens["demo-manager"]) as client:
        raised = [a for a in client.actions({"today": "2026-11-23"}) if a.visit_id and a.item_key]
    action = raised[0]
    reports = manager.reports
    assert run(reports.open_visit(action.visit_id)), manager.error
    assert reports.visit_actions_known
    shown = reports.line_actions
    line = shown[action.item_key]
    assert (line.id, line.status, line.assignee, line.due_text, line.raised_here) == (
        action.id, action.status, action.assignee, action.due_on.isoformat(), True)
    failed = {ln.item_key for ln in reports.visit.lines if ln.outcome == "fail"}
    assert set(shown) <= failed and action.item_key in failed
