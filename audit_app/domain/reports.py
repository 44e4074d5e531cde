"""Group rows of CONTRACT.md §3: process-compliance rates per site, staff, item, dimension,
checklist. The server computes the same rows in SQL and builds them with `make_row`, so the
flags and the interval have one definition."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal, get_args

from pydantic import BaseModel

from .scoring import Outcome, ScoredObservation, VisitScore

GroupBy = Literal["site", "staff", "item", "dimension", "checklist"]
GROUPINGS: tuple[GroupBy, ...] = get_args(GroupBy)
# Visit-level means only make sense where a whole visit belongs to one group.
VISIT_MEAN_GROUPINGS = frozenset({"site", "checklist"})

TARGET = 0.90        # seed 000 ch.1 §2 二: process compliance >= 90%
AWARD_FLOOR = 0.80   # seed 000 ch.1 §3 二: staff under 80% are not eligible for awards
SMALL_SAMPLE = 20
Z_95 = 1.96


class GroupRow(BaseModel):
    key: str
    label: str
    applicable: float
    passed: float
    rate: float | None
    visit_score_mean: float | None
    observations: int
    visits: int
    critical_failures: int
    ci_low: float | None
    ci_high: float | None
    below_target: bool | None
    below_award_floor: bool | None
    small_sample: bool


def wilson_interval(p: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion p observed over n trials."""
    if n <= 0:
        raise ValueError("n must be > 0")
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(max(p * (1 - p), 0.0) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def observation_key(obs: ScoredObservation, group_by: GroupBy) -> str | None:
    """The row an observation counts for; None means it counts for no row (unattributed staff)."""
    if group_by == "site":
        return obs.site_id
    if group_by == "staff":
        return obs.staff_id
    if group_by == "item":
        return f"{obs.checklist_id}/{obs.item_key}"
    if group_by == "dimension":
        return obs.dimension
    return obs.checklist_id


def make_row(group_by: GroupBy, key: str, label: str, *, applicable: float, passed: float,
             observations: int, visits: int, critical_failures: int,
             visit_score_mean: float | None) -> GroupRow:
    """A group row from its totals: rate, Wilson interval and flags."""
    rate = passed / applicable if applicable > 0 else None
    if rate is not None and observations > 0:
        ci_low, ci_high = wilson_interval(rate, observations)
    else:
        ci_low = ci_high = None
    return GroupRow(
        key=key, label=label, applicable=applicable, passed=passed, rate=rate,
        visit_score_mean=visit_score_mean if group_by in VISIT_MEAN_GROUPINGS else None,
        observations=observations, visits=visits, critical_failures=critical_failures,
        ci_low=ci_low, ci_high=ci_high,
        below_target=None if rate is None else rate < TARGET,
        below_award_floor=(None if rate is None or group_by != "staff" else rate < AWARD_FLOOR),
        small_sample=observations < SMALL_SAMPLE,
    )


class _Totals:
    __slots__ = ("applicable", "passed", "observations", "critical_failures", "visits",
                 "visit_scores")

    def __init__(self) -> None:
        self.applicable = 0.0
        self.passed = 0.0
        self.observations = 0
        self.critical_failures = 0
        self.visits: set[str] = set()
        self.visit_scores: dict[str, float] = {}


def group_rows(scores: Iterable[VisitScore], group_by: GroupBy,
               labels: Mapping[str, str] | None = None) -> list[GroupRow]:
    """Rows for `group_by` over already filtered visits (latest revision each), sorted by key.

    A row exists for every key with at least one scored observation, N/A included; `visits`
    counts only the distinct visits with an applicable one (CONTRACT §3), so a visit whose
    observations in the group were all N/A adds nothing to a row: every figure of a row
    describes the same sample."""
    if group_by not in GROUPINGS:
        raise ValueError(f"group_by must be one of {', '.join(GROUPINGS)}")
    totals: dict[str, _Totals] = {}
    for visit in scores:
        for obs in visit.observations:
            key = observation_key(obs, group_by)
            if key is None:
                continue
            group = totals.get(key)
            if group is None:
                group = totals[key] = _Totals()
            if visit.visit_score is not None:
                group.visit_scores[obs.visit_id] = visit.visit_score
            if obs.outcome is Outcome.NA:
                continue
            group.visits.add(obs.visit_id)
            group.applicable += obs.weight
            group.observations += 1
            if obs.outcome is Outcome.PASS:
                group.passed += obs.weight
            elif obs.critical:
                group.critical_failures += 1
    rows = []
    for key in sorted(totals):
        group = totals[key]
        scores_in_group = group.visit_scores.values()
        mean = sum(scores_in_group) / len(scores_in_group) if scores_in_group else None
        rows.append(make_row(
            group_by, key, (labels or {}).get(key, key), applicable=group.applicable,
            passed=group.passed, observations=group.observations, visits=len(group.visits),
            critical_failures=group.critical_failures, visit_score_mean=mean))
    return rows
