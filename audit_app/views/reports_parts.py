"""Pieces every report screen shares: the section switcher, the filter summary, the offline
"as of" banner, the horizontal bar chart, the table and the pager. They draw view-models
(audit_app.reports) and call ReportsSession actions; they decide nothing."""

from __future__ import annotations

import flet as ft

from audit_app.i18n import t
from audit_app.reports.charts import BarChartModel, Overview, Page, TableRow, Tone
from audit_app.reports.filters import Period
from audit_app.state.reports import ReportsRoute, ReportsSession

from .common import TOUCH, icon_button, on

TONE_COLOUR = {Tone.MEETS: ft.Colors.GREEN_600, Tone.BELOW: ft.Colors.ORANGE_800,
               Tone.NO_DATA: ft.Colors.GREY_400}
LINE_COLOUR = ft.Colors.RED_400
SMALL_MARK = "△"
BAR_ROW = 48          # px per bar: two lines of name and one of figures; a touch target
LABEL_WIDTH = 150     # the bar's name, rate and n, left of the chart
NAME_COLUMN = 150     # the table's first column: two lines, then an ellipsis


PERIOD_KEYS = {Period.THIS_WEEK: "reports.period.this_week", Period.THIS_MONTH: "reports.period.this_month",
               Period.LAST_30_DAYS: "reports.period.last_30_days",
               Period.LAST_8_WEEKS: "reports.period.last_8_weeks", Period.CUSTOM: "reports.period.custom"}


def text(lang: str, key: str, **fmt: object) -> str:
    return t(lang, key, **fmt)


def sections(reports: ReportsSession, current: str) -> ft.Control:
    """Overview · By item · Trend · Actions · Filters: the report's own navigation."""
    lang = reports.app.lang
    entries = [(ReportsRoute.OVERVIEW, "reports.nav.overview", ft.Icons.BAR_CHART,
                on(reports.back, ReportsRoute.OVERVIEW)),
               (ReportsRoute.BREAKDOWN, "reports.nav.breakdown", ft.Icons.CHECKLIST,
                on(reports.open_breakdown, None)),
               (ReportsRoute.TREND, "reports.nav.trend", ft.Icons.SHOW_CHART, on(reports.open_trend, None)),
               (ReportsRoute.ACTIONS, "reports.nav.actions", ft.Icons.TASK_ALT, on(reports.open_actions, None)),
               (ReportsRoute.FILTERS, "reports.nav.filters", ft.Icons.FILTER_LIST, on(reports.edit_filters))]
    buttons = []
    for route, key, icon, handler in entries:
        cls = ft.FilledTonalButton if route == current else ft.TextButton
        buttons.append(cls(content=text(lang, key), icon=icon, on_click=handler, height=TOUCH))
    return ft.Row(buttons, wrap=True, spacing=4, run_spacing=4)


def wide_button(label: str, handler, *, icon=None, filled: bool = True) -> ft.Control:
    """A full-width 56 px button. Its words are a Text in the theme's font: a ButtonStyle
    text_style would replace the theme's font family, and Chinese would show as boxes."""
    cls = ft.FilledButton if filled else ft.OutlinedButton
    return ft.Row([cls(content=ft.Row([ft.Icon(icon, size=20) if icon else None,
                                       ft.Text(label, size=17, weight=ft.FontWeight.W_600)],
                                      alignment=ft.MainAxisAlignment.CENTER, tight=True),
                       on_click=handler, height=56, expand=True,
                       style=ft.ButtonStyle(shape=ft.RoundedRectangleBorder(radius=12)))])


def choice_row(lang: str, current: str, choices: tuple[tuple[str, str], ...], pick, *,
               key_prefix: str | None = None) -> ft.Control:
    """A row of buttons (value, catalogue key); the current value's is filled."""
    return ft.Row([
        (ft.FilledButton if current == value else ft.OutlinedButton)(
            content=t(lang, key), on_click=on(pick, value), height=TOUCH,
            key=f"{key_prefix}{value}" if key_prefix else None)
        for value, key in choices], spacing=8)


