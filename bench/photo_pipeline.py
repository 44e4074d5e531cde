"""Photo pipeline speed on 4000×3000 camera-like JPEGs, beside a naive full decode + resize.

Target (issue 3): the pipeline is at least 3× faster than the naive baseline. Two scenes,
because JPEG decoding time grows with the file size (the entropy decoding of every coefficient
cannot be skipped, even in draft mode): a smooth scene (~1.4 MB) and a detailed, noisy one
(~3.7 MB, about the size of a 12-megapixel phone photo). Methods are timed in
interleaved rounds so load from other processes falls on all of them alike.
Run: python bench/photo_pipeline.py [--runs N]"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from audit_app.photos import PhotoStore, process_photo  # noqa: E402

SIZE = (4000, 3000)
TARGET_RATIO = 3.0
# scene name → (blur radius, noise sigma, noise share): how much fine detail the JPEG carries.
SCENES = {"smooth": (1.5, 18, 0.12), "detailed": (1.0, 48, 0.20)}


def camera_like_jpeg(path: Path, blur: float, sigma: float, share: float) -> bytes:
    """Gradients, shapes with edges and sensor-like noise, saved at quality 90 (as phones do)."""
    red = Image.linear_gradient("L").resize(SIZE)
    green = Image.radial_gradient("L").resize(SIZE)
    blue = Image.linear_gradient("L").rotate(90).resize(SIZE)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x, y = (i * 397) % 3600, (i * 211) % 2700
        colour = ((i * 53) % 256, (i * 97) % 256, (i * 29) % 256)
        if i % 2:
            draw.rectangle((x, y, x + 300, y + 200), fill=colour)
        else:
            draw.ellipse((x, y, x + 350, y + 350), outline=colour, width=12)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.merge("RGB", [Image.effect_noise(SIZE, sigma) for _ in range(3)])
    image = Image.blend(image, noise, share)
    image.save(path, "JPEG", quality=90)
    return path.read_bytes()


def naive(data: bytes, resample: Image.Resampling = Image.Resampling.BICUBIC) -> bytes:
    """What one writes without thinking: decode every pixel, `resize` (its default filter is
    bicubic), encode with the pipeline's output settings. No thumbnail, no orientation."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        scale = 1600 / max(image.size)
        small = image.resize((round(image.width * scale), round(image.height * scale)), resample)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=82, optimize=True)
    return buffer.getvalue()


def reference_downscale(data: bytes) -> Image.Image:
    """The best Pillow can do: every pixel decoded, Lanczos to 1600 px, not re-encoded."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.resize((1600, 1200), Image.Resampling.LANCZOS)


def psnr_db(jpeg: bytes, reference: Image.Image) -> float:
    """Peak signal-to-noise ratio of a stored JPEG against the reference downscale."""
    with Image.open(io.BytesIO(jpeg)) as image:
        stat = ImageStat.Stat(ImageChops.difference(image.convert("RGB"), reference))
    mse = sum(stat.sum2) / (3 * reference.width * reference.height)
    return 10 * math.log10(255**2 / mse)


def interleaved_median_ms(methods: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Median ms per call of each method, one call of each per round (after one warm-up round)."""
    timings: dict[str, list[float]] = {name: [] for name in methods}
    for round_number in range(runs + 1):
        for name, method in methods.items():
            start = time.perf_counter()
            method()
            if round_number:
                timings[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in timings.items()}


def bench_scene(name: str, scratch: Path, runs: int) -> bool:
    data = camera_like_jpeg(scratch / f"{name}.jpg", *SCENES[name])
    processed = process_photo(data)
    stores = iter(range(10**6))
    bilinear = Image.Resampling.BILINEAR
    ms = interleaved_median_ms({
        "pipeline": lambda: process_photo(data),
        "stored": lambda: PhotoStore(scratch / f"store-{name}-{next(stores)}").add(data),
        "naive": lambda: naive(data),
        "naive_bilinear": lambda: naive(data, bilinear),
    }, runs)
    reference = reference_downscale(data)
    db = {"pipeline": psnr_db(processed.jpeg, reference), "naive": psnr_db(naive(data), reference),
          "naive_bilinear": psnr_db(naive(data, bilinear), reference)}
    ratio = ms["naive"] / ms["pipeline"]
    print(f"{name} scene: {SIZE[0]}x{SIZE[1]} JPEG q90 ({len(data) / 1e6:.2f} MB) -> "
          f"{processed.width}x{processed.height} q82 ({len(processed.jpeg) / 1e3:.0f} kB) "
          f"+ 320px thumbnail; median of {runs} runs; PSNR vs full-decode Lanczos")
    print(f"  pipeline (draft decode + orient + shrink + encode + thumbnail): "
          f"{ms['pipeline']:7.1f} ms/photo  {db['pipeline']:.1f} dB")
    print(f"  pipeline + atomic store (2 files, fsync):                       "
          f"{ms['stored']:7.1f} ms/photo")
    print(f"  baseline: naive full decode + resize (bicubic) + encode:        "
          f"{ms['naive']:7.1f} ms/photo  {db['naive']:.1f} dB")
    print(f"  baseline: naive full decode + resize (bilinear) + encode:       "
          f"{ms['naive_bilinear']:7.1f} ms/photo  {db['naive_bilinear']:.1f} dB")
    verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
    print(f"  speed-up vs naive (bicubic): {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x: {verdict});"
          f" vs naive (bilinear): {ms['naive_bilinear'] / ms['pipeline']:.1f}x")
    return ratio >= TARGET_RATIO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for name in SCENES:
            bench_scene(name, Path(scratch), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
