"""Drill-down, last step: one visit (site, staff assessed, when, by whom), every observation
under its section's heading with its outcome, the stopwatch value against its threshold, notes
and photos (thumbnails from the server's photo endpoint; a tap opens one full size)."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.reports.actions import LineAction
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import (
    FAIL_COLOUR, NA_COLOUR, PASS_COLOUR, back_button, icon_button, on, pdf_saver, screen, section_title,
)
from .reports_parts import status_banner
from .routes import Services

OUTCOME = {"pass": ("reports.outcome.pass", PASS_COLOUR), "fail": ("reports.outcome.fail", FAIL_COLOUR),
           "na": ("reports.outcome.na", NA_COLOUR)}


def _photo(reports, sha: str, lang: str) -> ft.Control:
    """A thumbnail; a tap opens the photo full size."""
    data = reports.photos.get(sha)
    if data is None:
        return ft.Container(ft.Text(t(lang, "reports.visit.photo_missing"), size=11), width=120, height=90,
                            bgcolor=ft.Colors.GREY_200, alignment=ft.Alignment.CENTER)
    return ft.Semantics(label=t(lang, "reports_ui.visit.open_photo"), button=True, container=True,
                        content=ft.Container(
        ft.Image(src=data, width=160, height=120, fit=ft.BoxFit.COVER, border_radius=6,
                 semantics_label=t(lang, "reports.visit.photo")),
        on_click=on(reports.open_photo, sha), border_radius=6))


def _action_note(lang: str, action: LineAction | None) -> ft.Control:
    """Under a failed item: the action that follows it up (status, due date, owner), or that
    there is none."""
    if action is None:
        return ft.Text(t(lang, "reports_actions.line_none"), size=13, color=ft.Colors.BLUE_GREY_700)
    parts = [t(lang, "reports_actions.line", status=t(lang, f"actions.status.{action.status}"),
               due=action.due_text, assignee=action.assignee or t(lang, "reports_actions.unassigned"))]
    if action.overdue:
        parts.append(t(lang, "reports_actions.line_overdue"))
    if not action.raised_here:
        parts.append(t(lang, "reports_actions.line_earlier"))
    settled = action.status in ("verified", "resolved")
    return ft.Container(ft.Row([ft.Icon(ft.Icons.TASK_ALT if settled else ft.Icons.BUILD_CIRCLE, size=18,
                                        color=PASS_COLOUR if settled else FAIL_COLOUR),
                                ft.Text(" · ".join(parts), size=13, expand=True,
                                        weight=ft.FontWeight.W_600 if action.overdue else None,
                                        color=FAIL_COLOUR if action.overdue else None)],
                               spacing=6, vertical_alignment=ft.CrossAxisAlignment.START),
                        key=f"visit-action-{action.id}")


def _heading(view, lang: str) -> ft.Control:
    """Where, who was assessed, when, with which checklist, by whom and the score."""
    head: list[ft.Control] = [
        ft.Text(view.site_name, size=17, weight=ft.FontWeight.W_600),
        ft.Text(f"{view.date_text} {view.time_text} · {view.checklist}"),
        ft.Text(t(lang, "reports_ui.visit.staff", names=t(lang, "reports_ui.list_joiner").join(view.staff))
                if view.staff else t(lang, "reports_ui.visit.no_staff"), size=13),
        ft.Text(t(lang, "reports.visit.by", auditor=view.auditor, score=view.score_text))]
    if view.knocked_out:
        head.append(ft.Text(t(lang, "reports.visit.knocked_out"), color=FAIL_COLOUR, weight=ft.FontWeight.W_600))
    if view.peak:
        head.append(ft.Text(t(lang, "reports.visit.peak"), size=12))
    state = t(lang, f"review_state.{view.review_state}")
    head.append(ft.Text(t(lang, "reports_ui.visit.review_reason", state=state, reason=view.review_reason)
                        if view.review_reason else t(lang, "reports_ui.visit.review", state=state),
                        size=13, weight=ft.FontWeight.W_600,
                        color=FAIL_COLOUR if view.review_state in ("has_issues", "rejected") else None))
    if view.flags:  # why the numbers may not hold: the same signals the review queue explains
        head.append(ft.Text(t(lang, "reports_ui.visit.flags"), size=13, color=FAIL_COLOUR))
        head.extend(ft.Text(f"• {text}", size=13, color=ft.Colors.RED_800) for text in view.flags)
    return ft.Column(head, spacing=2)


def visit_view(state: AppState, services: Services) -> ft.View:
    reports = state.reports
    lang = state.lang
    pdf = icon_button(ft.Icons.PICTURE_AS_PDF, t(lang, "pdf.save_visit"),
                      on(reports.save_visit_pdf, pdf_saver(services, lang)))
    view = reports.visit
    actions = reports.line_actions
    body: list[ft.Control | None] = [status_banner(reports)]
    if view is not None:
        body.append(_heading(view, lang))
        section = None
        for line in view.lines:
            if line.section is not None and line.section != section:
                section = line.section
                body.append(section_title(section))
            parts: list[ft.Control] = []
            if line.outcome is not None:
                key, colour = OUTCOME[line.outcome]
                parts.append(ft.Container(ft.Text(t(lang, key), color=ft.Colors.WHITE, size=12),
                                          bgcolor=colour, border_radius=4, padding=ft.Padding.symmetric(vertical=2, horizontal=8)))
            if line.critical:
                parts.append(ft.Text(t(lang, "reports.visit.critical"), size=12, color=FAIL_COLOUR))
            if line.value_text and line.threshold_text:
                parts.append(ft.Text(t(lang, "reports.visit.timed", value=line.value_text,
                                       limit=line.threshold_text), size=13))
            elif line.value_text:
                parts.append(ft.Text(line.value_text, size=13))
            rows: list[ft.Control] = [ft.Text(line.text, weight=ft.FontWeight.W_500),
                                      ft.Row(parts, wrap=True, spacing=8)]
            if line.note:
                rows.append(ft.Text(t(lang, "reports.visit.note", note=line.note), size=13, italic=True))
            if line.outcome == "fail" and reports.visit_actions_known:
                rows.append(_action_note(lang, actions.get(line.item_key)))
            if line.photos:
                rows.append(ft.Row([_photo(reports, sha, lang) for sha in line.photos], wrap=True))
            body.append(ft.Container(ft.Column(rows, spacing=4), padding=ft.Padding.all(10), border_radius=8,
                                     border=ft.Border.all(1, ft.Colors.GREY_300)))
        cited = {sha for line in view.lines for sha in line.photos}
        loose = [sha for sha in view.photos if sha not in cited]
        if loose:
            body.append(ft.Row([_photo(reports, sha, lang) for sha in loose], wrap=True))
    return screen(state, ReportsRoute.VISIT, t(lang, "reports.title_visit"), body,
                  leading=back_button(state, on(reports.back, reports.visit_back)),
                  actions=[pdf] if view is not None else None)


def photo_view(state: AppState, _services: object = None) -> ft.View:
    """One photo full size, as wide as the screen; Back returns to its visit."""
    reports = state.reports
    lang = state.lang
    shown = reports.full_photo
    body: list[ft.Control | None] = [status_banner(reports)]
    # The photo's box fills the screen below the app bar (a short body left the previous
    # screen's picture showing under it on a phone).
    body.append(ft.Container(
        ft.Image(src=shown[1], fit=ft.BoxFit.CONTAIN, semantics_label=t(lang, "reports.visit.photo"))
        if shown is not None else None, expand=True, alignment=ft.Alignment.TOP_CENTER,
        bgcolor=ft.Colors.WHITE))
    return screen(state, ReportsRoute.PHOTO, t(lang, "reports.visit.photo"), body, scroll=False,
                  leading=back_button(state, on(reports.back, ReportsRoute.VISIT)))
