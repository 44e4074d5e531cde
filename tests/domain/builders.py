"""Small builders for checklists and visits, so each test states only what it is about."""

from __future__ import annotations

from typing import Any

from audit_app.domain import Checklist, Visit

VISIT_ID = "6f1c2f4e-8a6b-4c1d-9e2f-0a1b2c3d4e5f"
AT = "2026-11-20T10:00:00+08:00"


def item(key: str, kind: str = "check", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"key": key, "text": {"en": key, "zh": key}, "kind": kind, "source": "000 ch.2 §2 一"}
    if kind in ("check", "timed", "count", "rating"):
        base["dimension"] = "responsiveness"
    if kind == "timed" and "thresholds_s" not in fields:
        base["threshold_s"] = 3
    if kind == "count" and "min" not in fields:
        base.setdefault("max", 3)
    if kind == "rating":
        base["pass_min"] = 4
    base.update(fields)
    return base


def checklist(*items: dict[str, Any], id: str = "test-list", version: int = 1) -> Checklist:
    return Checklist.model_validate({
        "id": id, "version": version, "title": {"en": "Test", "zh": "测试"}, "mode": "mystery_shop",
        "sections": [{"key": "main", "title": {"en": "Main", "zh": "主要"}, "items": list(items)}],
    })


def obs(key: str, value: Any = None, **fields: Any) -> dict[str, Any]:
    return {"item_key": key, "value": value, "recorded_at": AT, **fields}


def visit(cl: Checklist, *observations: dict[str, Any], **fields: Any) -> Visit:
    data: dict[str, Any] = {
        "id": VISIT_ID, "checklist_id": cl.id, "checklist_version": cl.version,
        "site_id": "site-001", "staff_ids": ["staff-001"], "started_at": AT,
        "finished_at": "2026-11-20T10:20:00+08:00", "observations": list(observations),
    }
    data.update(fields)
    return Visit.model_validate(data)
