import pytest

from audit_app.checklist_files import BUNDLED_DIR, load_checklist_dir
from audit_app.store import ChecklistCache, ChecklistNotFound

from .conftest import make_checklist, write_checklist_yaml


def test_the_bundled_checklists_are_loaded_on_first_run(tmp_path, bundled_dir):
    cache = ChecklistCache(tmp_path / "checklists.json", bundled_dir=bundled_dir)
    assert cache.get_checklist("shop-visit", 1) == make_checklist()
    assert cache.refs() == {("shop-visit", 1)}


def test_server_versions_are_kept_across_restarts_and_become_current(tmp_path, bundled_dir):
    path = tmp_path / "checklists.json"
    ChecklistCache(path, bundled_dir=bundled_dir).store_checklist(make_checklist(2, extra_item=True))
    cache = ChecklistCache(path, bundled_dir=bundled_dir)
    assert cache.refs() == {("shop-visit", 1), ("shop-visit", 2)}
    assert [c.ref for c in cache.current_checklists()] == [("shop-visit", 2)]
    assert "farewell" in cache.get_checklist("shop-visit", 2).item_map
    assert "farewell" not in cache.get_checklist("shop-visit", 1).item_map


def test_a_newly_bundled_version_is_added_but_never_replaces_a_stored_one(tmp_path, bundled_dir):
    path = tmp_path / "checklists.json"
    cache = ChecklistCache(path, bundled_dir=bundled_dir)
    server_copy = make_checklist(1).model_copy(update={"title": make_checklist().title.model_copy(
        update={"en": "Shop visit (server title)"})})
    cache.store_checklist(server_copy)
    write_checklist_yaml(bundled_dir, make_checklist(3))  # an app update bundles v3
    cache = ChecklistCache(path, bundled_dir=bundled_dir)
    assert cache.refs() == {("shop-visit", 1), ("shop-visit", 3)}
    assert cache.get_checklist("shop-visit", 1).title.en == "Shop visit (server title)"


def test_an_unknown_version_is_a_clear_error(tmp_path, bundled_dir):
    cache = ChecklistCache(tmp_path / "checklists.json", bundled_dir=bundled_dir)
    with pytest.raises(ChecklistNotFound) as error:
        cache.get_checklist("shop-visit", 4)
    assert "version 4" in error.value.message_en and "第 4 版" in error.value.message_zh


def test_the_real_bundled_folder_loads_into_the_cache(tmp_path):
    expected = load_checklist_dir(BUNDLED_DIR)  # may be empty while checklists are being written
    cache = ChecklistCache(tmp_path / "checklists.json")
    assert cache.refs() == {c.ref for c in expected}
    for checklist in expected:
        assert cache.get_checklist(*checklist.ref) == checklist
