"""Visit bodies for the server tests, built against tests/server/checklists/shop-visit."""

from __future__ import annotations

import copy
import uuid
from typing import Any

AT = "2026-11-20T10:00:05+08:00"


def new_id() -> str:
    return str(uuid.uuid4())


def visit_body(visit_id: str | None = None, *, revision: int = 1, version: int = 1,
               site_id: str = "site-n1", staff_ids: list[str] | None = None,
               photos: list[dict[str, Any]] | None = None, **answers: Any) -> dict[str, Any]:
    """A complete, valid visit: every required item answered (all passing unless overridden)."""
    values: dict[str, Any] = {"greeted": True, "greet_time": 2.5, "queue_length": 1,
                              "friendliness": 5, "remarks": "fine"}
    values.update(answers)
    observations = [{"item_key": key, "value": value, "recorded_at": AT}
                    for key, value in values.items() if value is not ...]
    body: dict[str, Any] = {
        "id": visit_id or new_id(), "revision": revision,
        "checklist_id": "shop-visit", "checklist_version": version,
        "site_id": site_id, "staff_ids": ["staff-1"] if staff_ids is None else staff_ids,
        "context": {"peak": False},
        "started_at": "2026-11-20T10:00:00+08:00", "finished_at": "2026-11-20T10:24:31+08:00",
        "observations": observations, "photos": photos or [],
    }
    return body


def changed(body: dict[str, Any], **top: Any) -> dict[str, Any]:
    copied = copy.deepcopy(body)
    copied.update(top)
    return copied
