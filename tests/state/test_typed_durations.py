"""Minute, hour and day items are typed in their unit (issue 12 point 2), a refused text stays in
its field with the error under it (point 3), and a shown duration never hides its value."""

from __future__ import annotations

import pytest

from audit_app.state.durations import AnswerInput, answer_input, format_duration, parse_duration
from audit_app.state.errors import ActionRefused
from audit_app.state.runner_model import section_rows, timed_verdict

from .conftest import run


def stored(state):
    return state.device.store.visits.get(state.visit.visit_id).visit


def start(state, checklist_id: str) -> None:
    state.open_new_visit()
    state.pick_checklist(checklist_id)
    state.pick_site("site-001")
    assert run(state.start_visit()), state.error


def row_of(state, key: str, lang: str = "en"):
    session = state.visit
    index = next(i for i, s in enumerate(session.checklist.sections) if any(it.key == key for it in s.items))
    return next(r for r in section_rows(session.checklist, session.visit, index, lang, session.typing)
                if r.key == key)


def test_each_timed_item_is_answered_the_way_its_unit_and_section_call_for(state):
    by_id = {c.id: c for c in state.checklists}
    centre = by_id["business-centre-daily"]
    # "sample today's records": read from the log, never timed live
    assert answer_input(centre, centre.item_map["check_in_within_30min"]) is AnswerInput.TYPED
    assert answer_input(centre, centre.item_map["booking_confirmed_within_24h"]) is AnswerInput.TYPED
    bank = by_id["bank-branch-visit"]   # a shopper's wait in minutes: type it or time it live
    assert answer_input(bank, bank.item_map["wait_to_first_service"]) is AnswerInput.TYPED_OR_STOPWATCH
    retail = by_id["retail-store-visit"]
    assert answer_input(retail, retail.item_map["greet_within_3s"]) is AnswerInput.STOPWATCH


def test_a_minute_item_from_records_is_typed_in_minutes_and_judged_in_minutes(state):
    start(state, "business-centre-daily")
    row = row_of(state, "check_in_within_30min")
    assert row.input is AnswerInput.TYPED and not row.stopwatch
    assert run(state.answer_duration("check_in_within_30min", "25"))
    assert stored(state).observation_for("check_in_within_30min").value == 1500
    row = row_of(state, "check_in_within_30min")
    assert row.typed == "25" and row.verdict == "25 min ≤ 30 min ✓"
    assert row_of(state, "check_in_within_30min", "zh-CN").verdict == "25 分钟 ≤ 30 分钟 ✓"
    assert run(state.answer_duration("check_in_within_30min", "32.5"))
    assert row_of(state, "check_in_within_30min").verdict == "32 min 30 s > 30 min ×"


def test_an_hour_item_takes_h_mm_or_decimal_hours_and_shows_h_mm(state):
    start(state, "business-centre-daily")
    key = "booking_confirmed_within_24h"
    assert run(state.answer_duration(key, "1:30"))
    assert stored(state).observation_for(key).value == 5400
    assert row_of(state, key).typed == "1:30"
    assert row_of(state, key).verdict == "1 h 30 min ≤ 24 h ✓"
    assert run(state.answer_duration(key, "２，５"))   # full-width digits and comma, as a Chinese keyboard types
    assert stored(state).observation_for(key).value == 9000


def test_a_minute_item_watched_live_offers_the_stopwatch_and_keeps_it_once_started(state):
    from .conftest import FakeMonotonic
    fake = FakeMonotonic()
    state.monotonic = fake
    start(state, "bank-branch-visit")
    key = "wait_to_first_service"
    assert not row_of(state, key).stopwatch
    state.open_stopwatch(key)
    assert row_of(state, key).stopwatch
    assert run(state.stopwatch_tap(key))
    state.visit.typing.stopwatch_opened.clear()   # a restart forgets the choice, not the started timing
    assert row_of(state, key).stopwatch
    fake.value += 2.2
    assert run(state.stopwatch_tap(key))
    # 2.2 s against a 10 minute limit is shown in seconds, never as "0 min"
    assert row_of(state, key).verdict == "2.2 s ≤ 10 min ✓"


def test_a_refused_typed_value_stays_in_its_field_with_the_error_there_and_no_banner(state):
    start(state, "business-centre-daily")
    key = "booking_confirmed_within_24h"
    assert run(state.answer_duration(key, "3"))
    assert not run(state.answer_duration(key, "abc"))
    assert state.error is None                                   # no banner at the top of the page
    row = row_of(state, key)
    assert row.typed == "abc"                                    # what was typed is kept
    assert row.field_error == "Type the time as a number, e.g. 2.5."
    assert row_of(state, key, "zh-CN").field_error.startswith("请输入数字")
    assert stored(state).observation_for(key).value == 10800     # the saved answer is untouched
    assert not run(state.answer_duration(key, "1:75"))
    assert row_of(state, key).typed == "1:75" and "0 to 59" in row_of(state, key).field_error
    assert run(state.answer_duration(key, "2:15"))
    row = row_of(state, key)
    assert row.field_error is None and row.typed == "2:15"


def test_a_typed_count_that_is_refused_is_kept_at_its_field(state):
    start(state, "phone-mystery-call")
    key = next(i.key for i in state.visit.checklist.items if i.kind.value == "count")
    assert not run(state.type_count(key, "two"))
    assert state.error is None
    assert state.visit.typing.text[key] == "two"
    assert state.visit.typing.errors[key].code == "count_not_whole"


@pytest.mark.parametrize(("seconds", "unit", "shown"), [
    (2.2, "min", "2.2 s"), (2.2, "s", "2.2 s"), (1800, "min", "30 min"), (1812, "min", "30 min 12 s"),
    (5400, "h", "1 h 30 min"), (600, "h", "10 min"), (86400 * 1.5, "days", "1.5 days"),
    (3600, "days", "1 h"), (0, "min", "0 min"),
])
def test_a_shown_duration_never_rounds_its_value_away(seconds, unit, shown):
    assert format_duration(seconds, unit, "en") == shown


@pytest.mark.parametrize(("typed", "unit", "code"), [
    ("abc", "min", "duration_not_number"), ("nan", "h", "duration_not_number"), ("-3", "min", "duration_negative"),
    ("1:60", "h", "duration_bad_clock"), ("", "h", "duration_not_number")])
def test_typed_durations_that_are_not_times_are_refused(typed, unit, code):
    with pytest.raises(ActionRefused) as refused:
        parse_duration(typed, unit)
    assert refused.value.error.code == code


def test_the_verdict_of_a_business_centre_check_in_timed_in_seconds_is_not_zero_minutes(state):
    item = next(c for c in state.checklists if c.id == "business-centre-daily").item_map["check_in_within_30min"]
    assert timed_verdict(item, 2.2, peak=False, lang="zh-CN") == "2.2 秒 ≤ 30 分钟 ✓"
