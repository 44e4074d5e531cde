"""The app factory. Nothing happens at import time: callers build `Settings` and hand them in."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.types import Scope

from .api import (
    action_reports, actions, checklists, enrol, health, me, pdf, photos, reports, review, sites, visits,
)
from .blob_store import open_photo_store
from .body_limit import BodyLimitMiddleware
from .catalog import ChecklistCache, load_checklist_dir
from .db import make_engine, make_session_factory, startup_lock, upgrade
from .errors import install_error_handlers
from .settings import Settings, settings_from_env

API_PREFIX = "/api/v1"


def prepare_database(settings: Settings) -> list[str]:
    """Migrate the database to the latest schema and load the checklist directory.

    Returns the checklist versions newly stored. `audit-server serve` calls this first."""
    engine = make_engine(settings)
    try:
        with startup_lock(engine):
            upgrade(engine)
            with make_session_factory(engine)() as session:
                return load_checklist_dir(session, settings.checklist_dir)
    finally:
        engine.dispose()


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(settings: Settings, *, clock: Callable[[], dt.datetime] = utc_now) -> FastAPI:
    """A FastAPI app serving the sync API on the database `settings` point at.

    The database must already be migrated (`prepare_database`). `clock` is the server's time
    for decisions that depend on it (enrolment codes expire, wrong codes are counted per window);
    tests hand in their own."""
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Field Audit sync server", version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.checklists = ChecklistCache()
    app.state.photos = open_photo_store(settings)
    app.state.clock = clock
    install_error_handlers(app)

    def body_limit(scope: Scope) -> int:
        # Photos are the one large body; every other body is a few kB of JSON.
        if scope["method"] == "PUT" and scope["path"].startswith(f"{API_PREFIX}/photos/"):
            return settings.max_photo_bytes
        return settings.max_request_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)

    api = APIRouter(prefix=API_PREFIX)
    # pdf first: `/visits/{id}.pdf` would otherwise match `/visits/{visit_id}`.
    for module in (me, checklists, sites, pdf, visits, review, reports, enrol, actions, action_reports):
        api.include_router(module.router)
    api.include_router(photos.router)
    app.include_router(health.router)
    app.include_router(api)
    return app


def app_from_environment() -> FastAPI:
    """The app for `AUDIT_*` environment settings (what each `serve --workers N` process runs)."""
    return create_app(settings_from_env(os.environ))
