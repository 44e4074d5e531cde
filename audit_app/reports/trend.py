"""View-model of the trend screen: one line per site or staff member over weeks or months,
with the line they are measured against. At most MAX_LINES lines are drawn at once (more are
unreadable); by default the weakest over the whole period, and the manager can pick others."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .models import TrendAnswer

MAX_LINES = 6


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
    choices: tuple[tuple[str, str], ...]  # every (key, label) the manager can pick, weakest first


def period_label(period: dt.date, interval: str) -> str:
    if interval == "month":
        return period.strftime("%Y-%m")
    return period.strftime("%m-%d")


def trend_chart(answer: TrendAnswer, *, target: float = 0.9, award_floor: float = 0.8,
                selected: Sequence[str] | None = None) -> TrendChartModel:
    periods = tuple(sorted({row.period for row in answer.rows}))
    index = {period: n for n, period in enumerate(periods)}
    labels: dict[str, str] = {}
    pooled: dict[str, list[float]] = {}
    points: dict[str, list[tuple[int, float]]] = {}
    for row in answer.rows:
        labels[row.key] = row.label
        if row.rate is None:
            continue
        points.setdefault(row.key, []).append((index[row.period], row.rate * 100))
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
        line_text_key="reports.line.award_floor" if staff else "reports.line.target",
        choices=tuple((key, labels[key]) for key in ranked))
