"""Every runner and review action saves at once and says what is wrong in both languages."""

from __future__ import annotations

from audit_app.state import AppState, Route
from audit_app.state.runner_model import progress, review_model
from audit_app.store import VisitState

from .conftest import FakeMonotonic, answer_everything, jpeg_bytes, run, start_retail_visit


def stored(state: AppState):
    """The visit as the store has it now (what survives a crash)."""
    return state.device.store.visits.get(state.visit.visit_id).visit


def test_starting_a_visit_needs_a_site_and_opens_the_runner(state):
    state.open_new_visit()
    state.pick_checklist("retail-store-visit")
    state.pick_site("")
    assert not run(state.start_visit())
    assert state.error.code == "no_site"
    assert "门店" in state.error.message("zh-CN")
    state.pick_site("site-001")
    state.set_peak(True)
    assert run(state.start_visit())
    assert state.route == Route.RUNNER
    assert stored(state).context.peak is True
    assert [s.state for s in state.home.summaries] == [VisitState.DRAFT]


def test_check_answers_and_na_are_saved_the_moment_they_are_given(state):
    start_retail_visit(state)
    assert run(state.answer_check("eye_contact", True))
    assert stored(state).observation_for("eye_contact").value is True
    assert run(state.answer_check("eye_contact", False))
    assert stored(state).observation_for("eye_contact").value is False
    assert run(state.mark_na("smile_and_nod"))
    assert stored(state).observation_for("smile_and_nod").na is True


def test_note_is_kept_beside_the_answer(state):
    start_retail_visit(state)
    run(state.answer_check("eye_contact", True))
    assert run(state.set_note("eye_contact", "  looked away twice  "))
    saved = stored(state).observation_for("eye_contact")
    assert (saved.value, saved.note) == (True, "looked away twice")


def _count_item(state):
    return next(i for i in state.visit.checklist.items if i.kind.value == "count")


def test_count_stepper_refuses_going_below_zero_and_saves_nothing(state):
    state.open_new_visit()
    state.pick_checklist("phone-mystery-call")
    state.pick_site("site-001")
    assert run(state.start_visit())
    key = _count_item(state).key
    assert not run(state.step_count(key, -1))
    assert state.error.code == "count_negative"
    assert state.device.store.visits.get(state.visit.visit_id).visit.observation_for(key) is None
    assert run(state.step_count(key, 1)) and run(state.step_count(key, 1)) and run(state.step_count(key, -1))
    assert state.device.store.visits.get(state.visit.visit_id).visit.observation_for(key).value == 1
    assert not run(state.type_count(key, "two"))
    error = state.visit.typing.errors[key]
    assert error.code == "count_not_whole" and "整数" in error.message_zh


def test_rating_out_of_range_is_refused_in_the_users_language(state):
    state.open_new_visit()
    rating_list = next(c for c in state.checklists if any(i.kind.value == "rating" for i in c.items))
    state.pick_checklist(rating_list.id)
    state.pick_site("site-001")
    assert run(state.start_visit())
    key = next(i.key for i in rating_list.items if i.kind.value == "rating")
    assert not run(state.answer_rating(key, 6))
    assert state.error.code == "rating_out_of_range" and "1 到 5" in state.error.message_zh
    assert run(state.answer_rating(key, 4))
    assert state.device.store.visits.get(state.visit.visit_id).visit.observation_for(key).value == 4


def test_stopwatch_start_mark_gives_the_verdict_and_undo_takes_the_mark_back(state):
    fake = FakeMonotonic()
    state.monotonic = fake
    start_retail_visit(state)
    assert run(state.stopwatch_tap("greet_within_3s"))
    assert state.visit.stopwatches["greet_within_3s"].running
    fake.value += 2.4
    assert run(state.stopwatch_tap("greet_within_3s"))
    assert stored(state).observation_for("greet_within_3s").value == 2.4
    from audit_app.state.runner_model import section_rows
    row = next(r for r in section_rows(state.visit.checklist, state.visit.visit, 0, "en") if r.key == "greet_within_3s")
    assert row.verdict == "2.4 s ≤ 3 s ✓"
    zh_row = next(r for r in section_rows(state.visit.checklist, state.visit.visit, 0, "zh-CN")
                  if r.key == "greet_within_3s")
    assert zh_row.verdict == "2.4 秒 ≤ 3 秒 ✓"
    assert run(state.stopwatch_undo("greet_within_3s"))
    saved = stored(state).observation_for("greet_within_3s")
    assert saved.value is None and [m.label for m in saved.timing.marks] == ["start"]


def test_a_long_timed_item_is_typed_in_its_unit_and_stored_in_seconds(state):
    state.open_new_visit()
    state.pick_checklist("complaint-handling-audit")
    state.pick_site("site-001")
    assert run(state.start_visit())
    item = next(i for i in state.visit.checklist.items if i.unit == "h")
    assert run(state.answer_duration(item.key, "1,5"))
    assert state.device.store.visits.get(state.visit.visit_id).visit.observation_for(item.key).value == 5400
    assert not run(state.answer_duration(item.key, "soon"))
    assert state.visit.typing.errors[item.key].code == "duration_not_number"


