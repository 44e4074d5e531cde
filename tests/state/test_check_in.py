"""The check-in at visit start: a fix lands in the visit's context, a refusal or no fix is
recorded with its reason and the shopper goes on, a re-try replaces it."""

from __future__ import annotations

import asyncio

from audit_app.state.check_in import Fix, LocationUnavailable

from .conftest import run, start_retail_visit


def stored_context(state):  # type: ignore[no-untyped-def]
    return state.device.store.visits.get(state.visit.visit_id).visit.context


async def _fix() -> Fix:
    return Fix(lat=31.2304, lon=121.4737, accuracy_m=12.5)


async def _refused() -> Fix:
    raise LocationUnavailable("denied")


async def _never() -> Fix:
    await asyncio.Event().wait()  # no fix ever comes
    raise AssertionError("unreachable")


def test_a_fix_is_recorded_in_the_visit_context_with_the_phones_time(state, clock) -> None:
    start_retail_visit(state)
    state.locate = _fix
    run(state.check_in_visit())
    context = stored_context(state)
    assert (context.check_in.lat, context.check_in.lon, context.check_in.accuracy_m) == (
        31.2304, 121.4737, 12.5)
    assert context.check_in.at == clock() and context.check_in_missing is None
    assert state.check_in_status == "done"
    assert state.visit.visit.context == context


def test_a_refusal_is_recorded_and_the_shopper_goes_on_and_a_retry_replaces_it(state) -> None:
    start_retail_visit(state)
    state.locate = _refused
    run(state.check_in_visit())
    assert stored_context(state).check_in_missing == "denied"
    assert state.check_in_status == "denied"
    assert run(state.answer_check("eye_contact", True))
    state.locate = _fix
    run(state.check_in_visit())
    context = stored_context(state)
    assert context.check_in is not None and context.check_in_missing is None
    assert state.device.store.visits.get(state.visit.visit_id).visit.observation_for(
        "eye_contact").value is True


def test_no_fix_in_time_is_recorded_as_no_fix(state) -> None:
    start_retail_visit(state)
    state.locate = _never
    state.locate_timeout_s = 0.05
    run(state.check_in_visit())
    assert stored_context(state).check_in_missing == "no_fix"
