"""First run: language, then server address + token, an enrolment code, or offline only."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route

from .common import BIG, TOUCH, big_button, on, on_value, screen, section_title


def language_switch(state: AppState) -> ft.Control:
    """中文 / English, each labelled in its own language."""
    def choice(lang: str, label: str) -> ft.Control:
        chosen = state.lang == lang
        return ft.Button(content=label, on_click=on(state.set_language, lang), height=TOUCH, expand=True,
                         style=ft.ButtonStyle(bgcolor=ft.Colors.BLUE_700 if chosen else None,
                                              color=ft.Colors.WHITE if chosen else None))
    return ft.Row([choice("zh-CN", "中文"), choice("en", "English")], spacing=8)


def first_run_view(state: AppState) -> ft.View:
    lang = state.lang
    form = state.setup_form
    busy = state.busy
    server = ft.TextField(label=t(lang, "first_run.server"), value=form.server, keyboard_type=ft.KeyboardType.URL,
                          on_change=on_value(form.set_server), hint_text="https://audit.example.com",
                          autocorrect=False, height=None)
    token = ft.TextField(label=t(lang, "first_run.token"), value=form.token, password=True,
                         can_reveal_password=True, on_change=on_value(form.set_token), autocorrect=False)
    code = ft.TextField(label=t(lang, "first_run.code"), value=form.code,
                        capitalization=ft.TextCapitalization.CHARACTERS,
                        on_change=on_value(form.set_code), autocorrect=False)
    body = [
        ft.Text(t(lang, "first_run.intro"), size=16),
        language_switch(state),
        ft.Divider(),
        section_title(t(lang, "first_run.connect_title")),
        server,
        code,
        ft.Row([big_button(t(lang, "first_run.enrol"), on(state.enrol_with_code), icon=ft.Icons.QR_CODE,
                           disabled=busy)]),
        ft.Text(t(lang, "first_run.or_token"), size=14, color=ft.Colors.BLUE_GREY_700),
        token,
        ft.Row([big_button(t(lang, "first_run.connect"), on(state.connect_with_token), icon=ft.Icons.LOGIN,
                           filled=False, disabled=busy)]),
        ft.ProgressBar() if busy else None,
        ft.Divider(),
        ft.Text(t(lang, "first_run.offline_hint"), size=14, color=ft.Colors.BLUE_GREY_700),
        ft.Row([big_button(t(lang, "first_run.offline"), on(state.choose_offline_only),
                           icon=ft.Icons.CLOUD_OFF, filled=False, disabled=busy)]),
        ft.Container(height=BIG),
    ]
    return screen(state, Route.FIRST_RUN, t(lang, "app.title"), body)
