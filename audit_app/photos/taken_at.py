"""When a photo was taken, from its EXIF DateTimeOriginal (and OffsetTimeOriginal)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo

from PIL import Image

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def taken_at_from_exif(exif: Image.Exif, local_tz: tzinfo | None) -> datetime | None:
    """The moment the shutter fired, as an aware datetime, or None when the photo does not say.

    EXIF stores a local wall-clock time; OffsetTimeOriginal (EXIF 2.31) gives its UTC offset.
    Older cameras omit the offset, so the caller passes the zone the phone was in (`local_tz`);
    without either we return None rather than guess an offset."""
    exif_ifd = exif.get_ifd(EXIF_IFD)
    wall_clock = _parse_exif_datetime(exif_ifd.get(DATE_TIME_ORIGINAL))
    if wall_clock is None:
        return None
    offset = _parse_exif_offset(exif_ifd.get(OFFSET_TIME_ORIGINAL))
    if offset is not None:
        return wall_clock.replace(tzinfo=offset)
    if local_tz is not None:
        return wall_clock.replace(tzinfo=local_tz)
    return None


def _as_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", errors="replace")
    if not isinstance(value, str):
        return None
    # EXIF ASCII fields are NUL-terminated and some writers pad them with spaces.
    return value.strip("\x00 ")


def _parse_exif_datetime(value: object) -> datetime | None:
    text = _as_text(value)
    if not text:
        return None
    try:
        return datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        # Blank dates ("0000:00:00 00:00:00") and garbage mean "unknown", not a bad photo.
        return None


def _parse_exif_offset(value: object) -> timezone | None:
    text = _as_text(value)
    match = _OFFSET.match(text) if text else None
    if match is None:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        return None
    return timezone(-delta if sign == "-" else delta)
