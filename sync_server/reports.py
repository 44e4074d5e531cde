"""Compliance reports of CONTRACT.md §3–4 as SQL over the denormalised `observations` table
and the per-revision totals stored beside it.

The totals of every group (weights, counts, distinct visits, critical failures) are one
GROUP BY over the latest rows: of `visit_revisions` (one per visit) for sites and checklists,
of `staff_visit_totals` (one per visit and staff member) for staff and for the staff filter,
of `observations` for items and dimensions (docs/scaling.md, "Reports at chain scale"); the rows are then built with the domain's
`make_row`, so the rate, the Wilson interval and the flags have one definition for the phone
and the server. Trends group by local date in SQL and fold days into weeks or months here,
which is portable across SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import Session

from audit_app.domain import DIMENSION_LABELS, GroupBy, GroupRow, make_row

from .catalog import ChecklistCache
from .tables import ObservationRow, Site, Staff, StaffVisitTotals, VisitHead, VisitRevision

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[Interval, ...] = get_args(Interval)
TrendGroupBy = Literal["site", "staff"]

OBS = ObservationRow.__table__
VISITS = VisitRevision.__table__
STAFF_TOTALS = StaffVisitTotals.__table__
SITES = Site.__table__
HEADS = VisitHead.__table__
# Rejected visits leave the numbers unless asked for (docs/integrity.md). A NOT IN over the
# few rejected ids keeps the covering indexes usable (visit_id is in each of them).
REJECTED = select(HEADS.c.id).where(HEADS.c.review_state == "rejected")


@dataclass(frozen=True)
class ReportFilters:
    """The contract's report filters; None means "not filtered". Dates are inclusive and
    compared with the visit's local date (`started_local_date`)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    site_id: str | None = None
    region: str | None = None
    checklist_id: str | None = None
    staff_id: str | None = None  # observations attributed to this staff member
    auditor_id: str | None = None
    include_rejected: bool = False


