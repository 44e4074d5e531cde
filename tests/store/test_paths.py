from audit_app.store.paths import DEFAULT_DIR, data_dir


def test_flet_storage_folder_wins(tmp_path):
    chosen = data_dir({"FLET_APP_STORAGE_DATA": str(tmp_path / "flet")}, configured=tmp_path / "cfg")
    assert chosen == tmp_path / "flet" and chosen.is_dir()


def test_configured_folder_is_used_when_flet_gives_none(tmp_path):
    assert data_dir({"FLET_APP_STORAGE_DATA": ""}, configured=tmp_path / "cfg") == tmp_path / "cfg"


def test_default_folder_without_either(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data_dir({}) == DEFAULT_DIR and (tmp_path / DEFAULT_DIR).is_dir()
