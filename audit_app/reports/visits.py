"""View-models of the drill-down's last two steps: a site's visits (date, auditor, score,
knock-out) and one visit (every observation with its outcome, the stopwatch value against its
threshold, notes and photos)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from audit_app.domain import Checklist

from . import formats
from .labels import Labeller, is_chinese
from .models import VisitDetail, VisitSummary


@dataclass(frozen=True)
class VisitListRow:
    id: str
    date_text: str      # the local date where the visit happened
    auditor: str
    checklist: str
    score_text: str
    knocked_out: bool


def visit_rows(visits: Sequence[VisitSummary], labeller: Labeller) -> tuple[VisitListRow, ...]:
    """Newest visit first. The list carries the visit's local date, not its time: the server
    gives times in UTC, and a time of day in another zone than the visit's would mislead."""
    ordered = sorted(visits, key=lambda v: (v.started_at, v.id), reverse=True)
    return tuple(VisitListRow(
        id=v.id, date_text=(v.started_local_date or v.started_at.date()).isoformat(),
        auditor=v.auditor_id, checklist=labeller.checklist_title(v.checklist_id),
        score_text=formats.percent(v.visit_score), knocked_out=v.knocked_out) for v in ordered)


@dataclass(frozen=True)
class ObservationLine:
    item_key: str
    text: str
    outcome: str | None      # pass | fail | na; None for unscored items (text, photo)
    value_text: str | None   # what was recorded, e.g. "41.5 s", "4 / 5", "3"
    threshold_text: str | None  # timed items: the limit the value was held against
    critical: bool
    note: str | None
    photos: tuple[str, ...]
    staff_id: str | None
    section: str | None = None  # the section's title (a heading is drawn where it changes)


@dataclass(frozen=True)
class VisitView:
    id: str
    date_text: str
    time_text: str
    site_id: str
    site_name: str
    staff: tuple[str, ...]  # the staff assessed, by name where the phone knows it
    auditor: str
    checklist: str
    score_text: str
    knocked_out: bool
    peak: bool
    lines: tuple[ObservationLine, ...]
    photos: tuple[str, ...]
    missing_photos: tuple[str, ...]
    review_state: str = "received"      # what a manager decided (the review queue)
    review_reason: str | None = None
    flags: tuple[str, ...] = ()         # the server's integrity signals, in the labeller's language


def visit_view(detail: VisitDetail, checklist: Checklist | None, labeller: Labeller, *,
               site_names: Mapping[str, str] | None = None,
               staff_names: Mapping[str, str] | None = None) -> VisitView:
    """Observations in checklist order (unknown items last), each with the server's outcome and
    its section's title; the site and staff by name where known (else their ids)."""
    visit = detail.visit
    site_names, staff_names = site_names or {}, staff_names or {}
    outcomes = {o.item_key: o for o in detail.outcomes}
    items = checklist.item_map if checklist is not None else {}
    section_of = ({item.key: labeller.text(section.title) for section in checklist.sections
                   for item in section.items} if checklist is not None else {})
    order = {key: n for n, key in enumerate(items)}
    observations = sorted(visit.observations,
                          key=lambda o: (order.get(o.item_key, len(order)), o.item_key))
    lines = []
    for observation in observations:
        item = items.get(observation.item_key)
        scored = outcomes.get(observation.item_key)
        lines.append(ObservationLine(
            item_key=observation.item_key,
            text=labeller.text(item.text) if item is not None else observation.item_key,
            outcome=scored.outcome if scored is not None else None,
            value_text=formats.value_text(item, observation),
            threshold_text=formats.threshold_text(item, visit.context.peak),
            critical=bool(item is not None and item.critical), note=observation.note,
            photos=tuple(observation.photos), staff_id=observation.staff_id,
            section=section_of.get(observation.item_key)))
    return VisitView(
        id=visit.id, date_text=visit.started_at.date().isoformat(),
        time_text=visit.started_at.strftime("%H:%M"), site_id=visit.site_id,
        site_name=site_names.get(visit.site_id, visit.site_id),
        staff=tuple(staff_names.get(sid, sid) for sid in visit.staff_ids),
        auditor=detail.auditor_id, checklist=labeller.checklist_title(visit.checklist_id),
        score_text=formats.percent(detail.visit_score), knocked_out=detail.knocked_out,
        peak=visit.context.peak, lines=tuple(lines),
        photos=tuple(photo.sha256 for photo in visit.photos),
        missing_photos=tuple(detail.missing_photos),
        review_state=detail.review.state, review_reason=detail.review.reason,
        flags=tuple(flag.message_zh if is_chinese(labeller.lang) else flag.message for flag in detail.flags))
