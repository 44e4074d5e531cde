"""The scorecard PDF: per site its compliance against the 90 % target with the Wilson interval,
the weekly trend, its staff against the 80 % award floor, the ten weakest items with their seed
sources and its visits in the period; for a region, one such section per site (each from a new
page) after a comparison page. Rejected visits are left out of all of it, as `/reports` leaves
them out of its figures, and each page says how many were."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from audit_app.domain import AWARD_FLOOR, TARGET, GroupRow
from audit_app.domain.formats import percent, percent_range

from .chart import rate_bars, weekly_trend
from .data import Period, SiteScorecard
from .document import FAIL, MUTED, PASS, ReportPDF
from .fonts import FontFiles
from .words import Words


def _flags(words: Words, row: GroupRow) -> str:
    flags = []
    if row.below_target:
        flags.append(words("pdf.flag.below_target"))
    if row.below_award_floor:
        flags.append(words("pdf.flag.below_award_floor"))
    if row.small_sample:
        flags.append(words("pdf.flag.small_sample"))
    if row.critical_failures:
        flags.append(words("pdf.flag.critical_failures", count=row.critical_failures))
    return ", ".join(flags) if not words.chinese else "、".join(flags)


def _period(words: Words, period: Period) -> str:
    return words("pdf.scorecard.period", first=period.first.isoformat(), last=period.last.isoformat())


def _compliance(pdf: ReportPDF, row: GroupRow | None) -> None:
    words = pdf.words
    pdf.heading(words("pdf.scorecard.compliance"), size=12, gap=1)
    if row is None or row.rate is None:
        pdf.para(words("pdf.scorecard.no_data"), colour=MUTED)
        return
    pdf.set_font(size=26)
    pdf.set_text_color(*(FAIL if row.rate < TARGET else PASS))
    pdf.cell(40, 12, percent(row.rate))
    pdf.set_text_color(33, 33, 33)
    pdf.set_font(size=10)
    pdf.multi_cell(0, 6, pdf.t(words("pdf.scorecard.against_target", rate=percent(row.rate),
                                     interval=percent_range(row.ci_low, row.ci_high),
                                     target=percent(TARGET))),
                   align="L", new_x="LMARGIN", new_y="NEXT")
    assert row.ci_low is not None and row.ci_high is not None
    verdict = ("pdf.scorecard.verdict_below" if row.ci_high < TARGET else
               "pdf.scorecard.verdict_above" if row.ci_low >= TARGET else
               "pdf.scorecard.verdict_unsure")
    pdf.set_x(pdf.l_margin + 40)
    pdf.multi_cell(0, 5, pdf.t(words(verdict)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.para(words("pdf.scorecard.sample", observations=row.observations, visits=row.visits,
                   critical=row.critical_failures), size=9, colour=MUTED)
    if row.small_sample:
        pdf.para(words("pdf.scorecard.small_sample"), size=9, colour=FAIL)
    pdf.ln(2)


def _excluded(pdf: ReportPDF, count: int) -> None:
    """Why the visits counted here may be fewer than the visits made, as the app's Reports say."""
    if count:
        pdf.para(pdf.words("pdf.scorecard.excluded_rejected", count=count), size=9, colour=MUTED)


def _rate_rows(words: Words, rows: Sequence[GroupRow]) -> list[list[str]]:
    return [[row.label, percent(row.rate), percent_range(row.ci_low, row.ci_high),
             str(row.observations), _flags(words, row) or "–"] for row in rows]


