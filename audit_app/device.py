"""One phone's (or one browser's) data: its store, its photos and the lock that serialises them.

The store is not safe across threads (TinyDB and `AtomicJSONStorage.transaction` keep plain
in-memory state), so EVERY store and photo call of a device, from the UI or the sync client,
runs while holding `lock`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from audit_app.checklist_files import BUNDLED_DIR
from audit_app.photos import PhotoStore
from audit_app.store import LocalStore, open_store


@dataclass
class Device:
    folder: Path
    store: LocalStore
    photos: PhotoStore
    lock: threading.RLock = field(default_factory=threading.RLock)

    def close(self) -> None:
        with self.lock:
            self.store.close()


def open_device(folder: Path, *, bundled_dir: Path | None = BUNDLED_DIR) -> Device:
    """Open (or create) the device folder: store files and `photos/`."""
    store = open_store(folder, bundled_dir=bundled_dir)
    return Device(folder=folder, store=store, photos=PhotoStore(folder / "photos"))
