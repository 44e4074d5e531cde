"""Words and colours for visit states and times, shared by the screens."""

from __future__ import annotations

from datetime import datetime

import flet as ft

from audit_app.i18n import t
from audit_app.store import VisitState

STATE_COLOURS = {state: ft.Colors.BLUE_GREY_600 for state in VisitState} | {
    VisitState.DRAFT: ft.Colors.BLUE_700,
    VisitState.FINALISED: ft.Colors.ORANGE_800,
    VisitState.SYNCED: ft.Colors.GREEN_700,
    VisitState.CONFLICT: ft.Colors.RED_700,
}
for _state in VisitState:
    if _state.value == "rejected":
        STATE_COLOURS[_state] = ft.Colors.PURPLE_700


def state_label(lang: str, state: VisitState) -> str:
    """`Draft`, `Waiting to sync`, `Synced`, `Conflict`, `Rejected` (tests find these)."""
    return t(lang, f"state.{state.value}")


def format_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def format_bytes(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
