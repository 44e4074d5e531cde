"""Report filters → the query parameters of CONTRACT.md §4, against a chosen `today`."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_app.reports.filters import (
    FilterError, Period, ReportFilter, may_choose_region, query_params,
)

SATURDAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(("period", "first"), [
    (Period.THIS_WEEK, "2026-11-23"),      # the Monday of the week
    (Period.THIS_MONTH, "2026-11-01"),
    (Period.LAST_8_WEEKS, "2026-10-04"),   # 56 days ending today
])
def test_period_presets_end_today_and_start_where_named(period: Period, first: str) -> None:
    params = query_params(ReportFilter(period=period), SATURDAY, region_allowed=True)
    assert params == {"from": first, "to": "2026-11-28"}


def test_this_week_on_a_monday_is_that_day_only() -> None:
    monday = dt.date(2026, 11, 23)
    assert query_params(ReportFilter(period=Period.THIS_WEEK), monday, region_allowed=True) == {
        "from": "2026-11-23", "to": "2026-11-23"}


def test_custom_period_sends_its_dates_and_every_chosen_filter() -> None:
    chosen = ReportFilter(period=Period.CUSTOM, custom_from=dt.date(2026, 1, 5),
                          custom_to=dt.date(2026, 2, 1), region="east",
                          checklist_id="retail-store-visit", site_id="demo-east-1")
    assert query_params(chosen, SATURDAY, region_allowed=True) == {
        "from": "2026-01-05", "to": "2026-02-01", "region": "east",
        "checklist_id": "retail-store-visit", "site_id": "demo-east-1"}


def test_custom_period_missing_or_reversed_dates_name_the_field() -> None:
    with pytest.raises(FilterError) as missing:
        query_params(ReportFilter(period=Period.CUSTOM, custom_from=dt.date(2026, 1, 5)),
                     SATURDAY, region_allowed=True)
    assert missing.value.field == "custom_to"
    with pytest.raises(FilterError) as reversed_:
        query_params(ReportFilter(period=Period.CUSTOM, custom_from=dt.date(2026, 3, 1),
                                  custom_to=dt.date(2026, 2, 1)), SATURDAY, region_allowed=True)
    assert reversed_.value.field == "custom_from"


def test_region_is_sent_only_by_someone_who_may_choose_one() -> None:
    chosen = ReportFilter(region="south")
    assert "region" not in query_params(chosen, SATURDAY, region_allowed=False)
    assert query_params(chosen, SATURDAY, region_allowed=True)["region"] == "south"


@pytest.mark.parametrize(("role", "region", "allowed"), [
    ("admin", None, True), ("manager", None, True), ("manager", "east", False),
    ("auditor", None, False),
])
def test_only_admins_and_unrestricted_managers_choose_a_region(role, region, allowed) -> None:
    assert may_choose_region(role, region) is allowed