def _conditions(table: Any, filters: ReportFilters, *, has_staff: bool = True) -> list[ColumnElement[bool]]:
    """WHERE conditions for `filters` on `observations`, `visit_revisions` or
    `staff_visit_totals` (same column names)."""
    conditions: list[ColumnElement[bool]] = [table.c.is_latest == true()]
    if not filters.include_rejected:
        conditions.append(table.c.visit_id.not_in(REJECTED))
    if filters.date_from is not None:
        conditions.append(table.c.started_local_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(table.c.started_local_date <= filters.date_to)
    if filters.site_id is not None:
        conditions.append(table.c.site_id == filters.site_id)
    if filters.region is not None:
        conditions.append(table.c.site_id.in_(
            select(SITES.c.id).where(SITES.c.region == filters.region)))
    if filters.checklist_id is not None:
        conditions.append(table.c.checklist_id == filters.checklist_id)
    if filters.auditor_id is not None:
        conditions.append(table.c.auditor_id == filters.auditor_id)
    if filters.staff_id is not None:
        if has_staff:
            conditions.append(table.c.staff_id == filters.staff_id)
        else:  # a visit counts if it has an observation attributed to the staff member
            conditions.append(table.c.visit_id.in_(
                select(STAFF_TOTALS.c.visit_id).where(STAFF_TOTALS.c.is_latest == true(),
                                                      STAFF_TOTALS.c.staff_id == filters.staff_id)))
    return conditions


def _key_columns(group_by: GroupBy) -> list[Any]:
    if group_by == "site":
        return [OBS.c.site_id]
    if group_by == "staff":
        return [OBS.c.staff_id]
    if group_by == "item":
        return [OBS.c.checklist_id, OBS.c.item_key]
    if group_by == "dimension":
        return [OBS.c.dimension]
    return [OBS.c.checklist_id]


def _join_key(parts: Sequence[Any]) -> str:
    return "/".join(str(part) for part in parts)


_APPLICABLE = OBS.c.outcome != "na"


def _sums() -> list[Any]:
    """Per-group totals of observation rows (each CASE has an ELSE, so a sum is never NULL)."""
    return [
        func.sum(case((_APPLICABLE, OBS.c.weight), else_=0.0)).label("applicable"),
        func.sum(case((OBS.c.outcome == "pass", OBS.c.weight), else_=0.0)).label("passed"),
        func.sum(case((_APPLICABLE, 1), else_=0)).label("observations"),
        func.sum(case((and_(OBS.c.outcome == "fail", OBS.c.critical == true()), 1), else_=0))
        .label("critical_failures"),
    ]


def totals_query(group_by: GroupBy, filters: ReportFilters) -> Select[Any]:
    """The GROUP BY behind a compliance report: one result row per group key.

    Distinct visits are counted in two steps, totals per (key, visit) then per key, instead of
    COUNT(DISTINCT visit_id): the covering index (is_latest, key, visit_id, …) of migration 0002
    delivers rows in that order, and PostgreSQL hashes the inner step instead of sorting. Item
    rows need no step: a visit answers an item at most once (a duplicate is refused on upload),
    so their visits are their applicable rows. A (key, visit) pair whose observations were all
    N/A is not one of the key's visits (CONTRACT §3)."""
    keys = _key_columns(group_by)
    conditions = _conditions(OBS, filters)
    if group_by == "staff":
        conditions.append(OBS.c.staff_id.is_not(None))
    if group_by == "item":
        return (select(*keys, *_sums(), func.sum(case((_APPLICABLE, 1), else_=0)).label("visits"))
                .where(*conditions).group_by(*keys))
    per_visit = (select(*keys, *_sums()).where(*conditions)
                 .group_by(*keys, OBS.c.visit_id).subquery("per_visit"))
    outer_keys = [per_visit.c[key.name] for key in keys]
    return (select(*outer_keys,
                   *(func.sum(per_visit.c[name]).label(name)
                     for name in ("applicable", "passed", "observations", "critical_failures")),
                   func.sum(case((per_visit.c.observations > 0, 1), else_=0)).label("visits"))
            .group_by(*outer_keys))


def visit_totals_query(group_by: Literal["site", "checklist"], filters: ReportFilters) -> Select[Any]:
    """Site or checklist totals from the per-revision totals, one row per visit.

    A whole visit belongs to one site and one checklist, so summing its stored totals gives
    the same row as summing its observations, at 1/40 of the rows read. Only without a staff
    filter: that one selects observations, not visits. The mean visit score is the mean over the
    group's visits with a score (AVG skips NULL: a visit with applicable 0 has none)."""
    key = VISITS.c.site_id if group_by == "site" else VISITS.c.checklist_id
    return (select(key,
                   func.sum(VISITS.c.applicable).label("applicable"),
                   func.sum(VISITS.c.passed).label("passed"),
                   func.sum(VISITS.c.applicable_observations).label("observations"),
                   func.sum(VISITS.c.critical_failures).label("critical_failures"),
                   # Only visits with an applicable observation count (CONTRACT §3).
                   func.sum(case((VISITS.c.applicable_observations > 0, 1), else_=0))
                   .label("visits"),
                   func.avg(VISITS.c.visit_score).label("mean"))
            .where(*_conditions(VISITS, filters, has_staff=False),
                   VISITS.c.scored_observations > 0)  # a row only for keys with a scored observation
            .group_by(key))


def staff_totals_query(group_by: Literal["staff", "site", "checklist"],
                       filters: ReportFilters) -> Select[Any]:
    """Staff totals, or site/checklist totals under a staff filter, from `staff_visit_totals`.

    Each row holds one staff member's sums in one visit, so a visit counts once per staff
    member it has an applicable observation of (as `totals_query` counts distinct visits per
    (staff, visit)), and with the staff filter once per site or checklist. A row exists for
    every staff member with an observation, N/A or not, as a group row does. The mean visit
    score is then the mean over the staff member's visits with a score (AVG skips NULL)."""
    key = STAFF_TOTALS.c[f"{group_by}_id"]
    return (select(key,
                   func.sum(STAFF_TOTALS.c.applicable).label("applicable"),
                   func.sum(STAFF_TOTALS.c.passed).label("passed"),
                   func.sum(STAFF_TOTALS.c.applicable_observations).label("observations"),
                   func.sum(STAFF_TOTALS.c.critical_failures).label("critical_failures"),
                   func.sum(case((STAFF_TOTALS.c.applicable_observations > 0, 1), else_=0))
                   .label("visits"),
                   func.avg(STAFF_TOTALS.c.visit_score).label("mean"))
            .where(*_conditions(STAFF_TOTALS, filters))
            .group_by(key))


def excluded_rejected(session: Session, filters: ReportFilters) -> int:
    """How many rejected visits matching `filters` a report without `include_rejected` left out."""
    if filters.include_rejected:
        return 0
    everything = dataclasses.replace(filters, include_rejected=True)
    return int(session.scalar(
        select(func.count()).select_from(VISITS)
        .where(*_conditions(VISITS, everything, has_staff=False), VISITS.c.visit_id.in_(REJECTED)))
        or 0)


def report_labels(session: Session, group_by: GroupBy, checklists: ChecklistCache) -> dict[str, str]:
    """Human-readable labels (English) for the keys of `group_by`; unknown keys keep the key.

    Item and checklist labels come from every stored version (items dropped from later
    versions keep theirs); other groupings never read the checklists."""
    if group_by == "site":
        return {key: name for key, name in session.execute(select(Site.id, Site.name))}
    if group_by == "staff":
        return {key: name for key, name in session.execute(select(Staff.id, Staff.name))}
    if group_by == "dimension":
        return {name: text["en"] for name, text in DIMENSION_LABELS.items()}
    labels: dict[str, str] = {}
    for checklist in checklists.all_versions(session):  # sorted by version: later ones win
        if group_by == "checklist":
            labels[checklist.id] = checklist.title.en
        else:
            for item in checklist.items:
                labels[f"{checklist.id}/{item.key}"] = item.text.en
    return labels


def compliance_rows(session: Session, group_by: GroupBy, filters: ReportFilters,
                    labels: Mapping[str, str] | None = None) -> list[GroupRow]:
    """The group rows of §3 for `group_by` over the latest revisions matching `filters`,
    sorted by key. `labels` maps keys to names (see `report_labels`)."""
    width = len(_key_columns(group_by))
    means: dict[str, float] = {}
    if group_by == "staff" or (group_by in ("site", "checklist") and filters.staff_id is not None):
        results = list(session.execute(staff_totals_query(group_by, filters)))
    elif group_by in ("site", "checklist"):
        results = list(session.execute(visit_totals_query(group_by, filters)))
    else:
        results = list(session.execute(totals_query(group_by, filters)))
    if group_by in ("site", "checklist"):  # the mean of visit scores: a visit-level figure
        means = {str(r[0]): float(r.mean) for r in results if r.mean is not None}
    rows = []
    for result in results:
        key = _join_key(result[:width])
        rows.append(make_row(
            group_by, key, (labels or {}).get(key, key),
            applicable=float(result.applicable), passed=float(result.passed),
            observations=int(result.observations), visits=int(result.visits),
            critical_failures=int(result.critical_failures), visit_score_mean=means.get(key)))
    return sorted(rows, key=lambda row: row.key)


class TrendRow(BaseModel):
    """Pooled compliance of one group in one period (`period` is the period's first day)."""

    period: dt.date
    key: str
    label: str
    applicable: float
    passed: float
    rate: float | None
    observations: int


def period_start(day: dt.date, interval: Interval) -> dt.date:
    """The first day of the period holding `day`: itself, its week's Monday, its month's 1st."""
    if interval == "day":
        return day
    if interval == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def trend_rows(session: Session, group_by: TrendGroupBy, interval: Interval,
               filters: ReportFilters, labels: Mapping[str, str] | None = None) -> list[TrendRow]:
    """Pooled rates per period and group, sorted by period then key. Sums per day come from
    the per-revision totals (a site's from `visit_revisions`, a staff member's from
    `staff_visit_totals`, also a site's under a staff filter), never from the observations."""
    if group_by == "site" and filters.staff_id is None:
        table, extra = VISITS, [VISITS.c.scored_observations > 0]  # a day needs an observation
        conditions = _conditions(VISITS, filters, has_staff=False)
    else:
        table, extra = STAFF_TOTALS, []
        conditions = _conditions(STAFF_TOTALS, filters)
    key_column = table.c[f"{group_by}_id"]
    query = (select(table.c.started_local_date, key_column,
                    func.sum(table.c.applicable).label("applicable"),
                    func.sum(table.c.passed).label("passed"),
                    func.sum(table.c.applicable_observations).label("observations"))
             .where(*conditions, *extra)
             .group_by(table.c.started_local_date, key_column))
    pooled: dict[tuple[dt.date, str], list[float]] = {}
    for day, key, applicable, passed, observations in session.execute(query):
        totals = pooled.setdefault((period_start(_as_date(day), interval), str(key)), [0.0, 0.0, 0])
        totals[0] += float(applicable or 0)
        totals[1] += float(passed or 0)
        totals[2] += int(observations or 0)
    return [TrendRow(period=period, key=key, label=(labels or {}).get(key, key),
                     applicable=applicable, passed=passed,
                     rate=passed / applicable if applicable > 0 else None,
                     observations=int(observations))
            for (period, key), (applicable, passed, observations) in sorted(pooled.items())]


CSV_FIELDS: tuple[str, ...] = tuple(GroupRow.model_fields)


def csv_cell(value: object) -> str:
    """A CSV cell: empty for null, true/false for flags, Python's shortest float text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
