"""Drill-down, first step: one site's staff and items under the same filters, and its visits."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import back_button, icon_button, on, pdf_saver, screen, section_title
from .reports_parts import chart_and_table, filter_summary, status_banner, wide_button
from .routes import Services


def site_view(state: AppState, services: Services) -> ft.View:
    reports = state.reports
    lang = state.lang
    pdf = icon_button(ft.Icons.PICTURE_AS_PDF, t(lang, "pdf.save_scorecard"),
                      on(reports.save_site_pdf, pdf_saver(services, lang)))
    body: list[ft.Control | None] = [filter_summary(reports), status_banner(reports),
                                     wide_button(t(lang, "reports.site.visits"), on(reports.open_visits),
                                                 icon=ft.Icons.LIST_ALT, filled=False)]
    staff, items = reports.site_staff, reports.site_items
    if staff is not None:
        body += [section_title(t(lang, "reports.site.staff")),
                 *chart_and_table(reports, "site/staff", staff,
                                  on_row=lambda key: reports.open_staff(key, from_site=True))]
    if items is not None:
        body += [section_title(t(lang, "reports.site.items")),
                 *chart_and_table(reports, "site/item", items, with_source=True, chart=False)]
    return screen(state, ReportsRoute.SITE, reports.site_name, body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)), actions=[pdf])
