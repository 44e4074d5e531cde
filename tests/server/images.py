"""Image bodies for the photo tests."""

from __future__ import annotations

import hashlib
import io
import itertools

from PIL import Image

_colours = itertools.count(1)


def png_bytes(size: tuple[int, int] = (4, 3), mode: str = "RGB", colour: object = None) -> bytes:
    """A small PNG, a different one on every call unless `colour` is given."""
    if colour is None:
        n = next(_colours)
        colour = (n % 256, (n // 256) % 256, 7) if mode == "RGB" else n % 2
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")  # type: ignore[arg-type]
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (8, 6), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    n = next(_colours)
    Image.new("RGB", size, (n % 256, 40, 90)).save(buffer, format="JPEG", exif=exif if exif is not None else Image.Exif())
    return buffer.getvalue()


def sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