def test_photo_is_processed_stored_cited_and_deletable(state):
    start_retail_visit(state)
    assert run(state.add_photo("not_ignored_on_entry", jpeg_bytes()))
    visit = stored(state)
    sha = visit.observation_for("not_ignored_on_entry").photos[0]
    assert state.device.photos.has_photo(sha)
    assert state.visit.thumbnails[sha][:2] == b"\xff\xd8"
    assert state.visit.processing_photos == {}
    assert run(state.delete_photo(sha))
    assert stored(state).photos == [] and sha not in state.visit.thumbnails


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(state):
    start_retail_visit(state)
    assert not run(state.add_photo("not_ignored_on_entry", b"%PDF-1.4 not a photo"))
    assert state.error.code == "photo_unsupported_format"
    assert "JPEG" in state.error.message("zh-CN")
    assert stored(state).photos == [] and state.device.photos.stored_hashes() == set()
    assert state.visit.processing_photos == {}


def test_review_lists_what_is_missing_and_a_tap_jumps_to_the_item(state):
    start_retail_visit(state)
    model = review_model(state.visit.checklist, state.visit.visit, "zh-CN")
    assert not model.can_finalise
    first = model.missing[0]
    assert first.item_key == "greet_within_3s" and "必答" in first.message
    last = state.visit.checklist.sections[-1].items[0].key
    state.jump_to(last)
    assert state.route == Route.RUNNER
    assert state.visit.section == len(state.visit.checklist.sections) - 1
    assert state.visit.focus_item == last


def test_finalise_is_refused_with_every_problem_then_queues_the_complete_visit(state):
    start_retail_visit(state)
    assert not run(state.finalise())
    assert state.error.code == "finalise_refused" and len(state.error.problems) > 5
    answer_everything(state)
    done = progress(state.visit.checklist, state.visit.visit)
    assert done.answered == done.required
    review = review_model(state.visit.checklist, state.visit.visit, "en")
    assert review.can_finalise and review.score == 1.0
    assert run(state.finalise())
    assert state.route == Route.HOME and state.flash == "review.finalised"
    assert state.home.counts[VisitState.FINALISED] == 1 and state.home.pending == 1


def test_a_failed_knock_out_item_scores_the_visit_zero(state):
    start_retail_visit(state)
    answer_everything(state)
    run(state.answer_check("not_ignored_on_entry", False))
    model = review_model(state.visit.checklist, state.visit.visit, "en")
    assert model.knocked_out and model.visit_score == 0.0
    assert [line.item_key for line in model.knockouts] == ["not_ignored_on_entry"]


def test_editing_a_finalised_visit_opens_the_next_revision_as_a_draft(state):
    start_retail_visit(state)
    answer_everything(state)
    run(state.finalise())
    visit_id = state.home.summaries[0].visit_id
    assert run(state.open_visit(visit_id))
    assert state.route == Route.REVIEW and not state.visit.editable
    assert run(state.edit_visit())
    assert state.route == Route.RUNNER and state.visit.editable
    assert state.visit.visit.revision == 2
    assert run(state.answer_check("eye_contact", False))
    assert state.device.store.visits.get(visit_id).visit.observation_for("eye_contact").value is False


def test_a_stopwatch_left_running_is_named_first_at_finalise_and_stops_it(state):
    from audit_app.state.runner_model import review_model
    from .conftest import answer_everything
    fake = FakeMonotonic()
    state.monotonic = fake
    start_retail_visit(state)
    answer_everything(state)
    assert run(state.stopwatch_tap("greet_within_3s"))           # started again, never marked
    assert stored(state).observation_for("greet_within_3s").value is None
    model = review_model(state.visit.checklist, state.visit.visit, "en")
    first = model.missing[0]
    assert first.item_key == "greet_within_3s"
    assert first.message.startswith("The stopwatch for “") and "still running: mark or undo it" in first.message
    assert not any("no answer" in line.message for line in model.missing if line.item_key == "greet_within_3s")
    zh = review_model(state.visit.checklist, state.visit.visit, "zh-CN").missing[0]
    assert zh.message.endswith("的秒表仍在计时：请标记或撤销。")
    assert not run(state.finalise())
    assert state.error.code == "stopwatch_running" and "still running" in state.error.message("en")
    fake.value += 1.5
    assert run(state.stopwatch_tap("greet_within_3s"))
    assert run(state.finalise()), state.error


def test_undo_takes_back_only_the_last_mark_and_reset_starts_over_after_a_confirmation(state):
    fake = FakeMonotonic()
    state.monotonic = fake
    start_retail_visit(state)
    key = "greet_within_3s"
    assert run(state.stopwatch_tap(key))
    fake.value += 2.0
    assert run(state.stopwatch_tap(key))
    assert run(state.stopwatch_undo(key))            # Undo: running again from the first tap
    fake.value += 1.0
    assert run(state.stopwatch_tap(key))
    assert stored(state).observation_for(key).value == 3.0
    assert not run(state.confirm_reset(key))         # never without being asked
    assert state.error.code == "reset_not_asked"
    assert stored(state).observation_for(key).value == 3.0
    state.ask_reset(key)
    assert state.visit.reset_asked == key
    state.cancel_reset()
    assert state.visit.reset_asked is None and stored(state).observation_for(key).value == 3.0
    state.ask_reset(key)
    assert run(state.confirm_reset(key))
    saved = stored(state).observation_for(key)
    assert saved.value is None and saved.timing.marks == []
    assert state.visit.reset_asked is None
    fake.value += 100
    assert run(state.stopwatch_tap(key)) and run(state.stopwatch_tap(key))   # a fresh measurement
    assert stored(state).observation_for(key).value == 0.0
