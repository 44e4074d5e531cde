"""Reports trend: a line per site or staff member by day, week or month (the period's own
buckets), with the target line."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.state import AppState
from audit_app.state.reports import ReportsRoute

from .common import back_button, on, screen
from .reports_parts import LINE_COLOUR, choice_row, filter_summary, sections, status_banner

PALETTE = [ft.Colors.BLUE_700, ft.Colors.ORANGE_700, ft.Colors.GREEN_700, ft.Colors.PURPLE_500,
           ft.Colors.TEAL_600, ft.Colors.BROWN_500]
CHOICES_SHOWN = 20  # the weakest 20 can be toggled; more would be a wall of checkboxes


def trend_view(state: AppState, _services: object = None) -> ft.View:
    reports = state.reports
    lang = state.lang
    switch = choice_row(lang, reports.trend_by, (("site", "reports.by_site"), ("staff", "reports.by_staff")),
                        reports.open_trend)
    body: list[ft.Control | None] = [sections(reports, ReportsRoute.TREND), filter_summary(reports),
                                     status_banner(reports), switch]
    model = reports.trend
    if model is not None and model.periods:
        import flet_charts as fc  # here, not at the top: ~120 ms of the app's start, for reports only

        series = [fc.LineChartData(
            points=[fc.LineChartDataPoint(x, y, tooltip=f"{s.label} {model.period_labels[x]}: {y:.1f}%")
                    for x, y in s.points],
            color=PALETTE[n % len(PALETTE)], stroke_width=3, point=True)
            for n, s in enumerate(model.series)]
        # Half a bucket of room either side: the first and last labels are centred on their
        # bucket and would otherwise be cut by the chart's edge.
        chart = fc.LineChart(
            key="trend-chart", data_series=series, min_y=model.floor_pct, max_y=100, min_x=-0.5,
            max_x=len(model.periods) - 0.5, height=280, animation=ft.Animation(0),
            horizontal_grid_lines=fc.ChartGridLines(interval=model.line_pct, color=LINE_COLOUR,
                                                    width=2, dash_pattern=[6, 4]),
            bottom_axis=fc.ChartAxis(label_size=28, labels=[
                fc.ChartAxisLabel(value=x, label=ft.Text(label, size=11))
                for x, label in enumerate(model.period_labels) if x % model.label_step == 0]),
            left_axis=fc.ChartAxis(label_size=36, labels=[
                fc.ChartAxisLabel(value=v, label=ft.Text(f"{v:.0f}%", size=11))
                for v in (model.floor_pct, model.line_pct, 100)]),
            border=ft.Border.all(1, ft.Colors.GREY_300))
        legend = ft.Row([ft.Container(width=24, height=2, bgcolor=LINE_COLOUR),
                         ft.Text(t(lang, model.line_text_key, pct=f"{model.line_pct:.0f}"), size=12)])
        shown = {s.key: n for n, s in enumerate(model.series)}
        choices = [ft.Checkbox(label=label, value=key in shown,
                               fill_color=PALETTE[shown[key] % len(PALETTE)] if key in shown else None,
                               on_change=on(reports.toggle_trend_line, key))
                   for key, label in model.choices[:CHOICES_SHOWN]]
        body += [chart, legend, ft.Text(t(lang, "reports.trend_pick"), size=13), ft.Column(choices, spacing=0)]
    elif model is not None:
        body.append(ft.Text(t(lang, "reports.no_rows")))
    return screen(state, ReportsRoute.TREND, t(lang, "reports.title_trend"), body,
                  leading=back_button(state, on(reports.back, ReportsRoute.OVERVIEW)))
