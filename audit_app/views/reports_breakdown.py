"""Reports by item or by dimension: the weakest first (what to train on), with each item's
seed source where the checklist cites one. Items are shown one checklist at a time (the one
with most visits first); a tap on an item shows its whole text."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import TOUCH, back_button, on, screen
from .reports_parts import chart_and_table, choice_row, filter_summary, sections, status_banner


def checklist_picker(state: AppState) -> ft.Control | None:
    """One button per checklist with rows in the period, with its visits; the shown one filled."""
    reports = state.reports
    choices = reports.breakdown_checklists
    if not choices:
        return None
    shown = reports.breakdown_checklist_shown
    return ft.Row([
        (ft.FilledButton if c.id == shown else ft.OutlinedButton)(
            content=t(state.lang, "reports_ui.items.checklist", title=c.title, count=c.visits),
            on_click=on(reports.pick_breakdown_checklist, c.id), height=TOUCH, key=f"items-of-{c.id}")
        for c in choices], wrap=True, spacing=8, run_spacing=8)


def breakdown_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    by_item = reports.breakdown_by == "item"
    switch = choice_row(lang, reports.breakdown_by,
                        (("item", "reports.by_item"), ("dimension", "reports.by_dimension")),
                        reports.open_breakdown)
    model = reports.breakdown
    body = [sections(reports, ReportsRoute.BREAKDOWN), filter_summary(reports), status_banner(reports),
            switch, checklist_picker(state) if by_item else None,
            ft.Text(t(lang, "reports.weakest_first"), size=13, color=ft.Colors.BLUE_GREY_700)]
    if model is not None:
        body += chart_and_table(reports, reports.breakdown_by, model, with_source=by_item,
                                on_row=reports.toggle_row_text, hint_key="reports_ui.show_full_text")
    return screen(state, ReportsRoute.BREAKDOWN, t(lang, "reports.title_breakdown"), body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)))
