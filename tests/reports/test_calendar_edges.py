"""The calendar's edges, pinned: every period preset's `from`/`to`, the trend's week and month
buckets and the demo data, on the days where a date rule breaks first — the 1st and the last day
of a month, 1 January, 29 February 2028, a Monday and a Sunday. Each expectation is written out
by hand, not recomputed with the rule under test."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from audit_app.reports.filters import Period, ReportFilter, date_range
from audit_app.reports.trend import bucket_starts, trend_interval
from sync_server.demo import DAYS, RECENT_DAYS, SITES, _visit_day
from sync_server.reports import period_start

D = dt.date.fromisoformat

# today: {preset: (from, to)}
PRESETS = {
    D("2026-12-01"): {  # the 1st of a month (a Tuesday)
        Period.THIS_WEEK: ("2026-11-30", "2026-12-01"),
        Period.THIS_MONTH: ("2026-12-01", "2026-12-01"),
        Period.LAST_30_DAYS: ("2026-11-02", "2026-12-01"),
        Period.LAST_8_WEEKS: ("2026-10-07", "2026-12-01"),
    },
    D("2026-11-30"): {  # the last day of a month, a Monday
        Period.THIS_WEEK: ("2026-11-30", "2026-11-30"),
        Period.THIS_MONTH: ("2026-11-01", "2026-11-30"),
        Period.LAST_30_DAYS: ("2026-11-01", "2026-11-30"),
        Period.LAST_8_WEEKS: ("2026-10-06", "2026-11-30"),
    },
    D("2026-11-29"): {  # a Sunday
        Period.THIS_WEEK: ("2026-11-23", "2026-11-29"),
        Period.THIS_MONTH: ("2026-11-01", "2026-11-29"),
        Period.LAST_30_DAYS: ("2026-10-31", "2026-11-29"),
        Period.LAST_8_WEEKS: ("2026-10-05", "2026-11-29"),
    },
    D("2027-01-01"): {  # 1 January (a Friday): every preset but "this month" starts last year
        Period.THIS_WEEK: ("2026-12-28", "2027-01-01"),
        Period.THIS_MONTH: ("2027-01-01", "2027-01-01"),
        Period.LAST_30_DAYS: ("2026-12-03", "2027-01-01"),
        Period.LAST_8_WEEKS: ("2026-11-07", "2027-01-01"),
    },
    D("2028-02-29"): {  # a leap day (a Tuesday)
        Period.THIS_WEEK: ("2028-02-28", "2028-02-29"),
        Period.THIS_MONTH: ("2028-02-01", "2028-02-29"),
        Period.LAST_30_DAYS: ("2028-01-31", "2028-02-29"),
        Period.LAST_8_WEEKS: ("2028-01-05", "2028-02-29"),
    },
    D("2026-03-01"): {  # the 1st of a month that follows February, a Sunday
        Period.THIS_WEEK: ("2026-02-23", "2026-03-01"),
        Period.THIS_MONTH: ("2026-03-01", "2026-03-01"),
        Period.LAST_30_DAYS: ("2026-01-31", "2026-03-01"),
        Period.LAST_8_WEEKS: ("2026-01-05", "2026-03-01"),
    },
}


@pytest.mark.parametrize(("today", "period"),
                         [(today, period) for today, presets in PRESETS.items() for period in presets])
def test_each_preset_covers_exactly_its_named_dates(today: dt.date, period: Period) -> None:
    first, last = date_range(ReportFilter(period=period), today)
    assert (first.isoformat(), last.isoformat()) == PRESETS[today][period]


def test_the_default_period_is_the_last_30_days_so_the_2nd_still_shows_a_month() -> None:
    assert ReportFilter().period is Period.LAST_30_DAYS
    first, last = date_range(ReportFilter(), D("2026-12-02"))
    assert (first, last) == (D("2026-11-03"), D("2026-12-02"))
    assert trend_interval(first, last) == "week"


def test_the_apps_trend_buckets_start_on_the_periods_first_day_then_on_mondays() -> None:
    """The app clips the first bucket to the period (the server keys it by an earlier Monday)."""
    first, last = date_range(ReportFilter(), D("2026-12-01"))  # 2026-11-02 (a Monday) .. Tue 1st
    assert bucket_starts(first, last, "week") == (
        D("2026-11-02"), D("2026-11-09"), D("2026-11-16"), D("2026-11-23"), D("2026-11-30"))
    first, last = date_range(ReportFilter(period=Period.LAST_8_WEEKS), D("2028-02-29"))
    assert bucket_starts(first, last, "month") == (D("2028-01-05"), D("2028-02-01"))
    first, last = date_range(ReportFilter(period=Period.THIS_WEEK), D("2027-01-01"))
    assert trend_interval(first, last) == "day"
    assert bucket_starts(first, last, "day") == tuple(D(f"2026-12-{d}") for d in range(28, 32)) + (D("2027-01-01"),)


# day: (its week's Monday, its month's 1st)
BUCKETS = {
    D("2026-12-01"): (D("2026-11-30"), D("2026-12-01")),
    D("2026-11-30"): (D("2026-11-30"), D("2026-11-01")),
    D("2026-11-29"): (D("2026-11-23"), D("2026-11-01")),
    D("2027-01-01"): (D("2026-12-28"), D("2027-01-01")),  # the week starts in the old year
    D("2028-02-29"): (D("2028-02-28"), D("2028-02-01")),
    D("2028-03-01"): (D("2028-02-28"), D("2028-03-01")),  # the week holds the leap day and March
}


@pytest.mark.parametrize("day", list(BUCKETS))
def test_trend_buckets_start_on_the_weeks_monday_and_the_months_first(day: dt.date) -> None:
    monday, first = BUCKETS[day]
    assert period_start(day, "week") == monday
    assert period_start(day, "month") == first
    assert period_start(day, "day") == day


@pytest.mark.parametrize("today", list(PRESETS))
def test_demo_visits_fall_in_the_56_days_ending_today_with_every_site_in_the_last_week(
        today: dt.date) -> None:
    days = [_visit_day(number, today, random.Random(f"2026:{number}")) for number in range(300)]
    earliest = today - dt.timedelta(days=DAYS - 1)
    assert all(earliest <= day <= today for day in days)
    last_week = today - dt.timedelta(days=RECENT_DAYS - 1)
    # visit n is at SITES[n % len(SITES)]: each site's first visit is in the last week
    assert all(last_week <= days[number] <= today for number in range(len(SITES)))
    assert min(days) < today - dt.timedelta(days=30), "the demo spreads over more than a month"
