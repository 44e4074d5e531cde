"""Corrective actions in the app state: "Create action" on a failed item is prefilled (title in
the user's language, urgent for a critical item, due in working days, the visit's site), the
action and its events wait in the outbox, the timeline derives the status, and the buttons
offered follow the role and the status."""

from __future__ import annotations

from datetime import date, timedelta

from audit_app.state import Route
from audit_app.state.actions import ActionsRoute

from .conftest import run, start_retail_visit

CRITICAL = "not_ignored_on_entry"  # retail-store-visit: a critical (knock-out) item


def _create_from_failed_item(state) -> str:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    assert run(state.answer_check(CRITICAL, False)), state.error
    state.actions.prefill_from_item(CRITICAL)
    assert run(state.actions.create()), state.error
    return state.actions.selected


def test_create_action_on_a_failed_critical_item_is_prefilled(state) -> None:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    state.actions.prefill_from_item(CRITICAL)
    draft = state.actions.draft
    assert state.route == ActionsRoute.CREATE
    assert draft.title == "You were not left unattended after entering the store"
    assert (draft.priority, draft.site_id, draft.item_key) == ("urgent", "site-001", CRITICAL)
    assert draft.visit_id == state.visit.visit_id
    assert draft.due_on == date(2026, 11, 24)  # Friday + 2 working days
    state.actions.set_priority("important")
    assert state.actions.draft.due_on == date(2026, 11, 27)


def test_the_title_follows_the_users_language(state) -> None:  # type: ignore[no-untyped-def]
    assert run(state.set_language("zh-CN"))
    start_retail_visit(state)
    state.actions.prefill_from_item(CRITICAL)
    assert state.actions.draft.title == "避免客户进门后无人理会"


def test_a_created_action_waits_in_the_outbox_and_shows_as_open(state) -> None:  # type: ignore[no-untyped-def]
    action_id = _create_from_failed_item(state)
    assert state.route == Route.RUNNER and state.flash == "actions.created"  # back where it was asked
    state.actions.select(action_id)
    assert state.route == ActionsRoute.DETAIL
    book = state.device.store.actions
    assert [(q.kind, q.id) for q in book.queued()] == [("action", action_id)]
    view = state.actions.current
    assert view.status == "open" and not view.synced
    assert [r.id for r in state.actions.rows()] == [action_id]


def test_a_resolve_without_a_cause_is_refused_at_its_fields_in_both_languages_and_nothing_is_queued(state) -> None:  # type: ignore[no-untyped-def]
    _create_from_failed_item(state)
    state.actions.event.note = "fixed the door bell"
    assert not run(state.actions.add_event("resolve"))
    assert state.error is None  # shown at the fields, not in a banner
    assert set(state.actions.event.errors) == {"cause", "root_cause"}
    assert state.actions.field_error("cause", "en") == "resolve: choose the cause category"
    assert "原因" in state.actions.field_error("cause", "zh-CN")
    assert state.actions.event.note == "fixed the door bell"  # what was typed stays
    assert len(state.device.store.actions.queued()) == 1


def test_resolving_shows_in_the_timeline_at_once_and_queues_the_event(state) -> None:  # type: ignore[no-untyped-def]
    action_id = _create_from_failed_item(state)
    state.actions.event.note = "fixed the door bell"
    state.actions.event.cause = "facilities"
    state.actions.event.root_cause = "bell broken → nobody noticed → weekly check added"
    assert run(state.actions.add_event("resolve")), state.error
    view = state.actions.current
    assert view.status == "resolved" and [e.type for e in view.history] == ["resolve"]
    assert [q.kind for q in state.device.store.actions.queued()] == ["action", "event"]
    assert state.actions.event.note == ""  # the form is cleared for the next event
    assert action_id not in [r.id for r in state.actions.rows()]  # "open" hides resolved ones


def test_an_auditor_is_offered_no_verify_and_cannot_add_one(state) -> None:  # type: ignore[no-untyped-def]
    _create_from_failed_item(state)
    assert state.actions.allowed_events() == ["start", "comment", "resolve"]
    assert not run(state.actions.add_event("verify"))
    assert state.error.code == "event_not_allowed"


def test_overdue_is_judged_on_the_clock_passed_in(state, clock) -> None:  # type: ignore[no-untyped-def]
    action_id = _create_from_failed_item(state)
    state.actions.set_filter("overdue")
    assert state.actions.rows() == []
    clock.moment += timedelta(days=5)
    (row,) = state.actions.rows()
    assert (row.id, row.overdue, row.days_open) == (action_id, True, 5)
