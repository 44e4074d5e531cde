"""Photo uploads: hash check, a real decode with Pillow (JPEG/PNG only), size limits, and
storage under names the server makes. The phone's own photo pipeline is not used here."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import HASH_MISMATCH, IMAGE_TOO_LARGE, NOT_AN_IMAGE, PHOTO_HAS_LOCATION, ApiError
from .tables import Photo

MEDIA_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
THUMBNAIL_PX = 320  # the longer side; report screens show photos at most this large
GPS_IFD = 0x8825  # EXIF GPSInfo


@dataclass(frozen=True)
class CheckedPhoto:
    media_type: str
    extension: str
    width: int
    height: int


def check_hash(body: bytes, sha256: str) -> None:
    actual = hashlib.sha256(body).hexdigest()
    if actual != sha256:
        raise ApiError(422, HASH_MISMATCH,
                       f"the body's SHA-256 is {actual}, not the {sha256} named in the path")


def check_image(body: bytes, max_pixels: int) -> CheckedPhoto:
    """Decode `body` fully; refuse anything but a sound JPEG/PNG within `max_pixels`.

    Pixels are counted from the header before decoding, so a decompression bomb costs nothing."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns above its limit; ours is lower and answers 413.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(body), formats=tuple(MEDIA_TYPES)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ApiError(413, IMAGE_TOO_LARGE,
                                   f"{width}×{height} is {width * height / 1e6:.1f} megapixels; "
                                   f"the limit is {max_pixels / 1e6:g}")
                if image.getexif().get_ifd(GPS_IFD):
                    raise ApiError(422, PHOTO_HAS_LOCATION,
                                   "the photo carries GPS data; the app strips it before upload")
                image_format = image.format or ""
                image.load()
    except Image.DecompressionBombError as exc:
        raise ApiError(413, IMAGE_TOO_LARGE, "the image has too many pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ApiError(422, NOT_AN_IMAGE, "the body is not a readable JPEG or PNG image") from exc
    media_type, extension = MEDIA_TYPES[image_format]
    return CheckedPhoto(media_type, extension, width, height)


def photo_path(photo_dir: Path, file_name: str) -> Path:
    return photo_dir / file_name


def _write_atomically(target: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write `target` through a temporary file in its folder, renamed into place when complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".upload-") as handle:
        try:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:  # e.g. a full disk: leave no partial file behind
            handle.close()
            os.unlink(handle.name)
            raise
    os.replace(handle.name, target)


PRINT_PX = 1000  # the longer side of a photo in a PDF report at most: ~100 kB
PRINT_MIN_PX = 800  # and at least (when the photo has that many): sharp at print size


def thumbnail_path(photo_dir: Path, photo: Photo) -> Path:
    """Beside the photo: `<sha[:2]>/<sha>.thumb.jpg`."""
    return photo_path(photo_dir, photo.file_name).with_name(f"{photo.sha256}.thumb.jpg")


def print_path(photo_dir: Path, photo: Photo) -> Path:
    """Beside the photo: `<sha[:2]>/<sha>.print.jpg`."""
    return photo_path(photo_dir, photo.file_name).with_name(f"{photo.sha256}.print.jpg")


def ensure_thumbnail(photo_dir: Path, photo: Photo) -> Path:
    """The photo's thumbnail (JPEG, longer side ≤ THUMBNAIL_PX), made on first request only."""
    return _ensure_scaled(photo_dir, photo, thumbnail_path(photo_dir, photo), THUMBNAIL_PX, 80)


def ensure_print_copy(photo_dir: Path, photo: Photo) -> Path:
    """The photo for PDF reports (JPEG, longer side ≤ PRINT_PX; a smaller photo keeps its size),
    made on first use only."""
    return _ensure_scaled(photo_dir, photo, print_path(photo_dir, photo), PRINT_PX, 82,
                          at_least=PRINT_MIN_PX)


def _ensure_scaled(photo_dir: Path, photo: Photo, target: Path, longer_side: int,
                   quality: int, at_least: int | None = None) -> Path:
    """A downscaled JPEG copy of the photo at `target`, made if it is not there yet.

    Two first requests at once may both make it; each renames a complete file into place, so
    a reader never sees half a copy."""
    if target.exists():
        return target
    with Image.open(photo_path(photo_dir, photo.file_name)) as image:
        # JPEG: decode at a reduced scale, no smaller than `at_least` on the longer side (a
        # 1600×1200 camera photo decodes at 800×600 for print: a quarter of the work).
        floor = at_least or longer_side
        width, height = image.size
        image.draft("RGB", (max(1, floor * width // max(width, height)),
                            max(1, floor * height // max(width, height))))
        small = ImageOps.exif_transpose(image)  # phones store rotation in EXIF
        small.thumbnail((longer_side, longer_side))
        if small.mode in ("RGBA", "LA", "P", "PA"):
            # Transparent PNG areas become white, not JPEG's default black.
            rgba = small.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            small = flat
        elif small.mode != "RGB":
            small = small.convert("RGB")
        _write_atomically(target, lambda handle: small.save(handle, "JPEG", quality=quality,
                                                            optimize=True))
    return target


def store_photo(session: Session, photo_dir: Path, sha256: str, body: bytes, photo: CheckedPhoto,
                uploaded_by: str, now: dt.datetime) -> bool:
    """Write the file atomically and record it; False if it was already there."""
    if session.get(Photo, sha256) is not None:
        return False
    # The name is made here from the verified hash, never taken from the client.
    file_name = f"{sha256[:2]}/{sha256}.{photo.extension}"
    # Same bytes for the same hash, so a race rewrites nothing.
    _write_atomically(photo_path(photo_dir, file_name), lambda handle: handle.write(body))
    session.add(Photo(sha256=sha256, file_name=file_name, media_type=photo.media_type,
                      bytes=len(body), width=photo.width, height=photo.height,
                      uploaded_by=uploaded_by, received_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
