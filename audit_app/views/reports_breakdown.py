"""Reports by item or by dimension: the weakest first (what to train on), with each item's
seed source where the checklist cites one."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import back_button, on, screen
from .reports_parts import chart_and_table, choice_row, filter_summary, sections, status_banner


def breakdown_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    switch = choice_row(lang, reports.breakdown_by,
                        (("item", "reports.by_item"), ("dimension", "reports.by_dimension")),
                        reports.open_breakdown)
    model = reports.breakdown
    body = [sections(reports, ReportsRoute.BREAKDOWN), filter_summary(reports), status_banner(reports),
            switch, ft.Text(t(lang, "reports.weakest_first"), size=13, color=ft.Colors.BLUE_GREY_700)]
    if model is not None:
        body += chart_and_table(reports, reports.breakdown_by, model,
                                with_source=reports.breakdown_by == "item")
    return screen(state, ReportsRoute.BREAKDOWN, t(lang, "reports.title_breakdown"), body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)))
