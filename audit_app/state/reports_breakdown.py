"""By item / by dimension as actions and view-models of `ReportsSession` (a mixin, like the
drill-down): the items of one checklist at a time (issue 12 point 15), and the full text of a
row the manager taps (item texts are long; the table shows two lines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from audit_app.reports.charts import Overview, overview
from audit_app.reports.items import ChecklistChoice, checklist_choices, chosen_checklist, items_of

from .reports_drill import ReportsRoute

if TYPE_CHECKING:
    from .reports import ReportsSession

Breakdown = Literal["item", "dimension"]


class ReportsBreakdown:
    @property
    def breakdown_checklists(self: ReportsSession) -> tuple[ChecklistChoice, ...]:
        items = self._answers.get("item")
        if items is None:
            return ()
        return checklist_choices(items, self._answers.get("checklist"), self.labeller)

    @property
    def breakdown_checklist_shown(self: ReportsSession) -> str | None:
        return chosen_checklist(self.breakdown_checklists, self.breakdown_checklist)

    @property
    def breakdown(self: ReportsSession) -> Overview | None:
        answer = self._answers.get(self.breakdown_by)
        if answer is None:
            return None
        if self.breakdown_by == "item":
            answer = items_of(answer, self.breakdown_checklist_shown)
        return overview(answer, self.labeller, self.pages.get(self.breakdown_by, 0))

    async def open_breakdown(self: ReportsSession, group_by: Breakdown | None = None) -> bool:
        async def action() -> None:
            self.breakdown_by = group_by or self.breakdown_by
            self.app.go(ReportsRoute.BREAKDOWN)
            params = self.params()
            if self.breakdown_by == "item":  # visits per checklist: which one to show first
                await self._compliance("checklist", "checklist", params)
            await self._compliance(self.breakdown_by, self.breakdown_by, params)
        return await self._act(action)

    def pick_breakdown_checklist(self: ReportsSession, checklist_id: str) -> None:
        self.breakdown_checklist = checklist_id
        self.pages.pop("item", None)
        self.expanded_row = None
        self.app.changed()

    def toggle_row_text(self: ReportsSession, key: str) -> None:
        """A tap on a row's name shows its whole text; another tap (or another row) folds it."""
        self.expanded_row = None if self.expanded_row == key else key
        self.app.changed()
