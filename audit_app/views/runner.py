"""The visit runner: section by section, every answer saved the moment it is given."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.state.runner_model import progress, section_rows, text_of

from .common import TOUCH, back_button, big_button, icon_button, on, screen
from .runner_items import item_card
from .check_in import check_in_line


def runner_view(state: AppState, services) -> ft.View:
    lang = state.lang
    session = state.visit
    checklist, visit = session.checklist, session.visit
    sections = checklist.sections
    index = session.section
    done = progress(checklist, visit)
    header = ft.Column([
        ft.Text(t(lang, "runner.progress", answered=done.answered, required=done.required), size=14),
        ft.ProgressBar(value=done.fraction, bar_height=8, border_radius=4,
                       semantics_label=t(lang, "runner.progress_label")),
        ft.Text(t(lang, "runner.section_of", number=index + 1, total=len(sections)), size=13,
                color=ft.Colors.BLUE_GREY_700),
        ft.Text(text_of(sections[index].title, lang), size=20, weight=ft.FontWeight.W_600),
    ], spacing=4)
    cards = [item_card(state, row, services) for row in section_rows(checklist, visit, index, lang)]
    previous = icon_button(ft.Icons.CHEVRON_LEFT, t(lang, "runner.previous_section"),
                           on(state.go_section, index - 1), size=TOUCH + 8, disabled=index == 0)
    following = icon_button(ft.Icons.CHEVRON_RIGHT, t(lang, "runner.next_section"),
                            on(state.go_section, index + 1), size=TOUCH + 8, disabled=index >= len(sections) - 1)
    last = index >= len(sections) - 1
    bottom = ft.Row([previous, big_button(t(lang, "runner.review"), on(state.review), icon=ft.Icons.CHECKLIST,
                                          filled=last, key="review"), following], spacing=8)
    title = text_of(checklist.title, lang)
    return screen(state, Route.RUNNER, title, [header, check_in_line(state), *cards,
                                               ft.Container(height=24)],
                  leading=back_button(state, on(state.go_home)), bottom=bottom)
