"""PUT /photos/{sha256} and POST /photos/missing: hash and decode checks, limits, storage."""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator

import pytest
from PIL import Image

from sync_server.blob_store import open_photo_store
from sync_server.settings import Settings

from .conftest import Server, stored_keys
from .images import jpeg_bytes, png_bytes, sha

MB = 1024 * 1024


@pytest.fixture
def settings(store_settings: Settings) -> Settings:
    """Every photo test runs on both photo stores (disk and S3)."""
    return store_settings


def put_photo(server: Server, body: bytes, sha256: str | None = None, who: str = "auditor_a",
              content_type: str = "image/jpeg"):
    return server.client.put(f"/api/v1/photos/{sha256 or sha(body)}", content=body,
                             headers=server.auth(who) | {"Content-Type": content_type})


@functools.cache
def hundred_megapixel_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 1-bit: a tiny file
    return buffer.getvalue()


def test_a_new_photo_is_stored_under_a_server_made_name(server: Server) -> None:
    body = jpeg_bytes()
    answer = put_photo(server, body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"sha256": sha(body), "status": "created", "media_type": "image/jpeg",
                             "width": 8, "height": 6}
    assert stored_keys(server.settings) == [f"{sha(body)[:2]}/{sha(body)}.jpg"]
    assert open_photo_store(server.settings).read(f"{sha(body)[:2]}/{sha(body)}.jpg") == body
    again = put_photo(server, body, who="auditor_b")
    assert again.status_code == 200 and again.json()["status"] == "present"


def test_png_is_accepted_by_decoding_whatever_the_content_type_says(server: Server) -> None:
    body = png_bytes()
    answer = put_photo(server, body, content_type="application/octet-stream")
    assert answer.status_code == 201 and answer.json()["media_type"] == "image/png"


def test_body_not_matching_the_path_hash_is_422(server: Server) -> None:
    answer = put_photo(server, jpeg_bytes(), sha256="0" * 64)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "hash_mismatch"
    assert stored_keys(server.settings) == []


def test_a_text_file_sent_as_a_photo_is_422(server: Server) -> None:
    answer = put_photo(server, b"hello, I am not a picture\n" * 10)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "not_an_image"


def test_a_truncated_jpeg_is_422(server: Server) -> None:
    body = jpeg_bytes(size=(64, 64))[:-200]
    answer = put_photo(server, body)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "not_an_image"


def test_other_image_formats_are_refused(server: Server) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="GIF")
    answer = put_photo(server, buffer.getvalue())
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "not_an_image"


def test_a_hundred_megapixel_png_is_413(server: Server) -> None:
    body = hundred_megapixel_png()
    assert len(body) < 100_000
    answer = put_photo(server, body, content_type="image/png")
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "image_too_large"
    assert "100.0 megapixels" in answer.json()["error"]["message"]


def test_a_photo_with_gps_data_is_refused(server: Server) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 2.5)})
    answer = put_photo(server, jpeg_bytes(exif=exif))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "photo_has_location"


def test_a_20_mb_photo_body_is_413(server: Server) -> None:
    body = b"\xff" * (20 * MB)
    answer = put_photo(server, body)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body_too_large"


def test_the_limit_holds_for_a_streamed_body_without_content_length(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"\0" * MB

    answer = server.client.put(f"/api/v1/photos/{'c' * 64}", content=chunks(),
                               headers=server.auth("auditor_a"))
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "body_too_large"


def test_missing_lists_only_hashes_the_server_lacks(server: Server) -> None:
    body = png_bytes()
    assert put_photo(server, body).status_code == 201
    answer = server.client.post("/api/v1/photos/missing", headers=server.auth("auditor_a"),
                                json={"hashes": ["d" * 64, sha(body), "d" * 64]})
    assert answer.status_code == 200 and answer.json() == {"missing": ["d" * 64]}


def test_missing_refuses_malformed_hashes(server: Server) -> None:
    answer = server.client.post("/api/v1/photos/missing", headers=server.auth("auditor_a"),
                                json={"hashes": ["not-a-hash"]})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("store_settings", ["local"], indirect=True)  # a disk that fills up
def test_a_full_disk_answers_507_in_the_error_body_and_leaves_no_file(server: Server, monkeypatch) -> None:
    import errno
    import os

    from sync_server import blob_store

    def full_disk(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blob_store.os, "fsync", full_disk)
    body = jpeg_bytes()
    answer = put_photo(server, body)
    assert answer.status_code == 507
    assert answer.json()["error"]["code"] == "insufficient_storage"
    monkeypatch.undo()
    photo_dir = server.settings.data_dir / "photos"
    assert [p for p in photo_dir.rglob("*") if p.is_file()] == []
    assert os.path.isdir(photo_dir)
    assert put_photo(server, body).status_code == 201  # nothing half-stored blocks a retry


def test_an_unexpected_failure_answers_500_in_the_error_body(server: Server, monkeypatch) -> None:
    from sync_server.api import photos

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(photos, "check_image", broken)
    answer = put_photo(server, jpeg_bytes())
    assert answer.status_code == 500
    assert answer.json() == {"error": {"code": "internal_error",
                                       "message": "the server failed; nothing was stored",
                                       "details": []}}
