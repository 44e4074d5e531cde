"""`store_revisions`: one transaction, a savepoint per revision. A revision whose writes fail
half-way leaves nothing of it (not its head row, not its rows, not its flags), and the revisions
around it commit (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from audit_app.domain import Visit
from sync_server.catalog import ChecklistCache
from sync_server.db import make_engine, make_session_factory
from sync_server.errors import ApiError
from sync_server.integrity import SitePoint
from sync_server.tables import ObservationRow, VisitFlag, VisitHead, VisitRevision
from sync_server.visit_store import StoredRevision, prepare_revision, store_revisions

from .conftest import Server
from .visit_data import changed, visit_body

NOW = dt.datetime(2026, 11, 20, 2, 30, 31, tzinfo=dt.UTC)
QUICK = "2026-11-20T10:00:30+08:00"  # finished 30 s after it started: too_fast


def test_a_revision_failing_inside_its_savepoint_leaves_nothing_and_the_others_commit(
        server: Server) -> None:
    engine = make_engine(server.settings)
    sessions = make_session_factory(engine)
    with sessions() as session:
        checklist = ChecklistCache().get(session, "shop-visit", 1)
    assert checklist is not None
    # The site check is skipped here: the head row is written, then the revision row breaks
    # the foreign key to `sites`, after which the savepoint must take the head row back too.
    before, broken, after = (Visit.model_validate(changed(visit_body(site_id=site), finished_at=QUICK))
                             for site in ("site-n1", "site-gone", "site-n1"))
    prepared = [prepare_revision(visit, checklist, "auditor_a", NOW, SitePoint(None, None))
                for visit in (before, broken, after)]
    outcomes = store_revisions(sessions, prepared)
    assert outcomes[0] == outcomes[2] == StoredRevision("created", 1, NOW)
    assert isinstance(outcomes[1], ApiError) and outcomes[1].status == 409
    with sessions() as session:
        def count(model, column, visit_id: str) -> int:  # type: ignore[no-untyped-def]
            return int(session.scalar(select(func.count()).select_from(model)
                                      .where(column == visit_id)) or 0)

        left = {visit.id: [count(VisitHead, VisitHead.id, visit.id),
                           count(VisitRevision, VisitRevision.visit_id, visit.id),
                           count(ObservationRow, ObservationRow.visit_id, visit.id),
                           count(VisitFlag, VisitFlag.visit_id, visit.id)]
                for visit in (before, broken, after)}
    engine.dispose()
    observations = len(prepared[0].observation_rows)  # its scored items
    assert left == {before.id: [1, 1, observations, 1], broken.id: [0, 0, 0, 0],
                    after.id: [1, 1, observations, 1]}
