"""Stopwatch for timed items: one tap per moment seen (entered -> greeted -> served).

- Marks are seconds since the first tap, read from a monotonic clock (immune to the phone's
  clock being changed) and kept at 0.1 s resolution.
- Every tap and every undo is saved at once through the store (`record_timing`), together with
  the wall-clock time of the first tap: the *anchor*.
- A monotonic clock does not survive a restart. When the app comes back to a stopwatch that was
  still running, elapsed time continues from the wall-clock anchor and the observation is
  flagged `resumed` (its later marks rest on the wall clock, which the phone may have changed).
- The item's value is the elapsed time between two chosen marks (`measure`, by default the
  first and the last label), saved as soon as both exist.
Both clocks are injectable so tests are deterministic; nothing here touches the UI."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from audit_app.domain import Mark, Timing, Visit
from audit_app.store.errors import StoreError, StoreWriteError, WrongState

DEFAULT_LABELS = ("entered", "greeted", "served")
RESOLUTION_DIGITS = 1  # 0.1 s


class TimingStore(Protocol):
    """What the stopwatch needs from the store (`VisitRepository` provides it)."""

    def timing_state(self, visit_id: str, item_key: str) -> tuple[Timing | None, datetime | None]: ...

    def record_timing(self, visit_id: str, item_key: str, *, timing: Timing,
                      anchor: datetime | None, value: float | None, now: datetime) -> Visit: ...


class StopwatchError(StoreError):
    code = "stopwatch"


def local_now() -> datetime:
    return datetime.now().astimezone()


class Stopwatch:
    """The stopwatch of one timed item of one visit, restored from the store when created."""

    def __init__(self, store: TimingStore, visit_id: str, item_key: str, *,
                 labels: Sequence[str] = DEFAULT_LABELS, measure: tuple[str, str] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], datetime] = local_now):
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValueError("a stopwatch needs at least two distinct labels")
        self.labels = tuple(labels)
        self.measure = measure or (self.labels[0], self.labels[-1])
        if not all(m in self.labels for m in self.measure) or \
                self.labels.index(self.measure[0]) >= self.labels.index(self.measure[1]):
            raise ValueError(f"measure must name two labels of {self.labels} in order")
        self._store, self.visit_id, self.item_key = store, visit_id, item_key
        self._monotonic, self._wall = monotonic, wall
        timing, anchor = store.timing_state(visit_id, item_key)
        self._marks: list[Mark] = list(timing.marks) if timing else []
        self.resumed = timing.resumed if timing else False
        self._wall_anchor = anchor if self._marks else None
        self._mono_anchor: float | None = None  # monotonic time of the first tap, this process
        if self.running:
            self._continue_from_wall_clock()
            try:
                self._save(self._marks, self._wall_anchor, self.resumed)
            except (WrongState, StoreWriteError):
                pass  # not a draft any more, or the disk is full: the next tap saves the flag

    # -- state ---------------------------------------------------------------------------------

    @property
    def marks(self) -> list[Mark]:
        return list(self._marks)

    @property
    def running(self) -> bool:
        """Started and not every label tapped yet."""
        return 0 < len(self._marks) < len(self.labels)

    @property
    def next_label(self) -> str | None:
        """What the next tap records (None once every label has been tapped)."""
        return self.labels[len(self._marks)] if len(self._marks) < len(self.labels) else None

    def elapsed(self) -> float:
        """Seconds since the first tap, for the display (frozen at the last mark once done)."""
        if not self._marks:
            return 0.0
        if not self.running:
            return self._marks[-1].elapsed_s
        return self._now_elapsed()

    def value(self) -> float | None:
        """Seconds between the two `measure` marks, or None until both are taken."""
        return _value_between(self._marks, self.measure)

    # -- actions -----------------------------------------------------------------------------------

    def tap(self) -> Mark:
        """Record the next label now, and save it (if the save fails, nothing changes)."""
        label = self.next_label
        if label is None:
            raise StopwatchError("Every moment has already been marked; undo the last one to change it.",
                                 "所有时间点都已记录；如需修改请先撤销最后一个。")
        if not self._marks:
            mono_anchor, wall_anchor, elapsed = self._monotonic(), self._wall(), 0.0
        else:
            elapsed = self._now_elapsed()
            mono_anchor, wall_anchor = self._mono_anchor, self._wall_anchor
        mark = Mark(label=label, elapsed_s=elapsed)
        self._save([*self._marks, mark], wall_anchor, self.resumed)
        self._mono_anchor, self._wall_anchor = mono_anchor, wall_anchor
        return mark

    def undo(self) -> Mark:
        """Remove the last mark, and save; undoing the first mark resets the stopwatch."""
        if not self._marks:
            raise StopwatchError("There is no mark to undo.", "没有可撤销的记录。")
        removed = self._marks[-1]
        marks = self._marks[:-1]
        if marks:
            self._save(marks, self._wall_anchor, self.resumed)
        else:  # back to not started: a fresh measurement, on this process's clock
            self._save(marks, None, False)
            self._wall_anchor = self._mono_anchor = None
            self.resumed = False
        return removed

    def reset(self) -> None:
        """Drop every mark at once, and save: the next tap starts a fresh measurement."""
        if not self._marks:
            return
        self._save([], None, False)
        self._wall_anchor = self._mono_anchor = None
        self.resumed = False

    # -- internals ---------------------------------------------------------------------------------

    def _now_elapsed(self) -> float:
        if self._mono_anchor is None:  # running again after a restart (e.g. an undo after it)
            self._continue_from_wall_clock()
        assert self._mono_anchor is not None
        elapsed = round(self._monotonic() - self._mono_anchor, RESOLUTION_DIGITS)
        return max(elapsed, self._marks[-1].elapsed_s)  # marks never go backwards

    def _continue_from_wall_clock(self) -> None:
        last = self._marks[-1].elapsed_s
        since_anchor = (self._wall() - self._wall_anchor).total_seconds() if self._wall_anchor else last
        self._mono_anchor = self._monotonic() - max(since_anchor, last)
        self.resumed = True

    def _save(self, marks: list[Mark], anchor: datetime | None, resumed: bool) -> None:
        """Save `marks` through the store, then adopt them: a failed save changes nothing here."""
        self._store.record_timing(
            self.visit_id, self.item_key, timing=Timing(marks=marks, resumed=resumed),
            anchor=anchor, value=_value_between(marks, self.measure), now=self._wall())
        self._marks = list(marks)


def _value_between(marks: list[Mark], measure: tuple[str, str]) -> float | None:
    found = {mark.label: mark.elapsed_s for mark in marks}
    start, end = measure
    if start not in found or end not in found:
        return None
    return round(found[end] - found[start], RESOLUTION_DIGITS)
