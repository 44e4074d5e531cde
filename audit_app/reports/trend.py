"""View-model of the trend screen: one line per site or staff member over days, weeks or
months, with the line they are measured against. At most MAX_LINES lines are drawn at once
(more are unreadable); by default the weakest over the whole period, and the manager can pick
others.

The buckets are those of the filter's period, clipped to it: a week or month that began before
the period is drawn from the period's first day (the server keys it by the week's Monday), and
every bucket of the period has a place on the axis, with data or not. Periods of up to three
weeks are drawn by day (a week or two by week would be one or two columns of dots)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .models import TrendAnswer

MAX_LINES = 6
DAILY_UP_TO_DAYS = 21  # periods this long or shorter are drawn by day
MONTHLY_FROM_DAYS = 93
MAX_AXIS_LABELS = 6    # what fits under a phone-wide chart at 11 px without touching


def trend_interval(first: dt.date, last: dt.date) -> str:
    """Days up to three weeks, weeks up to about three months, months beyond."""
    days = (last - first).days + 1
    if days <= DAILY_UP_TO_DAYS:
        return "day"
    return "week" if days < MONTHLY_FROM_DAYS else "month"


def bucket_starts(first: dt.date, last: dt.date, interval: str) -> tuple[dt.date, ...]:
    """Where each bucket of [first, last] begins, the first one clipped to `first`."""
    starts = [first]
    day = first + dt.timedelta(days=1)
    while day <= last:
        if (interval == "day" or (interval == "week" and day.weekday() == 0)
                or (interval == "month" and day.day == 1)):
            starts.append(day)
        day += dt.timedelta(days=1)
    return tuple(starts)


def label_step(count: int) -> int:
    """Every n-th bucket is labelled so that at most MAX_AXIS_LABELS labels are drawn."""
    return max(1, -(-count // MAX_AXIS_LABELS))


@dataclass(frozen=True)
class TrendSeries:
    key: str
    label: str
    points: tuple[tuple[int, float], ...]  # (period index, rate 0–100); periods without data left out
    overall_pct: float | None


@dataclass(frozen=True)
class TrendChartModel:
    periods: tuple[dt.date, ...]
    period_labels: tuple[str, ...]
    series: tuple[TrendSeries, ...]
    line_pct: float
    line_text_key: str
    floor_pct: float  # the bottom of the value axis: 10 below the lowest point or the line
    label_step: int   # every n-th period is labelled on the axis
    choices: tuple[tuple[str, str], ...]  # every (key, label) the manager can pick, weakest first


def period_label(period: dt.date, interval: str) -> str:
    if interval == "month":
        return period.strftime("%Y-%m")
    return period.strftime("%m-%d")


def trend_chart(answer: TrendAnswer, *, target: float = 0.9, award_floor: float = 0.8,
                selected: Sequence[str] | None = None,
                period: tuple[dt.date, dt.date] | None = None) -> TrendChartModel:
    """`period` (first, last day of the filter) gives the axis its buckets; without it the
    axis has the answer's periods only."""
    if period is not None:
        first, last = period
        periods = bucket_starts(first, last, answer.interval)
    else:
        first = last = None
        periods = tuple(sorted({row.period for row in answer.rows}))
    index = {start: n for n, start in enumerate(periods)}

    def where(row_period: dt.date) -> int | None:
        if first is not None and row_period < first:
            row_period = first  # the server's week began before the period: the clipped bucket
        if last is not None and row_period > last:
            return None
        return index.get(row_period)

    labels: dict[str, str] = {}
    pooled: dict[str, list[float]] = {}
    points: dict[str, list[tuple[int, float]]] = {}
    for row in answer.rows:
        labels[row.key] = row.label
        x = where(row.period)
        if row.rate is None or x is None:
            continue
        points.setdefault(row.key, []).append((x, row.rate * 100))
        applicable = row.applicable if row.applicable is not None else float(row.observations)
        passed = row.passed if row.passed is not None else row.rate * applicable
        totals = pooled.setdefault(row.key, [0.0, 0.0])
        totals[0] += applicable
        totals[1] += passed
    overall = {key: (p / a * 100 if a > 0 else None) for key, (a, p) in pooled.items()}
    ranked = sorted(labels, key=lambda k: (overall.get(k) is None, overall.get(k) or 0.0, k))
    chosen = [key for key in (selected or ranked[:MAX_LINES]) if key in labels][:MAX_LINES]
    series = tuple(TrendSeries(key, labels[key], tuple(sorted(points.get(key, []))),
                               overall.get(key)) for key in chosen)
    staff = answer.group_by == "staff"
    line_pct = (award_floor if staff else target) * 100
    lowest = min([line_pct, *(y for s in series for _, y in s.points)])
    return TrendChartModel(
        periods=periods, period_labels=tuple(period_label(p, answer.interval) for p in periods),
        series=series, line_pct=line_pct, floor_pct=max(0.0, (lowest - 10) // 10 * 10),
        label_step=label_step(len(periods)),
        line_text_key="reports.line.award_floor" if staff else "reports.line.target",
        choices=tuple((key, labels[key]) for key in ranked))
