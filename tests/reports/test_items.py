"""By item, one checklist at a time: which checklists are offered (most visits first), which
is shown (the manager's pick while it has rows, else the most visited), and its rows only."""

from __future__ import annotations

from audit_app.domain import AWARD_FLOOR, TARGET, make_row
from audit_app.reports.items import checklist_choices, chosen_checklist, items_of
from audit_app.reports.labels import Labeller
from audit_app.reports.models import ComplianceAnswer

EN = Labeller([], "en")


def answer(group_by: str, rows: list[tuple[str, int]]) -> ComplianceAnswer:
    made = [make_row(group_by, key, key, applicable=10, passed=9, observations=10, visits=visits,  # type: ignore[arg-type]
                     critical_failures=0, visit_score_mean=None) for key, visits in rows]
    return ComplianceAnswer(group_by=group_by, target=TARGET, award_floor=AWARD_FLOOR, rows=made)  # type: ignore[arg-type]


ITEMS = answer("item", [("retail/greet", 12), ("retail/queue", 11), ("bank/id", 3), ("bank/wait", 30),
                        ("office/desk", 5)])


def test_checklists_are_offered_by_their_visits_in_the_period_most_first() -> None:
    by_checklist = answer("checklist", [("retail", 40), ("bank", 31), ("office", 5)])
    choices = checklist_choices(ITEMS, by_checklist, EN)
    assert [(c.id, c.visits) for c in choices] == [("retail", 40), ("bank", 31), ("office", 5)]
    assert chosen_checklist(choices, None) == "retail"


def test_without_the_checklist_answer_a_checklist_counts_its_most_visited_item() -> None:
    choices = checklist_choices(ITEMS, None, EN)
    assert [(c.id, c.visits) for c in choices] == [("bank", 30), ("retail", 12), ("office", 5)]


def test_the_pick_stands_while_it_has_rows_and_only_its_items_are_shown() -> None:
    choices = checklist_choices(ITEMS, None, EN)
    assert chosen_checklist(choices, "office") == "office"
    assert chosen_checklist(choices, "gone") == "bank"  # a pick the new period has no rows for
    assert [r.key for r in items_of(ITEMS, "retail").rows] == ["retail/greet", "retail/queue"]
    assert len(items_of(ITEMS, None).rows) == 5
    assert chosen_checklist((), None) is None
