"""process_photo: what we accept, what we refuse, and what the stored JPEG looks like."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from audit_app.domain import PhotoRef
from audit_app.photos import PhotoLimits, PhotoRejected, process_photo

from .images import GPS_IFD, GPS_XMP, encode, exif_with, gradient, one_bit_png

RED, BLUE = (255, 0, 0), (0, 0, 255)
SHANGHAI = timezone(timedelta(hours=8))


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image


def close_to(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


# --- what comes out -----------------------------------------------------------------------

def test_large_photo_is_downscaled_to_1600_long_edge_with_320_thumbnail() -> None:
    photo = process_photo(encode(gradient((4000, 3000)), quality=90))
    stored, thumb = open_jpeg(photo.jpeg), open_jpeg(photo.thumbnail)
    assert stored.size == (photo.width, photo.height) == (1600, 1200)
    assert thumb.size == (320, 240)


def test_portrait_photo_keeps_its_shape_with_long_edge_1600() -> None:
    photo = process_photo(encode(gradient((1500, 2000))))
    assert (photo.width, photo.height) == (1200, 1600)
    assert max(open_jpeg(photo.thumbnail).size) == 320


def test_small_photo_is_not_upscaled() -> None:
    photo = process_photo(encode(gradient((800, 600))))
    assert (photo.width, photo.height) == (800, 600)


def test_long_edge_and_thumbnail_sizes_are_configurable() -> None:
    limits = PhotoLimits(long_edge=1024, thumb_edge=128)
    photo = process_photo(encode(gradient((2048, 1536))), limits=limits)
    assert (photo.width, photo.height) == (1024, 768)
    assert open_jpeg(photo.thumbnail).size == (128, 96)


def test_ref_describes_the_stored_jpeg() -> None:
    photo = process_photo(encode(gradient((2000, 1000)), exif=exif_with(
        taken="2026:11:20 10:03:00", offset="+08:00")))
    ref = photo.ref()
    assert isinstance(ref, PhotoRef)
    assert ref.sha256 == photo.sha256 and len(ref.sha256) == 64
    assert ref.bytes == len(photo.jpeg)
    assert (ref.width, ref.height) == (1600, 800)
    assert ref.taken_at == datetime(2026, 11, 20, 10, 3, tzinfo=SHANGHAI)


def test_same_bytes_give_the_same_jpeg_and_hash() -> None:
    data = encode(gradient((1800, 1200)))
    first, second = process_photo(data), process_photo(data)
    assert first.jpeg == second.jpeg and first.sha256 == second.sha256


def test_different_photos_get_different_hashes() -> None:
    first = process_photo(encode(gradient((1800, 1200), seed=1)))
    second = process_photo(encode(gradient((1800, 1200), seed=2)))
    assert first.sha256 != second.sha256


# --- metadata -------------------------------------------------------------------------------

def test_gps_and_all_exif_and_xmp_are_gone_from_the_output() -> None:
    source = encode(gradient((2400, 1800)), exif=exif_with(taken="2026:11:20 10:03:00", gps=True),
                    xmp=GPS_XMP)
    original = Image.open(io.BytesIO(source))
    assert dict(original.getexif().get_ifd(GPS_IFD))[1] == "N"  # the input really has GPS
    assert "xmp" in original.info

    photo = process_photo(source)

    for output in (photo.jpeg, photo.thumbnail):
        stored = open_jpeg(output)
        assert len(stored.getexif()) == 0
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert "exif" not in stored.info and "xmp" not in stored.info
        assert b"Exif\x00\x00" not in output and b"GPS" not in output
    assert photo.taken_at is None  # no offset and no zone given: not guessed


def test_orientation_6_is_applied_to_size_and_pixels() -> None:
    # Stored landscape with a red top-left corner; EXIF says "rotate 90° clockwise to view".
    image = Image.new("RGB", (200, 100), BLUE)
    image.paste(RED, (0, 0, 40, 40))
    photo = process_photo(encode(image, quality=95, exif=exif_with(orientation=6)))

    upright = open_jpeg(photo.jpeg)
    assert upright.size == (photo.width, photo.height) == (100, 200)
    assert close_to(upright.getpixel((upright.width - 10, 10)), RED)  # corner turned to top-right
    assert close_to(upright.getpixel((10, 10)), BLUE)
    assert close_to(upright.getpixel((upright.width - 10, upright.height - 10)), BLUE)


def test_orientation_is_applied_to_large_photos_decoded_at_reduced_scale() -> None:
    image = gradient((4000, 3000))
    image.paste(RED, (0, 0, 400, 400))
    photo = process_photo(encode(image, quality=90, exif=exif_with(orientation=6)))
    upright = open_jpeg(photo.jpeg)
    assert upright.size == (1200, 1600)
    assert close_to(upright.getpixel((upright.width - 40, 40)), RED)


def test_taken_at_uses_the_exif_offset() -> None:
    photo = process_photo(encode(gradient((300, 200)), exif=exif_with(
        taken="2026:11:20 10:03:00", offset="-05:00")), local_tz=SHANGHAI)
    assert photo.taken_at == datetime(2026, 11, 20, 10, 3, tzinfo=timezone(timedelta(hours=-5)))


def test_taken_at_without_offset_uses_the_callers_zone() -> None:
    photo = process_photo(encode(gradient((300, 200)), exif=exif_with(
        taken="2026:11:20 10:03:00")), local_tz=SHANGHAI)
    assert photo.taken_at == datetime(2026, 11, 20, 10, 3, tzinfo=SHANGHAI)
    assert photo.taken_at.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("exif", [None, exif_with(taken="0000:00:00 00:00:00"),
                                  exif_with(taken="yesterday")])
def test_taken_at_is_none_when_the_photo_has_no_usable_date(exif: Image.Exif | None) -> None:
    params = {} if exif is None else {"exif": exif}
    photo = process_photo(encode(gradient((300, 200)), **params), local_tz=SHANGHAI)
    assert photo.taken_at is None


@pytest.mark.parametrize("damage", ["exif_ifd_offset_out_of_range", "exif_cut_short"])
def test_damaged_exif_gives_no_taken_at_but_the_photo_is_kept(damage: str) -> None:
    raw = exif_with(taken="2026:11:20 10:03:00", offset="+08:00").tobytes()
    if damage == "exif_cut_short":
        raw = raw[:30]  # inside the first IFD: Pillow warns "Corrupt EXIF data"
    else:  # point IFD0's Exif-IFD entry (big-endian: tag 8769, LONG, count 1) past the end
        entry = raw.index(bytes.fromhex("8769 0004 00000001"))
        raw = raw[:entry + 8] + struct.pack(">I", 0xFFFF0000) + raw[entry + 12:]
    photo = process_photo(encode(gradient((300, 200)), exif=raw), local_tz=SHANGHAI)
    assert photo.taken_at is None
    assert (photo.width, photo.height) == (300, 200)


# --- formats --------------------------------------------------------------------------------

def test_png_is_accepted_and_stored_as_jpeg() -> None:
    photo = process_photo(encode(gradient((640, 480)), "PNG"))
    assert open_jpeg(photo.jpeg).size == (640, 480)


def test_transparent_png_is_flattened_onto_white() -> None:
    photo = process_photo(encode(Image.new("RGBA", (64, 48), (255, 0, 0, 0)), "PNG"))
    assert close_to(open_jpeg(photo.jpeg).getpixel((10, 10)), (255, 255, 255), tolerance=3)


def test_sixteen_bit_grey_png_keeps_its_brightness() -> None:
    photo = process_photo(encode(Image.new("I;16", (64, 48), 32768), "PNG"))
    assert abs(open_jpeg(photo.jpeg).getpixel((10, 10)) - 128) <= 2


def test_multi_picture_jpeg_from_a_phone_is_accepted_as_jpeg() -> None:
    source = encode(Image.new("RGB", (64, 48), RED), "MPO", save_all=True,
                    append_images=[Image.new("RGB", (64, 48), BLUE)])
    assert Image.open(io.BytesIO(source)).format == "MPO"
    assert close_to(open_jpeg(process_photo(source).jpeg).getpixel((10, 10)), RED)


def test_text_file_named_jpg_is_refused(tmp_path) -> None:
    fake = tmp_path / "receipt.jpg"
    fake.write_text("this is not a photo\n")
    with pytest.raises(PhotoRejected) as refused:
        process_photo(fake.read_bytes())
    assert refused.value.code == "unsupported_format"
    assert "JPEG or PNG" in refused.value.message_en
    assert "仅接受 JPEG 和 PNG" in refused.value.message_zh


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt: str) -> None:
    data = encode(gradient((64, 48)), fmt)
    assert Image.open(io.BytesIO(data)).format == fmt  # a real, valid image of that format
    with pytest.raises(PhotoRejected) as refused:
        process_photo(data)
    assert refused.value.code == "unsupported_format"


def test_truncated_jpeg_is_refused_as_damaged() -> None:
    data = encode(gradient((800, 600)))
    with pytest.raises(PhotoRejected) as refused:
        process_photo(data[: len(data) // 2])
    assert refused.value.code == "corrupt"
    assert refused.value.message_zh


def test_empty_upload_is_refused() -> None:
    with pytest.raises(PhotoRejected) as refused:
        process_photo(b"")
    assert refused.value.code == "empty"


def test_file_over_the_byte_limit_is_refused_before_decoding() -> None:
    data = encode(gradient((800, 600)))
    with pytest.raises(PhotoRejected) as refused:
        process_photo(data, limits=PhotoLimits(max_bytes=len(data) - 1))
    assert refused.value.code == "too_many_bytes"


# --- decompression bombs --------------------------------------------------------------------

def test_100_megapixel_png_bomb_is_refused() -> None:
    bomb = one_bit_png(10_000, 10_000)
    assert len(bomb) < 50_000  # tiny on disk, 100 megapixels when decoded
    with pytest.raises(PhotoRejected) as refused:
        process_photo(bomb)
    assert refused.value.code == "too_many_pixels"
    assert "100 megapixels" in refused.value.message_en
    assert "40 百万像素" in refused.value.message_zh


def test_image_just_over_the_limit_is_refused_where_pillow_only_warns() -> None:
    # 60 MP is between the 40 MP limit and 2× it, where Pillow warns instead of raising.
    with pytest.raises(PhotoRejected) as refused:
        process_photo(one_bit_png(7_746, 7_746))
    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize("size", [(1_500, 1_000), (2_500, 1_000)])  # 1.5× and 2.5× the limit
def test_pixel_limit_is_configurable_and_applies_to_jpeg(size: tuple[int, int]) -> None:
    with pytest.raises(PhotoRejected) as refused:
        process_photo(encode(gradient(size)), limits=PhotoLimits(max_pixels=1_000_000))
    assert refused.value.code == "too_many_pixels"


def test_image_at_the_limit_is_accepted() -> None:
    photo = process_photo(one_bit_png(1_000, 1_000), limits=PhotoLimits(max_pixels=1_000_000))
    assert photo.width == 1_000


def test_pillow_global_limit_and_warning_filters_are_left_as_they_were() -> None:
    limit_before, filters_before = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    with pytest.raises(PhotoRejected):
        process_photo(one_bit_png(10_000, 10_000))
    process_photo(encode(gradient((300, 200))))
    assert Image.MAX_IMAGE_PIXELS == limit_before
    assert warnings.filters == filters_before


def test_importing_the_pipeline_changes_no_pillow_setting_and_pulls_in_no_ui_or_db() -> None:
    script = ("from PIL import Image; before = Image.MAX_IMAGE_PIXELS; import sys, audit_app.photos;"
              "assert Image.MAX_IMAGE_PIXELS == before;"
              "assert not {'flet', 'tinydb'} & set(sys.modules), sorted(sys.modules)")
    repo_root = Path(__file__).parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=repo_root)
