"""Turn the bytes of a camera photo into the JPEG and thumbnail we store, in memory.

Decode (JPEG or PNG only, size-checked before any pixel is decoded) → apply EXIF orientation →
downscale → re-encode without any metadata. No files, no clock: the same bytes always give the
same result, so identical photos get identical hashes."""

from __future__ import annotations

import hashlib
import io
import math
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Iterator

from PIL import Image, ImageOps

from audit_app.domain import PhotoRef

from .errors import PhotoRejected
from .taken_at import taken_at_from_exif

# The plugins Pillow may even try on untrusted bytes; every other format is refused unparsed.
ACCEPTED_FORMATS = ("JPEG", "PNG")
# Pillow's JPEG opener reports multi-picture JPEGs (written by many phone cameras) as "MPO";
# the first picture is an ordinary JPEG and is the one we keep.
_JPEG_FAMILY = {"JPEG", "MPO"}
# Pillow errors that mean "these bytes do not decode" once the format is known.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)


@dataclass(frozen=True)
class PhotoLimits:
    """What we accept and what we make. Defaults follow CONTRACT §4 (the server's limits)."""

    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000
    long_edge: int = 1600
    thumb_edge: int = 320
    quality: int = 82
    thumb_quality: int = 75


DEFAULT_LIMITS = PhotoLimits()


@dataclass(frozen=True)
class ProcessedPhoto:
    """The stored JPEG and its thumbnail, named by the SHA-256 of the stored JPEG."""

    jpeg: bytes
    thumbnail: bytes
    sha256: str
    width: int
    height: int
    taken_at: datetime | None

    def ref(self) -> PhotoRef:
        """The visit's record of this photo (CONTRACT §2)."""
        return PhotoRef(sha256=self.sha256, bytes=len(self.jpeg), width=self.width,
                        height=self.height, taken_at=self.taken_at)


def process_photo(data: bytes, *, limits: PhotoLimits = DEFAULT_LIMITS,
                  local_tz: tzinfo | None = None) -> ProcessedPhoto:
    """Decode, orient, downscale and re-encode one photo; raise `PhotoRejected` if unusable.

    `local_tz` is the zone the phone was in, used for `taken_at` when the EXIF time has no
    offset of its own."""
    if not data:
        raise PhotoRejected("empty")
    if len(data) > limits.max_bytes:
        raise PhotoRejected("too_many_bytes", size_mb=len(data) / 2**20,
                            limit_mb=limits.max_bytes / 2**20)
    image, taken_at, icc_profile = _decode(data, limits, local_tz)
    try:
        image = _flatten_to_rgb(image)
        if image.mode != "RGB":
            icc_profile = None  # a grey or converted image must not carry an RGB profile
        _shrink_to(image, limits.long_edge)
        jpeg = _encode_jpeg(image, limits.quality, icc_profile)
        thumb = image.copy()
        _shrink_to(thumb, limits.thumb_edge)
        thumbnail = _encode_jpeg(thumb, limits.thumb_quality, icc_profile)
        width, height = image.size
    finally:
        image.close()
    return ProcessedPhoto(jpeg=jpeg, thumbnail=thumbnail, sha256=hashlib.sha256(jpeg).hexdigest(),
                          width=width, height=height, taken_at=taken_at)


@contextmanager
def _pixel_limit(max_pixels: int) -> Iterator[None]:
    """Pillow's bomb check reads the module global `Image.MAX_IMAGE_PIXELS` inside `Image.open`,
    so the only way to make Pillow itself enforce our limit is to set that global. We set it just
    for our own decode and put the old value back, under a lock so two photos being processed at
    once cannot restore each other's value; importing this module changes nothing. Pillow only
    *warns* between 1× and 2× the limit, so the warning is made an error here too.

    Pillow's warnings about damaged EXIF are silenced instead: we drop all metadata anyway,
    and a damaged date only means `taken_at` is unknown, not that the photo is bad."""
    with _pillow_globals_lock, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = max_pixels
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = previous


_pillow_globals_lock = threading.Lock()


