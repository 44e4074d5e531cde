""""Re-check these" at the top of a new visit's runner: the site's open (and resolved, waiting
for this re-check) corrective actions, each with its due date and status; a tap goes to the
item's card. Thin: the list comes from `state.actions.recheck_lines()`."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState

from .common import FAIL_COLOUR, TOUCH, on, section_title


def recheck_block(state: AppState) -> ft.Control | None:
    lines = state.actions.recheck_lines()
    if not lines:
        return None
    lang = state.lang
    tiles = []
    for line in lines:
        detail = t(lang, "runner.recheck_row", due=line.due_on.isoformat(),
                   status=t(lang, f"actions.status.{line.status}"))
        if line.overdue:
            detail += t(lang, "runner.recheck_overdue")
        tiles.append(ft.ListTile(
            leading=ft.Icon(ft.Icons.WARNING if line.overdue else ft.Icons.ASSIGNMENT_LATE,
                            color=FAIL_COLOUR if line.overdue else ft.Colors.ORANGE_800),
            title=ft.Text(line.title, size=15),
            subtitle=ft.Text(detail, size=13, color=FAIL_COLOUR if line.overdue else None),
            on_click=on(state.jump_to, line.item_key) if line.item_key else None,
            trailing=ft.Icon(ft.Icons.CHEVRON_RIGHT) if line.item_key else None,
            min_height=TOUCH + 8, key=f"recheck-{line.action_id}"))
    return ft.Container(
        key="recheck-these", padding=ft.Padding.all(12), border_radius=12, bgcolor=ft.Colors.ORANGE_50,
        border=ft.Border.all(1, ft.Colors.ORANGE_200),
        content=ft.Column([section_title(t(lang, "runner.recheck_title")), *tiles], spacing=4))
