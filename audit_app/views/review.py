"""Review: score, knock-outs hit, failed items, what is still missing (tap to jump); Finalise."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.state.runner_model import ReviewLine, review_model, text_of
from audit_app.store import VisitState

from .action_button import with_action
from .common import (
    FAIL_COLOUR, PASS_COLOUR, TOUCH, back_button, big_button, icon_button, on, pdf_saver, screen, section_title,
)
from .labels import STATE_COLOURS, state_label


def _line(state: AppState, line: ReviewLine, icon, colour, jump: bool) -> ft.Control:
    title = line.text or line.message
    subtitle = line.message if line.text else None
    return ft.ListTile(
        leading=ft.Icon(icon, color=colour), title=ft.Text(title, size=15),
        subtitle=ft.Text(subtitle, size=13, color=colour) if subtitle else None,
        on_click=on(state.jump_to, line.item_key) if jump and line.item_key else None,
        trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT) if jump and line.item_key else None, min_height=TOUCH + 8)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def review_view(state: AppState, services) -> ft.View:
    lang = state.lang
    session = state.visit
    model = review_model(session.checklist, session.visit, lang)
    editable = session.editable
    score_colour = FAIL_COLOUR if model.knocked_out else PASS_COLOUR
    review_note = state.home.review_line(lang, session.visit.id)
    summary = ft.Container(
        padding=ft.Padding.all(12), border_radius=12, bgcolor=ft.Colors.BLUE_GREY_50,
        content=ft.Column([c for c in [
            ft.Row([ft.Text(t(lang, "review.score_so_far" if editable else "review.score"), size=16, expand=True),
                    ft.Text(_percent(model.visit_score), size=30, weight=ft.FontWeight.BOLD, color=score_colour)]),
            ft.Text(t(lang, "review.knocked_out_note", raw=_percent(model.score)), color=FAIL_COLOUR)
            if model.knocked_out else None,
            ft.Row([ft.Text(t(lang, "review.state"), expand=True),
                    ft.Container(ft.Text(state_label(lang, session.state), color=ft.Colors.WHITE, size=13),
                                 bgcolor=STATE_COLOURS[session.state], border_radius=12,
                                 padding=ft.Padding.symmetric(vertical=4, horizontal=10))]),
            # The manager's verdict on the synced visit, as Home shows it ("Rejected: …").
            ft.Text(review_note, color=FAIL_COLOUR, key="server-review") if review_note else None,
        ] if c is not None], spacing=6))
    missing = [_line(state, line, ft.Icons.ERROR_OUTLINE, ft.Colors.ORANGE_800, editable) for line in model.missing]
    marks = state.actions.item_marks()
    needing = set(state.actions.knockouts_needing_action()) if state.actions.prompt.asked else set()
    knockouts = [with_action(state, _line(state, line, ft.Icons.DANGEROUS, FAIL_COLOUR, editable), line.item_key,
                             marks, ask=line.item_key in needing and editable)
                 for line in model.knockouts]
    failed = [with_action(state, _line(state, line, ft.Icons.CANCEL, FAIL_COLOUR, editable), line.item_key, marks)
              for line in model.failed]
    body = [
        summary,
        section_title(t(lang, "review.missing", count=len(missing))) if editable else None,
        *(missing if editable else []),
        ft.Text(t(lang, "review.nothing_missing"), color=PASS_COLOUR) if editable and not missing else None,
        section_title(t(lang, "review.knockouts", count=len(knockouts))) if knockouts else None,
        *knockouts,
        section_title(t(lang, "review.failed_items", count=len(failed))) if failed else None,
        *failed,
    ]
    reasons = session.rejection_lines(lang)
    if reasons:
        body[1:1] = [section_title(t(lang, "review.server_reasons")),
                     *[ft.Text(reason, color=FAIL_COLOUR) for reason in reasons]]
    if editable:
        bottom = ft.Row([big_button(t(lang, "review.finalise"), on(state.finalise), icon=ft.Icons.TASK_ALT,
                                    key="finalise")])
        leading = back_button(state, on(state.go, Route.RUNNER))
    else:
        bottom = ft.Row([big_button(t(lang, "review.edit"), on(state.edit_visit), icon=ft.Icons.EDIT,
                                    filled=session.state in (VisitState.CONFLICT,) or session.state.value == "rejected")])
        leading = back_button(state, on(state.go_home))
    # A synced visit's PDF comes from the server (the report the shop's manager is sent).
    actions = [icon_button(ft.Icons.PICTURE_AS_PDF, t(lang, "pdf.save_visit"),
                           on(state.save_visit_pdf, pdf_saver(services, lang)))] if state.can_save_pdf() else []
    return screen(state, Route.REVIEW, t(lang, "review.title", checklist=text_of(session.checklist.title, lang)),
                  body, leading=leading, bottom=bottom, actions=actions)