def _decode(data: bytes, limits: PhotoLimits,
            local_tz: tzinfo | None) -> tuple[Image.Image, datetime | None, bytes | None]:
    """Open and fully decode, at reduced scale for big JPEGs; returns an upright image."""
    with _pixel_limit(limits.max_pixels):
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except Image.UnidentifiedImageError:
            raise PhotoRejected("unsupported_format") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(_header_size(data), limits) from None
        except _DECODE_ERRORS:
            raise PhotoRejected("corrupt") from None
        try:
            if image.format not in _JPEG_FAMILY | {"PNG"}:
                raise PhotoRejected("unsupported_format")
            # Checked by us as well, so the limit holds even if Pillow's check is switched off.
            if image.width * image.height > limits.max_pixels:
                raise _too_many_pixels(image.size, limits)
            exif = image.getexif()
            taken_at = taken_at_from_exif(exif, local_tz)
            icc_profile = image.info.get("icc_profile") if image.mode == "RGB" else None
            if image.format in _JPEG_FAMILY:
                draft_size = _draft_size(image.size, limits.long_edge)
                if draft_size is not None:
                    image.draft("RGB", draft_size)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
        except PhotoRejected:
            image.close()
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            image.close()
            raise _too_many_pixels(image.size, limits) from None
        except _DECODE_ERRORS:
            image.close()
            raise PhotoRejected("corrupt") from None
    return image, taken_at, icc_profile


def _draft_size(size: tuple[int, int], long_edge: int) -> tuple[int, int] | None:
    """The size to ask the JPEG decoder for: the final size, so it can scale by 1/2, 1/4, 1/8.

    Pillow picks the largest scale that keeps *both* sides at least the requested size, so asking
    for a square (long_edge, long_edge) would stop a 4:3 photo from being reduced at all."""
    width, height = size
    scale = long_edge / max(width, height)
    if scale >= 1:
        return None
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _shrink_to(image: Image.Image, long_edge: int) -> None:
    """Shrink in place so the long edge is at most `long_edge`, keeping the aspect ratio.

    Two steps, as the JPEG decoder does in draft mode: first average whole blocks (`reduce()`
    by the integer part of the ratio; reducing_gap=1.0 asks for exactly that), then Pillow's
    antialiased bilinear filter for the remaining step of less than 2×. For such small steps the
    stored JPEG comes within about 0.1 dB of a full decode + bicubic resize (the q82 re-encode
    loses far more; bench/photo_pipeline.py prints the PSNR) at a fraction of the cost."""
    if max(image.size) > long_edge:
        image.thumbnail((long_edge, long_edge), Image.Resampling.BILINEAR, reducing_gap=1.0)


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent PNGs on white (not the black Pillow would use)."""
    if image.mode in ("RGB", "L"):
        if "transparency" not in image.info:
            return image
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16-bit grey PNG: Pillow's convert() clips 0..65535 to 255 (all white); scale it down.
        grey = image.convert("I").point(lambda value: value / 256).convert("L")
        image.close()
        return grey
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    if not has_alpha:
        converted = image.convert("RGB")
        image.close()
        return converted
    rgba = image.convert("RGBA")
    image.close()
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    rgba.close()
    return flat


def _encode_jpeg(image: Image.Image, quality: int, icc_profile: bytes | None) -> bytes:
    """Only the parameters given here are written: no exif=, no xmp=, so no EXIF, GPS or XMP."""
    buffer = io.BytesIO()
    # The colour profile is kept (it is not EXIF and carries nothing about place or person) so
    # wide-gamut phone photos keep their colours.
    image.save(buffer, "JPEG", quality=quality, optimize=True, icc_profile=icc_profile)
    return buffer.getvalue()


def _too_many_pixels(size: tuple[int, int] | None, limits: PhotoLimits) -> PhotoRejected:
    megapixels = "?" if size is None else f"{size[0] * size[1] / 1e6:.0f}"
    return PhotoRejected("too_many_pixels", megapixels=megapixels,
                         limit_mp=f"{limits.max_pixels / 1e6:g}")


def _header_size(data: bytes) -> tuple[int, int] | None:
    """The claimed size of an image Pillow refused as a bomb, for the message only.

    Called only inside `_pixel_limit` (whose lock guards the global we lift for a moment)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # header only: nothing is decoded here
        try:
            with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
                return image.size
        except _DECODE_ERRORS:
            return None
        finally:
            Image.MAX_IMAGE_PIXELS = previous
