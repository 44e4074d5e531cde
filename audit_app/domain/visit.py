"""Visit models: the wire format of CONTRACT.md §2, also what the phone stores."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Iterable, Literal


from pydantic import (
    AwareDatetime, Field, NonNegativeFloat, SerializerFunctionWrapHandler, model_serializer,
    model_validator,
)

from .checklist import Key, Slug, Strict

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
EntityId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
# uuid4 in its canonical lower-case text form, so the same visit always has the same id string.
VisitId = Annotated[
    str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
]
# An observation's value; its type is checked against the item's kind in `visit_problems`.
# Order matters: pydantic's smart union keeps JSON true/false as bool and 3 as int.
Value = bool | int | float | str | None


class CheckIn(Strict):
    """Where the phone was when the visit started (an addition to the contract, docs/integrity.md)."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    accuracy_m: Annotated[float, Field(ge=0, le=100_000)]
    at: AwareDatetime


# Why a visit has no check-in: the shopper refused the permission, no fix came, or the device
# has no location service. The shopper is never blocked.
CheckInMissing = Literal["denied", "no_fix", "unavailable"]
_OMITTED_WHEN_UNSET = ("check_in", "check_in_missing")


class Context(Strict):
    peak: bool = False
    check_in: CheckIn | None = None
    check_in_missing: CheckInMissing | None = None

    @model_serializer(mode="wrap")
    def _omit_unset_additions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Older visits had no check-in keys: leaving them out when unset keeps their canonical
        # JSON, hence their content hash, unchanged (a re-upload stays a replay, not a 409).
        data: dict[str, Any] = handler(self)
        for key in _OMITTED_WHEN_UNSET:
            if data.get(key) is None:
                data.pop(key, None)
        return data


class Mark(Strict):
    """One stopwatch tap: seconds since the timing started, with what was seen."""

    label: Annotated[str, Field(min_length=1, max_length=40)]
    elapsed_s: NonNegativeFloat


class Timing(Strict):
    """How a timed value was measured (an addition to the contract, ignored by scoring)."""

    marks: list[Mark] = []
    # True when the app restarted mid-measurement and continued from wall-clock anchors.
    resumed: bool = False


class Observation(Strict):
    item_key: Key
    value: Value = None
    na: bool = False
    staff_id: EntityId | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None
    photos: list[Sha256] = []
    recorded_at: AwareDatetime
    timing: Timing | None = None


class PhotoRef(Strict):
    sha256: Sha256
    bytes: Annotated[int, Field(gt=0)]
    width: Annotated[int, Field(gt=0)]
    height: Annotated[int, Field(gt=0)]
    taken_at: AwareDatetime | None = None


class Visit(Strict):
    id: VisitId
    revision: Annotated[int, Field(ge=1)] = 1
    checklist_id: Slug
    checklist_version: Annotated[int, Field(ge=1)]
    site_id: EntityId
    staff_ids: list[EntityId] = []
    context: Context = Context()
    started_at: AwareDatetime
    finished_at: AwareDatetime | None = None
    observations: list[Observation] = []
    photos: list[PhotoRef] = []

    @model_validator(mode="after")
    def _times_in_order(self) -> Visit:
        if self.finished_at is not None and self.finished_at < self.started_at:
            raise ValueError("finished_at: must not be before started_at")
        return self

    def observation_for(self, item_key: str) -> Observation | None:
        for observation in self.observations:
            if observation.item_key == item_key:
                return observation
        return None


def canonical_json(visit: Visit) -> str:
    """The visit as canonical JSON: sorted keys, no whitespace, defaults written out.

    Two uploads with the same canonical JSON are the same content (a replay)."""
    return json.dumps(visit.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def content_hash(visit: Visit) -> str:
    """SHA-256 of `canonical_json`, what the server compares to tell a replay from a conflict."""
    return canonical_hash(canonical_json(visit))


def canonical_hash(canonical: str) -> str:
    """`content_hash` of the visit whose `canonical_json` is `canonical` (made once, used twice)."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def latest_revisions(visits: Iterable[Visit]) -> list[Visit]:
    """Keep only the highest revision of each visit id (later revisions replace earlier ones)."""
    latest: dict[str, Visit] = {}
    for visit in visits:
        current = latest.get(visit.id)
        if current is None or visit.revision > current.revision:
            latest[visit.id] = visit
    return list(latest.values())
