"""Drill-down, second step: a site's visits (date, auditor, score, knock-out), newest first."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import FAIL_COLOUR, TOUCH, back_button, on, screen
from .reports_parts import filter_summary, status_banner


def visit_tiles(state: AppState, rows, back: str) -> list[ft.Control]:
    """One tile per visit (date · score, auditor · checklist, knock-out); a tap opens it."""
    lang = state.lang
    tiles: list[ft.Control] = []
    for row in rows:
        knocked = [ft.Text(t(lang, "reports.visit.knocked_out"), color=FAIL_COLOUR,
                           weight=ft.FontWeight.W_600)] if row.knocked_out else []
        tiles.append(ft.ListTile(
            title=ft.Text(f"{row.date_text} · {row.score_text}"),
            subtitle=ft.Column([ft.Text(f"{row.auditor} · {row.checklist}", size=12), *knocked], spacing=2),
            trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT), min_height=TOUCH,
            on_click=on(state.reports.open_visit, row.id, back),
            tooltip=t(lang, "reports.open_visit", date=row.date_text, score=row.score_text)))
    return tiles


def visits_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    rows = visit_tiles(state, reports.visit_list, ReportsRoute.VISITS)
    body: list[ft.Control | None] = [filter_summary(reports), status_banner(reports)]
    if rows:
        body += [ft.Text(t(lang, "reports.visits.count", count=len(rows)), size=13), *rows]
    elif not reports.loading:
        body.append(ft.Text(t(lang, "reports.no_rows")))
    title = t(lang, "reports.title_visits", site=reports.site_name)
    return screen(state, ReportsRoute.VISITS, title, body,
                  leading=back_button(state, on(reports.back, ReportsRoute.SITE)))
