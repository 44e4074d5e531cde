"""Screens: one per file, each a function of the `AppState` (plus page services) returning an
`ft.View`. No business logic here: every decision and every save is in `audit_app.state`."""

from .routes import SCREENS, ScreenEntry, Services, broken_view, build_view, register_screen
from .actions import register_action_screens
from .reports_screens import register_report_screens
from .review_queue import register_review_queue_screen

register_report_screens()
register_review_queue_screen()
register_action_screens()

__all__ = ["SCREENS", "ScreenEntry", "Services", "broken_view", "build_view", "register_screen"]
