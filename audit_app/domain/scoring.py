"""Scoring of CONTRACT.md §3: observation outcomes, visit scores, knock-outs.

One implementation for the phone and the server; the server never trusts client outcomes."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from .checklist import Checklist, Item, Kind
from .visit import Observation, Visit


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"


def outcome(item: Item, obs: Observation, *, peak: bool) -> Outcome:
    """Pass, fail or N/A for one observation of a scored item.

    Assumes the value was checked with `value_problem`; an unanswered value counts as a fail
    so that an incomplete draft never looks better than it is."""
    if not item.scored:
        raise ValueError(f"{item.key}: {item.kind.value} items are not scored")
    if obs.na:
        return Outcome.NA
    value = obs.value
    if value is None or isinstance(value, str):
        return Outcome.FAIL
    if item.kind is Kind.CHECK:
        passed = value is True
    elif item.kind is Kind.TIMED:
        passed = value <= item.threshold_for(peak)
    elif item.kind is Kind.COUNT:
        passed = (item.min is None or value >= item.min) and (item.max is None or value <= item.max)
    else:  # rating
        assert item.pass_min is not None
        passed = value >= item.pass_min
    return Outcome.PASS if passed else Outcome.FAIL


def attributed_staff(item: Item, obs: Observation, visit: Visit) -> str | None:
    """Who an observation counts for in staff rows (§3 staff attribution)."""
    if item.attribution == "site":
        return None
    if obs.staff_id is not None:
        return obs.staff_id
    if len(visit.staff_ids) == 1:
        return visit.staff_ids[0]
    return None


class ScoredObservation(NamedTuple):
    """One scored observation, flat: what the server stores one row of, and groups over."""

    visit_id: str
    checklist_id: str
    item_key: str
    site_id: str
    staff_id: str | None
    dimension: str
    weight: float
    critical: bool
    outcome: Outcome


class VisitScore(NamedTuple):
    visit_id: str
    site_id: str
    checklist_id: str
    applicable: float
    passed: float
    score: float | None
    knocked_out: bool
    visit_score: float | None
    observations: tuple[ScoredObservation, ...]


def score_visit(visit: Visit, checklist: Checklist) -> VisitScore:
    """Outcomes of every scored observation, the visit's score and its knock-out state."""
    if (visit.checklist_id, visit.checklist_version) != checklist.ref:
        raise ValueError(f"visit {visit.id} uses {visit.checklist_id} v{visit.checklist_version}, "
                         f"not {checklist.id} v{checklist.version}")
    items = checklist.item_map
    peak = visit.context.peak
    scored: list[ScoredObservation] = []
    applicable = passed = 0.0
    knocked_out = False
    for obs in visit.observations:
        item = items.get(obs.item_key)
        if item is None:
            raise ValueError(f"visit {visit.id}: {obs.item_key} is not an item of {checklist.id}")
        if not item.scored:
            continue
        result = outcome(item, obs, peak=peak)
        if result is not Outcome.NA:
            applicable += item.weight
            if result is Outcome.PASS:
                passed += item.weight
            elif item.critical:
                knocked_out = True
        assert item.dimension is not None
        scored.append(ScoredObservation(
            visit.id, visit.checklist_id, item.key, visit.site_id,
            attributed_staff(item, obs, visit), item.dimension.value, item.weight, item.critical,
            result))
    score = passed / applicable if applicable > 0 else None
    visit_score = None if score is None else (0.0 if knocked_out else score)
    return VisitScore(visit.id, visit.site_id, visit.checklist_id, applicable, passed, score,
                      knocked_out, visit_score, tuple(scored))
