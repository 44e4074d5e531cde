"""What the runner and review screens show, computed from a checklist and a visit (pure).

No flet, no I/O: views render these rows as they are; tests read them directly."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit_app.domain import Checklist, Item, Kind, Observation, Outcome, Problem, Visit, outcome, score_visit
from audit_app.domain import visit_problems
from audit_app.i18n import is_chinese, t

from .durations import UNIT_SECONDS, AnswerInput, answer_input, format_duration, format_number, typed_text
from .errors import UiError


def text_of(text, lang: str) -> str:
    """A checklist `Text` ({en, zh}) in the user's language."""
    return text.zh if is_chinese(lang) else text.en


def uses_stopwatch(item: Item) -> bool:
    """Timed in seconds: the stopwatch is the only way to answer it."""
    return item.kind is Kind.TIMED and (item.unit or "s") == "s"


def unit_label(item: Item, lang: str) -> str:
    return t(lang, f"unit.{item.unit or 's'}")


def in_unit(seconds: float, item: Item) -> float:
    return seconds / UNIT_SECONDS.get(item.unit or "s", 1.0)


def format_elapsed(seconds: float, unit: str = "s") -> str:
    """Live stopwatch text: "2.4 s" (`unit` is the word for seconds) under a minute, "1:05.3" above."""
    if seconds < 60:
        return f"{seconds:.1f} {unit}"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


def timed_verdict(item: Item, seconds: float, *, peak: bool, lang: str) -> str:
    """E.g. "2.4 s ≤ 3 s ✓" or "4.1 s > 3 s ×", in the item's unit (the app's font has no ✗);
    a value too small for the unit is shown in a smaller one ("2.2 s ≤ 30 min ✓")."""
    threshold = item.threshold_for(peak)
    passed = seconds <= threshold
    sign, mark = ("≤", "✓") if passed else (">", "×")
    return f"{format_duration(seconds, item.unit, lang)} {sign} {format_duration(threshold, item.unit, lang)} {mark}"


def is_answered(item: Item, obs: Observation | None) -> bool:
    if obs is None:
        return False
    if item.kind is Kind.PHOTO:
        return bool(obs.photos) or obs.na
    return obs.na or obs.value is not None


@dataclass
class Typing:
    """What the runner holds besides the saved visit: text typed into a field that was refused
    (kept until corrected) with its error, and the minute items whose stopwatch was opened."""

    text: dict[str, str] = field(default_factory=dict)
    errors: dict[str, UiError] = field(default_factory=dict)
    stopwatch_opened: set[str] = field(default_factory=set)
    evidence_opened: set[str] = field(default_factory=set)   # items whose note field was opened

    def refused(self, item_key: str, typed: str, error: UiError) -> None:
        self.text[item_key], self.errors[item_key] = typed, error

    def accepted(self, item_key: str) -> None:
        self.text.pop(item_key, None)
        self.errors.pop(item_key, None)


@dataclass(frozen=True)
class ScrollRequest:
    """Where the runner's list should scroll after the next redraw: an offset, or an item's
    card. `seq` grows with each request, so the view scrolls once per request."""

    seq: int = 0
    offset: float | None = 0.0
    item_key: str | None = None

    def next(self, *, offset: float | None = None, item_key: str | None = None) -> ScrollRequest:
        return ScrollRequest(self.seq + 1, None if item_key else (offset or 0.0), item_key)


@dataclass(frozen=True)
class SectionLine:
    index: int
    title: str
    answered: int       # items of the section answered
    total: int
    current: bool


def section_lines(checklist: Checklist, visit: Visit, current: int, lang: str) -> list[SectionLine]:
    """The section list: each section with how many of its items are answered."""
    lines = []
    for index, section in enumerate(checklist.sections):
        answered = sum(1 for item in section.items if is_answered(item, visit.observation_for(item.key)))
        lines.append(SectionLine(index, text_of(section.title, lang), answered, len(section.items),
                                 index == current))
    return lines


