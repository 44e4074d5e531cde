"""`GET /reports/actions` as SQL over the `actions` rows' derived figures.

Counts per status, overdue and the first re-check results are one GROUP BY key (a COUNT(*)
FILTER each); on PostgreSQL the same scan gathers each group's days to resolve for its median
(`_with_pg_median`), on SQLite the median is a window query (row numbers per group, the middle
one or two averaged). The rows are built to match the domain's `report_row` definition, and a
test checks them against a recomputation from the events."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

from sqlalchemy import ColumnElement, Float, column, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import Session

from audit_app.domain.actions import STATUSES, STILL_OPEN, ActionReportRow

from .action_store import REJECTED_VISITS
from .reports import ReportFilters
from .tables import Action, ObservationRow, Site, VisitRevision

ActionGroupBy = Literal["site", "item", "assignee"]
ACTIONS = Action.__table__


def _key(group_by: ActionGroupBy) -> Any:
    return {"site": ACTIONS.c.site_id, "item": ACTIONS.c.item_key,
            "assignee": ACTIONS.c.assignee}[group_by]


def action_conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """The compliance report filters applied to actions: dates are creation dates; checklist,
    staff and auditor are those of the visit (and failed observation) the action came from;
    actions raised from a rejected visit are left out unless `include_rejected`."""
    conditions: list[ColumnElement[bool]] = []
    if filters.date_from is not None:
        conditions.append(ACTIONS.c.created_on >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(ACTIONS.c.created_on <= filters.date_to)
    if filters.site_id is not None:
        conditions.append(ACTIONS.c.site_id == filters.site_id)
    if filters.region is not None:
        conditions.append(ACTIONS.c.site_id.in_(select(Site.id).where(Site.region == filters.region)))
    if not filters.include_rejected:  # an action raised from a rejected visit leaves the numbers
        conditions.append(or_(ACTIONS.c.visit_id.is_(None), ACTIONS.c.visit_id.not_in(REJECTED_VISITS)))
    latest = VisitRevision.is_latest.is_(True)
    if filters.checklist_id is not None:
        conditions.append(ACTIONS.c.visit_id.in_(select(VisitRevision.visit_id).where(
            latest, VisitRevision.checklist_id == filters.checklist_id)))
    if filters.auditor_id is not None:
        conditions.append(ACTIONS.c.visit_id.in_(select(VisitRevision.visit_id).where(
            latest, VisitRevision.auditor_id == filters.auditor_id)))
    if filters.staff_id is not None:
        staff = select(ObservationRow.visit_id).where(
            ObservationRow.is_latest.is_(True), ObservationRow.staff_id == filters.staff_id,
            ObservationRow.visit_id == ACTIONS.c.visit_id,
            ObservationRow.item_key == ACTIONS.c.item_key)
        conditions.append(staff.exists())
    return conditions


def action_report_rows(session: Session, group_by: ActionGroupBy, filters: ReportFilters,
                       today: dt.date) -> list[ActionReportRow]:
    key = _key(group_by).label("key")
    conditions = action_conditions(filters)
    still_open = ACTIONS.c.status.in_(sorted(STILL_OPEN))
    # One row per group, every figure a COUNT(*) FILTER (…): grouping by status as well made
    # PostgreSQL aggregate six times as many rows, and FILTER is quicker there than SUM(CASE).
    counts = [func.count().label("total"),
              func.count().filter(still_open & (ACTIONS.c.due_on < today)).label("overdue"),
              func.count().filter(ACTIONS.c.first_recheck == "verify").label("first"),
              func.count(ACTIONS.c.first_recheck).label("checked"),
              *(func.count().filter(ACTIONS.c.status == status).label(status) for status in STATUSES)]
    postgres = session.get_bind().dialect.name == "postgresql"
    query = _with_pg_median(key, counts, conditions) if postgres else (
        select(key, *counts).where(*conditions).group_by(key))
    rows = {row.key: row._mapping for row in session.execute(query)}
    medians = ({group: row["median"] for group, row in rows.items() if row["median"] is not None}
               if postgres else _sqlite_medians(session, key, conditions))
    labels = _labels(session, group_by, rows)
    return [ActionReportRow(
        key=group, label=labels.get(group), total=row["total"],
        **{status: row[status] for status in STATUSES}, overdue=row["overdue"],
        median_days_to_resolve=(round(float(medians[group]), 4) if group in medians else None),
        verified_first_time_rate=round(row["first"] / row["checked"], 4) if row["checked"] else None)
        for group, row in sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]


def _with_pg_median(key: Any, counts: list[Any], conditions: list[ColumnElement[bool]]) -> Any:
    """The counts and the median in one scan of `actions` on PostgreSQL: a hash aggregate
    gathers each group's days to resolve into an array beside its counts, then each (small)
    array is sorted on its own and its middle one or two averaged, as statistics.median does.
    Ordered-set aggregates (percentile_disc) sort every row of the table by group first,
    which cost more than all the counts together."""
    days = ACTIONS.c.days_to_resolve
    groups = (select(key, *counts, func.array_agg(days).filter(days.is_not(None)).label("days"))
              .where(*conditions).group_by(key).cte("action_groups"))
    value = func.unnest(groups.c.days).table_valued(column("value", Float), name="days").render_derived()
    ordered = select(func.array_agg(aggregate_order_by(value.c.value, value.c.value),
                                    type_=ARRAY(Float)).label("sorted")
                     ).select_from(value).lateral("ordered")
    n = func.cardinality(ordered.c.sorted)
    # Integer division: the middle element, or the middle two of an even count (1-based).
    median = ((ordered.c.sorted[(n + 1) // literal(2)] + ordered.c.sorted[(n + 2) // literal(2)])
              / literal(2.0)).label("median")
    return (select(*(c for c in groups.c if c.name != "days"), median)
            .select_from(groups.outerjoin(ordered, true())))


def _sqlite_medians(session: Session, key: Any, conditions: list[ColumnElement[bool]]) -> dict[Any, float]:
    """The median per group with a window query (row numbers per group, the middle one or two
    averaged): SQLite has no ordered-set aggregates or arrays."""
    days = ACTIONS.c.days_to_resolve
    ranked = (select(key, days.label("days"),
                     func.row_number().over(partition_by=key, order_by=days).label("rank"),
                     func.count().over(partition_by=key).label("n"))
              .where(days.is_not(None), *conditions).subquery())
    # Integer division in both databases: the middle row, or the middle two for an even count.
    middle = ranked.c.rank.in_([(ranked.c.n + 1) // literal(2), (ranked.c.n + 2) // literal(2)])
    query = select(ranked.c.key, func.avg(ranked.c.days)).where(middle).group_by(ranked.c.key)
    return {group: round(float(value), 4) for group, value in session.execute(query)}


def _labels(session: Session, group_by: ActionGroupBy, rows: dict[Any, Any]) -> dict[Any, str]:
    if group_by != "site" or not rows:
        return {}
    return dict(session.execute(select(Site.id, Site.name).where(Site.id.in_(
        [key for key in rows if key is not None]))).all())


def excluded_rejected_actions(session: Session, filters: ReportFilters) -> int:
    """How many actions matching `filters` the report left out for coming from a rejected visit."""
    if filters.include_rejected:
        return 0
    everything = dataclasses.replace(filters, include_rejected=True)
    return session.scalar(select(func.count()).select_from(ACTIONS).where(
        *action_conditions(everything), ACTIONS.c.visit_id.in_(REJECTED_VISITS))) or 0
