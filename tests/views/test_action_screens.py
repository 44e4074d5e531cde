"""The visit screens' corrective actions as built from state (no browser): "Re-check these" above
the first section, the items' "Open action" mark, "Create action" on a failed card, Review's
question for a failed knock-out, and the resolve form's photo of the fix with its errors at
their fields, in both languages and with no holes."""

from __future__ import annotations

import flet as ft
import pytest
from flet.components.component import Renderer

from audit_app.views import Services, build_view
from tests.state.conftest import answer_everything, jpeg_bytes, run, start_retail_visit
from tests.state.test_actions_in_visit import CRITICAL, PLAIN, aid, event, pulled, server_copy
from tests.views.test_runner_screens import controls_of
from tests.views.test_screens_build import build, holes, names


def keyed(view, key: str) -> list:
    return [c for c in controls_of(view, ft.Control) if getattr(c, "key", None) == key]


@pytest.mark.parametrize(("lang", "title", "badge", "row"), [
    ("en", "Re-check these", "Open action", "Due 2026-11-24 · open"),
    ("zh-CN", "请复查以下问题", "有待整改", "截止 2026-11-24 · 待处理")])
def test_a_new_visit_shows_the_recheck_list_and_marks_the_item(state, lang, title, badge, row) -> None:  # type: ignore[no-untyped-def]
    run(state.set_language(lang))
    pulled(state, server_copy(aid(1), title="Greet every customer"))
    start_retail_visit(state)
    view = build(state)
    shown = names(view)
    assert title in shown and "Greet every customer" in shown and row in shown
    assert badge in shown
    assert keyed(view, f"recheck-{aid(1)}")[0].on_click is not None  # a tap goes to the item
    assert holes(view) == []
    state.go_section(1)
    assert title not in names(build(state))


def test_a_resolved_action_marks_its_item_for_the_recheck(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1), history=[event("resolve", 1)]))
    start_retail_visit(state)
    assert "Re-check the fix" in names(build(state))


def test_a_failed_card_offers_create_action_and_an_open_action_hides_it(state) -> None:  # type: ignore[no-untyped-def]
    pulled(state, server_copy(aid(1)))
    start_retail_visit(state)
    assert run(state.answer_check(PLAIN, False)) and run(state.answer_check(CRITICAL, False))
    view = build(state)
    assert keyed(view, f"create-action-{PLAIN}") and not keyed(view, f"create-action-{CRITICAL}")
    assert holes(view) == []


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_review_asks_for_an_action_or_a_reason_under_a_failed_knockout(state, lang) -> None:  # type: ignore[no-untyped-def]
    run(state.set_language(lang))
    start_retail_visit(state)
    answer_everything(state)
    assert run(state.answer_check(CRITICAL, False))
    state.review()
    assert not keyed(build(state), f"needs-action-{CRITICAL}")  # asked only once finalise was tried
    assert keyed(build(state), f"create-action-{CRITICAL}")
    assert not run(state.finalise())
    assert not run(state.actions.skip_action(CRITICAL))
    view = build(state)
    (field,) = keyed(view, f"skip-reason-{CRITICAL}")
    assert field.error == state.actions.skip_error(CRITICAL, lang) and field.label
    assert keyed(view, f"skip-{CRITICAL}") and keyed(view, f"create-action-{CRITICAL}")
    assert holes(view) == []


def _services(picked: list[str]) -> Services:
    async def add_photo(_key):
        return None

    async def add_fix_photo():
        picked.append("fix")
    return Services(add_photo=add_photo, add_fix_photo=add_fix_photo)


@pytest.mark.parametrize(("lang", "required"), [("en", "Photo required"), ("zh-CN", "必须拍照")])
def test_the_resolve_form_has_a_photo_control_and_shows_a_missing_photo_at_it(state, lang, required) -> None:  # type: ignore[no-untyped-def]
    run(state.set_language(lang))
    pulled(state, server_copy(aid(1), photo_required=True))
    run(state.actions.open())
    state.actions.select(aid(1))
    picked: list[str] = []
    view = Renderer().render(build_view, state, _services(picked))
    (add,) = keyed(view, "add-fix-photo")
    assert add.content in ("Add photo of the fix", "添加整改后照片") and required in names(view)
    run(add.on_click())
    assert picked == ["fix"]
    state.actions.event.note, state.actions.event.cause = "bell fixed", "facilities"
    state.actions.event.root_cause = "nobody checked it"
    assert not run(state.actions.add_event("resolve"))
    view = Renderer().render(build_view, state, _services(picked))
    (error,) = keyed(view, "fix-photo-error")
    assert error.value == state.actions.field_error("photos", lang)
    assert run(state.actions.add_fix_photo(jpeg_bytes()))
    view = Renderer().render(build_view, state, _services(picked))
    assert not keyed(view, "fix-photo-error") and controls_of(view, ft.Image)
    assert holes(view) == []
