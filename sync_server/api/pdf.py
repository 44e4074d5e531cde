"""PDF reports: `GET /visits/{id}.pdf` (whoever may read the visit) and
`GET /reports/scorecard.pdf` (managers of the site's region, admins). Anyone else gets 404.

Routes are plain `def`: FastAPI runs them in its thread pool, so making a PDF (about a second
of fonts and photos) never blocks the event loop and other requests go on being answered."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ..deps import ChecklistsDep, ClockDep, CurrentUser, SessionsDep, SettingsDep
from ..errors import NOT_FOUND, ApiError, error_responses
from ..pdf.data import visit_report_data
from ..pdf.fonts import font_files
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
def get_visit_pdf(user: CurrentUser, sessions: SessionsDep, checklists: ChecklistsDep,
                  settings: SettingsDep, clock: ClockDep,
                  visit_id: Annotated[str, Path(min_length=1, max_length=64)],
                  lang: Lang = "en") -> Response:
    """The visit's latest revision as a PDF report in `lang` (en or zh)."""
    with sessions() as session:
        data = visit_report_data(session, checklists, settings.photo_dir, user, visit_id)
    if data is None:
        raise ApiError(404, NOT_FOUND, f"no visit {visit_id}")
    body = visit_pdf(data, Words(lang), font_files(settings.cjk_font), clock())
    return pdf_response(body, f"visit-{data.visit.started_at:%Y%m%d}-{visit_id[:8]}-{lang}.pdf")
