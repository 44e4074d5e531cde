"""Reports › Actions: corrective actions per site, assignee or item under the report's filters
(still open, overdue, awaiting re-check, verified, reopened, can't do, median days to resolve
and the share verified at the first re-check), most overdue first; a table on a wide page,
cards on a phone."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.reports.actions import ActionReportLine, ActionReportView
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute, ReportsSession

from .common import FAIL_COLOUR, TOUCH, back_button, icon_button, on, screen
from .reports_parts import choice_row, filter_summary, sections, status_banner

GROUPS = (("site", "reports_actions.by_site"), ("assignee", "reports_actions.by_assignee"),
          ("item", "reports_actions.by_item"))
COLUMNS = ("reports.col.name", "reports_actions.col.open", "reports_actions.col.overdue",
           "reports_actions.col.resolved", "reports_actions.col.verified", "reports_actions.col.reopened",
           "reports_actions.col.cant_do", "reports_actions.col.median", "reports_actions.col.first_time")


def _name(lang: str, line: ActionReportLine) -> str:
    return line.label if line.label is not None else t(lang, line.label_key or "reports_actions.unassigned")


def _whole_parts(text: str) -> str:
    """A card line's " · "-separated figures, each kept on one line when the line wraps (a
    count left alone at the start of the next line reads as belonging to nothing)."""
    return " · ".join(part.replace(" ", "\u00a0") for part in text.split(" · "))


def _late(count: int) -> ft.Text:
    """An overdue count: red and bold when any is overdue."""
    return ft.Text(str(count), color=FAIL_COLOUR if count else None,
                   weight=ft.FontWeight.W_600 if count else None)


def _table(lang: str, model: ActionReportView) -> ft.Control:
    columns = [ft.DataColumn(label=ft.Text(t(lang, key), weight=ft.FontWeight.W_600),
                             numeric=key != "reports.col.name") for key in COLUMNS]
    rows = []
    for line in model.lines:
        cells = [ft.Text(_name(lang, line), max_lines=2, overflow=ft.TextOverflow.ELLIPSIS, width=180),
                 ft.Text(str(line.still_open)), _late(line.overdue), ft.Text(str(line.resolved)),
                 ft.Text(str(line.verified)), ft.Text(str(line.reopened)), ft.Text(str(line.cant_do)),
                 ft.Text(line.median_days or "–"), ft.Text(line.first_time_text)]
        rows.append(ft.DataRow(cells=[ft.DataCell(c) for c in cells]))
    return ft.Row([ft.DataTable(key="actions-report-table", columns=columns, rows=rows, column_spacing=16,
                                data_row_min_height=TOUCH, data_row_max_height=float("inf"),
                                heading_row_height=56)], scroll=ft.ScrollMode.AUTO)


def _cards(lang: str, model: ActionReportView) -> ft.Control:
    made = []
    for line in model.lines:
        made.append(ft.Container(ft.Column([
            ft.Text(_name(lang, line), weight=ft.FontWeight.W_600),
            ft.Text(t(lang, "reports_actions.card.open", open=line.still_open, overdue=line.overdue),
                    color=FAIL_COLOUR if line.overdue else None,
                    weight=ft.FontWeight.W_600 if line.overdue else None),
            ft.Text(_whole_parts(t(lang, "reports_actions.card.closed", resolved=line.resolved,
                                   verified=line.verified, reopened=line.reopened, cant_do=line.cant_do)),
                    size=13),
            ft.Text(_whole_parts(t(lang, "reports_actions.card.speed", days=line.median_days or "–",
                                   rate=line.first_time_text)), size=13, color=ft.Colors.BLUE_GREY_700),
        ], spacing=2), padding=ft.Padding.symmetric(vertical=6, horizontal=10),
            border=ft.Border.all(1, ft.Colors.GREY_300), border_radius=8))
    return ft.Column(made, key="actions-report-cards", spacing=6,
                     horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


def _body(reports: ReportsSession, model: ActionReportView) -> list[ft.Control | None]:
    lang = reports.app.lang
    totals = model.totals
    shown: list[ft.Control | None] = [
        ft.Text(t(lang, "reports_actions.summary", total=totals.total, open=totals.still_open,
                  overdue=totals.overdue, resolved=totals.resolved, verified=totals.verified,
                  cant_do=totals.cant_do), size=15, weight=ft.FontWeight.W_600, key="actions-report-summary")]
    if not model.lines:
        shown.append(ft.Text(t(lang, "reports_actions.none"), key="actions-report-empty"))
    else:
        shown.append(_cards(lang, model) if reports.narrow else _table(lang, model))
    if model.excluded_rejected:
        shown.append(ft.Text(t(lang, "reports_actions.excluded_rejected", count=model.excluded_rejected),
                             size=12, color=ft.Colors.BLUE_GREY_700))
    shown.append(ft.Text(t(lang, "reports_actions.note", today=model.today), size=12,
                         color=ft.Colors.BLUE_GREY_500))
    return shown


def actions_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    switch = choice_row(lang, reports.actions_by, GROUPS, reports.open_actions,
                        key_prefix="actions-report-by-")
    body: list[ft.Control | None] = [sections(reports, ReportsRoute.ACTIONS), filter_summary(reports),
                                     status_banner(reports), switch]
    model = reports.action_report
    if model is not None:
        body += _body(reports, model)
    refresh = icon_button(ft.Icons.REFRESH, t(lang, "reports.refresh"), on(reports.open_actions, None))
    return screen(state, ReportsRoute.ACTIONS, t(lang, "reports_actions.title"), body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)), actions=[refresh])
