"""Request dependencies as `Annotated` aliases: the session, the settings, the current user and
the role gates. Routes declare `user: AuditorUser` and never check roles by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from .accounts import Role, user_for_token
from .blob_store import BlobStore
from .catalog import ChecklistCache
from .errors import FORBIDDEN, UNAUTHORIZED, ApiError
from .settings import Settings
from .tables import User

# Dependencies that only read app state are `async def`: FastAPI runs a plain `def` dependency
# in the thread pool, and a thread hop per trivial lookup was measurable on every upload.
_bearer = HTTPBearer(auto_error=False, description="A token made by `audit-server create-user` or by enrolling a device.")


async def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def _sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


async def _checklists(request: Request) -> ChecklistCache:
    return request.app.state.checklists  # type: ignore[no-any-return]


async def _photos(request: Request) -> BlobStore:
    return request.app.state.photos  # type: ignore[no-any-return]


async def _clock(request: Request) -> Callable[[], dt.datetime]:
    return request.app.state.clock  # type: ignore[no-any-return]


def _session(sessions: Annotated[sessionmaker[Session], Depends(_sessions)]) -> Iterator[Session]:
    with sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(_settings)]
SessionsDep = Annotated[sessionmaker[Session], Depends(_sessions)]
SessionDep = Annotated[Session, Depends(_session)]
ChecklistsDep = Annotated[ChecklistCache, Depends(_checklists)]
PhotosDep = Annotated[BlobStore, Depends(_photos)]
ClockDep = Annotated[Callable[[], dt.datetime], Depends(_clock)]


def _current_user(sessions: SessionsDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    if credentials is None:
        raise ApiError(401, UNAUTHORIZED, "a bearer token is required",
                       headers={"WWW-Authenticate": "Bearer"})
    # A short session of its own: holding a connection for the whole request would let a burst
    # of uploads (which open their own sessions) exhaust the pool.
    with sessions() as session:
        user = user_for_token(session, credentials.credentials)
        if user is None:
            raise ApiError(401, UNAUTHORIZED, "unknown or revoked token",
                           headers={"WWW-Authenticate": "Bearer"})
        session.expunge(user)  # a plain value for the route
    return user


CurrentUser = Annotated[User, Depends(_current_user)]


def _require(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A gate letting through `roles` and admins (admins may do everything)."""
    allowed = frozenset(roles) | {"admin"}

    async def gate(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise ApiError(403, FORBIDDEN, f"this needs the role {' or '.join(sorted(allowed))}")
        return user

    return gate


AuditorUser = Annotated[User, Depends(_require("auditor"))]
ManagerUser = Annotated[User, Depends(_require("manager"))]
AdminUser = Annotated[User, Depends(_require())]
# Readers of visits: the owning auditor (checked per visit), managers, admins.
VisitReader = Annotated[User, Depends(_require("auditor", "manager"))]
