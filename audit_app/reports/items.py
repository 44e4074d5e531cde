"""By item, one checklist at a time: a period holds items of several checklists (retail, bank,
business centre...), and 150 items of seven checklists in one list compare nothing with
anything. The items are shown for one checklist, by default the one with most visits in the
period; the manager picks another from the checklists that have rows.

A checklist's visit count comes from the server's `group_by=checklist` answer; without it
(an older cached answer) from its most-visited item, which is answered in nearly every visit."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import Labeller
from .models import ComplianceAnswer


@dataclass(frozen=True)
class ChecklistChoice:
    id: str
    title: str
    visits: int


def checklist_of(item_row_key: str) -> str:
    """Item rows are keyed `<checklist id>/<item key>`."""
    return item_row_key.split("/", 1)[0]


def checklist_choices(items: ComplianceAnswer, by_checklist: ComplianceAnswer | None,
                      labeller: Labeller) -> tuple[ChecklistChoice, ...]:
    """The checklists with item rows, most visits first (ties by title)."""
    counted = {row.key: row.visits for row in by_checklist.rows} if by_checklist is not None else {}
    visits: dict[str, int] = {}
    for row in items.rows:
        checklist = checklist_of(row.key)
        visits[checklist] = max(visits.get(checklist, 0), row.visits)
    choices = [ChecklistChoice(cid, labeller.checklist_title(cid), counted.get(cid, seen))
               for cid, seen in visits.items()]
    return tuple(sorted(choices, key=lambda c: (-c.visits, c.title, c.id)))


def chosen_checklist(choices: tuple[ChecklistChoice, ...], picked: str | None) -> str | None:
    """The manager's pick while it has rows; otherwise the checklist with most visits."""
    if picked is not None and any(c.id == picked for c in choices):
        return picked
    return choices[0].id if choices else None


def items_of(items: ComplianceAnswer, checklist_id: str | None) -> ComplianceAnswer:
    """The answer's rows of one checklist's items (all rows when there is no checklist)."""
    if checklist_id is None:
        return items
    return items.model_copy(update={"rows": [r for r in items.rows if checklist_of(r.key) == checklist_id]})
