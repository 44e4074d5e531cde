"""Make visits on a device the way the app does (start, answer, attach photos, finalise)."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta, timezone

from PIL import Image

from audit_app.device import Device
from audit_app.domain import Item, Kind

TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
CHECKLIST = ("retail-store-visit", 1)


def camera_jpeg(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small distinct camera JPEG (the seed changes its pixels, hence its hash)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    image.putpixel((rng.randrange(size[0]), rng.randrange(size[1])), (seed % 256, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _value(item: Item, rng: random.Random) -> object:
    if item.kind is Kind.CHECK:
        return rng.random() < 0.85
    if item.kind is Kind.TIMED:
        return round(rng.uniform(0, item.threshold_for(False) * 1.5), 1)
    if item.kind is Kind.COUNT:
        low = item.min if item.min is not None else 0
        high = item.max if item.max is not None else low + 5
        return rng.randint(low, high + 1)
    if item.kind is Kind.RATING:
        return rng.randint(1, item.rating_scale)
    if item.kind is Kind.TEXT:
        return "fine 很好"
    return None


def make_visit(device: Device, rng: random.Random, *, site_id: str, staff_ids: list[str],
               photos: int = 1, now: datetime = NOW, finalise: bool = True,
               checklist: tuple[str, int] = CHECKLIST, photo_seed: int | None = None) -> str:
    """A visit answering every item (some N/A) with `photos` photos attached; finalised."""
    cid, version = checklist
    store = device.store
    with device.lock:
        list_ = store.checklists.get_checklist(cid, version)
        visit = store.visits.start_visit(checklist_id=cid, checklist_version=version, site_id=site_id,
                                         staff_ids=staff_ids, peak=False, now=now)
        for item in list_.items:
            if item.kind is Kind.PHOTO:
                continue
            na = item.scored and rng.random() < 0.05
            store.visits.record_observation(visit.id, item.key, value=None if na else _value(item, rng),
                                            na=na, now=now)
        photo_items = [i for i in list_.items if i.photo != "none"]
        for index in range(max(photos, sum(1 for i in photo_items if i.photo == "required"))):
            seed = (photo_seed if photo_seed is not None else rng.randrange(10**9)) + index
            stored = device.photos.add(camera_jpeg(seed))
            target = photo_items[index % len(photo_items)].key if photo_items else None
            store.visits.attach_photo(visit.id, stored.ref, item_key=target, now=now)
        if finalise:
            store.visits.finalise(visit.id, now + timedelta(minutes=20))
    return visit.id

