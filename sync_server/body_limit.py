"""Request body limits, enforced while the body streams in.

FastAPI's own `max_body_size` answers an oversized Content-Length with a plain-text 413 that
overrides the app's response; the contract wants every error as JSON, so this small ASGI
middleware does the same job: it refuses a declared-too-large body at once and counts the bytes
actually received (a missing or lying Content-Length does not help)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import BODY_TOO_LARGE, error_response


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")


class BodyLimitMiddleware:
    """Limit each request body to `limit_for(scope)` bytes."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[Scope], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = error_response(413, BODY_TOO_LARGE,
                                      f"the request body is larger than {limit} bytes")
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing unchanged and
                    # reaches the app's error handler, which answers with the JSON body.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counting_receive, send)
