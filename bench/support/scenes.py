"""Synthetic photo-like scenes and the edits a shopper (or a cheat) makes to a photo.

The scenes themselves are the demo's (`sync_server/demo_photos.py`). Used by the threshold
measurement in bench/integrity.py."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageEnhance

from sync_server.demo_photos import jpeg, scene

__all__ = ["EDITS", "jpeg", "scene"]


def _crop(fraction: float) -> Callable[[Image.Image], Image.Image]:
    def crop(image: Image.Image) -> Image.Image:
        width, height = image.size
        dx, dy = int(width * fraction / 2), int(height * fraction / 2)
        return image.crop((dx, dy, width - dx, height - dy))
    return crop


def _resave(image: Image.Image) -> Image.Image:
    return Image.open(io.BytesIO(jpeg(image, quality=60)))


# What an honest-looking copy of a photo goes through: name → edit.
EDITS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "re-saved (JPEG q60)": _resave,
    "resized to 50%": lambda image: image.resize((image.width // 2, image.height // 2)),
    "resized to 25%": lambda image: image.resize((image.width // 4, image.height // 4)),
    "brightened +20%": lambda image: ImageEnhance.Brightness(image).enhance(1.2),
    "darkened -20%": lambda image: ImageEnhance.Brightness(image).enhance(0.8),
    "cropped 5%": _crop(0.05),
    "cropped 10%": _crop(0.10),
    "cropped 20%": _crop(0.20),
}
