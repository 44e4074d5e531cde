"""Synthetic photo-like scenes and the edits a shopper (or a cheat) makes to a photo.

A scene is seeded random shapes over a gradient with sensor-like noise and a blur, so its
perceptual hash behaves like a photo's (a flat colour hashes to all zeros). Used by the
threshold measurement in bench/integrity.py and by the server tests."""

from __future__ import annotations

import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like RGB image, different for every seed."""
    rng = random.Random(seed)
    width, height = size
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)],
                  fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    for _ in range(rng.randint(12, 30)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randint(20, width // 2), y0 + rng.randint(20, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        else:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(image, noise, 0.12).filter(ImageFilter.GaussianBlur(1.2))


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


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
