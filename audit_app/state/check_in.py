"""The check-in at visit start (docs/integrity.md): one position fix recorded in the visit's
context, or why there is none. It runs beside the visit and never blocks the shopper; a
re-try replaces it. The platform's locator is handed in by the app (`views/check_in.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Literal

from audit_app.domain import CheckIn

LOCATE_TIMEOUT_S = 20.0
CheckInStatus = Literal["locating", "done", "denied", "no_fix", "unavailable"]


@dataclass(frozen=True)
class Fix:
    lat: float
    lon: float
    accuracy_m: float


class LocationUnavailable(Exception):
    """No position: `reason` is denied (permission refused), no_fix or unavailable."""

    def __init__(self, reason: Literal["denied", "no_fix", "unavailable"]) -> None:
        super().__init__(reason)
        self.reason: Literal["denied", "no_fix", "unavailable"] = reason


Locate = Callable[[], Awaitable[Fix]]


class CheckInActions:
    """Mixed into AppState: `locate`, `visit`, `access`, `now`, `changed` come from there."""

    locate: Locate | None = None
    locate_timeout_s: float = LOCATE_TIMEOUT_S
    check_in_status: CheckInStatus | None = None
    _check_in_task: asyncio.Task[None] | None = None

    def start_check_in(self) -> None:
        """Check in beside the visit (where the app has a locator): the shopper goes on."""
        if self.locate is not None:
            self._check_in_task = asyncio.get_running_loop().create_task(self.check_in_visit())

    async def check_in_visit(self) -> None:
        """Take one fix for the open draft and record it (or the reason there is none)."""
        session = self.visit  # type: ignore[attr-defined]
        if session is None:
            return
        self.check_in_status = "locating"
        self.changed()  # type: ignore[attr-defined]
        check_in, missing = None, None
        try:
            if self.locate is None:
                raise LocationUnavailable("unavailable")
            fix = await asyncio.wait_for(self.locate(), self.locate_timeout_s)
            check_in = CheckIn(lat=fix.lat, lon=fix.lon, accuracy_m=max(0.0, fix.accuracy_m),
                               at=self.now())  # type: ignore[attr-defined]
        except LocationUnavailable as exc:
            missing = exc.reason
        except (TimeoutError, asyncio.TimeoutError):
            missing = "no_fix"
        repo = self.device.store.visits  # type: ignore[attr-defined]
        visit = await self.access.locked(partial(  # type: ignore[attr-defined]
            repo.record_check_in, session.visit.id, check_in=check_in, missing=missing,
            now=self.now()))  # type: ignore[attr-defined]
        # Only the context: an answer saved meanwhile stays in the session's visit.
        session.visit = session.visit.model_copy(update={"context": visit.context})
        self.check_in_status = "done" if check_in else missing
        self.changed()  # type: ignore[attr-defined]
