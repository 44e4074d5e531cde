"""`audit-server` commands and settings from the environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sync_server.app import create_app, prepare_database
from sync_server.cli import run
from sync_server.db import make_engine, make_session_factory
from sync_server.settings import Settings, settings_from_env
from sync_server.tables import ChecklistVersion, User

from .conftest import CHECKLIST_DIR

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    return {"AUDIT_DATA_DIR": str(tmp_path), "AUDIT_CHECKLIST_DIR": str(CHECKLIST_DIR)}


def test_create_user_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["create-user", "mei", "--role", "manager", "--region", "north"], _env(tmp_path)) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    settings = settings_from_env(_env(tmp_path))
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        user = session.get(User, "mei")
        assert user is not None and (user.role, user.region) == ("manager", "north")
        assert token not in {user.token_hash, user.id}
    engine.dispose()
    prepare_database(settings)
    with TestClient(create_app(settings)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/sites", headers=headers).status_code == 200
        assert run(["revoke-user", "mei"], _env(tmp_path)) == 0
        assert client.get("/api/v1/sites", headers=headers).status_code == 401


def test_user_errors_exit_1_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["create-user", "mei", "--role", "auditor"], _env(tmp_path)) == 0
    assert run(["create-user", "mei", "--role", "auditor"], _env(tmp_path)) == 1
    assert "already exists" in capsys.readouterr().err
    assert run(["revoke-user", "nobody"], _env(tmp_path)) == 1
    assert "no user named 'nobody'" in capsys.readouterr().err


def test_prepare_database_keeps_every_checklist_version(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, checklist_dir=CHECKLIST_DIR)
    assert prepare_database(settings) == ["shop-visit v1", "shop-visit v2"]
    assert prepare_database(settings) == []  # loading again adds nothing
    engine = make_engine(settings)
    with make_session_factory(engine)() as session:
        assert session.query(ChecklistVersion).count() == 2
    engine.dispose()


def test_module_entry_point_shows_every_command() -> None:
    result = subprocess.run([sys.executable, "-m", "sync_server", "--help"], cwd=REPO,
                            capture_output=True, text=True, check=True)
    for command in ("serve", "create-user", "revoke-user", "enrol", "demo"):
        assert command in result.stdout


def test_settings_come_from_audit_environment_variables(tmp_path: Path) -> None:
    settings = settings_from_env({"AUDIT_DATA_DIR": str(tmp_path), "AUDIT_MAX_PHOTO_BYTES": "123",
                                  "HOME": "/ignored"})
    assert settings.max_photo_bytes == 123
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'audit.db').resolve()}"
    pg = settings_from_env({"AUDIT_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert pg.resolved_database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValueError):
        settings_from_env({"AUDIT_NO_SUCH_SETTING": "1"})


def test_readme_documents_every_setting_and_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    # The README links the per-subject reference docs; a setting may be documented there.
    documented = readme + "".join(path.read_text(encoding="utf-8")
                                  for path in sorted((REPO / "docs").glob("*.md")))
    for name in Settings.model_fields:
        assert f"AUDIT_{name.upper()}" in documented, name
    for command in ("audit-server serve", "audit-server create-user", "audit-server revoke-user",
                    "audit-server enrol", "audit-server demo", "POST /enrol", "GET /photos/{sha256}"):
        assert command in readme, command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_migrates_loads_checklists_and_answers_with_n_workers(tmp_path: Path, workers: int) -> None:
    environ = {**os.environ, "AUDIT_DATA_DIR": str(tmp_path / "var"), "PYTHONPATH": str(REPO)}
    token = subprocess.run([sys.executable, "-m", "sync_server", "create-user", "li", "--role", "auditor"],
                           cwd=REPO, env=environ, capture_output=True, text=True,
                           check=True).stdout.splitlines()[-1]
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as log_file:  # a file, not a pipe: uvicorn's log must never block it
        server = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--port", str(port),
                                   "--workers", str(workers)], cwd=REPO, env=environ,
                                  stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        answers = [httpx.get(f"{base}/api/v1/checklists", headers=headers) for _ in range(2 * workers)]
        assert [a.status_code for a in answers] == [200] * (2 * workers)
        assert {c["id"] for c in answers[0].json()} >= {"retail-store-visit", "bank-branch-visit"}
        assert httpx.get(f"{base}/api/v1/checklists").status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_tokens_never_start_with_a_dash_so_a_command_line_reads_them_as_values() -> None:
    # token_urlsafe starts with "-" one time in 64; `sync --token -x…` then failed in argparse.
    from sync_server.accounts import new_token

    tokens = [new_token() for _ in range(500)]
    assert not [token for token in tokens if token.startswith("-")]
    assert len(set(tokens)) == 500
