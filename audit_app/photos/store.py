"""Stored photos: plain files named by the SHA-256 of the stored JPEG, written atomically.

Layout: `<dir>/<sha>.jpg` (the photo) and `<dir>/<sha>.thumb.jpg` (its thumbnail). Photos are
not TinyDB documents; visits refer to them by hash, and `clean_orphans` removes the rest."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

from audit_app.domain import PhotoRef

from .errors import PhotoStoreError, write_reason_zh
from .pipeline import DEFAULT_LIMITS, PhotoLimits, ProcessedPhoto, process_photo

_HASH = re.compile(r"^[0-9a-f]{64}$")
_STORED_NAME = re.compile(r"^([0-9a-f]{64})(?:\.thumb)?\.jpg$")
_TEMP_PREFIX = ".partial-"
_TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class StoredPhoto:
    """The result of storing a photo; `new` is False when an identical photo was already there."""

    ref: PhotoRef
    new: bool


class PhotoStore:
    """The photos on this device, in one directory."""

    def __init__(self, directory: Path | str, *, limits: PhotoLimits = DEFAULT_LIMITS) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.limits = limits

    def add(self, data: bytes, *, local_tz: tzinfo | None = None) -> StoredPhoto:
        """Process camera bytes and store the result; raises `PhotoRejected` or `PhotoStoreError`."""
        return self.store(process_photo(data, limits=self.limits, local_tz=local_tz))

    def store(self, photo: ProcessedPhoto) -> StoredPhoto:
        """Store a processed photo and its thumbnail once; a second identical photo writes nothing."""
        photo_file = self.photo_path(photo.sha256)
        thumb_file = self.thumbnail_path(photo.sha256)
        if photo_file.is_file():
            if not thumb_file.is_file():  # e.g. deleted by hand: put it back
                self._write_atomically(thumb_file, photo.thumbnail)
            return StoredPhoto(ref=photo.ref(), new=False)
        # Thumbnail first, so a stored photo always has its thumbnail.
        thumb_existed = thumb_file.is_file()
        try:
            self._write_atomically(thumb_file, photo.thumbnail)
            self._write_atomically(photo_file, photo.jpeg)
        except PhotoStoreError:
            # A failed add stores nothing, not even a file whose rename was not yet made durable.
            photo_file.unlink(missing_ok=True)
            if not thumb_existed:
                thumb_file.unlink(missing_ok=True)
            raise
        return StoredPhoto(ref=photo.ref(), new=True)

    def photo_path(self, sha256: str) -> Path:
        """Where the photo with this hash is (or would be) stored."""
        return self.directory / f"{_checked_hash(sha256)}.jpg"

    def thumbnail_path(self, sha256: str) -> Path:
        """Where the thumbnail of the photo with this hash is (or would be) stored."""
        return self.directory / f"{_checked_hash(sha256)}.thumb.jpg"

    def has_photo(self, sha256: str) -> bool:
        """True when the photo with this hash is stored here."""
        return self.photo_path(sha256).is_file()

    def read_photo(self, sha256: str) -> bytes:
        """The stored JPEG's bytes (what the sync client uploads); FileNotFoundError if absent."""
        return self.photo_path(sha256).read_bytes()

    def read_thumbnail(self, sha256: str) -> bytes:
        """The stored thumbnail's bytes; FileNotFoundError if absent."""
        return self.thumbnail_path(sha256).read_bytes()

    def stored_hashes(self) -> set[str]:
        """Hashes of every photo stored here."""
        return {match[1] for match in self._stored_files() if not match[0].endswith(".thumb.jpg")}

    def clean_orphans(self, referenced_hashes: set[str]) -> set[str]:
        """Delete every stored photo and thumbnail no visit refers to; returns the deleted hashes."""
        removed: set[str] = set()
        for name, sha256 in self._stored_files():
            if sha256 not in referenced_hashes:
                (self.directory / name).unlink(missing_ok=True)
                removed.add(sha256)
        return removed

    def discard_partial_writes(self) -> int:
        """Delete temp files a crash left mid-write; call at start-up, before any `add`.

        Not part of `clean_orphans` because a write in progress owns its temp file."""
        count = 0
        for entry in os.scandir(self.directory):
            if entry.name.startswith(_TEMP_PREFIX) and entry.name.endswith(_TEMP_SUFFIX):
                Path(entry.path).unlink(missing_ok=True)
                count += 1
        return count

    def _stored_files(self) -> list[tuple[str, str]]:
        found = []
        for entry in os.scandir(self.directory):
            match = _STORED_NAME.match(entry.name)
            if match and entry.is_file():
                found.append((entry.name, match[1]))
        return found

    def _write_atomically(self, path: Path, data: bytes) -> None:
        """Temp file in the same directory → write → fsync → os.replace → fsync the directory.

        A reader sees the old state or the whole new file, never a part; on any failure the temp
        file is removed and the caller gets a `PhotoStoreError` naming the cause."""
        fd, temp_name = tempfile.mkstemp(dir=self.directory, prefix=_TEMP_PREFIX,
                                         suffix=_TEMP_SUFFIX)
        try:
            try:
                remaining = memoryview(data)
                while remaining:
                    written = os.write(fd, remaining)
                    remaining = remaining[written:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(temp_name, path)
        except BaseException as error:
            try:
                os.unlink(temp_name)
            except FileNotFoundError:
                pass
            if isinstance(error, OSError):
                raise PhotoStoreError("write_failed", reason=_describe(error),
                                      reason_zh=write_reason_zh(error)) from error
            raise
        try:
            _fsync_directory(self.directory)
        except OSError as error:
            raise PhotoStoreError("write_failed", reason=_describe(error),
                                  reason_zh=write_reason_zh(error)) from error


def _checked_hash(sha256: str) -> str:
    # Hashes come from visits and the network: never let one name a path outside the directory.
    if not isinstance(sha256, str) or not _HASH.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return sha256


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable. Windows cannot open a directory, and needs no such step."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _describe(error: OSError) -> str:
    return os.strerror(error.errno) if error.errno else str(error)
