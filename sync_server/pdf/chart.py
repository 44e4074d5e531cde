"""Charts drawn with fpdf2's own lines and shapes: a site's compliance by week against the
target, and the sites of a region compared (bar, 95 % interval whisker, target line)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from audit_app.domain import TARGET, GroupRow
from audit_app.domain.formats import percent

from ..reports import TrendRow
from .document import ACCENT, FAIL, MUTED, PASS, RULE, ReportPDF

TARGET_COLOUR = (230, 81, 0)


def _y(top: float, height: float, rate: float) -> float:
    return top + height * (1 - rate)


def _axes(pdf: ReportPDF, left: float, top: float, width: float, height: float) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    pdf.set_font(size=7)
    pdf.set_text_color(*MUTED)
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(top, height, tick)
        pdf.line(left, y, left + width, y)
        pdf.set_xy(left - 11, y - 2)
        pdf.cell(10, 4, f"{tick * 100:.0f}%", align="R")
    pdf.set_text_color(33, 33, 33)


def _target_line(pdf: ReportPDF, left: float, top: float, width: float, height: float) -> None:
    """The target across the plot, named in a key above its top right corner: a label on the
    line itself sat under the weekly points, which are mostly near the target."""
    y = _y(top, height, TARGET)
    pdf.set_draw_color(*TARGET_COLOUR)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.5, gap=1)
    pdf.line(left, y, left + width, y)
    pdf.set_font(size=7)
    label = pdf.t(pdf.words("pdf.line.target", pct=percent(TARGET)))
    label_width = pdf.get_string_width(label)
    key_y = top - 2.6
    pdf.line(left + width - label_width - 8, key_y, left + width - label_width - 2, key_y)
    pdf.set_dash_pattern()
    pdf.set_text_color(*TARGET_COLOUR)
    pdf.set_xy(left + width - label_width - 1, key_y - 2)
    pdf.cell(label_width + 1, 4, label, align="R")
    pdf.set_text_color(33, 33, 33)


def weekly_trend(pdf: ReportPDF, rows: Sequence[TrendRow], first: dt.date, last: dt.date,
                 height: float = 50) -> None:
    """Pooled compliance per week (Monday) of the period, a point per week with visits."""
    weeks: list[dt.date] = []
    week = first - dt.timedelta(days=first.weekday())
    while week <= last:
        weeks.append(week)
        week += dt.timedelta(days=7)
    rates = {row.period: row.rate for row in rows}
    pdf.ensure_space(height + 16)
    left, top = pdf.l_margin + 12, pdf.get_y() + 6  # room for the target's key above the plot
    width = pdf.w - pdf.r_margin - left
    _axes(pdf, left, top, width, height)
    step = width / max(len(weeks), 1)
    label_every = -(-len(weeks) // 14)  # at most 14 date labels under the axis
    points = [(left + step * (n + 0.5), _y(top, height, rates[w]))
              for n, w in enumerate(weeks) if rates.get(w) is not None]
    _target_line(pdf, left, top, width, height)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    if len(points) > 1:
        pdf.polyline(points)
    for n, w in enumerate(weeks):
        x = left + step * (n + 0.5)
        rate = rates.get(w)
        if rate is not None:
            pdf.set_fill_color(*(FAIL if rate < TARGET else PASS))
            pdf.circle(x, _y(top, height, rate), 1.1, style="F")
        if n % label_every == 0:
            pdf.set_font(size=6.5)
            pdf.set_text_color(*MUTED)
            pdf.set_xy(x - 8, top + height + 1)
            pdf.cell(16, 3.5, f"{w:%m-%d}", align="C")
    pdf.set_text_color(33, 33, 33)
    pdf.set_xy(pdf.l_margin, top + height + 7)


def rate_bars(pdf: ReportPDF, rows: Sequence[GroupRow], line: float = TARGET,
              line_key: str = "pdf.line.target", bar: float = 7) -> None:
    """One horizontal bar per row (its rate), the 95 % interval as a whisker, and the line a
    rate is held against (the target for sites, the award floor for staff); red below it."""
    label_width = 52.0
    height = bar * max(len(rows), 1) + 4
    pdf.ensure_space(height + 12)
    left, top = pdf.l_margin + label_width, pdf.get_y() + 2
    width = pdf.w - pdf.r_margin - left - 16
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    pdf.set_font(size=7)
    pdf.set_text_color(*MUTED)
    for tick in (0.0, 0.5, 1.0):
        x = left + width * tick
        pdf.line(x, top, x, top + height)
        pdf.set_xy(x - 6, top + height + 0.5)
        pdf.cell(12, 3.5, f"{tick * 100:.0f}%", align="C")
    for n, row in enumerate(rows):
        y = top + 2 + n * bar
        pdf.set_font(size=8.5)
        pdf.set_text_color(33, 33, 33)
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width - 2, bar - 1.5, pdf.t(row.label), align="R")
        if row.rate is None:
            continue
        pdf.set_fill_color(*(FAIL if row.rate < line else PASS))
        pdf.rect(left, y + 0.6, width * row.rate, bar - 2.7, style="F")
        if row.ci_low is not None and row.ci_high is not None:
            middle = y + (bar - 1.5) / 2
            pdf.set_draw_color(33, 33, 33)
            pdf.set_line_width(0.3)
            pdf.line(left + width * row.ci_low, middle, left + width * row.ci_high, middle)
            for end in (row.ci_low, row.ci_high):
                pdf.line(left + width * end, middle - 1.2, left + width * end, middle + 1.2)
        pdf.set_font(size=7.5)
        pdf.set_xy(left + width + 1, y)
        pdf.cell(15, bar - 1.5, percent(row.rate))
    x = left + width * line
    pdf.set_draw_color(*TARGET_COLOUR)
    pdf.set_line_width(0.4)
    pdf.set_dash_pattern(dash=1.5, gap=1)
    pdf.line(x, top, x, top + height)
    pdf.set_dash_pattern()
    pdf.set_text_color(*TARGET_COLOUR)
    pdf.set_font(size=7)
    pdf.set_xy(x - 15, top - 4)
    pdf.cell(30, 4, pdf.t(pdf.words(line_key, pct=percent(line))), align="C")
    pdf.set_text_color(33, 33, 33)
    pdf.set_xy(pdf.l_margin, top + height + 6)
