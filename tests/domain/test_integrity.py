"""The pure integrity rules: too fast (both rules), clock skew, check-in distance, copied-text
normalisation, and that the check-in additions leave older visits' canonical JSON alone."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_app.domain import Checklist, canonical_json
from audit_app.domain.integrity import (
    check_in_flags, clock_skew, comparable_texts, distance_m, flag_message, min_duration_s, too_fast,
)

from .builders import checklist, item, obs, visit

TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)


def twelve_checks() -> Checklist:
    return checklist(*(item(f"c{n}") for n in range(12)))


def answers_every(seconds: float, count: int = 12) -> list[dict[str, object]]:
    return [obs(f"c{n}", True, recorded_at=(START + dt.timedelta(seconds=seconds * n)).isoformat())
            for n in range(count)]


def test_min_duration_is_derived_from_the_items_unless_the_checklist_says() -> None:
    derived = checklist(item("a"), item("b", "timed"), item("c", "text"), item("d", "photo"))
    assert min_duration_s(derived) == 4 + 10 + 15 + 15
    explicit = Checklist.model_validate({**derived.model_dump(), "min_duration_s": 600})
    assert min_duration_s(explicit) == 600


def test_answers_a_second_apart_are_too_fast_and_two_seconds_apart_are_not() -> None:
    cl = twelve_checks()
    long_visit = {"finished_at": "2026-11-20T11:00:00+08:00"}
    [fast] = too_fast(visit(cl, *answers_every(1.0), **long_visit), cl)
    assert fast.evidence["rule"] == "answer_rate" and fast.evidence["median_gap_s"] == 1.0
    assert too_fast(visit(cl, *answers_every(2.0), **long_visit), cl) == []
    # Nine quick answers are not enough evidence for the rate rule.
    nine = checklist(*(item(f"c{n}") for n in range(9)))
    assert too_fast(visit(nine, *answers_every(0.5, 9), **long_visit), nine) == []


def test_a_photo_taken_outside_the_visit_window_is_clock_skew() -> None:
    cl = checklist(item("a"))
    sha = "a" * 64

    def with_photo_at(taken: dt.datetime):  # type: ignore[no-untyped-def]
        return visit(cl, obs("a", True), photos=[{"sha256": sha, "bytes": 1, "width": 1,
                                                  "height": 1, "taken_at": taken.isoformat()}])

    received = START + dt.timedelta(hours=1)
    [skew] = clock_skew(with_photo_at(START - dt.timedelta(minutes=11)), received)
    assert skew.evidence["field"] == "photos.taken_at" and skew.evidence["skew_s"] == -660
    assert clock_skew(with_photo_at(START - dt.timedelta(minutes=9)), received) == []
    # finished 10:20; a photo at 10:35 is 15 minutes after the visit ended.
    assert len(clock_skew(with_photo_at(START + dt.timedelta(minutes=35)), received)) == 1


def test_distance_is_great_circle_metres() -> None:
    # One degree of latitude is about 111.2 km everywhere.
    assert distance_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-3)
    assert distance_m(31.23, 121.47, 31.23, 121.47) == 0


def test_check_in_counts_its_accuracy_and_a_site_without_coordinates_is_silent() -> None:
    cl = checklist(item("a"))

    def checked_in(lat: float, accuracy: float):  # type: ignore[no-untyped-def]
        return visit(cl, obs("a", True), context={"check_in": {
            "lat": lat, "lon": 121.0, "accuracy_m": accuracy, "at": START.isoformat()}})

    # 0.004° of latitude ≈ 445 m: beyond 300 + 100, within 300 + 200.
    assert [f.code for f in check_in_flags(checked_in(31.004, 100), 31.0, 121.0)] == ["far_check_in"]
    assert check_in_flags(checked_in(31.004, 200), 31.0, 121.0) == []
    assert check_in_flags(visit(cl, obs("a", True)), None, None) == []
    [missing] = check_in_flags(visit(cl, obs("a", True)), 31.0, 121.0)
    assert (missing.code, missing.evidence) == ("no_check_in", {"reason": "none"})


def test_copied_text_compares_long_texts_whitespace_and_case_insensitively() -> None:
    cl = checklist(item("a"), item("remark", "text"))
    v = visit(cl, obs("a", True, note="ok"), obs("remark", "  The Counter   was DUSTY today "))
    assert comparable_texts(v, cl) == {"the counter was dusty today"}


def test_a_visit_without_check_in_keeps_its_canonical_json() -> None:
    cl = checklist(item("a"))
    assert '"context":{"peak":false}' in canonical_json(visit(cl, obs("a", True)))


def test_every_flag_code_has_an_english_and_a_chinese_message() -> None:
    for code, evidence in [("duplicate_photo", {"other_visit": "v"}), ("too_fast", {}),
                           ("clock_skew", {"field": "finished_at"}), ("no_check_in", {})]:
        english, chinese = flag_message(code, evidence)
        assert english != code and chinese != code and chinese.endswith("。")
