"""Photo evidence joins the photo files and the visit store; unreferenced files are removed."""

from pathlib import Path

import pytest

from audit_app.evidence import add_photo_evidence, clean_unreferenced_photos
from audit_app.photos import PhotoRejected, PhotoStore
from audit_app.store import LocalStore, open_store

from .photos.images import encode, gradient
from .store.conftest import NOW, answer_required, make_checklist, start, write_checklist_yaml


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    write_checklist_yaml(tmp_path / "bundled", make_checklist())
    opened = open_store(tmp_path / "data", bundled_dir=tmp_path / "bundled")
    yield opened
    opened.close()


@pytest.fixture
def photos(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "photos")


def test_photo_is_stored_and_cited_by_the_item(store, photos):
    visit_id = start(store)
    visit = add_photo_evidence(store, photos, visit_id, encode(gradient((2000, 1500))),
                               item_key="uniform_clean", now=NOW)
    [ref] = visit.photos
    assert photos.has_photo(ref.sha256) and (ref.width, ref.height) == (1600, 1200)
    assert visit.observation_for("uniform_clean").photos == [ref.sha256]


def test_refused_photo_changes_nothing(store, photos):
    visit_id = start(store)
    with pytest.raises(PhotoRejected):
        add_photo_evidence(store, photos, visit_id, b"not a photo", item_key=None, now=NOW)
    assert store.visits.get(visit_id).visit.photos == [] and photos.stored_hashes() == set()


def test_photos_of_a_discarded_draft_are_cleaned_up_and_kept_ones_stay(store, photos):
    kept_visit = start(store)
    answer_required(store, kept_visit)
    kept = add_photo_evidence(store, photos, kept_visit, encode(gradient((800, 600), seed=1)),
                              item_key=None, now=NOW).photos[0].sha256
    store.visits.finalise(kept_visit, NOW)
    dropped_visit = start(store)
    dropped = add_photo_evidence(store, photos, dropped_visit, encode(gradient((800, 600), seed=2)),
                                 item_key=None, now=NOW).photos[0].sha256
    store.visits.discard_draft(dropped_visit)

    assert clean_unreferenced_photos(store, photos) == {dropped}
    assert photos.stored_hashes() == {kept}
