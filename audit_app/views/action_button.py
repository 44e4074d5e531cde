"""The "Create action" button beside a failed item in Review (its own file: Review imports it,
and the action screens import the navigation, which imports Review)."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState

from .common import TOUCH, on


def create_action_button(state: AppState, item_key: str) -> ft.Control:
    return ft.TextButton(t(state.lang, "actions.create"), icon=ft.Icons.ADD_TASK, height=TOUCH,
                         on_click=on(state.actions.prefill_from_item, item_key))
