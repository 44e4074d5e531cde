"""The runner, new-visit and home screens as built from state (issue 12): what each control
shows and is named, read from the control objects (no browser)."""

from __future__ import annotations

import flet as ft

from audit_app.state import Route
from audit_app.state.roster import RosterView, SiteChoice
from tests.state.conftest import run, start_retail_visit
from tests.views.test_screens_build import build, names

CHILDREN = ("content", "controls", "appbar", "bottom_appbar", "actions", "title", "leading", "subtitle",
            "trailing")


def controls_of(root, kind) -> list:
    """Every control of type `kind` under `root`."""
    found = []

    def visit(node) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                visit(child)
            return
        if not isinstance(node, ft.BaseControl):
            return
        if isinstance(node, kind):
            found.append(node)
        for attr in CHILDREN:
            child = getattr(node, attr, None)
            if child is not None and not isinstance(child, str):
                visit(child)
    visit(root)
    return found


def roster(count: int) -> RosterView:
    return RosterView(sites=tuple(SiteChoice(f"site-{n:03d}", f"Store {n}", ()) for n in range(1, count + 1)),
                      role="auditor", user_name="Li Na")


def test_new_visit_lists_sites_with_nothing_chosen_and_a_search_above_eight(state):
    state.roster = roster(6)
    state.open_new_visit()
    view = build(state)
    groups = controls_of(view, ft.RadioGroup)
    assert [g.value for g in groups] == [None, None]          # checklist, site: nothing preselected
    assert "Site" not in [f.label for f in controls_of(view, ft.TextField)]
    state.roster = roster(9)
    state.search_sites("9")
    view = build(state)
    (search,) = controls_of(view, ft.TextField)
    assert search.label == "Site" and search.hint_text == "Search sites"
    site_radios = [r.label for r in controls_of(view, ft.Radio) if r.label.startswith("Store")]
    assert site_radios == ["Store 9"]


def test_a_typed_duration_field_shows_its_error_and_keeps_the_text(state):
    state.open_new_visit()
    state.pick_checklist("business-centre-daily")
    state.pick_site("site-001")
    assert run(state.start_visit())
    state.go_section(len(state.visit.checklist.sections) - 1)
    assert not run(state.answer_duration("booking_confirmed_within_24h", "abc"))
    fields = {f.key: f for f in controls_of(build(state), ft.TextField) if f.key}
    field = fields["typed-booking_confirmed_within_24h"]
    assert field.value == "abc" and field.error == "Type the time as a number, e.g. 2.5."
    assert field.label == "Time in h" and "1:30" in field.helper
    assert controls_of(build(state), ft.Column)[0].controls[0].controls == []   # no banner
    assert state.route == Route.RUNNER


def test_the_stopwatch_offers_reset_and_asks_before_it(state):
    start_retail_visit(state)
    run(state.stopwatch_tap("greet_within_3s"))
    assert "Reset" in names(build(state))
    state.ask_reset("greet_within_3s")
    shown = names(build(state))
    assert "Reset this stopwatch? Every time marked for it is lost." in shown and "Cancel" in shown


def test_home_says_what_auto_send_is_doing_without_opening_sync(state):
    run(state._save_prefs(offline_only=False))
    state.go(Route.HOME)
    assert "All sent" in names(build(state))
    state.home = type(state.home)(state.home.summaries, state.home.counts, 3)
    state.auto_send.waiting_reason = "offline"
    assert "3 waiting: offline" in names(build(state))
    run(state.set_language("zh-CN"))
    assert "3 个等待中：离线" in names(build(state))
    run(state.set_auto_send(False))
    assert "3 waiting: offline" not in names(build(state)) and "3 个等待中：离线" not in names(build(state))


def test_photo_and_note_are_compact_icons_until_used_required_or_failed(state):
    start_retail_visit(state)
    key = "not_ignored_on_entry"          # a check item without a required photo
    def card_fields():
        return [f.label for f in controls_of(build(state), ft.TextField)]
    def icon_names():
        return [s.label for s in controls_of(build(state), ft.Semantics)]
    assert "Note" not in card_fields() and {"Add photo", "Note"} <= set(icon_names())
    assert run(state.answer_check(key, False))                   # failed: offered at once
    shown = names(build(state))
    assert "Failed: add a note or photo?" in shown and "Note" in card_fields()
    assert run(state.set_note(key, "ignored for 2 minutes"))
    assert "Failed: add a note or photo?" not in names(build(state))
    state.open_note("eye_contact")
    assert card_fields().count("Note") == 2


def test_the_check_in_line_shows_each_outcome_without_a_hole_in_the_runner(state):
    """Seen in Chromium: a finished check-in left a None beside its text (no re-try button), and
    the web client drew the runner's whole list as a grey box."""
    from audit_app.state.check_in import Fix, LocationUnavailable
    from tests.views.test_screens_build import holes

    async def fix() -> Fix:
        return Fix(lat=31.2304, lon=121.4737, accuracy_m=12.5)

    async def refused() -> Fix:
        raise LocationUnavailable("denied")

    start_retail_visit(state)
    shown = {}
    for status, locate in (("done", fix), ("denied", refused)):
        state.locate = locate
        run(state.check_in_visit())
        view = build(state)
        assert holes(view) == [], status
        shown[status] = names(view)
    state.check_in_status = "locating"
    assert holes(build(state)) == []
    assert "Checked in at the site" in shown["done"] and "Check in again" not in shown["done"]
    assert "No check-in: location permission refused" in shown["denied"]
    assert "Check in again" in shown["denied"]
