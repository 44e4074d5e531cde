"""Under a failed item in Review: "Create action" (or the mark of the action that covers it)
and, once a finalise asked for it, the reason to skip a knock-out item's action. Its own file:
Review and the runner import it, and the action screens import the navigation, which imports
Review."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.action_recheck import MARK_KEYS

from .common import FAIL_COLOUR, TOUCH, on, on_value


def create_action_button(state: AppState, item_key: str) -> ft.Control:
    return ft.TextButton(t(state.lang, "actions.create"), icon=ft.Icons.ADD_TASK, height=TOUCH,
                         on_click=on(state.actions.prefill_from_item, item_key), key=f"create-action-{item_key}")


def skip_prompt(state: AppState, item_key: str) -> ft.Control:
    """Finalise asked for an action here: create one, or give the reason there is none."""
    lang, actions = state.lang, state.actions
    return ft.Container(
        key=f"needs-action-{item_key}", bgcolor=ft.Colors.RED_50, border_radius=8, padding=ft.Padding.all(8),
        content=ft.Column([
            ft.Text(t(lang, "review.needs_action"), color=FAIL_COLOUR, weight=ft.FontWeight.W_600),
            create_action_button(state, item_key),
            ft.Row([ft.TextField(label=t(lang, "review.skip_reason"), value=actions.prompt.reasons.get(item_key, ""),
                                 error=actions.skip_error(item_key, lang), error_max_lines=3, expand=True,
                                 on_change=on_value(actions.set_skip_reason, item_key),
                                 on_submit=on(actions.skip_action, item_key), key=f"skip-reason-{item_key}"),
                    ft.OutlinedButton(content=t(lang, "review.skip_action"), height=TOUCH,
                                      on_click=on(actions.skip_action, item_key), key=f"skip-{item_key}")],
                   vertical_alignment=ft.CrossAxisAlignment.START)], spacing=6))


def with_action(state: AppState, row: ft.Control, item_key: str | None, marks: dict[str, str], *,
                ask: bool = False) -> ft.Control:
    """A failed item's line with what to do about its action below it."""
    if item_key is None:
        return row
    if ask:
        below: ft.Control = skip_prompt(state, item_key)
    elif item_key in marks:
        below = ft.Text(t(state.lang, MARK_KEYS[marks[item_key]]), color=ft.Colors.DEEP_ORANGE_700, size=13)
    else:
        below = create_action_button(state, item_key)
    return ft.Column([row, ft.Container(below, padding=ft.Padding.only(left=16))], spacing=0)