@dataclass(frozen=True)
class ItemRow:
    key: str
    text: str
    kind: Kind
    critical: bool
    required: bool
    photo: str                      # none | optional | required
    input: AnswerInput | None       # timed items: stopwatch, typed, or either
    stopwatch: bool                 # the stopwatch is shown now
    value: object
    na: bool
    answered: bool
    outcome: Outcome | None
    verdict: str | None             # timed items: "2.4 s ≤ 3 s ✓"
    note: str | None
    photos: tuple[str, ...]
    missing_photo: bool
    unit: str | None
    scale: int
    typed: str = ""                 # what a typing field shows: the refused text, or the saved value
    field_error: str | None = None  # why the typed text was refused, in the user's language
    # Photo and note in full (buttons with words, the note field) or as two compact icons: in
    # full where a photo is required, once used, or when the item failed (then `ask_evidence`).
    evidence_expanded: bool = False
    ask_evidence: bool = False      # failed, nothing attached yet: "add a note or photo?"
    action_mark: str | None = None  # an action covers it: "open" or "recheck" (action_recheck.Mark)
    offers_action: bool = False     # failed and no action covers it: "Create action"


def _typed(item: Item, obs: Observation | None, typing: Typing) -> str:
    if item.key in typing.text:
        return typing.text[item.key]
    if obs is None or obs.na or not isinstance(obs.value, (int, float)) or isinstance(obs.value, bool):
        return ""
    return typed_text(float(obs.value), item.unit) if item.kind is Kind.TIMED else str(obs.value)


def item_row(item: Item, visit: Visit, lang: str, checklist: Checklist | None = None,
             typing: Typing | None = None, marks: dict[str, str] | None = None) -> ItemRow:
    typing = typing or Typing()
    mark = (marks or {}).get(item.key)
    obs = visit.observation_for(item.key)
    how = answer_input(checklist, item) if checklist is not None and item.kind is Kind.TIMED else (
        (AnswerInput.STOPWATCH if uses_stopwatch(item) else AnswerInput.TYPED) if item.kind is Kind.TIMED else None)
    timing_started = bool(obs and obs.timing and obs.timing.marks)
    stopwatch = how is AnswerInput.STOPWATCH or (
        how is AnswerInput.TYPED_OR_STOPWATCH and (item.key in typing.stopwatch_opened or timing_started))
    error = typing.errors.get(item.key)
    answered = is_answered(item, obs)
    result = outcome(item, obs, peak=visit.context.peak) if (item.scored and answered and obs) else None
    verdict = None
    if item.kind is Kind.TIMED and obs is not None and not obs.na and isinstance(obs.value, (int, float)):
        verdict = timed_verdict(item, float(obs.value), peak=visit.context.peak, lang=lang)
    photos = tuple(obs.photos) if obs else ()
    return ItemRow(
        key=item.key, text=text_of(item.text, lang), kind=item.kind, critical=item.critical,
        required=item.is_required, photo=item.photo, input=how, stopwatch=stopwatch,
        value=obs.value if obs else None, na=bool(obs and obs.na), answered=answered,
        outcome=result, verdict=verdict, note=obs.note if obs else None, photos=photos,
        missing_photo=item.photo == "required" and not photos and not (obs and obs.na),
        unit=item.unit, scale=item.rating_scale, typed=_typed(item, obs, typing),
        field_error=error.message(lang) if error else None,
        evidence_expanded=(item.photo == "required" or bool(photos) or bool(obs and obs.note)
                           or result is Outcome.FAIL or item.key in typing.evidence_opened),
        ask_evidence=result is Outcome.FAIL and not photos and not (obs and obs.note),
        action_mark=mark, offers_action=result is Outcome.FAIL and mark is None)


def section_rows(checklist: Checklist, visit: Visit, section_index: int, lang: str,
                 typing: Typing | None = None, marks: dict[str, str] | None = None) -> list[ItemRow]:
    """The section's cards; `marks` names the items an action covers (`item_marks`)."""
    section = checklist.sections[section_index]
    return [item_row(item, visit, lang, checklist, typing, marks) for item in section.items]


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.required == 0 else self.answered / self.required


