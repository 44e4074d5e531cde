"""The server's review of a visit under its line on Home and on the visit ("Rejected: …")."""

from __future__ import annotations

import flet as ft

from audit_app.state import AppState


def with_review_line(state: AppState, visit_id: str, line: ft.Control) -> ft.Control:
    """`line`, with the review needing attention below it in red (or `line` alone)."""
    text = state.home.review_line(state.lang, visit_id)
    if text is None:
        return line
    return ft.Column([line, ft.Text(text, color=ft.Colors.RED_700, size=13,
                                    key=f"review-{visit_id}")], spacing=2, tight=True)
