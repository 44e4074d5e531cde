"""Where the runner goes and scrolls (issue 12 points 1, 5, 7): a section further on opens at
its top, going back returns to where you were, a jump from Review scrolls to the item and
highlights it, and the section list shows each section's answered/total."""

from __future__ import annotations

from audit_app.state.runner_model import section_lines

from .conftest import run, start_retail_visit


def test_next_section_opens_at_its_top_and_back_returns_where_you_were(state):
    start_retail_visit(state)
    session = state.visit
    state.remember_scroll(640.0)                  # scrolled down section 1
    before = session.scroll.seq
    state.go_section(1)
    assert session.scroll.seq == before + 1 and session.scroll.offset == 0.0 and session.scroll.item_key is None
    state.remember_scroll(120.0)
    assert session.scroll_reports == 2           # a jump to an item waits for the list to report
    state.go_section(0)                           # back: where you were
    assert session.scroll.offset == 640.0
    state.go_section(1)                           # forward again: the top, as a new section
    assert session.scroll.offset == 0.0


def test_a_jump_from_review_scrolls_to_the_item_and_highlights_it(state):
    start_retail_visit(state)
    key = state.visit.checklist.sections[2].items[1].key
    state.review()
    state.jump_to(key)
    session = state.visit
    assert session.section == 2 and session.focus_item == key
    assert session.scroll.item_key == key and session.scroll.offset is None
    from audit_app.state import Route
    assert state.route == Route.RUNNER


def test_the_section_list_shows_answered_of_total_and_jumps(state):
    start_retail_visit(state)
    checklist = state.visit.checklist
    first = checklist.sections[0]
    assert run(state.answer_check(next(i.key for i in first.items if i.kind.value == "check"), True))
    lines = section_lines(checklist, state.visit.visit, 0, "en")
    assert [(line.answered, line.total) for line in lines][:2] == [(1, len(first.items)), (0, len(checklist.sections[1].items))]
    assert lines[0].current and not lines[1].current
    state.toggle_sections()
    assert state.visit.show_sections
    state.go_section(3)
    assert not state.visit.show_sections and state.visit.section == 3
