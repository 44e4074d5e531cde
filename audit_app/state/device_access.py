"""Serialised, off-loop access to a device's store and photos.

Every call runs in a worker thread (`asyncio.to_thread`) while holding `device.lock`, so the UI
event loop never blocks on disk I/O or Pillow, and the sync client (which takes the same lock
around each of its store calls) never interleaves with a UI write."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

from audit_app.device import Device, open_device

P = ParamSpec("P")
R = TypeVar("R")


class DeviceAccess:
    """The one door to a device's files for the UI."""

    def __init__(self, device: Device):
        self.device = device

    async def locked(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run `fn` in a worker thread under the device lock."""
        def call() -> R:
            with self.device.lock:
                return fn(*args, **kwargs)
        return await asyncio.to_thread(call)

    async def unlocked(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run pure CPU work (no store, no photo files) in a worker thread, without the lock."""
        return await asyncio.to_thread(fn, *args, **kwargs)


class DeviceRegistry:
    """The devices the app server has open, one per folder.

    Two tabs of one browser share a device id, hence a folder: they must share one `Device` (one
    in-memory store and one lock), or each would overwrite the other's writes."""

    def __init__(self, opener: Callable[[Path], Device] = open_device):
        self._opener = opener
        self._lock = threading.Lock()
        self._open: dict[Path, tuple[Device, int]] = {}

    def acquire(self, folder: Path) -> Device:
        key = folder.resolve()
        with self._lock:
            device, users = self._open.get(key, (None, 0))
            if device is None:
                device = self._opener(key)
            self._open[key] = (device, users + 1)
            return device

    def release(self, device: Device) -> None:
        key = device.folder.resolve()
        with self._lock:
            found, users = self._open.get(key, (None, 0))
            if found is not device:
                return
            if users <= 1:
                del self._open[key]
                device.close()
            else:
                self._open[key] = (device, users - 1)

    def close_all(self) -> None:
        with self._lock:
            for device, _users in self._open.values():
                device.close()
            self._open.clear()
