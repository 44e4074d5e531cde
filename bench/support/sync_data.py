"""Data for the sync benchmark: a server with sites, staff and one auditor, and a phone data
folder full of finalised visits whose photos went through the phone's own pipeline."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

from audit_app.device import Device, open_device
from audit_app.domain import Item, Kind, canonical_json
from sync_server.accounts import create_user
from sync_server.app import prepare_database
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings

from .server import add_sites_and_staff

CHECKLIST = ("retail-store-visit", 1)
SITES, STAFF_PER_SITE = 10, 3
TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
# A camera frame the pipeline keeps at 1600×1200; the noise is tuned so that the stored JPEG
# (re-encoded at quality 82) is about 250 KB: smooth colour blobs plus a little sensor grain.
FRAME = (1600, 1200)
BLOB_SCALE, GRAIN = 24, 4


def populate_server(settings: Settings) -> str:
    """Migrate, load the bundled checklists, add sites and staff; returns an auditor's token."""
    prepare_database(settings)
    engine = make_engine(settings)
    now = dt.datetime.now(dt.UTC)
    with make_session_factory(engine)() as session:
        add_sites_and_staff(session, SITES, STAFF_PER_SITE, "east", now)
        session.commit()
        token = create_user(session, "bench-auditor", "auditor")
    engine.dispose()
    return token


def camera_photo(rng: random.Random) -> bytes:
    """A distinct camera-like JPEG (quality 90) of noise that does not compress away."""
    width, height = FRAME
    small = (width // BLOB_SCALE, height // BLOB_SCALE)
    blobs = Image.frombytes("RGB", small, rng.randbytes(small[0] * small[1] * 3))
    grain = Image.frombytes("RGB", FRAME, rng.randbytes(width * height * 3))
    image = ImageChops.add(blobs.resize(FRAME, Image.Resampling.BICUBIC),
                           grain.point(lambda v: v * GRAIN // 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def answer(item: Item, rng: random.Random) -> Any:
    passes = rng.random() < 0.9
    if item.kind is Kind.CHECK:
        return passes
    if item.kind is Kind.TIMED:
        return round(item.threshold_for(False) * (rng.uniform(0.2, 0.9) if passes else 1.5), 1)
    if item.kind is Kind.COUNT:
        return item.min if item.min is not None else 0
    if item.kind is Kind.RATING:
        return rng.randint(1, item.rating_scale)
    return "ok" if item.kind is Kind.TEXT else None


def fill_device(folder: Path, visits: int, photos_per_visit: int, seed: int = 5) -> Device:
    """A device with `visits` finalised visits of the retail checklist, each citing
    `photos_per_visit` photos of its own (stored through `PhotoStore.add`, the phone's pipeline)."""
    rng = random.Random(seed)
    device = open_device(folder)
    checklist = device.store.checklists.get_checklist(*CHECKLIST)
    for number in range(visits):
        now = START + dt.timedelta(minutes=41 * number)
        site = rng.randrange(SITES)
        photos = [device.photos.add(camera_photo(rng)).ref for _ in range(photos_per_visit)]
        with device.store.hot.commit():  # one file write per visit: the setup is not measured
            visit = device.store.visits.start_visit(
                checklist_id=CHECKLIST[0], checklist_version=CHECKLIST[1], site_id=f"site-{site}",
                staff_ids=[f"staff-{site}-{rng.randrange(STAFF_PER_SITE)}"], peak=False, now=now)
            for item in checklist.items:
                if item.kind is not Kind.PHOTO:
                    device.store.visits.record_observation(visit.id, item.key,
                                                           value=answer(item, rng), now=now)
            for ref in photos:
                device.store.visits.attach_photo(visit.id, ref, item_key=None, now=now)
            device.store.visits.finalise(visit.id, now + dt.timedelta(minutes=20))
    return device


def payload(device: Device) -> list[tuple[str, bytes, list[tuple[str, Path]]]]:
    """What a sync must deliver, per queued visit in queue order: its id, its canonical JSON
    body and its photos as (hash, file on the device)."""
    return [(pending.visit.id, canonical_json(pending.visit).encode("utf-8"),
             [(ref.sha256, device.photos.photo_path(ref.sha256)) for ref in pending.visit.photos])
            for pending in device.store.outbox.pending_uploads()]
