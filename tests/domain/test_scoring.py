"""Hand-computed scoring examples (CONTRACT.md §3)."""

import pytest

from audit_app.domain import Outcome, group_rows, latest_revisions, score_visit, wilson_interval

from .builders import checklist, item, obs, visit


def outcomes(cl, v):
    return {o.item_key: o.outcome for o in score_visit(v, cl).observations}


def test_each_scored_kind_passes_and_fails_by_its_rule():
    cl = checklist(item("smiled"), item("greet", "timed", threshold_s=3),
                   item("rings", "count", max=3), item("calm", "count", min=30),
                   item("mood", "rating", scale=5, pass_min=4), item("comment", "text"))
    passing = visit(cl, obs("smiled", True), obs("greet", 3.0), obs("rings", 3),
                    obs("calm", 30), obs("mood", 4), obs("comment", "fine"))
    failing = visit(cl, obs("smiled", False), obs("greet", 3.1), obs("rings", 4),
                    obs("calm", 29), obs("mood", 3))
    assert outcomes(cl, passing) == dict.fromkeys(["smiled", "greet", "rings", "calm", "mood"], Outcome.PASS)
    assert outcomes(cl, failing) == dict.fromkeys(["smiled", "greet", "rings", "calm", "mood"], Outcome.FAIL)


def test_na_observation_leaves_the_denominator():
    cl = checklist(item("a"), item("b"), item("c"))
    score = score_visit(visit(cl, obs("a", True), obs("b", False), obs("c", False, na=True)), cl)
    assert (score.applicable, score.passed, score.score) == (2.0, 1.0, 0.5)


def test_weights_count_in_the_score_and_rate():
    cl = checklist(item("heavy", weight=3), item("light", weight=1))
    score = score_visit(visit(cl, obs("heavy", True), obs("light", False)), cl)
    assert score.score == pytest.approx(0.75)
    [row] = group_rows([score], "site")
    assert (row.applicable, row.passed, row.rate, row.observations) == (4.0, 3.0, 0.75, 2)


def test_knock_out_zeroes_visit_score_but_not_rate():
    cl = checklist(item("ignored_on_entry", critical=True), item("b"), item("c"), item("d"))
    score = score_visit(visit(cl, obs("ignored_on_entry", False), obs("b", True), obs("c", True),
                              obs("d", True)), cl)
    assert score.knocked_out and score.score == 0.75 and score.visit_score == 0.0
    [row] = group_rows([score], "site")
    assert row.rate == 0.75 and row.visit_score_mean == 0.0 and row.critical_failures == 1


def test_passed_critical_item_does_not_knock_out():
    cl = checklist(item("ignored_on_entry", critical=True), item("b"))
    score = score_visit(visit(cl, obs("ignored_on_entry", True), obs("b", False)), cl)
    assert not score.knocked_out and score.visit_score == 0.5


def test_peak_and_off_peak_thresholds_apply_by_visit_context():
    cl = checklist(item("wait", "timed", thresholds_s={"peak": 300, "off_peak": 180}))
    at_peak = visit(cl, obs("wait", 240.0), context={"peak": True})
    off_peak = visit(cl, obs("wait", 240.0), context={"peak": False})
    assert outcomes(cl, at_peak) == {"wait": Outcome.PASS}
    assert outcomes(cl, off_peak) == {"wait": Outcome.FAIL}
    assert outcomes(cl, visit(cl, obs("wait", 180.0))) == {"wait": Outcome.PASS}


def staff_keys(cl, v):
    return [(row.key, row.observations) for row in group_rows([score_visit(v, cl)], "staff")]


def test_observation_staff_id_wins_over_visit_staff():
    cl = checklist(item("a"))
    assert staff_keys(cl, visit(cl, obs("a", True, staff_id="staff-009"),
                                staff_ids=["staff-001", "staff-002"])) == [("staff-009", 1)]


def test_single_staff_visit_attributes_unassigned_observations():
    cl = checklist(item("a"))
    assert staff_keys(cl, visit(cl, obs("a", True), staff_ids=["staff-001"])) == [("staff-001", 1)]


def test_several_staff_and_no_staff_id_counts_for_nobody():
    cl = checklist(item("a"))
    assert staff_keys(cl, visit(cl, obs("a", True), staff_ids=["staff-001", "staff-002"])) == []
    assert staff_keys(cl, visit(cl, obs("a", True), staff_ids=[])) == []


