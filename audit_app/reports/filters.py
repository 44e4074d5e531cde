"""Report filters: what the manager chose (period preset or custom dates, region, checklist,
site, staff member) and the query parameters of CONTRACT.md §4 they become. `today` is passed in: the period
presets are computed against the manager's local date, and tests choose it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum


class Period(StrEnum):
    THIS_WEEK = "this_week"      # Monday of this week .. today
    THIS_MONTH = "this_month"    # the 1st .. today
    LAST_30_DAYS = "last_30_days"  # the 30 days ending today: the default (a month of data on any day)
    LAST_8_WEEKS = "last_8_weeks"  # the 56 days ending today
    CUSTOM = "custom"            # custom_from .. custom_to


class FilterError(ValueError):
    """A filter that cannot be sent: `field` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReportFilter:
    # Not "this month": on the 2nd it holds two days of data and its trend is one dot.
    period: Period = Period.LAST_30_DAYS
    custom_from: dt.date | None = None
    custom_to: dt.date | None = None
    region: str | None = None
    checklist_id: str | None = None
    site_id: str | None = None
    staff_id: str | None = None

    def with_changes(self, **changes: object) -> ReportFilter:
        return replace(self, **changes)  # type: ignore[arg-type]


def may_choose_region(role: str, region: str | None) -> bool:
    """Admins and managers without a region may filter by region; a regional manager's region
    is fixed by the server (asking for another one is refused)."""
    return role == "admin" or (role == "manager" and region is None)


def date_range(chosen: ReportFilter, today: dt.date) -> tuple[dt.date, dt.date]:
    """The inclusive local dates the filter covers."""
    if chosen.period is Period.THIS_WEEK:
        return today - dt.timedelta(days=today.weekday()), today
    if chosen.period is Period.THIS_MONTH:
        return today.replace(day=1), today
    if chosen.period is Period.LAST_30_DAYS:
        return today - dt.timedelta(days=29), today
    if chosen.period is Period.LAST_8_WEEKS:
        return today - dt.timedelta(days=55), today
    if chosen.custom_from is None or chosen.custom_to is None:
        raise FilterError("custom_from" if chosen.custom_from is None else "custom_to",
                          "a custom period needs both dates")
    if chosen.custom_from > chosen.custom_to:
        raise FilterError("custom_from", "the first date is after the last")
    return chosen.custom_from, chosen.custom_to


def query_params(chosen: ReportFilter, today: dt.date, *, region_allowed: bool) -> dict[str, str]:
    """Query parameters for `/reports/*` and `/visits`. A region chosen by someone who may not
    choose one is left out (the server applies a regional manager's own region)."""
    first, last = date_range(chosen, today)
    params = {"from": first.isoformat(), "to": last.isoformat()}
    if chosen.region and region_allowed:
        params["region"] = chosen.region
    if chosen.checklist_id:
        params["checklist_id"] = chosen.checklist_id
    if chosen.site_id:
        params["site_id"] = chosen.site_id
    if chosen.staff_id:
        params["staff_id"] = chosen.staff_id
    return params

