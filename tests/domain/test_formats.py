"""Recorded values against their limits, as the visit screens and the PDF reports write them."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_app.domain import Item
from audit_app.domain.formats import against_limit, threshold_text, value_text
from audit_app.domain.visit import Observation

AT = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)


def item(**fields: object) -> Item:
    base: dict[str, object] = {"key": "k", "text": {"en": "K", "zh": "K"}, "source": "test"}
    return Item.model_validate(base | fields)


TIMED = item(kind="timed", dimension="responsiveness", thresholds_s={"peak": 10, "off_peak": 3})
MINUTES = item(kind="timed", dimension="responsiveness", threshold_s=600, unit="min")


@pytest.mark.parametrize(("subject", "value", "peak", "expected"), [
    (TIMED, 2.4, False, "2.4 s ≤ 3 s"),
    (TIMED, 3, False, "3 s ≤ 3 s"),
    (TIMED, 4.1, False, "4.1 s > 3 s"),
    (TIMED, 4.1, True, "4.1 s ≤ 10 s"),
    (MINUTES, 720, False, "12 min > 10 min"),
    (item(kind="count", dimension="tangibles", max=3), 1, False, "1 ≤ 3"),
    (item(kind="count", dimension="tangibles", max=3), 5, False, "5 > 3"),
    (item(kind="count", dimension="tangibles", min=2), 1, False, "1 < 2"),
    (item(kind="count", dimension="tangibles", min=2), 2, False, "2 ≥ 2"),
    (item(kind="count", dimension="tangibles", min=1, max=3), 2, False, "1 ≤ 2 ≤ 3"),
    (item(kind="count", dimension="tangibles", min=1, max=3), 0, False, "0 < 1"),
    (item(kind="rating", dimension="empathy", pass_min=4), 5, False, "5 / 5 ≥ 4"),
    (item(kind="rating", dimension="empathy", pass_min=4, scale=10), 2, False, "2 / 10 < 4"),
])
def test_a_value_is_written_against_its_limit_with_the_relation_that_holds(
        subject: Item, value: float, peak: bool, expected: str) -> None:
    assert against_limit(subject, value, peak) == expected


@pytest.mark.parametrize("value", [True, False, None, "a remark"])
def test_checks_texts_and_missing_values_have_no_limit(value: object) -> None:
    assert against_limit(item(kind="check", dimension="empathy"), value, False) is None  # type: ignore[arg-type]
    assert against_limit(None, 3, False) is None


def test_value_and_threshold_texts_follow_the_unit_and_peak_flag() -> None:
    observation = Observation(item_key="k", value=2.5, recorded_at=AT)
    assert value_text(TIMED, observation) == "2.5 s"
    assert threshold_text(TIMED, peak=True) == "10 s"
    assert threshold_text(TIMED, peak=False) == "3 s"
    assert value_text(TIMED, Observation(item_key="k", na=True, recorded_at=AT)) is None
