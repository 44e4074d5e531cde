"""The resolve form's photo of the fix: picked like a runner photo, stored on the phone and cited
by the queued event (so the sync uploads it through `/photos`); a resolve of an item whose photo
is required is refused at the photo field, in both languages, until one is there — known from the
server's copy, or from the visit on this phone before the server has described the action."""

from __future__ import annotations

from audit_app.evidence import clean_unreferenced_photos
from audit_app.state.runner_model import section_rows

from .conftest import jpeg_bytes, run
from .test_actions_in_visit import aid, pulled, server_copy

PHOTO_ITEM = "badge_left_chest"  # grooming-inspection: a check item whose photo is required


def _fill_resolve(state) -> None:  # type: ignore[no-untyped-def]
    state.actions.set_note("badge replaced")
    state.actions.set_cause("facilities")
    state.actions.set_root_cause("no spare badges → spares kept at the desk")


def _open_pulled(state, **fields) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1), **fields))
    assert run(state.actions.open())
    state.actions.select(aid(1))


def test_a_resolve_without_the_required_photo_is_refused_at_the_photo_field(state) -> None:  # type: ignore[no-untyped-def]
    _open_pulled(state, item_key=PHOTO_ITEM, photo_required=True)
    _fill_resolve(state)
    assert state.actions.photo_required()
    assert not run(state.actions.add_event("resolve"))
    assert state.error is None and list(state.actions.event.errors) == ["photos"]
    assert state.actions.field_error("photos", "en") == "resolve: this item needs a photo of the fix"
    assert state.actions.field_error("photos", "zh-CN") == "整改：该项目需要上传整改后的照片"
    assert state.device.store.actions.queued() == []


def test_a_picked_fix_photo_is_stored_cited_by_the_event_and_kept_at_the_next_start(state) -> None:  # type: ignore[no-untyped-def]
    _open_pulled(state, item_key=PHOTO_ITEM, photo_required=True)
    _fill_resolve(state)
    assert run(state.actions.add_fix_photo(jpeg_bytes()))
    assert run(state.actions.add_fix_photo(jpeg_bytes()))  # the same picture twice: listed once
    (sha,) = state.actions.event.photos
    assert state.actions.thumbnails[sha]
    assert run(state.actions.add_event("resolve")), state.error
    (queued,) = state.device.store.actions.queued()
    assert (queued.kind, queued.body["type"], queued.body["photos"]) == ("event", "resolve", [sha])
    assert state.actions.current.status == "resolved"
    with state.device.lock:  # the app's start drops photos nothing cites: not this one
        assert clean_unreferenced_photos(state.device.store, state.device.photos) == set()
        assert state.device.photos.has_photo(sha)


def test_a_removed_fix_photo_is_not_sent(state) -> None:  # type: ignore[no-untyped-def]
    _open_pulled(state, item_key=PHOTO_ITEM, photo_required=False)
    _fill_resolve(state)
    assert run(state.actions.add_fix_photo(jpeg_bytes()))
    state.actions.remove_fix_photo(state.actions.event.photos[0])
    assert run(state.actions.add_event("resolve")), state.error
    (queued,) = state.device.store.actions.queued()
    assert queued.body["photos"] == []


def test_a_photo_that_is_not_a_picture_is_refused_in_both_languages(state) -> None:  # type: ignore[no-untyped-def]
    _open_pulled(state)
    assert not run(state.actions.add_fix_photo(b"not a picture"))
    assert state.error.code.startswith("photo_") and state.error.message("zh-CN") != state.error.message("en")
    assert state.actions.event.photos == [] and state.actions.event.processing == 0


def test_before_the_server_describes_it_the_visit_on_the_phone_says_a_photo_is_needed(state) -> None:  # type: ignore[no-untyped-def]
    state.open_new_visit()
    state.pick_checklist("grooming-inspection")
    state.pick_site("site-001")
    assert run(state.start_visit())
    assert run(state.answer_check(PHOTO_ITEM, False))
    (row,) = [r for r in section_rows(state.visit.checklist, state.visit.visit, 0, "en") if r.key == PHOTO_ITEM]
    assert row.offers_action
    state.actions.prefill_from_item(PHOTO_ITEM)
    assert run(state.actions.create()), state.error
    state.actions.select(state.actions.selected)
    assert state.actions.current.photo_required is None  # nothing from the server yet
    assert state.actions.photo_required()
    _fill_resolve(state)
    assert not run(state.actions.add_event("resolve"))
    assert list(state.actions.event.errors) == ["photos"]


def test_a_pulled_action_whose_item_needs_no_photo_resolves_without_one(state) -> None:  # type: ignore[no-untyped-def]
    _open_pulled(state, item_key="env_clean", photo_required=False)
    assert not state.actions.photo_required()
    _fill_resolve(state)
    assert run(state.actions.add_event("resolve")), state.error