def test_site_attributed_item_is_absent_from_staff_rows_but_counts_for_the_site():
    cl = checklist(item("clean_floor", attribution="site"), item("smiled"))
    v = visit(cl, obs("clean_floor", False, staff_id="staff-001"), obs("smiled", True))
    score = score_visit(v, cl)
    [staff_row] = group_rows([score], "staff")
    assert (staff_row.key, staff_row.observations, staff_row.rate) == ("staff-001", 1, 1.0)
    [site_row] = group_rows([score], "site")
    assert (site_row.observations, site_row.rate) == (2, 0.5)


def test_wilson_interval_matches_the_known_value_for_5_of_10():
    low, high = wilson_interval(0.5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4) and high == pytest.approx(0.7634, abs=1e-4)


def test_wilson_interval_for_all_passed_reaches_one():
    low, high = wilson_interval(1.0, 20)
    assert low == pytest.approx(0.8389, abs=1e-4) and high == 1.0


def test_later_revision_replaces_earlier_in_rows():
    cl = checklist(item("a"))
    first = visit(cl, obs("a", False), revision=1)
    second = visit(cl, obs("a", True), revision=2)
    latest = latest_revisions([second, first])
    assert [v.revision for v in latest] == [2]
    [row] = group_rows([score_visit(v, cl) for v in latest], "site")
    assert (row.rate, row.visits) == (1.0, 1)


def test_row_flags_follow_target_award_floor_and_sample_size():
    cl = checklist(*(item(f"i{n}") for n in range(20)))
    answers = [obs(f"i{n}", n >= 3) for n in range(20)]  # 17 of 20 pass: 0.85
    score = score_visit(visit(cl, *answers), cl)
    [staff] = group_rows([score], "staff")
    [site] = group_rows([score], "site")
    assert staff.rate == 0.85 and staff.below_target is True and staff.below_award_floor is False
    assert staff.small_sample is False and site.below_award_floor is None
    assert staff.visit_score_mean is None and site.visit_score_mean == 0.85


def test_group_keys_for_item_dimension_and_checklist():
    cl = checklist(item("a", dimension="empathy"), item("b"))
    score = score_visit(visit(cl, obs("a", True), obs("b", False)), cl)
    assert [r.key for r in group_rows([score], "item")] == ["test-list/a", "test-list/b"]
    assert [r.key for r in group_rows([score], "dimension")] == ["empathy", "responsiveness"]
    assert [r.key for r in group_rows([score], "checklist")] == ["test-list"]


def test_all_na_visit_has_no_score_and_no_rate():
    cl = checklist(item("a"))
    score = score_visit(visit(cl, obs("a", None, na=True)), cl)
    assert score.score is None and score.visit_score is None
    [row] = group_rows([score], "site")
    assert row.rate is None and row.observations == 0 and row.visits == 0 and row.ci_low is None


def test_unscored_items_are_not_scored():
    cl = checklist(item("a"), item("comment", "text"), item("evidence", "photo"))
    score = score_visit(visit(cl, obs("a", True), obs("comment", "ok"), obs("evidence")), cl)
    assert [o.item_key for o in score.observations] == ["a"]


def test_scoring_a_visit_against_another_checklist_version_is_refused():
    cl = checklist(item("a"))
    other = checklist(item("a"), version=2)
    with pytest.raises(ValueError, match="v1"):
        score_visit(visit(cl, obs("a", True)), other)


def test_a_visit_whose_group_items_were_all_na_is_not_one_of_the_rows_visits():
    cl = checklist(item("greet", dimension="empathy"), item("tidy", dimension="tangibles"))
    answered = score_visit(visit(cl, obs("greet", True), obs("tidy", False)), cl)
    tidy_na = score_visit(visit(cl, obs("greet", False), obs("tidy", None, na=True),
                                id="0d5a1c2e-3b4f-4a6d-8e9f-1a2b3c4d5e6f"), cl)
    rows = {row.key: row for row in group_rows([answered, tidy_na], "dimension")}
    # Both figures describe the one visit where "tidy" applied.
    assert (rows["tangibles"].observations, rows["tangibles"].visits) == (1, 1)
    assert (rows["empathy"].observations, rows["empathy"].visits) == (2, 2)
    items = {row.key: row.visits for row in group_rows([answered, tidy_na], "item")}
    assert items == {"test-list/greet": 2, "test-list/tidy": 1}
    [site] = group_rows([answered, tidy_na], "site")
    assert site.visits == 2
