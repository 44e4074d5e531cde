"""The runner hands back an item card object unchanged since its last build (Flet's diff skips
it), and builds afresh every card whose inputs changed or that left the screen."""

from __future__ import annotations

import flet as ft
from flet.components.component import Renderer

from audit_app.state import Route
from audit_app.views import build_view
from tests.state.conftest import run, start_retail_visit
from tests.views.test_runner_screens import controls_of
from tests.views.test_screens_build import names, services

TAPPED = "not_ignored_on_entry"


def cards(view: ft.View) -> dict[str, ft.Control]:
    return {str(c.key.value).removeprefix("item-"): c for c in controls_of(view, ft.Container)
            if isinstance(c.key, ft.ScrollKey)}


def test_a_tap_rebuilds_only_the_card_it_changed(state):
    page = services()
    start_retail_visit(state)
    before = cards(Renderer().render(build_view, state, page))
    assert run(state.answer_check(TAPPED, False))
    after = cards(Renderer().render(build_view, state, page))
    assert after.keys() == before.keys() and len(after) > 1
    assert after[TAPPED] is not before[TAPPED]
    assert "Failed: add a note or photo?" in names(after[TAPPED])
    assert all(after[key] is before[key] for key in after if key != TAPPED)


def test_cards_that_left_the_screen_are_built_afresh(state):
    page = services()
    start_retail_visit(state)
    first = cards(Renderer().render(build_view, state, page))
    state.go(Route.HOME)
    Renderer().render(build_view, state, page)
    state.go(Route.RUNNER)
    again = cards(Renderer().render(build_view, state, page))
    assert again.keys() == first.keys()
    assert not any(again[key] is first[key] for key in again)
    state.toggle_sections()
    Renderer().render(build_view, state, page)
    state.toggle_sections()
    assert not any(c is again[key] for key, c in cards(Renderer().render(build_view, state, page)).items())


def test_each_page_keeps_its_own_cards(state):
    start_retail_visit(state)
    one, other = services(), services()
    first = cards(Renderer().render(build_view, state, one))
    second = cards(Renderer().render(build_view, state, other))
    assert not any(second[key] is first[key] for key in first)
