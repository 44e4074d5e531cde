"""`/reports`: compliance rows (JSON and CSV) and trends, for managers and admins.

Region scoping: a manager with a region always sees only that region's sites. Their region is
added to every query; asking for another region explicitly is refused with 403 rather than
answered with an empty report, so a mistyped region is not mistaken for "no visits"."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from audit_app.domain import AWARD_FLOOR, TARGET, GroupBy, GroupRow

from ..deps import ChecklistsDep, ManagerUser, SessionDep
from ..errors import FORBIDDEN, INVALID_REQUEST, ApiError, ErrorDetail, error_responses
from ..reports import (
    CSV_FIELDS, Interval, ReportFilters, TrendGroupBy, TrendRow, compliance_rows, csv_cell,
    excluded_rejected, report_labels, trend_rows,
)

router = APIRouter(prefix="/reports", tags=["reports"], responses=error_responses(401, 403, 422))
# Any stored id or region; control characters (NUL included) can be in none, so they are 422.
FilterId = Annotated[str | None,
                     Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]


def report_filters(
    user: ManagerUser,
    date_from: Annotated[dt.date | None, Query(alias="from", description="first local date")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="last local date")] = None,
    site_id: FilterId = None, region: FilterId = None, checklist_id: FilterId = None,
    staff_id: FilterId = None, auditor_id: FilterId = None,
    include_rejected: Annotated[bool, Query(description="count rejected visits too")] = False,
) -> ReportFilters:
    """The query's filters, with a regional manager's region forced."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="date_range", path="query.from", message="`from` must not be after `to`")])
    if user.role == "manager" and user.region is not None:
        if region is not None and region != user.region:
            raise ApiError(403, FORBIDDEN, f"you may only see reports for the region {user.region}")
        region = user.region
    return ReportFilters(date_from=date_from, date_to=date_to, site_id=site_id, region=region,
                         checklist_id=checklist_id, staff_id=staff_id, auditor_id=auditor_id,
                         include_rejected=include_rejected)


Filters = Annotated[ReportFilters, Depends(report_filters)]


class ComplianceReport(BaseModel):
    group_by: GroupBy
    target: float
    award_floor: float
    rows: list[GroupRow]
    # Rejected visits matching the filters that the rows leave out (0 with include_rejected).
    excluded_rejected: int = 0


class TrendReport(BaseModel):
    group_by: TrendGroupBy
    interval: Interval
    rows: list[TrendRow]
    excluded_rejected: int = 0


def _rows(session: SessionDep, checklists: ChecklistsDep, group_by: GroupBy,
          filters: ReportFilters) -> list[GroupRow]:
    labels = report_labels(session, group_by, checklists)
    return compliance_rows(session, group_by, filters, labels)


@router.get("/compliance")
def compliance(session: SessionDep, checklists: ChecklistsDep, filters: Filters,
               group_by: GroupBy) -> ComplianceReport:
    """Process-compliance rows per site, staff, item, dimension or checklist (sorted by key)."""
    return ComplianceReport(group_by=group_by, target=TARGET, award_floor=AWARD_FLOOR,
                            rows=_rows(session, checklists, group_by, filters),
                            excluded_rejected=excluded_rejected(session, filters))


@router.get("/compliance.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "the rows as CSV"}})
def compliance_csv(session: SessionDep, checklists: ChecklistsDep, filters: Filters,
                   group_by: GroupBy) -> Response:
    """The same rows as `/reports/compliance`, as CSV with the row field names as header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in _rows(session, checklists, group_by, filters):
        writer.writerow([csv_cell(getattr(row, name)) for name in CSV_FIELDS])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="compliance-{group_by}.csv"',
        # CSV has no place for it beside the rows: the count of rejected visits left out.
        "X-Excluded-Rejected": str(excluded_rejected(session, filters))})


@router.get("/trend")
def trend(session: SessionDep, checklists: ChecklistsDep, filters: Filters,
          group_by: TrendGroupBy, interval: Interval = "week") -> TrendReport:
    """Pooled rate per period (day, week from Monday, month from the 1st) and site or staff."""
    labels = report_labels(session, group_by, checklists)
    return TrendReport(group_by=group_by, interval=interval,
                       rows=trend_rows(session, group_by, interval, filters, labels),
                       excluded_rejected=excluded_rejected(session, filters))
