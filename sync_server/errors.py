"""The one place that turns failures into the contract's error body:
`{"error": {"code": "...", "message": "...", "details": [...]}}`.

Codes are stable; clients may switch on them."""

from __future__ import annotations

import errno
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .blob_store import BlobStoreUnavailable

# Registry of error codes (status → default code for errors raised by the framework).
MALFORMED_JSON = "malformed_json"
INVALID_REQUEST = "invalid_request"
INVALID_VISIT = "invalid_visit"
UNAUTHORIZED = "unauthorized"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
CONFLICT = "conflict"
REVISION_CONFLICT = "revision_conflict"
STALE_REVISION = "stale_revision"
VISIT_ID_TAKEN = "visit_id_taken"
BODY_TOO_LARGE = "body_too_large"
IMAGE_TOO_LARGE = "image_too_large"
HASH_MISMATCH = "hash_mismatch"
NOT_AN_IMAGE = "not_an_image"
PHOTO_HAS_LOCATION = "photo_has_location"
UNKNOWN_SITE = "unknown_site"
METHOD_NOT_ALLOWED = "method_not_allowed"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
INSUFFICIENT_STORAGE = "insufficient_storage"
PHOTO_STORE_UNAVAILABLE = "photo_store_unavailable"
INTERNAL_ERROR = "internal_error"
INVALID_ENROLMENT_CODE = "invalid_enrolment_code"
TOO_MANY_ENROLMENT_ATTEMPTS = "too_many_enrolment_attempts"

_STATUS_CODES = {
    400: INVALID_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED, 409: CONFLICT, 413: BODY_TOO_LARGE, 415: UNSUPPORTED_MEDIA_TYPE,
    422: INVALID_REQUEST,
}


class ErrorDetail(BaseModel):
    """One problem: a stable `code`, where (`path`, JSON-path-like) and a readable message;
    `message_zh` is the same in Chinese where the server has it (visit problems), for the phone."""

    code: str
    path: str
    message: str
    message_zh: str | None = None


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorBody(BaseModel):
    """Every 4xx answer has this body."""

    error: ErrorInfo


class ApiError(Exception):
    """Raise anywhere in the server to answer with the contract's error body."""

    def __init__(self, status: int, code: str, message: str,
                 details: list[ErrorDetail] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers


def error_response(status: int, code: str, message: str, details: list[ErrorDetail] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorInfo(code=code, message=message, details=details or []))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _loc_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    """Pydantic/FastAPI validation errors as error details (code = pydantic's error type)."""
    return [ErrorDetail(code=str(error["type"]), path=_loc_path(tuple(error.get("loc", ()))),
                        message=str(error["msg"])) for error in errors]


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, MALFORMED_JSON, "the request body is not valid JSON",
                              validation_details(errors))
    return error_response(422, INVALID_REQUEST, "the request is not valid",
                          validation_details(errors))


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    """Anything unforeseen still answers in the contract's error body (Starlette logs it).

    A full disk is named as such (507), so a phone keeps the visit queued and an operator
    knows what to fix; nothing was stored, since every write commits or rolls back whole."""
    if isinstance(exc, BlobStoreUnavailable):
        # The phone keeps the photo queued and retries: a 5xx is never counted as stored.
        return error_response(503, PHOTO_STORE_UNAVAILABLE,
                              "the photo store cannot be reached; nothing was stored, try again later",
                              headers={"Retry-After": "30"})
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return error_response(507, INSUFFICIENT_STORAGE,
                              "the server's disk is full; nothing was stored, try again later")
    return error_response(500, INTERNAL_ERROR, "the server failed; nothing was stored")


def install_error_handlers(app: FastAPI) -> None:
    """Route every failure, expected or not, through the one error body."""
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


# OpenAPI: every route documents the error body for the statuses it can answer with.
def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": "error"} for status in statuses}
