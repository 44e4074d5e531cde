"""The reports' Actions view and the actions beside a visit's failed items, as actions and
view-models of `ReportsSession` (a mixin, like the drill-down): `GET /reports/actions` per
site, assignee or item under the report filters, and a site's actions for the visit detail."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from audit_app.reports.actions import ActionReportView, LineAction, action_report, failed_item_actions
from audit_app.reports.client import ReportsError
from audit_app.reports.models import ActionGroupBy, ActionInfo, ActionReportAnswer

from .reports_drill import ReportsRoute

if TYPE_CHECKING:
    from .reports import ReportsSession


class ReportsActions:
    actions_by: ActionGroupBy = "site"
    _action_report: ActionReportAnswer | None = None
    _visit_actions: tuple[ActionInfo, ...] = ()
    visit_actions_known = False  # the site's actions were read (else the visit shows none, not "no action")

    @property
    def action_report(self: ReportsSession) -> ActionReportView | None:
        answer = self._action_report
        return None if answer is None else action_report(answer, self.labeller)

    async def open_actions(self: ReportsSession, group_by: ActionGroupBy | None = None) -> bool:
        """The Actions view: the report's filters, overdue judged on the app's date. The rows
        shown stay until the new answer is in (a switch of grouping redraws once)."""
        async def action() -> None:
            wanted = group_by or self.actions_by
            self.app.go(ReportsRoute.ACTIONS)
            params = {**self.params(), "today": self.app.now().date().isoformat()}
            self._action_report = await self._fetch(lambda s: s.action_report(wanted, params))
            self.actions_by = wanted
        return await self._act(action)

    def forget_actions(self: ReportsSession) -> None:
        """New filters: the kept answer no longer matches them."""
        self._action_report = None

    @property
    def line_actions(self: ReportsSession) -> dict[str, LineAction]:
        """The open visit's failed items, each with the action that follows it up."""
        if self._visit is None:
            return {}
        detail, _ = self._visit
        failed = [o.item_key for o in detail.outcomes if o.outcome == "fail"]
        return failed_item_actions(detail.visit.id, detail.visit.started_at, failed, self._visit_actions)

    async def _load_visit_actions(self: ReportsSession, site_id: str) -> None:
        """The site's actions (the cache's when offline). Without them the visit still shows,
        only without its actions: they are a note beside the visit, not the visit."""
        today = self.app.now().date()
        self._visit_actions, self.visit_actions_known = (), False
        source = await self._open_source()
        try:
            fetched = await asyncio.to_thread(source.site_actions, site_id, today)
        except ReportsError:
            return
        finally:
            source.client.close()
        self._visit_actions, self.visit_actions_known = tuple(fetched.answer), True
