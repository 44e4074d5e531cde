"""Request and response bodies of the API (the visit and checklist bodies are domain models)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from audit_app.domain import Visit

from .errors import ErrorInfo

Name = Annotated[str, Field(min_length=1, max_length=200)]
EntityId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteUpdate(Input):
    name: Name
    region: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    # Where the site is (both or neither), for the check-in flags (docs/integrity.md).
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    radius_m: Annotated[float, Field(gt=0, le=100_000)] = 300.0

    @model_validator(mode="after")
    def _both_or_neither(self) -> SiteUpdate:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon: give both or neither")
        return self


class StaffUpdate(Input):
    name: Name
    site_id: EntityId


class StaffPublic(BaseModel):
    id: str
    name: str
    site_id: str


class SitePublic(BaseModel):
    id: str
    name: str
    region: str | None
    staff: list[StaffPublic]
    lat: float | None = None
    lon: float | None = None
    radius_m: float = 300.0


class MePublic(BaseModel):
    """The caller, as `GET /me` names them."""

    name: str
    role: Literal["auditor", "manager", "admin"]
    region: str | None


class VisitReceipt(BaseModel):
    """The answer to an upload; the phone marks the visit synced once `missing_photos` is empty."""

    id: str
    revision: int
    status: Literal["created", "replayed"]
    received_at: dt.datetime
    missing_photos: list[str]


MAX_BATCH_VISITS = 50


class VisitBatch(BaseModel):
    """Up to MAX_BATCH_VISITS visit revisions, each checked on its own (so a malformed one is
    that visit's 422, not the whole batch's)."""

    visits: list[dict[str, Any]]


class BatchResult(BaseModel):
    """What `PUT /visits/{id}` would have answered for one visit: the status code with the
    receipt fields (201/200) or the error body (409/422)."""

    id: str | None
    status_code: int
    revision: int | None = None
    status: Literal["created", "replayed"] | None = None
    received_at: dt.datetime | None = None
    missing_photos: list[str] | None = None
    error: ErrorInfo | None = None


class BatchAnswer(BaseModel):
    results: list[BatchResult]


class ObservationOutcome(BaseModel):
    item_key: str
    outcome: Literal["pass", "fail", "na"]
    staff_id: str | None
    dimension: str
    weight: float
    critical: bool


ReviewState = Literal["received", "approved", "has_issues", "rejected"]


class FlagPublic(BaseModel):
    """One integrity signal of the visit's latest revision (docs/integrity.md)."""

    code: str
    message: str
    message_zh: str
    evidence: dict[str, Any]


class ReviewPublic(BaseModel):
    state: ReviewState
    reason: str | None
    by: str | None  # None: the server (a new revision sent the visit back to `received`)
    at: dt.datetime | None


class ReviewChange(ReviewPublic):
    revision: int


class ReviewUpdate(Input):
    """`PUT /visits/{id}/review`; a reason is required for `has_issues` and `rejected`."""

    state: Literal["approved", "has_issues", "rejected"]
    reason: Annotated[str, Field(max_length=2000)] | None = None


class VisitDetail(BaseModel):
    """A stored visit's latest revision with what the server computed from it."""

    visit: Visit
    auditor_id: str
    received_at: dt.datetime
    applicable: float
    passed: float
    score: float | None
    visit_score: float | None
    knocked_out: bool
    outcomes: list[ObservationOutcome]
    missing_photos: list[str]
    flags: list[FlagPublic] = []
    review: ReviewPublic = ReviewPublic(state="received", reason=None, by=None, at=None)
    review_history: list[ReviewChange] = []


class VisitSummary(BaseModel):
    id: str
    revision: int
    auditor_id: str
    site_id: str
    checklist_id: str
    checklist_version: int
    started_at: dt.datetime
    # The date where the visit happened (started_at in its own UTC offset), as reports filter.
    started_local_date: dt.date
    received_at: dt.datetime
    visit_score: float | None
    knocked_out: bool
    flags: list[FlagPublic] = []
    review_state: ReviewState = "received"
    review_reason: str | None = None


class PhotoReceipt(BaseModel):
    sha256: str
    status: Literal["created", "present"]
    media_type: str
    width: int
    height: int


class MissingQuery(Input):
    hashes: Annotated[list[Sha256], Field(max_length=10_000)]


class MissingAnswer(BaseModel):
    missing: list[str]


class EnrolRequest(Input):
    code: Annotated[str, Field(min_length=1, max_length=64)]


class EnrolAnswer(BaseModel):
    """A new device token for the enrolled user (shown once, stored only as a hash)."""

    token: str
    name: str
    role: Literal["auditor", "manager", "admin"]
    region: str | None
