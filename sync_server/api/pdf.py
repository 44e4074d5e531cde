"""PDF reports: `GET /visits/{id}.pdf` (whoever may read the visit) and
`GET /reports/scorecard.pdf` (managers of the site's region, admins). Anyone else gets 404.

Routes are plain `def`: FastAPI runs them in its thread pool, so making a PDF (a few tenths of a
second of fonts and photos) never blocks the event loop and other requests go on being answered."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ..deps import (
    ChecklistsDep, ClockDep, CurrentUser, PhotosDep, SessionsDep, SettingsDep, VisitReader,
)
from ..errors import INVALID_REQUEST, NOT_FOUND, ApiError, ErrorDetail, error_responses
from ..pdf.data import Period, scorecard_sites, site_scorecard, visit_report_data
from ..pdf.fonts import font_files
from ..pdf.scorecard import scorecard_pdf
from ..pdf.visit_report import visit_pdf
from ..pdf.words import Words

router = APIRouter(tags=["pdf"], responses=error_responses(401, 404, 422))
Lang = Annotated[Literal["en", "zh"], Query(description="the report's language")]
_PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
              "description": "the report as PDF"}}


def pdf_response(body: bytes, file_name: str) -> Response:
    return Response(body, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{file_name}"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/visits/{visit_id}.pdf", response_class=Response, responses=_PDF)
def get_visit_pdf(user: VisitReader, sessions: SessionsDep, checklists: ChecklistsDep,
                  settings: SettingsDep, photos: PhotosDep, clock: ClockDep,
                  visit_id: Annotated[str, Path(min_length=1, max_length=64)],
                  lang: Lang = "en") -> Response:
    """The visit's latest revision as a PDF report in `lang` (en or zh)."""
    with sessions() as session:
        data = visit_report_data(session, checklists, photos, user, visit_id)
    if data is None:
        raise ApiError(404, NOT_FOUND, f"no visit {visit_id}")
    body = visit_pdf(data, Words(lang), font_files(settings.cjk_font), clock())
    return pdf_response(body, f"visit-{data.visit.started_at:%Y%m%d}-{visit_id[:8]}-{lang}.pdf")


FilterId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]
DEFAULT_WEEKS = 8
MAX_DAYS = 371  # a year and a week: the weekly chart stays readable (53 weeks)


@router.get("/reports/scorecard.pdf", response_class=Response, responses=_PDF)
def get_scorecard_pdf(
    user: CurrentUser, sessions: SessionsDep, checklists: ChecklistsDep, settings: SettingsDep,
    clock: ClockDep, site_id: FilterId = None, region: FilterId = None,
    date_from: Annotated[dt.date | None, Query(alias="from", description="first local date")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to", description="last local date")] = None,
    lang: Lang = "en",
) -> Response:
    """A site's scorecard (`site_id`), or without it one section per site of the caller's
    region after a comparison page. Period: `from`–`to` (at most 371 days), by default the
    last 8 weeks."""
    last = date_to or clock().date()
    first = date_from or last - dt.timedelta(weeks=DEFAULT_WEEKS) + dt.timedelta(days=1)
    if first > last:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="date_range", path="query.from", message="`from` must not be after `to`")])
    if (last - first).days >= MAX_DAYS:
        raise ApiError(422, INVALID_REQUEST, "the request is not valid", [ErrorDetail(
            code="date_range", path="query.from",
            message=f"a scorecard covers at most {MAX_DAYS} days")])
    period = Period(first, last)
    with sessions() as session:
        sites = scorecard_sites(session, user, site_id, region)
        if not sites:
            raise ApiError(404, NOT_FOUND, "no such site or region" if sites is None or site_id
                           else "no sites in this region")
        cards = [site_scorecard(session, checklists, site, period, lang) for site in sites]
    shown_region = (user.region if user.role == "manager" and user.region else region)
    body = scorecard_pdf(cards, period, shown_region, site_id is None, Words(lang),
                         font_files(settings.cjk_font), clock())
    name = site_id or shown_region or "all"
    return pdf_response(body, f"scorecard-{name}-{first:%Y%m%d}-{last:%Y%m%d}-{lang}.pdf")
