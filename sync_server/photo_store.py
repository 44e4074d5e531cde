"""Photo uploads: hash check, a real decode with Pillow (JPEG/PNG only), size limits, and
storage under names the server makes, in the configured `BlobStore` (disk or S3). The phone's
own photo pipeline is not used here."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .blob_store import BlobStore
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


PRINT_PX = 1000  # the longer side of a photo in a PDF report at most: ~100 kB
PRINT_MIN_PX = 800  # and at least (when the photo has that many): sharp at print size


def thumbnail_key(photo: Photo) -> str:
    """Beside the photo: `<sha[:2]>/<sha>.thumb.jpg`."""
    return f"{photo.sha256[:2]}/{photo.sha256}.thumb.jpg"


def print_key(photo: Photo) -> str:
    """Beside the photo: `<sha[:2]>/<sha>.print.jpg`."""
    return f"{photo.sha256[:2]}/{photo.sha256}.print.jpg"


def _scaled(body: bytes, longer_side: int, quality: int, at_least: int | None = None) -> bytes:
    """A downscaled JPEG copy of the photo `body`."""
    with Image.open(io.BytesIO(body)) as image:
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
        out = io.BytesIO()
        small.save(out, "JPEG", quality=quality, optimize=True)
        return out.getvalue()


def _ensure_scaled(store: BlobStore, photo: Photo, key: str, longer_side: int, quality: int,
                   at_least: int | None = None) -> str:
    """A downscaled copy of the photo kept under `key` in the photo's own store (so every node
    serves the one made by any), made if it is not there yet. Two first requests at once may
    both make it; the store keeps one (same bytes either way)."""
    if not store.exists(key):
        store.put_new(key, _scaled(store.read(photo.file_name), longer_side, quality, at_least),
                      "image/jpeg")
    return key


def ensure_thumbnail(store: BlobStore, photo: Photo) -> str:
    """The key of the photo's thumbnail (JPEG, longer side ≤ THUMBNAIL_PX), made on first
    request only."""
    return _ensure_scaled(store, photo, thumbnail_key(photo), THUMBNAIL_PX, 80)


def ensure_print_copy(store: BlobStore, photo: Photo) -> bytes:
    """The photo for PDF reports (JPEG, longer side ≤ PRINT_PX; a smaller photo keeps its
    size), made on first use only."""
    return store.read(_ensure_scaled(store, photo, print_key(photo), PRINT_PX, 82,
                                     at_least=PRINT_MIN_PX))


def store_photo(session: Session, store: BlobStore, sha256: str, body: bytes, photo: CheckedPhoto,
                uploaded_by: str, now: dt.datetime) -> bool:
    """Store the bytes, then record them; False if the photo was already recorded. The row is
    written only once the store has the bytes, so an unreachable store records nothing."""
    if session.get(Photo, sha256) is not None:
        return False
    # End the read before the (slow) store call: on SQLite a transaction that read and then
    # writes after another connection committed fails at once ("database is locked", no busy
    # wait); one that starts with its write queues behind the other writer instead.
    session.rollback()
    # The name is made here from the verified hash, never taken from the client.
    file_name = f"{sha256[:2]}/{sha256}.{photo.extension}"
    store.put_new(file_name, body, photo.media_type)
    session.add(Photo(sha256=sha256, file_name=file_name, media_type=photo.media_type,
                      bytes=len(body), width=photo.width, height=photo.height,
                      uploaded_by=uploaded_by, received_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True
