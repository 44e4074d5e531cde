"""View-models of the compliance overview: the bar chart and the table under it, built from a
`/reports/compliance` answer. No flet here: the views draw what these describe.

Bars are ordered weakest first (what needs attention on top) among the rows with enough
evidence, small samples after them (a 0 % from one observation is not the weakest item), and
paged, 25 to a page, so a chart of 200 staff stays readable on a phone; the table shows the
same rows in the same order. Sites and every other grouping are measured against the 90 %
target; staff against the 80 % award floor (seed 000 ch.1 §3). A row's flag is the one its
chart's line means: a staff bar above the award floor is never flagged "below target"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from audit_app.domain import SMALL_SAMPLE, GroupRow

from . import formats
from .labels import Labeller
from .models import ComplianceAnswer

PAGE_SIZE = 25
MIN_VISITS = 3     # fewer visits are a small sample however many observations they hold
STUB_PCT = 1.5     # a 0 % bar is drawn this long, so it is seen (its text still says 0.0 %)


class Tone(StrEnum):
    MEETS = "meets"      # at or above the line
    BELOW = "below"      # under the line: warning colour
    NO_DATA = "no_data"  # nothing applicable: no rate


@dataclass(frozen=True)
class Flag:
    """A flag shown beside a row: an i18n key, with a count where the text has one."""

    key: str
    count: int | None = None


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    rate_pct: float | None  # 0–100
    drawn_pct: float        # the rod's length: the rate, a visible stub at 0 %, 0 without a rate
    value_text: str         # "87.5%"
    observations: int       # n
    tone: Tone
    small_sample: bool


@dataclass(frozen=True)
class Line:
    """The horizontal line drawn across a chart."""

    pct: float
    text_key: str  # i18n key of its legend


@dataclass(frozen=True)
class Page:
    number: int  # 0-based
    count: int
    first: int   # 1-based index of the first row shown
    last: int
    total: int


@dataclass(frozen=True)
class BarChartModel:
    group_by: str
    bars: tuple[Bar, ...]
    line: Line
    page: Page


@dataclass(frozen=True)
class TableRow:
    key: str
    label: str
    rate_text: str
    interval_text: str
    applicable_text: str
    passed_text: str
    observations: int
    visits: int
    tone: Tone
    flags: tuple[Flag, ...]
    source: str | None = None  # item rows: the seed document the checklist cites


@dataclass(frozen=True)
class Overview:
    chart: BarChartModel
    table: tuple[TableRow, ...]
    excluded_rejected: int = 0          # rejected visits the figures leave out (docs/integrity.md)


def chart_line(answer: ComplianceAnswer) -> Line:
    if answer.group_by == "staff":
        return Line(answer.award_floor * 100, "reports.line.award_floor")
    return Line(answer.target * 100, "reports.line.target")


def below_line(row: GroupRow, group_by: str) -> bool:
    return bool(row.below_award_floor if group_by == "staff" else row.below_target)


def tone(row: GroupRow, group_by: str) -> Tone:
    if row.rate is None:
        return Tone.NO_DATA
    return Tone.BELOW if below_line(row, group_by) else Tone.MEETS


def small_sample(row: GroupRow) -> bool:
    """Under 20 observations, or from fewer than MIN_VISITS visits (25 observations of one
    visit say how that visit went, not how the site does)."""
    return row.small_sample or row.observations < SMALL_SAMPLE or row.visits < MIN_VISITS


def flags(row: GroupRow, group_by: str) -> tuple[Flag, ...]:
    """The flag of the chart's own line (staff: the award floor; others: the target), the
    small sample (saying "1 visit" when the visits are what is too few), critical failures."""
    found = []
    if below_line(row, group_by):
        found.append(Flag("reports.flag.below_award_floor" if group_by == "staff"
                          else "reports.flag.below_target"))
    if row.visits < MIN_VISITS and row.observations >= SMALL_SAMPLE:
        found.append(Flag("reports_ui.flag.one_visit") if row.visits == 1
                     else Flag("reports_ui.flag.few_visits", row.visits))
    elif small_sample(row):
        found.append(Flag("reports.flag.small_sample"))
    if row.critical_failures:
        found.append(Flag("reports.flag.critical_failures", row.critical_failures))
    return tuple(found)


def weakest_first(rows: Sequence[GroupRow]) -> list[GroupRow]:
    """Lowest rate first among rows with enough evidence; then the small samples, lowest rate
    first; rows without a rate last; ties by key so the order is stable."""
    return sorted(rows, key=lambda r: (r.rate is None, small_sample(r),
                                       r.rate if r.rate is not None else 0.0, r.key))


def drawn_pct(rate: float | None) -> float:
    if rate is None:
        return 0.0
    return max(rate * 100, STUB_PCT)


def paged(rows: Sequence[GroupRow], page: int, page_size: int = PAGE_SIZE
          ) -> tuple[list[GroupRow], Page]:
    count = max(1, math.ceil(len(rows) / page_size))
    number = min(max(page, 0), count - 1)
    start = number * page_size
    shown = list(rows[start:start + page_size])
    return shown, Page(number, count, start + 1 if shown else 0, start + len(shown), len(rows))


def bar(row: GroupRow, group_by: str, label: str) -> Bar:
    return Bar(key=row.key, label=label,
               rate_pct=None if row.rate is None else row.rate * 100, drawn_pct=drawn_pct(row.rate),
               value_text=formats.percent(row.rate), observations=row.observations,
               tone=tone(row, group_by), small_sample=small_sample(row))


def table_row(row: GroupRow, group_by: str, label: str, source: str | None = None) -> TableRow:
    return TableRow(key=row.key, label=label, rate_text=formats.percent(row.rate),
                    interval_text=formats.percent_range(row.ci_low, row.ci_high),
                    applicable_text=formats.weight(row.applicable),
                    passed_text=formats.weight(row.passed), observations=row.observations,
                    visits=row.visits, tone=tone(row, group_by), flags=flags(row, group_by),
                    source=source)


def overview(answer: ComplianceAnswer, labeller: Labeller, page: int = 0,
             page_size: int = PAGE_SIZE) -> Overview:
    """The chart and the table of one page of `answer`'s rows, weakest first."""
    group_by = answer.group_by
    shown, where = paged(weakest_first(answer.rows), page, page_size)
    labels = [labeller.label(group_by, row.key, row.label) for row in shown]
    sources = [labeller.source(row.key) if group_by == "item" else None for row in shown]
    chart = BarChartModel(group_by, tuple(bar(r, group_by, lb) for r, lb in zip(shown, labels)),
                          chart_line(answer), where)
    table = tuple(table_row(r, group_by, lb, src) for r, lb, src in zip(shown, labels, sources))
    return Overview(chart, table, answer.excluded_rejected)