def progress(checklist: Checklist, visit: Visit) -> Progress:
    """Required items answered so far, out of all required items."""
    required = [item for item in checklist.items if item.is_required]
    answered = sum(1 for item in required if is_answered(item, visit.observation_for(item.key)))
    return Progress(answered=answered, required=len(required))


def section_of(checklist: Checklist, item_key: str) -> int:
    for index, section in enumerate(checklist.sections):
        if any(item.key == item_key for item in section.items):
            return index
    raise KeyError(item_key)


def stopwatch_left_running(item: Item, obs: Observation | None) -> bool:
    """A timed item whose stopwatch was started but not marked (so it has no value yet)."""
    return (item.kind is Kind.TIMED and obs is not None and not obs.na and obs.value is None
            and obs.timing is not None and bool(obs.timing.marks))


@dataclass(frozen=True)
class ReviewLine:
    item_key: str | None    # where tapping the line jumps (None: not about one item)
    text: str               # the item's text in the user's language
    message: str            # what is wrong, in the user's language


@dataclass(frozen=True)
class ReviewModel:
    score: float | None
    visit_score: float | None
    knocked_out: bool
    knockouts: tuple[ReviewLine, ...]
    failed: tuple[ReviewLine, ...]
    missing: tuple[ReviewLine, ...]

    @property
    def can_finalise(self) -> bool:
        return not self.missing


_OBSERVATION_PATH = re.compile(r"^observations\[(\d+)\]")


def problem_item_key(problem: Problem, visit: Visit) -> str | None:
    """The item a domain problem is about (its path names an observation, or its message
    starts with the item key, as for a required item never answered)."""
    match = _OBSERVATION_PATH.match(problem.path)
    if match and int(match[1]) < len(visit.observations):
        return visit.observations[int(match[1])].item_key
    head = problem.message.split(":", 1)[0]
    return head if re.fullmatch(r"[a-z0-9_]+", head) else None


def _strip_key(message: str, key: str | None) -> str:
    prefixes = (f"{key}: ", f"{key}:") if key else ()
    for prefix in prefixes:
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def review_model(checklist: Checklist, visit: Visit, lang: str) -> ReviewModel:
    """Score, knock-outs, failed items and every problem still stopping the finalise."""
    items = checklist.item_map
    answered = visit.model_copy(update={"observations": [
        o for o in visit.observations if is_answered(items[o.item_key], o)]})
    scored = score_visit(answered, checklist)
    knockouts, failed = [], []
    for row in scored.observations:
        if row.outcome is Outcome.FAIL:
            line = ReviewLine(row.item_key, text_of(items[row.item_key].text, lang),
                              t(lang, "review.knocked_out" if row.critical else "review.failed"))
            (knockouts if row.critical else failed).append(line)
    # A stopwatch started and never marked: "no answer" would hide what to do, so it says so,
    # first (an optional item's too: finalising would drop its timing unnoticed).
    running = [ReviewLine(item.key, text_of(item.text, lang),
                          t(lang, "flow.stopwatch_running", item=text_of(item.text, lang)))
               for item in checklist.items if stopwatch_left_running(item, visit.observation_for(item.key))]
    left_running = {line.item_key for line in running}
    missing = []
    for problem in visit_problems(visit, checklist, require_finished=False):
        key = problem_item_key(problem, visit)
        text = text_of(items[key].text, lang) if key in items else ""
        if key in left_running:
            continue
        message = problem.message_zh if is_chinese(lang) else problem.message
        missing.append(ReviewLine(key if key in items else None, text, _strip_key(message, key)))
    missing = running + missing
    return ReviewModel(score=scored.score, visit_score=scored.visit_score,
                       knocked_out=scored.knocked_out, knockouts=tuple(knockouts),
                       failed=tuple(failed), missing=tuple(missing))
