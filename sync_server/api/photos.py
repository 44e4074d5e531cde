"""`/photos`: raw JPEG/PNG uploads addressed by their SHA-256, which hashes are missing, and
reading a photo (or its thumbnail) back for whoever may read a visit citing it (`access.py`).
Auditors upload the photos of their visits; managers upload too, for the photo of a fix they
cite when they resolve a corrective action of their region. A photo nothing cites is served to
admins only, so an upload shows no one anything they could not already see.

The body limit (`max_photo_bytes`) is enforced while the body streams in, by
`body_limit.BodyLimitMiddleware`, so a lying or absent Content-Length does not help."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from ..access import readable_photo
from ..blob_store import BlobNotFound, BlobStore
from ..deps import CurrentUser, PhotosDep, SessionDep, SessionsDep, SettingsDep, VisitReader
from ..errors import NOT_FOUND, ApiError, error_responses
from ..integrity import index_photo
from ..photo_store import check_hash, check_image, ensure_thumbnail, store_photo
from ..schemas import MissingAnswer, MissingQuery, PhotoReceipt
from ..settings import Settings
from ..tables import Photo, User
from ..visit_store import missing_photos

router = APIRouter(prefix="/photos", tags=["photos"], responses=error_responses(401, 403))
Sha256Path = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]
_BINARY = {"schema": {"type": "string", "format": "binary"}}


def _receive(sessions: sessionmaker[Session], settings: Settings, photos: BlobStore, user: User,
             sha256: str, body: bytes) -> tuple[bool, PhotoReceipt]:
    check_hash(body, sha256)
    with sessions() as session:
        present = session.get(Photo, sha256)
        if present is not None:
            return False, PhotoReceipt(sha256=sha256, status="present", media_type=present.media_type,
                                       width=present.width, height=present.height)
    checked = check_image(body, settings.max_photo_pixels)
    with sessions() as session:
        created = store_photo(session, photos, sha256, body, checked, user.id,
                              dt.datetime.now(dt.UTC))
    if created and settings.integrity_signals:
        index_photo(sessions, sha256, body)
    return created, PhotoReceipt(sha256=sha256, status="created" if created else "present",
                                 media_type=checked.media_type, width=checked.width,
                                 height=checked.height)


@router.put("/{sha256}", status_code=200,
            responses={201: {"model": PhotoReceipt, "description": "stored"},
                       **error_responses(413, 422, 503)},
            openapi_extra={"requestBody": {"required": True, "content": {
                "image/jpeg": _BINARY, "image/png": _BINARY}}})
async def put_photo(user: VisitReader, sessions: SessionsDep, settings: SettingsDep, photos: PhotosDep,
                    sha256: Sha256Path, request: Request, response: Response) -> PhotoReceipt:
    """Upload a photo's raw bytes: 201 stored, 200 already there."""
    body = await request.body()
    created, receipt = await run_in_threadpool(_receive, sessions, settings, photos, user, sha256, body)
    response.status_code = 201 if created else 200
    return receipt


@router.post("/missing", responses=error_responses(400, 413, 422))
def post_missing(_user: VisitReader, session: SessionDep, query: MissingQuery) -> MissingAnswer:
    """Which of these photo hashes the server does not have yet."""
    return MissingAnswer(missing=missing_photos(session, query.hashes))


# The browser may keep a photo a day (its bytes never change for a hash); "private" keeps it out
# of shared caches, since who may see it depends on the token.
PHOTO_CACHE_CONTROL = "private, max-age=86400"


@router.get("/{sha256}", response_class=StreamingResponse,
            responses={200: {"description": "the photo (its own type) or its thumbnail (JPEG)",
                             "content": {"image/jpeg": _BINARY, "image/png": _BINARY}},
                       **error_responses(404, 422, 503)})
def get_photo(user: CurrentUser, sessions: SessionsDep, photos: PhotosDep, sha256: Sha256Path,
              size: Annotated[Literal["full", "thumb"], Query()] = "full") -> StreamingResponse:
    """A photo cited by a visit the caller may read (admins: any photo); `size=thumb` gives a
    JPEG at most 320 px on its longer side. 404 for unknown hashes and other people's photos."""
    with sessions() as session:
        photo = readable_photo(session, user, sha256)
        if photo is None:
            raise ApiError(404, NOT_FOUND, f"no photo {sha256}")
        session.expunge(photo)
    # Streamed through this server, not a presigned URL: access was checked here, the phone
    # needs to reach only this server (the bucket may be private to the nodes), and no link
    # that works without a token ever leaves it.
    if size == "thumb":
        key, media_type = ensure_thumbnail(photos, photo), "image/jpeg"
    else:
        key, media_type = photo.file_name, photo.media_type
    try:
        chunks = photos.open_chunks(key)
    except BlobNotFound:
        raise ApiError(404, NOT_FOUND, f"no photo {sha256}") from None
    return StreamingResponse(chunks, media_type=media_type,
                             headers={"Cache-Control": PHOTO_CACHE_CONTROL,
                                      "X-Content-Type-Options": "nosniff"})
