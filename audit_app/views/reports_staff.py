"""Drill-down from a staff row: one staff member's items under the same filters (weakest
first) and the visits that assessed them, each opening the visit."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import back_button, on, screen, section_title
from .reports_parts import chart_and_table, filter_summary, status_banner
from .reports_visits import visit_tiles


def staff_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    body: list[ft.Control | None] = [filter_summary(reports), status_banner(reports)]
    items = reports.staff_items
    if items is not None:
        body += [section_title(t(lang, "reports_ui.staff.items")),
                 *chart_and_table(reports, "staff/item", items, with_source=True, chart=False,
                                  on_row=reports.toggle_row_text, hint_key="reports_ui.show_full_text")]
    visits = visit_tiles(state, reports.staff_visit_list, ReportsRoute.STAFF)
    if visits:
        body += [section_title(t(lang, "reports_ui.staff.visits", count=len(visits))), *visits]
    back = ReportsRoute.SITE if reports.site_id and reports.staff_from_site else ReportsRoute.OVERVIEW
    return screen(state, ReportsRoute.STAFF, reports.staff_name, body,
                  leading=back_button(state, on(reports.back, back)))
