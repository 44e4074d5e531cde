"""Completeness and consistency of a visit against its checklist (CONTRACT.md §2–3).

Every check collects *all* problems rather than stopping at the first, so the phone can show
the shopper everything left to do and the server can answer one 422 listing everything."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from .checklist import Checklist, Item, Kind
from .visit import Observation, Visit


class Problem(BaseModel):
    """One thing wrong with a visit. `code` is stable; `path` points into the visit JSON."""

    model_config = ConfigDict(frozen=True)

    code: str
    path: str
    message: str


# Stable problem codes (the server's 422 details carry them unchanged).
CHECKLIST_MISMATCH = "checklist_mismatch"
UNKNOWN_ITEM = "unknown_item"
DUPLICATE_ITEM = "duplicate_item"
WRONG_TYPE = "wrong_type"
OUT_OF_RANGE = "out_of_range"
MISSING_REQUIRED = "missing_required"
MISSING_PHOTO = "missing_photo"
UNKNOWN_PHOTO = "unknown_photo"
NOT_FINISHED = "not_finished"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_problem(item: Item, value: object) -> tuple[str, str] | None:
    """Why `value` is not a valid answer for `item`, as (code, message); None if it is valid."""
    kind = item.kind
    if kind is Kind.CHECK:
        if not isinstance(value, bool):
            return WRONG_TYPE, "a check item needs true or false"
    elif kind is Kind.TIMED:
        if not _is_number(value):
            return WRONG_TYPE, "a timed item needs a number of seconds"
        if not math.isfinite(value) or value < 0:  # type: ignore[arg-type]
            return OUT_OF_RANGE, "seconds must be a finite number >= 0"
    elif kind is Kind.COUNT:
        if not isinstance(value, int) or isinstance(value, bool):
            return WRONG_TYPE, "a count item needs a whole number"
        if value < 0:
            return OUT_OF_RANGE, "a count must be >= 0"
    elif kind is Kind.RATING:
        if not isinstance(value, int) or isinstance(value, bool):
            return WRONG_TYPE, f"a rating item needs a whole number from 1 to {item.rating_scale}"
        if not 1 <= value <= item.rating_scale:
            return OUT_OF_RANGE, f"a rating must be between 1 and {item.rating_scale}"
    elif kind is Kind.TEXT:
        if value is not None and not isinstance(value, str):
            return WRONG_TYPE, "a text item needs a string"
    elif kind is Kind.PHOTO:
        if value is not None:
            return WRONG_TYPE, "a photo item has no value (attach photos instead)"
    return None


def _observation_problems(index: int, item: Item, obs: Observation) -> Iterable[Problem]:
    path = f"observations[{index}]"
    if not obs.na:
        if obs.value is None:
            if item.scored or (item.kind is Kind.TEXT and item.is_required):
                yield Problem(code=MISSING_REQUIRED, path=f"{path}.value",
                              message=f"{item.key}: no answer given (answer it or mark it N/A)")
        else:
            found = value_problem(item, obs.value)
            if found is not None:
                yield Problem(code=found[0], path=f"{path}.value", message=f"{item.key}: {found[1]}")
        if item.photo == "required" and not obs.photos:
            yield Problem(code=MISSING_PHOTO, path=f"{path}.photos",
                          message=f"{item.key}: a photo is required as evidence")


def visit_problems(visit: Visit, checklist: Checklist, *, require_finished: bool = True) -> list[Problem]:
    """Every problem that stops `visit` from being finalised (app) or accepted (server)."""
    problems: list[Problem] = []
    if (visit.checklist_id, visit.checklist_version) != checklist.ref:
        problems.append(Problem(
            code=CHECKLIST_MISMATCH, path="checklist_id",
            message=f"visit uses {visit.checklist_id} v{visit.checklist_version}, "
                    f"checked against {checklist.id} v{checklist.version}"))
    if require_finished and visit.finished_at is None:
        problems.append(Problem(code=NOT_FINISHED, path="finished_at", message="finished_at is missing"))
    items = checklist.item_map
    seen: set[str] = set()
    for index, obs in enumerate(visit.observations):
        item = items.get(obs.item_key)
        if item is None:
            problems.append(Problem(code=UNKNOWN_ITEM, path=f"observations[{index}].item_key",
                                    message=f"{obs.item_key}: not an item of {checklist.id} "
                                            f"v{checklist.version}"))
            continue
        if obs.item_key in seen:
            problems.append(Problem(code=DUPLICATE_ITEM, path=f"observations[{index}].item_key",
                                    message=f"{obs.item_key}: answered more than once"))
            continue
        seen.add(obs.item_key)
        problems.extend(_observation_problems(index, item, obs))
    for item in checklist.items:
        if item.is_required and item.key not in seen:
            problems.append(Problem(code=MISSING_REQUIRED, path="observations",
                                    message=f"{item.key}: required item not answered"))
    known_photos = {photo.sha256 for photo in visit.photos}
    for index, obs in enumerate(visit.observations):
        for p_index, sha in enumerate(obs.photos):
            if sha not in known_photos:
                problems.append(Problem(code=UNKNOWN_PHOTO, path=f"observations[{index}].photos[{p_index}]",
                                        message=f"photo {sha[:12]}… is not listed in the visit's photos"))
    return problems