def site_section(pdf: ReportPDF, card: SiteScorecard, period: Period) -> None:
    words = pdf.words
    pdf.add_page()
    pdf.heading(words("pdf.scorecard.title"), size=11, colour=MUTED, gap=0)
    pdf.heading(words("pdf.site.name", name=card.site_name, id=card.site_id), size=18, gap=1)
    line = _period(words, period)
    if card.region:
        line = f"{words('pdf.field.region')}: {card.region} · {line}" if not words.chinese \
            else f"{words('pdf.field.region')}：{card.region} · {line}"
    pdf.para(line, size=10, colour=MUTED)
    _excluded(pdf, card.excluded_rejected)
    pdf.ln(2)
    _compliance(pdf, card.compliance)
    pdf.heading(words("pdf.scorecard.trend"), size=12, gap=1)
    if card.trend:
        weekly_trend(pdf, card.trend, period.first, period.last)
    else:
        pdf.para(words("pdf.scorecard.no_data"), colour=MUTED)
    pdf.heading(words("pdf.scorecard.staff", floor=percent(AWARD_FLOOR)), size=12, gap=1)
    if card.staff:
        pdf.ln(3)
        rate_bars(pdf, card.staff, AWARD_FLOOR, "pdf.line.award_floor", bar=6)
        pdf.table_rows([words("pdf.col.name"), words("pdf.col.rate"), words("pdf.col.interval"),
                        words("pdf.col.n"), words("pdf.col.flags")],
                       _rate_rows(words, card.staff), (34, 14, 22, 10, 30),
                       colours=[FAIL if row.below_award_floor else None for row in card.staff])
    else:
        pdf.para(words("pdf.none"), colour=MUTED)
    pdf.heading(words("pdf.scorecard.items"), size=12, gap=1)
    if card.weakest:
        pdf.table_rows([words("pdf.col.item"), words("pdf.col.rate"), words("pdf.col.n"),
                        words("pdf.col.source")],
                       [[weak.row.label, percent(weak.row.rate), str(weak.row.observations),
                         weak.source or "–"] for weak in card.weakest], (60, 12, 10, 24),
                       colours=[FAIL if weak.row.below_target else None for weak in card.weakest])
    else:
        pdf.para(words("pdf.none"), colour=MUTED)
    pdf.heading(words("pdf.scorecard.visits"), size=12, gap=1)
    if card.visits:
        pdf.table_rows([words("pdf.col.date"), words("pdf.col.checklist"), words("pdf.col.auditor"),
                        words("pdf.col.score"), words("pdf.col.flags")],
                       [[v.date.isoformat(), v.checklist, v.auditor_id, percent(v.visit_score),
                         words("pdf.flag.knocked_out") if v.knocked_out else "–"]
                        for v in card.visits], (18, 40, 20, 12, 18),
                       colours=[FAIL if v.knocked_out else None for v in card.visits])
    else:
        pdf.para(words("pdf.scorecard.no_data"), colour=MUTED)


def comparison_page(pdf: ReportPDF, region: str | None, cards: Sequence[SiteScorecard],
                    period: Period) -> None:
    words = pdf.words
    pdf.add_page()
    pdf.heading(words("pdf.scorecard.region_title",
                      region=region or words("pdf.scorecard.all_regions")), size=18, gap=1)
    pdf.para(_period(words, period), size=10, colour=MUTED)
    _excluded(pdf, sum(card.excluded_rejected for card in cards))
    pdf.ln(3)
    pdf.heading(words("pdf.scorecard.comparison"), size=12, gap=4)
    rows = [card.compliance.model_copy(update={"label": card.site_name}) if card.compliance
            else GroupRow(key=card.site_id, label=card.site_name, applicable=0, passed=0, rate=None,
                          visit_score_mean=None, observations=0, visits=0, critical_failures=0,
                          ci_low=None, ci_high=None, below_target=None, below_award_floor=None,
                          small_sample=True)
            for card in cards]
    rate_bars(pdf, rows)
    pdf.para(words("pdf.scorecard.comparison_note"), size=8, colour=MUTED)
    pdf.ln(2)
    pdf.table_rows([words("pdf.col.site"), words("pdf.col.rate"), words("pdf.col.interval"),
                    words("pdf.col.n"), words("pdf.col.visits"), words("pdf.col.flags")],
                   [[*r[:4], str(row.visits), r[4]] for r, row in zip(_rate_rows(words, rows), rows,
                                                                       strict=True)],
                   (40, 14, 24, 12, 12, 40),
                   colours=[FAIL if row.below_target else None for row in rows])


def scorecard_pdf(cards: Sequence[SiteScorecard], period: Period, region: str | None,
                  comparison: bool, words: Words, fonts: FontFiles, now: dt.datetime) -> bytes:
    """One site's scorecard, or (`comparison`) a region's: the comparison page, then each site."""
    title = (words("pdf.scorecard.region_title", region=region or words("pdf.scorecard.all_regions"))
             if comparison else f"{words('pdf.scorecard.title')}: {cards[0].site_name}")
    pdf = ReportPDF(words, fonts, now, title)
    if comparison:
        comparison_page(pdf, region, cards, period)
    for card in cards:
        site_section(pdf, card, period)
    return bytes(pdf.output())
