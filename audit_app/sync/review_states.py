"""The server's review of the user's own visits (docs/integrity.md), cached in `reviews.json`
so Home and the visit can say "has issues: <reason>" or "rejected: <reason>" offline.

Only visits a reviewer marked `has_issues` or `rejected` are fetched: everything else reads as
nothing to say. Pulled for auditors only (a manager's list would be other people's visits)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ValidationError

from audit_app.device import Device

from .files import write_atomically
from .http import SyncApi

REVIEWS_FILE = "reviews.json"
SHOWN_STATES = ("has_issues", "rejected")
PAGE = 1000


class ReviewOutcome(BaseModel):
    state: Literal["has_issues", "rejected"]
    reason: str | None


class ReviewStates(BaseModel):
    visits: dict[str, ReviewOutcome]
    fetched_at: AwareDatetime


class _Listed(BaseModel):
    id: str
    review_state: str
    review_reason: str | None = None


def pull_review_states(device: Device, api: SyncApi, now: Callable[[], datetime]) -> ReviewStates:
    """Fetch the reviews that need the user's attention and replace the cache."""
    visits: dict[str, ReviewOutcome] = {}
    for state in SHOWN_STATES:
        offset = 0
        while True:
            rows = api.call("GET", f"/visits?review={state}&limit={PAGE}&offset={offset}",
                            list[_Listed], ok=(200,))
            for row in rows:
                visits[row.id] = ReviewOutcome(state=state, reason=row.review_reason)
            if len(rows) < PAGE:
                break
            offset += PAGE
    states = ReviewStates(visits=visits, fetched_at=now())
    data = states.model_dump_json(indent=1).encode("utf-8")
    with device.lock:
        write_atomically(device.folder, REVIEWS_FILE, data, mode=0o644)
    return states


def load_review_states(device: Device) -> dict[str, ReviewOutcome]:
    """visit id → its review needing attention; empty before the first pull or if damaged."""
    with device.lock:
        try:
            text = (device.folder / REVIEWS_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
    try:
        return ReviewStates.model_validate_json(text).visits
    except ValidationError:
        return {}
