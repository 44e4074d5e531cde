"""Reports overview: compliance by site or by staff, a bar chart and the table under it."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import TOUCH, back_button, icon_button, on, screen
from .routes import Services
from .reports_parts import chart_and_table, choice_row, filter_summary, sections, status_banner


def overview_view(state: AppState, services: Services) -> ft.View:
    reports = state.reports
    lang = state.lang

    async def save(name: str, data: bytes) -> None:
        # The page's FilePicker: a save dialog on a phone or desktop, a download in a browser.
        await services.picker.save_file(file_name=name, src_bytes=data,
                                        dialog_title=t(lang, "reports.export"))

    switch = choice_row(lang, reports.overall_by, (("site", "reports.by_site"), ("staff", "reports.by_staff")),
                        reports.show_overall, key_prefix="reports-by-")
    model = reports.overall
    drill = reports.open_site if reports.overall_by == "site" else reports.open_staff
    body = [sections(reports, ReportsRoute.OVERVIEW), filter_summary(reports), status_banner(reports),
            switch]
    if model is not None:
        body += chart_and_table(reports, reports.overall_by, model, on_row=drill)
        if model.excluded_rejected:  # why a site's visits here and in its list may differ
            body.append(ft.Text(t(lang, "reports_ui.excluded_rejected", count=model.excluded_rejected),
                                size=12, color=ft.Colors.BLUE_GREY_700))
        hint = "reports.tap_site_hint" if reports.overall_by == "site" else "reports_ui.tap_staff_hint"
        body.append(ft.Text(t(lang, hint), size=12, color=ft.Colors.BLUE_GREY_500))
    # Named controls (a tooltip alone names nothing on the web); Export says what it does in
    # words, a download arrow alone being unclear.
    refresh = icon_button(ft.Icons.REFRESH, t(lang, "reports.refresh"), on(reports.open))
    export = ft.TextButton(content=t(lang, "reports.export"), icon=ft.Icons.DOWNLOAD, height=TOUCH,
                           on_click=on(reports.export_csv, save))
    return screen(state, ReportsRoute.OVERVIEW, t(lang, "reports.title"), body,
                  leading=back_button(state, on(state.go_home)), actions=[refresh, export])
