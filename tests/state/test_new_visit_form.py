"""New visit preselects nothing but the last visit's checklist, lists first the sites visited
with the chosen checklist, and searches once there are more than 8 sites (issue 12 point 10)."""

from __future__ import annotations

from audit_app.state.new_visit_form import needs_search, site_options
from audit_app.state.roster import RosterView, SiteChoice

from .conftest import run


def roster(count: int) -> RosterView:
    sites = tuple(SiteChoice(f"site-{n:03d}", f"Store {n} 店{n}", ()) for n in range(1, count + 1))
    return RosterView(sites=sites, role="auditor", user_name="Li Na")


def test_a_first_new_visit_has_no_checklist_and_no_site_chosen(state):
    state.roster = roster(3)
    state.open_new_visit()
    assert state.form.checklist_id is None and state.form.site_id is None
    assert not run(state.start_visit())
    assert state.error.code == "no_checklist"


def test_the_next_new_visit_remembers_only_the_last_visits_checklist(state, clock):
    state.roster = roster(3)
    for checklist_id, site in (("retail-store-visit", "site-002"), ("phone-mystery-call", "site-003")):
        state.open_new_visit()
        state.pick_checklist(checklist_id)
        state.pick_site(site)
        assert run(state.start_visit()), state.error
        clock.advance(3600)
        run(state.go_home())
    state.open_new_visit()
    assert state.form.checklist_id == "phone-mystery-call"
    assert state.form.site_id is None      # the next shop is elsewhere: never one tap from the wrong place


def test_sites_visited_with_this_checklist_come_first_latest_first(state, clock):
    state.roster = roster(5)
    for site in ("site-004", "site-002"):
        state.open_new_visit()
        state.pick_checklist("retail-store-visit")
        state.pick_site(site)
        assert run(state.start_visit()), state.error
        clock.advance(600)
        run(state.go_home())
    state.open_new_visit()
    state.pick_checklist("retail-store-visit")
    options = state.site_options()
    assert [o.id for o in options] == ["site-002", "site-004", "site-001", "site-003", "site-005"]
    assert [o.visited for o in options] == [True, True, False, False, False]
    state.pick_checklist("phone-mystery-call")   # never visited with this one: roster order
    assert [o.id for o in state.site_options()] == [f"site-{n:03d}" for n in range(1, 6)]


def test_more_than_eight_sites_get_a_search_by_name_or_code():
    assert not needs_search(roster(8).sites) and needs_search(roster(9).sites)
    sites = roster(12).sites
    assert [o.id for o in site_options(sites, [], None, "store 1")] == ["site-001", "site-010", "site-011", "site-012"]
    assert [o.id for o in site_options(sites, [], None, "店7")] == ["site-007"]
    assert [o.id for o in site_options(sites, [], None, "SITE-009")] == ["site-009"]
    assert site_options(sites, [], None, "nowhere") == []
