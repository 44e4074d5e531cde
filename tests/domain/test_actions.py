"""Corrective actions in the domain: derived status for every event order, working-day
deadlines across weekends, default priority and title, validation problems in en + zh, and
the report row definition."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_app.domain.actions import (
    EVENT_TYPES, STATUSES, STILL_OPEN, TRANSITIONS, ActionFigures, ActionSummary, NewAction,
    NewEvent, action_figures, action_problems, add_working_days, days_open, default_due_on,
    default_priority, default_title, derive_status, event_problems, is_overdue, report_row,
    report_rows,
)
from audit_app.domain.checklist import Item, Text

T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def event(kind: str, minutes: int = 0, **fields: object) -> NewEvent:
    if kind == "resolve":
        fields = {"note": "fixed", "cause": "facilities", "root_cause": "why x5"} | fields
    if kind == "cant_do":
        fields = {"note": "no budget"} | fields
    return NewEvent(id=str(uuid.uuid4()), type=kind, at=T0 + dt.timedelta(minutes=minutes),  # type: ignore[arg-type]
                    **fields)


def item(critical: bool = False) -> Item:
    return Item(key="projector", text=Text(en="Projector works", zh="投影仪正常"), kind="check",  # type: ignore[arg-type]
                critical=critical, source="seed 003", dimension="tangibles")


# --- derived status ---------------------------------------------------------------------

event_orders = st.lists(st.sampled_from(EVENT_TYPES), max_size=12)


@settings(max_examples=300)
@given(event_orders)
def test_derived_status_equals_appending_only_the_events_validation_accepts(kinds: list[str]) -> None:
    status = "open"
    accepted: list[NewEvent] = []
    for index, kind in enumerate(kinds):
        candidate = event(kind, index)
        if not event_problems(status, candidate):  # type: ignore[arg-type]
            accepted.append(candidate)
            status = TRANSITIONS[(status, kind)]  # type: ignore[index]
    assert derive_status(accepted) == status
    # Refused events change nothing, so the whole sequence derives the same status.
    assert derive_status(event(k, i) for i, k in enumerate(kinds)) == status


@given(event_orders, st.integers(min_value=0, max_value=12))
def test_a_comment_anywhere_never_changes_the_status(kinds: list[str], at: int) -> None:
    events = [event(k, i) for i, k in enumerate(kinds)]
    with_comment = events[:at] + [event("comment", 99)] + events[at:]
    assert derive_status(with_comment) == derive_status(events)


@given(event_orders)
def test_verified_is_reached_only_by_a_verify_straight_after_a_resolve(kinds: list[str]) -> None:
    events = [event(k, i) for i, k in enumerate(kinds)]
    if derive_status(events) == "verified":
        statuses = []
        status = "open"
        for e in events:
            before = status
            status = TRANSITIONS.get((status, e.type), status)  # type: ignore[arg-type]
            statuses.append((before, e.type, status))
        last_change = [s for s in statuses if s[0] != s[2]][-1]
        assert last_change[:2] == ("resolved", "verify")


@given(event_orders)
def test_figures_status_matches_the_derived_status(kinds: list[str]) -> None:
    events = [event(k, i) for i, k in enumerate(kinds)]
    figures = action_figures(T0, events)
    assert figures.status == derive_status(events)
    assert (figures.closed_on is None) == (figures.status in STILL_OPEN)
    ever_resolved = any(derive_status(events[:n]) == "resolved" for n in range(len(events) + 1))
    assert (figures.days_to_resolve is not None) == ever_resolved


def test_the_usual_life_of_an_action() -> None:
    assert derive_status([]) == "open"
    events = [event("start"), event("comment"), event("resolve", 60 * 24)]
    assert derive_status(events) == "resolved"
    figures = action_figures(T0, events)
    assert figures.days_to_resolve == 1.0
    assert figures.last_resolved_at == T0 + dt.timedelta(days=1)
    assert derive_status([*events, event("verify")]) == "verified"
    reopened = [*events, event("reopen"), event("resolve", 3000), event("verify", 4000)]
    assert derive_status(reopened) == "verified"
    assert action_figures(T0, reopened).first_recheck == "reopen"
    assert action_figures(T0, [*events, event("verify")]).first_recheck == "verify"


def test_every_status_is_reachable() -> None:
    reached = {derive_status([event(k) for k in path]) for path in (
        [], ["start"], ["resolve"], ["resolve", "verify"], ["resolve", "reopen"], ["cant_do"])}
    assert reached == set(STATUSES)


# --- validation -------------------------------------------------------------------------

def test_a_resolve_without_note_cause_or_root_cause_lists_every_problem_in_both_languages() -> None:
    bare = NewEvent(id=str(uuid.uuid4()), type="resolve", at=T0)
    problems = event_problems("open", bare, photo_required=True)
    assert [p.code for p in problems] == ["missing_note", "missing_cause", "missing_root_cause",
                                         "missing_photo"]
    assert all(p.message and p.message_zh and p.message != p.message_zh for p in problems)
    assert all("：" in p.message_zh and ":" not in p.message_zh for p in problems)  # full-width colon


def test_a_verify_of_an_action_not_resolved_is_refused() -> None:
    for status in ("open", "in_progress", "reopened", "cant_do", "verified"):
        problems = event_problems(status, event("verify"))  # type: ignore[arg-type]
        assert [p.code for p in problems] == ["event_not_allowed"]
    assert event_problems("resolved", event("verify")) == []


def test_cant_do_needs_a_reason() -> None:
    bare = NewEvent(id=str(uuid.uuid4()), type="cant_do", at=T0)
    assert [p.code for p in event_problems("open", bare)] == ["missing_reason"]


def test_action_problems_name_every_unknown_reference() -> None:
    action = NewAction(id=str(uuid.uuid4()), site_id="nowhere", item_key="projector",
                       title="Fix", priority="urgent", due_on=dt.date(2026, 11, 19),
                       assignee="ghost", created_at=T0)
    problems = action_problems(action, site_known=False, assignee_known=False, visit_known=True,
                               item_known=False)
    assert [p.code for p in problems] == ["unknown_site", "unknown_item", "item_without_visit",
                                         "unknown_assignee", "due_before_created"]
    assert all(p.message_zh for p in problems)


def test_unknown_fields_in_an_event_are_refused() -> None:
    with pytest.raises(ValueError):
        NewEvent.model_validate({"id": str(uuid.uuid4()), "type": "comment", "at": T0.isoformat(),
                                 "status": "verified"})


# --- deadlines, defaults ----------------------------------------------------------------

@pytest.mark.parametrize(("start", "priority", "due"), [
    (dt.date(2026, 11, 16), "urgent", dt.date(2026, 11, 18)),     # Mon → Wed
    (dt.date(2026, 11, 19), "urgent", dt.date(2026, 11, 23)),     # Thu → Mon
    (dt.date(2026, 11, 20), "general", dt.date(2026, 11, 25)),    # Fri → Wed
    (dt.date(2026, 11, 20), "important", dt.date(2026, 11, 27)),  # Fri → next Fri
    (dt.date(2026, 11, 21), "urgent", dt.date(2026, 11, 24)),     # Sat → Tue
    (dt.date(2026, 11, 22), "general", dt.date(2026, 11, 25)),    # Sun → Wed
])
def test_due_dates_count_working_days_and_skip_weekends(start: dt.date, priority: str,
                                                        due: dt.date) -> None:
    assert default_due_on(priority, start) == due  # type: ignore[arg-type]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
       st.integers(min_value=1, max_value=30))
def test_a_due_date_is_a_weekday_with_exactly_n_weekdays_after_the_start(start: dt.date, n: int) -> None:
    due = add_working_days(start, n)
    assert due.weekday() < 5
    between = [start + dt.timedelta(days=d) for d in range(1, (due - start).days + 1)]
    assert sum(day.weekday() < 5 for day in between) == n


def test_a_failed_critical_item_defaults_to_urgent_and_others_to_general() -> None:
    assert default_priority(item(critical=True)) == "urgent"
    assert default_priority(item()) == "general"
    assert default_priority(None) == "general"


def test_the_default_title_is_the_item_text_in_the_users_language() -> None:
    assert default_title(item(), "en") == "Projector works"
    assert default_title(item(), "zh-CN") == "投影仪正常"


# --- overdue, age, report rows -----------------------------------------------------------

def test_overdue_only_while_still_open_and_past_the_due_date() -> None:
    due = dt.date(2026, 11, 24)
    assert is_overdue("open", due, dt.date(2026, 11, 25))
    assert not is_overdue("open", due, due)
    assert not is_overdue("resolved", due, dt.date(2026, 12, 25))
    assert days_open(dt.date(2026, 11, 20), None, dt.date(2026, 11, 23)) == 3
    assert days_open(dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 12, 23)) == 1


def _summary(key: str, status: str, days: float | None, recheck: str | None,
             due: dt.date = dt.date(2026, 11, 24)) -> ActionSummary:
    return ActionSummary(key, due, ActionFigures(status, None, days, None, recheck))  # type: ignore[arg-type]


def test_a_report_row_counts_statuses_overdue_median_and_first_time_rate() -> None:
    today = dt.date(2026, 11, 30)
    row = report_row("s", [_summary("s", "open", None, None), _summary("s", "reopened", 2, "reopen"),
                           _summary("s", "verified", 1, "verify"), _summary("s", "verified", 4, "reopen"),
                           _summary("s", "resolved", 3, None, due=dt.date(2026, 12, 9))], today)
    assert (row.total, row.open, row.reopened, row.verified, row.resolved) == (5, 1, 1, 2, 1)
    assert row.overdue == 2
    assert row.median_days_to_resolve == 2.5
    assert row.verified_first_time_rate == pytest.approx(1 / 3, abs=1e-4)
    rows = report_rows([_summary("b", "open", None, None), _summary("a", "open", None, None),
                        ActionSummary(None, today, ActionFigures("open", None, None, None, None))], today)
    assert [r.key for r in rows] == ["a", "b", None]
