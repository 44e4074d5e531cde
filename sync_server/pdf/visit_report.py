"""The visit PDF: header (checklist and version, site, staff, auditor, local times, duration,
score), knock-outs, failed items, the review state and integrity flags on page one, then every
section's items with outcome, value against limit, note, staff, seed source and the item's
photos beside it.

Values are written by `audit_app.domain.formats`, the same rules as the app's visit screen."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from PIL import Image

from audit_app.domain import Item, Kind, Observation
from audit_app.domain.formats import against_limit, percent, value_text, weight

from .data import VisitReportData
from .document import ACCENT, FAIL, INK, MUTED, NA, OUTCOME_COLOURS, RULE, ReportPDF
from .fonts import FontFiles
from .review import Review
from .words import Words

TAG_COLUMN = 20.0        # mm: the outcome labels left of an item's text
PHOTO_COLUMN = 64.0      # mm: photos beside an item
GAP = 4.0
MAX_PHOTO_HEIGHT = 48.0
PHOTOS_BESIDE = 4        # more photos on one item go in rows beneath it


@dataclass(frozen=True)
class Line:
    """One checklist item as the report draws it."""

    item: Item | None
    key: str
    text: str
    section: str
    outcome: str | None          # pass | fail | na; None: unscored or unanswered
    answered: bool
    value: str | None
    note: str | None
    staff: str | None
    photos: tuple[str, ...]


def local_time(moment: dt.datetime) -> str:
    """The time where the visit happened, with its UTC offset ("2026-11-20 10:00 (UTC+08:00)")."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def duration_text(words: Words, started: dt.datetime, finished: dt.datetime | None) -> str:
    if finished is None:
        return words("pdf.not_finished")
    seconds = round((finished - started).total_seconds())
    if seconds >= 3600:
        return words("pdf.duration.hours", hours=seconds // 3600, minutes=seconds % 3600 // 60)
    return words("pdf.duration.minutes", minutes=seconds // 60, seconds=seconds % 60)


def _value(words: Words, item: Item | None, observation: Observation, peak: bool) -> str | None:
    if observation.na:
        return None
    if isinstance(observation.value, bool):
        return words("pdf.check.yes" if observation.value else "pdf.check.no")
    if item is not None and item.kind in (Kind.TIMED, Kind.COUNT, Kind.RATING):
        return against_limit(item, observation.value, peak) or value_text(item, observation)
    return value_text(item, observation)


def report_lines(data: VisitReportData, words: Words) -> list[Line]:
    """Every item of the checklist in order, then observations of unknown items."""
    visit = data.visit
    peak = visit.context.peak
    observed = {o.item_key: o for o in visit.observations}
    lines: list[Line] = []
    sections = data.checklist.sections if data.checklist is not None else []
    for section in sections:
        for item in section.items:
            observation = observed.pop(item.key, None)
            lines.append(_line(data, words, item, item.key, words.pick(item.text.en, item.text.zh),
                               words.pick(section.title.en, section.title.zh), observation, peak))
    for key, observation in observed.items():
        lines.append(_line(data, words, None, key, key, "", observation, peak))
    return lines


def _line(data: VisitReportData, words: Words, item: Item | None, key: str, text: str,
          section: str, observation: Observation | None, peak: bool) -> Line:
    if observation is None:
        return Line(item, key, text, section, None, False, None, None, None, ())
    staff = data.staff_names.get(observation.staff_id, observation.staff_id) \
        if observation.staff_id else None
    return Line(item, key, text, section, data.outcomes.get(key), True,
                _value(words, item, observation, peak), observation.note, staff,
                tuple(observation.photos))


def _score_text(data: VisitReportData, words: Words) -> str:
    if data.score is None:
        return words("pdf.score.none")
    if data.knocked_out:
        return words("pdf.score.knocked_out", score=percent(data.visit_score), raw=percent(data.score))
    return words("pdf.score.plain", score=percent(data.visit_score), passed=weight(data.passed),
                 applicable=weight(data.applicable))


def _header(pdf: ReportPDF, data: VisitReportData) -> None:
    words, visit = pdf.words, data.visit
    pdf.heading(words("pdf.visit.title"), size=18, gap=1)
    title = (words.pick(data.checklist.title.en, data.checklist.title.zh)
             if data.checklist is not None else visit.checklist_id)
    pdf.para(words("pdf.visit.checklist", title=title, version=visit.checklist_version), size=12)
    pdf.ln(2)
    staff = ", ".join(data.staff_names.get(s, s) for s in visit.staff_ids) or words("pdf.none")
    site = words("pdf.site.name", name=data.site_name, id=visit.site_id)
    rows = [(words("pdf.field.site"), site)]
    if data.site_region:
        rows.append((words("pdf.field.region"), data.site_region))
    rows += [
        (words("pdf.field.staff"), staff),
        (words("pdf.field.auditor"), data.auditor_id),
        (words("pdf.field.started"), local_time(visit.started_at)),
        (words("pdf.field.finished"),
         local_time(visit.finished_at) if visit.finished_at else words("pdf.not_finished")),
        (words("pdf.field.duration"), duration_text(words, visit.started_at, visit.finished_at)),
        (words("pdf.field.conditions"), words("pdf.peak" if visit.context.peak else "pdf.off_peak")),
        (words("pdf.field.score"), _score_text(data, words)),
    ]
    pdf.fields(rows)
    pdf.para(words("pdf.visit.revision", revision=visit.revision,
                   received=data.received_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
             size=8, colour=MUTED)
    pdf.ln(2)


def _summary_list(pdf: ReportPDF, title: str, empty: str, lines: list[Line]) -> None:
    pdf.heading(title, size=12, colour=FAIL if lines else MUTED, gap=1)
    if not lines:
        pdf.para(empty, size=9.5, colour=MUTED)
    words = pdf.words
    for line in lines:
        text = f"{line.text} — {line.value}" if line.value else line.text
        pdf.bullet(words("pdf.summary.line", text=text, section=line.section) if line.section
                   else text, size=9.5)
    pdf.ln(2)


def draw_review(pdf: ReportPDF, review: Review) -> None:
    """The review state (with its reason) and each integrity flag, in the PDF's language, as
    the app's visit detail shows them: a visit with issues or rejected, and the flags, in red."""
    words = pdf.words
    state = words(f"pdf.review_state.{review.state}")
    pdf.heading(words("pdf.review.state", state=state), size=12, gap=1,
                colour=FAIL if review.state in ("has_issues", "rejected") else ACCENT)
    if review.reason:
        pdf.para(words("pdf.review.reason", reason=review.reason), size=9.5)
    if review.flags:  # why the figures may not hold: the signals the review queue explains
        pdf.ln(1)
        pdf.para(words("pdf.review.flags"), size=9.5, colour=FAIL)
        for flag in review.flags:
            pdf.bullet(words.pick(flag.en, flag.zh), size=9.5)
    pdf.ln(2)


def _pixels(jpeg: bytes | None) -> tuple[int, int]:
    if jpeg is None:
        return 4, 3
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.size


def _fit(jpeg: bytes | None, width: float, max_height: float) -> tuple[float, float]:
    """The photo's size in mm: `width` wide unless that makes it taller than `max_height`."""
    pixels_w, pixels_h = _pixels(jpeg)
    height = width * pixels_h / pixels_w
    if height > max_height:
        return max_height * pixels_w / pixels_h, max_height
    return width, height


def _draw_photo(pdf: ReportPDF, jpeg: bytes | None, x: float, y: float, w: float, h: float) -> None:
    if jpeg is not None:
        pdf.image(io.BytesIO(jpeg), x=x, y=y, w=w, h=h)
        return
    pdf.set_fill_color(238, 238, 238)
    pdf.rect(x, y, w, h, style="F")
    pdf.set_xy(x + 2, y + h / 2 - 4)
    pdf.set_font(size=7.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(w - 4, 3.6, pdf.t(pdf.words("pdf.photo.missing")), align="C")
    pdf.set_text_color(33, 33, 33)


def _text_parts(pdf: ReportPDF, line: Line) -> list[tuple[str, float, tuple[int, int, int]]]:
    """The item's text, value, staff, note and source, each as (text, size, colour)."""
    words = pdf.words
    parts = [(line.text, 10.5, INK)]
    if line.value:
        parts.append((line.value, 10, INK))
    if line.staff:
        parts.append((words("pdf.item.staff", name=line.staff), 9, MUTED))
    if line.note:
        parts.append((words("pdf.item.note", note=line.note), 9.5, INK))
    if line.item is not None:
        parts.append((words("pdf.item.source", source=line.item.source), 8, MUTED))
    return [(pdf.t(text), size, colour) for text, size, colour in parts]


def _measure(pdf: ReportPDF, parts: list[tuple[str, float, tuple[int, int, int]]],
             width: float) -> list[list[str]]:
    """Each part broken into lines for a column `width` wide, once: line breaking is the
    costliest step of a report, so the lines are drawn as they are, cell by cell."""
    broken = []
    for text, size, _ in parts:
        pdf.set_font(size=size)
        if pdf.get_string_width(text) <= width:
            broken.append([text])
        else:
            broken.append(pdf.multi_cell(width, size * 0.47, text, align="L", dry_run=True,
                                         output="LINES"))
    return broken


def _heights(parts: list[tuple[str, float, tuple[int, int, int]]],
             broken: list[list[str]]) -> list[float]:
    return [len(lines) * size * 0.47 + 0.8 for (_, size, _), lines in zip(parts, broken, strict=True)]


def _draw_parts(pdf: ReportPDF, parts: list[tuple[str, float, tuple[int, int, int]]],
                broken: list[list[str]], x: float, y: float, width: float) -> None:
    for (_, size, colour), lines in zip(parts, broken, strict=True):
        pdf.set_font(size=size)
        pdf.set_text_color(*colour)
        for line in lines:
            pdf.set_xy(x, y)
            pdf.cell(width, size * 0.47, line)
            y += size * 0.47
        y += 0.8
    pdf.set_text_color(*INK)


def _tags(pdf: ReportPDF, line: Line, x: float, y: float) -> None:
    """The outcome and "critical" labels stacked in the left column."""
    words = pdf.words
    if line.outcome is not None:
        first = (words(f"pdf.outcome.{line.outcome}"), OUTCOME_COLOURS[line.outcome])
    elif line.answered:
        first = (words("pdf.outcome.recorded"), NA)
    else:
        first = (words("pdf.outcome.unanswered"), (189, 189, 189))
    labels = [first]
    if line.item is not None and line.item.critical:
        labels.append((words("pdf.item.critical"), (230, 81, 0)))
    for n, (text, colour) in enumerate(labels):
        pdf.set_xy(x, y + n * 6)
        pdf.tag(text, colour)


def _photo_layout(shas: list[str], photos: dict[str, bytes | None]
                  ) -> list[tuple[str, float, float, float, float]]:
    """Beside-the-item placement: one photo large, two to four two to a row; as (sha, dx, dy,
    w, h) inside the photo column."""
    if len(shas) == 1:
        w, h = _fit(photos.get(shas[0]), PHOTO_COLUMN, MAX_PHOTO_HEIGHT)
        return [(shas[0], PHOTO_COLUMN - w, 0.0, w, h)]
    cell = (PHOTO_COLUMN - GAP / 2) / 2
    placed = []
    row_height = 0.0
    dy = 0.0
    for n, sha in enumerate(shas):
        if n % 2 == 0 and n:
            dy += row_height + GAP / 2
            row_height = 0.0
        w, h = _fit(photos.get(sha), cell, cell)
        placed.append((sha, (n % 2) * (cell + GAP / 2), dy, w, h))
        row_height = max(row_height, h)
    return placed


def _item(pdf: ReportPDF, line: Line, photos: dict[str, bytes | None]) -> None:
    left = pdf.l_margin
    full = pdf.w - pdf.l_margin - pdf.r_margin
    beside = list(line.photos) if len(line.photos) <= PHOTOS_BESIDE else []
    below = [] if beside else list(line.photos)
    text_x = left + TAG_COLUMN
    text_width = full - TAG_COLUMN - (PHOTO_COLUMN + GAP if beside else 0)
    placed = _photo_layout(beside, photos) if beside else []
    photo_height = max((dy + h for _, _, dy, _, h in placed), default=0.0)
    tag_height = 12.0 if line.item is not None and line.item.critical else 6.0
    parts = _text_parts(pdf, line)
    broken = _measure(pdf, parts, text_width)
    text_height = sum(_heights(parts, broken))
    block = max(text_height, photo_height, tag_height) + 3
    if block < pdf.eph:
        pdf.ensure_space(block)
    top = pdf.get_y() + 1
    _tags(pdf, line, left, top)
    _draw_parts(pdf, parts, broken, text_x, top, text_width)
    column_x = left + full - PHOTO_COLUMN
    for sha, dx, dy, w, h in placed:
        _draw_photo(pdf, photos.get(sha), column_x + dx, top + dy, w, h)
    pdf.set_xy(left, top + max(text_height, photo_height, tag_height) + 1.5)
    if below:
        _photo_grid(pdf, below, photos)
    pdf.rule()
    pdf.ln(1)


def _photo_grid(pdf: ReportPDF, shas: list[str], photos: dict[str, bytes | None]) -> None:
    """Photos four to a row at the current position, wrapping to new pages as needed."""
    full = pdf.w - pdf.l_margin - pdf.r_margin
    per_row = 4
    width = (full - (per_row - 1) * GAP) / per_row
    for start in range(0, len(shas), per_row):
        row = shas[start:start + per_row]
        sizes = [_fit(photos.get(sha), width, width) for sha in row]
        height = max(h for _, h in sizes)
        pdf.ensure_space(height + GAP)
        y = pdf.get_y()
        for n, (sha, (w, h)) in enumerate(zip(row, sizes, strict=True)):
            _draw_photo(pdf, photos.get(sha), pdf.l_margin + n * (width + GAP), y, w, h)
        pdf.set_xy(pdf.l_margin, y + height + GAP)


def visit_pdf(data: VisitReportData, words: Words, fonts: FontFiles, now: dt.datetime) -> bytes:
    title = words("pdf.visit.title")
    pdf = ReportPDF(words, fonts, now, f"{title}: {data.site_name} {data.visit.started_at:%Y-%m-%d}")
    pdf.add_page()
    _header(pdf, data)
    lines = report_lines(data, words)
    failed = [line for line in lines if line.outcome == "fail"]
    knockouts = [line for line in failed if line.item is not None and line.item.critical]
    _summary_list(pdf, words("pdf.knockouts.title"), words("pdf.knockouts.none"), knockouts)
    _summary_list(pdf, words("pdf.failed.title"), words("pdf.failed.none"), failed)
    draw_review(pdf, data.review)
    section = None
    for line in lines:
        if line.section != section:
            section = line.section
            pdf.ensure_space(30)
            pdf.ln(1)
            pdf.heading(section or "—", size=13, gap=1.5)
            pdf.set_draw_color(*RULE)
        _item(pdf, line, data.photos)
    cited = {sha for line in lines for sha in line.photos}
    loose = [sha for sha in data.photos if sha not in cited]
    if loose:
        pdf.heading(words("pdf.photos.other"), size=13, gap=1.5)
        _photo_grid(pdf, loose, data.photos)
    return bytes(pdf.output())
