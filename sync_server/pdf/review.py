"""The hook for a visit's review state and flags in the visit PDF.

Reviews and flags are being added on another branch; until they land there is no such data and
`visit_review` answers None, so the PDF draws no review section. To wire it up, read the
review of `(visit_id, revision)` here and return a `Review`; `visit_report.draw_review` already
draws it (tests/server/pdf/test_visit_pdf.py draws one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Review:
    state: str                       # as the review records it (e.g. "approved")
    flags: tuple[str, ...] = ()      # each flag's text as recorded


def visit_review(_session: Session, _visit_id: str, _revision: int) -> Review | None:
    return None
