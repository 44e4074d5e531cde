"""Settings: language, server, token (replace), photo size, storage used, sign out."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route
from audit_app.state.prefs import PHOTO_SIZES

from .common import FAIL_COLOUR, TOUCH, back_button, big_button, on, on_value, screen, section_title
from .first_run import language_switch
from .labels import format_bytes


def settings_view(state: AppState) -> ft.View:
    lang = state.lang
    form = state.setup_form
    server = ft.TextField(label=t(lang, "first_run.server"), value=form.server, on_change=on_value(form.set_server),
                          keyboard_type=ft.KeyboardType.URL, autocorrect=False)
    token = ft.TextField(label=t(lang, "settings.new_token"), value=form.token, password=True,
                         can_reveal_password=True, on_change=on_value(form.set_token), autocorrect=False)
    sizes = ft.RadioGroup(value=str(state.prefs.photo_long_edge),
                          on_change=on_value(lambda v: state.set_photo_size(int(v))),
                          content=ft.Row([ft.Radio(value=str(px), label=f"{px} px", height=TOUCH)
                                          for px in PHOTO_SIZES], wrap=True))
    storage = (format_bytes(state.storage_bytes) if state.storage_bytes is not None else "…")
    confirmations = state.sign_out_confirmations
    warning = None
    if confirmations:
        warning = ft.Container(
            bgcolor=ft.Colors.RED_50, border_radius=8, padding=ft.Padding.all(10),
            content=ft.Column([
                ft.Text(t(lang, f"settings.sign_out_warning_{confirmations}", count=state.home.unsynced),
                        color=FAIL_COLOUR, weight=ft.FontWeight.W_600),
                ft.TextButton(t(lang, "settings.keep_signed_in"), on_click=on(state.cancel_sign_out), height=TOUCH),
            ]))
    sign_out_label = t(lang, "settings.sign_out") if not confirmations else t(lang, "settings.sign_out_confirm")
    body = [
        section_title(t(lang, "settings.language")),
        language_switch(state),
        ft.Divider(),
        section_title(t(lang, "settings.server")),
        ft.Text(state.server_url or t(lang, "settings.no_server"), selectable=True),
        server,
        token,
        ft.Row([big_button(t(lang, "settings.replace_token"), on(state.replace_token), icon=ft.Icons.KEY,
                           filled=False)]),
        ft.Container(ft.Switch(label=t(lang, "flow.auto_send"), value=state.prefs.auto_send,
                               on_change=on_value(state.set_auto_send)), alignment=ft.Alignment.CENTER_LEFT),
        ft.Text(t(lang, "flow.auto_send_hint"), size=13, color=ft.Colors.BLUE_GREY_700),
        ft.Divider(),
        section_title(t(lang, "settings.photo_size")),
        sizes,
        ft.Divider(),
        ft.Row([ft.Text(t(lang, "settings.storage"), expand=True), ft.Text(storage, weight=ft.FontWeight.W_600)]),
        ft.Divider(),
        warning,
        ft.Row([big_button(sign_out_label, on(state.request_sign_out), icon=ft.Icons.LOGOUT, filled=bool(confirmations),
                           colour=FAIL_COLOUR if confirmations else None)]),
    ]
    return screen(state, Route.SETTINGS, t(lang, "settings.title"), body, leading=back_button(state, on(state.go_home)))