def filter_summary(reports: ReportsSession) -> ft.Control:
    lang = reports.app.lang
    params = reports.params()
    parts = [text(lang, PERIOD_KEYS[reports.filter.period]),
             text(lang, "reports.summary.dates", first=params["from"], last=params["to"])]
    if reports.region and not reports.region_allowed:
        parts.append(text(lang, "reports.summary.region", region=reports.region))
    elif "region" in params:
        parts.append(text(lang, "reports.summary.region", region=params["region"]))
    if "checklist_id" in params:
        parts.append(reports.labeller.checklist_title(params["checklist_id"]))
    if "site_id" in params:
        parts.append(next((n for i, n, _ in reports.site_choices if i == params["site_id"]),
                          params["site_id"]))
    if "staff_id" in params:
        parts.append(next((n for i, n, _ in reports.staff_choices if i == params["staff_id"]),
                          params["staff_id"]))
    return ft.Text(" · ".join(parts), size=13, color=ft.Colors.BLUE_GREY_700, key="reports-filter-summary")


def status_banner(reports: ReportsSession) -> ft.Control | None:
    """Offline: the answer shown is the last one kept, with its time. Loading: a still line of
    text in the place of the "as of" line (an animated bar would repaint the whole screen every
    frame, taking the CPU the answer is being computed with)."""
    lang = reports.app.lang
    if reports.loading:
        return ft.Text(text(lang, "reports.loading"), size=12, color=ft.Colors.BLUE_700,
                       key="reports-status")
    if reports.offline and reports.as_of is not None:
        return ft.Container(
            key="reports-offline", bgcolor=ft.Colors.AMBER_50, border_radius=8, padding=ft.Padding.all(10),
            border=ft.Border.all(1, ft.Colors.AMBER_400),
            content=ft.Row([ft.Icon(ft.Icons.CLOUD_OFF, color=ft.Colors.AMBER_900),
                            ft.Text(text(lang, "reports.offline_as_of",
                                         time=reports.as_of.strftime("%Y-%m-%d %H:%M")), expand=True)]))
    if reports.as_of is not None:
        return ft.Text(text(lang, "reports.as_of", time=reports.as_of.strftime("%Y-%m-%d %H:%M")),
                       size=12, color=ft.Colors.BLUE_GREY_500, key="reports-status")
    return None


def _bar_label(name: str, figures: str, *, below: bool, colour: str) -> ft.Control:
    # The chart is turned a quarter clockwise to make its bars horizontal; each label is turned
    # back so it reads normally: the name (two lines at most), then rate and n.
    return ft.RotatedBox(quarter_turns=3, content=ft.Container(ft.Column([
        ft.Text(name, size=12, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS, text_align=ft.TextAlign.RIGHT),
        ft.Text(figures, size=11, text_align=ft.TextAlign.RIGHT, color=colour if below else None,
                weight=ft.FontWeight.W_600 if below else None),
    ], spacing=0, tight=True, horizontal_alignment=ft.CrossAxisAlignment.END),
        width=LABEL_WIDTH, alignment=ft.Alignment.CENTER_RIGHT, padding=ft.Padding.only(right=6)))


