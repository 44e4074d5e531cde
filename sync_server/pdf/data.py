"""What the PDF reports draw, read from the database: one visit with its names, outcomes and
print-size photos; one site's scorecard figures from the report queries of `sync_server.reports`.

Access is decided here, with the same rules as the JSON routes (`access.py`): a caller who may
not see a visit or a site gets None, and the route answers 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit_app.domain import Checklist, GroupRow, Visit

from ..access import may_read_visit
from ..blob_store import BlobStore
from ..catalog import ChecklistCache
from ..photo_store import ensure_print_copy
from ..reports import (
    REJECTED, ReportFilters, TrendRow, compliance_rows, excluded_rejected, report_labels, trend_rows,
)
from ..tables import Photo, Site, Staff, User, VisitRevision
from ..visit_store import load_visit
from .review import Review, visit_review
from .words import Lang


@dataclass(frozen=True)
class VisitReportData:
    visit: Visit
    checklist: Checklist | None
    site_name: str
    site_region: str | None
    staff_names: dict[str, str]
    auditor_id: str
    received_at: dt.datetime
    applicable: float
    passed: float
    score: float | None
    visit_score: float | None
    knocked_out: bool
    outcomes: dict[str, str]                  # item key → pass | fail | na (the server's)
    photos: dict[str, bytes | None]           # sha256 → print copy (JPEG); None: not received
    review: Review


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def visit_report_data(session: Session, checklists: ChecklistCache, photos_store: BlobStore,
                      user: User, visit_id: str) -> VisitReportData | None:
    """The visit's latest revision as `GET /visits/{id}` shows it, or None (unknown or not
    the caller's to read)."""
    stored = load_visit(session, visit_id)
    site = session.get(Site, stored.latest.site_id) if stored is not None else None
    if stored is None or not may_read_visit(user, stored.head.auditor_id,
                                            site.region if site else None):
        return None
    latest = stored.latest
    visit = Visit.model_validate_json(latest.body)
    staff_ids = set(visit.staff_ids) | {o.staff_id for o in visit.observations if o.staff_id}
    names = {key: name for key, name in session.execute(
        select(Staff.id, Staff.name).where(Staff.id.in_(staff_ids)))} if staff_ids else {}
    photos: dict[str, bytes | None] = {}
    for ref in visit.photos:
        photo = session.get(Photo, ref.sha256)
        photos[ref.sha256] = ensure_print_copy(photos_store, photo) if photo is not None else None
    return VisitReportData(
        visit=visit, checklist=checklists.get(session, visit.checklist_id, visit.checklist_version),
        site_name=site.name if site is not None else visit.site_id,
        site_region=site.region if site is not None else None, staff_names=names,
        auditor_id=latest.auditor_id, received_at=_utc(latest.received_at),
        applicable=latest.applicable, passed=latest.passed, score=latest.score,
        visit_score=latest.visit_score, knocked_out=latest.knocked_out,
        outcomes={row.item_key: row.outcome for row in stored.observations},
        photos=photos, review=visit_review(session, stored.head, latest.revision))


@dataclass(frozen=True)
class WeakItem:
    row: GroupRow
    source: str | None


@dataclass(frozen=True)
class VisitLine:
    date: dt.date
    checklist: str
    auditor_id: str
    visit_score: float | None
    knocked_out: bool


@dataclass(frozen=True)
class SiteScorecard:
    site_id: str
    site_name: str
    region: str | None
    compliance: GroupRow | None               # None: no scored observation in the period
    trend: list[TrendRow]
    staff: list[GroupRow]
    weakest: list[WeakItem]
    visits: list[VisitLine] = field(default_factory=list)
    excluded_rejected: int = 0        # rejected visits the figures and `visits` leave out


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date


WEAKEST = 10


def _item_labels(checklists: list[Checklist], lang: Lang) -> tuple[dict[str, str], dict[str, str]]:
    """Item row keys → text in `lang` and → seed source (later versions win)."""
    texts: dict[str, str] = {}
    sources: dict[str, str] = {}
    for checklist in checklists:  # sorted by version
        for item in checklist.items:
            key = f"{checklist.id}/{item.key}"
            texts[key] = item.text.zh if lang == "zh" else item.text.en
            sources[key] = item.source
    return texts, sources


def site_scorecard(session: Session, checklists: ChecklistCache, site: Site, period: Period,
                   lang: Lang) -> SiteScorecard:
    """One site's figures over the period, from the report queries behind `/reports`. Rejected
    visits are left out of the figures (as `/reports` leaves them) and of the visit list, which
    lists the visits behind the figures; `excluded_rejected` counts them."""
    filters = ReportFilters(date_from=period.first, date_to=period.last, site_id=site.id)
    versions = checklists.all_versions(session)
    site_rows = compliance_rows(session, "site", filters, {site.id: site.name})
    staff_rows = compliance_rows(session, "staff", filters, report_labels(session, "staff", checklists))
    texts, sources = _item_labels(versions, lang)
    item_rows = [row.model_copy(update={"label": texts.get(row.key, row.key)})
                 for row in compliance_rows(session, "item", filters) if row.rate is not None]
    item_rows.sort(key=lambda row: (row.rate, -row.observations, row.key))
    titles = {c.id: (c.title.zh if lang == "zh" else c.title.en) for c in versions}
    visits = session.execute(
        select(VisitRevision.started_local_date, VisitRevision.checklist_id,
               VisitRevision.auditor_id, VisitRevision.visit_score, VisitRevision.knocked_out)
        .where(VisitRevision.is_latest.is_(True), VisitRevision.site_id == site.id,
               VisitRevision.started_local_date >= period.first,
               VisitRevision.started_local_date <= period.last,
               VisitRevision.visit_id.not_in(REJECTED))
        .order_by(VisitRevision.started_at.desc(), VisitRevision.visit_id))
    return SiteScorecard(
        site_id=site.id, site_name=site.name, region=site.region,
        compliance=site_rows[0] if site_rows else None,
        trend=trend_rows(session, "site", "week", filters, {site.id: site.name}),
        staff=sorted(staff_rows, key=lambda row: (row.rate is None, row.rate or 0, row.key)),
        weakest=[WeakItem(row, sources.get(row.key)) for row in item_rows[:WEAKEST]],
        visits=[VisitLine(day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
                          titles.get(checklist_id, checklist_id), auditor, score, bool(knocked))
                for day, checklist_id, auditor, score, knocked in visits],
        excluded_rejected=excluded_rejected(session, filters))


def may_see_region(user: User, region: str | None) -> bool:
    """Managers see their region's sites (managers without a region and admins: all)."""
    if user.role == "admin":
        return True
    return user.role == "manager" and (user.region is None or user.region == region)


def scorecard_sites(session: Session, user: User, site_id: str | None,
                    region: str | None) -> list[Site] | None:
    """The sites a scorecard covers, or None when the caller may not see them (→ 404).

    With `site_id`: that site. Without: every site of the caller's region (a regional
    manager's own; others may name a region, or get every site)."""
    if user.role not in ("manager", "admin"):
        return None
    if site_id is not None:
        site = session.get(Site, site_id)
        return [site] if site is not None and may_see_region(user, site.region) else None
    if user.role == "manager" and user.region is not None:
        if region is not None and region != user.region:
            return None
        region = user.region
    query = select(Site).order_by(Site.name, Site.id)
    if region is not None:
        query = query.where(Site.region == region)
    return list(session.scalars(query))
