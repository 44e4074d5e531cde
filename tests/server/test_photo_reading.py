"""GET /photos/{sha256}: who may read a photo (as for the visits citing it), the full image and
its cached thumbnail."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from sync_server.blob_store import open_photo_store
from sync_server.settings import Settings

from .conftest import Server, stored_keys
from .images import jpeg_bytes, png_bytes, sha
from .test_authorization import CALLERS
from .visit_data import visit_body


def upload_photo(server: Server, body: bytes, who: str) -> dict[str, Any]:
    answer = server.client.put(f"/api/v1/photos/{sha(body)}", content=body,
                               headers=server.auth(who) | {"Content-Type": "image/jpeg"})
    assert answer.status_code == 201, answer.text
    width, height = Image.open(io.BytesIO(body)).size
    return {"sha256": sha(body), "bytes": len(body), "width": width, "height": height}


def upload_visit(server: Server, who: str, body: dict[str, Any]) -> None:
    answer = server.client.put(f"/api/v1/visits/{body['id']}", json=body, headers=server.auth(who))
    assert answer.status_code == 201, answer.text


class Photos:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.north_body = png_bytes((40, 30))
        self.south_body = jpeg_bytes((1000, 500))
        self.orphan_body = png_bytes()
        self.north = upload_photo(server, self.north_body, "auditor_a")
        self.south = upload_photo(server, self.south_body, "auditor_b")
        upload_photo(server, self.orphan_body, "auditor_a")  # cited by no visit
        self.north_visit = visit_body(site_id="site-n1", photos=[self.north])
        upload_visit(server, "auditor_a", self.north_visit)
        upload_visit(server, "auditor_b", visit_body(site_id="site-s1", staff_ids=["staff-3"],
                                                     photos=[self.south]))

    def get(self, sha256: str, who: str, **params: str):  # type: ignore[no-untyped-def]
        return self.server.client.get(f"/api/v1/photos/{sha256}", params=params,
                                      headers=self.server.auth(who))


@pytest.fixture
def settings(store_settings: Settings) -> Settings:
    """Every photo-reading test runs on both photo stores (disk and S3)."""
    return store_settings


@pytest.fixture
def photos(server: Server) -> Photos:
    return Photos(server)


def statuses(photos: Photos, sha256: str, **params: str) -> dict[str, int]:
    found = {}
    for who in CALLERS:
        answer = photos.get(sha256, who, **params)
        found[who] = answer.status_code
        if answer.status_code >= 400:
            assert set(answer.json()["error"]) == {"code", "message", "details"}
    return found


DENIED = {"revoked": 401, "nobody": 401}


def test_a_photo_is_readable_by_whoever_may_read_a_visit_citing_it(photos: Photos) -> None:
    assert statuses(photos, photos.north["sha256"]) == {
        "auditor_a": 200, "auditor_b": 404, "manager_north": 200, "manager_south": 404,
        "manager_all": 200, "admin": 200, **DENIED}
    assert statuses(photos, photos.south["sha256"], size="thumb") == {
        "auditor_a": 404, "auditor_b": 200, "manager_north": 404, "manager_south": 200,
        "manager_all": 200, "admin": 200, **DENIED}


def test_a_photo_no_visit_cites_is_for_admins_only_and_an_unknown_hash_is_404(photos: Photos) -> None:
    assert statuses(photos, sha(photos.orphan_body)) == {
        **dict.fromkeys(CALLERS, 404), "admin": 200, **DENIED}
    assert statuses(photos, "c" * 64) == {**dict.fromkeys(CALLERS, 404), **DENIED}
    answer = photos.get("c" * 64, "admin")
    assert answer.json()["error"]["code"] == "not_found"


def test_a_photo_dropped_by_the_latest_revision_is_no_longer_served(photos: Photos) -> None:
    revised = visit_body(photos.north_visit["id"], revision=2, site_id="site-n1", photos=[])
    upload_visit(photos.server, "auditor_a", revised)
    north = photos.north["sha256"]
    assert [photos.get(north, who).status_code
            for who in ("auditor_a", "manager_north", "manager_all", "admin")] == [404, 404, 404, 200]


def test_the_full_photo_is_the_uploaded_bytes_with_its_type_and_a_private_cache(photos: Photos) -> None:
    answer = photos.get(photos.north["sha256"], "manager_north")
    assert answer.content == photos.north_body
    assert answer.headers["content-type"] == "image/png"
    assert answer.headers["cache-control"].startswith("private")
    jpeg = photos.get(photos.south["sha256"], "auditor_b", size="full")
    assert jpeg.content == photos.south_body and jpeg.headers["content-type"] == "image/jpeg"


def test_a_thumbnail_is_a_jpeg_at_most_320_px_made_once_beside_the_photo(photos: Photos) -> None:
    south = photos.south["sha256"]
    answer = photos.get(south, "manager_south", size="thumb")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["cache-control"].startswith("private")
    image = Image.open(io.BytesIO(answer.content))
    assert (image.format, image.size) == ("JPEG", (320, 160))
    settings = photos.server.settings
    assert {f"{south[:2]}/{south}.thumb.jpg", f"{south[:2]}/{south}.jpg"} <= set(stored_keys(settings))
    store = open_photo_store(settings)
    marker = jpeg_bytes((16, 8))
    store.delete(f"{south[:2]}/{south}.thumb.jpg")
    store.put_new(f"{south[:2]}/{south}.thumb.jpg", marker, "image/jpeg")
    # a second request must serve the stored thumbnail, not make it again
    assert photos.get(south, "admin", size="thumb").content == marker


def test_a_small_or_transparent_photo_keeps_its_size_on_a_white_background(photos: Photos) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 20), (0, 0, 0, 0)).save(buffer, "PNG")
    clear = upload_photo(photos.server, buffer.getvalue(), "auditor_a")
    upload_visit(photos.server, "auditor_a", visit_body(site_id="site-n1", photos=[clear]))
    answer = photos.get(clear["sha256"], "auditor_a", size="thumb")
    image = Image.open(io.BytesIO(answer.content))
    assert image.size == (50, 20)  # never enlarged
    assert all(channel > 240 for channel in image.convert("RGB").getpixel((25, 10)))


def test_an_unknown_size_is_422(photos: Photos) -> None:
    answer = photos.get(photos.north["sha256"], "admin", size="huge")
    assert answer.status_code == 422 and answer.json()["error"]["details"][0]["path"] == "query.size"
