"""Visits and photos for the PDF tests: the bundled retail checklist (29 items, 2 critical),
answered through the API like a phone would, with print-size JPEG photos."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from audit_app.domain import Checklist, Item, Kind, parse_checklist_yaml
from sync_server.settings import REPO_CHECKLIST_DIR

RETAIL_FILE = REPO_CHECKLIST_DIR / "retail-store-visit.yaml"
RETAIL = parse_checklist_yaml(RETAIL_FILE.read_text(encoding="utf-8"), RETAIL_FILE.name)
STARTED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def photo_jpeg(number: int, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A camera-sized JPEG, different per number (a gradient with the number drawn on it)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    tint = Image.new("RGB", size, ((number * 53) % 256, (number * 97) % 256, 160))
    image = Image.blend(image, tint, 0.6)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(250, 250, 250))
    draw.text((size[0] // 4 + 20, size[1] // 4 + 20), f"photo {number}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def passing_value(item: Item) -> Any:
    if item.kind is Kind.CHECK:
        return True
    if item.kind is Kind.TIMED:
        return round(item.threshold_for(False) * 0.8, 1)
    if item.kind is Kind.COUNT:
        return item.min if item.min is not None else 0
    if item.kind is Kind.RATING:
        return item.rating_scale
    return "All in order" if item.kind is Kind.TEXT else None


def failing_value(item: Item) -> Any:
    if item.kind is Kind.CHECK:
        return False
    if item.kind is Kind.TIMED:
        return round(item.threshold_for(False) * 1.5, 1)
    if item.kind is Kind.COUNT:
        return (item.max + 2) if item.max is not None else 0
    if item.kind is Kind.RATING:
        return 1
    raise ValueError(f"{item.key}: {item.kind} cannot fail")


def visit_body(checklist: Checklist, *, site_id: str, staff_ids: list[str],
               failing: set[str] = frozenset(),  # type: ignore[assignment]
               photos: dict[str, list[bytes]] | None = None, notes: dict[str, str] | None = None,
               started: dt.datetime = STARTED) -> dict[str, Any]:
    """A finished visit answering every item: those in `failing` fail, the rest pass;
    `photos` attaches JPEGs to items (their refs go in the visit's photo list)."""
    photos = photos or {}
    notes = notes or {}
    at = started.isoformat()
    observations, refs = [], []
    for item in checklist.items:
        if item.kind is Kind.PHOTO and item.key not in photos:
            continue
        value = failing_value(item) if item.key in failing else passing_value(item)
        attached = photos.get(item.key, [])
        for body in attached:
            with Image.open(io.BytesIO(body)) as image:
                width, height = image.size
            refs.append({"sha256": sha(body), "bytes": len(body), "width": width, "height": height})
        observation: dict[str, Any] = {"item_key": item.key, "value": value, "recorded_at": at,
                                       "photos": [sha(b) for b in attached]}
        if item.key in notes:
            observation["note"] = notes[item.key]
        observations.append(observation)
    return {"id": str(uuid.uuid4()), "revision": 1, "checklist_id": checklist.id,
            "checklist_version": checklist.version, "site_id": site_id, "staff_ids": staff_ids,
            "context": {"peak": False}, "started_at": at,
            "finished_at": (started + dt.timedelta(minutes=24, seconds=31)).isoformat(),
            "observations": observations, "photos": refs}


def upload(client: TestClient, auth: dict[str, str], body: dict[str, Any],
           photos: list[bytes]) -> str:
    """Photos first, then the visit, as the phone syncs; returns the visit id."""
    for photo in photos:
        answer = client.put(f"/api/v1/photos/{sha(photo)}", content=photo,
                            headers={**auth, "Content-Type": "image/jpeg"})
        assert answer.status_code in (200, 201), answer.text
    answer = client.put(f"/api/v1/visits/{body['id']}", json=body, headers=auth)
    assert answer.status_code == 201, answer.text
    return str(body["id"])