def bar_chart(reports: ReportsSession, model: BarChartModel, *, key: str,
              on_bar=None) -> ft.Control:
    """Horizontal bars (a BarChart turned a quarter), weakest on top, each labelled with its
    name, rate and n; the dashed line is the target (sites) or the award floor (staff)."""
    import flet_charts as fc  # here, not at the top: ~120 ms of the app's start, for reports only

    lang = reports.app.lang
    if not model.bars:
        return ft.Text(text(lang, "reports.no_rows"), key=f"{key}-empty")
    groups, labels = [], []
    for index, bar in enumerate(model.bars):
        colour = TONE_COLOUR[bar.tone]
        groups.append(fc.BarChartGroup(x=index, rods=[fc.BarChartRod(
            from_y=0, to_y=bar.drawn_pct, width=20, border_radius=3,
            color=ft.Colors.with_opacity(0.35, colour) if bar.small_sample else colour,
            border_side=ft.BorderSide(2, colour) if bar.small_sample else None,
            tooltip=f"{bar.label}: {bar.value_text} · n {bar.observations}")]))
        mark = f" {SMALL_MARK}" if bar.small_sample else ""
        labels.append(fc.ChartAxisLabel(value=index, label=_bar_label(
            bar.label, f"{bar.value_text} · n {bar.observations}{mark}",
            below=bar.tone is Tone.BELOW, colour=colour)))

    async def tapped(e: fc.BarChartEvent) -> None:
        if on_bar is not None and e.group_index is not None and e.type == fc.ChartEventType.TAP_UP:
            await on(on_bar, model.bars[e.group_index].key)()

    chart = fc.BarChart(
        key=key, groups=groups, min_y=0, max_y=100, interactive=on_bar is not None,
        on_event=tapped if on_bar is not None else None, animation=ft.Animation(0),
        horizontal_grid_lines=fc.ChartGridLines(interval=model.line.pct, color=LINE_COLOUR, width=2,
                                                dash_pattern=[6, 4]),
        bottom_axis=fc.ChartAxis(label_size=LABEL_WIDTH, labels=labels),
        left_axis=fc.ChartAxis(show_labels=False), right_axis=fc.ChartAxis(show_labels=False),
        top_axis=fc.ChartAxis(show_labels=False),
        border=ft.Border.all(1, ft.Colors.GREY_300), group_alignment=ft.MainAxisAlignment.SPACE_AROUND)
    legend = ft.Row([
        ft.Container(width=24, height=2, bgcolor=LINE_COLOUR),
        ft.Text(text(lang, model.line.text_key, pct=f"{model.line.pct:.0f}"), size=12),
        ft.Container(width=12, height=12, bgcolor=TONE_COLOUR[Tone.BELOW], border_radius=2),
        ft.Text(text(lang, "reports.legend.below"), size=12),
        ft.Text(f"{SMALL_MARK} {text(lang, 'reports.legend.small_sample')}", size=12),
    ], wrap=True, spacing=6)
    return ft.Column([
        ft.RotatedBox(quarter_turns=1, content=ft.Container(chart, width=BAR_ROW * len(groups) + 8)),
        legend], horizontal_alignment=ft.CrossAxisAlignment.STRETCH, spacing=6)


def pager(reports: ReportsSession, name: str, page: Page) -> ft.Control | None:
    """Pages of 25 rows: chart and table turn together."""
    if page.count <= 1:
        return None
    lang = reports.app.lang
    return ft.Row([
        icon_button(ft.Icons.CHEVRON_LEFT, text(lang, "reports.page.previous"),
                    on(reports.turn_page, name, page.number - 1), disabled=page.number == 0),
        ft.Text(text(lang, "reports.page.of", first=page.first, last=page.last, total=page.total),
                key=f"{name}-page"),
        icon_button(ft.Icons.CHEVRON_RIGHT, text(lang, "reports.page.next"),
                    on(reports.turn_page, name, page.number + 1), disabled=page.number >= page.count - 1),
    ], alignment=ft.MainAxisAlignment.CENTER)


def flag_text(lang: str, row: TableRow) -> str:
    return " · ".join(text(lang, f.key, count=f.count) if f.count is not None else text(lang, f.key)
                      for f in row.flags)


def row_name(reports: ReportsSession, row: TableRow, on_row, hint_key: str, expanded: bool, *,
             width: float | None = NAME_COLUMN) -> ft.Control:
    """A row's name: two lines and an ellipsis, all of it when the row is expanded; a button
    when tapping the row does something (opens it, or shows its whole text)."""
    lang = reports.app.lang
    label = ft.Text(row.label, max_lines=None if expanded else 2,
                    overflow=ft.TextOverflow.VISIBLE if expanded else ft.TextOverflow.ELLIPSIS,
                    width=width)
    if on_row is None:
        return label
    return ft.TextButton(content=label, on_click=on(on_row, row.key),
                         tooltip=text(lang, hint_key, name=row.label))


