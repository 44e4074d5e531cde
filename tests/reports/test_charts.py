"""Chart and table view-models built from a compliance answer: bar order, colours, the target
or award-floor line, small-sample and below-target flags, paging of many bars, labels."""

from __future__ import annotations

import datetime as dt

import pytest

from audit_app.checklist_files import load_checklist_dir
from audit_app.domain import AWARD_FLOOR, TARGET, GroupRow, make_row
from audit_app.reports.charts import PAGE_SIZE, Flag, Tone, overview
from audit_app.reports.formats import duration
from audit_app.reports.labels import Labeller
from audit_app.reports.models import ComplianceAnswer, TrendAnswer
from audit_app.reports.trend import MAX_LINES, trend_chart

EN = Labeller([], "en")


def row(group_by: str, key: str, passed: float, applicable: float, n: int, critical: int = 0) -> GroupRow:
    return make_row(group_by, key, f"Label {key}", applicable=applicable, passed=passed,  # type: ignore[arg-type]
                    observations=n, visits=max(1, n // 10), critical_failures=critical,
                    visit_score_mean=None)


def answer(group_by: str, rows: list[GroupRow]) -> ComplianceAnswer:
    return ComplianceAnswer(group_by=group_by, target=TARGET, award_floor=AWARD_FLOOR, rows=rows)  # type: ignore[arg-type]


def test_site_bars_are_weakest_first_with_rate_n_and_warning_below_the_90_percent_line() -> None:
    rows = [row("site", "a", 95, 100, 100), row("site", "b", 85, 100, 100),
            row("site", "c", 9, 10, 10), row("site", "d", 0, 0, 0)]
    chart = overview(answer("site", rows), EN).chart
    # enough evidence first, then the small sample (c: 10 observations), no rate last
    assert [b.key for b in chart.bars] == ["b", "a", "c", "d"]
    assert [b.value_text for b in chart.bars] == ["85.0%", "95.0%", "90.0%", "–"]
    assert [b.observations for b in chart.bars] == [100, 100, 10, 0]
    assert [b.tone for b in chart.bars] == [Tone.BELOW, Tone.MEETS, Tone.MEETS, Tone.NO_DATA]
    assert [b.small_sample for b in chart.bars] == [False, False, True, True]
    assert (chart.line.pct, chart.line.text_key) == (90.0, "reports.line.target")
    assert chart.bars[0].rate_pct == 85.0 and chart.bars[3].rate_pct is None


def test_staff_bars_are_measured_against_the_80_percent_award_floor() -> None:
    rows = [row("staff", "s1", 85, 100, 40), row("staff", "s2", 79, 100, 40)]
    result = overview(answer("staff", rows), EN)
    assert (result.chart.line.pct, result.chart.line.text_key) == (80.0, "reports.line.award_floor")
    assert {b.key: b.tone for b in result.chart.bars} == {"s1": Tone.MEETS, "s2": Tone.BELOW}
    flags = {r.key: r.flags for r in result.table}
    # 84 % is under the site target but above the award floor the staff chart draws: the row
    # says what its bar shows (no "below target" beside a green bar above the line).
    assert flags["s1"] == ()
    assert flags["s2"] == (Flag("reports.flag.below_award_floor"),)


def test_a_site_seen_in_one_visit_is_a_small_sample_however_many_observations() -> None:
    one_visit = make_row("site", "solo", "Solo", applicable=25, passed=20, observations=25, visits=1,
                         critical_failures=0, visit_score_mean=None)
    two_visits = make_row("site", "duo", "Duo", applicable=30, passed=30, observations=30, visits=2,
                          critical_failures=0, visit_score_mean=None)
    result = overview(answer("site", [one_visit, two_visits]), EN)
    flags = {r.key: r.flags for r in result.table}
    assert flags["solo"] == (Flag("reports.flag.below_target"), Flag("reports_ui.flag.one_visit"))
    assert flags["duo"] == (Flag("reports_ui.flag.few_visits", 2),)
    assert all(b.small_sample for b in result.chart.bars)


def test_small_samples_come_after_the_rows_with_enough_evidence_and_zero_is_drawn() -> None:
    rows = [row("item", "one-zero", 0, 1, 1), row("item", "weak", 60, 100, 100),
            row("item", "strong", 98, 100, 100), row("item", "few-ok", 9, 10, 10)]
    chart = overview(answer("item", rows), EN).chart
    assert [b.key for b in chart.bars] == ["weak", "strong", "one-zero", "few-ok"]
    zero = chart.bars[2]
    assert zero.rate_pct == 0.0 and zero.value_text == "0.0%" and zero.drawn_pct > 0
    assert chart.bars[0].drawn_pct == 60.0


def test_table_rows_carry_rate_wilson_interval_weights_and_flags() -> None:
    small = row("site", "x", 7.5, 10, 10, critical=2)
    table = overview(answer("site", [small]), EN).table
    (only,) = table
    assert (only.rate_text, only.applicable_text, only.passed_text) == ("75.0%", "10", "7.5")
    assert only.interval_text == f"{small.ci_low * 100:.1f}–{small.ci_high * 100:.1f}%"
    assert only.flags == (Flag("reports.flag.below_target"), Flag("reports.flag.small_sample"),
                          Flag("reports.flag.critical_failures", 2))


def test_two_hundred_staff_are_paged_and_chart_and_table_show_the_same_rows() -> None:
    rows = [row("staff", f"staff-{n:03d}", 60 + n * 0.2, 100, 40) for n in range(200)]
    first = overview(answer("staff", rows), EN)
    assert first.chart.page.count == 200 // PAGE_SIZE and len(first.chart.bars) == PAGE_SIZE
    assert [b.key for b in first.chart.bars] == [r.key for r in first.table]
    last = overview(answer("staff", rows), EN, page=99)  # past the end: the last page
    assert (last.chart.page.number, last.chart.page.first, last.chart.page.last) == (7, 176, 200)
    assert last.chart.bars[-1].key == "staff-199"


def test_item_and_dimension_rows_are_labelled_in_chinese_with_the_items_seed_source() -> None:
    checklists = load_checklist_dir()
    checklist = checklists[0]
    item = next(i for i in checklist.items if i.scored)
    key = f"{checklist.id}/{item.key}"
    zh = Labeller(checklists, "zh-CN")
    table = overview(answer("item", [row("item", key, 5, 10, 10)]), zh).table
    assert (table[0].label, table[0].source) == (item.text.zh, item.source)
    dims = overview(answer("dimension", [row("dimension", "empathy", 9, 10, 30)]), zh).table
    assert dims[0].label == "移情性" and dims[0].source is None
    assert overview(answer("item", [row("item", key, 5, 10, 10)]),
                    Labeller(checklists, "en")).table[0].label == item.text.en


def test_sites_and_staff_keep_the_servers_name_in_either_language() -> None:
    zh = Labeller(load_checklist_dir(), "zh-CN")
    assert overview(answer("site", [row("site", "a", 9, 10, 30)]), zh).table[0].label == "Label a"


def test_trend_draws_the_weakest_lines_by_period_with_the_target_line() -> None:
    weeks = ["2026-11-02", "2026-11-09", "2026-11-16"]
    rows = []
    for n in range(8):
        for w, period in enumerate(weeks):
            if n == 0 and w == 1:
                continue  # a week without visits at site 0: a gap, not a zero
            rate = 0.5 + n * 0.05 + w * 0.01
            rows.append({"period": period, "key": f"s{n}", "label": f"Site {n}", "rate": rate,
                         "observations": 20, "applicable": 20.0, "passed": 20 * rate})
    model = trend_chart(TrendAnswer.model_validate(
        {"group_by": "site", "interval": "week", "rows": rows}))
    assert model.period_labels == ("11-02", "11-09", "11-16")
    assert [s.key for s in model.series] == [f"s{n}" for n in range(MAX_LINES)]
    assert [x for x, _ in model.series[0].points] == [0, 2]
    assert model.series[1].points[0] == (0, pytest.approx(55.0))
    assert (model.line_pct, model.line_text_key) == (90.0, "reports.line.target")
    assert [key for key, _ in model.choices][:2] == ["s0", "s1"] and len(model.choices) == 8
    chosen = trend_chart(TrendAnswer.model_validate(
        {"group_by": "staff", "interval": "week", "rows": rows}), selected=["s7", "nobody"])
    assert [s.key for s in chosen.series] == ["s7"] and chosen.line_pct == 80.0


def test_timed_values_read_in_the_unit_the_checklist_asks_in() -> None:
    assert (duration(41.3, "s"), duration(90, "min"), duration(7200, "h"), duration(12, None)) == (
        "41.3 s", "1.5 min", "2 h", "12 s")


def test_trend_axis_starts_ten_below_the_lowest_point_in_tens() -> None:
    rows = [{"period": "2026-11-02", "key": "a", "label": "A", "rate": 0.63, "observations": 20},
            {"period": "2026-11-09", "key": "a", "label": "A", "rate": 0.97, "observations": 20}]
    model = trend_chart(TrendAnswer.model_validate({"group_by": "site", "interval": "week", "rows": rows}))
    assert model.floor_pct == 50.0
    high = [{**row, "rate": 0.95} for row in rows]
    assert trend_chart(TrendAnswer.model_validate(
        {"group_by": "site", "interval": "week", "rows": high})).floor_pct == 80.0  # 90 % line - 10


def test_short_periods_are_drawn_by_day_longer_by_week_or_month() -> None:
    from audit_app.reports.trend import trend_interval
    day = dt.date(2026, 12, 2)
    assert trend_interval(dt.date(2026, 12, 1), day) == "day"          # this month on the 2nd
    assert trend_interval(day - dt.timedelta(days=20), day) == "day"   # three weeks
    assert trend_interval(day - dt.timedelta(days=29), day) == "week"  # 30 days
    assert trend_interval(day - dt.timedelta(days=55), day) == "week"  # 8 weeks
    assert trend_interval(day - dt.timedelta(days=120), day) == "month"


def test_trend_buckets_are_clipped_to_the_period_and_every_bucket_has_a_place() -> None:
    # The server keys the first week by its Monday (11-30), before the period's 12-02.
    rows = [{"period": "2026-11-30", "key": "a", "label": "A", "rate": 0.8, "observations": 20},
            {"period": "2026-12-14", "key": "a", "label": "A", "rate": 0.9, "observations": 20}]
    model = trend_chart(TrendAnswer.model_validate({"group_by": "site", "interval": "week", "rows": rows}),
                        period=(dt.date(2026, 12, 2), dt.date(2026, 12, 20)))
    assert model.periods == (dt.date(2026, 12, 2), dt.date(2026, 12, 7), dt.date(2026, 12, 14))
    assert model.period_labels == ("12-02", "12-07", "12-14")
    assert [x for x, _ in model.series[0].points] == [0, 2]  # the week without data keeps its place


def test_daily_buckets_cover_the_period_and_at_most_six_labels_are_drawn() -> None:
    rows = [{"period": "2026-11-05", "key": "a", "label": "A", "rate": 0.7, "observations": 5}]
    model = trend_chart(TrendAnswer.model_validate({"group_by": "site", "interval": "day", "rows": rows}),
                        period=(dt.date(2026, 11, 1), dt.date(2026, 11, 21)))
    assert len(model.periods) == 21 and model.period_labels[0] == "11-01"
    assert model.series[0].points == ((4, pytest.approx(70.0)),)
    assert len(range(0, len(model.periods), model.label_step)) <= 6
