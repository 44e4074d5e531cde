"""Bodies of the `/actions` routes and the bilingual reading of a request body."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from audit_app.domain import Problem
from audit_app.domain.actions import ActionEvent, Priority, Status

from .errors import ApiError, ErrorDetail, validation_details

INVALID_ACTION = "invalid_action"
INVALID_EVENT = "invalid_event"
ACTION_CONFLICT = "action_conflict"
EVENT_CONFLICT = "event_conflict"

Model = TypeVar("Model", bound=BaseModel)


class ActionPublic(BaseModel):
    """An action as lists show it, with what the server derives from its events."""

    id: str
    site_id: str
    visit_id: str | None
    item_key: str | None
    title: str
    priority: Priority
    due_on: dt.date
    assignee: str | None
    created_by: str
    created_at: dt.datetime
    status: Status
    overdue: bool
    days_open: int
    events: int  # how many events it has


class ActionDetail(ActionPublic):
    """One action with its whole history, oldest event first."""

    history: list[ActionEvent]
    missing_photos: list[str]
    # The item's `photo` is `required`: a resolve needs a photo of the fix (the phone checks
    # before sending; the server checks again).
    photo_required: bool = False


def details(problems: list[Problem]) -> list[ErrorDetail]:
    return [ErrorDetail(code=p.code, path=p.path, message=p.message, message_zh=p.message_zh)
            for p in problems]


def parse_body(model: type[Model], raw: Any, code: str) -> Model:
    """`raw` as `model`, or a 422 naming every problem in English and Chinese."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        found = validation_details(list(error.errors()))  # type: ignore[arg-type]
        for detail in found:
            where = detail.path or "body"
            detail.message_zh = f"{where}:内容不符合要求({detail.message})"
        raise ApiError(422, code, f"the body has {len(found)} problem(s)", found) from None
