"""The photo pipeline: camera bytes → checked, upright, downscaled JPEG without metadata,
stored as files named by their SHA-256 (`PhotoStore`). No flet, no TinyDB, no clock."""

from .errors import PhotoRejected, PhotoStoreError
from .pipeline import ACCEPTED_FORMATS, DEFAULT_LIMITS, PhotoLimits, ProcessedPhoto, process_photo
from .store import PhotoStore, StoredPhoto
from .taken_at import taken_at_from_exif

__all__ = [
    "ACCEPTED_FORMATS", "DEFAULT_LIMITS", "PhotoLimits", "PhotoRejected", "PhotoStore",
    "PhotoStoreError", "ProcessedPhoto", "StoredPhoto", "process_photo", "taken_at_from_exif",
]
