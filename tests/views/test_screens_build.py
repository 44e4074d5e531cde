"""Every screen builds from state alone, in both languages, and carries the accessible names
the browser tests rely on (PLAN.md): no browser needed."""

from __future__ import annotations

import flet as ft
import pytest

from audit_app.state import Route
from flet.components.component import Renderer

from audit_app.views import Services, build_view
from tests.state.conftest import jpeg_bytes, run, start_retail_visit



def names(control) -> list[str]:
    """Texts, button contents, labels and tooltips anywhere under `control`."""
    found: list[str] = []

    def visit(node) -> None:
        if node is None:
            return
        if isinstance(node, (list, tuple)):
            for child in node:
                visit(child)
            return
        if not isinstance(node, ft.BaseControl):
            return
        for attr in ("content", "label", "tooltip", "value", "text"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                found.append(value)
        for attr in ("content", "controls", "appbar", "bottom_appbar", "actions", "title", "leading",
                     "subtitle", "trailing"):
            child = getattr(node, attr, None)
            if child is not None and not isinstance(child, str):
                visit(child)
    visit(control)
    return found


def holes(control) -> list[str]:
    """Paths of `None` entries in any `controls` list (Flutter draws a grey error box there)."""
    found: list[str] = []

    def visit(node, path: str) -> None:
        if isinstance(node, (list, tuple)):
            for index, child in enumerate(node):
                if child is None:
                    found.append(f"{path}[{index}]")
                visit(child, f"{path}[{index}]")
            return
        if not isinstance(node, ft.BaseControl):
            return
        for attr in ("content", "controls", "appbar", "bottom_appbar", "actions", "title", "leading",
                     "subtitle", "trailing"):
            child = getattr(node, attr, None)
            if child is not None and not isinstance(child, str):
                visit(child, f"{path}.{type(node).__name__}.{attr}")
    visit(control, "")
    return found


def build(state) -> ft.View:
    """Build the current screen as the page would (inside a component renderer)."""
    return Renderer().render(build_view, state, services())


def services() -> Services:
    async def add_photo(_key):
        return None
    return Services(add_photo=add_photo)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_every_screen_builds_in_both_languages(state, lang):
    run(state.set_language(lang))
    screens = {}
    state.go(Route.HOME)
    screens["home"] = build(state)
    state.open_new_visit()
    screens["new"] = build(state)
    start_retail_visit(state)
    run(state.stopwatch_tap("greet_within_3s"))
    run(state.add_photo("not_ignored_on_entry", jpeg_bytes()))
    for index in range(len(state.visit.checklist.sections)):
        state.go_section(index)
        screens[f"runner{index}"] = build(state)
    state.review()
    screens["review"] = build(state)
    run(state.answer_check("not_ignored_on_entry", False))
    screens["review_knocked_out"] = build(state)
    state.go(Route.SYNC)
    screens["sync"] = build(state)
    state.go(Route.SETTINGS)
    screens["settings"] = build(state)
    for name, view in screens.items():
        assert isinstance(view, ft.View), name
        assert view.route, name
        assert holes(view) == [], name


def test_english_screens_carry_the_agreed_accessible_names(state):
    state.go(Route.HOME)
    home = names(build(state))
    assert {"New visit", "Sync now", "Settings"} <= set(home)
    start_retail_visit(state)
    runner = names(build(state))
    assert {"Pass", "Fail", "N/A", "Start", "Undo", "Review"} <= set(runner)
    run(state.stopwatch_tap("greet_within_3s"))
    assert "Mark" in names(build(state))
    state.review()
    assert "Finalise" in names(build(state))


def test_first_run_fields_are_named_server_address_and_token(device, clock):
    from audit_app.state import AppState, DeviceAccess
    app = AppState(DeviceAccess(device), now=clock)
    run(app.load())
    found = names(build(app))
    assert {"Server address", "Token", "Offline only"} <= set(found)


def test_home_shows_each_visit_state_as_text(state):
    start_retail_visit(state)
    run(state.go_home())
    assert "Draft" in names(build(state))


def test_the_camera_button_appears_only_where_a_camera_is_offered(state):
    async def take_photo(_key):
        return None
    start_retail_visit(state)
    assert "Take photo" not in names(build(state))
    with_camera = Services(add_photo=services().add_photo, take_photo=take_photo)
    assert "Take photo" in names(Renderer().render(build_view, state, with_camera))


def test_the_camera_is_offered_on_phones_only():
    from types import SimpleNamespace

    from audit_app.views.camera import camera_available
    assert camera_available(SimpleNamespace(web=False, platform=ft.PagePlatform.ANDROID))
    assert not camera_available(SimpleNamespace(web=True, platform=ft.PagePlatform.ANDROID))
    assert not camera_available(SimpleNamespace(web=False, platform=ft.PagePlatform.LINUX))


def test_review_offers_the_pdf_only_for_a_synced_visit_of_a_connected_phone(state):
    from audit_app.store import VisitState
    start_retail_visit(state)
    state.review()
    assert "Save this visit as PDF" not in names(build(state))   # a draft: the server has nothing
    state.visit.state = VisitState.SYNCED
    state.prefs = state.prefs.model_copy(update={"offline_only": False})
    assert "Save this visit as PDF" in names(build(state))
    state.prefs = state.prefs.model_copy(update={"offline_only": True})
    assert "Save this visit as PDF" not in names(build(state))


@pytest.mark.parametrize(("lang", "shown"), [("en", "Rejected: photo from another shop"),
                                             ("zh-CN", "已拒绝：photo from another shop")])
def test_a_synced_visit_the_manager_rejected_says_so_on_its_review_screen(state, lang, shown):
    from audit_app.state.app_state import HomeModel
    from audit_app.store import VisitState
    from audit_app.sync.review_states import ReviewOutcome
    run(state.set_language(lang))
    start_retail_visit(state)
    state.visit.state = VisitState.SYNCED
    state.review()
    assert shown not in names(build(state))
    state.home = HomeModel.of([], {state.visit.visit.id: ReviewOutcome(state="rejected",
                                                                        reason="photo from another shop")})
    assert shown in names(build(state))
