"""PhotoStore: photos as files named by hash, stored once, written atomically, cleaned up."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from audit_app.photos import PhotoRejected, PhotoStore, PhotoStoreError
from audit_app.photos import store as store_module

from .images import GPS_IFD, encode, exif_with, gradient


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "photos")


def photo_bytes(seed: int = 0, size: tuple[int, int] = (1200, 900)) -> bytes:
    return encode(gradient(size, seed=seed))


def files_in(store: PhotoStore) -> list[str]:
    return sorted(os.listdir(store.directory))


def test_photo_and_thumbnail_are_stored_under_the_hash_of_the_stored_jpeg(store) -> None:
    stored = store.add(photo_bytes())
    sha = stored.ref.sha256
    assert stored.new
    assert files_in(store) == [f"{sha}.jpg", f"{sha}.thumb.jpg"]
    assert hashlib.sha256(store.photo_path(sha).read_bytes()).hexdigest() == sha
    assert store.read_photo(sha) == store.photo_path(sha).read_bytes()
    assert stored.ref.bytes == len(store.read_photo(sha))
    assert max(Image.open(io.BytesIO(store.read_thumbnail(sha))).size) == 320


def test_identical_photos_are_stored_once(store) -> None:
    data = photo_bytes()
    first = store.add(data)
    second = store.add(data)
    assert first.new and not second.new
    assert first.ref == second.ref
    assert len(files_in(store)) == 2


def test_different_photos_are_stored_side_by_side(store) -> None:
    first, second = store.add(photo_bytes(seed=1)), store.add(photo_bytes(seed=2))
    assert first.ref.sha256 != second.ref.sha256
    assert store.stored_hashes() == {first.ref.sha256, second.ref.sha256}


def test_stored_file_read_back_from_disk_has_no_gps_or_exif(store) -> None:
    data = encode(gradient((2000, 1500)), exif=exif_with(taken="2026:11:20 10:03:00", gps=True))
    sha = store.add(data).ref.sha256
    with Image.open(store.photo_path(sha)) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert len(stored.getexif()) == 0 and "exif" not in stored.info


def test_has_photo_and_read_photo_answer_for_missing_hashes(store) -> None:
    missing = "0" * 64
    assert not store.has_photo(missing)
    with pytest.raises(FileNotFoundError):
        store.read_photo(missing)
    sha = store.add(photo_bytes()).ref.sha256
    assert store.has_photo(sha)


@pytest.mark.parametrize("bad", ["../" + "a" * 61, "A" * 64, "a" * 63, "", "a" * 64 + "/x"])
def test_a_hash_can_never_name_a_path_outside_the_store(store, bad: str) -> None:
    with pytest.raises(ValueError):
        store.photo_path(bad)
    with pytest.raises(ValueError):
        store.has_photo(bad)


def test_rejected_photo_stores_nothing(store) -> None:
    with pytest.raises(PhotoRejected):
        store.add(b"GIF89a not really")
    assert files_in(store) == []


def test_clean_orphans_deletes_only_unreferenced_photos_and_thumbnails(store) -> None:
    kept, orphan_a, orphan_b = (store.add(photo_bytes(seed=s)).ref.sha256 for s in (1, 2, 3))
    (store.directory / "notes.txt").write_text("not ours")

    removed = store.clean_orphans({kept, "f" * 64})

    assert removed == {orphan_a, orphan_b}
    assert files_in(store) == sorted([f"{kept}.jpg", f"{kept}.thumb.jpg", "notes.txt"])
    assert store.has_photo(kept)


def test_clean_orphans_with_every_photo_referenced_deletes_nothing(store) -> None:
    hashes = {store.add(photo_bytes(seed=s)).ref.sha256 for s in (1, 2)}
    assert store.clean_orphans(hashes) == set()
    assert len(files_in(store)) == 4


def test_lost_thumbnail_is_restored_when_the_photo_is_added_again(store) -> None:
    data = photo_bytes()
    sha = store.add(data).ref.sha256
    store.thumbnail_path(sha).unlink()
    assert not store.add(data).new
    assert store.thumbnail_path(sha).is_file()


def test_partial_writes_left_by_a_crash_are_discarded_at_start_up(store) -> None:
    sha = store.add(photo_bytes()).ref.sha256
    (store.directory / ".partial-abc123.tmp").write_bytes(b"\xff\xd8 half a photo")
    assert store.discard_partial_writes() == 1
    assert files_in(store) == [f"{sha}.jpg", f"{sha}.thumb.jpg"]


# --- failures while writing -----------------------------------------------------------------

def os_failing_at(step: str, *, on_call: int = 1) -> SimpleNamespace:
    """The `os` module as the store sees it, with `step` failing (disk full) on its nth call."""
    calls = {"count": 0}
    real = getattr(os, step)

    def failing(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == on_call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    namespace = SimpleNamespace(**{name: getattr(os, name) for name in dir(os)
                                   if not name.startswith("__")})
    setattr(namespace, step, failing)
    return namespace


# Each add writes the thumbnail, then the photo; each write is write → fsync(file) → replace →
# fsync(directory). Failing the nth call of a step hits every place a save can break.
FAULTS = [("write", 1), ("write", 2), ("replace", 1), ("replace", 2),
          ("fsync", 1), ("fsync", 2), ("fsync", 3), ("fsync", 4)]


@pytest.mark.parametrize(("step", "on_call"), FAULTS, ids=[f"{s}-{n}" for s, n in FAULTS])
def test_failed_write_leaves_no_temp_file_no_photo_and_a_clear_error(
        store, monkeypatch, step: str, on_call: int) -> None:
    earlier = store.add(photo_bytes(seed=9)).ref.sha256
    earlier_bytes = store.read_photo(earlier)
    data = photo_bytes(seed=1)
    monkeypatch.setattr(store_module, "os", os_failing_at(step, on_call=on_call))

    with pytest.raises(PhotoStoreError) as failed:
        store.add(data)

    assert failed.value.code == "write_failed"
    assert "No space left on device" in failed.value.message_en
    assert "无法在本设备上保存照片" in failed.value.message_zh
    assert isinstance(failed.value.__cause__, OSError)
    assert files_in(store) == [f"{earlier}.jpg", f"{earlier}.thumb.jpg"]  # no temp, no half
    assert store.read_photo(earlier) == earlier_bytes

    monkeypatch.undo()
    assert store.add(data).new  # once there is room again, the same photo saves normally
