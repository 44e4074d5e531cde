"""Photo evidence: the one place the photo files and the visit store meet.

The photo pipeline knows files, the store knows visits; neither imports the other."""

from __future__ import annotations

from datetime import datetime, tzinfo

from audit_app.domain import Visit
from audit_app.photos import PhotoStore
from audit_app.store import LocalStore


def add_photo_evidence(store: LocalStore, photos: PhotoStore, visit_id: str, data: bytes, *,
                       item_key: str | None, now: datetime, local_tz: tzinfo | None = None) -> Visit:
    """Process and store a photo, then list it in the visit (as evidence for `item_key` if given).

    The file is written before the visit refers to it, so a visit never names a missing file;
    a crash in between leaves only an unreferenced file, which `clean_unreferenced_photos` removes."""
    stored = photos.add(data, local_tz=local_tz)
    return store.visits.attach_photo(visit_id, stored.ref, item_key=item_key, now=now)


def clean_unreferenced_photos(store: LocalStore, photos: PhotoStore) -> set[str]:
    """Delete photo files no stored visit (hot or archived) and no event of a corrective action
    made on this phone refers to; returns their hashes.

    Run it at app start, before any photo is being taken: a photo being added is written
    before the visit refers to it."""
    photos.discard_partial_writes()
    cited = store.visits.referenced_photos()
    if store.actions is not None:
        cited |= store.actions.referenced_photos()
    return photos.clean_orphans(cited)
