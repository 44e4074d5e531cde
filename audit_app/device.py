"""One device's data folder, opened in one call: the store's files and its photos.

    device = open_device(folder)
    with device.lock:                       # every store/photo call runs under the device lock
        device.store.visits.start_visit(...)

The app (UI actions run in threads) and the sync client share one `Device`; the lock makes one
device's store calls run one at a time. Hold it around single calls, never during network I/O."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from audit_app.checklist_files import BUNDLED_DIR
from audit_app.photos import PhotoStore
from audit_app.store import LocalStore, open_store

PHOTO_DIR = "photos"


@dataclass
class Device:
    """Everything one device keeps, in `folder`."""

    folder: Path
    store: LocalStore
    photos: PhotoStore
    lock: threading.RLock = field(default_factory=threading.RLock)  # type: ignore[assignment]
    # Held for a whole sync (the store lock is taken per call): one sync per device at a time,
    # whichever session (tab) or trigger (a tap, auto-send) starts it.
    sync_gate: threading.Lock = field(default_factory=threading.Lock)  # type: ignore[assignment]

    def close(self) -> None:
        with self.lock:
            self.store.close()


def open_device(folder: Path, *, bundled_dir: Path | None = BUNDLED_DIR) -> Device:
    """Open (or create) the device folder: the store in `folder`, photos in `folder/photos`.

    Temp files of photo writes a crash interrupted are removed here, before any new write."""
    folder = Path(folder)
    store = open_store(folder, bundled_dir=bundled_dir)
    photos = PhotoStore(folder / PHOTO_DIR)
    photos.discard_partial_writes()
    return Device(folder=folder, store=store, photos=photos)
