"""`/photos`: raw JPEG/PNG uploads addressed by their SHA-256, and which hashes are missing.

The body limit (`max_photo_bytes`) is enforced while the body streams in, by
`body_limit.BodyLimitMiddleware`, so a lying or absent Content-Length does not help."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, sessionmaker

from ..deps import AuditorUser, SessionDep, SessionsDep, SettingsDep
from ..errors import error_responses
from ..photo_store import check_hash, check_image, store_photo
from ..schemas import MissingAnswer, MissingQuery, PhotoReceipt
from ..settings import Settings
from ..tables import Photo, User
from ..visit_store import missing_photos

router = APIRouter(prefix="/photos", tags=["photos"], responses=error_responses(401, 403))
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _receive(sessions: sessionmaker[Session], settings: Settings, user: User, sha256: str,
             body: bytes) -> tuple[bool, PhotoReceipt]:
    check_hash(body, sha256)
    with sessions() as session:
        present = session.get(Photo, sha256)
        if present is not None:
            return False, PhotoReceipt(sha256=sha256, status="present", media_type=present.media_type,
                                       width=present.width, height=present.height)
    checked = check_image(body, settings.max_photo_pixels)
    with sessions() as session:
        created = store_photo(session, settings.photo_dir, sha256, body, checked, user.id,
                              dt.datetime.now(dt.UTC))
    return created, PhotoReceipt(sha256=sha256, status="created" if created else "present",
                                 media_type=checked.media_type, width=checked.width,
                                 height=checked.height)


@router.put("/{sha256}", status_code=200,
            responses={201: {"model": PhotoReceipt, "description": "stored"},
                       **error_responses(413, 422)},
            openapi_extra={"requestBody": {"required": True, "content": {
                "image/jpeg": _BINARY, "image/png": _BINARY}}})
async def put_photo(user: AuditorUser, sessions: SessionsDep, settings: SettingsDep,
                    sha256: Sha256Path, request: Request, response: Response) -> PhotoReceipt:
    """Upload a photo's raw bytes: 201 stored, 200 already there."""
    body = await request.body()
    created, receipt = await run_in_threadpool(_receive, sessions, settings, user, sha256, body)
    response.status_code = 201 if created else 200
    return receipt


@router.post("/missing", responses=error_responses(400, 413, 422))
def post_missing(_user: AuditorUser, session: SessionDep, query: MissingQuery) -> MissingAnswer:
    """Which of these photo hashes the server does not have yet."""
    return MissingAnswer(missing=missing_photos(session, query.hashes))
