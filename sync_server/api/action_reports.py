"""`/reports/actions`: corrective actions per site, item or assignee (managers and admins),
with the compliance reports' filters and region scoping."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from audit_app.domain.actions import ActionReportRow

from ..action_reports import ActionGroupBy, action_report_rows, excluded_rejected_actions
from ..deps import ClockDep, SessionDep
from ..errors import error_responses
from .reports import Filters

router = APIRouter(prefix="/reports", tags=["reports"], responses=error_responses(401, 403, 422))


class ActionReport(BaseModel):
    group_by: ActionGroupBy
    today: dt.date
    rows: list[ActionReportRow]
    # Actions raised from rejected visits that the rows leave out (0 with include_rejected).
    excluded_rejected: int = 0


@router.get("/actions")
def actions_report(session: SessionDep, clock: ClockDep, filters: Filters,
                   group_by: ActionGroupBy = "site",
                   today: Annotated[dt.date | None, Query(description="judge overdue on this date")] = None,
                   ) -> ActionReport:
    """Open, overdue, resolved, verified, reopened, median days to resolve and the share
    verified at the first re-check, per group (sorted by key)."""
    day = today or clock().date()
    return ActionReport(group_by=group_by, today=day,
                        rows=action_report_rows(session, group_by, filters, day),
                        excluded_rejected=excluded_rejected_actions(session, filters))
