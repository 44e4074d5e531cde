"""Trend reports: periods by local date, weeks from Monday, months from the 1st, pooled rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sync_server.reports import period_start

from .conftest import Server
from .visit_data import visit_body

TREND = "/api/v1/reports/trend"


def upload_on(server: Server, started_at: str, **answers: Any) -> None:
    body = visit_body(**answers)
    body["started_at"] = body["finished_at"] = started_at
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body,
                               headers=server.auth("auditor_a"))
    assert answer.status_code == 201, answer.text


@pytest.fixture
def four_visits(server: Server) -> Server:
    """site-n1 / staff-1: Sunday 11-15, Monday 11-16 (greeting failed), Monday 11-30, Tuesday
    12-01 at 23:30 -05:00 (12-02 in UTC, still 12-01 where it happened)."""
    upload_on(server, "2026-11-15T18:00:00+08:00")
    upload_on(server, "2026-11-16T09:00:00+08:00", greeted=False)
    upload_on(server, "2026-11-30T09:00:00+08:00")
    upload_on(server, "2026-12-01T23:30:00-05:00")
    return server


def trend(server: Server, **params: str) -> list[tuple[str, str, float, float, int]]:
    answer = server.client.get(TREND, params=params, headers=server.auth("manager_all"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["group_by"], body["interval"]) == (params["group_by"], params["interval"])
    return [(row["period"], row["key"], row["applicable"], row["passed"], row["observations"])
            for row in body["rows"]]


def test_daily_trend_uses_the_local_date(four_visits: Server) -> None:
    assert trend(four_visits, group_by="site", interval="day") == [
        ("2026-11-15", "site-n1", 5, 5, 4), ("2026-11-16", "site-n1", 5, 4, 4),
        ("2026-11-30", "site-n1", 5, 5, 4), ("2026-12-01", "site-n1", 5, 5, 4)]


def test_weeks_start_on_monday(four_visits: Server) -> None:
    assert trend(four_visits, group_by="site", interval="week") == [
        ("2026-11-09", "site-n1", 5, 5, 4), ("2026-11-16", "site-n1", 5, 4, 4),
        ("2026-11-30", "site-n1", 10, 10, 8)]


def test_months_start_on_the_first_and_pool_their_days(four_visits: Server) -> None:
    assert trend(four_visits, group_by="site", interval="month") == [
        ("2026-11-01", "site-n1", 15, 14, 12), ("2026-12-01", "site-n1", 5, 5, 4)]
    answer = four_visits.client.get(TREND, params={"group_by": "site", "interval": "month"},
                                    headers=four_visits.auth("admin"))
    november = answer.json()["rows"][0]
    assert november["rate"] == pytest.approx(14 / 15)
    assert november["label"] == "North One"


def test_staff_trend_leaves_out_site_items(four_visits: Server) -> None:
    assert trend(four_visits, group_by="staff", interval="month") == [
        ("2026-11-01", "staff-1", 12, 11, 9), ("2026-12-01", "staff-1", 4, 4, 3)]


def test_trend_filters_and_region_scoping(four_visits: Server) -> None:
    assert trend(four_visits, group_by="site", interval="month", **{"from": "2026-11-16",
                                                                   "to": "2026-11-30"}) == [
        ("2026-11-01", "site-n1", 10, 9, 8)]
    south = four_visits.client.get(TREND, params={"group_by": "site", "interval": "day"},
                                   headers=four_visits.auth("manager_south"))
    assert south.status_code == 200 and south.json()["rows"] == []


@pytest.mark.parametrize("params", [{"group_by": "item", "interval": "day"},
                                    {"group_by": "site", "interval": "year"},
                                    {"group_by": "site", "interval": "day", "from": "11/20/2026"}])
def test_bad_trend_queries_are_422(server: Server, params: dict[str, str]) -> None:
    answer = server.client.get(TREND, params=params, headers=server.auth("admin"))
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(("day", "interval", "start"), [
    (dt.date(2026, 11, 16), "week", dt.date(2026, 11, 16)),   # a Monday is its own week start
    (dt.date(2026, 11, 22), "week", dt.date(2026, 11, 16)),   # Sunday belongs to the week before
    (dt.date(2027, 1, 2), "week", dt.date(2026, 12, 28)),     # weeks cross the new year
    (dt.date(2028, 2, 29), "month", dt.date(2028, 2, 1)),
    (dt.date(2026, 12, 31), "day", dt.date(2026, 12, 31)),
])
def test_period_start(day: dt.date, interval: str, start: dt.date) -> None:
    assert period_start(day, interval) == start  # type: ignore[arg-type]
