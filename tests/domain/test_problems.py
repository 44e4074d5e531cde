"""Completeness and consistency checks list every problem at once."""

from audit_app.domain import visit_problems

from .builders import checklist, item, obs, visit

SHA = "a" * 64


def codes(problems):
    return sorted((p.code, p.path) for p in problems)


def test_complete_visit_has_no_problems():
    cl = checklist(item("a"), item("t", "timed"), item("comment", "text"))
    assert visit_problems(visit(cl, obs("a", True), obs("t", 1.5)), cl) == []


def test_every_problem_is_listed_not_just_the_first():
    cl = checklist(item("a"), item("t", "timed"), item("r", "rating"), item("c", "count", max=3),
                   item("must", "check"), item("badge", photo="required"))
    v = visit(cl, obs("a", "yes"), obs("t", -1), obs("r", 9), obs("c", 2.5), obs("ghost", True),
              obs("badge", True, photos=[SHA]), finished_at=None)
    assert codes(visit_problems(v, cl)) == [
        ("missing_required", "observations"),           # "must" never answered
        ("not_finished", "finished_at"),
        ("out_of_range", "observations[1].value"),      # negative seconds
        ("out_of_range", "observations[2].value"),      # rating 9 on a 1..5 scale
        ("unknown_item", "observations[4].item_key"),
        ("unknown_photo", "observations[5].photos[0]"),
        ("wrong_type", "observations[0].value"),        # check answered with a string
        ("wrong_type", "observations[3].value"),        # count answered with 2.5
    ]


def test_missing_required_names_the_item():
    cl = checklist(item("greet"), item("smile"))
    [problem] = visit_problems(visit(cl, obs("greet", True)), cl)
    assert problem.code == "missing_required" and "smile" in problem.message


def test_optional_item_left_out_is_not_a_problem():
    cl = checklist(item("greet"), item("bonus", required=False))
    assert visit_problems(visit(cl, obs("greet", True)), cl) == []


def test_na_satisfies_a_required_item_without_a_value():
    cl = checklist(item("greet", photo="required"))
    assert visit_problems(visit(cl, obs("greet", None, na=True)), cl) == []


def test_answered_scored_item_without_value_is_missing():
    cl = checklist(item("greet"))
    [problem] = visit_problems(visit(cl, obs("greet", None)), cl)
    assert (problem.code, problem.path) == ("missing_required", "observations[0].value")


def test_required_photo_evidence_must_be_attached():
    cl = checklist(item("badge", photo="required"))
    [problem] = visit_problems(visit(cl, obs("badge", True)), cl)
    assert problem.code == "missing_photo"


def test_duplicate_answers_for_one_item_are_refused():
    cl = checklist(item("a"))
    [problem] = visit_problems(visit(cl, obs("a", True), obs("a", False)), cl)
    assert (problem.code, problem.path) == ("duplicate_item", "observations[1].item_key")


def test_bool_is_not_accepted_as_a_number():
    cl = checklist(item("t", "timed"), item("c", "count"))
    problems = visit_problems(visit(cl, obs("t", True), obs("c", False)), cl)
    assert [p.code for p in problems] == ["wrong_type", "wrong_type"]


def test_visit_checked_against_another_version_is_a_mismatch():
    cl = checklist(item("a"))
    v = visit(cl, obs("a", True))
    problems = visit_problems(v, checklist(item("a"), version=2))
    assert [p.code for p in problems] == ["checklist_mismatch"]


def test_a_draft_may_be_checked_without_being_finished():
    cl = checklist(item("a"))
    v = visit(cl, obs("a", True), finished_at=None)
    assert visit_problems(v, cl, require_finished=False) == []