def cards(reports: ReportsSession, rows: tuple[TableRow, ...], *, key: str, on_row=None,
          with_source: bool = False, hint_key: str = "reports.open_row") -> ft.Control:
    """The table's rows as cards, for a phone: the name on top of its figures, so a row is
    always identifiable (a table's name column scrolls away sideways)."""
    lang = reports.app.lang
    made = []
    for row in rows:
        figures = ft.Row([
            ft.Text(row.rate_text, color=TONE_COLOUR[row.tone], weight=ft.FontWeight.W_600, size=16),
            ft.Text(row.interval_text, size=12, color=ft.Colors.BLUE_GREY_700),
        ], spacing=10, wrap=True)
        counts = text(lang, "reports_ui.card.counts", n=row.observations, visits=row.visits,
                      applicable=row.applicable_text, passed=row.passed_text)
        lines: list[ft.Control] = [row_name(reports, row, on_row, hint_key, reports.expanded_row == row.key,
                                            width=None),
                                   figures, ft.Text(counts, size=12)]
        if row.flags:
            lines.append(ft.Text(flag_text(lang, row), size=12, color=TONE_COLOUR[row.tone]
                                 if row.tone is Tone.BELOW else None))
        if with_source and row.source:
            lines.append(ft.Text(row.source, size=11, color=ft.Colors.BLUE_GREY_500))
        made.append(ft.Container(ft.Column(lines, spacing=2), padding=ft.Padding.symmetric(vertical=6, horizontal=10),
                                 border=ft.Border.all(1, ft.Colors.GREY_300), border_radius=8))
    return ft.Column(made, key=key, spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)


def table(reports: ReportsSession, rows: tuple[TableRow, ...], *, key: str, on_row=None,
          with_source: bool = False, hint_key: str = "reports.open_row") -> ft.Control:
    """Rate, Wilson interval, applicable/passed, n, visits and flags; on a narrow page, cards."""
    if reports.narrow:
        return cards(reports, rows, key=f"{key}-cards", on_row=on_row, with_source=with_source,
                     hint_key=hint_key)
    lang = reports.app.lang
    headers = ["reports.col.name", "reports.col.rate", "reports.col.interval",
               "reports.col.applicable_passed", "reports.col.n", "reports.col.visits", "reports.col.flags"]
    if with_source:
        headers.append("reports.col.source")
    columns = [ft.DataColumn(label=ft.Text(text(lang, h), weight=ft.FontWeight.W_600),
                             numeric=h in ("reports.col.rate", "reports.col.n", "reports.col.visits"))
               for h in headers]
    data_rows = []
    for row in rows:
        name = row_name(reports, row, on_row, hint_key, reports.expanded_row == row.key)
        cells = [name, ft.Text(row.rate_text, color=TONE_COLOUR[row.tone], weight=ft.FontWeight.W_600),
                 ft.Text(row.interval_text), ft.Text(f"{row.applicable_text} / {row.passed_text}"),
                 ft.Text(str(row.observations)), ft.Text(str(row.visits)),
                 ft.Text(flag_text(lang, row), size=12)]
        if with_source:
            cells.append(ft.Text(row.source or "", size=12))
        data_rows.append(ft.DataRow(cells=[ft.DataCell(c) for c in cells]))
    return ft.Row([ft.DataTable(key=key, columns=columns, rows=data_rows, column_spacing=18,
                                data_row_min_height=TOUCH, data_row_max_height=float("inf"),
                                heading_row_height=44)], scroll=ft.ScrollMode.AUTO)


def chart_and_table(reports: ReportsSession, name: str, model: Overview, *, on_row=None,
                    with_source: bool = False, chart: bool = True,
                    hint_key: str = "reports.open_row") -> list[ft.Control | None]:
    return [pager(reports, name, model.chart.page),
            # One key per place, not per grouping: switching site/staff then patches the chart and
            # the table in place (texts, bar lengths) instead of replacing ~600 controls.
            bar_chart(reports, model.chart, key="report-chart", on_bar=on_row) if chart else None,
            table(reports, model.table, key="report-table", on_row=on_row, with_source=with_source,
                  hint_key=hint_key)]
