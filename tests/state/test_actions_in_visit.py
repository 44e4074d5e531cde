"""Corrective actions inside a visit (issue 13, on the phone): a new visit at a site first lists
its actions to re-check from the pulled copies, the runner marks the items they cover and offers
"Create action" on a failed item (prefilled as in Review, and back to the item), and finalising
asks for an action — or a reason to skip it — for each failed knock-out item without one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from audit_app.state import Route
from audit_app.state.actions import ActionsRoute
from audit_app.state.runner_model import section_rows
from audit_app.store import VisitState

from .conftest import START, answer_everything, run, start_retail_visit

CRITICAL = "not_ignored_on_entry"   # retail-store-visit, section 0, knock-out
OTHER_CRITICAL = "no_prejudging"    # retail-store-visit, section 1, knock-out
PLAIN = "eye_contact"               # retail-store-visit, section 0
EARLIER_VISIT = "22222222-2222-4222-8222-222222222222"   # the visit the pulled actions came from


def server_copy(action_id: str, *, site_id: str = "site-001", item_key: str | None = CRITICAL,
                title: str = "Greet every customer", due_on: date = date(2026, 11, 24),
                history: list[dict[str, Any]] | None = None, visit_id: str | None = None,
                photo_required: bool | None = None) -> dict[str, Any]:
    """An action as `GET /actions/{id}` sends it (what the pull caches)."""
    copy = {"id": action_id, "site_id": site_id, "visit_id": visit_id or EARLIER_VISIT,
            "item_key": item_key, "title": title, "priority": "urgent", "due_on": due_on.isoformat(),
            "assignee": None, "created_by": "auditor-1",
            "created_at": (START - timedelta(days=7)).isoformat(), "status": "open", "overdue": False,
            "days_open": 7, "events": len(history or []), "history": history or [], "missing_photos": []}
    if photo_required is not None:
        copy["photo_required"] = photo_required
    return copy


def event(kind: str, n: int, **fields: Any) -> dict[str, Any]:
    body = {"id": f"00000000-0000-4000-8000-{n:012d}", "type": kind, "note": None, "cause": None,
            "root_cause": None, "photos": [], "at": (START - timedelta(days=3)).isoformat(), "by": "manager-1",
            "visit_id": None}
    if kind == "resolve":
        body |= {"note": "bell fixed", "cause": "facilities", "root_cause": "nobody checked it"}
    return body | fields


def aid(n: int) -> str:
    return f"11111111-1111-4111-8111-{n:012d}"


def pulled(state, *copies: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    with state.device.lock:
        state.device.store.actions.store_server_copies(list(copies))


def test_a_new_visit_lists_the_sites_actions_to_recheck_first(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state,
           server_copy(aid(1), title="Greet every customer", due_on=date(2026, 11, 24)),
           server_copy(aid(2), item_key="env_clean", title="Clean the floor", due_on=date(2026, 11, 18),
                       history=[event("resolve", 1)]),
           server_copy(aid(3), item_key="farewell", title="Verified already", history=[
               event("resolve", 2), event("verify", 3)]),
           server_copy(aid(4), site_id="site-002", title="Another site"),
           server_copy(aid(5), item_key="not_in_this_checklist", title="Printer toner",
                       due_on=date(2026, 11, 25)))
    start_retail_visit(state)
    lines = state.actions.recheck_lines()
    assert [(line.title, line.due_on, line.status, line.overdue, line.item_key) for line in lines] == [
        ("Clean the floor", date(2026, 11, 18), "resolved", False, "env_clean"),
        ("Greet every customer", date(2026, 11, 24), "open", False, CRITICAL),
        ("Printer toner", date(2026, 11, 25), "open", False, None)]
    state.go_section(1)
    assert state.actions.recheck_lines() == []  # shown first: above the first section only


def test_an_overdue_action_says_so_in_the_recheck_list(state, clock) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1), due_on=date(2026, 11, 18)))
    start_retail_visit(state)
    (line,) = state.actions.recheck_lines()
    assert line.overdue  # 20 November > 18 November, on the clock passed in


def test_the_runner_marks_the_items_an_action_covers(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1)),
           server_copy(aid(2), item_key="env_clean", history=[event("resolve", 1)]),
           server_copy(aid(3), item_key="farewell", history=[event("resolve", 2), event("verify", 3)]))
    start_retail_visit(state)
    assert state.actions.item_marks() == {CRITICAL: "open", "env_clean": "recheck"}
    rows = {r.key: r for r in section_rows(state.visit.checklist, state.visit.visit, 0, "en",
                                           marks=state.actions.item_marks())}
    assert rows[CRITICAL].action_mark == "open" and rows[PLAIN].action_mark is None


def test_a_failed_item_offers_create_action_unless_an_action_covers_it(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1)))
    start_retail_visit(state)
    assert run(state.answer_check(CRITICAL, False)) and run(state.answer_check(PLAIN, False))
    assert run(state.answer_check("smile_and_nod", True))
    rows = {r.key: r for r in section_rows(state.visit.checklist, state.visit.visit, 0, "en",
                                           marks=state.actions.item_marks())}
    assert (rows[PLAIN].offers_action, rows[CRITICAL].offers_action,
            rows["smile_and_nod"].offers_action) == (True, False, False)


def test_create_action_from_the_runner_is_prefilled_and_returns_to_the_item(state) -> None:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    assert run(state.answer_check(OTHER_CRITICAL, False))
    state.go_section(1)
    state.actions.prefill_from_item(OTHER_CRITICAL)
    draft = state.actions.draft
    assert state.route == ActionsRoute.CREATE
    assert (draft.title, draft.priority, draft.due_on, draft.site_id, draft.visit_id) == (
        "Avoided prejudging you and forbidden remarks such as '您肯定买不起这个' ('you surely can't afford this')",
        "urgent", date(2026, 11, 24), "site-001", state.visit.visit_id)
    assert run(state.actions.create()), state.error
    assert state.route == Route.RUNNER and state.flash == "actions.created"
    assert state.visit.focus_item == OTHER_CRITICAL and state.visit.section == 1
    assert state.actions.item_marks() == {OTHER_CRITICAL: "open"}
    (queued,) = state.device.store.actions.queued()
    assert (queued.kind, queued.body["item_key"], queued.body["visit_id"]) == (
        "action", OTHER_CRITICAL, state.visit.visit_id)


def test_back_from_the_create_form_returns_to_review_when_asked_there(state) -> None:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    assert run(state.answer_check(PLAIN, False))
    state.review()
    state.actions.prefill_from_item(PLAIN)
    run(state.actions.cancel_create())
    assert state.route == Route.REVIEW and state.device.store.actions.queued() == []


def _complete_with_failed_knockouts(state) -> None:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    answer_everything(state)
    assert run(state.answer_check(CRITICAL, False)) and run(state.answer_check(OTHER_CRITICAL, False))
    state.review()


def test_finalise_asks_for_an_action_for_each_failed_knockout_in_both_languages(state) -> None:  # type: ignore[no-untyped-def]
    _complete_with_failed_knockouts(state)
    assert not run(state.finalise())
    assert state.error.code == "actions_needed"
    assert state.error.message("en").startswith("2 failed knock-out item(s) have no corrective action")
    assert state.error.message("zh-CN").startswith("有 2 个未通过的否决项没有整改")
    assert state.actions.prompt.asked and state.route == Route.REVIEW
    assert state.actions.knockouts_needing_action() == [CRITICAL, OTHER_CRITICAL]
    assert state.visit.state is VisitState.DRAFT


def test_a_skip_needs_a_reason_at_its_field_and_the_reason_goes_into_the_note(state) -> None:  # type: ignore[no-untyped-def]
    _complete_with_failed_knockouts(state)
    assert not run(state.finalise())
    state.actions.set_skip_reason(CRITICAL, "   ")
    assert not run(state.actions.skip_action(CRITICAL))
    assert state.error is None  # at the field
    assert state.actions.skip_error(CRITICAL, "en") == "Give the reason there is no action for this item."
    assert state.actions.skip_error(CRITICAL, "zh-CN") == "请填写该项目不创建整改的原因。"
    assert run(state.set_note(CRITICAL, "nobody at the door"))
    state.actions.set_skip_reason(CRITICAL, "the door host was ill; the area manager knows")
    assert run(state.actions.skip_action(CRITICAL)), state.error
    assert state.actions.skip_error(CRITICAL, "en") is None
    assert state.visit.visit.observation_for(CRITICAL).note == (
        "nobody at the door\nNo corrective action: the door host was ill; the area manager knows")
    assert state.actions.knockouts_needing_action() == [OTHER_CRITICAL]


def test_with_an_action_or_a_reason_for_every_knockout_the_visit_finalises(state) -> None:  # type: ignore[no-untyped-def]
    _complete_with_failed_knockouts(state)
    assert not run(state.finalise())
    state.actions.prefill_from_item(CRITICAL)
    assert run(state.actions.create()) and state.route == Route.REVIEW
    assert run(state.set_language("zh-CN"))
    state.actions.set_skip_reason(OTHER_CRITICAL, "店长已知晓")
    assert run(state.actions.skip_action(OTHER_CRITICAL))
    visit_id = state.visit.visit_id
    assert run(state.finalise()), state.error
    record = state.device.store.visits.get(visit_id)
    assert record.state is VisitState.FINALISED
    assert record.visit.observation_for(OTHER_CRITICAL).note == "不创建整改：店长已知晓"


def test_a_knockout_already_covered_by_an_open_action_at_the_site_asks_nothing(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1), item_key=CRITICAL), server_copy(aid(2), item_key=OTHER_CRITICAL,
                                                                      history=[event("resolve", 1)]))
    _complete_with_failed_knockouts(state)
    assert state.actions.knockouts_needing_action() == []  # the server comments / re-opens them
    assert run(state.finalise()), state.error


def test_an_incomplete_visit_is_told_what_is_missing_before_any_action(state) -> None:  # type: ignore[no-untyped-def]
    start_retail_visit(state)
    assert run(state.answer_check(CRITICAL, False))
    assert not run(state.finalise())
    assert state.error.code != "actions_needed" and not state.actions.prompt.asked


def test_resuming_a_draft_shows_its_marks_again(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1)))
    start_retail_visit(state)
    visit_id = state.visit.visit_id
    run(state.go_home())
    state.actions.views = []
    assert run(state.open_visit(visit_id))
    assert state.actions.item_marks() == {CRITICAL: "open"}
    assert [line.title for line in state.actions.recheck_lines()] == ["Greet every customer"]


