"""Which screen each route shows, and the extra entries Home offers (the extension point).

Another package adds a screen with `register_screen(...)` (e.g. the manager's Reports):
its builder gets the `AppState` and the page's `Services` and returns an `ft.View`; with
`home_entry` Home shows a button for users whose role is in `roles`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState, Route

from .common import TOUCH, on
from .first_run import first_run_view
from .home import home_view
from .new_visit import new_visit_view
from .review import review_view
from .runner import runner_view
from .runner_cards import forget_cards
from .settings import settings_view
from .sync import sync_view


@dataclass
class Services:
    """Page-bound helpers a view may need (the file picker lives on the page, not in state)."""

    add_photo: Callable[[str | None], object]
    take_photo: Callable[[str | None], object] | None = None   # only where there is a camera
    picker: object = None          # the page's FilePicker, kept referenced while the page lives
    # A photo of a fix for the resolve form: picked, or taken where there is a camera.
    add_fix_photo: Callable[[], object] | None = None
    take_fix_photo: Callable[[], object] | None = None
    # The runner's item cards from its last build on this page (views/runner_cards.py).
    runner_cards: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class ScreenEntry:
    route: str
    build: Callable[[AppState, Services], ft.View]
    home_label_key: str | None = None       # i18n key of Home's button for it
    icon: ft.IconData | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    # What Home's button does (e.g. load the data first); default: just show the route.
    open: Callable[[AppState], object] | None = None


SCREENS: dict[str, ScreenEntry] = {}


def register_screen(entry: ScreenEntry) -> None:
    SCREENS[entry.route] = entry


def home_entries(state: AppState, services: Services) -> list[ft.Control]:
    """Buttons on Home for registered screens the signed-in role may open."""
    buttons = []
    for entry in SCREENS.values():
        if entry.home_label_key and state.roster.role in entry.roles:
            buttons.append(ft.TextButton(t(state.lang, entry.home_label_key), icon=entry.icon, height=TOUCH,
                                         on_click=on(entry.open, state) if entry.open
                                         else on(state.go, entry.route)))
    return buttons


def build_view(state: AppState, services: Services) -> ft.View:
    route = state.route.split("?", 1)[0]
    runner = route == Route.RUNNER and state.visit is not None and state.prefs.setup_done
    if not runner:
        forget_cards(services)  # whatever is built now replaces the runner's cards on screen
    if route == Route.FIRST_RUN or not state.prefs.setup_done:
        return first_run_view(state)
    if route == Route.NEW_VISIT:
        return new_visit_view(state)
    if route == Route.RUNNER and state.visit is not None:
        return runner_view(state, services)
    if route == Route.REVIEW and state.visit is not None:
        return review_view(state, services)
    if route == Route.SYNC:
        return sync_view(state)
    if route == Route.SETTINGS:
        return settings_view(state)
    entry = SCREENS.get(route)
    if entry is not None:
        return entry.build(state, services)
    return home_view(state, home_entries(state, services))


def broken_view(state: AppState) -> ft.View:
    """Shown if a screen cannot be built (a bug): the way home still works."""
    lang = state.lang
    return ft.View(route=state.route, controls=[
        ft.Text(t(lang, "error.screen"), size=16),
        ft.FilledButton(content=t(lang, "common.home"), on_click=on(state.go_home), height=TOUCH)])
