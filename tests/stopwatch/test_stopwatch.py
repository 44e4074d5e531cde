import errno
from datetime import timedelta

import pytest

from audit_app.stopwatch import Stopwatch, StopwatchError
from audit_app.store import InvalidAnswer, StoreWriteError, VisitState
from tests.store.conftest import NOW, answer_required, reopen, start

ITEM = "greet_within_3s"


class Clocks:
    """A monotonic and a wall clock the test moves by hand."""

    def __init__(self, monotonic_origin=1000.0, wall=NOW):
        self.mono = monotonic_origin
        self.now = wall

    def monotonic(self):
        return self.mono

    def wall(self):
        return self.now

    def advance(self, seconds):
        self.mono += seconds
        self.now += timedelta(seconds=seconds)


def stopwatch(store, visit_id, clocks, **kwargs):
    return Stopwatch(store.visits, visit_id, ITEM, monotonic=clocks.monotonic, wall=clocks.wall, **kwargs)


def saved_observation(data_dir, bundled_dir, visit_id):
    return reopen(data_dir, bundled_dir).visits.get(visit_id).visit.observation_for(ITEM)


def test_marks_are_taken_at_tenth_of_a_second_and_saved_as_they_happen(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks, measure=("entered", "greeted"))
    assert watch.tap().elapsed_s == 0.0
    assert saved_observation(data_dir, bundled_dir, visit_id).timing.marks[0].label == "entered"
    clocks.advance(2.46)
    assert watch.elapsed() == 2.5
    assert watch.tap().elapsed_s == 2.5
    clocks.advance(10.01)
    watch.tap()
    assert [(m.label, m.elapsed_s) for m in watch.marks] == [("entered", 0.0), ("greeted", 2.5), ("served", 12.5)]
    saved = saved_observation(data_dir, bundled_dir, visit_id)
    assert saved.value == 2.5  # the value is the time between the two chosen marks
    assert saved.timing.marks == watch.marks and saved.timing.resumed is False
    with pytest.raises(StopwatchError) as error:
        watch.tap()
    assert "undo" in error.value.message_en and "撤销" in error.value.message_zh


def test_the_timed_value_lets_the_visit_be_finalised(store):
    visit_id = start(store)
    answer_required(store, visit_id)
    store.visits.record_observation(visit_id, ITEM, value=None, now=NOW)  # clear the typed answer
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks, labels=("entered", "greeted"))
    watch.tap()
    clocks.advance(1.8)
    watch.tap()
    visit = store.visits.finalise(visit_id, clocks.wall())
    assert visit.observation_for(ITEM).value == 1.8
    assert store.visits.get(visit_id).state is VisitState.FINALISED


def test_undo_removes_the_last_mark_and_timing_continues_from_the_first(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks)
    watch.tap()
    clocks.advance(1.0)
    watch.tap()  # greeted too early, by mistake
    assert watch.undo().label == "greeted"
    saved = saved_observation(data_dir, bundled_dir, visit_id)
    assert [m.label for m in saved.timing.marks] == ["entered"] and saved.value is None
    clocks.advance(2.0)
    assert watch.tap().elapsed_s == 3.0


def test_undoing_the_first_mark_resets_the_stopwatch(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks)
    watch.tap()
    watch.undo()
    assert watch.marks == [] and watch.elapsed() == 0.0 and watch.next_label == "entered"
    assert store.visits.timing_state(visit_id, ITEM)[1] is None  # no anchor left to resume from
    assert saved_observation(data_dir, bundled_dir, visit_id).timing.marks == []
    with pytest.raises(StopwatchError):
        watch.undo()


def test_after_a_restart_elapsed_time_continues_from_the_wall_clock_and_is_flagged(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    stopwatch(store, visit_id, clocks).tap()  # entered
    clocks.advance(1.0)
    store.close()
    # The app restarts 30 s later: a new process, whose monotonic clock has another origin.
    after = Clocks(monotonic_origin=5.0, wall=clocks.now + timedelta(seconds=30))
    restarted = reopen(data_dir, bundled_dir)
    watch = Stopwatch(restarted.visits, visit_id, ITEM, monotonic=after.monotonic, wall=after.wall)
    assert watch.resumed and watch.running
    assert watch.elapsed() == 31.0
    assert saved_observation(data_dir, bundled_dir, visit_id).timing.resumed is True  # saved at once
    after.advance(1.5)
    assert watch.tap().elapsed_s == 32.5
    saved = saved_observation(data_dir, bundled_dir, visit_id)
    assert saved.timing.resumed is True and [m.elapsed_s for m in saved.timing.marks] == [0.0, 32.5]


def test_a_wall_clock_set_back_during_a_restart_never_makes_time_run_backwards(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks)
    watch.tap()
    clocks.advance(4.0)
    watch.tap()  # greeted at 4.0
    after = Clocks(monotonic_origin=0.0, wall=NOW - timedelta(hours=1))  # the clock was set back
    watch = Stopwatch(reopen(data_dir, bundled_dir).visits, visit_id, ITEM,
                      monotonic=after.monotonic, wall=after.wall)
    assert watch.elapsed() == 4.0
    after.advance(0.5)
    assert watch.tap().elapsed_s == 4.5


def test_a_finished_measurement_is_not_resumed_after_a_restart(store, data_dir, bundled_dir):
    visit_id = start(store)
    clocks = Clocks()
    watch = stopwatch(store, visit_id, clocks)
    for _ in range(3):
        watch.tap()
        clocks.advance(2.0)
    again = Stopwatch(reopen(data_dir, bundled_dir).visits, visit_id, ITEM,
                      monotonic=Clocks(0.0).monotonic, wall=lambda: NOW + timedelta(hours=2))
    assert not again.resumed and not again.running
    assert again.elapsed() == 4.0 and again.value() == 4.0


def test_only_a_timed_item_takes_a_stopwatch(store):
    visit_id = start(store)
    watch = Stopwatch(store.visits, visit_id, "smile", monotonic=Clocks().monotonic, wall=Clocks().wall)
    with pytest.raises(InvalidAnswer):
        watch.tap()


def test_measure_must_name_two_labels_in_order(store):
    visit_id = start(store)
    with pytest.raises(ValueError):
        stopwatch(store, visit_id, Clocks(), measure=("served", "entered"))


class FlakyStore:
    """The real repository, except that saves fail while `full` is set (a full disk)."""

    def __init__(self, visits):
        self.visits = visits
        self.full = False

    def timing_state(self, visit_id, item_key):
        return self.visits.timing_state(visit_id, item_key)

    def record_timing(self, *args, **kwargs):
        if self.full:
            raise StoreWriteError("replacing", "store.json", OSError(errno.ENOSPC, "No space left"))
        return self.visits.record_timing(*args, **kwargs)


def test_a_tap_or_undo_whose_save_fails_changes_nothing(store):
    visit_id = start(store)
    clocks = Clocks()
    flaky = FlakyStore(store.visits)
    watch = Stopwatch(flaky, visit_id, ITEM, monotonic=clocks.monotonic, wall=clocks.wall)
    watch.tap()
    clocks.advance(2.0)
    flaky.full = True
    with pytest.raises(StoreWriteError):
        watch.tap()
    assert [m.label for m in watch.marks] == ["entered"] and watch.next_label == "greeted"
    with pytest.raises(StoreWriteError):
        watch.undo()
    assert [m.label for m in watch.marks] == ["entered"]
    flaky.full = False
    assert watch.tap().elapsed_s == 2.0
    assert [m.label for m in store.visits.timing_state(visit_id, ITEM)[0].marks] == ["entered", "greeted"]
